// The task-aware `trace check` checks (src/trace/check-tasks.ts): hand-made record sequences of
// the stack moves a correct kernel makes (ok) and of a task sleeping on the per-CPU entry stack
// (the two violations, with their exact messages), the region names they parse, and real
// insn-level traces of the model kernel, baseline and patch 1, with tasks that sleep and switch.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../../src/diag/index.js";
import { bootKernel, buildKernel, traceImage } from "../../../src/kernel-rt/index.js";
import type { KernelBuild, KernelConfig } from "../../../src/kernel-rt/index.js";
import { STACK_REGION_NAMES, TASK_CHECKS, parseStackRegion } from "../../../src/trace/check-tasks.js"; // prettier-ignore
import { CHECKS, TraceRecorder, checkTrace, formatCheck } from "../../../src/trace/index.js";
import type { CheckResult, TraceRecord } from "../../../src/trace/index.js";
import { host, program, theKernel } from "../kernel-rt/helpers.js";

type Part = Partial<TraceRecord>;

const K = (pid: number): string => `kernel stack of pid ${pid}`;
const U = (pid: number): string => `user stack of pid ${pid}`;
const E = (cpu: number): string => `entry stack of CPU ${cpu}`;
const IDLE = (cpu: number): string => `idle stack of CPU ${cpu}`;

const ENTRY_TOP = 0xfffffe0000003000n;
/** Where a task that sleeps on the entry stack leaves RSP (deep below its frame). */
const SLEEP_RSP = ENTRY_TOP - 0x300n;
/** Where an entry builds its frame: near the top. */
const FRAME_RSP = ENTRY_TOP - 0xa8n;
const KSTACK_RSP = 0xffff888000013f00n;
const USER_RSP = 0x7ffffff000n;
const VEC_PF = 14;
const VEC_TIMER = 0xec;

/** Records in order, cpu 0 unless given; each but a `stack` one a count after the last. */
function trace(...parts: (Part | Part[])[]): TraceRecord[] {
  let n = 1000;
  return parts.flat().map((p) => {
    if (p.kind !== "stack") n += 1;
    return { cpu: 0, icount: n, rip: 0x1000n, rsp: 0n, ...p } as TraceRecord;
  });
}
const insn = (sym: string, rsp = 0n, cpu = 0): Part => ({ kind: "insn", cpu, sym, rsp, text: "nop", length: 1, regs: [], writes: [] }) as Part; // prettier-ignore
const stack = (from: string, to: string, cause: string, rsp: bigint, cpu = 0, sym?: string): Part => ({ kind: "stack", cpu, from, to, cause, rsp, ...(sym ? { sym } : {}) }) as Part; // prettier-ignore
/** An instruction that moved RSP into another region, and the stack record after it. */
const move = (from: string, to: string, sym: string, rsp: bigint, cpu = 0): Part[] => [insn(sym, rsp, cpu), stack(from, to, "insn", rsp, cpu, sym)]; // prettier-ignore

/** The scheduler switching from one stack to another (__switch_to_asm saves and loads RSP). */
const switchStacks = (from: string, to: string, rspBefore: bigint, rspAfter: bigint, cpu = 0): Part[] => [insn("__switch_to_asm+0x8", rspBefore, cpu), ...move(from, to, "__switch_to_asm+0xc", rspAfter, cpu)]; // prettier-ignore

/** From the kernel stack to user mode by IRETQ, through the entry stack as the exit path does. */
const iretExit = (pid: number, cpu = 0): Part[] => [
  ...move(K(pid), E(cpu), "common_interrupt_return+0x1c", FRAME_RSP, cpu),
  { kind: "iret", cpu, fromCpl: 0, toCpl: 3, rsp: USER_RSP, sym: "native_irq_return_iret" } as Part, // prettier-ignore
  stack(E(cpu), U(pid), "iret", USER_RSP, cpu, "native_irq_return_iret"),
];
const syscall = (cpu = 0): Part => ({ kind: "syscall", cpu, rax: 202n, rsp: USER_RSP }) as Part;
const sysret = (cpu = 0): Part => ({ kind: "sysret", cpu, rsp: USER_RSP, sym: "syscall_return_via_sysret+0x40" }) as Part; // prettier-ignore

