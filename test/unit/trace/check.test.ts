// `trace check` (src/trace/check.ts): each invariant on hand-made record sequences that keep or
// break it, and on real traces of test programs that keep them all.
import { describe, expect, it } from "vitest";
import { CHECKS, checkTrace, formatCheck } from "../../../src/trace/check.js";
import { TraceRecorder, formatText } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { runProgram } from "./helpers.js";

const KERNEL_PGD = 0x118000n;
const USER_PGD = KERNEL_PGD | 0x1000n;
const ENTRY = { start: 0x1000n, end: 0x2000n };
const USER_GS = 0n;
const KERNEL_GS = 0x120000n;

/** Records with just the fields the checks read; `icount` ascending from 100. */
function seq(...parts: Partial<TraceRecord>[]): TraceRecord[] {
  let n = 100;
  return parts.map(
    (p) => ({ cpu: 0, icount: (n += 1), rip: 0x1000n, rsp: 0n, ...p }) as TraceRecord,
  );
}
const insn = (rip: bigint): Partial<TraceRecord> => ({ kind: "insn", rip, text: "nop", length: 1, regs: [], writes: [] }) as Partial<TraceRecord>; // prettier-ignore
const cr3 = (old: bigint, now: bigint): Partial<TraceRecord> => ({ kind: "cr", reg: "cr3", old, new: now, flushed: 0 }) as Partial<TraceRecord>; // prettier-ignore
const swapgs = (gs: bigint, kgs: bigint): Partial<TraceRecord> => ({ kind: "swapgs", gsBase: gs, kernelGsBase: kgs }) as Partial<TraceRecord>; // prettier-ignore
const syscall = { kind: "syscall", target: ENTRY.start, rax: 39n } as Partial<TraceRecord>;
const sysret = { kind: "sysret", target: 0x400000n, cs: 0x33, ss: 0x2b } as Partial<TraceRecord>;

/** A PTI syscall round trip done right; `breakIt` edits it. */
function roundTrip(breakIt: (p: Partial<TraceRecord>[]) => void = () => {}): TraceRecord[] {
  const parts: Partial<TraceRecord>[] = [
    cr3(KERNEL_PGD, USER_PGD),
    { kind: "iret", fromCpl: 0, toCpl: 3 } as Partial<TraceRecord>, // into user mode
    insn(0x400000n),
    syscall,
    insn(ENTRY.start), // swapgs
    swapgs(KERNEL_GS, USER_GS),
    insn(ENTRY.start + 3n), // mov %cr3...
    cr3(USER_PGD, KERNEL_PGD),
    insn(0x5000n), // do_syscall_64: kernel text, kernel CR3
    insn(ENTRY.start + 0x40n),
    cr3(KERNEL_PGD, USER_PGD),
    insn(ENTRY.start + 0x50n), // swapgs
    swapgs(USER_GS, KERNEL_GS),
    sysret,
    insn(0x400002n),
  ];
  breakIt(parts);
  return seq(...parts);
}

function status(records: TraceRecord[], ctx = { entryText: ENTRY }): Record<string, string> {
  return Object.fromEntries(checkTrace(records, ctx).map((c) => [c.name, c.status]));
}

/** The kernel's sched_switch tracepoint: pid 1 leaves the CPU in `prevState`, pid 2 runs. */
const schedSwitch = (prevState: string): Partial<TraceRecord> => ({ kind: "sched-switch", prevComm: "pingpong", prevPid: 1, prevState, nextComm: "pingpong", nextPid: 2, sym: "schedule+0x5d8", line: "src/kernel-rt/runtime/sched.c:128" }) as Partial<TraceRecord>; // prettier-ignore
/** The round trip's kernel part: after the switch to the kernel CR3, before the one back. */
const IN_KERNEL = 9;

