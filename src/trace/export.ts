// `trace export FILE --format chrome`: a trace as the Chrome trace event format (the JSON object
// with `traceEvents` that Perfetto and chrome://tracing open). One track (thread) per CPU. Each
// episode is a complete ("X") event named by its trigger, holding its phases as nested X events
// — `entry` (assembly up to the first C code, or up to the CR3 write to a kernel page table),
// `kernel C` (first to last record in a .c file; `kernel` when there is no C), `exit` (after
// the C code, or from the CR3 write back to the user page table, through the return) — and
// inside those the stretches run on the user CR3 (bit 12) as `user CR3`. CR3 writes, faults,
// SWAPGS and TLB flushes are instant ("i") events.
//
// A trace of the model kernel (records with `task`, the scheduler's tracepoints) adds a second
// process, "tasks", with one track per task (tid = pid; each CPU's idle task, pid 0 on every CPU as
// in Linux, has its own track, `swapper/n`): a slice `CPU n` for each stretch the
// task ran on a CPU (from the sched-switch to it to the one away from it), and instants where it
// went to sleep, was woken (by whom) and exited. Its episodes are split by task (./episodes.ts):
// an episode the task slept in is drawn as the PIECES it ran itself, on the CPU tracks (where the
// other tasks' episodes fill the gaps) and inside the `CPU n` slices of its own track; each
// episode's args name its task, its own instructions and what it slept across.
//
// Time is the instruction count: `ts` and `dur` are in the format's microseconds, and 1 µs on
// the timeline is 1 retired instruction of that CPU (the records' `icount`). Nothing else from
// the run is a time, so CPUs' tracks line up only as far as their counts do (`--quantum`).
import type { CostModel } from "./cost.js";
import { byCpu, byStream, episodeTime, splitUnits, streamUnits, type Stream, type Unit } from "./episodes.js"; // prettier-ignore
import type { TraceRecord } from "./schema.js";
import { PTI_USER_BIT } from "./stats.js";
import { hasTasks } from "./stats-tasks.js";

