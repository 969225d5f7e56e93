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
// A trace of the model kernel (records with `task`, the scheduler's tracepoints) also gets the
// figures per task: ./stats-tasks.ts.
import type { CostModel } from "./cost.js";
import { returnsToUser, triggerOf } from "./episodes.js";
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
}

/** The always-present counts of EpisodeCounts, in the order they are listed. */
const COUNT_FIELDS = ["instructions", "userCr3Instructions", "cr3Writes", "flushes", "dropped", "faults", "tlbMisses"] as const; // prettier-ignore

/** Every count zero (cycles absent). */
function zeroCounts(): EpisodeCounts {
  return { instructions: 0, userCr3Instructions: 0, cr3Writes: 0, flushes: 0, dropped: 0, faults: 0, tlbMisses: 0 }; // prettier-ignore
}

export interface Episode extends EpisodeCounts {
  cpu: number;
  trigger: string;
  /** Instruction counts of the entering and returning events. */
  start: number;
  end: number;
}

export interface CpuStats {
  cpu: number;
  /** Records by kind, kinds in name order. */
  counts: Record<string, number>;
  /** Retired instructions (from the run-end record, else the last count seen). */
  instructions: number;
  userCr3Instructions: number;
  episodes: Episode[];
  /** An episode entered but never left (the run ended inside the kernel). */
  open?: Episode;
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

function cpuStats(
  cpu: number,
  rs: readonly TraceRecord[],
  exact: boolean,
  cost?: CostModel,
): CpuStats {
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
  const episodes: Episode[] = [];
  let open: Episode | undefined;
  let extra = 0; // the open episode's cycles over its instructions' ordinary cost
  for (const r of rs) {
    const trigger = open === undefined ? triggerOf(r) : undefined;
    if (trigger !== undefined) {
      open = { cpu, trigger, start: r.icount, end: r.icount, ...zeroCounts() };
      extra = cost?.extraCycles(r) ?? 0;
      continue;
    }
    if (open === undefined) continue;
    extra += cost?.extraCycles(r) ?? 0;
    if (returnsToUser(r)) {
      open.end = r.icount;
      open.instructions = open.end - open.start + 1;
      open.userCr3Instructions = userIn(open.start, open.end);
      if (cost !== undefined) open.cycles = open.instructions * cost.figures.insn + extra;
      episodes.push(open);
      open = undefined;
    } else account(open, r);
  }
  const sorted = Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
  const s: CpuStats = { cpu, counts: sorted, instructions, userCr3Instructions: userIn(0, instructions - 1), episodes }; // prettier-ignore
  if (open !== undefined) s.open = open;
  if (cost !== undefined) s.cycles = cost.cycles(instructions, rs);
  return s;
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
  const stats: TraceStats = {
    exact,
    cpus: cpus.map((cpu) => {
      const own = byCpu.get(cpu)!;
      return cpuStats(cpu, end !== undefined && end.cpu !== cpu ? [...own, end] : own, exact, options.cost); // prettier-ignore
    }),
  };
  if (hasTasks(rs)) stats.tasks = taskStats(rs, byCpu, new Map(stats.cpus.map((c) => [c.cpu, c.instructions]))); // prettier-ignore
  return stats;
}

const COLUMNS = ["#", "trigger", "start", "end", "insns", "user-cr3", "cr3-writes", "flushes", "dropped", "faults"]; // prettier-ignore
/** The column of estimated cycles, when the stats have them. */
const CYCLES_COLUMN = "est-cycles";

function episodeRow(i: number, e: Episode): string[] {
  const row = [String(i + 1), e.trigger, String(e.start), String(e.end), String(e.instructions), String(e.userCr3Instructions), String(e.cr3Writes), String(e.flushes), String(e.dropped), String(e.faults)]; // prettier-ignore
  return e.cycles === undefined ? row : [...row, String(e.cycles)];
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (c === 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ")); // prettier-ignore
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
  }
  return [...groups.values()];
}

function triggerRow(t: TriggerTotals, costed: boolean): string[] {
  const row = [t.count, t.trigger, t.instructions, t.userCr3Instructions, t.cr3Writes, t.flushes, t.dropped, t.faults].map(String); // prettier-ignore
  return costed ? [...row, String(t.cycles ?? 0)] : row;
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
    out.push(`  episodes: ${c.episodes.length}${c.open ? ` (and one still open: ${c.open.trigger} from ${c.open.start})` : ""}`); // prettier-ignore
    if (c.episodes.length === 0) continue;
    const cols = costed ? [...COLUMNS, CYCLES_COLUMN] : COLUMNS;
    out.push(...table([cols, ...c.episodes.map((e, i) => episodeRow(i, e))]).map((l) => `    ${l}`)); // prettier-ignore
    out.push("  by trigger:");
    const head = ["count", "trigger", "insns", "user-cr3", "cr3-writes", "flushes", "dropped", "faults"]; // prettier-ignore
    out.push(...table([costed ? [...head, CYCLES_COLUMN] : head, ...triggerTotals(c.episodes).map((t) => triggerRow(t, costed))]).map((l) => `    ${l}`)); // prettier-ignore
  }
  if (s.tasks !== undefined) out.push(...formatTaskStats(s.tasks, s.exact));
  if (s.cpus.some((c) => c.cycles !== undefined))
    out.push(`total: ~${s.cpus.reduce((n, c) => n + (c.cycles ?? 0), 0)} estimated cycles (${ESTIMATE_NOTE})`); // prettier-ignore
  return out.join("\n") + "\n";
}
