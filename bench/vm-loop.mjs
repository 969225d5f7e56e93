// Measures the VM on the calibration loop (../shared/bench/loop.S, hand-encoded with src/isa's
// encoder until the assembler lands): flat64, paging on, every access translated.
// Usage: node bench/vm-loop.mjs [ITERS]   (prints M instructions/s; compare with anchors/run.sh)
import { build } from "esbuild";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const iters = Number(process.argv[2] ?? 2_000_000);
const dir = mkdtempSync(join(tmpdir(), "vm-bench-"));
const out = join(dir, "bench.mjs");
await build({
  stdin: {
    contents: `
      import { boot } from "./test/unit/vm/asm.ts";
      import { loopProgram } from "./test/unit/vm/loop-program.ts";
      export function make(iters, output) { return boot(loopProgram(iters), { maxInsns: 1e15, output }); }`,
    resolveDir: process.cwd(),
    loader: "ts",
  },
  bundle: true,
  format: "esm",
  platform: "node",
  outfile: out,
  logLevel: "warning",
});
const { make } = await import(pathToFileURL(out).href);
let text = "";
const mc = make(iters, (b) => (text += new TextDecoder().decode(b)));
const t0 = performance.now();
const res = mc.run();
const secs = (performance.now() - t0) / 1000;
console.log(`checksum ${text.trim()}  reason ${res.reason}  status ${res.exitStatus}`);
console.log(
  `${res.insns} instructions in ${secs.toFixed(2)} s: ${(res.insns / secs / 1e6).toFixed(1)} M instructions/s`,
);
writeFileSync(join(dir, "done"), "");
