// `trace check`: named invariants a reviewer runs on any trace, each reporting its first
// violation with the record where it happened and what led there (docs/trace-format.md, "Checks").
//
// The checks follow per CPU the state the records imply: the privilege level (SYSCALL → 0, SYSRET
// → 3, a delivery's and an IRETQ's `toCpl`), CR3 (cr records), GS base (SWAPGS records and WRMSR
// of IA32_GS_BASE / IA32_KERNEL_GS_BASE), and the NMIs not yet returned from.
// A state change recorded at instruction count c applies to the instructions counted after c
// (a CR3 write's own instruction, and SYSCALL itself, ran before it).
//
// `switch-on-user-cr3` follows the kernel's `sched-switch` records (docs/kernel.md, tracepoints):
// a task switched out — preempted, asleep or exiting — while CR3 selects a PTI user PGD. It needs
// only system records, and is skipped on a trace without any `sched-switch`.
//
// Checks that need every instruction (`insn` records: `--trace-level insn`) say so and are
// skipped, with a note, on a coarser trace. The checks about tasks and the per-CPU entry stack,
// which follow the `stack` records, are in check-tasks.ts; they run here too.
import { TASK_CHECKS, checkTasks } from "./check-tasks.js";
import { NEEDS_AUDIT, TLB_CHECKS, checkTlb } from "./check-tlb.js";
import type { TraceRecord } from "./schema.js";
import { PTI_USER_BIT } from "./stats.js";

/** IA32_GS_BASE and IA32_KERNEL_GS_BASE (SDM vol. 4, table 2-2). */
const MSR_GS_BASE = 0xc0000101;
const MSR_KERNEL_GS_BASE = 0xc0000102;
const VEC_NMI = 2;
const USER_CPL = 3;
/** Records of context shown before a violation. */
const CONTEXT = 5;

export interface CheckContext {
  /**
   * The entry text, [start, end) (the image's `__entry_text_start`/`__entry_text_end`): the
   * only kernel code PTI maps in the user page table.
   */
  entryText?: { start: bigint; end: bigint };
}

export interface Violation {
  check: string;
  message: string;
  /** The record where the invariant broke, and the records of that CPU just before it. */
  at: TraceRecord;
  context: TraceRecord[];
}

export interface CheckResult {
  name: string;
  title: string;
  /** "ok", "violated", or "skipped" (with the reason in `note`). */
  status: "ok" | "violated" | "skipped";
  note?: string;
  violation?: Violation;
}

export interface CheckInfo {
  name: string;
  title: string;
}

/** Every check, in the order they run and report. */
export const CHECKS: readonly CheckInfo[] = [
  { name: "kernel-code-on-user-cr3", title: "kernel code outside the entry text ran on a user page table" }, // prettier-ignore
  { name: "user-return-with-kernel-cr3", title: "a return to user mode with the kernel page table in CR3 (PTI)" }, // prettier-ignore
  { name: "swapgs-balance", title: "GS base at a return to user mode differs from the user's at the entry" }, // prettier-ignore
  { name: "nmi-nesting", title: "an NMI that never returned where it interrupted, after a second NMI came in while it ran" }, // prettier-ignore
  { name: "switch-on-user-cr3", title: "a context switch or sleep while the CPU was on a user page table" }, // prettier-ignore
  ...TASK_CHECKS,
  ...TLB_CHECKS,
];

/** The note of a check skipped for want of `insn` records. */
const NEEDS_INSN = "needs a trace with --trace-level insn";
/** The note of the switch check on a trace the kernel's scheduler tracepoints did not write into. */
const NEEDS_SWITCHES = "the trace has no sched-switch records (a kernel without the scheduler tracepoints, or no kernel)"; // prettier-ignore
/** Checks that need `insn` records. */
const INSN_CHECKS = new Set(["kernel-code-on-user-cr3", ...TASK_CHECKS.map((c) => c.name)]);

/**
 * An NMI delivered and not yet returned from: where it interrupted (its frame's RIP and RSP), and
 * the first NMI delivered while it ran, with the records before that one.
 */
interface PendingNmi {
  rip: bigint;
  rsp: bigint;
  at: TraceRecord;
  nested?: { at: TraceRecord; context: TraceRecord[] };
}

/** Per-CPU state as the records so far imply it. */
class CpuState {
  cpl = 0;
  cr3: bigint | undefined;
  gsBase: bigint | undefined;
  kernelGsBase: bigint | undefined;
  /** Changes recorded at a count, applied to instructions counted after it. */
  pending: { icount: number; apply: () => void }[] = [];
  /** GS base at each unreturned entry from user mode (innermost last). */
  userGs: (bigint | undefined)[] = [];
  /** NMI deliveries not yet returned from (innermost last). */
  nmis: PendingNmi[] = [];
  /** The last records of this CPU. */
  recent: TraceRecord[] = [];
  /** Whether any CR3 so far had the PTI user bit (PTI in use). */
  sawUserCr3 = false;

  later(icount: number, apply: () => void): void {
    this.pending.push({ icount, apply });
  }

