// The report's timeline: per CPU, over its instruction count, BANDS — the privilege level (user
// or kernel), which half of a PTI page-table pair CR3 holds, which stack region RSP is on, and
// the episodes — and MARKS for CR3 writes, faults and check violations. First as data
// (`cpuTimeline`: segments and marks, every one with its tooltip text), then as static SVG
// (`timelineSvg`: rects with <title> tooltips, which need no script).
//
// Time is the instruction count, as everywhere in the trace. A change recorded at count c
// applies from instruction c + 1 (the recording instruction ran before it: SYSCALL, a CR3 write),
// except a delivery's, which applies from c (the faulting instruction did not retire; the handler's
// first instruction is the next one counted). Long runs are aggregated to a fixed budget per band
// (`aggregate`): never one element per instruction or per record.
import type { Violation } from "../check.js";
import { STACK_REGION_NAMES } from "../check-tasks.js";
import { addressSpaceOf } from "../regions.js";
import type { TraceRecord } from "../schema.js";
import { PTI_USER_BIT, type CpuStats, type Episode } from "../stats.js";
import { el, frag, hex, type Html } from "./html.js";

/** A stretch of counts [from, to) with one value: its colour key and its tooltip. */
export interface Segment {
  from: number;
  to: number;
  key: string;
  title: string;
}

/** A point event at a count. `id` makes it a link target, `href` a link. */
export interface Mark {
  at: number;
  key: string;
  title: string;
  id?: string;
  href?: string;
}

export interface Band {
  name: string;
  segments: Segment[];
  /** Gaps between segments are no value (the episodes band); else the segments tile the run. */
  sparse?: boolean;
}

/** A range of instruction counts [from, to). */
export interface Window {
  from: number;
  to: number;
}

export interface CpuTimeline {
  cpu: number;
  /** The counts the axis spans: [from, to) (the whole run: [0, instructions)). */
  from: number;
  to: number;
  bands: Band[];
  /** Rows of marks: CR3 writes; faults and check violations. */
  marks: { name: string; marks: Mark[] }[];
}

/** Colour keys: what each means (the legend) and its colour. */
export const KEYS: readonly { key: string; label: string; colour: string }[] = [
  { key: "cpl-user", label: "user mode (CPL 3)", colour: "#8fc98f" },
  { key: "cpl-kernel", label: "kernel mode (CPL 0)", colour: "#e0a458" },
  { key: "cpl-other", label: "CPL 1 or 2", colour: "#c7a0d8" },
  { key: "pt-user", label: "user page table (CR3 bit 12 set)", colour: "#6fa8dc" },
  { key: "pt-kernel", label: "kernel page table", colour: "#2f5f8f" },
  { key: "stack-user", label: "user stack", colour: "#8fc98f" },
  { key: "stack-kernel", label: "task (kernel) stack", colour: "#e0a458" },
  { key: "stack-entry", label: "per-CPU entry stack", colour: "#d9534f" },
  { key: "stack-ist", label: "IST stack (NMI, #DF…)", colour: "#9b59b6" },
  { key: "stack-idle", label: "idle task's stack", colour: "#b0b0b0" },
  { key: "stack-other", label: "another named region", colour: "#d4c15a" },
  { key: "stack-none", label: "no named region", colour: "#eeeeee" },
  { key: "ep-syscall", label: "system call episode", colour: "#5b8def" },
  { key: "ep-exception", label: "exception episode", colour: "#d9534f" },
  { key: "ep-interrupt", label: "interrupt episode", colour: "#9b59b6" },
  { key: "mark-cr3", label: "CR3 write", colour: "#2f5f8f" },
  { key: "mark-fault", label: "fault", colour: "#d9534f" },
  { key: "mark-violation", label: "check violated (links to the check)", colour: "#000000" },
];

