// `trace stats`: per CPU, how many records of each kind, and the EPISODES — each user→kernel→user
// round trip: from a SYSCALL (or a delivery from CPL 3) to the SYSRETQ (or IRETQ to CPL 3) that
// returns, with its trigger (`syscall N` from RAX at entry, or the vector's name), the
// instructions it took, the CR3 writes, TLB flushes (operations and entries dropped) and faults
// inside it, and how many of its instructions ran on the user page table (CR3 bit 12, the PTI
// user half).
//
// Instructions on the user CR3: at the "insn" level the retired instructions are counted one by
// one; at the other levels they come from the CR3-write timeline (the counts between writes),
// which also counts the instructions a halted CPU skipped. A CR3 write's own instruction runs on
// the old CR3. Before the first write the CR3 is that write's `old` value.
//
// A trace of the model kernel (records with `task`, the scheduler's tracepoints) is split BY
// TASK (./episodes.ts): an episode is the task's own round trip, ending at its own return, and
// counts only its own records and instructions — the pieces it ran between switches — while
// `slept` counts the others' instructions on its CPU while it was switched out. Such a trace
// also gets the figures per task: ./stats-tasks.ts. A trace without tasks is split per CPU.
import type { CostModel } from "./cost.js";
import { byStream, episodeSpans, episodeTime, type Piece, type Stream } from "./episodes.js";
import type { TraceRecord } from "./schema.js";
import { formatTaskStats, hasTasks, taskStats, type TaskStats } from "./stats-tasks.js";

/** CR3 bit 12: the user half of a PTI page-table pair. */
export const PTI_USER_BIT = 1n << 12n;
/** Vectors below this are exceptions (SDM 6.3.1). */
const FIRST_INTERRUPT_VECTOR = 32;

/** What an episode counts, and what `triggerTotals` sums over a trigger's episodes. */
export interface EpisodeCounts {
  /** end − start + 1: from the entering instruction (or the first handler instruction after a fault or interrupt) through the returning one. */
  instructions: number;
  userCr3Instructions: number;
  cr3Writes: number;
  /** Invalidating operations (CR3 writes without no-flush, INVLPG, INVPCID, CR0/CR4/EFER writes that dropped entries) and the entries dropped. */
  flushes: number;
  dropped: number;
  /** Exceptions delivered inside the episode (its own trigger excluded). */
  faults: number;
  /** TLB misses: the page walks inside it (`walk` records: only at the paging and insn levels). */
  tlbMisses: number;
  /** Estimated cycles (./cost.ts), entering and returning records included; only with a cost model. */
  cycles?: number;
  /** Split by task: instructions others ran on its CPU while it was switched out, and how often it was. */
  slept?: number;
  switchedOut?: number;
}

/** The always-present counts of EpisodeCounts, in the order they are listed. */
const COUNT_FIELDS = ["instructions", "userCr3Instructions", "cr3Writes", "flushes", "dropped", "faults", "tlbMisses"] as const; // prettier-ignore

/** Every count zero (cycles absent). */
function zeroCounts(): EpisodeCounts {
  return { instructions: 0, userCr3Instructions: 0, cr3Writes: 0, flushes: 0, dropped: 0, faults: 0, tlbMisses: 0 }; // prettier-ignore
}

export interface Episode extends EpisodeCounts {
  /** The CPU it entered on. */
  cpu: number;
  trigger: string;
  /** Instruction counts of the entering and returning events. */
  start: number;
  end: number;
  /** Split by task: its task's pid. */
  task?: number;
  /** The CPU it returned on, when not the one it entered on (the task moved while switched out). */
  endCpu?: number;
  /** Split by task: the counts it ran itself (`instructions` sums them). */
  pieces?: Piece[];
}

export interface CpuStats {
  cpu: number;
  /** Records by kind, kinds in name order. */
  counts: Record<string, number>;
  /** Retired instructions (from the run-end record, else the last count seen). */
  instructions: number;
  userCr3Instructions: number;
  /** The episodes entered on this CPU, by entering count. */
  episodes: Episode[];
  /** Episodes entered here but never left (the run ended inside the kernel; a task that exited). */
  open: Episode[];
  /** Estimated cycles of the CPU's whole run; only with a cost model. */
  cycles?: number;
}

