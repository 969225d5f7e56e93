// trace diff on diff-pair.S built as a baseline and as "patched" trees: code moved by a patch is
// not a difference; a CR3 switch done three instructions later is the first divergence (the CR3
// write's position in the episode) and the summary counts the extra user-CR3 instructions; an
// extra episode is reported as such; traces of different levels are compared at the lower one;
// the text output matches a golden file (UPDATE_GOLDEN=1 rewrites it).
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diffTraces, formatDiff, formatDiffJson, splitUnits } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { ofKind, recordPair } from "./diff-helpers.js";
import { TRACE_DIR } from "./helpers.js";

const GOLDEN = `${TRACE_DIR}diff.golden.txt`;
const base = recordPair();
const late = recordPair(["LATE_CR3"]);
const names = { a: "base.jsonl", b: "late.jsonl" };

/** The k-th system call episode's entering record and its kernel- and user-bound CR3 writes. */
function syscallEpisode(
  rs: readonly TraceRecord[],
  k: number,
): { enter: TraceRecord; toKernel: TraceRecord; toUser: TraceRecord; ret: TraceRecord } {
  // prettier-ignore
  const enter = ofKind(rs, "syscall")[k]!;
  const ret = ofKind(rs, "sysret")[k]!;
  const writes = ofKind(rs, "cr", "cr3").filter((r) => r.icount > enter.icount && r.icount < ret.icount); // prettier-ignore
  return { enter, toKernel: writes[0]!, toUser: writes[1]!, ret };
}

describe("splitting into units", () => {
  it("puts every record but the run end in one unit: boot, episodes, the open exit call", () => {
    const units = splitUnits(0, base);
    expect(units.map((u) => `${u.kind}:${u.trigger}#${u.ordinal}`)).toEqual(["boot:boot#1", "episode:syscall 39#1", "episode:syscall 39#2", "episode:vector 128#1", "open:syscall 60#1"]); // prettier-ignore
    expect(units.reduce((n, u) => n + u.records.length, 0)).toBe(base.length - 1);
    // The iret's stack move back to the user stack is the episode's tail.
    const int80 = units[3]!;
    expect(int80.records.map((r) => r.kind)).toEqual(["deliver", "stack", "iret", "stack"]);
  });
});

