// The model kernel's scheduler tracepoints (<trace/events/sched.h> through the trace device):
// sched_switch with the outgoing task's state (a futex wait sleeps, a tick preempts, an exit is
// dead), sched_wakeup naming who woke whom and on which CPU, sched_process_exit; and the `task`
// the recorder writes on every record, cross-checked with the stack regions RSP is in.
import { describe, expect, it } from "vitest";
import {
  diffTraces,
  exportChrome,
  formatText,
  TraceRecorder,
  traceStats,
} from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { traceImage, type KernelConfig } from "../../../src/kernel-rt/index.js";
import type { BootRegion } from "../../../src/kernel-rt/boot/context.js";
import { boot, theKernel } from "./helpers.js";

const CLEAN_EXIT = 1;
const PTI: KernelConfig = { pti: true, pcid: true };

type Rec<K extends TraceRecord["kind"]> = Extract<TraceRecord, { kind: K }>;

function traced(names: string[], config: KernelConfig, cpus: number) {
  const rec = new TraceRecorder({ image: traceImage(theKernel().image, []), level: "system" });
  const b = boot(names, config, { cpus, maxInsns: 3_000_000, events: rec });
  rec.addRegions(b.boot.regions);
  const result = b.boot.machine.run();
  expect(result.exitStatus).toBe(CLEAN_EXIT);
  const records = rec.records;
  const of = <K extends TraceRecord["kind"]>(k: K): Rec<K>[] => records.filter((r): r is Rec<K> => r.kind === k); // prettier-ignore
  return { records, of, regions: b.boot.regions, output: b.output() };
}

const switchText = (r: Rec<"sched-switch">) => `${r.cpu}: ${r.prevPid} ${r.prevState} -> ${r.nextPid}`; // prettier-ignore

describe("sched_switch and sched_wakeup", () => {
  it("show the futex ping-pong on one CPU: each task sleeps, the other wakes it, both exit", () => {
    const t = traced(["pingpong", "pingpong"], PTI, 1);
    // Pid 1 waits first; from then on each round's waker is the task that runs.
    expect(t.of("sched-switch").map(switchText)).toEqual([
      "0: 0 running -> 1", // the idle task (boot) starts pid 1
      "0: 1 sleeping -> 2", // pid 1 waits on the futex word
      "0: 2 sleeping -> 1",
      "0: 1 sleeping -> 2",
      "0: 2 sleeping -> 1",
      "0: 1 dead -> 2", // pid 1 exits after its last round
    ]);
    expect(t.of("sched-wakeup").map((r) => `${r.by} woke ${r.pid} on ${r.targetCpu}`)).toEqual(["2 woke 1 on 0", "1 woke 2 on 0", "2 woke 1 on 0", "1 woke 2 on 0"]); // prettier-ignore
    expect(t.of("sched-exit").map((r) => `${r.pid} ${r.comm}`)).toEqual(["1 pingpong", "2 pingpong"]); // prettier-ignore
    // Each record comes from the task it names: the switch's from prev, the wake-up's from `by`.
    for (const r of t.of("sched-switch")) expect(r.task).toBe(r.prevPid);
    for (const r of t.of("sched-wakeup")) expect(r.task).toBe(r.by);
    for (const r of t.of("sched-exit")) expect(r.task).toBe(r.pid);
    expect(t.of("sched-switch")[0]).toMatchObject({ prevComm: "swapper", nextComm: "pingpong" });
    // Each event names the function it happens in, as Linux's inlined tracepoints do.
    const fns = (k: "sched-switch" | "sched-wakeup" | "sched-exit") => new Set(t.of(k).map((r) => r.sym?.split("+")[0])); // prettier-ignore
    expect([...fns("sched-switch"), ...fns("sched-wakeup"), ...fns("sched-exit")]).toEqual(["schedule", "wake_up_process", "do_exit"]); // prettier-ignore
  });

  it("show a task preempted by the tick as running", () => {
    // Two spinners on one CPU: each runs until the end of its slice, from user mode.
    const sw = traced(["spinner", "spinner"], { ...PTI, tick: 20_000 }, 1).of("sched-switch");
    const texts = sw.map(switchText);
    expect(texts).toContain("0: 1 running -> 2");
    expect(texts).toContain("0: 2 running -> 1");
    expect(
      sw
        .filter((r) => r.prevState === "dead")
        .map((r) => r.prevPid)
        .sort(),
    ).toEqual([1]); // the last exit ends the run
  });

  it("show a sleeper woken by the tick's timer, and the idle task while it sleeps alone", () => {
    // The sleep scenario: sleeper (pid 1) sleeps three ticks three times beside getpid (pid 2).
    const t = traced(["sleeper", "getpid"], { ...PTI, tick: 5000 }, 1);
    const texts = t.of("sched-switch").map(switchText);
    expect(texts).toContain("0: 1 sleeping -> 2");
    // getpid exits; to the idle task if the sleeper still sleeps, else to the sleeper: which one
    // depends on how many instructions each switch takes against the tick, not on the tracepoints.
    expect(texts.filter((x) => /^0: 2 dead -> [01]$/.test(x))).toHaveLength(1);
    expect(texts).toContain("0: 1 sleeping -> 0");
    expect(texts).toContain("0: 0 running -> 1"); // the idle task gives way to the woken sleeper
    // The timer wakes the sleeper from the tick, on the time of whichever task the tick finds:
    // getpid's while it runs, the idle task's (pid 0) once the sleeper sleeps alone.
    const wk = t.of("sched-wakeup");
    expect(wk).toHaveLength(3);
    for (const r of wk) expect(r).toMatchObject({ pid: 1, comm: "sleeper", targetCpu: 0, by: r.task }); // prettier-ignore
    expect(wk.map((r) => r.by)).toContain(0);
  });

  it("show wake-ups across CPUs: the waker on one CPU, the woken task's CPU as the target", () => {
    const t = traced(["pingpong", "pingpong"], PTI, 2);
    const wk = t.of("sched-wakeup");
    expect(wk.length).toBeGreaterThan(0);
    for (const r of wk) {
      expect(r.cpu).not.toBe(r.targetCpu); // pid 1 runs on CPU 0, pid 2 on CPU 1
      expect(r.targetCpu).toBe(r.pid - 1);
      expect(r.by).toBe(3 - r.pid);
    }
    // Each CPU switches between its own task and its idle task only.
    for (const r of t.of("sched-switch")) expect([r.prevPid, r.nextPid].sort()).toEqual([0, r.cpu + 1]); // prettier-ignore
  });
});

