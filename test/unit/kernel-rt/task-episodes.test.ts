// Episodes split by task on the model kernel's futex ping-pong (programs/scenarios/
// baseline-pingpong.json and pti-c-pingpong.json, run as `kernel run --scenario` runs them): every
// futex wait that sleeps ends with its own task's SYSRETQ, holds only its task's records, and its
// own instructions plus what it slept across make up its span; the per-task table agrees; the
// diff of the two designs pairs pid 1's episodes with pid 1's and names the task where they part.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { bootKernel, parseScenario, traceImage } from "../../../src/kernel-rt/index.js";
import {
  byStream,
  diffTraces,
  formatDiff,
  streamUnits,
  TraceRecorder,
  traceStats,
} from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { patchedKernel, program } from "./helpers.js";

const CLEAN_EXIT = 1;
const FUTEX = "syscall 202";

/** The scenario's run, traced at the `system` level (its own level, insn, only adds records). */
function runScenario(name: string): TraceRecord[] {
  const path = `programs/scenarios/${name}.json`;
  const diags = new DiagnosticBag();
  const s = parseScenario(path, readFileSync(path, "utf8"), { sources: new SourceManager(), diags })!; // prettier-ignore
  const k = patchedKernel(s.patches);
  const users = s.users.map((u) => ({ name: u, image: program(u) }));
  const machine = { cpus: Number(s.machine.cpus ?? 1), maxInsns: 3_000_000 };
  const first = bootKernel(k, users, s.config, { diags, machine })!;
  const rec = new TraceRecorder({ image: traceImage(k.image, first.regions), level: "system" });
  const b = bootKernel(k, users, s.config, { diags, machine: { ...machine, events: rec } })!;
  expect(b.machine.run().exitStatus).toBe(CLEAN_EXIT);
  return rec.records;
}

describe("the futex ping-pong, split by task", () => {
  const base = runScenario("baseline-pingpong");

  it("ends every futex wait that sleeps with its own task's return", () => {
    const units = byStream(base).flatMap(streamUnits);
    const waits = units.filter((u) => u.kind === "episode" && u.trigger === FUTEX && u.records.some((r) => r.kind === "sched-switch")); // prettier-ignore
    // Each task sleeps twice: its wait in rounds 1 and 2 (the last round's partner has exited).
    expect(waits.map((u) => u.task)).toEqual(["1", "1", "2", "2"]);
    for (const u of waits) {
      const ret = u.records[u.ret!]!;
      expect(ret.kind).toBe("sysret");
      // Only its own records: the other task's round trips while it slept are not in it.
      expect(u.records.every((r) => String(r.task) === u.task)).toBe(true);
      expect(u.records.filter((r) => r.kind === "syscall")).toHaveLength(1);
    }
  });

  it("counts each wait's own instructions and the others' it slept across, and the tasks agree", () => {
    const s = traceStats(base);
    const eps = s.cpus[0]!.episodes;
    const waits = eps.filter((e) => e.trigger === FUTEX && e.switchedOut! > 0);
    expect(waits).toHaveLength(4);
    for (const e of waits) {
      // One CPU: its span is its own instructions plus the others' while it was switched out.
      expect(e.instructions + e.slept!).toBe(e.end - e.start + 1);
      expect(e.slept!).toBeGreaterThan(e.instructions);
    }
    // The other task's whole getpid/write round trips lie inside a wait's span, as episodes of their own.
    const w = waits[0]!;
    expect(eps.some((e) => e.task !== w.task && e.start > w.start && e.end < w.end)).toBe(true);
    // Each task's episodes are part of what it ran, counted from the same switches.
    for (const t of s.tasks!.filter((x) => x.pid !== 0)) {
      const own = eps.filter((e) => e.task === t.pid);
      expect(t.episodes).toBe(own.length);
      expect(t.inEpisodes).toBe(own.reduce((n, e) => n + e.instructions, 0));
      expect(t.inEpisodes).toBeLessThanOrEqual(t.instructions);
      // Every system call is an episode: finished, or the exit still open.
      expect(own.filter((e) => e.trigger.startsWith("syscall")).length + s.cpus[0]!.open.filter((e) => e.task === t.pid).length).toBe(t.syscalls); // prettier-ignore
    }
  });

  it("diffs against patches 1 and 2: every episode pairs, and the first divergence names pid 1", () => {
    const d = diffTraces(base, runScenario("pti-c-pingpong"));
    expect(d.equivalent).toBe(false);
    expect(d.units.filter((u) => u.status === "only-a" || u.status === "only-b")).toEqual([]);
    // Pid 1's first return to user mode (its start, through the IRET exit), where patch 2 moved
    // the user-bound CR3 write into C: the first design difference in time.
    const first = d.first!;
    expect(first.unit.a).toMatchObject({ stream: "pid 1", kind: "boot" });
    expect(first.event!.how).toContain("function: common_interrupt_return in A, user_pagetable_return in B"); // prettier-ignore
    const text = formatDiff(d, { a: "base", b: "pti-c" });
    expect(text).toMatch(/^first divergence: pid 1 boot #1 \(cpu 0\) /m);
    expect(text).toMatch(/^  pid 2 episode syscall 202 #2 \(cpu 0\): /m);
    // Per episode type, the same number of futex calls on both sides, each with the user-CR3 work C added.
    const row = d.summary.find((r) => r.trigger === FUTEX)!;
    expect(row.a.episodes).toBe(row.b.episodes);
    expect(row.b.userCr3Instructions).toBeGreaterThan(row.a.userCr3Instructions);
  });
});
