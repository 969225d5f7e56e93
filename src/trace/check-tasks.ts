// `trace check`, the task-aware checks: the per-CPU entry (trampoline) stack, TSS.sp0, is shared
// by every task that enters the kernel on that CPU, so a task's frame may stay there only while
// that task runs. These checks follow the `stack` records (RSP moving between the named regions
// of the model kernel's boot builder) per CPU and report
//   - `schedule-on-entry-stack`: schedule() entered with RSP on an entry stack (code that may
//     sleep running on a stack that belongs to the CPU),
//   - `switch-on-entry-stack`: RSP moved from the entry stack straight to another task's stack
//     or the idle stack (a task was switched out, its frame left behind), and
//   - `entry-stack-overwrite`: after that, another task's entry or exit moved onto the same
//     entry stack, writing over the frame left there.
// Both need every instruction (`--trace-level insn`): at coarser levels a stack move is seen only
// at the next system record, too late to say which instruction made it. check.ts runs them and
// merges their results with its own checks.
//
// Which task is on a CPU comes from the records' `task` field (the kernel's sched_switch
// tracepoint, followed by the recorder): exact, also when the switch leaves RSP where it was
// (two tasks that both slept on the same entry stack). A trace without it (hand-made, or written
// before it) falls back to the kernel stacks, not the user stacks: every process's user stack is
// at the same virtual address, and a task runs in kernel mode on its own kernel stack, so the
// CPU's task is then the one whose kernel stack (or the idle stack) RSP was last on.
import type { CheckInfo, Violation } from "./check.js";
import type { TraceRecord } from "./schema.js";

const USER_CPL = 3;
/** A CPU's idle task, as Linux numbers it. */
const IDLE_PID = 0;

/** The checks of this file, in the order they report (after check.ts's own). */
export const TASK_CHECKS: readonly CheckInfo[] = [
  { name: "schedule-on-entry-stack", title: "schedule() was called on a per-CPU entry stack, where a task must not sleep" }, // prettier-ignore
  { name: "switch-on-entry-stack", title: "a task was switched out while its frame was on a per-CPU entry stack" }, // prettier-ignore
  { name: "entry-stack-overwrite", title: "another task's entry overwrote a frame left on a per-CPU entry stack" }, // prettier-ignore
];

/**
 * The stack region names these checks understand, as the model kernel's boot builder gives them
 * (src/kernel-rt/boot): one regex per kind, with the pid or CPU as its only group. Any other
 * region (IST stacks, page tables, `-` for none) is not a task's stack: a move there is passed
 * over (docs/trace-format.md, "trace check").
 */
export const STACK_REGION_NAMES = {
  user: /^user stack of pid (\d+)$/,
  kernel: /^kernel stack of pid (\d+)$/,
  entry: /^entry stack of CPU (\d+)$/,
  idle: /^idle stack of CPU (\d+)$/,
} as const;

/** A stack region by kind: a task's (by pid), or a CPU's (entry stack, idle task's stack). */
export type StackRegion = { kind: "user" | "kernel"; pid: number } | { kind: "entry" | "idle"; cpu: number }; // prettier-ignore

/** The stack region a `stack` record's `from`/`to` names, or undefined for any other region. */
export function parseStackRegion(name: string): StackRegion | undefined {
  for (const kind of ["user", "kernel"] as const) {
    const m = STACK_REGION_NAMES[kind].exec(name);
    if (m) return { kind, pid: Number(m[1]) };
  }
  for (const kind of ["entry", "idle"] as const) {
    const m = STACK_REGION_NAMES[kind].exec(name);
    if (m) return { kind, cpu: Number(m[1]) };
  }
  return undefined;
}

/** Who owns a stack: a task by pid, or a CPU's idle task. */
type Task = { pid: number } | { idleOf: number };

/** The task a kernel or idle stack belongs to (a user stack's: see `ownerOf`). */
function taskOf(r: StackRegion): Task | undefined {
  if (r.kind === "kernel") return { pid: r.pid };
  return r.kind === "idle" ? { idleOf: r.cpu } : undefined;
}

function sameTask(a: Task, b: Task): boolean {
  return "pid" in a ? "pid" in b && a.pid === b.pid : "idleOf" in b && a.idleOf === b.idleOf;
}

function who(t: Task): string {
  return "pid" in t ? `pid ${t.pid}` : "the idle task";
}

/** A frame left on an entry stack by a task switched out there. */
interface LeftFrame {
  task: Task;
  /** The switch's count and its instruction (`sym` as the record shows it). */
  icount: number;
  where: string;
  /** RSP when it left: switching the task back in puts RSP exactly there. */
  rsp: bigint | undefined;
}

/** One CPU's entry stack. */
interface EntryStack {
  /** The task whose frame is on it now (set on the move onto it). */
  owner?: Task;
  left?: LeftFrame;
}