const LABELS: ReadonlyMap<string, string> = new Map(KEYS.map((k) => [k.key, k.label]));
/** Vectors below this are exceptions (SDM 6.3.1). */
const FIRST_INTERRUPT_VECTOR = 32;
/** #PF: its `page-fault` record is the mark (SDM 6.3.1, table 6-1). */
const VEC_PF = 14;
const USER_CPL = 3;
/** Segments per band and marks per row at most: about one per unit of the plot's width. */
export const DEFAULT_BUDGET = 1000;

// ---- data ---------------------------------------------------------------------------------------

/** A value that holds from count `at` on. */
interface Change<V> {
  at: number;
  value: V;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function countsText(from: number, to: number): string {
  return to - from === 1 ? `count ${from}` : `counts ${from}–${to - 1} (${plural(to - from, "instruction")})`; // prettier-ignore
}

/**
 * The segments of a piecewise-constant value over [0, total): `initial` until the first change.
 * Neighbours with one label merge; a change out of order is taken at the latest count seen.
 */
function steps<V>(changes: readonly Change<V>[], initial: V | undefined, total: number, label: (v: V) => { key: string; text: string }): Segment[] {
  const out: (Segment & { text: string })[] = [];
  let value = initial;
  let from = 0;
  const close = (to: number): void => {
    const end = Math.min(Math.max(to, from), total);
    if (end <= from) return;
    if (value !== undefined) {
      const { key, text } = label(value);
      const last = out[out.length - 1];
      if (last !== undefined && last.text === text && last.to === from) last.to = end;
      else out.push({ from, to: end, key, title: "", text });
    }
    from = end;
  };
  for (const c of changes) {
    close(c.at);
    value = c.value;
  }
  close(total);
  return out.map((s) => ({ from: s.from, to: s.to, key: s.key, title: `${s.text}: ${countsText(s.from, s.to)}` })); // prettier-ignore
} // prettier-ignore

/** A privilege transition's CPLs and the count its new CPL applies from. */
function transition(r: TraceRecord): { from: number; to: number; at: number } | undefined {
  switch (r.kind) {
    case "syscall": return { from: USER_CPL, to: 0, at: r.icount + 1 };
    case "sysret": return { from: 0, to: USER_CPL, at: r.icount + 1 };
    case "deliver": return { from: r.fromCpl, to: r.toCpl, at: r.icount };
    case "iret": return { from: r.fromCpl, to: r.toCpl, at: r.icount + 1 };
    default: return undefined;
  } // prettier-ignore
}

/** The privilege level: SYSCALL → 0, SYSRETQ → 3, a delivery's and an IRETQ's target CPL. */
function modeBand(rs: readonly TraceRecord[], total: number): Band {
  const changes: Change<number>[] = [];
  let initial: number | undefined;
  for (const r of rs) {
    const t = transition(r);
    if (t === undefined) continue;
    if (initial === undefined) initial = t.from;
    changes.push({ at: t.at, value: t.to });
  }
  const label = (cpl: number): { key: string; text: string } => {
    if (cpl === USER_CPL) return { key: "cpl-user", text: "user mode (CPL 3)" };
    return cpl === 0 ? { key: "cpl-kernel", text: "kernel mode (CPL 0)" } : { key: "cpl-other", text: `CPL ${cpl}` }; // prettier-ignore
  };
  return { name: "mode", segments: steps(changes, initial ?? 0, total, label) };
}

/** Which page table CR3 holds: the half of a PTI pair (bit 12), with its address space. */
function pageTableBand(rs: readonly TraceRecord[], total: number): Band {
  const changes: Change<bigint>[] = [];
  let initial: bigint | undefined;
  for (const r of rs) {
    if (r.kind !== "cr" || r.reg !== "cr3") continue;
    if (initial === undefined) initial = r.old;
    changes.push({ at: r.icount + 1, value: r.new });
  }
  const label = (cr3: bigint): { key: string; text: string } => {
    const user = (cr3 & PTI_USER_BIT) !== 0n;
    return { key: user ? "pt-user" : "pt-kernel", text: `${user ? "user" : "kernel"} page table, CR3 ${hex(cr3)} (address space ${hex(addressSpaceOf(cr3))})` }; // prettier-ignore
  };
  return { name: "page table", segments: steps(changes, initial, total, label) };
}

/** The colour key of a stack region's name (the boot builder's names; check-tasks.ts). */
export function stackKey(name: string): string {
  if (name === "-") return "stack-none";
  if (STACK_REGION_NAMES.user.test(name)) return "stack-user";
  if (STACK_REGION_NAMES.kernel.test(name)) return "stack-kernel";
  if (STACK_REGION_NAMES.entry.test(name) || name === "entry_stack_page") return "stack-entry";
  if (STACK_REGION_NAMES.idle.test(name)) return "stack-idle";
  // The IST stacks (`NMI stack of CPU 0`, `#DF stack of CPU 0`) and images' `ist_stack`-style objects.
  if (/^(NMI|#\w+) stack of CPU \d+$/.test(name) || /\bist/i.test(name)) return "stack-ist";
  return "stack-other";
}

/** The stack region RSP is on, from the `stack` records (a delivery's move applies from its count). */
function stackBand(rs: readonly TraceRecord[], total: number): Band {
  const changes: Change<string>[] = [];
  let initial: string | undefined;
  for (const r of rs) {
    if (r.kind !== "stack") continue;
    if (initial === undefined) initial = r.from;
    changes.push({ at: r.cause === "deliver" ? r.icount : r.icount + 1, value: r.to });
  }
  const label = (name: string): { key: string; text: string } => ({ key: stackKey(name), text: name === "-" ? "RSP in no named region" : `RSP on ${name}` }); // prettier-ignore
  return { name: "stack", segments: steps(changes, initial, total, label) };
}

function episodeKey(trigger: string): string {
  if (trigger.startsWith("syscall ")) return "ep-syscall";
  return trigger.startsWith("#") ? "ep-exception" : "ep-interrupt";
}

/** The episodes as spans, each with its figures in the tooltip. */
function episodeBand(c: CpuStats, total: number): Band {
  const ordinals = new Map<string, number>();
  const spans = (e: Episode, open: boolean): Segment[] => {
    const key = e.task === undefined ? e.trigger : `${e.trigger}\u0000${e.task}`;
    const n = (ordinals.get(key) ?? 0) + 1;
    ordinals.set(key, n);
    const to = open ? total : e.end + 1;
    const cycles = e.cycles === undefined ? "" : `, ~${e.cycles} estimated cycles`;
    const slept = e.slept === undefined ? "" : `, switched out ${plural(e.switchedOut ?? 0, "time")} across ${plural(e.slept, "instruction")} of others'`; // prettier-ignore
    const what = open ? `still open at the end, from count ${e.start}` : `counts ${e.start}–${e.end}, ${plural(e.instructions, "instruction")}${e.task === undefined ? "" : " of its own"}, ${e.userCr3Instructions} on the user CR3, ${plural(e.cr3Writes, "CR3 write")}, ${plural(e.flushes, "flush", "flushes")}, ${plural(e.faults, "fault")}${slept}${cycles}`; // prettier-ignore
    const title = `${e.trigger} #${n}${e.task === undefined ? "" : ` of pid ${e.task}`}: ${what}`;
    // Split by task, only the pieces it ran itself on this CPU: the others' episodes fill the gaps.
    const parts = e.pieces?.filter((p) => p.cpu === c.cpu) ?? [{ from: e.start, to }];
    return parts.map((p) => ({ from: p.from, to: Math.max(Math.min(p.to, total), p.from + 1), key: episodeKey(e.trigger), title })); // prettier-ignore
  };
  const segments = c.episodes.flatMap((e) => spans(e, false));
  for (const o of c.open) segments.push(...spans(o, true));
  segments.sort((x, y) => x.from - y.from);
  return { name: "episodes", segments, sparse: true };
}

function where(r: TraceRecord): string {
  return r.sym === undefined ? hex(r.rip) : r.sym;
}

/** CR3 writes; faults (#PF with its address, other exceptions, #DF, a triple fault). */
function markRows(rs: readonly TraceRecord[]): { cr3: Mark[]; faults: Mark[] } {
  const cr3: Mark[] = [];
  const faults: Mark[] = [];
  for (const r of rs) {
    const at = `at count ${r.icount} (${where(r)})`;
    if (r.kind === "cr" && r.reg === "cr3") {
      const half = (r.new & PTI_USER_BIT) !== 0n ? "user" : "kernel";
      cr3.push({ at: r.icount, key: "mark-cr3", title: `CR3 → ${half} ${hex(r.new)}, PCID ${r.pcid ?? 0}${r.noflush ? ", no flush" : `, ${plural(r.flushed, "entry", "entries")} flushed`} ${at}` }); // prettier-ignore
    } else if (r.kind === "page-fault") {
      faults.push({ at: r.icount, key: "mark-fault", title: `#PF at ${hex(r.address)} (${r.bits}) ${at}` }); // prettier-ignore
    } else if (
      r.kind === "deliver" &&
      !r.soft &&
      r.vector < FIRST_INTERRUPT_VECTOR &&
      r.vector !== VEC_PF
    ) {
      faults.push({ at: r.icount, key: "mark-fault", title: `${r.name} delivered on ${r.stack} ${at}` }); // prettier-ignore
    } else if (r.kind === "double-fault" || r.kind === "triple-fault") {
      faults.push({ at: r.icount, key: "mark-fault", title: `${r.kind === "double-fault" ? "#DF" : "triple fault"} ${at}` }); // prettier-ignore
    }
  }
  return { cr3, faults };
}

/** The id of a violation's mark on the timeline (the checks section links to it). */
export function violationId(check: string): string {
  return `v-${check}`;
}

/** The id of a check's entry in the checks section (the mark links back to it). */
export function checkId(check: string): string {
  return `check-${check}`;
}

export interface TimelineOptions {
  /** Segments per band and marks per row at most (default DEFAULT_BUDGET). */
  budget?: number;
  /** Only these counts (a zoom on one episode); default the whole run. */
  window?: Window;
  /** Give violation marks their ids (link targets): on one timeline per violation only. */
  targets?: boolean;
}

/** The segments that overlap `w`, cut to it (tooltips keep the whole stretch). */
function clip(segs: readonly Segment[], w: Window): Segment[] {
  return segs.filter((s) => s.to > w.from && s.from < w.to).map((s) => ({ ...s, from: Math.max(s.from, w.from), to: Math.min(s.to, w.to) })); // prettier-ignore
}

/** One CPU's timeline as data, aggregated to a budget of segments per band and marks per row. */
export function cpuTimeline(c: CpuStats, rs: readonly TraceRecord[], violations: readonly Violation[], options: TimelineOptions = {}): CpuTimeline {
  const budget = options.budget ?? DEFAULT_BUDGET;
  const total = Math.max(c.instructions, 1);
  const w = options.window ?? { from: 0, to: total };
  // Events at the run's last count (a triple fault) follow its last instruction: drawn there.
  const last = options.window === undefined ? total : w.to - 1;
  const inside = (m: Mark): boolean => m.at >= w.from && m.at <= last;
  const place = (ms: readonly Mark[]): Mark[] => ms.filter(inside).map((m) => (m.at < w.to ? m : { ...m, at: w.to - 1 })); // prettier-ignore
  const bands = [modeBand(rs, total), pageTableBand(rs, total), stackBand(rs, total), episodeBand(c, total)];
  const { cr3, faults } = markRows(rs);
  const checks: Mark[] = violations
    .filter((v) => v.at.cpu === c.cpu)
    .map((v) => ({ at: v.at.icount, key: "mark-violation", title: `${v.check} violated at count ${v.at.icount}: ${v.message}`, id: options.targets === true ? violationId(v.check) : undefined, href: `#${checkId(v.check)}` })); // prettier-ignore
  return {
    cpu: c.cpu,
    from: w.from,
    to: w.to,
    bands: bands.map((b) => ({ ...b, segments: aggregate(clip(b.segments, w), w, budget, b.sparse === true) })),
    marks: [
      { name: "CR3 writes", marks: aggregateMarks(place(cr3), w, budget, "CR3 writes") },
      { name: "faults, checks", marks: [...aggregateMarks(place(faults), w, budget, "faults"), ...place(checks)] },
    ],
  };
} // prettier-ignore

// ---- aggregation --------------------------------------------------------------------------------

/** The first count of bucket i of `budget` over the window. */
function bucketStart(i: number, w: Window, budget: number): number {
  return w.from + Math.floor((i * (w.to - w.from)) / budget);
}

/**
 * At most `budget` segments for a band: the segments themselves when there are few enough;
 * else the run cut into `budget` buckets, each taking the value that covers most of it (in a
 * sparse band, the value that covers most among those present: a short episode still shows),
 * neighbours with one value merged. An aggregated segment's tooltip says so and how much of it
 * the value covers.
 */
export function aggregate(segs: readonly Segment[], w: Window, budget: number, sparse = false): Segment[] {
  if (segs.length <= budget) return segs.slice();
  const out: (Segment & { covered: number; parts: number })[] = [];
  let k = 0; // first segment that may overlap the bucket
  for (let i = 0; i < budget; i++) {
    const lo = bucketStart(i, w, budget);
    const hi = bucketStart(i + 1, w, budget);
    if (hi <= lo) continue;
    while (k < segs.length && segs[k]!.to <= lo) k++;
    const cover = new Map<string, number>();
    let parts = 0;
    for (let j = k; j < segs.length && segs[j]!.from < hi; j++) {
      const s = segs[j]!;
      const n = Math.min(s.to, hi) - Math.max(s.from, lo);
      if (n <= 0) continue;
      cover.set(s.key, (cover.get(s.key) ?? 0) + n);
      parts++;
    }
    let best: string | undefined;
    for (const [key, n] of cover) if (best === undefined || n > cover.get(best)!) best = key;
    const gap = hi - lo - [...cover.values()].reduce((a, b) => a + b, 0);
    if (best === undefined || (!sparse && gap > cover.get(best)!)) continue;
    const last = out[out.length - 1];
    if (last !== undefined && last.key === best && last.to === lo) {
      last.to = hi;
      last.covered += cover.get(best)!;
      last.parts += parts;
    } else out.push({ from: lo, to: hi, key: best, title: "", covered: cover.get(best)!, parts });
  }
  return out.map((s) => ({ from: s.from, to: s.to, key: s.key, title: `mostly ${LABELS.get(s.key) ?? s.key}: ${Math.round((100 * s.covered) / (s.to - s.from))}% of ${countsText(s.from, s.to)}, aggregated over ${plural(s.parts, "segment")}` })); // prettier-ignore
} // prettier-ignore

/** At most `budget` marks in a row: per bucket of counts, one mark saying how many it stands for. */
export function aggregateMarks(marks: readonly Mark[], w: Window, budget: number, what: string): Mark[] {
  if (marks.length <= budget) return marks.slice();
  const out: Mark[] = [];
  let i = 0; // marks are in count order
  for (let b = 0; b < budget && i < marks.length; b++) {
    const hi = b === budget - 1 ? Infinity : bucketStart(b + 1, w, budget);
    let j = i;
    while (j < marks.length && marks[j]!.at < hi) j++;
    if (j === i) continue;
    const first = marks[i]!;
    out.push(j - i === 1 ? first : { at: first.at, key: first.key, title: `${j - i} ${what} in counts ${first.at}–${marks[j - 1]!.at}; the first: ${first.title}` }); // prettier-ignore
    i = j;
  }
  return out;
} // prettier-ignore

// ---- SVG ----------------------------------------------------------------------------------------

/** Layout, in SVG user units (the image scales to the page's width). */
const WIDTH = 1000;
const LABEL_WIDTH = 100;
const PLOT = WIDTH - LABEL_WIDTH - 10;
const ROW = 16;
const ROW_GAP = 4;
const AXIS = 24;
const TICKS = 4;
/** Narrowest rect drawn, so that a one-instruction stretch still shows. */
const MIN_WIDTH = 0.5;
const MARK_WIDTH = 1.5;

/** A coordinate with two decimals at most: deterministic and short. */
function num(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function rowLabel(y: number, text: string): Html {
  return el("text", { x: LABEL_WIDTH - 6, y: num(y + ROW - 4), "text-anchor": "end" }, text);
}

function segmentRects(t: CpuTimeline, band: Band, y: number): Html[] {
  const x = (n: number): number => LABEL_WIDTH + ((n - t.from) / (t.to - t.from)) * PLOT;
  return band.segments.map(
    (s) =>
    el("rect", { x: num(x(s.from)), y, width: num(Math.max(x(s.to) - x(s.from), MIN_WIDTH)), height: ROW, class: s.key }, el("title", {}, s.title)), // prettier-ignore
  );
}

function markShapes(t: CpuTimeline, marks: readonly Mark[], y: number): Html[] {
  const x = (n: number): number => LABEL_WIDTH + ((n - t.from + 0.5) / (t.to - t.from)) * PLOT;
  return marks.map((m) => {
    const shape = m.key === "mark-violation"
      ? el("polygon", { points: `${num(x(m.at))},${y} ${num(x(m.at) + 5)},${y + ROW} ${num(x(m.at) - 5)},${y + ROW}`, class: m.key, id: m.id }, el("title", {}, m.title)) // prettier-ignore
      : el("rect", { x: num(x(m.at) - MARK_WIDTH / 2), y, width: MARK_WIDTH, height: ROW, class: m.key }, el("title", {}, m.title)); // prettier-ignore
    return m.href === undefined ? shape : el("a", { href: m.href }, shape);
  }); // prettier-ignore
}

function axis(t: CpuTimeline, y: number): Html[] {
  const out: Html[] = [el("line", { x1: LABEL_WIDTH, y1: y, x2: LABEL_WIDTH + PLOT, y2: y, class: "axis" })]; // prettier-ignore
  for (let i = 0; i <= TICKS; i++) {
    const count = t.from + Math.round((i * (t.to - t.from)) / TICKS);
    const x = LABEL_WIDTH + ((count - t.from) / (t.to - t.from)) * PLOT;
    const anchor = i === 0 ? "start" : i === TICKS ? "end" : "middle";
    out.push(el("line", { x1: num(x), y1: y, x2: num(x), y2: y + 4, class: "axis" }));
    out.push(el("text", { x: num(x), y: y + 16, class: "tick", "text-anchor": anchor }, String(count))); // prettier-ignore
  }
  return out;
}

/** The timeline of one CPU as an inline SVG (static: tooltips are <title> elements). */
export function timelineSvg(t: CpuTimeline): Html {
  const parts: Html[] = [];
  let y = 0;
  for (const b of t.bands) {
    parts.push(rowLabel(y, b.name), ...segmentRects(t, b, y));
    y += ROW + ROW_GAP;
  }
  for (const row of t.marks) {
    parts.push(rowLabel(y, row.name), el("rect", { x: LABEL_WIDTH, y, width: PLOT, height: ROW, class: "track" }), ...markShapes(t, row.marks, y)); // prettier-ignore
    y += ROW + ROW_GAP;
  }
  parts.push(...axis(t, y));
  const height = y + AXIS;
  return el("svg", { xmlns: "http://www.w3.org/2000/svg", viewBox: `0 0 ${WIDTH} ${height}`, width: "100%", role: "img", "aria-label": `CPU ${t.cpu} timeline, counts ${t.from} to ${t.to - 1}` }, el("title", {}, `CPU ${t.cpu}: counts ${t.from}–${t.to - 1}`), frag(parts)); // prettier-ignore
}

/** How many segments and marks a timeline draws (the tests bound it). */
export function elementCount(t: CpuTimeline): number {
  return t.bands.reduce((n, b) => n + b.segments.length, 0) + t.marks.reduce((n, m) => n + m.marks.length, 0); // prettier-ignore
}
