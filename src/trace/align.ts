// Sequence alignment for `trace diff`: the shortest edit script between two sequences of keys
// (Myers' O((N+M)·D) greedy algorithm, the one diff(1) uses), so an extra or missing element is
// reported as such and everything around it still lines up. Common prefix and suffix are matched
// first; past `maxEdits` differences the middle is given up as replaced wholesale (a bound on
// time and memory for traces that have little in common).

/** One step of an alignment: both sides match, or an element only in A, or only in B. */
export type Step =
  { op: "same"; a: number; b: number } | { op: "a"; a: number } | { op: "b"; b: number };

/** Differences beyond which the middle of two sequences is reported as replaced. */
export const MAX_EDITS = 2000;

export function alignSequences(a: readonly string[], b: readonly string[], maxEdits = MAX_EDITS): Step[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++; // prettier-ignore
  const steps: Step[] = [];
  for (let i = 0; i < pre; i++) steps.push({ op: "same", a: i, b: i });
  const midA = a.slice(pre, a.length - suf);
  const midB = b.slice(pre, b.length - suf);
  const mid = myers(midA, midB, maxEdits) ?? replaced(midA.length, midB.length);
  for (const s of mid) steps.push(shift(s, pre));
  for (let i = suf; i > 0; i--) steps.push({ op: "same", a: a.length - i, b: b.length - i });
  return steps;
} // prettier-ignore

function shift(s: Step, by: number): Step {
  if (s.op === "same") return { op: "same", a: s.a + by, b: s.b + by };
  return s.op === "a" ? { op: "a", a: s.a + by } : { op: "b", b: s.b + by };
}

function replaced(n: number, m: number): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < n; i++) out.push({ op: "a", a: i });
  for (let j = 0; j < m; j++) out.push({ op: "b", b: j });
  return out;
}

/** Myers' forward search; undefined when more than `maxEdits` edits are needed. */
function myers(a: readonly string[], b: readonly string[], maxEdits: number): Step[] | undefined {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return replaced(n, m);
  const max = Math.min(n + m, maxEdits);
  const off = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d]: v over diagonals −d−1 … d+1 before step d (what the backtrack reads).
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice(off - d - 1, off + d + 2));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1; // prettier-ignore
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return backtrack(trace, n, m);
    }
  }
  return undefined;
}

function backtrack(trace: readonly Int32Array[], n: number, m: number): Step[] {
  const out: Step[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const at = (k: number): number => v[k + d + 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : at(prevK);
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) out.push({ op: "same", a: --x, b: --y });
    if (d === 0) break;
    if (x === prevX) out.push({ op: "b", b: prevY });
    else out.push({ op: "a", a: prevX });
    x = prevX;
    y = prevY;
  }
  return out.reverse();
}