export const EXPORT_FORMATS = ["chrome"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A Chrome trace event (the fields this exporter writes). */
export interface ChromeEvent {
  name: string;
  cat?: string;
  /** X complete, i instant, M metadata. */
  ph: "X" | "i" | "M";
  /** Microseconds: here, instruction counts. */
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  /** Instant scope: the thread. */
  s?: "t";
  args?: Record<string, string | number | boolean>;
}

export interface ChromeTrace {
  traceEvents: ChromeEvent[];
  otherData: Record<string, string>;
}

export interface ExportOptions {
  /** Adds each episode's estimated cycles to its args. */
  cost?: CostModel;
}

/** The process every CPU track belongs to, and the one of the task tracks (tid = the task's pid). */
const PID = 0;
const TASKS_PID = 1;
/** The idle task is pid 0 on every CPU: CPU n's gets the track IDLE_TID + n, above any pid. */
const IDLE_PID = 0;
const IDLE_TID = 1 << 22;

/** The track of `pid` on `cpu` in the tasks process. */
/** Idle tracks sort before every task: their sort_index is below any pid. */
const MAX_TRACKS = 1 << 20;
const taskTid = (pid: number, cpu: number): number => (pid === IDLE_PID ? IDLE_TID + cpu : pid);
/** Vectors below this are exceptions (SDM 6.3.1). */
const FIRST_INTERRUPT_VECTOR = 32;
const C_SOURCE = /\.c:\d+$/;

/** A half-open range of instruction counts [from, to). */
interface Range {
  from: number;
  to: number;
}

/** Per CPU: the count ranges that ran on a CR3 with the PTI user bit set. */
function userRanges(rs: readonly TraceRecord[]): Range[] {
  const out: Range[] = [];
  let cr3: bigint | undefined;
  let from = 0;
  const close = (to: number): void => {
    if (cr3 !== undefined && (cr3 & PTI_USER_BIT) !== 0n && to > from) out.push({ from, to });
  };
  for (const r of rs) {
    if (r.kind !== "cr" || r.reg !== "cr3") continue;
    if (cr3 === undefined) cr3 = r.old; // before the first write: its old value
    // A write's own instruction runs on the old CR3; the new one applies from the next count.
    close(r.icount + 1);
    cr3 = r.new;
    from = r.icount + 1;
  }
  close(Number.MAX_SAFE_INTEGER);
  return out;
}

function intersect(a: Range, rs: readonly Range[]): Range[] {
  return rs.map((r) => ({ from: Math.max(a.from, r.from), to: Math.min(a.to, r.to) })).filter((r) => r.to > r.from); // prettier-ignore
}

/** An episode's phases: a partition of its count range (empty when it has no boundary). */
function phases(u: Unit, whole: Range): { name: string; range: Range }[] {
  const inside = u.records.slice(u.enter ?? 0, (u.ret ?? u.records.length - 1) + 1);
  const c = inside.filter((r) => r.line !== undefined && C_SOURCE.test(r.line));
  const cr3 = inside.filter((r) => r.kind === "cr" && r.reg === "cr3");
  const toKernel = cr3.find((r) => r.kind === "cr" && (r.new & PTI_USER_BIT) === 0n);
  const toUser = [...cr3].reverse().find((r) => r.kind === "cr" && (r.new & PTI_USER_BIT) !== 0n);
  const clamp = (n: number | undefined): number | undefined => (n === undefined || n < whole.from || n > whole.to ? undefined : n); // prettier-ignore
  const b1 = clamp(c.length > 0 ? c[0]!.icount : toKernel && toKernel.icount + 1);
  let b2 = clamp(c.length > 0 ? c[c.length - 1]!.icount + 1 : toUser?.icount);
  if (b1 !== undefined && b2 !== undefined && b2 < b1) b2 = undefined;
  if (b1 === undefined && b2 === undefined) return [];
  const middle = c.length > 0 ? "kernel C" : "kernel";
  const cuts = [whole.from, b1 ?? whole.from, b2 ?? whole.to, whole.to];
  const names = ["entry", middle, "exit"];
  return names.map((name, i) => ({ name, range: { from: cuts[i]!, to: cuts[i + 1]! } })).filter((p) => p.range.to > p.range.from); // prettier-ignore
}

function complete(
  tid: number,
  name: string,
  cat: string,
  r: Range,
  args?: ChromeEvent["args"],
): ChromeEvent {
  const e: ChromeEvent = { name, cat, ph: "X", ts: r.from, dur: r.to - r.from, pid: PID, tid };
  if (args !== undefined) e.args = args;
  return e;
}

/** A range on one CPU's count axis. */
interface CpuRange extends Range {
  cpu: number;
}

/**
 * An episode's slices on the CPU tracks: one per piece it ran (per CPU, one piece, the whole
 * round trip), each holding the phases and user-CR3 stretches inside it. `pieces` absent: the
 * whole span on the entering CPU; `sleep` the args of an episode split by task.
 */
function episodeEvents(
  u: Unit,
  userOf: (cpu: number) => readonly Range[],
  cost: CostModel | undefined,
  split?: { pieces: CpuRange[]; sleep: Record<string, number> },
): ChromeEvent[] {
  const start = u.records[u.enter!]!.icount;
  const last = u.records[u.ret ?? u.records.length - 1]!.icount;
  const whole = { from: start, to: last + 1 };
  const pieces = split?.pieces ?? [{ cpu: u.cpu, ...whole }];
  const own = pieces.reduce((n, p) => n + p.to - p.from, 0);
  const args: Record<string, number | string> = { instructions: own, userCr3Instructions: pieces.reduce((n, p) => n + intersect(p, userOf(p.cpu)).reduce((m, r) => m + r.to - r.from, 0), 0), ...split?.sleep }; // prettier-ignore
  if (u.task !== undefined) args.task = Number(u.task);
  if (u.ret === undefined) args.open = "the run ended inside this episode";
  if (cost !== undefined) args.estimatedCycles = cost.cycles(own, u.records.slice(u.enter, (u.ret ?? u.records.length - 1) + 1)); // prettier-ignore
  // Phases are cut at counts of one CPU: an episode that moved to another CPU has none.
  const ps = pieces.every((p) => p.cpu === u.cpu) ? phases(u, whole) : [];
  const out: ChromeEvent[] = [];
  pieces.forEach((piece, i) => {
    // The first piece carries the episode's figures; every piece says which part it is.
    const own: Record<string, string | number> = i === 0 ? { ...args } : u.task === undefined ? {} : { task: Number(u.task) }; // prettier-ignore
    if (pieces.length > 1) own.part = `${i + 1} of ${pieces.length}`;
    out.push(complete(piece.cpu, u.trigger, "episode", piece, own));
    const inside = ps.flatMap((p) =>
      intersect(p.range, [piece]).map((range) => ({ name: p.name, range })),
    );
    for (const p of inside) out.push(complete(piece.cpu, p.name, "phase", p.range));
    for (const range of inside.length > 0 ? inside.map((p) => p.range) : [piece])
      for (const r of intersect(range, userOf(piece.cpu))) out.push(complete(piece.cpu, "user CR3", "cr3", r)); // prettier-ignore
  });
  return out;
}

const hex = (v: bigint | number): string => `0x${v.toString(16)}`;

/** The instant event a record makes, if any. */
function instant(r: TraceRecord, inEpisodeTrigger: boolean): ChromeEvent | undefined {
  const at = (name: string, cat: string, args: ChromeEvent["args"]): ChromeEvent => ({ name, cat, ph: "i", s: "t", ts: r.icount, pid: PID, tid: r.cpu, args: { ...args, ...(r.sym ? { sym: r.sym } : {}) } }); // prettier-ignore
  switch (r.kind) {
    case "cr":
      if (r.reg === "cr3") return at(`CR3 → ${(r.new & PTI_USER_BIT) !== 0n ? "user" : "kernel"}`, "cr3", { new: hex(r.new), pcid: r.pcid ?? 0, noflush: r.noflush ?? false, flushed: r.flushed }); // prettier-ignore
      return r.flushed > 0 ? at(`flush: ${r.reg} write`, "flush", { flushed: r.flushed }) : undefined; // prettier-ignore
    case "invlpg":
    case "invpcid":
      return at(`flush: ${r.kind}`, "flush", { address: hex(r.address), pcid: r.pcid, flushed: r.flushed }); // prettier-ignore
    case "swapgs":
      return at("SWAPGS", "swapgs", { gsBase: hex(r.gsBase) });
    case "page-fault":
      return at("#PF", "fault", { address: hex(r.address), bits: r.bits, level: r.level });
    case "deliver":
      if (inEpisodeTrigger || r.soft || r.vector >= FIRST_INTERRUPT_VECTOR || r.vector === 14) return undefined; // prettier-ignore
      return at(`fault: ${r.name}`, "fault", { vector: r.vector, stack: r.stack });
    case "double-fault":
      return at("#DF", "fault", { first: r.first, second: r.second });
    case "triple-fault":
      return at("triple fault", "fault", { chain: r.chain.map((c) => c.name).join(",") });
    case "end":
      return at(`end: ${r.reason}${r.exitStatus === undefined ? "" : ` ${r.exitStatus}`}`, "end", {}); // prettier-ignore
    default:
      return undefined;
  }
}

/** Events of one track sorted: by time, enclosing slices before what they enclose, instants last. */
function byTime(a: ChromeEvent, b: ChromeEvent): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.ph !== b.ph) return a.ph === "X" ? -1 : 1;
  return (b.dur ?? 0) - (a.dur ?? 0);
}

