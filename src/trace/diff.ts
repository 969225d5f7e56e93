// `trace diff A B`: two traces of the same workload built from different trees, aligned on
// semantic events rather than raw indices. Each stream — a task's records when both traces name
// their tasks, else a CPU's — is split into units (episodes — user→kernel→user round trips — and
// the boot/user stretches around them, ./episodes.ts); the streams pair by name (pid 1 with pid
// 1), and each pair's unit sequences are aligned by key (kind, trigger) with a shortest edit script
// (./align.ts), so an extra or missing episode is reported as such; inside two aligned units the
// events are aligned by kind and the fields that identify them (./diff-events.ts). An event is
// compared with addresses reduced to the function they are in — code moved by a patch is not a
// difference — and its instruction count as the GAP since the previous matched event, not as
// an absolute count. The result names the first divergence with context, lists every unit that
// differs, and sums per episode type what changed (instructions, user-CR3 instructions, CR3
// writes, flushes, faults, stacks used, estimated cycles). ./diff-format.ts prints it.
import { alignSequences } from "./align.js";
import { CostModel } from "./cost.js";
import {
  compareUnits,
  unitHead,
  type EventDiff,
  type EventView,
  type UnitCompare,
} from "./diff-events.js";
import { byStream, splitsByTask, stacksOf, streamUnits, type Unit } from "./episodes.js";
import type { TraceRecord } from "./schema.js";
import { traceStats, type Episode } from "./stats.js";

/** Recording levels by what they add (docs/trace-format.md, "Levels"). */
export type TraceLevel = "system" | "paging" | "insn";
const LEVEL_KINDS: Readonly<Record<TraceLevel, readonly string[]>> = {
  system: [],
  paging: ["walk", "tlb-fill"],
  insn: ["walk", "tlb-fill", "insn"],
};

/** Events shown of a unit that is on one side only. */
const UNIT_HEAD = 4;

export interface DiffOptions {
  cost?: CostModel;
  /**
   * Compare at this level even when both traces are richer (`trace diff --level`): the finer
   * records are dropped before aligning, so two insn-level traces can be compared on their
   * system events only. Never finer than the coarser trace.
   */
  level?: TraceLevel;
  /** Events of context on each side of the first divergence (default 3). */
  context?: number;
}

/** Which unit: enough to find it in the trace. */
export interface UnitRef {
  /** The CPU of its entering (else first) record. */
  cpu: number;
  /** Split by task: its stream, `pid N` or a CPU's idle task `pid 0 (cpu N)`. */
  stream?: string;
  kind: Unit["kind"];
  trigger: string;
  task?: string;
  ordinal: number;
  /** Instruction counts of its first and last records. */
  from: number;
  to: number;
}

export type UnitStatus = "same" | "changed" | "only-a" | "only-b";

export interface UnitDiff {
  /** The CPU of its (A's, else B's) entering or first record. */
  cpu: number;
  status: UnitStatus;
  a?: UnitRef;
  b?: UnitRef;
  /** Events that differ (aligned with different fields, or on one side only). */
  events: EventDiff[];
}

/** Totals over the episodes of one type (trigger) in one trace. */
export interface EpisodeTotals {
  episodes: number;
  instructions: number;
  userCr3Instructions: number;
  cr3Writes: number;
  flushes: number;
  faults: number;
  cycles: number;
  /** Stack regions used, in first-seen order. */
  stacks: string[];
}

export interface SummaryRow {
  trigger: string;
  a: EpisodeTotals;
  b: EpisodeTotals;
}

export interface RunEnd {
  reason: string;
  exitStatus?: number;
}

/** Where A and B first diverge: a whole unit on one side, or an event in two aligned units. */
export interface FirstDivergence {
  unit: UnitDiff;
  /** The first differing event (absent when the whole unit is on one side only). */
  event?: EventDiff;
  /** Context around it in each trace's unit (rendered events). */
  contextA: EventView[];
  contextB: EventView[];
}

export interface TraceDiff {
  equivalent: boolean;
  /**
   * Set when the traces were compared at a level coarser than one of them was recorded at:
   * they were recorded at different levels, or `DiffOptions.level` asked for it.
   */
  level?: { a: TraceLevel; b: TraceLevel; compared: TraceLevel };
  first?: FirstDivergence;
  /** Units that differ, stream by stream (CPU by CPU, or task by task in order of appearance). */
  units: UnitDiff[];
  /** Units compared (matched pairs and one-sided). */
  unitCount: number;
  end: { a?: RunEnd; b?: RunEnd; same: boolean };
  summary: SummaryRow[];
}

export function levelOf(rs: readonly TraceRecord[]): TraceLevel {
  if (rs.some((r) => r.kind === "insn")) return "insn";
  return rs.some((r) => r.kind === "walk" || r.kind === "tlb-fill") ? "paging" : "system";
}