/** The pid whose kernel stack (or, for pid 0, idle stack of `cpu`) holds `rsp`, if any. */
function stackOwner(regions: readonly BootRegion[], rsp: bigint): number | undefined {
  for (const g of regions) {
    if (!(g.start < rsp && rsp <= g.end)) continue;
    const k = /^kernel stack of pid (\d+)$/.exec(g.name);
    if (k) return Number(k[1]);
    if (/^idle stack of CPU \d+$/.test(g.name)) return 0;
  }
  return undefined;
}

describe("the task on every record", () => {
  it.each([1, 2])("is the pid whose stack RSP is on (%i CPUs)", (cpus) => {
    const t = traced(["pingpong", "pingpong"], PTI, cpus);
    expect(t.records.every((r) => typeof r.task === "number")).toBe(true);
    // After a switch, RSP stays on the outgoing task's stack until __switch_to_asm moves it:
    // in that window (switch_mm's CR3 write, and the move onto that stack it was the first to
    // see) the records already carry the incoming task.
    const inWindow = new Map<number, number>(); // cpu → the outgoing pid, until RSP leaves its stack
    const checked = new Map<number, number>(); // owner → records checked
    for (const r of t.records) {
      const owner = stackOwner(t.regions, r.rsp);
      if (owner !== inWindow.get(r.cpu)) inWindow.delete(r.cpu);
      if (r.kind === "sched-switch") inWindow.set(r.cpu, r.prevPid);
      if (owner !== undefined && r.task !== owner) {
        const where = formatText(r);
        expect(inWindow.get(r.cpu), where).toBe(owner);
        expect(r.kind === "cr" || (r.kind === "stack" && r.cause === "cr"), where).toBe(true);
      } else if (owner !== undefined) checked.set(owner, (checked.get(owner) ?? 0) + 1);
      // A user stack is named by the address space it is in: that task's own.
      if (r.kind === "stack" && /^user stack of pid/.test(r.to)) expect(r.to).toBe(`user stack of pid ${r.task}`); // prettier-ignore
    }
    // Records on every task's stack and the idle stack were checked, not a few.
    expect([...checked.keys()].sort()).toEqual([0, 1, 2]);
    expect([...checked.values()].reduce((a, b) => a + b)).toBeGreaterThan(20);
  });
});

