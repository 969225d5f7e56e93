// Sleeping in the model kernel: wait queues and futexes (FUTEX_WAIT/FUTEX_WAKE keyed by the
// word's physical address, so tasks meet on the shared page), the idle loop that waits for an
// interrupt, nanosleep's ticks, and what a run whose last task sleeps forever ends as. The small
// user programs named *.S are in sleep-programs.ts.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { parseScenario } from "../../../src/kernel-rt/index.js";
import type { KernelConfig } from "../../../src/kernel-rt/index.js";
import type { MachineOptions } from "../../../src/vm/index.js";
import { run } from "./helpers.js";
import {
  IDLE_ROOM,
  LOCAL_TIMER_VECTOR,
  NR_FUTEX,
  NR_NANOSLEEP,
  RESCHEDULE_VECTOR,
  TICK,
  TIGHT_ROUNDS,
  nanosleeps,
  runUsers,
} from "./sleep-programs.js";

/** isa-debug-exit: every task exited with 0. */
const CLEAN_EXIT = 1;
const ERRNO = { EAGAIN: 11, EFAULT: 14, EINVAL: 22, ENOSYS: 38, ETIMEDOUT: 110 };
/** The idle loop's report when every task sleeps with nothing left to wake one. */
const HUNG_REPORT = "entrylab kernel: every task sleeps and nothing is left to wake one:\n";
/** main.c: the run's status after that report, (0x71 << 1) | 1. */
const HUNG_TASK_STATUS = (0x71 << 1) | 1;
const CONFIGS: KernelConfig[] = [
  { pti: true, pcid: true },
  { pti: true, pcid: false },
  { pti: false, pcid: true },
  { pti: false, pcid: false },
];
const label = (c: KernelConfig) => `pti ${c.pti ? "on" : "off"}, pcid ${c.pcid ? "on" : "off"}`;

const pingpongLines = (rounds: number) =>
  Array.from({ length: rounds }, (_, r) => `pingpong: pid 1 round ${r}\npingpong: pid 2 round ${r}\n`).join(""); // prettier-ignore

describe("futex", () => {
  it("returns EAGAIN, ENOSYS, EINVAL, EFAULT and zero wake-ups as Linux does", () => {
    const r = runUsers(["futexcheck.S"], { pti: true, pcid: true });
    const { EAGAIN, EFAULT, EINVAL, ENOSYS } = ERRNO;
    expect(r.output).toBe(`${EAGAIN} ${EAGAIN} ${ENOSYS} 0 ${EINVAL} ${EFAULT} ${ENOSYS} \n`);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });

  it("FUTEX_WAKE wakes up to val waiters, first come first woken, and counts them", () => {
    const names = ["futexwaiter.S", "futexwaiter.S", "futexwaiter.S", "futexwaker.S"];
    const r = runUsers(names, { pti: true, pcid: true });
    // The three waiters sleep first (pids 1-3, one CPU); the first two woken run at the yield.
    expect(r.output).toBe("wake 2\nwoke 1\nwoke 2\nwake 1\nwake 0\nwoke 3\n");
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });
});

describe("futex timeouts", () => {
  it("times out after the ticks asked for, at once for zero, and checks the word and the time", () => {
    const r = runUsers(["futextimeout.S"], { pti: true, pcid: true, tick: TICK });
    const { EAGAIN, EFAULT, EINVAL, ETIMEDOUT } = ERRNO;
    expect(r.output).toBe(`${EAGAIN} ${ETIMEDOUT} ${ETIMEDOUT} ${EFAULT} ${EINVAL} ${EFAULT} \n`);
    const waits = nanosleeps(r.records, NR_FUTEX);
    expect(waits.map((x) => x.ticks)).toEqual([0, 0, 2, 0, 0, 0]);
    expect(waits[2]!.lastTick).toBeGreaterThan(TICK);
    expect(waits[2]!.lastTick).toBeLessThanOrEqual(2 * TICK);
  });

  it("returns 0 when woken before the timeout runs out", () => {
    const r = runUsers(["futexwoken.S", "futexwoken.S"], { pti: true, pcid: true, tick: TICK });
    // The waker's line may come second: the tick can preempt it after its FUTEX_WAKE.
    expect(r.output.split("\n").sort()).toEqual(["", "wake 1", "woke 0"]);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    // Woken within a tick or two of the wake, not at the second's end.
    expect(r.result.insns).toBeLessThan(20 * TICK);
  });
});

describe("futex keys", () => {
  it("wakes only the waiters of the word named, also when two words share a queue", () => {
    const r = runUsers(["futexkeys.S", "futexkeys.S", "futexkeys.S"], { pti: true, pcid: true });
    expect(r.output).toBe("wake 1\nwoke 2\nwake 1\nwoke 1\n");
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });
});