/** The baseline SYSCALL: RSP parked as the CR3 scratch register, then the task's kernel stack. */
const baselineSyscall = (pid: number): Part[] => [
  insn("user"),
  syscall(),
  ...move(U(pid), "-", "entry_SYSCALL_64+0x8", 0x118000n),
  ...move("-", K(pid), "entry_SYSCALL_64+0x18", KSTACK_RSP),
  insn("do_syscall_64"),
  sysret(),
  stack(K(pid), U(pid), "sysret", USER_RSP),
];

/** Patch 1's SYSCALL: onto the entry stack, then the task's own kernel stack, out the same way. */
const patch1Syscall = (pid: number): Part[] => [
  insn("user"),
  syscall(),
  ...move(U(pid), E(0), "entry_SYSCALL_64+0x8", FRAME_RSP),
  insn("user_pagetable_escape"),
  ...move(E(0), K(pid), "entry_SYSCALL_64_after_hwframe+0x4", KSTACK_RSP),
  insn("do_syscall_64"),
  ...move(K(pid), E(0), "syscall_return_via_sysret+0x10", FRAME_RSP),
  ...move(E(0), U(pid), "syscall_return_via_sysret+0x3c", USER_RSP),
  sysret(),
];

const deliver = (vector: number, name: string, cpu = 0): Part => ({ kind: "deliver", cpu, vector, name, soft: false, gate: "interrupt", stack: "rsp0", fromCpl: 3, toCpl: 0, rsp: FRAME_RSP }) as Part; // prettier-ignore

/** A timer interrupt from user mode: onto the entry stack, to the task stack by error_entry. */
const userInterrupt = (pid: number): Part[] => [
  insn("user"),
  { kind: "interrupt", vector: VEC_TIMER, nmi: false } as Part,
  deliver(VEC_TIMER, `vector ${VEC_TIMER}`),
  stack(U(pid), E(0), "deliver", FRAME_RSP),
  insn("error_entry"),
  ...move(E(0), K(pid), "error_entry+0x2c", KSTACK_RSP), // sync_regs' copy
  insn("sysvec_apic_timer_interrupt"),
];

/** Boot: the idle task's stack, then the first task's kernel stack and out to user mode. */
const boot = (pid: number): Part[] => [
  insn("startup_64"),
  stack("-", IDLE(0), "insn", 0x100000n),
  ...switchStacks(IDLE(0), K(pid), 0x100000n, KSTACK_RSP),
  ...iretExit(pid),
];

/** Pid 1 enters on the entry stack (patch 3's SYSCALL), sleeps there, and is switched out. */
const sleepOnEntryStack = (to: string): Part[] => [
  insn("user"),
  syscall(),
  ...move(U(1), E(0), "entry_SYSCALL_64+0x8", FRAME_RSP),
  insn("futex_wait"),
  insn("schedule", SLEEP_RSP),
  ...switchStacks(E(0), to, SLEEP_RSP, KSTACK_RSP),
];

/**
 * Pid 1 in user mode is preempted for pid 2, which sleeps in a system call on its kernel stack;
 * pid 1 runs again, sleeps on the entry stack and is switched out to pid 2's kernel stack.
 */
const prelude = (): Part[] =>
  [
    boot(1),
    userInterrupt(1),
    switchStacks(K(1), K(2), KSTACK_RSP, KSTACK_RSP),
    iretExit(2),
    insn("user"),
    syscall(),
    move(U(2), "-", "entry_SYSCALL_64+0x8", 0x118000n),
    move("-", K(2), "entry_SYSCALL_64+0x18", KSTACK_RSP),
    switchStacks(K(2), K(1), KSTACK_RSP, KSTACK_RSP),
    iretExit(1),
    sleepOnEntryStack(K(2)),
  ].flat();

function results(records: TraceRecord[]): Record<string, CheckResult> {
  return Object.fromEntries(checkTrace(records).map((c) => [c.name, c]));
}
function taskStatus(records: TraceRecord[]): string[] {
  const r = results(records);
  return TASK_CHECKS.map((c) => `${c.name} ${r[c.name]!.status}`);
}
const ALL_OK = TASK_CHECKS.map((c) => `${c.name} ok`);