describe("trace check", () => {
  it("passes a PTI round trip done right", () => {
    // A task that sleeps in its system call, on the kernel page table, as it should; the run
    // recorded with the TLB audit, so every check has something to say.
    const audited = { kind: "end", reason: "exit", insns: [120], tlbAudit: true } as Partial<TraceRecord>; // prettier-ignore
    const records = [...roundTrip((p) => p.splice(IN_KERNEL, 0, schedSwitch("sleeping"))), ...seq(audited)]; // prettier-ignore
    expect(status(records)).toEqual(Object.fromEntries(CHECKS.map((c) => [c.name, "ok"])));
  });

  it("catches a context switch or a sleep on the user page table", () => {
    // The same sleep before the switch to the kernel CR3 (as a CR3 switch moved deep into C would have it).
    const records = roundTrip((p) => p.splice(6, 0, schedSwitch("sleeping")));
    const r = checkTrace(records, { entryText: ENTRY }).find((c) => c.name === "switch-on-user-cr3")!; // prettier-ignore
    expect(r.status).toBe("violated");
    expect(r.violation!.at.kind).toBe("sched-switch");
    expect(r.violation!.message).toBe(`pid 1 (pingpong) went to sleep on CPU 0 at icount 107, in schedule+0x5d8 (src/kernel-rt/runtime/sched.c:128), with the user page table in CR3 0x119000: the scheduler, and pid 2 (pingpong) after it, run on a page table that maps only what PTI exposes to user mode. Switch to the kernel CR3 before code that may sleep or schedule`); // prettier-ignore
    expect(r.violation!.context.map((x) => x.kind)).toEqual(["iret", "insn", "syscall", "insn", "swapgs"]); // prettier-ignore
    // A preemption and an exit are context switches too.
    for (const [state, how] of [
      ["running", "was switched out (running)"],
      ["dead", "exited"],
    ]) {
      const v = checkTrace(roundTrip((p) => p.splice(6, 0, schedSwitch(state!)))).find((c) => c.name === "switch-on-user-cr3")!.violation!; // prettier-ignore
      expect(v.message).toMatch(new RegExp(`^pid 1 \\(pingpong\\) ${how.replace(/[()]/g, "\\$&")} on CPU 0 `)); // prettier-ignore
    }
    // Without PTI (no user CR3) a switch anywhere is fine.
    expect(status(seq(insn(0x400000n), syscall, schedSwitch("sleeping"), sysret))["switch-on-user-cr3"]).toBe("ok"); // prettier-ignore
  });

  it("skips the switch check on a trace without sched-switch records, and says why", () => {
    const r = checkTrace(roundTrip(), { entryText: ENTRY }).find((c) => c.name === "switch-on-user-cr3")!; // prettier-ignore
    expect(r).toMatchObject({ status: "skipped", note: expect.stringMatching(/no sched-switch records/) }); // prettier-ignore
  });

  it("catches kernel code run before the switch to the kernel CR3", () => {
    const records = roundTrip((p) => p.splice(6, 0, insn(0x5000n)));
    const r = checkTrace(records, { entryText: ENTRY }).find((c) => c.name === "kernel-code-on-user-cr3")!; // prettier-ignore
    expect(r.status).toBe("violated");
    expect(r.violation!.at.rip).toBe(0x5000n);
    expect(r.violation!.message).toMatch(/outside the entry text/);
  });

  it("counts the CR3 write's own instruction on the old CR3", () => {
    // The kernel instruction right after the write (count + 1) runs on the kernel CR3: fine.
    expect(status(roundTrip())["kernel-code-on-user-cr3"]).toBe("ok");
  });

  it("catches a return to user mode on the kernel CR3", () => {
    const records = roundTrip((p) => p.splice(10, 1)); // drop the switch back
    expect(status(records)["user-return-with-kernel-cr3"]).toBe("violated");
    // Without PTI (no user CR3 ever) the same return is fine.
    const noPti = seq(insn(0x400000n), syscall, insn(ENTRY.start), sysret, insn(0x400002n));
    expect(status(noPti)["user-return-with-kernel-cr3"]).toBe("ok");
  });

  it("catches a missing SWAPGS on the way out", () => {
    const records = roundTrip((p) => p.splice(12, 1));
    const r = checkTrace(records, { entryText: ENTRY }).find((c) => c.name === "swapgs-balance")!; // prettier-ignore
    expect(r.status).toBe("violated");
    expect(r.violation!.message).toMatch(/GS base 0x120000; it was 0x0 at the entry/);
  });

  describe("nmi-nesting", () => {
    const frame = (rip: bigint, rsp: bigint) => ({ ss: 0x18, rsp, rflags: 0x2n, cs: 0x10, rip });
    const X = frame(0xffffffff81001000n, 0xffffc90000003f00n); // the kernel code the first NMI interrupts
    const Y = frame(0xffffffff81002000n, 0xfffffe0000003f00n); // inside that NMI's handler
    const REPEAT = frame(0xffffffff81003000n, 0xfffffe0000003fa0n); // Linux's repeat_nmi
    const nmiAt = (f: ReturnType<typeof frame>) => ({ kind: "deliver", vector: 2, name: "NMI", soft: false, gate: "interrupt", stack: "ist2", fromCpl: 0, toCpl: 0, frame: f }) as Partial<TraceRecord>; // prettier-ignore
    const bp = { kind: "deliver", vector: 3, name: "#BP", soft: true, gate: "interrupt", stack: "none", fromCpl: 0, toCpl: 0, frame: Y } as Partial<TraceRecord>; // prettier-ignore
    const iretTo = (f: ReturnType<typeof frame>) => ({ kind: "iret", fromCpl: 0, toCpl: 0, frame: f }) as Partial<TraceRecord>; // prettier-ignore

    it("lets NMIs one after the other, and an NMI with an exception in its handler, pass", () => {
      expect(status(seq(nmiAt(X), iretTo(X), nmiAt(X), iretTo(X)))["nmi-nesting"]).toBe("ok");
      expect(status(seq(nmiAt(X), bp, iretTo(Y), iretTo(X)))["nmi-nesting"]).toBe("ok");
    });

    it("lets a nested NMI pass that the first one repeats before it returns where it was", () => {
      // The #BP's IRETQ ends NMI blocking (SDM 6.7.1); the second NMI only redirects the first's
      // exit to repeat_nmi, which runs the handler again and returns to X.
      const records = seq(nmiAt(X), bp, iretTo(Y), nmiAt(Y), iretTo(Y), iretTo(REPEAT), iretTo(X));
      expect(status(records)["nmi-nesting"]).toBe("ok");
    });

    it("catches an NMI whose frame a nested NMI overwrote: it never returns where it was", () => {
      // Without the frame copies the first NMI's IRETQ goes through the second's frame, to Y.
      const records = seq(nmiAt(X), bp, iretTo(Y), nmiAt(Y), iretTo(Y), iretTo(Y), iretTo(Y));
      const r = checkTrace(records, { entryText: ENTRY }).find((c) => c.name === "nmi-nesting")!;
      expect(r.status).toBe("violated");
      expect(r.violation!.at).toBe(records[3]); // the second NMI's delivery
      expect(r.violation!.context).toEqual(records.slice(0, 3));
      expect(r.violation!.message).toMatch(/NMI at icount 101 \(interrupting 0xffffffff81001000\) never returned there by the end of the trace, and a second NMI came in at icount 104 on the ist2 stack/); // prettier-ignore
    });
  });

  it("skips the instruction-level check on a coarser trace, and says why", () => {
    const coarse = roundTrip().filter((r) => r.kind !== "insn");
    const r = checkTrace(coarse, { entryText: ENTRY }).find((c) => c.name === "kernel-code-on-user-cr3")!; // prettier-ignore
    expect(r).toMatchObject({ status: "skipped", note: expect.stringMatching(/--trace-level insn/) }); // prettier-ignore
  });

  it("reports each violation with the records before it", () => {
    const records = roundTrip((p) => p.splice(12, 1));
    const text = formatCheck(checkTrace(records, { entryText: ENTRY }), (r) => `${r.icount} ${r.kind}`); // prettier-ignore
    expect(text).toMatch(/^violated swapgs-balance: /m);
    expect(text).toMatch(/^ok {7}user-return-with-kernel-cr3: /m);
    expect(text).toMatch(/ {4}\d+ insn\n {2}> \d+ sysret\n/);
  });

  it("finds nothing wrong in the traced SYSCALL, #PF and IST test program", () => {
    for (const level of ["system", "insn"] as const) {
      const rec = new TraceRecorder({ level });
      const run = runProgram("roundtrip.S", { events: rec });
      expect(run.result.reason).toBe("exit");
      const results = checkTrace(rec.records);
      const violated = results.filter((c) => c.status === "violated");
      expect(violated.map((c) => `${c.name}: ${c.violation!.message}\n${formatText(c.violation!.at)}`)).toEqual([]); // prettier-ignore
    }
  });
});
