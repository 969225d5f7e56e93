// The report's sections over one trace: the run summary, the checks (as `trace check` reports
// them, each violation linked to its mark on the timeline), the timelines, and the episodes with
// their estimated cost (the `trace stats` tables). Each takes the views' data — TraceStats,
// CheckResult[], the cost model — and returns markup; nothing here re-derives what those compute.
import type { CheckResult, Violation } from "../check.js";
import { COST_NAMES, DEFAULT_COSTS, type CostModel } from "../cost.js";
import { levelOf } from "../diff.js";
import { byCpu } from "../episodes.js";
import { formatText } from "../format.js";
import type { TraceRecord, TripleFaultRecord } from "../schema.js";
import { ESTIMATE_NOTE, triggerTotals, userCr3Basis, type CpuStats, type Episode, type TraceStats } from "../stats.js"; // prettier-ignore
import { el, frag, hex, table, type Cell, type Child, type Html } from "./html.js";
import { KEYS, checkId, cpuTimeline, timelineSvg, violationId } from "./timeline.js";

/** The file names the page shows (as given on the command line). */
export interface ReportNames {
  trace: string;
  /** `--diff`: the trace compared with it. */
  other?: string;
  /** `--image`: the image that ran (its entry text bounds a check). */
  image?: string;
  /** `--cost`: the file overriding the cost model's figures. */
  cost?: string;
}

/** Rows of a long table shown before "… and N more". */
export const MAX_ROWS = 500;

const LEVEL_TEXT: Readonly<Record<string, string>> = {
  system: "system (system records only; user-CR3 counts from the CR3-write timeline)",
  paging: "paging (system records plus a page walk and a TLB fill per miss)",
  insn: "insn (every retired instruction)",
};

export function section(id: string, title: string, ...children: Child[]): Html {
  return el("section", { id }, el("h2", {}, title), ...children);
}

/** A key–value table (the summary's). */
function facts(rows: readonly (readonly [string, Html | string])[]): Html {
  return el("table", { class: "facts" }, el("tbody", {}, rows.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v))))); // prettier-ignore
}

/** The first `MAX_ROWS` rows and a line saying how many were left out. */
export function capped<T>(
  rows: readonly T[],
  render: (rows: readonly T[]) => Html,
  rest: string,
): Html {
  if (rows.length <= MAX_ROWS) return render(rows);
  return frag(render(rows.slice(0, MAX_ROWS)), el("p", { class: "note" }, `… and ${rows.length - MAX_ROWS} more ${rest}`)); // prettier-ignore
}

function chainTable(t: TripleFaultRecord): Html {
  return table(
    ["#", "vector", "name", "error code", "rip", "rsp", "cr2", "cr3"],
    t.chain.map((c, i) => [i + 1, c.vector, c.name, c.errorCode === undefined ? "-" : hex(c.errorCode), hex(c.rip), hex(c.rsp), hex(c.cr2), hex(c.cr3)]), // prettier-ignore
  );
}

function runEnd(rs: readonly TraceRecord[]): Html | string {
  const end = rs.find((r) => r.kind === "end");
  if (end?.kind !== "end")
    return "no run-end record: the run was cut short or the file is truncated";
  const status = end.exitStatus === undefined ? "" : `, exit status ${end.exitStatus}`;
  return `${end.reason}${status}, at count ${end.icount} on CPU ${end.cpu}`;
}