describe("trace diff", () => {
  it("finds a rebuilt and a moved tree equivalent: addresses are not differences", () => {
    expect(diffTraces(base, recordPair()).equivalent).toBe(true);
    const moved = recordPair(["MOVED"]);
    // The patch moved the entry code: LSTAR, RIPs and handler addresses changed...
    expect(ofKind(moved, "wrmsr").map((r) => r.kind === "wrmsr" && r.value)).not.toEqual(ofKind(base, "wrmsr").map((r) => r.kind === "wrmsr" && r.value)); // prettier-ignore
    expect(ofKind(moved, "sysret")[0]!.rip).not.toBe(ofKind(base, "sysret")[0]!.rip);
    // ...and nothing else.
    const d = diffTraces(base, moved);
    expect(d.units).toEqual([]);
    expect(d.equivalent).toBe(true);
    expect(d.first).toBeUndefined();
  });

  it("points at the CR3 write's new position in the first system call", () => {
    const d = diffTraces(base, late);
    expect(d.equivalent).toBe(false);
    const f = d.first!;
    expect(f.unit.a).toMatchObject({ kind: "episode", trigger: "syscall 39", ordinal: 1 });
    const e = f.event!;
    expect(e.what).toBe("moved");
    expect(e.a).toMatchObject({ kind: "cr", fields: { reg: "cr3", to: "kernel" } });
    const A = syscallEpisode(base, 0);
    const B = syscallEpisode(late, 0);
    expect(e.a!.offset).toBe(A.toKernel.icount - A.enter.icount);
    expect(e.b!.offset).toBe(B.toKernel.icount - B.enter.icount);
    expect(e.b!.offset - e.a!.offset).toBe(3); // three more instructions on the user CR3
    expect(e.how[0]).toMatch(/^moved: in A at \+\d+, event 2 \(after the syscall\); in B at \+\d+, event 3 \(after the swapgs\)$/); // prettier-ignore
    // The events after it match: moved code is not a difference, the exit path is the same
    // (at another offset in entry_syscall).
    expect(ofKind(late, "sysret")[0]!.sym).not.toBe(ofKind(base, "sysret")[0]!.sym);
    const all = d.units.flatMap((u) => u.events);
    expect(all.some((x) => x.how.some((h) => h.startsWith("function")))).toBe(false);
    expect(all.some((x) => x.a?.kind === "sysret")).toBe(false);
    expect(d.units.map((u) => `${u.status} ${u.a!.trigger}`)).toEqual(["changed syscall 39", "changed syscall 39", "changed syscall 60"]); // prettier-ignore
  });

  it("sums what changed per episode type", () => {
    const d = diffTraces(base, late);
    const row = d.summary.find((r) => r.trigger === "syscall 39")!;
    const user = (rs: TraceRecord[], k: number): number => {
      const e = syscallEpisode(rs, k);
      return e.toKernel.icount - e.enter.icount + 1 + (e.ret.icount - e.toUser.icount);
    };
    const insns = (rs: TraceRecord[], k: number): number => syscallEpisode(rs, k).ret.icount - syscallEpisode(rs, k).enter.icount + 1; // prettier-ignore
    expect(row.a).toMatchObject({ episodes: 2, cr3Writes: 4, flushes: 0, faults: 0, stacks: ["task_stack"] }); // prettier-ignore
    expect(row.a.instructions).toBe(insns(base, 0) + insns(base, 1));
    expect(row.b.instructions).toBe(insns(late, 0) + insns(late, 1));
    expect(row.a.userCr3Instructions).toBe(user(base, 0) + user(base, 1));
    expect(row.b.userCr3Instructions - row.a.userCr3Instructions).toBe(2 * 3);
    expect(row.b.cycles - row.a.cycles).toBe(row.b.instructions - row.a.instructions); // same events, more instructions
    const int80 = d.summary.find((r) => r.trigger === "vector 128")!;
    expect(int80.a).toEqual(int80.b);
  });

  it("reports an extra episode as only in B and keeps the rest aligned", () => {
    const d = diffTraces(base, recordPair(["EXTRA_INT80"]));
    expect(d.equivalent).toBe(false);
    expect(d.units.map((u) => u.status)).toEqual(["only-b"]);
    expect(d.units[0]!.b).toMatchObject({ trigger: "vector 128", ordinal: 1 });
    expect(d.first!.event).toBeUndefined();
    expect(d.first!.contextB[0]).toMatchObject({ kind: "deliver", fields: { vector: "80" } });
    const row = d.summary.find((r) => r.trigger === "vector 128")!;
    expect([row.a.episodes, row.b.episodes]).toEqual([1, 2]);
    // The other way round it is missing from B.
    expect(diffTraces(recordPair(["EXTRA_INT80"]), base).units.map((u) => u.status)).toEqual(["only-a"]); // prettier-ignore
  });

  it("compares traces of different levels at the lower one", () => {
    const d = diffTraces(recordPair([], "insn"), base);
    expect(d.level).toEqual({ a: "insn", b: "system", compared: "system" });
    expect(d.equivalent).toBe(true);
    expect(diffTraces(recordPair([], "paging"), recordPair(["LATE_CR3"], "paging")).first!.event!.what).toBe("moved"); // prettier-ignore
  });

  it("compares two richer traces at a coarser level when asked, without their stack records", () => {
    const insnA = recordPair([], "insn");
    const insnB = recordPair(["LATE_CR3"], "insn");
    // At the insn level the instructions around the CR3 write diverge first, not the write.
    const fine = diffTraces(insnA, insnB).first!;
    expect(fine.event!.a!.kind).not.toBe("cr");
    expect(fine.contextA.some((e) => e.kind === "insn")).toBe(true);
    const d = diffTraces(insnA, insnB, { level: "system" });
    expect(d.level).toEqual({ a: "insn", b: "insn", compared: "system" });
    expect(d.first!.event).toMatchObject({ what: "moved", a: { kind: "cr" }, b: { kind: "cr" } });
    const kinds = d.units.flatMap((u) => u.events.flatMap((e) => [e.a?.kind, e.b?.kind]));
    expect(kinds.filter((k) => k === "insn" || k === "walk" || k === "stack")).toEqual([]);
    // The same verdict as two traces recorded at that level, stack moves aside.
    const sys = diffTraces(base, late);
    expect(d.units.map((u) => u.events.filter((e) => e.a?.kind !== "stack" && e.b?.kind !== "stack").length)).toEqual(sys.units.map((u) => u.events.filter((e) => e.a?.kind !== "stack" && e.b?.kind !== "stack").length)); // prettier-ignore
    // A level finer than the traces changes nothing; equal traces stay equivalent.
    expect(diffTraces(base, late, { level: "insn" }).level).toBeUndefined();
    expect(diffTraces(insnA, recordPair([], "insn"), { level: "paging" }).equivalent).toBe(true);
  });

  it("reports a different run end", () => {
    const cut = base.map((r) => (r.kind === "end" ? { ...r, exitStatus: 3 } : r));
    const d = diffTraces(base, cut);
    expect(d.units).toEqual([]);
    expect(d.end).toMatchObject({ same: false, a: { reason: "exit", exitStatus: 1 }, b: { exitStatus: 3 } }); // prettier-ignore
    expect(d.equivalent).toBe(false);
  });

  it("passes over equal tasks and says where the pids differ", () => {
    // Every record of both runs is on task 0: no difference, and the text does not mention it.
    expect(base.every((r) => r.task === 0)).toBe(true);
    expect(formatDiff(diffTraces(base, late), names)).not.toMatch(/task \d|task: pid/);
    // The same run with the second system call on another task: that unit, and only that one.
    const [, second] = splitUnits(0, base).filter((u) => u.trigger === "syscall 39");
    const moved = new Set(second!.records);
    const other = base.map((r) => (moved.has(r) ? { ...r, task: 2 } : r));
    const d = diffTraces(base, other);
    expect(d.units.map((u) => `${u.status} ${u.a!.trigger} #${u.a!.ordinal} ${u.a!.task}->${u.b!.task}`)).toEqual(["changed syscall 39 #2 0->2"]); // prettier-ignore
    expect(d.units[0]!.events.every((e) => e.how.includes("task: pid 0 in A, pid 2 in B"))).toBe(true); // prettier-ignore
    expect(formatDiff(d, names)).toMatch(/^ {2}cpu 0 episode syscall 39 #2 \(task 0 in A, task 2 in B\): \d+ events differ/m); // prettier-ignore
    // A trace without tasks (written before the field) compares with any.
    expect(
      diffTraces(
        base.map(({ task: _, ...r }) => r as TraceRecord),
        other,
      ).equivalent,
    ).toBe(true);
  });

  it("prints the golden text, and JSON for tools", () => {
    const text = formatDiff(diffTraces(base, late), names);
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, text);
    expect(text).toBe(readFileSync(GOLDEN, "utf8"));
    const json = JSON.parse(formatDiffJson(diffTraces(base, late), names)) as Record<string, unknown>; // prettier-ignore
    expect(json).toMatchObject({ a: "base.jsonl", b: "late.jsonl", equivalent: false, first: { event: { what: "moved" } } }); // prettier-ignore
    expect(formatDiff(diffTraces(base, base), names)).toMatch(/^result: equivalent \(5 units compared\)$/m); // prettier-ignore
  });
});