export interface StatsOptions {
  /** Adds estimated cycles per episode and per CPU. */
  cost?: CostModel;
}

export interface TraceStats {
  /** True when the trace has `insn` records: user-CR3 counts are exact. */
  exact: boolean;
  /** True when the episodes are split by task (./episodes.ts), false when per CPU. */
  byTask: boolean;
  cpus: CpuStats[];
  /** Per task (pid ascending), when the records name tasks and hold the kernel's switches. */
  tasks?: TaskStats[];
}

interface Cr3Write {
  icount: number;
  old: bigint;
  new: bigint;
}

/** Per-CPU CR3 timeline: which instruction counts ran on a CR3 with bit 12 set. */
class Cr3Timeline {
  /**
   * The stretches between writes: stretch k runs from `starts[k]` through `ends[k]` on a user
   * CR3 or not; `before[k]` sums the user counts of the stretches before it. Stretch 0 runs on
   * the first write's old value; a write at count w ends its stretch at w (its own instruction
   * ran on the old CR3) and starts the next at w + 1.
   */
  private readonly starts: number[] = [0];
  private readonly ends: number[] = [];
  private readonly user: boolean[] = [];
  private readonly before: number[] = [0];

  constructor(private readonly writes: readonly Cr3Write[]) {
    const isUser = (cr3: bigint | undefined): boolean => cr3 !== undefined && (cr3 & PTI_USER_BIT) !== 0n; // prettier-ignore
    this.user.push(isUser(writes[0]?.old));
    for (const w of writes) {
      const k = this.user.length - 1;
      this.ends.push(w.icount);
      this.before.push(this.before[k]! + (this.user[k]! ? Math.max(0, w.icount - this.starts[k]! + 1) : 0)); // prettier-ignore
      this.starts.push(w.icount + 1);
      this.user.push(isUser(w.new));
    }
    this.ends.push(Number.MAX_SAFE_INTEGER);
  }

  /** The counts (ascending) of the instructions among `counts` (ascending) that ran on the user CR3. */
  userOf(counts: readonly number[]): number[] {
    const out: number[] = [];
    let cr3 = this.writes[0]?.old;
    let k = 0;
    for (const n of counts) {
      // A write at count w applies from instruction w + 1 on.
      while (k < this.writes.length && this.writes[k]!.icount < n) cr3 = this.writes[k++]!.new;
      if (cr3 !== undefined && (cr3 & PTI_USER_BIT) !== 0n) out.push(n);
    }
    return out;
  }

  /** Instructions with counts in [a, b] on the user CR3, from the stretches' lengths. */
  userBetween(a: number, b: number): number {
    return b < a ? 0 : this.userThrough(b) - this.userThrough(a - 1);
  }

  /** Instructions with counts in [0, x] on the user CR3 (a binary search: episodes ask often). */
  private userThrough(x: number): number {
    if (x < 0) return 0;
    const k = lowerBound(this.starts, x + 1) - 1; // the last stretch starting at or before x
    const inside = this.user[k]! ? Math.max(0, Math.min(x, this.ends[k]!) - this.starts[k]! + 1) : 0; // prettier-ignore
    return this.before[k]! + inside;
  }
}

/** The first index of a sorted array whose value is ≥ x. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** What an episode records of one record inside it. */
function account(e: Episode, r: TraceRecord): void {
  if (r.kind === "cr") {
    if (r.reg === "cr3") e.cr3Writes++;
    if ((r.reg === "cr3" && !r.noflush) || r.flushed > 0) e.flushes++;
    e.dropped += r.flushed;
  } else if (r.kind === "invlpg" || r.kind === "invpcid") {
    e.flushes++;
    e.dropped += r.flushed;
  } else if (r.kind === "deliver" && !r.soft && r.vector < FIRST_INTERRUPT_VECTOR) e.faults++;
  else if (r.kind === "walk") e.tlbMisses++;
}

/** Instructions with counts in [a, b] that ran on the user CR3, on one CPU. */
type UserIn = (a: number, b: number) => number;