  /** Apply the changes recorded before instruction `icount`. */
  settle(icount: number): void {
    while (this.pending.length > 0 && this.pending[0]!.icount < icount) this.pending.shift()!.apply(); // prettier-ignore
  }

  settleAll(): void {
    for (const p of this.pending) p.apply();
    this.pending.length = 0;
  }
}

/** Run every check over `records` (in trace order). */
export function checkTrace(records: readonly TraceRecord[], ctx: CheckContext = {}): CheckResult[] {
  // prettier-ignore
  const hasInsns = records.some((r) => r.kind === "insn");
  const hasSwitches = records.some((r) => r.kind === "sched-switch");
  const found = new Map<string, Violation>();
  const cpus = new Map<number, CpuState>();
  const report = (check: string, s: CpuState, r: TraceRecord, message: string): void => {
    if (!found.has(check)) found.set(check, { check, message, at: r, context: s.recent.slice() });
  };
  for (const r of records) {
    let s = cpus.get(r.cpu);
    if (!s) cpus.set(r.cpu, (s = new CpuState()));
    step(s, r, ctx, report);
    s.recent.push(r);
    if (s.recent.length > CONTEXT) s.recent.shift();
  }
  const nesting = overwrittenNmi(cpus);
  if (nesting && !found.has("nmi-nesting")) found.set("nmi-nesting", nesting);
  // Stack moves are seen late without insn records: the task checks would misplace them.
  if (hasInsns) for (const [name, v] of checkTasks(records, CONTEXT)) found.set(name, v);
  const tlb = checkTlb(records, CONTEXT);
  if (tlb.violation) found.set("stale-translation", tlb.violation);
  return CHECKS.map(({ name, title }) => {
    const violation = found.get(name);
    if (violation) return { name, title, status: "violated", violation };
    if (INSN_CHECKS.has(name) && !hasInsns) return { name, title, status: "skipped", note: NEEDS_INSN }; // prettier-ignore
    if (name === "stale-translation" && !tlb.audited) return { name, title, status: "skipped", note: NEEDS_AUDIT }; // prettier-ignore
    if (name === "switch-on-user-cr3" && !hasSwitches) return { name, title, status: "skipped", note: NEEDS_SWITCHES }; // prettier-ignore
    if (name === "kernel-code-on-user-cr3" && !ctx.entryText) return { name, title, status: "skipped", note: "the image has no __entry_text_start/__entry_text_end" }; // prettier-ignore
    return { name, title, status: "ok" };
  });
}

type Report = (check: string, s: CpuState, r: TraceRecord, message: string) => void;

function step(s: CpuState, r: TraceRecord, ctx: CheckContext, report: Report): void {
  if (r.kind === "insn") {
    s.settle(r.icount);
    kernelCodeOnUserCr3(s, r, ctx, report);
    return;
  }
  s.settleAll(); // a system record is emitted in order: what came before it has happened
  switch (r.kind) {
    case "cr":
      if (r.reg === "cr3") {
        if (s.cr3 === undefined) s.cr3 = r.old;
        const cr3 = r.new;
        if ((cr3 & PTI_USER_BIT) !== 0n) s.sawUserCr3 = true;
        s.later(r.icount, () => (s.cr3 = cr3));
      }
      return;
    case "wrmsr":
      if (r.msr === MSR_GS_BASE) s.gsBase = r.value;
      else if (r.msr === MSR_KERNEL_GS_BASE) s.kernelGsBase = r.value;
      return;
    case "swapgs": {
      // GS base not known yet (no WRMSR traced): what SWAPGS moved out is what it was.
      const top = s.userGs.length - 1;
      if (s.gsBase === undefined && top >= 0 && s.userGs[top] === undefined) s.userGs[top] = r.kernelGsBase; // prettier-ignore
      s.gsBase = r.gsBase;
      s.kernelGsBase = r.kernelGsBase;
      return;
    }
    case "syscall":
      s.userGs.push(s.gsBase);
      s.later(r.icount, () => (s.cpl = 0));
      return;
    case "deliver":
      deliver(s, r);
      return;
    case "sched-switch":
      switchOnUserCr3(s, r, report);
      return;
    case "sysret":
      returnToUser(s, r, report);
      s.later(r.icount, () => (s.cpl = USER_CPL));
      return;
    case "iret": {
      returnFromNmi(s, r);
      const to = r.toCpl;
      if (to === USER_CPL) returnToUser(s, r, report);
      s.later(r.icount, () => (s.cpl = to));
      return;
    }
    default:
      return;
  }
}

function deliver(s: CpuState, r: Extract<TraceRecord, { kind: "deliver" }>): void {
  if (r.vector === VEC_NMI) {
    for (const p of s.nmis) p.nested ??= { at: r, context: s.recent.slice() };
    s.nmis.push({ rip: r.frame.rip, rsp: r.frame.rsp, at: r });
  }
  if (r.fromCpl === USER_CPL) s.userGs.push(s.gsBase);
  const to = r.toCpl;
  s.later(r.icount, () => (s.cpl = to));
}