/** Per CPU: where RSP is and what led there. */
class CpuTrack {
  /** The task running: the record's `task`, else the one whose kernel (or idle) stack RSP was last on. */
  current: Task | undefined;
  /** The last task or entry stack RSP was in, and its name. */
  at: StackRegion | undefined;
  atName: string | undefined;
  /** RSP after the last record, and after the one before it (before the last record's move). */
  rsp: bigint | undefined;
  prevRsp: bigint | undefined;
  /** RSP just before it left `at` (it may pass through unnamed regions before the next). */
  departRsp: bigint | undefined;
  /** The SYSCALL or delivery from user mode not yet returned from. */
  entry: TraceRecord | undefined;
  recent: TraceRecord[] = [];
}

type Report = (check: string, s: CpuTrack, r: TraceRecord, message: string) => void;

/**
 * Run the task checks over `records` (in trace order, with `insn` records: the caller skips them
 * otherwise). Returns each violated check's first violation, with `context` records before it.
 */
export function checkTasks(
  records: readonly TraceRecord[],
  context: number,
): Map<string, Violation> {
  const found = new Map<string, Violation>();
  const cpus = new Map<number, CpuTrack>();
  const stacks = new Map<number, EntryStack>();
  const report: Report = (check, s, r, message) => {
    if (!found.has(check)) found.set(check, { check, message, at: r, context: s.recent.slice() });
  };
  records.forEach((r, i) => {
    let s = cpus.get(r.cpu);
    if (!s) cpus.set(r.cpu, (s = new CpuTrack()));
    if (r.task !== undefined) s.current = r.task === IDLE_PID ? { idleOf: r.cpu } : { pid: r.task };
    if (r.kind === "stack") stackMove(s, r, i, records, stacks, report);
    else noteRecord(s, r);
    if (r.kind === "insn" && r.sym === SCHEDULE && s.at?.kind === "entry") scheduleOnEntryStack(s, r, s.at.cpu, entryStack(stacks, s.at.cpu), report); // prettier-ignore
    s.recent.push(r);
    if (s.recent.length > context) s.recent.shift();
  });
  return found;
}

/** The scheduler's entry point: a task that calls it may sleep or be switched out there. */
const SCHEDULE = "schedule";

/**
 * The first instruction of schedule() ran with RSP on an entry stack: code that may sleep runs on
 * a stack that belongs to the CPU, not the task. Reported at the call, before the switch it leads to.
 */
function scheduleOnEntryStack(
  s: CpuTrack,
  r: TraceRecord,
  cpu: number,
  e: EntryStack,
  report: Report,
): void {
  // prettier-ignore
  const task = e.owner ?? s.current;
  const whose = task ? `${who(task)} ` : "";
  report("schedule-on-entry-stack", s, r, `${whose}called schedule() at icount ${r.icount} with RSP on the entry stack of CPU ${cpu}: a task that sleeps or is switched out there leaves its frame on a stack the next entry on CPU ${cpu} reuses. Run code that may sleep on the task's own stack (copy the frame there first), or give each task a PTI stack of its own`); // prettier-ignore
}

function noteRecord(s: CpuTrack, r: TraceRecord): void {
  s.prevRsp = s.rsp;
  s.rsp = r.rsp;
  if (r.kind === "syscall" || (r.kind === "deliver" && r.fromCpl === USER_CPL)) s.entry = r;
  else if (r.kind === "sysret" || (r.kind === "iret" && r.toCpl === USER_CPL)) s.entry = undefined;
}

function stackMove(
  s: CpuTrack,
  r: Extract<TraceRecord, { kind: "stack" }>,
  i: number,
  records: readonly TraceRecord[],
  stacks: Map<number, EntryStack>,
  report: Report,
): void {
  // The move's own record came just before: RSP before it is the one before that record's.
  if (s.atName !== undefined && r.from === s.atName) s.departRsp = s.prevRsp;
  const to = parseStackRegion(r.to);
  // Not a task's stack (an IST stack, or RSP parked as a scratch register): passed over, so
  // that entry → NMI stack → entry, or user → none → kernel, count as one move.
  if (!to) return;
  const from = s.at;
  s.at = to;
  s.atName = r.to;
  if (from?.kind === "entry" && !(to.kind === "entry" && to.cpu === from.cpu)) {
    leaveEntryStack(s, r, from.cpu, to, entryStack(stacks, from.cpu), report);
  }
  if (to.kind === "entry" && !(from?.kind === "entry" && from.cpu === to.cpu)) {
    enterEntryStack(s, r, i, records, to.cpu, from, entryStack(stacks, to.cpu), report);
  }
  if (to.kind === "kernel" || to.kind === "idle") s.current = taskOf(to);
}

