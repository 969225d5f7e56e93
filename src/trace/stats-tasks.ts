// `trace stats` per task: for each pid the records name (`task`, written by the recorder from the
// kernel's sched_switch tracepoint), the instructions it ran on every CPU, its system calls, how
// often it was switched out and how often of those it went to sleep, how often it was woken and
// how many wake-ups it made.
//
// Instructions: at the "insn" level the `insn` records of the task are counted; at the other
// levels they come from each CPU's switch timeline — a task runs from the count of the switch to
// it up to the count of the switch away from it, the boot task from 0, the last one up to the
// CPU's total — which also counts the instructions a halted idle CPU skipped. The OUT of the
// sched_switch tracepoint counts for the incoming task at both levels (its insn record comes
// after the switch record).
//
// Its episodes (./stats.ts, split by task) are cut at the same switches, so the instructions of
// a task's finished episodes (`in-episodes`) are part of its instructions, counted the same way.
import type { TraceRecord } from "./schema.js";

export interface TaskStats {
  pid: number;
  /** The task's name as the tracepoints give it (`-` when none named it). */
  comm: string;
  instructions: number;
  /** Its finished episodes, and their own instructions (the part of `instructions` spent in them). */
  episodes: number;
  inEpisodes: number;
  syscalls: number;
  /** `sched-switch` records that switched it out, and of those the ones it slept in. */
  switches: number;
  sleeps: number;
  /** `sched-wakeup` records that woke it, and those it made (it ran the waker). */
  woken: number;
  wakes: number;
  /** The CPUs it ran on, ascending. */
  cpus: number[];
}

/** A trace whose records name tasks and hold the kernel's switches: one per-task table. */
export function hasTasks(rs: readonly TraceRecord[]): boolean {
  return rs.some((r) => r.kind === "sched-switch") && rs.every((r) => r.task !== undefined);
}

function emptyTask(pid: number): TaskStats {
  return { pid, comm: "-", instructions: 0, episodes: 0, inEpisodes: 0, syscalls: 0, switches: 0, sleeps: 0, woken: 0, wakes: 0, cpus: [] }; // prettier-ignore
}

class Tasks {
  readonly byPid = new Map<number, TaskStats>();

  get(pid: number): TaskStats {
    let t = this.byPid.get(pid);
    if (t === undefined) this.byPid.set(pid, (t = emptyTask(pid)));
    return t;
  }

  ran(pid: number, cpu: number, insns: number): void {
    const t = this.get(pid);
    t.instructions += insns;
    if (!t.cpus.includes(cpu)) t.cpus.push(cpu);
  }
}

/** What one record says about its task (and, for the scheduler's records, the others named). */
function count(tasks: Tasks, r: TraceRecord, exact: boolean): void {
  const own = tasks.get(r.task!);
  if (r.kind === "insn" && exact) tasks.ran(r.task!, r.cpu, 1);
  else if (r.kind === "syscall") own.syscalls++;
  else if (r.kind === "sched-switch") {
    const prev = tasks.get(r.prevPid);
    prev.comm = r.prevComm;
    prev.switches++;
    if (r.prevState === "sleeping") prev.sleeps++;
    tasks.get(r.nextPid).comm = r.nextComm;
  } else if (r.kind === "sched-wakeup") {
    const woken = tasks.get(r.pid);
    woken.comm = r.comm;
    woken.woken++;
    tasks.get(r.by).wakes++;
  }
}

/** Per CPU, the instructions between the switches (the levels without `insn` records). */
function timeline(tasks: Tasks, cpu: number, rs: readonly TraceRecord[], total: number): void {
  let pid = rs[0]?.task ?? 0;
  let from = 0;
  for (const r of rs) {
    if (r.kind !== "sched-switch") continue;
    tasks.ran(pid, cpu, r.icount - from);
    pid = r.nextPid;
    from = r.icount;
  }
  tasks.ran(pid, cpu, Math.max(0, total - from));
}

/**
 * The per-task figures of a trace whose records name tasks (`hasTasks`), by pid. `byCpu` holds
 * each CPU's records, `totals` each CPU's retired instructions and `finished` the trace's
 * finished episodes, split by task (./stats.ts).
 */
export function taskStats(
  rs: readonly TraceRecord[],
  byCpu: ReadonlyMap<number, readonly TraceRecord[]>,
  totals: ReadonlyMap<number, number>,
  finished: readonly { task?: number; instructions: number }[],
): TaskStats[] {
  const exact = rs.some((r) => r.kind === "insn");
  const tasks = new Tasks();
  for (const r of rs) count(tasks, r, exact);
  for (const e of finished) {
    if (e.task === undefined) continue;
    const t = tasks.get(e.task);
    t.episodes++;
    t.inEpisodes += e.instructions;
  }
  if (!exact) for (const [cpu, own] of byCpu) timeline(tasks, cpu, own, totals.get(cpu) ?? 0);
  for (const t of tasks.byPid.values()) t.cpus.sort((a, b) => a - b);
  return [...tasks.byPid.values()].sort((a, b) => a.pid - b.pid);
}

const TASK_COLUMNS = ["pid", "comm", "insns", "episodes", "in-episodes", "syscalls", "switches", "sleeps", "woken", "wakes", "cpus"]; // prettier-ignore

/** The per-task table, one line per task (the lines `formatStats` prints). */
export function formatTaskStats(ts: readonly TaskStats[], exact: boolean): string[] {
  const how = exact ? "counted at the insn level" : "from each CPU's sched-switch timeline";
  const rows = ts.map((t) => [String(t.pid), t.comm, String(t.instructions), String(t.episodes), String(t.inEpisodes), String(t.syscalls), String(t.switches), String(t.sleeps), String(t.woken), String(t.wakes), t.cpus.join(",")]); // prettier-ignore
  const all = [TASK_COLUMNS, ...rows];
  const widths = TASK_COLUMNS.map((_, c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((cell, c) => (c === 1 || c === TASK_COLUMNS.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ").trimEnd(); // prettier-ignore
  return [`tasks (instructions ${how}):`, ...all.map((r) => `    ${line(r)}`)];
}