/** The last record matching `p`. */
function last(records: TraceRecord[], p: (r: TraceRecord) => boolean): TraceRecord {
  const r = records.filter(p).at(-1);
  if (!r) throw new Error("no such record");
  return r;
}
const isStack = (to: string) => (r: TraceRecord) => r.kind === "stack" && r.to === to;

describe("task checks: the correct patterns", () => {
  it("come after the four state checks, in CHECKS", () => {
    const names = CHECKS.map((c) => c.name);
    const at = names.indexOf("switch-on-entry-stack");
    expect(at).toBeGreaterThanOrEqual(4);
    expect(names.slice(at, at + 2)).toEqual(["switch-on-entry-stack", "entry-stack-overwrite"]);
  });

  it("pass the baseline SYSCALL, which never touches the entry stack", () => {
    expect(taskStatus(trace(boot(1), baselineSyscall(1), baselineSyscall(1)))).toEqual(ALL_OK);
  });

  it("pass patch 1's SYSCALL: onto the entry stack and off to its own kernel stack", () => {
    expect(taskStatus(trace(boot(1), patch1Syscall(1), patch1Syscall(1)))).toEqual(ALL_OK);
  });

  it("pass an interrupt from user mode moved to the task stack by error_entry/sync_regs", () => {
    expect(taskStatus(trace(boot(1), userInterrupt(1), iretExit(1), patch1Syscall(1)))).toEqual(ALL_OK); // prettier-ignore
  });

  it("pass two tasks switching on their own kernel stacks", () => {
    const records = trace(
      boot(1),
      userInterrupt(1),
      switchStacks(K(1), K(2), KSTACK_RSP, KSTACK_RSP + 0x4000n), // preempted: pid 2 runs
      iretExit(2),
      patch1Syscall(2),
      userInterrupt(2),
      switchStacks(K(2), K(1), KSTACK_RSP, KSTACK_RSP),
      iretExit(1),
    );
    expect(taskStatus(records)).toEqual(ALL_OK);
  });

  it("pass the idle task: switched to while a task sleeps on its kernel stack, and back", () => {
    const records = trace(
      boot(1),
      insn("user"),
      syscall(),
      ...move(U(1), E(0), "entry_SYSCALL_64+0x8", FRAME_RSP),
      ...move(E(0), K(1), "entry_SYSCALL_64_after_hwframe+0x4", KSTACK_RSP), // then sleeps
      switchStacks(K(1), IDLE(0), KSTACK_RSP, 0x100000n),
      insn("default_idle"),
      { kind: "deliver", vector: VEC_TIMER, name: `vector ${VEC_TIMER}`, fromCpl: 0, toCpl: 0, stack: "none", rsp: 0xfff00n } as Part, // prettier-ignore
      switchStacks(IDLE(0), K(1), 0x100000n, KSTACK_RSP),
      iretExit(1),
    );
    expect(taskStatus(records)).toEqual(ALL_OK);
  });

  it("pass over regions that are no task's stack: an NMI's IST stack, RSP as a scratch register", () => {
    // The NMI interrupts entry_SYSCALL_64 with RSP on the entry stack, and returns there.
    const NMI_FRAME = {
      ss: 0x18,
      rsp: FRAME_RSP,
      rflags: 0x2n,
      cs: 0x10,
      rip: 0xffffffff81000008n,
    };
    const records = trace(
      boot(1),
      insn("user"),
      syscall(),
      ...move(U(1), E(0), "entry_SYSCALL_64+0x8", FRAME_RSP),
      { kind: "deliver", vector: 2, name: "NMI", fromCpl: 0, toCpl: 0, stack: "ist2", rsp: 0xfffffe000000a000n, frame: NMI_FRAME } as Part, // prettier-ignore
      stack(E(0), "NMI stack of CPU 0", "deliver", 0xfffffe000000a000n),
      { kind: "iret", fromCpl: 0, toCpl: 0, rsp: FRAME_RSP, frame: NMI_FRAME } as Part,
      stack("NMI stack of CPU 0", E(0), "iret", FRAME_RSP),
      ...move(E(0), "-", "entry_SYSCALL_64+0x10", 0x118000n),
      ...move("-", K(1), "entry_SYSCALL_64+0x18", KSTACK_RSP),
      iretExit(1),
    );
    expect(taskStatus(records)).toEqual(ALL_OK);
  });
});

