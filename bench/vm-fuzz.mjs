// The differential fuzzer's long mode: `node bench/vm-fuzz.mjs N [SEED]` runs N random instruction
// sequences (in batches of 600, seeds SEED, SEED+1, ...; default N = 20000, SEED = 1000) on the VM
// and natively through test/asm/fuzz.test.ts, and prints how many sequences and instructions were
// compared. Needs x86-64 Linux with gcc. CI runs the same test with its small default (1200).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const seqs = Number(process.argv[2] ?? 20000);
const seed = Number(process.argv[3] ?? 1000);
if (!Number.isInteger(seqs) || seqs <= 0 || !Number.isInteger(seed)) {
  console.error("usage: node bench/vm-fuzz.mjs [SEQUENCES] [FIRST_SEED]");
  process.exit(2);
}
const started = process.hrtime.bigint();
const r = spawnSync(
  "npx",
  ["vitest", "run", "test/asm/fuzz.test.ts", "--testTimeout", String(seqs * 50 + 60000)],
  {
    cwd: root,
    env: { ...process.env, FUZZ_SEQS: String(seqs), FUZZ_SEED: String(seed) },
    encoding: "utf8",
    maxBuffer: 256 << 20,
  },
);
const out = (r.stdout ?? "") + (r.stderr ?? "");
let sequences = 0;
let insns = 0;
let mismatches = 0;
for (const m of out.matchAll(
  /fuzz seed \d+: (\d+) sequences, (\d+) instructions compared.*; (\d+) mismatches/g,
)) {
  sequences += Number(m[1]);
  insns += Number(m[2]);
  mismatches += Number(m[3]);
}
const secs = Number(process.hrtime.bigint() - started) / 1e9;
if (r.status !== 0)
  console.log(
    out
      .split("\n")
      .filter((l) => !/^\s*$/.test(l))
      .slice(-80)
      .join("\n"),
  );
console.log(
  `vm-fuzz: ${sequences} sequences, ${insns} instructions compared with the host CPU, ` +
    `${mismatches} mismatches (${secs.toFixed(1)} s, seeds from ${seed})`,
);
process.exit(r.status === 0 ? 0 : 1);
