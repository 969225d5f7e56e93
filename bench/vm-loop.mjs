// Measures the VM on the calibration loop (../shared/bench/loop.S, hand-encoded with src/isa's
// encoder until the assembler lands): flat64, paging on, every access translated.
// Usage: node bench/vm-loop.mjs [ITERS] [REPEATS] [--no-jit]
//   Boots a fresh machine REPEATS times (default 3), runs the loop ITERS times (10 instructions
//   each) and prints each run's rate by wall clock and by process CPU time, then the best. The
//   machine is shared with other work, so CPU time is the steadier figure; compare with
//   anchors/run.sh (Bochs, QEMU).
import { importBundle } from "./lib.mjs";

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const iters = Number(args[0] ?? 2_000_000);
const repeats = Number(args[1] ?? 3);
const jit = !process.argv.includes("--no-jit");
const { make } = await importBundle("vm-loop", {
  source: `
      import { boot } from "./test/unit/vm/asm.ts";
      import { loopProgram } from "./test/unit/vm/loop-program.ts";
      export function make(iters, output, jit) {
        return boot(loopProgram(iters), { maxInsns: 1e15, output, jit });
      }`,
});

let best = 0;
let bestCpu = 0;
for (let k = 0; k < repeats; k++) {
  let text = "";
  const mc = make(iters, (b) => (text += new TextDecoder().decode(b)), jit);
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  const res = mc.run();
  const secs = (performance.now() - t0) / 1000;
  const u1 = process.cpuUsage(u0);
  const cpuSecs = (u1.user + u1.system) / 1e6;
  const rate = res.insns / secs / 1e6;
  const cpuRate = res.insns / cpuSecs / 1e6;
  best = Math.max(best, rate);
  bestCpu = Math.max(bestCpu, cpuRate);
  console.log(
    `run ${k + 1}: checksum ${text.trim()} reason ${res.reason} status ${res.exitStatus}; ` +
      `${res.insns} instructions in ${secs.toFixed(2)} s: ${rate.toFixed(1)} M/s ` +
      `(CPU ${cpuSecs.toFixed(2)} s: ${cpuRate.toFixed(1)} M/s)`,
  );
}
console.log(
  `best: ${best.toFixed(1)} M instructions/s wall, ${bestCpu.toFixed(1)} M/s CPU` +
    (jit ? "" : " (interpreter only)"),
);