function cpuEvents(
  cpu: number,
  rs: readonly TraceRecord[],
  cost: CostModel | undefined,
): ChromeEvent[] {
  const users = userRanges(rs);
  const out: ChromeEvent[] = [];
  for (const u of splitUnits(cpu, rs)) {
    const isEpisode = u.enter !== undefined;
    if (isEpisode) out.push(...episodeEvents(u, () => users, cost));
    u.records.forEach((r, i) => {
      const e = instant(r, isEpisode && i === u.enter);
      if (e !== undefined) out.push(e);
    });
  }
  const end = rs.find((r) => r.kind === "end");
  if (end !== undefined) out.push(instant(end, false)!);
  return out.sort(byTime);
}

/** A stream's episodes, split by task: each with its pieces and what it slept across. */
function taskEpisodes(
  s: Stream,
): { unit: Unit; pieces: CpuRange[]; sleep: Record<string, number> }[] {
  // prettier-ignore
  const index = new Map(s.records.map((r, i) => [r, i]));
  return streamUnits(s).flatMap((u) => {
    if (u.enter === undefined) return [];
    const enter = index.get(u.records[u.enter]!)!;
    const ret = index.get(u.records[u.ret ?? u.records.length - 1]!)!;
    const t = episodeTime(s, enter, ret);
    const sleep: Record<string, number> = u.ret === undefined ? {} : { slept: t.slept, switchedOut: t.switchedOut }; // prettier-ignore
    return [{ unit: u, pieces: t.pieces, sleep }];
  });
}

