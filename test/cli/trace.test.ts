// `entrylab run --trace` and `entrylab trace show|stats` end to end: traces of runs that end in
// every way are complete (they end with the run-end record), filters, the episode table, and bad
// trace files (including mutated ones) as diagnostics with file:line, never a stack trace.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, scratch } from "./helpers.js";
import { prng } from "../support/prng.js";

const SYS = "test/system";
const ROUNDTRIP = "test/unit/trace/roundtrip.S";
/** A #UD handler that is itself ud2: deliveries forever, until the instruction limit. */
const UD_LOOP = `#include "sys.h"
SYS_BEGIN
        mov     $6, %edi
        lea     spin(%rip), %rsi
        call    set_gate
        ud2
SYS_END
spin:   ud2
`;

function lastRecord(path: string): Record<string, unknown> {
  const lines = readFileSync(path, "utf8").trimEnd().split("\n");
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

describe("entrylab run --trace", () => {
  const dir = scratch({ "ud.S": UD_LOOP });

  it("writes a JSON Lines trace that trace show filters and prints as text", () => {
    const t = join(dir, "rt.jsonl");
    const r = entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", t]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("done\n");
    expect(lastRecord(t)).toMatchObject({ kind: "end", reason: "exit", exitStatus: 1 });
    const show = entrylab(["trace", "show", t, "--kind", "syscall,sysret"]);
    expect(show.status).toBe(0);
    expect(show.stderr).toBe("");
    expect(show.stdout.split("\n").filter((l) => l).map((l) => l.split(/ +/)[3])).toEqual(["syscall", "sysret", "syscall"]); // prettier-ignore
    const sym = entrylab(["trace", "show", t, "--symbol", "entry_syscall", "--kind", "cr"]);
    expect(sym.stdout.trimEnd().split("\n")).toHaveLength(3);
    expect(sym.stdout).toMatch(
      /# entry_syscall\+0x[0-9a-f]+ \(test\/unit\/trace\/roundtrip\.S:\d+\)/,
    );
    const range = entrylab(["trace", "show", t, "--from", "4300", "--to", "4306", "--cpu", "0"]);
    const counts = range.stdout
      .trimEnd()
      .split("\n")
      .map((l) => Number(l.split(" ")[1]));
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.every((n) => n >= 4300 && n <= 4306)).toBe(true);
  });

  it("writes the text format by default and records every instruction at --trace-level insn", () => {
    const t = join(dir, "rt.txt");
    const r = entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", t, "--trace-level", "insn"]);
    expect(r.status).toBe(1);
    const lines = readFileSync(t, "utf8").trimEnd().split("\n");
    expect(lines.filter((l) => / insn {9}rsp=/.test(l)).length).toBeGreaterThan(4000);
    expect(lines[lines.length - 1]).toMatch(/ end {10}rsp=[0-9a-f]{16} task=0 reason=exit exitStatus=1 insns=\[\d+\]/); // prettier-ignore
    const show = entrylab(["trace", "show", t]);
    expect(show.status).toBe(2);
    expect(show.stderr).toMatch(/rt\.txt:1:1: error\[E8004\]/);
  });

  it.each([
    ["triple fault", [`${SYS}/triple.S`], 6, "triple-fault"],
    ["instruction limit in a #UD loop", ["ud.S", "--max-insns", "3000"], 4, "limit"],
    ["deadlock", [`${SYS}/deadlock.S`], 8, "deadlock"],
  ] as const)(
    "ends a trace cut short by a %s with the run-end record",
    (_what, args, status, reason) => {
      const t = join(dir, `${reason}.jsonl`);
      const files = args.map((a) => (a === "ud.S" ? join(dir, a) : a));
      const r = entrylab(["run", "-I", SYS, ...files, "--trace", t]);
      expect(r.status).toBe(status);
      expect(lastRecord(t)).toMatchObject({ kind: "end", reason });
      const show = entrylab(["trace", "show", t]);
      expect(show.status).toBe(0);
      expect(show.stderr).toBe("");
    },
  );

  it("rejects bad trace options with a usage error", () => {
    const t = join(dir, "x.jsonl");
    expect(entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", t, "--trace-level", "all"]).stderr).toMatch(/E0001.*--trace-level: 'all' is not one of system, paging, insn/); // prettier-ignore
    expect(entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace-format", "jsonl"]).status).toBe(2);
    expect(entrylab(["trace", "show", t, "--kind", "syscal"]).status).toBe(2);
    expect(entrylab(["trace", "show", join(dir, "missing.jsonl")]).status).toBe(3);
  });
});

describe("entrylab trace stats", () => {
  it("prints the episodes with their triggers, instructions and CR3 writes", () => {
    const dir = scratch();
    const t = join(dir, "rt.jsonl");
    entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", t]);
    const r = entrylab(["trace", "stats", t]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^cpu 0: \d+ instructions, \d+ on the user CR3 \(bit 12, from the CR3-write timeline\), ~\d+ estimated cycles$/m); // prettier-ignore
    expect(r.stdout).toMatch(/episodes: 3 \(and one still open: syscall 60 from \d+\)/);
    // The last column: estimated cycles (test/unit/trace/cost.test.ts checks the figures).
    expect(r.stdout).toMatch(/^ +1 +syscall 39 +\d+ +\d+ +22 +10 +2 +0 +0 +0 +\d+$/m);
    expect(r.stdout).toMatch(/^ +2 +#PF +\d+ +\d+ +7 +7 +0 +0 +0 +0 +\d+$/m);
  });
});

describe("bad trace files", () => {
  it("reports each bad line with file:line and a code", () => {
    const good =
      '{"kind":"end","cpu":0,"icount":5,"rip":"0x10","rsp":"0x20","reason":"exit","insns":[5]}';
    const dir = scratch({
      "bad.jsonl": ["{not json", '{"kind":"warp"}', '{"kind":"syscall","cpu":0}', good].join("\n"),
      "empty.jsonl": "\n\n",
    });
    const r = entrylab(["trace", "show", join(dir, "bad.jsonl")]);
    expect(r.status).toBe(2); // trouble, as for every trace command (docs/diagnostics.md)
    expect(r.stderr).toMatch(/bad\.jsonl:1:1: error\[E8001\]/);
    expect(r.stderr).toMatch(/bad\.jsonl:2:1: error\[E8002\]: unknown record kind 'warp'/);
    expect(r.stderr).toMatch(/bad\.jsonl:3:1: error\[E8003\]: 'syscall' record: field 'icount'/);
    expect(r.stderr).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(entrylab(["trace", "stats", join(dir, "empty.jsonl")]).stderr).toMatch(/E8005/);
  });

  it("survives mutated traces: diagnostics only, no exception escapes", () => {
    const dir = scratch();
    const t = join(dir, "rt.jsonl");
    entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", t]);
    const lines = readFileSync(t, "utf8").trimEnd().split("\n");
    const rand = prng(0x7ace);
    for (let n = 0; n < 12; n++) {
      const copy = [...lines];
      const i = Math.floor(rand() * copy.length);
      const line = copy[i]!;
      const at = Math.floor(rand() * line.length);
      const junk = ['"', "}", "0x", "-1", "null", "[]", "", "\\u0000", "9999999999999999999"][
        n % 9
      ]!;
      copy[i] = line.slice(0, at) + junk + line.slice(at + 1 + Math.floor(rand() * 4));
      writeFileSync(join(dir, `m${n}.jsonl`), copy.join("\n"));
      for (const cmd of ["show", "stats"]) {
        const r = entrylab(["trace", cmd, join(dir, `m${n}.jsonl`)]);
        expect(r.stderr).not.toMatch(/internal error|E0005/);
        expect([0, 2]).toContain(r.status);
        if (r.status === 2) expect(r.stderr).toMatch(/m\d+\.jsonl:\d+:\d+: error\[E800[1-5]\]/);
      }
    }
  });
});

describe("entrylab trace show --task and trace stats per task", () => {
  it("follows the model kernel's tasks through a ping-pong", () => {
    const dir = scratch();
    const t = join(dir, "pp.jsonl");
    expect(entrylab(["kernel", "run", "--scenario", "pingpong", "--trace", t]).status).toBe(1);
    const show = entrylab(["trace", "show", t, "--task", "2", "--kind", "sched-switch,sched-wakeup"]); // prettier-ignore
    expect(show.status).toBe(0);
    const lines = show.stdout.trimEnd().split("\n");
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(l).toMatch(/^1 \d{10} [0-9a-f]{16} sched-(switch|wakeup) rsp=[0-9a-f]{16} task=2 /); // prettier-ignore
    expect(show.stdout).toMatch(/sched-wakeup rsp=[0-9a-f]{16} task=2 comm=pingpong pid=1 targetCpu=0 by=2 # wake_up_process\+0x/); // prettier-ignore
    expect(entrylab(["trace", "show", t, "--task", "x"]).stderr).toMatch(/E0001.*--task: 'x' is not a number/); // prettier-ignore
    const stats = entrylab(["trace", "stats", t]);
    expect(stats.stdout).toMatch(/^tasks \(instructions from each CPU's sched-switch timeline\):\n {4}pid +comm +insns +episodes +in-episodes +syscalls +switches +sleeps +woken +wakes +cpus\n {6}0 +swapper +\d+ +0 +0 +0 /m); // prettier-ignore
    expect(stats.stdout).toMatch(/^ {6}1 +pingpong +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ +0$/m);
    expect(stats.stdout).toMatch(/^ {6}2 +pingpong +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ +\d+ +1$/m);
    // Split by task: each episode names its task, and pid 1's futex waits slept while the idle task ran.
    expect(stats.stdout).toMatch(/^ +\d+ +syscall 202 +1 +\d+ +\d+ +\d+ +[1-9]\d* +1 /m);
  });
});