/** 1. What ran: files, CPUs, records, instructions, how it ended, the level it was recorded at. */
export function summarySection(
  rs: readonly TraceRecord[],
  stats: TraceStats,
  names: ReportNames,
): Html {
  const kinds = new Map<string, number>();
  for (const r of rs) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
  const byKind = [...kinds.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, n]) => `${k} ${n}`).join(", "); // prettier-ignore
  const insns = stats.cpus.reduce((n, c) => n + c.instructions, 0);
  const user = stats.cpus.reduce((n, c) => n + c.userCr3Instructions, 0);
  const eps = stats.cpus.reduce((n, c) => n + c.episodes.length, 0);
  const open = stats.cpus.reduce((n, c) => n + c.open.length, 0);
  const rows: [string, Html | string][] = [["trace", names.trace]];
  if (names.image !== undefined) rows.push(["image", names.image]);
  if (names.other !== undefined) rows.push(["compared with", names.other]);
  rows.push(
    ["trace level", LEVEL_TEXT[levelOf(rs)]!],
    ["CPUs", String(stats.cpus.length)],
    ["records", `${rs.length}: ${byKind}`],
    ["instructions", `${insns}${stats.cpus.length > 1 ? ` (${stats.cpus.map((c) => `CPU ${c.cpu}: ${c.instructions}`).join(", ")})` : ""}`], // prettier-ignore
    ["on the user CR3", `${user} (bit 12, ${userCr3Basis(stats)})`],
    ["episodes", `${eps} user→kernel→user round trips${open > 0 ? `, and ${open} still open at the end` : ""}`], // prettier-ignore
    ["run end", runEnd(rs)],
  );
  const doubles = rs.filter((r) => r.kind === "double-fault").length;
  if (doubles > 0) rows.push(["double faults", String(doubles)]);
  const triple = rs.find((r): r is TraceRecord & TripleFaultRecord => r.kind === "triple-fault");
  if (triple !== undefined) rows.push(["triple fault", frag(`at count ${triple.icount} on CPU ${triple.cpu}; the chain:`, chainTable(triple))]); // prettier-ignore
  return section("summary", "Run summary", facts(rows));
}

/** The lines `trace check` prints for a violation: its context, then the record where it broke. */
function violationLines(c: CheckResult): string {
  const v = c.violation!;
  return [...v.context.map((r) => `    ${formatText(r)}`), `  > ${formatText(v.at)}`].join("\n");
}

/** 2. Every check with its status; each violation's message and context, linked to the timeline. */
export function checksSection(results: readonly CheckResult[]): Html {
  const rows: Cell[][] = results.map((c) => {
    const where = c.violation === undefined ? (c.note ?? "") : el("a", { href: `#${violationId(c.name)}` }, `first at count ${c.violation.at.icount} on CPU ${c.violation.at.cpu}`); // prettier-ignore
    return [{ cell: c.status, cls: `st-${c.status}` }, el("code", { id: checkId(c.name) }, c.name), c.title, where]; // prettier-ignore
  });
  const details = results
    .filter((c) => c.violation !== undefined)
    .map((c) => el("div", { class: "violation" }, el("h3", {}, c.name), el("p", {}, c.violation!.message), el("pre", {}, violationLines(c)), el("p", {}, el("a", { href: `#${violationId(c.name)}` }, "show it on the timeline")))); // prettier-ignore
  const violated = results.filter((c) => c.status === "violated").length;
  const verdict = violated === 0 ? "No check is violated." : `${violated} of ${results.length} checks violated.`; // prettier-ignore
  return section("checks", "Checks", el("p", {}, verdict), table(["status", "check", "what it reports", "where"], rows, "checks"), ...details); // prettier-ignore
}

function legend(): Html {
  return el("ul", { class: "legend" }, KEYS.map((k) => el("li", {}, el("span", { class: `sw ${k.key}` }), k.label))); // prettier-ignore
}

/** Episode types zoomed per CPU at most (the first episode of each). */
const MAX_ZOOMS = 8;
/** Counts shown on each side of a violation's context in its zoom. */
const ZOOM_MARGIN = 20;

function figure(id: string | undefined, caption: string, svg: Html): Html {
  return el("figure", { id }, el("figcaption", {}, caption), svg);
}