/**
 * Every CPU track's events in a trace split by task: the episodes as their pieces, and the
 * instants of each CPU's records (an episode's entering delivery is its slice, not an instant).
 */
function taskCpuEvents(
  rs: readonly TraceRecord[],
  cpus: ReadonlyMap<number, TraceRecord[]>,
  cost: CostModel | undefined,
): ChromeEvent[] {
  // prettier-ignore
  const users = new Map([...cpus].map(([cpu, own]) => [cpu, userRanges(own)]));
  const out: ChromeEvent[] = [];
  const entering = new Set<TraceRecord>();
  for (const s of byStream(rs)) {
    for (const e of taskEpisodes(s)) {
      entering.add(e.unit.records[e.unit.enter!]!);
      out.push(...episodeEvents(e.unit, (cpu) => users.get(cpu) ?? [], cost, e));
    }
  }
  for (const r of rs) {
    const e = instant(r, entering.has(r));
    if (e !== undefined) out.push(e);
  }
  return out.sort((a, b) => a.tid - b.tid || byTime(a, b));
}

/** The episodes' pieces again on their task's track, inside the `CPU n` slices there. */
function taskTrackEpisodes(rs: readonly TraceRecord[]): ChromeEvent[] {
  const out: ChromeEvent[] = [];
  for (const s of byStream(rs)) {
    for (const e of taskEpisodes(s)) {
      e.pieces.forEach((p, i) => {
        const args: Record<string, string | number> = { task: s.pid!, cpu: p.cpu, ...e.sleep };
        if (e.pieces.length > 1) args.part = `${i + 1} of ${e.pieces.length}`;
        out.push({ name: e.unit.trigger, cat: "episode", ph: "X", ts: p.from, dur: p.to - p.from, pid: TASKS_PID, tid: taskTid(s.pid!, p.cpu), args }); // prettier-ignore
      });
    }
  }
  return out;
}

// ---- the task tracks ---------------------------------------------------------------------------

/** Where a task ran: each CPU's stretches between its sched-switch records. */
function taskSlices(cpu: number, rs: readonly TraceRecord[], total: number): ChromeEvent[] {
  const out: ChromeEvent[] = [];
  let pid = rs[0]?.task ?? 0;
  let from = 0; // the boot task runs from the CPU's start
  const close = (to: number): void => {
    if (to > from) out.push({ name: `CPU ${cpu}`, cat: "task", ph: "X", ts: from, dur: to - from, pid: TASKS_PID, tid: taskTid(pid, cpu), args: { cpu } }); // prettier-ignore
  };
  for (const r of rs) {
    if (r.kind !== "sched-switch") continue;
    close(r.icount);
    pid = r.nextPid;
    from = r.icount;
  }
  close(Math.max(total, from));
  return out;
}

/** The instants on a task's track: its sleeps, wake-ups, exit and fork (on the parent's). */
function taskInstant(r: TraceRecord): ChromeEvent | undefined {
  const at = (tid: number, name: string, args: ChromeEvent["args"]): ChromeEvent => ({ name, cat: "sched", ph: "i", s: "t", ts: r.icount, pid: TASKS_PID, tid, args }); // prettier-ignore
  if (r.kind === "sched-switch" && r.prevState !== "running") return at(taskTid(r.prevPid, r.cpu), r.prevState === "dead" ? "exit" : "sleep", { cpu: r.cpu, next: r.nextPid }); // prettier-ignore
  if (r.kind === "sched-wakeup") return at(taskTid(r.pid, r.targetCpu), `woken by pid ${r.by}`, { cpu: r.cpu, targetCpu: r.targetCpu }); // prettier-ignore
  if (r.kind === "sched-process-fork") return at(taskTid(r.parentPid, r.cpu), `fork: pid ${r.childPid}`, { cpu: r.cpu, child: r.childPid }); // prettier-ignore
  return undefined;
}