describe("pingpong: two tasks hand a turn back and forth through a futex", () => {
  for (const config of CONFIGS)
    for (const cpus of [1, 2])
      it(`interleaves ping and pong on ${cpus} CPU(s) (${label(config)})`, () => {
        // A halted CPU's clock jumps to its next tick while the other runs a quantum: room for it.
        const r = run(["pingpong", "pingpong"], config, { cpus, maxInsns: IDLE_ROOM });
        expect(r.output).toBe(pingpongLines(3));
        expect(r.result.reason).toBe("exit");
        expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      });

  it("wakes the other CPU by the reschedule IPI alone, without a timer", () => {
    const r = runUsers(["pingpong", "pingpong"], { pti: true, pcid: true, tick: 0 }, { cpus: 2 });
    expect(r.output).toBe(pingpongLines(3));
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    const ipis = r.records.filter((x) => x.kind === "interrupt" && x.vector === RESCHEDULE_VECTOR);
    expect(ipis.length).toBeGreaterThan(0);
    expect(r.records.some((x) => x.kind === "interrupt" && x.vector === LOCAL_TIMER_VECTOR)).toBe(false); // prettier-ignore
  });
});

describe("no lost wake-ups between two CPUs", () => {
  // The VM runs each CPU for a quantum of instructions in turn, and the tasks' spins drift
  // round by round: one CPU's FUTEX_WAKE lands all over the other's FUTEX_WAIT. (Setting the
  // state after the waiter's last look instead of before, with a 40-PAUSE window, deadlocks
  // every one of these runs.)
  for (const quantum of [7, 61])
    for (const tick of [0, 3000])
      it(`ping-pongs ${TIGHT_ROUNDS} rounds with a quantum of ${quantum}${tick ? ", with a tick" : ""}`, () => {
        const r = runUsers(["pingpong-tight.S", "pingpong-tight.S"], { pti: true, pcid: true, tick }, { cpus: 2, quantum, maxInsns: IDLE_ROOM }); // prettier-ignore
        // Each write() is whole, but the CPUs' writes interleave: compare the characters.
        expect([...r.output].sort().join("")).toBe([..."done 1\ndone 2\n"].sort().join(""));
        expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      });
});

describe("the reschedule IPI", () => {
  it("preempts a task spinning on the other CPU for the task it woke, without a timer", () => {
    // CPU 0: pid 1 wakes the word's waiter as soon as there is one, pid 3 getpid. CPU 1: pid 2
    // waits on the word, pid 4 spins in user mode (a write per round, no yield).
    const users = ["wakeuntil.S", "futexwaiter.S", "getpid", "spinner"];
    const r = runUsers(users, { pti: true, pcid: true, tick: 0 }, { cpus: 2, maxInsns: IDLE_ROOM }); // prettier-ignore
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    // The woken task ran while the spinner still had rounds to go: the IPI's return to user
    // mode rescheduled CPU 1. (Each write is whole; the two CPUs' writes interleave.)
    const woke = r.output.indexOf("woke ");
    expect(woke).toBeGreaterThanOrEqual(0);
    expect(r.output.indexOf("spinner: pid 4 round 3")).toBeGreaterThan(woke);
    const ipis = r.records.filter((x) => x.kind === "interrupt" && x.cpu === 1 && x.vector === RESCHEDULE_VECTOR); // prettier-ignore
    expect(ipis.length).toBeGreaterThan(0);
  });
});

