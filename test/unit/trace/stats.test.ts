// trace stats: episodes of roundtrip.S (their triggers, instructions, CR3 writes, flushes,
// faults), the user-CR3 count from the CR3-write timeline and exactly at the insn level, and
// the `show` filters.
import { describe, expect, it } from "vitest";
import { CostModel, filterRecords, formatStats, traceStats, triggerTotals, TraceRecorder } from "../../../src/trace/index.js"; // prettier-ignore
import type { TraceRecord } from "../../../src/trace/index.js";
import type { EventLevel } from "../../../src/vm/index.js";
import { buildProgram, runProgram } from "./helpers.js";

function record(file: string, level: EventLevel): TraceRecord[] {
  const rec = new TraceRecorder({ image: buildProgram(file), level });
  runProgram(file, { events: rec });
  return rec.records;
}

const base = { cpu: 0, rip: 0n, rsp: 0n };
const cr3 = (icount: number, old: bigint, now: bigint): TraceRecord => ({ ...base, kind: "cr", icount, reg: "cr3", old, new: now, flushed: 0 }); // prettier-ignore

describe("episodes of roundtrip.S", () => {
  const rs = record("roundtrip.S", "system");
  const s = traceStats(rs);
  const c = s.cpus[0]!;
  const at = (kind: string, n = 0): TraceRecord => rs.filter((r) => r.kind === kind)[n]!;

  it("finds each user→kernel→user round trip with its trigger", () => {
    expect(c.episodes.map((e) => e.trigger)).toEqual(["syscall 39", "#PF", "vector 128"]);
    expect(c.open.map((e) => e.trigger)).toEqual(["syscall 60"]); // the exit never returns
  });

  it("counts the instructions from the entering event through the returning one", () => {
    const [sys, pf, int80] = c.episodes;
    expect(sys!.instructions).toBe(at("sysret").icount - at("syscall").icount + 1);
    expect(pf!.instructions).toBe(at("iret", 1).icount - at("deliver").icount + 1);
    expect(int80!.instructions).toBe(at("iret", 2).icount - at("deliver", 1).icount + 1);
  });

  it("counts CR3 writes, flushes and faults inside an episode", () => {
    const [sys, pf] = c.episodes;
    expect(sys).toMatchObject({ cr3Writes: 2, flushes: 0, dropped: 0, faults: 0 }); // both no-flush
    expect(pf).toMatchObject({ cr3Writes: 0, faults: 0 }); // its own #PF is the trigger
  });

  it("counts an episode's TLB misses: the page walks between its entering and returning records", () => {
    const paging = record("roundtrip.S", "paging");
    const eps = traceStats(paging).cpus[0]!.episodes;
    const enters = (r: TraceRecord): boolean => r.kind === "syscall" || (r.kind === "deliver" && r.fromCpl === 3); // prettier-ignore
    const returns = (r: TraceRecord): boolean => r.kind === "sysret" || (r.kind === "iret" && r.toCpl === 3); // prettier-ignore
    const walks = eps.map((e) => {
      const from = paging.findIndex((r) => r.icount === e.start && enters(r));
      const to = paging.findIndex((r, i) => i > from && returns(r));
      return paging.slice(from, to).filter((r) => r.kind === "walk").length;
    });
    expect(eps.map((e) => e.tlbMisses)).toEqual(walks);
    expect(walks.some((n) => n > 0)).toBe(true);
    expect(c.episodes.map((e) => e.tlbMisses)).toEqual([0, 0, 0]); // no walk records at the system level
  });

  it("counts user-CR3 instructions: the timeline and the insn level agree", () => {
    const [toKernel, toUser] = rs.filter((r) => r.kind === "cr" && r.reg === "cr3" && r.icount > at("syscall").icount); // prettier-ignore
    // SYSCALL through the write to the kernel CR3 (which runs on the old one), then from the
    // instruction after the write back to the user CR3 through SYSRET.
    const want = toKernel!.icount - at("syscall").icount + 1 + (at("sysret").icount - toUser!.icount); // prettier-ignore
    expect(c.episodes[0]!.userCr3Instructions).toBe(want);
    const exact = traceStats(record("roundtrip.S", "insn"));
    expect(exact.exact).toBe(true);
    // The same episodes, but for the TLB misses only the finer trace records (its page walks).
    const noMisses = (e: (typeof c.episodes)[number]): object => ({ ...e, tlbMisses: 0 });
    expect(exact.cpus[0]!.episodes.map(noMisses)).toEqual(c.episodes);
    expect(exact.cpus[0]!.userCr3Instructions).toBe(c.userCr3Instructions);
  });

  it("counts records by kind and prints a table", () => {
    expect(c.counts.syscall).toBe(2);
    expect(c.counts.stack).toBe(rs.filter((r) => r.kind === "stack").length);
    const text = formatStats(s);
    expect(text).toMatch(/^ +1 +syscall 39 +\d+ +\d+ +\d+ +\d+ +2 +0 +0 +0$/m);
  });

  it("sums episodes by trigger as data, the rows the text's `by trigger:` table prints", () => {
    const costed = traceStats(rs, { cost: new CostModel() }).cpus[0]!;
    const totals = triggerTotals(costed.episodes);
    expect(totals.map((t) => t.trigger)).toEqual(["syscall 39", "#PF", "vector 128"]);
    const sys = costed.episodes[0]!;
    expect(totals[0]).toEqual({ trigger: "syscall 39", count: 1, instructions: sys.instructions, userCr3Instructions: sys.userCr3Instructions, cr3Writes: 2, flushes: 0, dropped: 0, faults: 0, tlbMisses: 0, cycles: sys.cycles }); // prettier-ignore
    expect(triggerTotals(c.episodes)[0]!.cycles).toBeUndefined(); // no cost model, no cycles
    const row = new RegExp(`^ +1 +syscall 39 +${sys.instructions} +${sys.userCr3Instructions} +2 +0 +0 +0 +${sys.cycles}$`, "m"); // prettier-ignore
    expect(formatStats(traceStats(rs, { cost: new CostModel() }))).toMatch(row);
  });
});