describe("trace stats per task", () => {
  it("splits the run between the tasks, the same from the switch timeline and from every instruction", () => {
    const stats = (level: "system" | "insn") => {
      const rec = new TraceRecorder({ level });
      boot(["pingpong", "pingpong"], PTI, { cpus: 1, maxInsns: 3_000_000, events: rec }).boot.machine.run(); // prettier-ignore
      return traceStats(rec.records);
    };
    const sys = stats("system");
    const tasks = sys.tasks!;
    expect(tasks.map((t) => `${t.pid} ${t.comm} ${t.switches} ${t.sleeps} ${t.woken} ${t.wakes}`)).toEqual(["0 swapper 1 0 0 0", "1 pingpong 3 2 2 2", "2 pingpong 2 2 2 2"]); // prettier-ignore
    expect(tasks.reduce((n, t) => n + t.instructions, 0)).toBe(sys.cpus[0]!.instructions);
    // Each task's system calls: the three rounds' waits and wakes, getpid, write and exit.
    for (const t of tasks.slice(1)) expect(t.syscalls).toBeGreaterThanOrEqual(3 + 3 + 3);
    // One CPU that never halts: the instructions counted one by one are the timeline's.
    const insn = stats("insn");
    expect(insn.exact).toBe(true);
    expect(insn.tasks).toEqual(tasks);
  });
});

describe("trace export chrome, per task", () => {
  it("gives each task a track of the stretches it ran, its sleeps and wake-ups, and names episodes' tasks", () => {
    const t = traced(["pingpong", "pingpong"], PTI, 2);
    const events = exportChrome(t.records).traceEvents;
    const names = events.filter((e) => e.pid === 1 && e.name === "thread_name").map((e) => e.args!.name); // prettier-ignore
    expect(names).toEqual(["pid 1 (pingpong)", "pid 2 (pingpong)", "pid 0 (swapper/0)", "pid 0 (swapper/1)"]); // prettier-ignore
    const stats = traceStats(t.records);
    const tracks = new Map<string, number>(events.filter((e) => e.pid === 1 && e.name === "thread_name").map((e) => [e.args!.name as string, e.tid])); // prettier-ignore
    let total = 0;
    for (const [name, tid] of tracks) {
      const own = events.filter((e) => e.pid === 1 && e.tid === tid && e.ph !== "M");
      const slices = own.filter((e) => e.ph === "X" && e.cat === "task");
      // One after the other on its track, never overlapping.
      for (let i = 1; i < slices.length; i++) expect(slices[i]!.ts).toBeGreaterThanOrEqual(slices[i - 1]!.ts + slices[i - 1]!.dur!); // prettier-ignore
      // Its episodes' pieces lie inside the stretches it ran.
      for (const e of own.filter((x) => x.cat === "episode")) expect(slices.some((x) => x.name === `CPU ${e.args!.cpu}` && x.ts <= e.ts && e.ts + e.dur! <= x.ts + x.dur!)).toBe(true); // prettier-ignore
      const ran = slices.reduce((n, e) => n + e.dur!, 0);
      total += ran;
      const task = stats.tasks!.find((x) => name.startsWith(`pid ${x.pid} `))!;
      if (task.pid === 0) continue; // the idle tasks of both CPUs share pid 0 in the stats
      expect(ran).toBe(task.instructions);
      expect(own.filter((e) => e.name === "sleep")).toHaveLength(task.sleeps);
      expect(own.filter((e) => e.name.startsWith("woken by pid"))).toHaveLength(task.woken);
    }
    // Every instruction of every CPU is on one task's track.
    expect(total).toBe(stats.cpus.reduce((n, c) => n + c.instructions, 0));
    // Pid 1 runs on CPU 0 only, pid 2 on CPU 1.
    expect(new Set(events.filter((e) => e.pid === 1 && e.tid === 1 && e.cat === "task").map((e) => e.name))).toEqual(new Set(["CPU 0"])); // prettier-ignore
    const episodes = events.filter((e) => e.cat === "episode" && e.pid === 0); // the CPU tracks
    expect(new Set(episodes.map((e) => `${e.tid}:${e.args!.task}`))).toEqual(new Set(["0:1", "1:2"])); // prettier-ignore
  });
});

describe("trace diff of the scheduler's records", () => {
  it("pairs them across designs, and says what changed in a switch", () => {
    const base = traced(["pingpong", "pingpong"], PTI, 1).records;
    // The same run: every scheduler record matches.
    const same = diffTraces(base, traced(["pingpong", "pingpong"], PTI, 1).records);
    expect(same.equivalent).toBe(true);
    // The first sleep told as a preemption instead.
    const i = base.findIndex((r) => r.kind === "sched-switch" && r.prevState === "sleeping");
    const other = base.map((r, k) =>
      k === i ? { ...r, prevState: "running" } : r,
    ) as TraceRecord[];
    const d = diffTraces(base, other);
    const events = d.units.flatMap((u) => u.events);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      what: "changed",
      how: ["prevState: sleeping in A, running in B"],
    });
  });
});
