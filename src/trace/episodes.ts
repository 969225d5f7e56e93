// Splitting a trace into STREAMS and each stream's records into UNITS, shared by `stats`, `diff`
// and `export`. A stream is what runs one thing after another: one CPU's records in a trace
// without tasks (bare programs, traces written before `task`), one TASK's records in a trace of
// the model kernel (every record names its task and the scheduler's sched-switch records are
// there) — each CPU's idle task, pid 0 on every CPU as in Linux, a stream of its own.
//
// The units are the EPISODES — each user→kernel→user round trip, from a SYSCALL (or a delivery
// from CPL 3) to the SYSRETQ (or IRETQ to CPL 3) that returns — and the stretches outside them:
// `boot` before the stream's first episode, `user` between two episodes, `open` for an episode
// the run ended inside. Split by task, an episode is the task's own round trip: it ends at that
// task's return, whichever CPU it returns on, and holds only its records, not those of the tasks
// that ran while it was switched out (its PIECES are the counts it ran itself; ./stats.ts).
//
// An episode's records run from its LEAD to its TAIL: the lead adds the `page-fault` or
// `interrupt` record that announces a delivery (same count, just before it); the tail adds what
// the returning instruction caused after its own record (the `stack` move back to the user
// stack, its `insn` record), i.e. the following records with the same count. Stats count from
// the entering record to the returning one, as before; diff and export look at lead..tail.
import type { TraceRecord } from "./schema.js";
import { hasTasks } from "./stats-tasks.js";

export type UnitKind = "boot" | "episode" | "user" | "open";