/**
 * The task a stack belongs to: a user stack's, and a forked task's kernel stack (named by no
 * pid), is the CPU's current task (see the top).
 */
function ownerOf(s: CpuTrack, r: StackRegion | undefined): Task | undefined {
  return r === undefined || r.kind === "user" ? s.current : taskOf(r);
}

function entryStack(stacks: Map<number, EntryStack>, cpu: number): EntryStack {
  let e = stacks.get(cpu);
  if (!e) stacks.set(cpu, (e = {}));
  return e;
}

/** RSP left CPU `cpu`'s entry stack for `to`: fine for its owner's own stacks only. */
function leaveEntryStack(
  s: CpuTrack,
  r: Extract<TraceRecord, { kind: "stack" }>,
  cpu: number,
  to: StackRegion,
  es: EntryStack,
  report: Report,
): void {
  const owner = es.owner;
  es.owner = undefined;
  const next = ownerOf(s, to);
  if (!owner || !next || sameTask(owner, next)) return;
  const where = place(r);
  es.left = { task: owner, icount: r.icount, where, rsp: s.departRsp };
  report("switch-on-entry-stack", s, r, `${who(owner)} was switched out on CPU ${cpu} while its frame was on the entry stack of CPU ${cpu}: at icount ${r.icount} (${where}) RSP moved from the entry stack to ${r.to}. The entry stack is shared by every entry on CPU ${cpu}, so the next one will write over ${who(owner)}'s frame before ${who(owner)} returns to it`); // prettier-ignore
}

/** RSP moved onto CPU `cpu`'s entry stack from `from`: an overwrite if a frame was left there. */
function enterEntryStack(
  s: CpuTrack,
  r: Extract<TraceRecord, { kind: "stack" }>,
  i: number,
  records: readonly TraceRecord[],
  cpu: number,
  from: StackRegion | undefined,
  es: EntryStack,
  report: Report,
): void {
  const mover = ownerOf(s, from);
  const left = es.left;
  es.owner = mover;
  if (!left) return;
  es.left = undefined;
  // The left task switched back in: RSP comes back exactly where it was saved.
  if (r.rsp === left.rsp || (mover && sameTask(mover, left.task))) {
    es.owner = s.current = left.task;
    return;
  }
  const by = mover ? `${who(mover)}'s` : "a";
  const { kind, icount } = entryKind(s, r, i, records, from);
  const n = who(left.task);
  report("entry-stack-overwrite", s, r, `${by} ${kind} at icount ${icount} on CPU ${cpu} wrote over ${n}'s frame, left on the entry stack when ${n} was switched out at icount ${left.icount} (at ${left.where}). ${n} will resume on a frame that is no longer its own`); // prettier-ignore
}

/** What moved RSP onto the entry stack, and at which count. */
function entryKind(
  s: CpuTrack,
  r: Extract<TraceRecord, { kind: "stack" }>,
  i: number,
  records: readonly TraceRecord[],
  from: StackRegion | undefined,
): { kind: string; icount: number } {
  // An entry from user mode: the SYSCALL or delivery that left the user stack.
  const e = r.cause === "deliver" || r.cause === "syscall" ? lastOf(s.recent, r.cause) : undefined;
  const entry = e ?? (from?.kind === "user" ? s.entry : undefined);
  if (entry?.kind === "syscall") return { kind: "SYSCALL", icount: entry.icount };
  if (entry?.kind === "deliver") return { kind: `delivery of ${vectorName(entry)}`, icount: entry.icount }; // prettier-ignore
  // From a kernel stack: the exit path copying its frame there before returning to user mode.
  return { kind: exitKind(records, i, r.cpu), icount: r.icount };
}

function lastOf(recent: readonly TraceRecord[], kind: string): TraceRecord | undefined {
  for (let j = recent.length - 1; j >= 0; j--) if (recent[j]!.kind === kind) return recent[j];
  return undefined;
}

function vectorName(d: Extract<TraceRecord, { kind: "deliver" }>): string {
  return d.name.startsWith("vector") ? d.name : `${d.name} (vector ${d.vector})`;
}

/** The return to user mode that follows record `i` on `cpu`, before any other entry. */
function exitKind(records: readonly TraceRecord[], i: number, cpu: number): string {
  for (let j = i + 1; j < records.length; j++) {
    const r = records[j]!;
    if (r.cpu !== cpu) continue;
    if (r.kind === "sysret") return "SYSRET exit";
    if (r.kind === "iret" && r.toCpl === USER_CPL) return "IRET exit";
    if (r.kind === "syscall" || (r.kind === "deliver" && r.fromCpl === USER_CPL)) break;
  }
  return "move of RSP onto the entry stack";
}

/** The record's instruction as the record names it. */
function place(r: TraceRecord): string {
  return r.sym ?? `0x${r.rip.toString(16)}`;
}
