// Episodes split by task (src/trace/episodes.ts): on hand-made records of two tasks, a task that
// sleeps inside a system call keeps its episode open until its OWN return, whatever ran on its
// CPU meanwhile and whichever CPU it returns on; the episode counts its own records and the
// instructions of its own pieces, and says what it slept across. stats, diff and export follow;
// the same records without `task` keep the per-CPU split.
import { describe, expect, it } from "vitest";
import {
  byStream,
  diffTraces,
  exportChrome,
  formatDiff,
  formatStats,
  streamUnits,
  traceStats,
  triggerTotals,
} from "../../../src/trace/index.js";
import type { ChromeEvent, TraceRecord } from "../../../src/trace/index.js";

const NR_FUTEX = 202n;
const NR_GETPID = 39n;
/** CR3 values: the kernel and user halves of a PTI pair (bit 12). */
const KERNEL_CR3 = 0x2000n;
const USER_CR3 = 0x3000n;

type Make = (cpu: number, icount: number, task: number) => TraceRecord;
const at = (cpu: number, icount: number, task: number) => ({ cpu, icount, rip: 0n, rsp: 0n, task }); // prettier-ignore
const syscall = (nr: bigint): Make => (cpu, icount, task) => ({ ...at(cpu, icount, task), kind: "syscall", target: 0n, rax: nr }) as TraceRecord; // prettier-ignore
const sysret: Make = (cpu, icount, task) => ({ ...at(cpu, icount, task), kind: "sysret", target: 0n, cs: 0x33, ss: 0x2b }) as TraceRecord; // prettier-ignore
const iret: Make = (cpu, icount, task) => ({ ...at(cpu, icount, task), kind: "iret", frame: { ss: 0x2b, rsp: 0n, rflags: 0x202n, cs: 0x33, rip: 0n }, fromCpl: 0, toCpl: 3 }) as TraceRecord; // prettier-ignore
const cr3 = (old: bigint, now: bigint): Make => (cpu, icount, task) => ({ ...at(cpu, icount, task), kind: "cr", reg: "cr3", old, new: now, flushed: 0, noflush: true }) as TraceRecord; // prettier-ignore
const toKernel = cr3(USER_CR3, KERNEL_CR3);
const toUser = cr3(KERNEL_CR3, USER_CR3);
const sw = (state: string, next: number): Make => (cpu, icount, task) => ({ ...at(cpu, icount, task), kind: "sched-switch", prevComm: `t${task}`, prevPid: task, prevState: state, nextComm: `t${next}`, nextPid: next }) as TraceRecord; // prettier-ignore
const wake = (pid: number, target: number): Make => (cpu, icount, task) => ({ ...at(cpu, icount, task), kind: "sched-wakeup", comm: `t${pid}`, pid, targetCpu: target, by: task }) as TraceRecord; // prettier-ignore
const end = (insns: number[]): TraceRecord => ({ ...at(0, insns[0]!, 0), kind: "end", reason: "exit", insns }) as TraceRecord; // prettier-ignore

/**
 * One CPU. Pid 1 (A) enters a futex wait at 20 and sleeps at 40; pid 2 (B) starts (its first
 * return to user mode, at 50, enters nothing), makes a whole getpid round trip 60–80, then a
 * futex wake at 90 that wakes A and sleeps at 100; A resumes and returns at 120.
 */
function oneCpu(): TraceRecord[] {
  const r = (m: Make, icount: number, task: number): TraceRecord => m(0, icount, task);
  return [
    r(sw("running", 1), 10, 0),
    r(syscall(NR_FUTEX), 20, 1),
    r(toKernel, 25, 1),
    r(sw("sleeping", 2), 40, 1),
    r(iret, 50, 2),
    r(syscall(NR_GETPID), 60, 2),
    r(toKernel, 65, 2),
    r(toUser, 75, 2),
    r(sysret, 80, 2),
    r(syscall(NR_FUTEX), 90, 2),
    r(toKernel, 92, 2),
    r(wake(1, 0), 95, 2),
    r(sw("sleeping", 1), 100, 2),
    r(toUser, 110, 1),
    r(sysret, 120, 1),
    end([130]),
  ];
}