export const TRACE_LEVELS: readonly TraceLevel[] = ["system", "paging", "insn"];

/** The coarsest of some levels. */
function coarsest(...levels: TraceLevel[]): TraceLevel {
  return TRACE_LEVELS[Math.min(...levels.map((l) => TRACE_LEVELS.indexOf(l)))]!;
}

/** The records a trace would have had at a lower level. */
function atLevel(rs: readonly TraceRecord[], level: TraceLevel): readonly TraceRecord[] {
  const keep = LEVEL_KINDS[level];
  return rs.filter((r) => !LEVEL_KINDS.insn.includes(r.kind) || keep.includes(r.kind));
}

function unitRef(u: Unit, byTask: boolean): UnitRef {
  const ref: UnitRef = { cpu: u.cpu, kind: u.kind, trigger: u.trigger, ordinal: u.ordinal, from: u.records[0]!.icount, to: u.records[u.records.length - 1]!.icount }; // prettier-ignore
  if (byTask) ref.stream = u.stream;
  if (u.task !== undefined) ref.task = u.task;
  return ref;
}

/**
 * Units align on this: an open episode matches a finished one of the same trigger. The task is
 * not part of it: a run whose pids differ (tasks started in another order) still pairs its
 * episodes, and the events' `task` comparison says where the pids differ.
 */
function unitKey(u: Unit): string {
  return `${u.kind === "open" ? "episode" : u.kind}\u0000${u.trigger}`;
}

function runEnd(rs: readonly TraceRecord[]): RunEnd | undefined {
  const e = rs.find((r) => r.kind === "end");
  if (e?.kind !== "end") return undefined;
  return e.exitStatus === undefined ? { reason: e.reason } : { reason: e.reason, exitStatus: e.exitStatus }; // prettier-ignore
}

/** One stream of each trace, paired by name. */
interface StreamUnits {
  byTask: boolean;
  a: Unit[];
  b: Unit[];
}

/**
 * The traces' streams paired by name: by task when both name their tasks (pid 1's episodes
 * against pid 1's), else by CPU. Streams in A's order (CPUs ascending), then those only in B.
 */
function streamPairs(a: readonly TraceRecord[], b: readonly TraceRecord[]): StreamUnits[] {
  const byTask = splitsByTask(a) && splitsByTask(b);
  const sa = byStream(a, byTask);
  const sb = byStream(b, byTask);
  const names = [...new Set([...sa.map((s) => s.name), ...sb.map((s) => s.name)])];
  const units = (ss: typeof sa, name: string): Unit[] => {
    const s = ss.find((x) => x.name === name);
    return s === undefined ? [] : streamUnits(s);
  };
  return names.map((name) => ({ byTask, a: units(sa, name), b: units(sb, name) }));
}

interface Compared {
  diff: UnitDiff;
  compare?: UnitCompare;
  unitA?: Unit;
  unitB?: Unit;
}

function compareStream(c: StreamUnits, context: number): Compared[] {
  const steps = alignSequences(c.a.map(unitKey), c.b.map(unitKey));
  const ref = (u: Unit): UnitRef => unitRef(u, c.byTask);
  return steps.map((s): Compared => {
    if (s.op === "a") return { diff: { cpu: c.a[s.a]!.cpu, status: "only-a", a: ref(c.a[s.a]!), events: [] }, unitA: c.a[s.a]! }; // prettier-ignore
    if (s.op === "b") return { diff: { cpu: c.b[s.b]!.cpu, status: "only-b", b: ref(c.b[s.b]!), events: [] }, unitB: c.b[s.b]! }; // prettier-ignore
    const ua = c.a[s.a]!;
    const ub = c.b[s.b]!;
    const compare = compareUnits(ua, ub, context);
    const status: UnitStatus = compare.diffs.length === 0 ? "same" : "changed";
    return { diff: { cpu: ua.cpu, status, a: ref(ua), b: ref(ub), events: compare.diffs }, compare, unitA: ua, unitB: ub }; // prettier-ignore
  });
}

/**
 * The first unit that differs: per CPU, the first in CPU order; by task, the one that starts
 * first in A (in B for a unit only there), whichever task it is.
 */
function firstDifferent(all: readonly Compared[], byTask: boolean): Compared | undefined {
  const differ = all.filter((x) => x.diff.status !== "same");
  if (!byTask) return differ[0];
  const at = (x: Compared): number => (x.unitA ?? x.unitB)!.at;
  return differ.reduce<Compared | undefined>((best, x) => (best === undefined || at(x) < at(best) ? x : best), undefined); // prettier-ignore
}

function firstDivergence(all: readonly Compared[], byTask: boolean): FirstDivergence | undefined {
  const c = firstDifferent(all, byTask);
  if (c === undefined) return undefined;
  if (c.compare === undefined) {
    const events = unitHead((c.unitA ?? c.unitB)!, UNIT_HEAD);
    return { unit: c.diff, contextA: c.unitA ? events : [], contextB: c.unitB ? events : [] };
  }
  return { unit: c.diff, event: c.diff.events[0]!, contextA: c.compare.contextA, contextB: c.compare.contextB }; // prettier-ignore
}

