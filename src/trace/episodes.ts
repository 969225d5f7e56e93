// Splitting one CPU's records into UNITS, shared by `stats`, `diff` and `export`: the EPISODES —
// each user→kernel→user round trip, from a SYSCALL (or a delivery from CPL 3) to the SYSRETQ (or
// IRETQ to CPL 3) that returns — and the stretches outside them: `boot` before the first episode,
// `user` between two episodes, `open` for an episode the run ended inside.
//
// An episode's records run from its LEAD to its TAIL: the lead adds the `page-fault` or
// `interrupt` record that announces a delivery (same count, just before it); the tail adds what
// the returning instruction caused after its own record (the `stack` move back to the user
// stack, its `insn` record), i.e. the following records with the same count. Stats count from
// the entering record to the returning one, as before; diff and export look at lead..tail.
import type { TraceRecord } from "./schema.js";

export type UnitKind = "boot" | "episode" | "user" | "open";

export interface Unit {
  kind: UnitKind;
  cpu: number;
  /** `syscall N` (RAX at entry) or the vector's name for episodes; the unit kind otherwise. */
  trigger: string;
  /** The pid of the task its entering record ran on (episodes; absent in traces without `task`). */
  task?: string;
  /** 1-based: the how-many-th unit with this cpu and trigger. */
  ordinal: number;
  /** The unit's records, lead to tail, in trace order. */
  records: TraceRecord[];
  /** Indices into `records` of the entering and returning records (episodes; `open`: no return). */
  enter?: number;
  ret?: number;
}

/** Records that announce a delivery: they precede its `deliver` with the same count. */
const LEAD_KINDS: ReadonlySet<string> = new Set(["page-fault", "interrupt"]);

/** The trigger of an episode this record enters, or undefined. */
export function triggerOf(r: TraceRecord): string | undefined {
  if (r.kind === "syscall") return `syscall ${r.rax}`;
  if (r.kind === "deliver" && r.fromCpl === 3) return r.name;
  return undefined;
}

export function returnsToUser(r: TraceRecord): boolean {
  return r.kind === "sysret" || (r.kind === "iret" && r.toCpl === 3);
}

/** The task a record names (the recorder's `task`; traces written before it have none). */
function taskOf(r: TraceRecord): string | undefined {
  const t = (r as { task?: unknown }).task;
  return typeof t === "string" || typeof t === "number" ? String(t) : undefined;
}

/** Index spans of one CPU's episodes: [enter, ret] (ret undefined when still open). */
export interface Span {
  enter: number;
  ret?: number;
  trigger: string;
}

/** The episodes of one CPU's records (entering and returning indices). */
export function episodeSpans(rs: readonly TraceRecord[]): Span[] {
  const spans: Span[] = [];
  let open: Span | undefined;
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i]!;
    if (open === undefined) {
      const trigger = triggerOf(r);
      if (trigger !== undefined) spans.push((open = { enter: i, trigger }));
    } else if (returnsToUser(r)) {
      open.ret = i;
      open = undefined;
    }
  }
  return spans;
}

/** One CPU's records as units, every record in exactly one; `end` records stay out. */
export function splitUnits(cpu: number, rs: readonly TraceRecord[]): Unit[] {
  const own = rs.filter((r) => r.kind !== "end");
  const spans = episodeSpans(own);
  const units: Unit[] = [];
  const ordinals = new Map<string, number>();
  const push = (kind: UnitKind, trigger: string, from: number, to: number, span?: Span): void => {
    if (to <= from) return;
    const records = own.slice(from, to);
    const task = span === undefined ? undefined : taskOf(own[span.enter]!);
    // Counted per trigger, not per task: two traces whose pids differ still pair their units.
    const ordinal = (ordinals.get(trigger) ?? 0) + 1;
    ordinals.set(trigger, ordinal);
    const u: Unit = { kind, cpu, trigger, ordinal, records };
    if (task !== undefined) u.task = task;
    if (span !== undefined) {
      u.enter = span.enter - from;
      if (span.ret !== undefined) u.ret = span.ret - from;
    }
    units.push(u);
  };
  let next = 0; // first record not yet in a unit
  for (const s of spans) {
    let lead = s.enter;
    while (lead > next && LEAD_KINDS.has(own[lead - 1]!.kind) && own[lead - 1]!.icount === own[s.enter]!.icount) lead--; // prettier-ignore
    push(next === 0 ? "boot" : "user", next === 0 ? "boot" : "user", next, lead);
    if (s.ret === undefined) {
      push("open", s.trigger, lead, own.length, s);
      return units;
    }
    let tail = s.ret + 1;
    while (tail < own.length && own[tail]!.icount === own[s.ret]!.icount && triggerOf(own[tail]!) === undefined) tail++; // prettier-ignore
    push("episode", s.trigger, lead, tail, s);
    next = tail;
  }
  push(next === 0 ? "boot" : "user", next === 0 ? "boot" : "user", next, own.length);
  return units;
}

/** Records grouped by CPU, CPUs ascending, trace order kept. */
export function byCpu(rs: readonly TraceRecord[]): Map<number, TraceRecord[]> {
  const m = new Map<number, TraceRecord[]>();
  for (const r of rs) {
    let list = m.get(r.cpu);
    if (list === undefined) m.set(r.cpu, (list = []));
    list.push(r);
  }
  return new Map([...m.entries()].sort(([a], [b]) => a - b));
}

/** The named stack regions an episode's records moved RSP into, in first-seen order. */
export function stacksOf(u: Unit): string[] {
  const out: string[] = [];
  for (const r of u.records) if (r.kind === "stack" && r.to !== "-" && !out.includes(r.to)) out.push(r.to); // prettier-ignore
  return out;
}
