// `npm run bench` (after `npm run build`): the project's benchmarks and their targets.
//
//   asm 200k      whole process `node bin/entrylab.js as big.s -o big.o` on 200,000 generated
//                 lines (bench/gen-asm.mjs): wall time ≤ 1000 ms, peak RSS < 500 MB
//   asm 2k stub   the same on 2,000 lines: ≤ 300 ms
//   --version     `node bin/entrylab.js --version`: ≤ 300 ms
//   then every script in EXTRA (the VM loop, cpp, the parser), whose own output is printed.
//
// The machine is shared, so each timed command runs several times (--runs N, default 5) and
// the table shows the best and the median; the load average is printed with it. Peak RSS comes
// from /usr/bin/time (Debian package `time`) when present.
// Usage: node bench/run.mjs [--runs N] [--only asm|extra] [--keep]   (files go to a temp dir)
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const cli = join(root, "bin/entrylab.js");
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : dflt;
};
const RUNS = Number(opt("--runs", 5));
const ONLY = opt("--only", "all");
const KEEP = argv.includes("--keep");
const TIME = "/usr/bin/time";
const hasTime = existsSync(TIME);

/** Scripts run after the timed commands; each prints its own figures (add new ones here). */
const EXTRA = [
  { name: "VM loop", script: "bench/vm-loop.mjs", args: [] },
  { name: "VM beside Bochs and QEMU", script: "bench/vm-anchors.mjs", args: [] },
  { name: "VM syscall round trip", script: "bench/vm-syscall.mjs", args: [] },
  { name: "cpp", script: "bench/cpp.mjs", args: [] },
  { name: "parseLine", script: "bench/parse.mjs", args: [] },
];

const dir = mkdtempSync(join(tmpdir(), "entrylab-bench-"));

function generate(lines) {
  const file = join(dir, `gen-${lines}.s`);
  const text = execFileSync(process.execPath, [join(root, "bench/gen-asm.mjs"), String(lines)], {
    maxBuffer: 1 << 30,
  });
  writeFileSync(file, text);
  return file;
}

/** One run: wall ms and peak RSS in MB (undefined without /usr/bin/time). */
/** A 10-instruction flat64 program: exits through isa-debug-exit with status 1. */
function tiny() {
  const file = join(dir, "tiny.S");
  const body = ["xor %eax, %eax", "mov $1, %ecx", "add %ecx, %eax", "sub %ecx, %eax", "inc %eax", "dec %eax", "mov %eax, %edx", "nop", "nop", "outb %al, $0xf4"]; // prettier-ignore
  writeFileSync(file, `\t.globl _start\n_start:\n${body.map((i) => `\t${i}\n`).join("")}`);
  return file;
}

function runOnce(args) {
  const stats = join(dir, "time.txt");
  const cmd = hasTime ? TIME : process.execPath;
  const full = hasTime ? ["-f", "%e %M", "-o", stats, process.execPath, cli, ...args] : [cli, ...args]; // prettier-ignore
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, full, { encoding: "utf8", maxBuffer: 1 << 26 });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && !(args[0] === "run" && r.status === 1)) {
    throw new Error(`entrylab ${args.join(" ")} exited ${r.status}:\n${r.stderr.slice(0, 2000)}`);
  }
  const rss = hasTime ? Number(readFileSync(stats, "utf8").trim().split(/\s+/).pop()) / 1024 : undefined; // prettier-ignore
  return { ms, rss };
}

function measure(name, args, limitMs, limitMb) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(runOnce(args));
  const times = runs.map((r) => r.ms).sort((a, b) => a - b);
  const rss = runs.every((r) => r.rss !== undefined) ? Math.max(...runs.map((r) => r.rss)) : undefined; // prettier-ignore
  const best = times[0];
  const median = times[Math.floor(times.length / 2)];
  const ok = best <= limitMs && (limitMb === undefined || rss === undefined || rss < limitMb);
  return { name, best, median, rss, limitMs, limitMb, ok };
}

function table(rows) {
  const fmt = (n) => (n === undefined ? "-" : n.toFixed(0));
  const lines = [
    "| benchmark | best ms | median ms | peak RSS MB | target | ok |",
    "|---|---:|---:|---:|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.best)} | ${fmt(r.median)} | ${fmt(r.rss)} | ≤ ${r.limitMs} ms` +
        `${r.limitMb ? `, < ${r.limitMb} MB` : ""} | ${r.ok ? "yes" : "NO"} |`,
    ),
  ];
  return lines.join("\n");
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(" "); // prettier-ignore
console.log(`entrylab bench: ${cpus().length} CPUs (${cpus()[0]?.model ?? "?"}), ${RUNS} runs each`); // prettier-ignore
console.log(`load average before: ${load()}`);
if (!hasTime) console.log(`(no ${TIME}: peak RSS not measured; apt-get install time)`);

try {
  if (ONLY === "all" || ONLY === "asm") {
    const big = generate(200_000);
    const stub = generate(2_000);
    const rows = [
      measure("asm 200k lines (whole process)", ["as", big, "-o", join(dir, "big.o")], 1000, 500),
      measure("asm 2k-line stub (whole process)", ["as", stub, "-o", join(dir, "stub.o")], 300),
      measure("entrylab --version", ["--version"], 300),
      measure("run a 10-instruction program", ["run", tiny()], 300),
    ];
    console.log(`\n${table(rows)}\n`);
    console.log(`load average after: ${load()}`);
  }
  if (ONLY === "all" || ONLY === "extra") {
    for (const b of EXTRA) {
      console.log(`\n## ${b.name}: node ${b.script} ${b.args.join(" ")}`);
      const r = spawnSync(process.execPath, [join(root, b.script), ...b.args], {
        cwd: root,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
      process.stdout.write(r.stdout);
      if (r.status !== 0) console.log(`(exited ${r.status}) ${r.stderr.slice(0, 1000)}`);
    }
  }
} finally {
  if (KEEP) console.log(`files kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
}
