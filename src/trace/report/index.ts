// `trace report`: one self-contained HTML page for a trace — run summary, checks, timelines,
// episodes and cost, and with a second trace the diff — built from the other views' data
// (traceStats, checkTrace, diffTraces). The page needs nothing from the network: the CSS is
// inline, there is no script, the timelines are static SVG with <title> tooltips. Every string
// from a trace is escaped (./html.ts). Deterministic: the same inputs give the same bytes (no
// dates, no random ids; ids come from check names and CPU numbers).
import { checkTrace, type CheckContext } from "../check.js";
import { CostModel } from "../cost.js";
import { diffTraces, type TraceLevel, type UnitRef } from "../diff.js";
import { byCpu } from "../episodes.js";
import type { TraceRecord } from "../schema.js";
import { traceStats, type TraceStats } from "../stats.js";
import { diffSection } from "./diff-section.js";
import { el, trusted, type Html } from "./html.js";
import { checksSection, episodesSection, summarySection, timelineSection, type ReportNames } from "./sections.js"; // prettier-ignore
import { DEFAULT_BUDGET, KEYS, cpuTimeline, timelineSvg } from "./timeline.js";

export { escapeHtml } from "./html.js";
export {
  aggregate,
  cpuTimeline,
  elementCount,
  type CpuTimeline,
  type Segment,
} from "./timeline.js";
export type { ReportNames } from "./sections.js";

export interface ReportOptions {
  names: ReportNames;
  /** Estimated cycles (default: the model's default figures). */
  cost?: CostModel;
  /** For the checks: the image's entry text (`--image`). */
  check?: CheckContext;
  /** `--diff`: the trace to compare with (B; the report's own trace is A). */
  other?: readonly TraceRecord[];
  /** `trace diff`'s options for that comparison. */
  level?: TraceLevel;
  context?: number;
  /** Segments per timeline band and marks per row at most (default 1000). */
  budget?: number;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#fff}
header{position:sticky;top:0;background:#f6f6f6;border-bottom:1px solid #ccc;padding:.4em 1em;z-index:1}
header h1{font-size:1.1em;margin:0 0 .2em}
nav a{margin-right:1.2em}
main{padding:0 1em 2em;max-width:80em}
section{scroll-margin-top:5em}
h2{border-bottom:1px solid #ddd;margin-top:1.6em}
table{border-collapse:collapse;margin:.4em 0}
th,td{border:1px solid #ddd;padding:.15em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}
td.num{text-align:right;font-variant-numeric:tabular-nums}
table.facts th{width:10em}
pre,code{font:12px/1.35 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f8f8f8;border:1px solid #e3e3e3;padding:.5em;overflow-x:auto}
.note{color:#555}
.st-ok{color:#1d7a1d}.st-violated{color:#b00;font-weight:bold}.st-skipped{color:#777}
.violation{border-left:3px solid #b00;padding-left:.8em;margin:1em 0}
.changed{background:#fff2cc}
tr.hit td{background:#fde2e1}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:1em}
.sbs>div{overflow-x:auto}
figure{margin:1em 0}
figcaption{font-weight:bold}
svg text{font:11px system-ui,sans-serif;fill:#333}
svg .track{fill:#fafafa;stroke:#eee}
svg .axis{stroke:#999}
svg :target{stroke:#000;stroke-width:2}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.3em 1.2em}
.sw{display:inline-block;width:.9em;height:.9em;margin-right:.35em;vertical-align:-.1em;border:1px solid #999}
`;

/** The colour of each key, for the SVG shapes (fill) and the legend's swatches (background). */
function keyCss(): string {
  return KEYS.map((k) => `svg .${k.key}{fill:${k.colour}}.sw.${k.key}{background:${k.colour}}`).join("\n"); // prettier-ignore
}

function contents(withDiff: boolean): Html {
  const items: [string, string][] = [["summary", "Run summary"], ["checks", "Checks"], ["timeline", "Timeline"], ["episodes", "Episodes and cost"]]; // prettier-ignore
  if (withDiff) items.push(["diff", "Diff"]);
  return el(
    "nav",
    {},
    items.map(([id, title]) => el("a", { href: `#${id}` }, title)),
  );
}

/** A unit of one trace drawn as a zoomed timeline of its CPU (the diff's first divergence). */
function unitView(
  rs: readonly TraceRecord[],
  stats: TraceStats,
  budget: number,
): (u: UnitRef, length: number) => Html | undefined {
  const cpus = byCpu(rs);
  return (u, length) => {
    const c = stats.cpus.find((x) => x.cpu === u.cpu);
    if (c === undefined) return undefined;
    return timelineSvg(cpuTimeline(c, cpus.get(u.cpu) ?? [], [], { budget, window: { from: u.from, to: u.from + Math.max(length, 1) } })); // prettier-ignore
  };
}

/** The whole page (see the file comment). */
export function traceReport(records: readonly TraceRecord[], options: ReportOptions): string {
  const cost = options.cost ?? new CostModel();
  const names = options.names;
  const stats = traceStats(records, { cost });
  const checks = checkTrace(records, options.check ?? {});
  const budget = options.budget ?? DEFAULT_BUDGET;
  const sections: Html[] = [
    summarySection(records, stats, names),
    checksSection(checks),
    timelineSection(records, stats, checks, budget),
    episodesSection(records, stats, cost, names),
  ];
  if (options.other !== undefined) {
    const other = options.other;
    const d = diffTraces(records, other, { cost, level: options.level, context: options.context }); // prettier-ignore
    const views = { a: unitView(records, stats, budget), b: unitView(other, traceStats(other, { cost }), budget) }; // prettier-ignore
    sections.push(diffSection(d, { a: names.trace, b: names.other ?? "B" }, views));
  }
  const title = `entrylab trace report: ${names.trace}`;
  const head = el("head", {}, el("meta", { charset: "utf-8" }), el("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }), el("title", {}, title), el("style", {}, trusted(CSS + keyCss() + "\n"))); // prettier-ignore
  const body = el("body", {}, el("header", {}, el("h1", {}, title), contents(options.other !== undefined)), el("main", {}, sections)); // prettier-ignore
  return `<!DOCTYPE html>\n${el("html", { lang: "en" }, head, body).html}\n`;
}