/** The first episode of each type, zoomed: where in it CR3, the stack and the mode change. */
function episodeZooms(c: CpuStats, rs: readonly TraceRecord[], violations: readonly Violation[], budget: number): Html[] {
  const seen = new Set<string>();
  const firsts = c.episodes.filter((e) => !seen.has(e.trigger) && seen.add(e.trigger)).slice(0, MAX_ZOOMS);
  return firsts.map((e) => figure(undefined, `CPU ${c.cpu}, the first ${e.trigger} episode: counts ${e.start}–${e.end}`, timelineSvg(cpuTimeline(c, rs, violations, { budget, window: { from: e.start, to: e.end + 1 } })))); // prettier-ignore
} // prettier-ignore

/** Each violation zoomed: its context records through the record where it broke. */
function violationZooms(stats: TraceStats, cpus: ReadonlyMap<number, TraceRecord[]>, violations: readonly Violation[], budget: number): Html[] {
  return violations.flatMap((v) => {
    const c = stats.cpus.find((x) => x.cpu === v.at.cpu);
    if (c === undefined) return [];
    const first = Math.min(v.at.icount, ...v.context.map((r) => r.icount));
    const window = { from: Math.max(0, first - ZOOM_MARGIN), to: Math.min(Math.max(c.instructions, 1), v.at.icount + ZOOM_MARGIN + 1) }; // prettier-ignore
    if (window.to <= window.from) return [];
    return [figure(`zoom-${v.check}`, `${v.check}: CPU ${c.cpu}, counts ${window.from}–${window.to - 1} around the violation`, timelineSvg(cpuTimeline(c, cpus.get(c.cpu) ?? [], violations, { budget, window })))]; // prettier-ignore
  });
} // prettier-ignore

/** 3. One SVG per CPU: mode, page table, stack, episodes; CR3 writes, faults, violations; zooms. */
export function timelineSection(rs: readonly TraceRecord[], stats: TraceStats, results: readonly CheckResult[], budget: number): Html {
  const violations = results.flatMap((c) => (c.violation === undefined ? [] : [c.violation]));
  const cpus = byCpu(rs);
  const whole = stats.cpus.map((c) => figure(`timeline-cpu-${c.cpu}`, `CPU ${c.cpu}: the whole run, ${c.instructions} instructions`, timelineSvg(cpuTimeline(c, cpus.get(c.cpu) ?? [], violations, { budget, targets: true })))); // prettier-ignore
  const zooms = stats.cpus.flatMap((c) => episodeZooms(c, cpus.get(c.cpu) ?? [], violations, budget));
  const how = el("p", { class: "note" }, "Time is the instruction count of each CPU. Hover a band for what it holds and when; a long run is drawn aggregated, each stretch showing what held most of it."); // prettier-ignore
  return section("timeline", "Timeline", how, ...whole, legend(), ...violationZooms(stats, cpus, violations, budget), zooms.length === 0 ? undefined : el("h3", {}, "One episode of each type, zoomed"), ...zooms); // prettier-ignore
} // prettier-ignore

function num(n: number | undefined): Cell {
  return n === undefined ? "-" : n;
}

/** A TLB-miss count: the page walks, recorded at the paging and insn levels only. */
function misses(n: number, walks: boolean): Cell {
  return walks ? n : "-";
}