describe("nanosleep", () => {
  for (const config of CONFIGS)
    it(`sleeps whole ticks, rounded up, at least one (${label(config)})`, () => {
      const r = runUsers(["sleepcheck.S"], { ...config, tick: TICK });
      const { EINVAL, EFAULT } = ERRNO;
      expect(r.output).toBe(`0 0 0 0 ${EINVAL} ${EINVAL} ${EINVAL} ${EFAULT} ${EFAULT} \n`);
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      const sleeps = nanosleeps(r.records);
      // The valid requests sleep; the bad ones return at once, without a tick.
      expect(sleeps.map((x) => x.ticks)).toEqual([3, 1, 1, 2, 0, 0, 0, 0, 0]);
      // Woken by the n-th tick after the call: more than n - 1 tick periods later, at most n.
      for (const { ticks, lastTick } of sleeps.slice(0, 4)) {
        expect(lastTick).toBeGreaterThan((ticks - 1) * TICK);
        expect(lastTick).toBeLessThanOrEqual(ticks * TICK);
      }
    });

  it("runs the sleeper workload: three rounds of three ticks", () => {
    const r = runUsers(["sleeper"], { pti: true, pcid: true, tick: TICK });
    expect(r.output).toBe([0, 1, 2].map((n) => `sleeper: pid 1 round ${n}\n`).join(""));
    expect(nanosleeps(r.records).map((x) => x.ticks)).toEqual([3, 3, 3]);
  });

  it("sleeps on CPU 1 by CPU 0's jiffies, CPU 1's own tick waking it", () => {
    const r = runUsers(["getpid", "sleeper"], { pti: true, pcid: true, tick: TICK }, { cpus: 2, maxInsns: IDLE_ROOM }); // prettier-ignore
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    const sleeps = nanosleeps(r.records, NR_NANOSLEEP, 1);
    expect(sleeps).toHaveLength(3);
    // CPU 1's tick may come just before CPU 0's advances jiffies: then the next one wakes it.
    for (const { ticks, lastTick } of sleeps) {
      expect([3, 4]).toContain(ticks);
      expect(lastTick).toBeGreaterThan(2 * TICK);
      expect(lastTick).toBeLessThanOrEqual(4 * TICK);
    }
  });

  it("lets other tasks run while one sleeps, on one CPU and on two", () => {
    for (const cpus of [1, 2]) {
      const r = runUsers(["sleeper", "getpid"], { pti: true, pcid: true, tick: TICK }, { cpus });
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      // getpid's line comes first: it runs while the sleeper sleeps its first three ticks.
      expect(r.output.split("\n")[0]).toBe("getpid: pid 2 after 10 calls");
    }
  });
});

describe("a task that waits forever", () => {
  it("is not reported while a timer or a running task can still wake it", () => {
    const a = runUsers(["futexwoken.S", "futexwoken.S"], { pti: true, pcid: true, tick: TICK });
    expect(a.output).not.toContain(HUNG_REPORT);
    const b = runUsers(["sleeper"], { pti: true, pcid: true, tick: TICK }, { cpus: 2 });
    expect(b.output).not.toContain(HUNG_REPORT);
    expect(b.result.exitStatus).toBe(CLEAN_EXIT);
  });

  it("ends the run with the hung-task status after the report, without a timer", () => {
    const r = runUsers(["futexwaiter.S"], { pti: true, pcid: true, tick: 0 });
    expect(r.output).toBe(`${HUNG_REPORT}  pid 1 (futexwaiter) state 1 on CPU 0\n`);
    expect(r.result.reason).toBe("exit");
    expect(r.result.exitStatus).toBe(HUNG_TASK_STATUS);
  });

  it("ends it the same way with the timer ticking, where only the kernel can tell", () => {
    const r = runUsers(["futexwaiter.S", "futexwaiter.S"], { pti: true, pcid: true, tick: TICK }, { cpus: 2, maxInsns: 200 * TICK }); // prettier-ignore
    expect(r.result.reason).toBe("exit");
    expect(r.result.exitStatus).toBe(HUNG_TASK_STATUS);
    // Reported once, when both CPUs had gone idle.
    const tasks = [0, 1].map((cpu) => `  pid ${cpu + 1} (futexwaiter) state 1 on CPU ${cpu}\n`);
    expect(r.output).toBe(HUNG_REPORT + tasks.join(""));
  });
});

describe("the sleep and pingpong scenarios", () => {
  /** A scenario's run: its users, config, CPUs and instruction limit. */
  function runScenario(name: string) {
    const path = `programs/scenarios/${name}.json`;
    const diags = new DiagnosticBag();
    const sc = parseScenario(path, readFileSync(path, "utf8"), { sources: new SourceManager(), diags }); // prettier-ignore
    expect(diags.items).toEqual([]);
    const machine: MachineOptions = { cpus: Number(sc!.machine.cpus ?? 1) };
    if (sc!.machine.maxInsns !== undefined) machine.maxInsns = Number(sc!.machine.maxInsns);
    return { sc: sc!, r: runUsers(sc!.users, sc!.config, machine) };
  }

  it("sleep: getpid runs while the sleeper sleeps, one CPU, with a tick", () => {
    const { sc, r } = runScenario("sleep");
    expect([sc.machine.cpus, sc.config.tick !== undefined]).toEqual(["1", true]);
    const rounds = [0, 1, 2].map((n) => `sleeper: pid 1 round ${n}\n`).join("");
    expect(r.output).toBe(`getpid: pid 2 after 10 calls\n${rounds}`);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    expect(nanosleeps(r.records).map((x) => x.ticks)).toEqual([3, 3, 3]);
  });

  it("pingpong: two CPUs take turns", () => {
    const { sc, r } = runScenario("pingpong");
    expect(sc.machine.cpus).toBe("2");
    expect(r.output).toBe(pingpongLines(3));
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });
});