/**
 * An IRETQ back to where a pending NMI interrupted closes that NMI (and any NMI above it that
 * never came back). A nested NMI makes the first NMI's exit IRETQ elsewhere first (Linux's
 * repeat_nmi), so only the return to the interrupted code itself counts.
 */
function returnFromNmi(s: CpuState, r: Extract<TraceRecord, { kind: "iret" }>): void {
  for (let k = s.nmis.length - 1; k >= 0; k--) {
    if (s.nmis[k]!.rip === r.frame.rip && s.nmis[k]!.rsp === r.frame.rsp) {
      s.nmis.length = k;
      return;
    }
  }
}

/**
 * nmi-nesting, at the end of the trace: an NMI that a second NMI came in on while it ran (after an
 * IRETQ inside its handler ended NMI blocking, SDM vol. 3A 6.7.1) and that never returned to the
 * code it interrupted. On the same IST stack the second NMI's frame lands on the first's; without
 * Linux's nested-NMI frame copies the first NMI then returns through the second's frame.
 */
function overwrittenNmi(cpus: ReadonlyMap<number, CpuState>): Violation | undefined {
  for (const s of cpus.values()) {
    const p = s.nmis.find((n) => n.nested !== undefined);
    if (!p) continue;
    const second = p.nested!.at as Extract<TraceRecord, { kind: "deliver" }>;
    const message = `the NMI at icount ${p.at.icount} (interrupting ${hex(p.rip)}) never returned there by the end of the trace, and a second NMI came in at icount ${second.icount} on the ${second.stack} stack while it ran: its frame there was overwritten`; // prettier-ignore
    return { check: "nmi-nesting", message, at: second, context: p.nested!.context };
  }
  return undefined;
}

/**
 * A task switched out on a user page table: with PTI it maps no kernel stack or data beyond what
 * entry needs, so code that may sleep or schedule must run after the switch to the kernel CR3.
 */
function switchOnUserCr3(s: CpuState, r: Extract<TraceRecord, { kind: "sched-switch" }>, report: Report): void {
  const cr3 = s.cr3;
  if (cr3 === undefined || (cr3 & PTI_USER_BIT) === 0n) return;
  const how = r.prevState === "sleeping" ? "went to sleep" : r.prevState === "dead" ? "exited" : `was switched out (${r.prevState})`; // prettier-ignore
  const where = r.sym === undefined ? hex(r.rip) : `${r.sym}${r.line ? ` (${r.line})` : ""}`;
  report("switch-on-user-cr3", s, r, `pid ${r.prevPid} (${r.prevComm}) ${how} on CPU ${r.cpu} at icount ${r.icount}, in ${where}, with the user page table in CR3 ${hex(cr3)}: the scheduler, and pid ${r.nextPid} (${r.nextComm}) after it, run on a page table that maps only what PTI exposes to user mode. Switch to the kernel CR3 before code that may sleep or schedule`); // prettier-ignore
} // prettier-ignore

/** At a SYSRETQ or an IRETQ to CPL 3: the CR3 and GS base user mode gets back. */
function returnToUser(s: CpuState, r: TraceRecord, report: Report): void {
  const cr3 = s.cr3;
  if (s.sawUserCr3 && cr3 !== undefined && (cr3 & PTI_USER_BIT) === 0n) {
    report("user-return-with-kernel-cr3", s, r, `return to user mode with CR3 ${hex(cr3)}: the kernel page table (bit 12 clear) stays in use in user mode`); // prettier-ignore
  }
  const entryGs = s.userGs.pop();
  if (entryGs !== undefined && s.gsBase !== undefined && s.gsBase !== entryGs) {
    report("swapgs-balance", s, r, `return to user mode with GS base ${hex(s.gsBase)}; it was ${hex(entryGs)} at the entry (a SWAPGS missing or doubled)`); // prettier-ignore
  }
}

function kernelCodeOnUserCr3(s: CpuState, r: TraceRecord, ctx: CheckContext, report: Report): void {
  // prettier-ignore
  const text = ctx.entryText;
  if (!text || s.cpl !== 0 || s.cr3 === undefined || (s.cr3 & PTI_USER_BIT) === 0n) return;
  if (r.rip >= text.start && r.rip < text.end) return;
  report("kernel-code-on-user-cr3", s, r, `kernel instruction at ${hex(r.rip)} ran with the user page table in CR3 ${hex(s.cr3)}, outside the entry text that PTI maps there`); // prettier-ignore
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/** The check results as text: one line per check, then each violation with its context. */
export function formatCheck(
  results: readonly CheckResult[],
  format: (r: TraceRecord) => string,
): string {
  // prettier-ignore
  const lines: string[] = [];
  for (const c of results) {
    const note = c.status === "skipped" ? ` (${c.note})` : "";
    lines.push(`${c.status.padEnd(8)} ${c.name}: ${c.title}${note}`);
  }
  for (const c of results) {
    const v = c.violation;
    if (!v) continue;
    lines.push("", `${c.name}: ${v.message}`);
    for (const r of v.context) lines.push(`    ${format(r)}`);
    lines.push(`  > ${format(v.at)}`);
  }
  return lines.join("\n") + "\n";
}