function emptyTotals(): EpisodeTotals {
  return { episodes: 0, instructions: 0, userCr3Instructions: 0, cr3Writes: 0, flushes: 0, faults: 0, cycles: 0, stacks: [] }; // prettier-ignore
}

/** Per trigger, the totals of one trace's finished episodes. */
function totalsOf(rs: readonly TraceRecord[], cost: CostModel): Map<string, EpisodeTotals> {
  const stats = traceStats(rs, { cost });
  // An episode is known by its entering CPU and count, in the stats and in the units alike.
  const at = (cpu: number, icount: number): string => `${cpu}:${icount}`;
  const units = new Map<string, Unit>();
  for (const s of byStream(rs, stats.byTask)) for (const u of streamUnits(s)) if (u.kind === "episode") units.set(at(u.cpu, u.records[u.enter!]!.icount), u); // prettier-ignore
  const out = new Map<string, EpisodeTotals>();
  for (const c of stats.cpus) {
    c.episodes.forEach((e: Episode) => {
      let t = out.get(e.trigger);
      if (t === undefined) out.set(e.trigger, (t = emptyTotals()));
      t.episodes++;
      t.instructions += e.instructions;
      t.userCr3Instructions += e.userCr3Instructions;
      t.cr3Writes += e.cr3Writes;
      t.flushes += e.flushes;
      t.faults += e.faults;
      t.cycles += e.cycles ?? 0;
      const u = units.get(at(e.cpu, e.start));
      if (u !== undefined) for (const s of stacksOf(u)) if (!t.stacks.includes(s)) t.stacks.push(s);
    });
  }
  return out;
}

function summary(
  a: readonly TraceRecord[],
  b: readonly TraceRecord[],
  cost: CostModel,
): SummaryRow[] {
  const ta = totalsOf(a, cost);
  const tb = totalsOf(b, cost);
  const triggers = [...ta.keys(), ...[...tb.keys()].filter((t) => !ta.has(t))];
  return triggers.map((trigger) => ({ trigger, a: ta.get(trigger) ?? emptyTotals(), b: tb.get(trigger) ?? emptyTotals() })); // prettier-ignore
}

function sameEnd(x: RunEnd | undefined, y: RunEnd | undefined): boolean {
  return x?.reason === y?.reason && x?.exitStatus === y?.exitStatus;
}

/** Whether a trace was recorded with the TLB audit (`--audit-tlb`: its `end` says so). */
function audited(rs: readonly TraceRecord[]): boolean {
  return rs.some((r) => r.kind === "end" && r.tlbAudit === true);
}

/** The audit's records count only when both traces have them: one side alone is no design change. */
function withoutAudit(rs: readonly TraceRecord[], keep: boolean): readonly TraceRecord[] {
  return keep ? rs : rs.filter((r) => r.kind !== "pte-write" && r.kind !== "stale-tlb");
}

/** Compare two traces of the same workload (see the file comment). */
export function diffTraces(a0: readonly TraceRecord[], b0: readonly TraceRecord[], options: DiffOptions = {}): TraceDiff {
  const cost = options.cost ?? new CostModel();
  const la = levelOf(a0);
  const lb = levelOf(b0);
  const compared = coarsest(la, lb, options.level ?? "insn");
  const bothAudited = audited(a0) && audited(b0);
  const a = withoutAudit(atLevel(a0, compared), bothAudited);
  const b = withoutAudit(atLevel(b0, compared), bothAudited);
  // At the insn level RSP is looked at after every instruction, at the others only at system
  // records: a `stack` record's timing depends on the level it was recorded at, so a trace
  // compared at a coarser level is aligned without them (the summary still lists the stacks
  // each trace names).
  const recordedAsCompared = la === compared && lb === compared;
  const noStacks = (rs: readonly TraceRecord[]): readonly TraceRecord[] => (recordedAsCompared ? rs : rs.filter((r) => r.kind !== "stack")); // prettier-ignore
  const pairs = streamPairs(noStacks(a), noStacks(b));
  const all = pairs.flatMap((c) => compareStream(c, options.context ?? 3));
  const end = { a: runEnd(a), b: runEnd(b), same: sameEnd(runEnd(a), runEnd(b)) };
  const units = all.map((c) => c.diff).filter((d) => d.status !== "same");
  const d: TraceDiff = { equivalent: units.length === 0 && end.same, units, unitCount: all.length, end, summary: summary(a, b, cost) }; // prettier-ignore
  const first = firstDivergence(all, pairs[0]?.byTask ?? false);
  if (first !== undefined) d.first = first;
  if (!recordedAsCompared) d.level = { a: la, b: lb, compared };
  return d;
} // prettier-ignore