describe("the CR3 timeline", () => {
  it("puts a CR3 write's own instruction on the old CR3", () => {
    const user = 0x1000n;
    const end: TraceRecord = { ...base, kind: "end", icount: 20, reason: "halt", insns: [20] };
    const s = traceStats([cr3(4, 0n, user), cr3(9, user, 0n), end]);
    expect(s.exact).toBe(false);
    expect(s.cpus[0]!.userCr3Instructions).toBe(5); // counts 5..9
    const before = traceStats([cr3(4, user, 0n), end]);
    expect(before.cpus[0]!.userCr3Instructions).toBe(5); // 0..4 on the first write's old CR3
  });

  it("counts only retired instructions at the insn level (a halted CPU's skipped counts are not)", () => {
    const insn = (icount: number): TraceRecord => ({ ...base, kind: "insn", icount, text: "hlt", length: 2, regs: [], writes: [] }); // prettier-ignore
    const end: TraceRecord = { ...base, kind: "end", icount: 100, reason: "halt", insns: [100] };
    const s = traceStats([cr3(0, 0n, 0x1000n), insn(0), insn(1), insn(99), end]);
    expect(s.cpus[0]!.userCr3Instructions).toBe(2);
  });
});

describe("show filters", () => {
  const rs = record("roundtrip.S", "system");
  it("selects by kind, symbol and count range", () => {
    expect(filterRecords(rs, { kinds: ["sysret"] }).map((r) => r.kind)).toEqual(["sysret"]);
    const inEntry = filterRecords(rs, { symbol: "entry_syscall" });
    expect(inEntry.length).toBeGreaterThan(0);
    expect(inEntry.every((r) => r.sym === "entry_syscall" || r.sym!.startsWith("entry_syscall+"))).toBe(true); // prettier-ignore
    expect(filterRecords(rs, { symbol: "entry" })).toEqual([]);
    const sys = rs.find((r) => r.kind === "syscall")!;
    expect(filterRecords(rs, { from: sys.icount, to: sys.icount }).map((r) => r.kind)).toEqual(["syscall"]); // prettier-ignore
    expect(filterRecords(rs, { cpu: 1 })).toEqual([]);
  });
});

describe("user-CR3 counts of many episodes", () => {
  it("agree with a count instruction by instruction over the CR3 writes", () => {
    // 300 round trips with their CR3 writes at varying places, some back to back.
    const rs: TraceRecord[] = [cr3(3, 0x10000n, 0x11000n)];
    let n = 10;
    for (let i = 0; i < 300; i++) {
      rs.push({ ...base, kind: "syscall", icount: n, target: 0n, rax: 39n });
      rs.push(cr3(n + (i % 7), 0x11000n, 0x10000n), cr3(n + 10 + (i % 5), 0x10000n, 0x11000n));
      rs.push({ ...base, kind: "sysret", icount: n + 20, target: 0n, cs: 0x33, ss: 0x2b });
      n += 21 + (i % 3);
    }
    // Brute force: the CR3 of every count (a write at w applies from w + 1).
    const onUser = (c: number): boolean => {
      let cr = 0x10000n;
      for (const r of rs) if (r.kind === "cr" && r.icount < c) cr = r.new;
      return (cr & 0x1000n) !== 0n;
    };
    const eps = traceStats(rs).cpus[0]!.episodes;
    expect(eps).toHaveLength(300);
    for (const e of eps) {
      let want = 0;
      for (let c = e.start; c <= e.end; c++) if (onUser(c)) want++;
      expect(e.userCr3Instructions).toBe(want);
    }
  });
});