/** One CPU's figures, its episodes still empty, and how it counts user-CR3 instructions. */
function cpuFigures(
  cpu: number,
  rs: readonly TraceRecord[],
  exact: boolean,
  cost?: CostModel,
): { stats: CpuStats; userIn: UserIn } {
  const counts: Record<string, number> = {};
  const writes: Cr3Write[] = [];
  for (const r of rs) {
    counts[r.kind] = (counts[r.kind] ?? 0) + 1;
    if (r.kind === "cr" && r.reg === "cr3") writes.push({ icount: r.icount, old: r.old, new: r.new }); // prettier-ignore
  }
  const timeline = new Cr3Timeline(writes);
  const end = rs.find((r) => r.kind === "end");
  const last = rs.length === 0 ? 0 : rs[rs.length - 1]!.icount;
  const instructions = end?.kind === "end" ? (end.insns[cpu] ?? last) : last;
  const userInsns = exact ? timeline.userOf(rs.filter((r) => r.kind === "insn").map((r) => r.icount)) : []; // prettier-ignore
  const userIn = (a: number, b: number): number =>
    exact ? lowerBound(userInsns, b + 1) - lowerBound(userInsns, a) : timeline.userBetween(a, b);
  const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
  const s: CpuStats = { cpu, counts: sorted, instructions, userCr3Instructions: userIn(0, instructions - 1), episodes: [], open: [] }; // prettier-ignore
  if (cost !== undefined) s.cycles = cost.cycles(instructions, rs);
  return { stats: s, userIn };
}

/**
 * One stream's episodes, finished and open. An episode counts the records of its stream from
 * the entering one to the returning one, and the instructions of its pieces (./episodes.ts).
 */
function streamEpisodes(
  s: Stream,
  userIn: ReadonlyMap<number, UserIn>,
  cost?: CostModel,
): { done: Episode[]; open: Episode[] } {
  const done: Episode[] = [];
  const open: Episode[] = [];
  for (const span of episodeSpans(s.records)) {
    const first = s.records[span.enter]!;
    const e: Episode = { cpu: first.cpu, trigger: span.trigger, start: first.icount, end: first.icount, ...zeroCounts() }; // prettier-ignore
    if (s.pid !== undefined) e.task = s.pid;
    let extra = cost?.extraCycles(first) ?? 0; // the cycles over its instructions' ordinary cost
    const stop = span.ret ?? s.records.length;
    for (let i = span.enter + 1; i < stop; i++) {
      account(e, s.records[i]!);
      extra += cost?.extraCycles(s.records[i]!) ?? 0;
    }
    if (span.ret === undefined) {
      // Split by task, where it ran until the run ended (a task that exited: until it did).
      if (s.pid !== undefined) e.pieces = episodeTime(s, span.enter, s.records.length - 1).pieces; // prettier-ignore
      open.push(e);
      continue;
    }
    const ret = s.records[span.ret]!;
    extra += cost?.extraCycles(ret) ?? 0;
    const t = episodeTime(s, span.enter, span.ret);
    e.end = ret.icount;
    e.instructions = t.instructions;
    e.userCr3Instructions = t.pieces.reduce((n, p) => n + (userIn.get(p.cpu)?.(p.from, p.to - 1) ?? 0), 0); // prettier-ignore
    if (cost !== undefined) e.cycles = e.instructions * cost.figures.insn + extra;
    if (s.pid !== undefined) {
      Object.assign(e, { slept: t.slept, switchedOut: t.switchedOut, pieces: t.pieces });
      if (ret.cpu !== e.cpu) e.endCpu = ret.cpu;
    }
    done.push(e);
  }
  return { done, open };
}

