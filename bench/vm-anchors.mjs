// The VM beside Bochs and QEMU on the calibration loop (../shared/bench/loop.S), measured in the
// same run so the ratio means something on a shared machine: `entrylab run loop.S` (whole process,
// ITERS iterations of 10 instructions, minus a 10-iteration run for start-up) against
// ../shared/bench/anchors/run.sh, which boots the same loop on QEMU (TCG) and Bochs.
// Usage: node bench/vm-anchors.mjs [ITERS] [RUNS]      (defaults 100000000 3)
// The anchors need the Debian packages nasm, qemu-system-x86, bochs, seabios; run.sh installs
// them when run as root. Without them only the VM's rate is printed.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const shared = join(root, "../shared/bench");
const iters = Number(process.argv[2] ?? 100_000_000);
const runs = Number(process.argv[3] ?? 3);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function wall(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(root, "bin/entrylab.js"), ...args], { encoding: "latin1" }); // prettier-ignore
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 1) throw new Error(`entrylab ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  return { s, out: r.stdout.trim() };
}

function vmRate() {
  const loop = join(shared, "loop.S");
  const t0 = median(Array.from({ length: runs }, () => wall(["run", "-D", "ITERS=10", loop]).s));
  const big = Array.from({ length: runs }, () => wall(["run", "-D", `ITERS=${iters}`, loop]));
  const t1 = median(big.map((b) => b.s));
  return { rate: (iters * 10) / (t1 - t0) / 1e6, checksum: big[0].out };
}

const vm = vmRate();
console.log(`entrylab  ITERS=${iters}  ${vm.rate.toFixed(1)} M instr/s  (checksum ${vm.checksum})`);
const anchors = join(shared, "anchors/run.sh");
if (!existsSync(anchors)) {
  console.log("(no ../shared/bench/anchors/run.sh: Bochs and QEMU not measured)");
} else {
  const r = spawnSync("bash", [anchors, String(iters), String(runs)], { encoding: "utf8" });
  process.stdout.write(r.stdout);
  const bochs = /bochs\s+ITERS=\d+\s+([\d.]+) M/.exec(r.stdout);
  const qemu = /qemu-tcg\s+ITERS=\d+\s+([\d.]+) M/.exec(r.stdout);
  if (bochs) console.log(`ratio entrylab/bochs: ${(vm.rate / Number(bochs[1])).toFixed(2)}`);
  if (qemu) console.log(`ratio entrylab/qemu-tcg: ${(vm.rate / Number(qemu[1])).toFixed(3)}`);
  if (!bochs) console.log(`(anchors did not run: ${r.stderr.trim().slice(0, 300)})`);
}