describe("per task", () => {
  const at = (cpu: number, icount: number, task: number) => ({
    cpu,
    icount,
    rip: 0n,
    rsp: 0n,
    task,
  });
  const sw = (cpu: number, icount: number, task: number, prevState: string, nextPid: number): TraceRecord => ({ ...at(cpu, icount, task), kind: "sched-switch", prevComm: `t${task}`, prevPid: task, prevState, nextComm: `t${nextPid}`, nextPid }) as TraceRecord; // prettier-ignore
  const wake = (cpu: number, icount: number, task: number, pid: number): TraceRecord => ({ ...at(cpu, icount, task), kind: "sched-wakeup", comm: `t${pid}`, pid, targetCpu: 0, by: task }) as TraceRecord; // prettier-ignore
  const sc = (cpu: number, icount: number, task: number): TraceRecord => ({ ...at(cpu, icount, task), kind: "syscall", target: 0n, rax: 202n }) as TraceRecord; // prettier-ignore
  const end = (insns: number[]): TraceRecord => ({ ...at(1, insns[1]!, 0), kind: "end", reason: "exit", insns }) as TraceRecord; // prettier-ignore
  // CPU 0: idle until 10, pid 1 until 40 (it sleeps), pid 2 until 100 (preempted), pid 1 to 150.
  // CPU 1: idle all along, waking pid 1 at 70.
  const rs = [sw(0, 10, 0, "running", 1), sc(0, 20, 1), sw(0, 40, 1, "sleeping", 2), sc(0, 50, 2), sc(0, 60, 2), wake(1, 70, 0, 1), sw(0, 100, 2, "running", 1), end([150, 120])]; // prettier-ignore

  it("counts each task's instructions from the switch timeline, and its switches, sleeps and wake-ups", () => {
    const s = traceStats(rs);
    expect(s.tasks).toEqual([
      { pid: 0, comm: "t0", instructions: 10 + 120, episodes: 0, inEpisodes: 0, syscalls: 0, switches: 1, sleeps: 0, woken: 0, wakes: 1, cpus: [0, 1] }, // prettier-ignore
      { pid: 1, comm: "t1", instructions: 30 + 50, episodes: 0, inEpisodes: 0, syscalls: 1, switches: 1, sleeps: 1, woken: 1, wakes: 0, cpus: [0] }, // prettier-ignore
      { pid: 2, comm: "t2", instructions: 60, episodes: 0, inEpisodes: 0, syscalls: 2, switches: 1, sleeps: 0, woken: 0, wakes: 0, cpus: [0] }, // prettier-ignore
    ]);
    expect(formatStats(s)).toContain(["tasks (instructions from each CPU's sched-switch timeline):", "    pid  comm  insns  episodes  in-episodes  syscalls  switches  sleeps  woken  wakes  cpus", "      0  t0      130         0            0         0         1       0      0      1  0,1", "      1  t1       80         0            0         1         1       1      1      0  0", "      2  t2       60         0            0         2         1       0      0      0  0"].join("\n")); // prettier-ignore
  });

  it("filters trace show by task", () => {
    expect(filterRecords(rs, { task: 2 }).map((r) => `${r.kind}@${r.icount}`)).toEqual(["syscall@50", "syscall@60", "sched-switch@100"]); // prettier-ignore
    expect(filterRecords(rs, { task: 0, cpu: 1 }).map((r) => r.kind)).toEqual(["sched-wakeup", "end"]); // prettier-ignore
    // Records without a task (a trace written before the field) match no task.
    expect(filterRecords([{ ...rs[1]!, task: undefined }], { task: 1 })).toEqual([]);
  });

  it("is left out of a trace without the kernel's switches", () => {
    const s = traceStats(record("roundtrip.S", "system"));
    expect(s.tasks).toBeUndefined();
    expect(formatStats(s)).not.toContain("tasks");
  });
});