export function traceStats(rs: readonly TraceRecord[], options: StatsOptions = {}): TraceStats {
  const exact = rs.some((r) => r.kind === "insn");
  const byCpu = new Map<number, TraceRecord[]>();
  for (const r of rs) {
    let list = byCpu.get(r.cpu);
    if (list === undefined) byCpu.set(r.cpu, (list = []));
    list.push(r);
  }
  // The run-end record is the last CPU's to report, but it counts every CPU.
  const end = rs.find((r) => r.kind === "end");
  const cpus = [...byCpu.keys()].sort((a, b) => a - b);
  const figures = cpus.map((cpu) => {
    const own = byCpu.get(cpu)!;
    return cpuFigures(cpu, end !== undefined && end.cpu !== cpu ? [...own, end] : own, exact, options.cost); // prettier-ignore
  });
  const stats: TraceStats = { exact, byTask: false, cpus: figures.map((f) => f.stats) };
  const of = new Map(stats.cpus.map((c) => [c.cpu, c]));
  const userIn = new Map(figures.map((f) => [f.stats.cpu, f.userIn]));
  const finished: Episode[] = [];
  for (const s of byStream(rs)) {
    if (s.pid !== undefined) stats.byTask = true;
    const { done, open } = streamEpisodes(s, userIn, options.cost);
    for (const e of done) of.get(e.cpu)!.episodes.push(e);
    for (const e of open) of.get(e.cpu)!.open.push(e);
    finished.push(...done);
  }
  // By task, the streams interleave on a CPU: each CPU lists its episodes by entering count.
  if (stats.byTask) for (const c of stats.cpus) for (const l of [c.episodes, c.open]) l.sort((a, b) => a.start - b.start); // prettier-ignore
  if (hasTasks(rs)) stats.tasks = taskStats(rs, byCpu, new Map(stats.cpus.map((c) => [c.cpu, c.instructions])), finished); // prettier-ignore
  return stats;
}

const COLUMNS = ["#", "trigger", "start", "end", "insns", "user-cr3", "cr3-writes", "flushes", "dropped", "faults"]; // prettier-ignore
/** The column of estimated cycles, when the stats have them. */
const CYCLES_COLUMN = "est-cycles";
/** Split by task, the episode's task follows its trigger, and its sleep its own instructions. */
const TASK_COLUMN = "pid";
const SLEEP_COLUMNS = ["slept", "switched-out"];
/** What the columns of a trace split by task mean. */
const BY_TASK_NOTE = "by task: each episode its task's round trip; insns its own, slept the others' on its CPU while it was switched out"; // prettier-ignore

/** `cells` with the task-split ones inserted: the pid after column `at.pid`, the sleep after `at.sleep`. */
function withTaskCells(
  cells: string[],
  byTask: boolean,
  pid: string | undefined,
  sleep: string[],
  at: { pid?: number; sleep: number },
): string[] {
  // prettier-ignore
  if (!byTask) return cells;
  const out = [...cells];
  out.splice(at.sleep + 1, 0, ...sleep);
  if (at.pid !== undefined) out.splice(at.pid + 1, 0, pid!);
  return out;
}

/** Where an episode ended: its count, and the CPU when it returned on another. */
function endCell(e: Episode): string {
  return e.endCpu === undefined ? String(e.end) : `${e.end} (cpu ${e.endCpu})`;
}

function episodeRow(i: number, e: Episode, byTask: boolean): string[] {
  const row = [String(i + 1), e.trigger, String(e.start), endCell(e), String(e.instructions), String(e.userCr3Instructions), String(e.cr3Writes), String(e.flushes), String(e.dropped), String(e.faults)]; // prettier-ignore
  const cells = e.cycles === undefined ? row : [...row, String(e.cycles)];
  return withTaskCells(cells, byTask, String(e.task ?? "-"), [String(e.slept ?? 0), String(e.switchedOut ?? 0)], { pid: 1, sleep: 4 }); // prettier-ignore
}