/** The "tasks" process: metadata naming each task's track, then its slices and instants. */
function taskEvents(rs: readonly TraceRecord[], cpus: Map<number, TraceRecord[]>): ChromeEvent[] {
  const names = new Map<number, string>(); // track → name
  const name = (pid: number, cpu: number, comm: string): void => {
    names.set(taskTid(pid, cpu), `pid ${pid}${comm ? ` (${comm}${pid === IDLE_PID ? `/${cpu}` : ""})` : ""}`); // prettier-ignore
  };
  for (const r of rs) {
    if (r.task !== undefined && !names.has(taskTid(r.task, r.cpu))) name(r.task, r.cpu, "");
    if (r.kind === "sched-switch") {
      name(r.prevPid, r.cpu, r.prevComm);
      name(r.nextPid, r.cpu, r.nextComm);
    }
    if (r.kind === "sched-wakeup") name(r.pid, r.targetCpu, r.comm);
    if (r.kind === "sched-process-fork") name(r.parentPid, r.cpu, r.parentComm);
  }
  const end = rs.find((r) => r.kind === "end");
  const events: ChromeEvent[] = taskTrackEpisodes(rs);
  for (const [cpu, own] of cpus) {
    const last = own.length === 0 ? 0 : own[own.length - 1]!.icount + 1;
    events.push(...taskSlices(cpu, own, end?.kind === "end" ? (end.insns[cpu] ?? last) : last));
  }
  for (const r of rs) {
    const e = taskInstant(r);
    if (e !== undefined) events.push(e);
  }
  const meta: ChromeEvent[] = [{ name: "process_name", ph: "M", ts: 0, pid: TASKS_PID, tid: 0, args: { name: "tasks" } }]; // prettier-ignore
  // Tracks by pid, each CPU's idle task first (sort_index, as the tids themselves put it last).
  for (const [tid, n] of [...names.entries()].sort(([a], [b]) => a - b)) {
    meta.push({ name: "thread_name", ph: "M", ts: 0, pid: TASKS_PID, tid, args: { name: n } });
    meta.push({ name: "thread_sort_index", ph: "M", ts: 0, pid: TASKS_PID, tid, args: { sort_index: tid >= IDLE_TID ? tid - IDLE_TID - MAX_TRACKS : tid } }); // prettier-ignore
  }
  return [...meta, ...events.sort((a, b) => a.tid - b.tid || byTime(a, b))];
}

/** The Chrome trace of a run's records (see the file comment). */
export function exportChrome(rs: readonly TraceRecord[], options: ExportOptions = {}): ChromeTrace {
  const meta: ChromeEvent[] = [{ name: "process_name", ph: "M", ts: 0, pid: PID, tid: 0, args: { name: "entrylab run" } }]; // prettier-ignore
  const events: ChromeEvent[] = [];
  const cpus = byCpu(rs);
  const byTask = hasTasks(rs);
  for (const [cpu, own] of cpus) {
    meta.push({ name: "thread_name", ph: "M", ts: 0, pid: PID, tid: cpu, args: { name: `CPU ${cpu}` } }); // prettier-ignore
    meta.push({ name: "thread_sort_index", ph: "M", ts: 0, pid: PID, tid: cpu, args: { sort_index: cpu } }); // prettier-ignore
    if (!byTask) events.push(...cpuEvents(cpu, own, options.cost));
  }
  if (byTask) events.push(...taskCpuEvents(rs, cpus, options.cost), ...taskEvents(rs, cpus));
  return { traceEvents: [...meta, ...events], otherData: { timeUnit: "1 µs = 1 retired instruction (the records' icount)", generator: "entrylab trace export" } }; // prettier-ignore
}