function cpuEpisodes(c: CpuStats, costed: boolean, walks: boolean, byTask: boolean): Html {
  const cyc = costed ? ["est-cycles"] : [];
  // Split by task (as `trace stats`): the episode's task, and what it slept across besides its own instructions.
  const sleepHead = byTask ? ["slept", "switched-out"] : [];
  const sleep = (x: { slept?: number; switchedOut?: number }): Cell[] => (byTask ? [num(x.slept), num(x.switchedOut)] : []); // prettier-ignore
  const pid = (e: Episode): Cell[] => (byTask ? [num(e.task)] : []);
  const totals = table(["count", "trigger", "insns", ...sleepHead, "user-cr3", "cr3-writes", "tlb-misses", "flushes", "dropped", "faults", ...cyc], triggerTotals(c.episodes).map((t) => [t.count, t.trigger, t.instructions, ...sleep(t), t.userCr3Instructions, t.cr3Writes, misses(t.tlbMisses, walks), t.flushes, t.dropped, t.faults, ...(costed ? [num(t.cycles)] : [])])); // prettier-ignore
  const all = capped(c.episodes, (eps) => table(["#", "trigger", ...(byTask ? ["pid"] : []), "start", "end", "insns", ...sleepHead, "user-cr3", "cr3-writes", "tlb-misses", "flushes", "dropped", "faults", ...cyc], eps.map((e, i) => [i + 1, e.trigger, ...pid(e), e.start, e.end, e.instructions, ...sleep(e), e.userCr3Instructions, e.cr3Writes, misses(e.tlbMisses, walks), e.flushes, e.dropped, e.faults, ...(costed ? [num(e.cycles)] : [])])), "episodes (entrylab trace stats lists them all)"); // prettier-ignore
  const openOne = (e: Episode): string => `${e.trigger}${e.task === undefined ? "" : ` of pid ${e.task}`} from count ${e.start}`; // prettier-ignore
  const open = c.open.length === 0 ? undefined : el("p", {}, c.open.length === 1 ? `And one still open at the end: ${openOne(c.open[0]!)}.` : `And ${c.open.length} still open at the end: ${c.open.map(openOne).join(", ")}.`); // prettier-ignore
  const cycles = c.cycles === undefined ? "" : `, ~${c.cycles} estimated cycles`;
  return frag(
    el("h3", {}, `CPU ${c.cpu}`),
    el("p", {}, `${c.instructions} instructions, ${c.userCr3Instructions} on the user CR3${cycles}; ${c.episodes.length} episode${c.episodes.length === 1 ? "" : "s"}.`), // prettier-ignore
    c.episodes.length === 0 ? undefined : frag(el("h4", {}, "By episode type"), totals, el("details", {}, el("summary", {}, `Every episode (${c.episodes.length})`), all)), // prettier-ignore
    open,
  );
}

function costFigures(cost: CostModel, names: ReportNames): Html {
  const rows: Cell[][] = COST_NAMES.map((n) => [el("code", {}, n), cost.figures[n], cost.figures[n] === DEFAULT_COSTS[n] ? "" : `default ${DEFAULT_COSTS[n]}`]); // prettier-ignore
  const source = names.cost === undefined ? "the default figures" : `the default figures, overridden by ${names.cost}`; // prettier-ignore
  return el("details", {}, el("summary", {}, `The cost model's figures (${source})`), table(["figure", "cycles", ""], rows)); // prettier-ignore
}

/** 4. The `trace stats` tables per CPU, with the cost model's figures and what they are worth. */
export function episodesSection(
  rs: readonly TraceRecord[],
  stats: TraceStats,
  cost: CostModel,
  names: ReportNames,
): Html {
  const walks = levelOf(rs) !== "system";
  const costed = stats.cpus.some((c) => c.cycles !== undefined);
  const total = stats.cpus.reduce((n, c) => n + (c.cycles ?? 0), 0);
  const note = el("p", { class: "note" }, `Instructions on the user CR3: bit 12 of CR3, ${userCr3Basis(stats)}. TLB misses: the page walks, recorded at the paging and insn levels (${walks ? "counted here" : "not in this trace: -"}). Estimated cycles are ${ESTIMATE_NOTE}; they weigh the records by the figures below, to compare designs run on the same model, not to predict a real machine.`); // prettier-ignore
  const totalLine = costed ? el("p", {}, `Total: ~${total} estimated cycles (${ESTIMATE_NOTE}).`) : undefined; // prettier-ignore
  return section("episodes", "Episodes and cost", note, ...stats.cpus.map((c) => cpuEpisodes(c, costed, walks, stats.byTask)), frag(totalLine, costFigures(cost, names))); // prettier-ignore
}