/** A table's lines: `left` columns padded on the right, the others (numbers) on the left. */
function table(rows: string[][], left: readonly number[] = [1]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (left.includes(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ")); // prettier-ignore
}

/** The totals of one trigger's episodes (the `by trigger:` table of `trace stats`). */
export interface TriggerTotals extends EpisodeCounts {
  trigger: string;
  count: number;
}

/** Episodes grouped by trigger, in first-seen order: count and sums (cycles only when the episodes carry them). */
export function triggerTotals(eps: readonly Episode[]): TriggerTotals[] {
  const groups = new Map<string, TriggerTotals>();
  for (const e of eps) {
    let t = groups.get(e.trigger);
    if (t === undefined)
      groups.set(e.trigger, (t = { trigger: e.trigger, count: 0, ...zeroCounts() }));
    t.count++;
    for (const f of COUNT_FIELDS) t[f] += e[f];
    if (e.cycles !== undefined) t.cycles = (t.cycles ?? 0) + e.cycles;
    if (e.slept !== undefined) t.slept = (t.slept ?? 0) + e.slept;
    if (e.switchedOut !== undefined) t.switchedOut = (t.switchedOut ?? 0) + e.switchedOut;
  }
  return [...groups.values()];
}

function triggerRow(t: TriggerTotals, costed: boolean, byTask: boolean): string[] {
  const row = [t.count, t.trigger, t.instructions, t.userCr3Instructions, t.cr3Writes, t.flushes, t.dropped, t.faults].map(String); // prettier-ignore
  const cells = costed ? [...row, String(t.cycles ?? 0)] : row;
  return withTaskCells(cells, byTask, undefined, [String(t.slept ?? 0), String(t.switchedOut ?? 0)], { sleep: 2 }); // prettier-ignore
}

/** The episodes a CPU's run ended inside, after its count of finished ones. */
function openNote(open: readonly Episode[]): string {
  const one = (e: Episode): string => `${e.trigger}${e.task === undefined ? "" : ` of pid ${e.task}`} from ${e.start}`; // prettier-ignore
  if (open.length === 0) return "";
  return open.length === 1 ? ` (and one still open: ${one(open[0]!)})` : ` (and ${open.length} still open: ${open.map(one).join(", ")})`; // prettier-ignore
}

/** How the user-CR3 instructions were counted: one by one, or from the CR3 writes. */
export function userCr3Basis(s: TraceStats): string {
  return s.exact ? "counted at the insn level" : "from the CR3-write timeline";
}

/** What every figure of estimated cycles says about itself. */
export const ESTIMATE_NOTE = "an estimate: see the cost model in docs/trace-format.md";

export function formatStats(s: TraceStats): string {
  const out: string[] = [];
  const how = userCr3Basis(s);
  for (const c of s.cpus) {
    const costed = c.cycles !== undefined;
    const cycles = costed ? `, ~${c.cycles} estimated cycles` : "";
    out.push(`cpu ${c.cpu}: ${c.instructions} instructions, ${c.userCr3Instructions} on the user CR3 (bit 12, ${how})${cycles}`); // prettier-ignore
    out.push(
      `  records: ${Object.entries(c.counts)
        .map(([k, n]) => `${k} ${n}`)
        .join(", ")}`,
    );
    out.push(`  episodes: ${c.episodes.length}${openNote(c.open)}`);
    if (c.episodes.length === 0) continue;
    if (s.byTask) out.push(`  ${BY_TASK_NOTE}`);
    const cols = withTaskCells(costed ? [...COLUMNS, CYCLES_COLUMN] : COLUMNS, s.byTask, TASK_COLUMN, SLEEP_COLUMNS, { pid: 1, sleep: 4 }); // prettier-ignore
    out.push(...table([cols, ...c.episodes.map((e, i) => episodeRow(i, e, s.byTask))]).map((l) => `    ${l}`)); // prettier-ignore
    out.push("  by trigger:");
    const head = ["count", "trigger", "insns", "user-cr3", "cr3-writes", "flushes", "dropped", "faults"]; // prettier-ignore
    const heads = withTaskCells(costed ? [...head, CYCLES_COLUMN] : head, s.byTask, undefined, SLEEP_COLUMNS, { sleep: 2 }); // prettier-ignore
    out.push(...table([heads, ...triggerTotals(c.episodes).map((t) => triggerRow(t, costed, s.byTask))]).map((l) => `    ${l}`)); // prettier-ignore
  }
  if (s.tasks !== undefined) out.push(...formatTaskStats(s.tasks, s.exact));
  if (s.cpus.some((c) => c.cycles !== undefined))
    out.push(`total: ~${s.cpus.reduce((n, c) => n + (c.cycles ?? 0), 0)} estimated cycles (${ESTIMATE_NOTE})`); // prettier-ignore
  return out.join("\n") + "\n";
}
