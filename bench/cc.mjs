// handler-C compile speed: a generated 5,000-line C file (structs, loops, switches, calls, a
// table of function pointers) must compile — preprocess, parse, type, generate assembly — in
// under 1 s; the assembly of the output is timed too.
// Run: node bench/cc.mjs   (bundles src/cc and src/asm with esbuild, bench/lib.mjs; no build step)
import { importBundle } from "./lib.mjs";
import { performance } from "node:perf_hooks";

const m = await importBundle("cc", {
  source:
    'export * from "./src/cc/index.ts"; export * from "./src/diag/index.ts"; export { assembleText } from "./src/asm/index.ts";',
});

const TARGET_LINES = 5000;
const LIMIT_MS = 1000;

/** One function of about 25 lines, numbered so every name is distinct. */
function unit(i) {
  return `struct rec${i} { int id; long val; char name[8]; struct rec${i} *next; };
static long walk${i}(struct rec${i} *r, int n)
{
	long sum = 0;
	for (int k = 0; k < n && r; k++, r = r->next) {
		switch (r->id & 3) {
		case 0: sum += r->val; break;
		case 1: sum -= r->val >> 1; break;
		case 2: sum ^= (unsigned long)r->val << 3;
		default: sum += r->name[k & 7];
		}
		if (sum > 1000000L)
			sum = sum % 9973;
	}
	return sum;
}
long entry${i}(long a, long b)
{
	struct rec${i} r[4] = { [0] = { .id = ${i}, .val = a }, [1] = { 1, b, "x" } };
	r[0].next = &r[1];
	r[1].next = 0;
	int (*cmp)(long, long) = less;
	return cmp(a, b) ? walk${i}(r, 4) : ({ long t = a * b; t + ${i}; });
}
`;
}

const header = "static int less(long a, long b) { return a < b; }\n";
let src = header;
let i = 0;
while (src.split("\n").length < TARGET_LINES) src += unit(i++);
const lines = src.split("\n").length;

function once() {
  const sources = new m.SourceManager();
  const diags = new m.DiagnosticBag();
  const opts = { host: m.memoryHost({}), sources, diags };
  const t0 = performance.now();
  const r = m.compileText("bench.c", src, opts);
  const t1 = performance.now();
  if (!r.asm) throw new Error(diags.items.map((d) => d.message).join("\n"));
  const obj = m.assembleText("bench.s", r.asm, opts);
  const t2 = performance.now();
  if (!obj.object) throw new Error("assembly failed");
  return { compile: t1 - t0, assemble: t2 - t1, asmLines: r.asm.split("\n").length };
}

once(); // warm up the JIT
const runs = [once(), once(), once()];
const best = (k) => Math.min(...runs.map((r) => r[k]));
console.log(`handler-C: ${lines} lines, ${i} functions x2 → ${runs[0].asmLines} lines of assembly`);
console.log(`  compile  ${best("compile").toFixed(1)} ms (best of 3; limit ${LIMIT_MS} ms)`);
console.log(`  assemble ${best("assemble").toFixed(1)} ms`);
if (best("compile") >= LIMIT_MS) {
  console.log("  FAIL: over the limit");
  process.exitCode = 1;
}