export interface Unit {
  kind: UnitKind;
  /** The stream it is in (`Stream.name`): `cpu N`, `pid N` or `pid 0 (cpu N)`. */
  stream: string;
  /** The CPU of its entering record (episodes), else of its first record. */
  cpu: number;
  /** `syscall N` (RAX at entry) or the vector's name for episodes; the unit kind otherwise. */
  trigger: string;
  /** The pid of the task its entering record ran on (episodes; absent in traces without `task`). */
  task?: string;
  /** 1-based: the how-many-th unit with this stream and trigger. */
  ordinal: number;
  /** The unit's records, lead to tail, in trace order. */
  records: TraceRecord[];
  /** Index in the whole trace of its first record (in the stream's records for `splitUnits`). */
  at: number;
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

/** Index spans of one stream's episodes: [enter, ret] (ret undefined when still open). */
export interface Span {
  enter: number;
  ret?: number;
  trigger: string;
}

/** The episodes of one stream's records (entering and returning indices). */
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

// ---- streams -----------------------------------------------------------------------------------

/** Where a task was switched back in, after its records up to `after`. */
export interface Resume {
  /** Index in the stream's records of the task's last record before it (its switch-out's). */
  after: number;
  /** The CPU and count of the `sched-switch` that switched it in. */
  cpu: number;
  icount: number;
  /**
   * The count the CPU it had left had reached by then, in trace order: the others ran there
   * from its switch-out to this count (on the same CPU, the switch-in's own count).
   */
  leftCount: number;
}

/** The records of one CPU (a trace without tasks) or of one task, in trace order. */
export interface Stream {
  /** `cpu N`; `pid N` for a task; `pid 0 (cpu N)` for a CPU's idle task. */
  name: string;
  /** The CPU (CPU streams, idle tasks), else the CPU of the task's first record. */
  cpu: number;
  /** The task's pid (task streams only). */
  pid?: number;
  /** Its records, `end` left out. */
  records: TraceRecord[];
  /** The index in the whole trace of each record. */
  at: number[];
  /** Task streams: each switch back in, in trace order. */
  resumes: Resume[];
}

/** The idle task is pid 0 on every CPU (Linux's swapper/N): one stream per CPU. */
const IDLE_PID = 0;

function streamName(pid: number, cpu: number): string {
  return pid === IDLE_PID ? `pid 0 (cpu ${cpu})` : `pid ${pid}`;
}

/** Whether a trace is split by task: every record names its task and the switches are there. */
export function splitsByTask(rs: readonly TraceRecord[]): boolean {
  return hasTasks(rs);
}

/**
 * A trace's streams: by task when it names them (`splitsByTask`; `byTask` false forces the
 * split per CPU), in order of each task's first record; else by CPU, CPUs ascending.
 */
export function byStream(rs: readonly TraceRecord[], byTask = splitsByTask(rs)): Stream[] {
  if (!byTask) {
    const out: Stream[] = [];
    for (const [cpu, own] of byCpu(rs.filter((r) => r.kind !== "end"))) out.push({ name: `cpu ${cpu}`, cpu, records: own, at: [], resumes: [] }); // prettier-ignore
    const index = new Map<TraceRecord, number>(rs.map((r, i) => [r, i]));
    for (const s of out) s.at = s.records.map((r) => index.get(r)!);
    return out;
  }
  const streams = new Map<string, Stream>();
  const get = (pid: number, cpu: number): Stream => {
    const name = streamName(pid, cpu);
    let s = streams.get(name);
    if (s === undefined) streams.set(name, (s = { name, cpu, pid, records: [], at: [], resumes: [] })); // prettier-ignore
    return s;
  };
  const counts = new Map<number, number>(); // each CPU's latest count, in trace order
  rs.forEach((r, i) => {
    counts.set(r.cpu, r.icount);
    if (r.kind === "end") return;
    const s = get(r.task!, r.cpu);
    s.records.push(r);
    s.at.push(i);
    if (r.kind !== "sched-switch" || r.nextPid === r.prevPid) return;
    const next = get(r.nextPid, r.cpu);
    const last = next.records[next.records.length - 1];
    if (last === undefined) return; // its first run: no episode is waiting
    next.resumes.push({ after: next.records.length - 1, cpu: r.cpu, icount: r.icount, leftCount: counts.get(last.cpu) ?? last.icount }); // prettier-ignore
  });
  return [...streams.values()];
}

/** A stretch of counts [from, to) one CPU ran for an episode's own task. */
export interface Piece {
  cpu: number;
  from: number;
  to: number;
}

/** An episode's own time: the pieces it ran, and the switches out between them. */
export interface EpisodeTime {
  pieces: Piece[];
  /** Its own instructions: the pieces' lengths summed. */
  instructions: number;
  /** Times it was switched out (`sched-switch` naming its task as prev) before returning. */
  switchedOut: number;
  /** Instructions the others ran on the CPU it left while it was switched out. */
  slept: number;
}

/**
 * The time of the episode from `enter` to `ret` (indices in the stream's records; for an open
 * one, its last record). A task stream cuts it at each switch out — the sched_switch
 * tracepoint's own instruction is the incoming task's, as in ./stats-tasks.ts — and resumes it
 * at the switch back in; a task switched out for good (it exited) has no piece after. A CPU
 * stream has one piece, from the entering count through the returning one.
 */
export function episodeTime(s: Stream, enter: number, ret: number): EpisodeTime {
  const pieces: Piece[] = [];
  let cpu: number | undefined = s.records[enter]!.cpu;
  let from = s.records[enter]!.icount;
  let switchedOut = 0;
  let slept = 0;
  let k = 0; // the next resume to look at
  // Up to `ret` included: an open episode's last record may be the switch out (an exit).
  for (let i = enter + 1; s.pid !== undefined && cpu !== undefined && i <= ret; i++) {
    const r = s.records[i]!;
    if (r.kind !== "sched-switch" || r.prevPid !== s.pid) continue;
    pieces.push({ cpu, from, to: Math.max(from, r.icount) });
    switchedOut++;
    while (k < s.resumes.length && s.resumes[k]!.after < i) k++;
    const back = s.resumes[k];
    if (back !== undefined && back.after <= ret) {
      [cpu, from] = [back.cpu, back.icount];
      slept += Math.max(0, back.leftCount - r.icount);
      continue;
    }
    // No switch back in: a hand-made trace resumes at its next record with another count;
    // without one the task never ran again.
    const next = s.records.slice(i + 1, ret + 1).find((x) => x.icount !== r.icount || x.cpu !== r.cpu); // prettier-ignore
    [cpu, from] = [next?.cpu, next?.icount ?? from];
    if (next !== undefined && next.cpu === r.cpu) slept += Math.max(0, next.icount - r.icount);
  }
  const last = s.records[ret]!;
  if (cpu !== undefined && (last.icount + 1 > from || pieces.length === 0)) pieces.push({ cpu, from, to: Math.max(from, last.icount + 1) }); // prettier-ignore
  return { pieces, instructions: pieces.reduce((n, p) => n + p.to - p.from, 0), switchedOut, slept }; // prettier-ignore
}

// ---- units -------------------------------------------------------------------------------------

/** One stream's records as units, every record in exactly one. */
export function streamUnits(s: Stream): Unit[] {
  const own = s.records;
  const spans = episodeSpans(own);
  const units: Unit[] = [];
  const ordinals = new Map<string, number>();
  const push = (kind: UnitKind, trigger: string, from: number, to: number, span?: Span): void => {
    if (to <= from) return;
    const records = own.slice(from, to);
    const task = span === undefined ? undefined : taskOf(own[span.enter]!);
    // Counted per trigger within the stream (a CPU, or a task: pid 1's second getpid).
    const ordinal = (ordinals.get(trigger) ?? 0) + 1;
    ordinals.set(trigger, ordinal);
    const first = own[span?.enter ?? from]!;
    const u: Unit = { kind, stream: s.name, cpu: first.cpu, trigger, ordinal, records, at: s.at[from] ?? from }; // prettier-ignore
    if (task !== undefined) u.task = task;
    if (span !== undefined) {
      u.enter = span.enter - from;
      if (span.ret !== undefined) u.ret = span.ret - from;
    }
    units.push(u);
  };
  let next = 0; // first record not yet in a unit
  for (const sp of spans) {
    let lead = sp.enter;
    while (lead > next && LEAD_KINDS.has(own[lead - 1]!.kind) && own[lead - 1]!.icount === own[sp.enter]!.icount) lead--; // prettier-ignore
    push(next === 0 ? "boot" : "user", next === 0 ? "boot" : "user", next, lead);
    if (sp.ret === undefined) {
      push("open", sp.trigger, lead, own.length, sp);
      return units;
    }
    let tail = sp.ret + 1;
    while (tail < own.length && own[tail]!.icount === own[sp.ret]!.icount && triggerOf(own[tail]!) === undefined) tail++; // prettier-ignore
    push("episode", sp.trigger, lead, tail, sp);
    next = tail;
  }
  push(next === 0 ? "boot" : "user", next === 0 ? "boot" : "user", next, own.length);
  return units;
}

/** One CPU's records as units (the per-CPU split), every record in exactly one; `end` records stay out. */
export function splitUnits(cpu: number, rs: readonly TraceRecord[]): Unit[] {
  return streamUnits({ name: `cpu ${cpu}`, cpu, records: rs.filter((r) => r.kind !== "end"), at: [], resumes: [] }); // prettier-ignore
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