describe("task checks: a task switched out on the entry stack", () => {
  it("reports the switch: the pid, the CPU, the instruction and where RSP went", () => {
    const records = trace(prelude());
    const r = results(records)["switch-on-entry-stack"]!;
    const at = last(records, isStack(K(2)));
    expect(r.status).toBe("violated");
    expect(r.violation!.at).toBe(at);
    expect(r.violation!.message).toBe(
      `pid 1 was switched out on CPU 0 while its frame was on the entry stack of CPU 0: at icount ${at.icount} (__switch_to_asm+0xc) RSP moved from the entry stack to kernel stack of pid 2. ` + // prettier-ignore
        "The entry stack is shared by every entry on CPU 0, so the next one will write over pid 1's frame before pid 1 returns to it", // prettier-ignore
    );
    // The five records of CPU 0 before it, ending with the instruction that moved RSP.
    expect(r.violation!.context).toEqual(records.slice(records.indexOf(at) - 5, records.indexOf(at))); // prettier-ignore
    // Nobody has entered since: nothing was overwritten yet.
    expect(results(records)["entry-stack-overwrite"]!.status).toBe("ok");
  });

  it("reports a switch to the idle stack too", () => {
    const r = results(trace(boot(1), sleepOnEntryStack(IDLE(0))))["switch-on-entry-stack"]!;
    expect(r.violation!.message).toMatch(/^pid 1 was switched out on CPU 0 .* RSP moved from the entry stack to idle stack of CPU 0\. /); // prettier-ignore
  });

  it("does not count the task's own switch back as an overwrite", () => {
    // Pid 1 sleeps on the entry stack while the CPU idles, and is switched back in: RSP returns
    // where it left it. Its frame was never overwritten, and later entries are fine.
    const records = trace(
      boot(1),
      sleepOnEntryStack(IDLE(0)),
      insn("default_idle"),
      switchStacks(IDLE(0), E(0), 0x100000n, SLEEP_RSP),
      ...move(E(0), K(1), "entry_SYSCALL_64_after_hwframe+0x4", KSTACK_RSP),
      iretExit(1),
      patch1Syscall(1),
    );
    expect(taskStatus(records)).toEqual(["schedule-on-entry-stack violated", "switch-on-entry-stack violated", "entry-stack-overwrite ok"]); // prettier-ignore
  });
});

