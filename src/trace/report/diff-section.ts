// The report's diff section (`trace report A --diff B`): what `trace diff` prints, as tables and
// side by side — the verdict, the first divergence with each trace's context in two columns (the
// differing event marked) and how it differs, the units that differ, the run ends, and the totals
// per episode type with A → B where they change. It renders a TraceDiff (../diff.ts) with the text
// view's own wording (../diff-format.ts), so the page and the terminal say the same.
import type { EventView } from "../diff-events.js";
import {
  SUMMARY_HEAD,
  change,
  endText,
  fieldsText,
  levelNote,
  span,
  stacksChange,
  unitLine,
  unitName,
  verdict,
  type DiffNames,
} from "../diff-format.js";
import type { FirstDivergence, TraceDiff, UnitDiff, UnitRef } from "../diff.js";
import { el, frag, table, type Cell, type Html } from "./html.js";
import { capped, section } from "./sections.js";

const EVENT_HEAD = ["", "+n", "kind", "where", "fields"];

/** One side's events, the one at `mark` highlighted. */
function eventsTable(events: readonly EventView[], mark?: number): Html {
  const row = (v: EventView): Html => {
    const hit = v.index === mark;
    return el("tr", { class: hit ? "hit" : undefined }, el("td", {}, hit ? ">" : ""), el("td", { class: "num" }, `+${v.offset}`), el("td", {}, v.kind), el("td", {}, el("code", {}, v.where)), el("td", {}, el("code", {}, fieldsText(v)))); // prettier-ignore
  };
  return el("table", { class: "events" }, el("thead", {}, el("tr", {}, EVENT_HEAD.map((h) => el("th", {}, h)))), el("tbody", {}, events.map(row))); // prettier-ignore
}

function sideBySide(left: Html, right: Html, names: DiffNames): Html {
  return el("div", { class: "sbs" }, el("div", {}, el("h4", {}, `A: ${names.a}`), left), el("div", {}, el("h4", {}, `B: ${names.b}`), right)); // prettier-ignore
}

function none(text: string): Html {
  return el("p", { class: "note" }, text);
}

/**
 * Draws a unit of trace A or B as a zoomed timeline (the report's, ./timeline.ts) of `length`
 * counts from the unit's first: both sides at one scale.
 */
export interface UnitViews {
  a: (u: UnitRef, length: number) => Html | undefined;
  b: (u: UnitRef, length: number) => Html | undefined;
}

function unitLength(u: UnitRef | undefined): number {
  return u === undefined ? 0 : u.to - u.from + 1;
}

/** The divergent unit's timeline in each trace, side by side. */
function zooms(u: UnitDiff, names: DiffNames, views: UnitViews | undefined): Html | undefined {
  if (views === undefined) return undefined;
  const length = Math.max(unitLength(u.a), unitLength(u.b));
  const a = u.a === undefined ? none("(not in A)") : views.a(u.a, length);
  const b = u.b === undefined ? none("(not in B)") : views.b(u.b, length);
  return frag(el("h4", {}, `The unit on each side's timeline (one scale: ${length} counts from its start)`), sideBySide(a ?? none("-"), b ?? none("-"), names)); // prettier-ignore
}

function firstDivergence(f: FirstDivergence, names: DiffNames, views?: UnitViews): Html {
  const u = f.unit;
  if (f.event === undefined) {
    const ref = (u.a ?? u.b)!;
    const side = u.a ? "A" : "B";
    const head = `${unitName(ref)} is only in ${side} (${span(ref)})`;
    const ctx = eventsTable(u.a ? f.contextA : f.contextB);
    const missing = none(`(no such unit in ${u.a ? "B" : "A"})`);
    return frag(el("p", {}, head), u.a ? sideBySide(ctx, missing, names) : sideBySide(missing, ctx, names), zooms(u, names, views)); // prettier-ignore
  }
  const e = f.event;
  const at = e.a ?? e.b!;
  const head = `${unitName(u.a!)} (A ${span(u.a!)}, B ${span(u.b!)}), event ${at.index + 1}: ${e.what}`; // prettier-ignore
  return frag(
    el("p", {}, head),
    el(
      "ul",
      { class: "how" },
      e.how.map((h) => el("li", {}, h)),
    ),
    sideBySide(eventsTable(f.contextA, e.a?.index), eventsTable(f.contextB, e.b?.index), names),
    zooms(u, names, views),
  );
}

function unitRow(u: UnitDiff): Cell[] {
  const ref = (u.a ?? u.b)!;
  const name = unitName(ref);
  return [name, u.a ? span(u.a) : "-", u.b ? span(u.b) : "-", unitLine(u).slice(name.length + 2)];
}

function summaryTable(d: TraceDiff): Html {
  const cell = (x: number, y: number): Cell => ({ cell: change(x, y), cls: x === y ? "num" : "num changed" }); // prettier-ignore
  const rows = d.summary.map((r): Cell[] => {
    const stacks = stacksChange(r.a.stacks, r.b.stacks);
    return [r.trigger, cell(r.a.episodes, r.b.episodes), cell(r.a.instructions, r.b.instructions), cell(r.a.userCr3Instructions, r.b.userCr3Instructions), cell(r.a.cr3Writes, r.b.cr3Writes), cell(r.a.flushes, r.b.flushes), cell(r.a.faults, r.b.faults), cell(r.a.cycles, r.b.cycles), { cell: stacks, cls: stacks.includes("→") ? "changed" : undefined }]; // prettier-ignore
  });
  return table(SUMMARY_HEAD, rows);
}

/** 5. The diff of the report's trace (A) with `--diff`'s (B). */
export function diffSection(d: TraceDiff, names: DiffNames, views?: UnitViews): Html {
  const parts: Html[] = [
    el("p", {}, el("strong", {}, "result: "), verdict(d)),
    el("p", { class: "note" }, `A: ${names.a}; B: ${names.b}.`),
  ];
  if (d.level !== undefined) parts.push(el("p", { class: "note" }, `note: ${levelNote(d.level)}`));
  parts.push(el("h3", {}, "First divergence"));
  parts.push(d.first === undefined ? none("None: every unit aligns and every aligned event matches.") : firstDivergence(d.first, names, views)); // prettier-ignore
  parts.push(el("h3", {}, "Units that differ"));
  parts.push(d.units.length === 0 ? none("None.") : capped(d.units, (us) => table(["unit", "A", "B", "differences"], us.map(unitRow)), "units (entrylab trace diff lists them all)")); // prettier-ignore
  parts.push(el("h3", {}, "Run end"));
  parts.push(table(["", "A", "B"], [["end", endText(d.end.a), { cell: endText(d.end.b), cls: d.end.same ? undefined : "changed" }]])); // prettier-ignore
  if (d.summary.length > 0) {
    parts.push(el("h3", {}, "By episode type"));
    parts.push(el("p", { class: "note" }, "Totals over each trace's finished episodes; A → B where they differ. est-cycles: an estimate from the cost model, docs/trace-format.md.")); // prettier-ignore
    parts.push(summaryTable(d));
  }
  return section("diff", "Diff", ...parts);
}
