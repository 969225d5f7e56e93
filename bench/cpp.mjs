// Preprocessor throughput: a 200,000-line .S with no macro uses should take well under 100 ms
// (the fast path), and one where every tenth line expands a macro shows the slow path's cost.
// Run: node bench/cpp.mjs   (bundles src/cpp with esbuild, bench/lib.mjs; no build step needed)
import { importBundle } from "./lib.mjs";
import { performance } from "node:perf_hooks";

const cpp = await importBundle("cpp", {
  source: 'export * from "./src/cpp/index.ts"; export * from "./src/diag/index.ts";',
});

const LINES = 200_000;
const BODY = [
  "\tmovq\t%rsp, %gs:0x1000",
  "\tpushq\t$0x2b\t\t\t# user SS",
  "1:\tswapgs",
  "\tmovq\t8(%rsp, %rax, 8), %rcx",
  "\tjz\t1b",
  "",
  "entry_SYSCALL_64_after_hwframe:",
  "\t.quad\t0x7fffffffe000",
];

function source(macroEvery) {
  const out = ["#define PTI_USER_PGTABLE_MASK (1 << 12)", "#define SAVE(x) pushq x"];
  for (let i = 0; i < LINES; i++) {
    if (macroEvery && i % macroEvery === 0) out.push("\tSAVE(%rdi)\t# PTI_USER_PGTABLE_MASK");
    else out.push(BODY[i % BODY.length]);
  }
  return out.join("\n") + "\n";
}

function run(name, text) {
  let best = Infinity;
  let lines = 0;
  for (let k = 0; k < 7; k++) {
    const sources = new cpp.SourceManager();
    const diags = new cpp.DiagnosticBag();
    const file = sources.add("bench.S", text);
    const opts = {
      mode: "asm",
      includePaths: [],
      defines: [],
      host: cpp.memoryHost({}),
      sources,
      diags,
    };
    const t0 = performance.now();
    const r = cpp.preprocess(file, opts);
    best = Math.min(best, performance.now() - t0);
    lines = r.lines.length;
  }
  console.log(`${name}: ${lines} lines in ${best.toFixed(1)} ms (best of 7)`);
}

if (!process.env.ONLY_SLOW) run("no macros", source(0));
run("macro every 10th line", source(10));
