// Printing a TraceDiff (./diff.ts): the text for the terminal (deterministic, golden-tested) —
// the verdict, the first divergence with both sides and their context, the units that differ,
// the run ends, and the per-episode-type summary table — and the JSON form for tools.
import type { EventDiff, EventView } from "./diff-events.js";
import type { EpisodeTotals, RunEnd, TraceDiff, UnitDiff, UnitRef } from "./diff.js";

export interface DiffNames {
  a: string;
  b: string;
}

/** `cpu 0 episode syscall 39 #1`; split by task `pid 1 episode syscall 202 #2 (cpu 0)`, `pid 0 (cpu 1) boot #1`. */
export function unitName(u: UnitRef): string {
  const what = u.kind === "episode" || u.kind === "open" ? `episode ${u.trigger}` : u.kind;
  const where = u.stream === undefined || u.stream.includes("(cpu") ? "" : ` (cpu ${u.cpu})`;
  return `${u.stream ?? `cpu ${u.cpu}`} ${what} #${u.ordinal}${where}${u.kind === "open" ? " (still open at the end)" : ""}`; // prettier-ignore
}

/** The pair's tasks where they differ (equal pids are not shown: they are no difference). */
function taskNote(u: UnitDiff): string {
  const [a, b] = [u.a?.task, u.b?.task];
  return a !== undefined && b !== undefined && a !== b ? ` (task ${a} in A, task ${b} in B)` : "";
}

export function span(u: UnitRef): string {
  return u.from === u.to ? `count ${u.from}` : `counts ${u.from}–${u.to}`;
}

export function fieldsText(v: EventView): string {
  return Object.entries(v.fields)
    .filter(([k]) => k !== "fn")
    .map(([k, x]) => `${k}=${x}`)
    .join(" ");
}

function eventLine(mark: string, v: EventView): string {
  return `${mark} +${String(v.offset).padEnd(5)} ${v.kind.padEnd(12)} ${v.where.padEnd(24)} ${fieldsText(v)}`.trimEnd(); // prettier-ignore
}

export function unitLine(u: UnitDiff): string {
  if (u.status === "only-a") return `${unitName(u.a!)}: only in A (${span(u.a!)})`;
  if (u.status === "only-b") return `${unitName(u.b!)}: only in B (${span(u.b!)})`;
  const by = (w: EventDiff["what"]): number => u.events.filter((e) => e.what === w).length;
  const parts =
    ([["changed", by("changed")], ["moved", by("moved")], ["only in A", by("only-a")], ["only in B", by("only-b")]] as const) // prettier-ignore
      .filter(([, n]) => n > 0)
      .map(([w, n]) => `${n} ${w}`);
  return `${unitName(u.a!)}${taskNote(u)}: ${u.events.length} event${u.events.length === 1 ? "" : "s"} differ (${parts.join(", ")})`; // prettier-ignore
}

function contextLines(side: "A" | "B", events: readonly EventView[], mark?: number): string[] {
  return [`  context in ${side}:`, ...events.map((v) => `    ${eventLine(v.index === mark ? ">" : " ", v)}`)]; // prettier-ignore
}

function firstLines(d: TraceDiff): string[] {
  const f = d.first;
  if (f === undefined) return [];
  const u = f.unit;
  const out: string[] = [];
  if (f.event === undefined) {
    const ref = (u.a ?? u.b)!;
    out.push(`first divergence: ${unitName(ref)} is only in ${u.a ? "A" : "B"} (${span(ref)})`);
    out.push(...contextLines(u.a ? "A" : "B", u.a ? f.contextA : f.contextB));
    return out;
  }
  const e = f.event;
  const at = e.a ?? e.b!;
  out.push(`first divergence: ${unitName(u.a!)}${taskNote(u)} (A ${span(u.a!)}, B ${span(u.b!)}), event ${at.index + 1}: ${e.what}`); // prettier-ignore
  out.push(e.a ? `  ${eventLine("A", e.a)}` : "  A (no such event)");
  out.push(e.b ? `  ${eventLine("B", e.b)}` : "  B (no such event)");
  out.push(...e.how.map((h) => `  how: ${h}`));
  out.push(...contextLines("A", f.contextA, e.a?.index), ...contextLines("B", f.contextB, e.b?.index)); // prettier-ignore
  return out;
}