/** Two CPUs: A enters on CPU 0 and sleeps; the idle task of CPU 0 wakes it onto CPU 1, where it returns. */
function twoCpus(): TraceRecord[] {
  return [
    sw("running", 1)(0, 10, 0),
    syscall(NR_FUTEX)(0, 20, 1),
    toKernel(0, 25, 1),
    sw("sleeping", 0)(0, 40, 1),
    wake(1, 1)(0, 65, 0),
    sw("running", 1)(1, 70, 0),
    toUser(1, 80, 1),
    sysret(1, 90, 1),
    end([100, 95]),
  ];
}

const withoutTasks = (rs: readonly TraceRecord[]): TraceRecord[] => rs.map(({ task: _, ...r }) => r as TraceRecord); // prettier-ignore

describe("episodes by task, one CPU", () => {
  const rs = oneCpu();
  const s = traceStats(rs);
  const [a, b] = s.cpus[0]!.episodes;

  it("ends A's futex wait at A's own return, not at B's", () => {
    expect(s.byTask).toBe(true);
    expect(s.cpus[0]!.episodes.map((e) => `${e.trigger} pid ${e.task} ${e.start}-${e.end}`)).toEqual(["syscall 202 pid 1 20-120", "syscall 39 pid 2 60-80"]); // prettier-ignore
    // B's wake sleeps too: it is still open when the run ends.
    expect(s.cpus[0]!.open.map((e) => `${e.trigger} pid ${e.task} ${e.start}`)).toEqual(["syscall 202 pid 2 90"]); // prettier-ignore
  });

  it("counts A's own instructions and records, and the others' it slept across", () => {
    // Its pieces: 20 up to the switch at 40 (the tracepoint's own instruction is B's), and from
    // the switch back at 100 through the SYSRET at 120.
    expect(a!.pieces).toEqual([{ cpu: 0, from: 20, to: 40 }, { cpu: 0, from: 100, to: 121 }]); // prettier-ignore
    expect(a).toMatchObject({ instructions: 20 + 21, slept: 100 - 40, switchedOut: 1, cr3Writes: 2 }); // prettier-ignore
    // User CR3: 20..25 (the write's own instruction on the old CR3), then 111..120; not B's 76..92.
    expect(a!.userCr3Instructions).toBe(6 + 10);
    expect(b).toMatchObject({ instructions: 21, slept: 0, switchedOut: 0, cr3Writes: 2, userCr3Instructions: 5 }); // prettier-ignore
  });

  it("sums per trigger and per task from the same episodes", () => {
    const totals = triggerTotals(s.cpus[0]!.episodes);
    expect(totals.map((t) => [t.trigger, t.count, t.instructions, t.slept, t.switchedOut])).toEqual([["syscall 202", 1, 41, 60, 1], ["syscall 39", 1, 21, 0, 0]]); // prettier-ignore
    const tasks = s.tasks!.map((t) => [t.pid, t.instructions, t.episodes, t.inEpisodes]);
    // pid 1 ran 10..40 and 100..130; pid 2 40..100. Its episodes are part of what each ran.
    expect(tasks).toEqual([[0, 10, 0, 0], [1, 60, 1, 41], [2, 60, 1, 21]]); // prettier-ignore
    const text = formatStats(s);
    expect(text).toMatch(/^ +#  trigger +pid +start +end +insns +slept +switched-out +user-cr3 /m);
    expect(text).toMatch(/^ +1 +syscall 202 +1 +20 +120 +41 +60 +1 +16 +2 /m);
    expect(text).toContain("episodes: 2 (and one still open: syscall 202 of pid 2 from 90)");
  });

  it("puts each task's records in its own units", () => {
    const streams = byStream(rs);
    expect(streams.map((x) => x.name)).toEqual(["pid 0 (cpu 0)", "pid 1", "pid 2"]);
    const units = streams.flatMap(streamUnits);
    expect(
      units.map(
        (u) => `${u.stream} ${u.kind} ${u.trigger} ${u.records.map((r) => r.icount).join(",")}`,
      ),
    ).toEqual([
      // prettier-ignore
      "pid 0 (cpu 0) boot boot 10",
      "pid 1 episode syscall 202 20,25,40,110,120",
      "pid 2 boot boot 50", // B's first return to user mode: no episode of its own
      "pid 2 episode syscall 39 60,65,75,80",
      "pid 2 open syscall 202 90,92,95,100",
    ]);
    expect(units.reduce((n, u) => n + u.records.length, 0)).toBe(rs.length - 1); // every record but the end
  });

  it("keeps the per-CPU split for the same records without tasks", () => {
    const old = traceStats(withoutTasks(rs));
    expect(old.byTask).toBe(false);
    // There B's first IRETQ to user mode closed A's episode: what a trace without tasks can tell.
    expect(old.cpus[0]!.episodes.map((e) => `${e.trigger} ${e.start}-${e.end} ${e.instructions}`)).toEqual(["syscall 202 20-50 31", "syscall 39 60-80 21", "syscall 202 90-120 31"]); // prettier-ignore
    expect(old.cpus[0]!.episodes[0]!.slept).toBeUndefined();
    expect(formatStats(old)).not.toContain("slept");
  });
});

describe("episodes by task, two CPUs", () => {
  const rs = twoCpus();
  const s = traceStats(rs);

  it("ends A's episode at its return on the other CPU, with the pieces it ran on each", () => {
    expect(s.cpus.map((c) => c.episodes.length)).toEqual([1, 0]); // listed where it entered
    const a = s.cpus[0]!.episodes[0]!;
    expect(a).toMatchObject({ trigger: "syscall 202", task: 1, cpu: 0, start: 20, endCpu: 1, end: 90 }); // prettier-ignore
    expect(a.pieces).toEqual([{ cpu: 0, from: 20, to: 40 }, { cpu: 1, from: 70, to: 91 }]); // prettier-ignore
    expect(a.instructions).toBe(20 + 21);
    // CPU 0 had reached count 65 (the idle task's wake-up) when CPU 1 switched A in.
    expect([a.slept, a.switchedOut]).toEqual([65 - 40, 1]);
    // User CR3: CPU 0's 20..25, CPU 1's 81..90 (its timeline: the write at 80).
    expect(a.userCr3Instructions).toBe(6 + 10);
    expect(formatStats(s)).toMatch(/^ +1 +syscall 202 +1 +20 +90 \(cpu 1\) +41 +25 +1 /m);
    const unit = byStream(rs)
      .flatMap(streamUnits)
      .find((u) => u.kind === "episode")!;
    expect(unit.records[unit.ret!]).toMatchObject({ kind: "sysret", cpu: 1, task: 1 });
  });

  it("without tasks, leaves the call open on CPU 0 and the return alone on CPU 1", () => {
    const old = traceStats(withoutTasks(rs));
    expect(old.cpus.map((c) => [c.episodes.length, c.open.map((e) => e.trigger)])).toEqual([[0, ["syscall 202"]], [0, []]]); // prettier-ignore
  });
});

describe("trace diff by task", () => {
  const rs = oneCpu();
  /** `rs` with an extra record inserted after the one at index `i`. */
  const plus = (base: readonly TraceRecord[], i: number, r: TraceRecord): TraceRecord[] => [...base.slice(0, i + 1), r, ...base.slice(i + 1)]; // prettier-ignore
  const getpidFlush = { ...oneCpu()[6]!, icount: 70, kind: "invlpg", address: 0n, pcid: 0, flushed: 1 } as TraceRecord; // prettier-ignore

  it("pairs pid 2's getpid with pid 2's, across A's sleep, and names the task", () => {
    expect(diffTraces(rs, oneCpu()).equivalent).toBe(true);
    const d = diffTraces(rs, plus(rs, 6, getpidFlush));
    expect(d.units.map((u) => `${u.a!.stream} ${u.a!.kind} ${u.a!.trigger} ${u.status}`)).toEqual(["pid 2 episode syscall 39 changed"]); // prettier-ignore
    const text = formatDiff(d, { a: "a", b: "b" });
    expect(text).toContain("first divergence: pid 2 episode syscall 39 #1 (cpu 0) (A counts 60–80, B counts 60–80), event 3: only-b"); // prettier-ignore
  });

  it("takes the first divergence in time, whichever task it is in", () => {
    // A's return path changed too (an extra flush before its SYSRET): A's episode began first.
    const late = { ...getpidFlush, icount: 115, task: 1 } as TraceRecord;
    const d = diffTraces(rs, plus(plus(rs, 6, getpidFlush), 14, late));
    expect(d.units.map((u) => u.a!.stream)).toEqual(["pid 1", "pid 2"]);
    expect(d.first!.unit.a).toMatchObject({ stream: "pid 1", trigger: "syscall 202", ordinal: 1 });
    // A's unit holds only A's records: B's changed getpid is not in it.
    expect(d.first!.unit.events.map((e) => e.b!.icount)).toEqual([115]);
  });

  it("compares traces without tasks per CPU, as before", () => {
    const d = diffTraces(withoutTasks(rs), withoutTasks(plus(rs, 6, getpidFlush)));
    expect(d.first!.unit.a).toMatchObject({ cpu: 0, trigger: "syscall 39" });
    expect(d.first!.unit.a!.stream).toBeUndefined();
    expect(formatDiff(d, { a: "a", b: "b" })).toContain("first divergence: cpu 0 episode syscall 39 #1"); // prettier-ignore
  });
});

/** Whether the complete events of one track nest: any two are disjoint or one holds the other. */
function nests(events: readonly ChromeEvent[]): boolean {
  const xs = events.filter((e) => e.ph === "X");
  return xs.every((x) => xs.every((y) => {
    const [x1, y1] = [x.ts + x.dur!, y.ts + y.dur!];
    return x1 <= y.ts || y1 <= x.ts || (x.ts <= y.ts && y1 <= x1) || (y.ts <= x.ts && x1 <= y1);
  })); // prettier-ignore
}

describe("trace export by task", () => {
  const events = exportChrome(oneCpu()).traceEvents;
  const track = (pid: number, tid: number): ChromeEvent[] => events.filter((e) => e.pid === pid && e.tid === tid && e.ph !== "M"); // prettier-ignore

  it("draws A's episode as the pieces it ran, on the CPU track and inside its own task track's slices", () => {
    const cpu0 = track(0, 0).filter((e) => e.cat === "episode");
    expect(cpu0.map((e) => `${e.name} ${e.ts}+${e.dur} ${e.args!.task} ${e.args!.part ?? ""}`.trim())).toEqual(["syscall 202 20+20 1 1 of 2", "syscall 39 60+21 2", "syscall 202 90+10 2", "syscall 202 100+21 1 2 of 2"]); // prettier-ignore
    // B's wake is open: the run ended after it slept at 100, the switch's own instruction A's.
    expect(cpu0[0]!.args).toMatchObject({ instructions: 41, slept: 60, switchedOut: 1 });
    const taskA = track(1, 1);
    expect(taskA.filter((e) => e.cat === "episode").map((e) => `${e.ts}+${e.dur}`)).toEqual(["20+20", "100+21"]); // prettier-ignore
    expect(taskA.filter((e) => e.cat === "task").map((e) => `${e.ts}+${e.dur}`)).toEqual(["10+30", "100+30"]); // prettier-ignore
    for (const t of [track(0, 0), taskA, track(1, 2)]) expect(nests(t)).toBe(true);
  });

  it("keeps one slice per episode on the CPU tracks of a trace without tasks", () => {
    const old = exportChrome(withoutTasks(oneCpu())).traceEvents.filter((e) => e.cat === "episode");
    expect(old.map((e) => `${e.name} ${e.ts}+${e.dur}`)).toEqual(["syscall 202 20+31", "syscall 39 60+21", "syscall 202 90+31"]); // prettier-ignore
  });
});
