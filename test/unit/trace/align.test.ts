// The shortest-edit alignment `trace diff` runs on unit keys and event keys: an insertion or a
// deletion is reported as such and the rest stays matched; past the edit bound the middle is
// reported as replaced.
import { describe, expect, it } from "vitest";
import { alignSequences, type Step } from "../../../src/trace/index.js";

/** Steps as a compact string: `=` same, `-x` only in A, `+x` only in B. */
function script(a: string[], b: string[], max?: number): string {
  const s: Step[] = alignSequences(a, b, max);
  return s.map((x) => (x.op === "same" ? `=${a[x.a]}` : x.op === "a" ? `-${a[x.a]}` : `+${b[x.b]}`)).join(" "); // prettier-ignore
}

describe("alignSequences", () => {
  it("matches equal sequences and reports an extra or missing element", () => {
    expect(script(["s", "s", "i"], ["s", "s", "i"])).toBe("=s =s =i");
    expect(script(["s", "s", "i", "x"], ["s", "i", "s", "i", "x"])).toBe("=s +i =s =i =x");
    expect(script(["s", "i", "s", "x"], ["s", "s", "x"])).toBe("=s -i =s =x");
  });

  it("finds a shortest script in the middle", () => {
    const a = ["a", "b", "c", "a", "b", "b", "a"];
    const b = ["c", "b", "a", "b", "a", "c"];
    const s = alignSequences(a, b);
    expect(s.filter((x) => x.op !== "same")).toHaveLength(5); // the classic example's D
    // Every index of each side appears once, in order.
    expect(s.flatMap((x) => (x.op === "b" ? [] : [x.a]))).toEqual(a.map((_, i) => i));
    expect(s.flatMap((x) => (x.op === "a" ? [] : [x.b]))).toEqual(b.map((_, i) => i));
    for (const x of s) if (x.op === "same") expect(a[x.a]).toBe(b[x.b]);
  });

  it("handles empty sides and gives up past the edit bound", () => {
    expect(script([], ["x"])).toBe("+x");
    expect(script(["x"], [])).toBe("-x");
    expect(script(["p", "a", "b", "q"], ["p", "b", "a", "q"], 1)).toBe("=p -a -b +b +a =q");
  });
});