export function endText(e: RunEnd | undefined): string {
  if (e === undefined) return "no run-end record";
  return e.exitStatus === undefined ? e.reason : `${e.reason} ${e.exitStatus}`;
}

/** `x` when both sides agree, else `x → y (+d)`. */
export function change(x: number, y: number): string {
  if (x === y) return String(x);
  const d = y - x;
  return `${x} → ${y} (${d > 0 ? "+" : ""}${d})`;
}

export function stacksChange(x: readonly string[], y: readonly string[]): string {
  const a = x.join(",") || "-";
  const b = y.join(",") || "-";
  return a === b ? a : `${a} → ${b}`;
}

export const SUMMARY_HEAD = ["trigger", "episodes", "insns", "user-cr3", "cr3-writes", "flushes", "faults", "est-cycles", "stacks"]; // prettier-ignore

function summaryRow(trigger: string, a: EpisodeTotals, b: EpisodeTotals): string[] {
  return [trigger, change(a.episodes, b.episodes), change(a.instructions, b.instructions), change(a.userCr3Instructions, b.userCr3Instructions), change(a.cr3Writes, b.cr3Writes), change(a.flushes, b.flushes), change(a.faults, b.faults), change(a.cycles, b.cycles), stacksChange(a.stacks, b.stacks)]; // prettier-ignore
}

function table(rows: readonly string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  return rows.map((r) => r.map((cell, c) => cell + " ".repeat(widths[c]! - [...cell].length)).join("  ").trimEnd()); // prettier-ignore
}

export function verdict(d: TraceDiff): string {
  if (d.equivalent) return `equivalent (${d.unitCount} units compared)`;
  const n = (s: UnitDiff["status"]): number => d.units.filter((u) => u.status === s).length;
  return `the traces differ: of ${d.unitCount} units, ${n("changed")} changed, ${n("only-a")} only in A, ${n("only-b")} only in B${d.end.same ? "" : "; the runs end differently"}`; // prettier-ignore
}

export function levelNote(l: NonNullable<TraceDiff["level"]>): string {
  const recorded = l.a === l.b ? `both were recorded at the ${l.a} level` : `A was recorded at the ${l.a} level and B at ${l.b}`; // prettier-ignore
  return `${recorded}; compared at ${l.compared}`;
}

export function formatDiff(d: TraceDiff, names: DiffNames): string {
  const out = [`A: ${names.a}`, `B: ${names.b}`, `result: ${verdict(d)}`];
  if (d.level !== undefined) out.push(`note: ${levelNote(d.level)}`);
  const first = firstLines(d);
  if (first.length > 0) out.push("", ...first);
  if (d.units.length > 0) out.push("", "units that differ:", ...d.units.map((u) => `  ${unitLine(u)}`)); // prettier-ignore
  out.push("", `run end: A ${endText(d.end.a)}, B ${endText(d.end.b)}`);
  if (d.summary.length > 0) {
    out.push("", "by episode type (totals over each trace's finished episodes; A → B where they differ):"); // prettier-ignore
    out.push(...table([SUMMARY_HEAD, ...d.summary.map((r) => summaryRow(r.trigger, r.a, r.b))]).map((l) => `  ${l}`)); // prettier-ignore
    out.push("  (est-cycles: an estimate from the cost model, docs/trace-format.md)");
  }
  return out.join("\n") + "\n";
}

/** The JSON form: the TraceDiff with the two file names. */
export function formatDiffJson(d: TraceDiff, names: DiffNames): string {
  return JSON.stringify({ a: names.a, b: names.b, ...d }, null, 2) + "\n";
}