describe("task checks: another task's entry over the frame left there", () => {
  function overwrite(records: TraceRecord[]): {
    message: string;
    at: TraceRecord;
    left: TraceRecord;
  } {
    const r = results(records);
    expect(r["entry-stack-overwrite"]!.status).toBe("violated");
    // The frame it names was left at the switch the other check reports.
    const { message, at } = r["entry-stack-overwrite"]!.violation!;
    return { message, at, left: r["switch-on-entry-stack"]!.violation!.at };
  }
  const tail = (left: TraceRecord): string =>
    `wrote over pid 1's frame, left on the entry stack when pid 1 was switched out at icount ${left.icount} (at __switch_to_asm+0xc). pid 1 will resume on a frame that is no longer its own`; // prettier-ignore

  it("names pid 2's IRET exit, which copies its frame to the entry stack", () => {
    const records = trace(prelude(), iretExit(2));
    const { message, at, left } = overwrite(records);
    expect(at).toBe(last(records, isStack(E(0))));
    expect(message).toBe(`pid 2's IRET exit at icount ${at.icount} on CPU 0 ${tail(left)}`);
  });

  it("names pid 2's SYSRET exit", () => {
    const records = trace(prelude(), move(K(2), E(0), "syscall_return_via_sysret+0x10", FRAME_RSP), move(E(0), U(2), "syscall_return_via_sysret+0x3c", USER_RSP), sysret()); // prettier-ignore
    const { message, at, left } = overwrite(records);
    expect(message).toBe(`pid 2's SYSRET exit at icount ${at.icount} on CPU 0 ${tail(left)}`);
  });

  it("names pid 2's SYSCALL, at the SYSCALL's count", () => {
    const records = trace(prelude(), stack(K(2), U(2), "sysret", USER_RSP), patch1Syscall(2));
    const { message, at, left } = overwrite(records);
    const sc = last(records, (r) => r.kind === "syscall");
    expect(at).toBe(records.slice(records.indexOf(sc)).find(isStack(E(0))));
    expect(message).toBe(`pid 2's SYSCALL at icount ${sc.icount} on CPU 0 ${tail(left)}`);
  });

  it("names the vector delivered to pid 2 in user mode", () => {
    const pf = [insn("user"), { kind: "page-fault", address: 0x1000n, errorCode: 4, bits: "U", level: 4 } as Part, deliver(VEC_PF, "#PF"), stack(U(2), E(0), "deliver", FRAME_RSP)]; // prettier-ignore
    const records = trace(prelude(), stack(K(2), U(2), "sysret", USER_RSP), pf);
    const d = last(records, (r) => r.kind === "deliver");
    expect(overwrite(records).message).toBe(`pid 2's delivery of #PF (vector 14) at icount ${d.icount} on CPU 0 ${tail(overwrite(records).left)}`); // prettier-ignore
    const timer = trace(prelude(), stack(K(2), U(2), "sysret", USER_RSP), userInterrupt(2));
    expect(overwrite(timer).message).toMatch(/^pid 2's delivery of vector 236 at icount \d+ on CPU 0 wrote over pid 1's frame/); // prettier-ignore
  });

  it("names the idle task when it is the one that moves onto the entry stack", () => {
    const records = trace(boot(1), sleepOnEntryStack(IDLE(0)), move(IDLE(0), E(0), "default_idle+0x4", FRAME_RSP)); // prettier-ignore
    expect(overwrite(records).message).toMatch(/^the idle task's move of RSP onto the entry stack at icount \d+ on CPU 0 wrote over pid 1's frame/); // prettier-ignore
  });

  it("keeps each CPU's entry stack apart", () => {
    // Pid 1 leaves its frame on CPU 0's entry stack; pid 2 enters on CPU 1's: no overwrite.
    const cpu1 = [
      insn("startup_64", 0n, 1),
      stack("-", IDLE(1), "insn", 0x200000n, 1),
      ...switchStacks(IDLE(1), K(2), 0x200000n, KSTACK_RSP + 0x4000n, 1),
      ...iretExit(2, 1),
      syscall(1),
      ...move(U(2), E(1), "entry_SYSCALL_64+0x8", FRAME_RSP, 1),
    ];
    const records = trace(boot(1), sleepOnEntryStack(IDLE(0)), cpu1);
    expect(taskStatus(records)).toEqual(["schedule-on-entry-stack violated", "switch-on-entry-stack violated", "entry-stack-overwrite ok"]); // prettier-ignore
  });

  it("prints both violations with their context", () => {
    const text = formatCheck(checkTrace(trace(prelude(), iretExit(2))), (r) => `${r.icount} ${r.kind} ${r.sym ?? ""}`); // prettier-ignore
    expect(text).toMatch(/^violated switch-on-entry-stack: a task was switched out while its frame was on a per-CPU entry stack$/m); // prettier-ignore
    expect(text).toMatch(/\nentry-stack-overwrite: pid 2's IRET exit .*\n( {4}.*\n){5} {2}> \d+ stack common_interrupt_return\+0x1c\n/); // prettier-ignore
  });
});

/** The kernel's sched_switch tracepoint, emitted by `prev` on its stack. */
const schedSwitch = (prev: number, next: number, rsp: bigint): Part => ({ kind: "sched-switch", prevComm: "t", prevPid: prev, prevState: "sleeping", nextComm: "t", nextPid: next, rsp, sym: "schedule+0x5d8" }) as Part; // prettier-ignore

/** The records with `task` as the recorder writes it: the boot task 0, then each switch's next. */
function withTasks(records: TraceRecord[]): TraceRecord[] {
  const current = new Map<number, number>();
  return records.map((r) => {
    const task = current.get(r.cpu) ?? 0;
    if (r.kind === "sched-switch") current.set(r.cpu, r.nextPid);
    return { ...r, task };
  });
}

describe("task checks: the task field", () => {
  // Pid 1 sleeps on the entry stack and is switched out to pid 2, which had slept there too
  // (patch 4 lets every task do so): RSP stays on the entry stack, so no stack record shows the
  // switch. Pid 2 then returns to user mode, leaving pid 1's frame behind.
  const records = trace(
    insn("startup_64"),
    stack("-", IDLE(0), "insn", 0x100000n),
    schedSwitch(0, 1, 0x100000n),
    switchStacks(IDLE(0), K(1), 0x100000n, KSTACK_RSP),
    iretExit(1),
    insn("user"),
    syscall(),
    move(U(1), E(0), "entry_SYSCALL_64+0x8", FRAME_RSP),
    insn("schedule", SLEEP_RSP),
    schedSwitch(1, 2, SLEEP_RSP),
    insn("__switch_to_asm+0xc", SLEEP_RSP - 0x100n), // pid 2's saved RSP, on the same stack
    move(E(0), U(2), "syscall_return_via_sysret+0x3c", USER_RSP),
    sysret(),
  );

  it("tells which task runs where the kernel stacks cannot", () => {
    // Inferred from the kernel stacks, pid 1 still runs: its own way back to user mode. The
    // real traces of the model kernel (below) carry the field, and agree with the inference.
    expect(results(records)["switch-on-entry-stack"]!.status).toBe("ok");
    const r = results(withTasks(records))["switch-on-entry-stack"]!;
    expect(r.status).toBe("violated");
    expect(r.violation!.message).toMatch(/^pid 1 was switched out on CPU 0 while its frame was on the entry stack of CPU 0: at icount \d+ \(syscall_return_via_sysret\+0x3c\) RSP moved from the entry stack to user stack of pid 2\. /); // prettier-ignore
  });
});

describe("task checks: what they need", () => {
  it("skip a trace without insn records, with a note, even one that breaks them", () => {
    const coarse = trace(boot(1), sleepOnEntryStack(K(2)), iretExit(2)).filter((r) => r.kind !== "insn"); // prettier-ignore
    for (const name of TASK_CHECKS.map((c) => c.name)) {
      expect(results(coarse)[name]).toMatchObject({ status: "skipped", note: expect.stringMatching(/--trace-level insn/) }); // prettier-ignore
    }
  });

  it("parse the boot builder's region names, and nothing else", () => {
    expect(parseStackRegion("user stack of pid 3")).toEqual({ kind: "user", pid: 3 });
    expect(parseStackRegion("kernel stack of pid 12")).toEqual({ kind: "kernel", pid: 12 });
    expect(parseStackRegion("entry stack of CPU 1")).toEqual({ kind: "entry", cpu: 1 });
    expect(parseStackRegion("idle stack of CPU 0")).toEqual({ kind: "idle", cpu: 0 });
    for (const other of [
      // A forked task's stack is named "kernel stack of pid N" (sched_process_fork), not this.
      "page pool",
      "-",
      "NMI stack of CPU 0",
      "#DF stack of CPU 0",
      "entry stack of CPU 0 guard",
      "kernel stack of pid x",
      "init_task_stack",
      "page pool 2",
    ])
      expect(parseStackRegion(other)).toBeUndefined();
    expect(Object.keys(STACK_REGION_NAMES)).toEqual(["user", "kernel", "entry", "idle"]);
  });
});

const PATCH1 = "programs/patches/0001-x86-pti-switch-cr3-in-c-on-the-syscall-path.patch";

/** The teaching variant, wrong on purpose, on top of patches 1 and 2: system calls stay on the entry stack. */
const PATCH2 = "programs/patches/0002-x86-pti-switch-cr3-in-c-on-the-idtentry-paths.patch";
const PATCH4 = "programs/patches/0004-x86-pti-run-the-system-call-on-the-entry-stack-wrong.patch";

function patchedKernel(wrong = false): KernelBuild {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const patches = [{ name: PATCH1, text: readFileSync(PATCH1, "latin1") }];
  if (wrong) for (const name of [PATCH2, PATCH4]) patches.push({ name, text: readFileSync(name, "latin1") }); // prettier-ignore
  const k = buildKernel({ host, sources, diags, patches });
  if (diags.hasErrors || !k) throw new Error(renderDiagnostics(diags.items, sources));
  return k;
}

/** An insn-level trace of `names` on the kernel `k`, with the boot builder's regions named. */
function kernelTrace(
  k: KernelBuild,
  names: string[],
  config: KernelConfig,
): { output: string; records: TraceRecord[] } {
  const users = names.map((name) => ({ name, image: program(name) }));
  const diags = new DiagnosticBag();
  let output = "";
  const machine = { maxInsns: 2_000_000, output: (b: Uint8Array) => (output += new TextDecoder().decode(b)) }; // prettier-ignore
  const first = bootKernel(k, users, config, { diags, machine })!;
  const rec = new TraceRecorder({ image: traceImage(k.image, first.regions), level: "insn" });
  output = "";
  bootKernel(k, users, config, { diags, machine: { ...machine, events: rec } })!.machine.run();
  return { output, records: rec.records };
}

describe("task checks on the model kernel", () => {
  it("pass the baseline and patch 1 with a task sleeping while another runs, preempted by the tick", () => {
    for (const k of [theKernel(), patchedKernel()]) {
      const { output, records } = kernelTrace(k, ["sleeper", "getpid"], { pti: true, pcid: true, tick: 5000 }); // prettier-ignore
      expect(output).toContain("sleeper: pid 1 round 2\n");
      // What the checks follow: tasks switched, interrupts from user mode through the entry stack.
      const moves = new Set(records.flatMap((r) => (r.kind === "stack" ? [`${r.from} -> ${r.to}`] : []))); // prettier-ignore
      expect([...moves]).toEqual(expect.arrayContaining([`${K(1)} -> ${K(2)}`, `${U(1)} -> ${E(0)}`, `${E(0)} -> ${K(2)}`, `${K(1)} -> ${IDLE(0)}`])); // prettier-ignore
      expect(taskStatus(records)).toEqual(ALL_OK);
    }
  }, 60_000);

  it("name the overwritten frame when a system call sleeps on the entry stack", () => {
    const { output, records } = kernelTrace(patchedKernel(true), ["sleeper", "getpid"], { pti: true, pcid: true, tick: 5000 }); // prettier-ignore
    const r = results(records);
    const sw = r["switch-on-entry-stack"]!.violation!;
    const ow = r["entry-stack-overwrite"]!.violation!;
    const sc = r["schedule-on-entry-stack"]!.violation!;
    // First the call that may sleep: schedule() on the entry stack, before the switch it makes.
    expect(sc.message).toMatch(/^pid 1 called schedule\(\) at icount \d+ with RSP on the entry stack of CPU 0: /); // prettier-ignore
    expect(sc.at).toMatchObject({ kind: "insn", sym: "schedule" });
    expect(sc.at.icount).toBeLessThan(sw.at.icount);
    // The sleeper (pid 1) sleeps in nanosleep on the entry stack and getpid (pid 2) runs.
    expect(sw.message).toMatch(/^pid 1 was switched out on CPU 0 while its frame was on the entry stack of CPU 0: at icount \d+ \(__switch_to_asm\+0x[0-9a-f]+\) RSP moved from the entry stack to kernel stack of pid 2\. /); // prettier-ignore
    expect(sw.at).toMatchObject({ kind: "stack", from: E(0), to: K(2) });
    // Pid 2's way back to user mode copies its frame to the entry stack, over pid 1's.
    expect(ow.message).toBe(`pid 2's IRET exit at icount ${ow.at.icount} on CPU 0 wrote over pid 1's frame, left on the entry stack when pid 1 was switched out at icount ${sw.at.icount} (at ${sw.at.sym}). pid 1 will resume on a frame that is no longer its own`); // prettier-ignore
    expect(ow.at).toMatchObject({ kind: "stack", from: K(2), to: E(0) });
    expect(ow.at.icount).toBeGreaterThan(sw.at.icount);
    // And the sleeper, resuming on getpid's frame, never finishes.
    expect(output).not.toContain("sleeper: pid 1 round 2\n");
  }, 60_000);
});
