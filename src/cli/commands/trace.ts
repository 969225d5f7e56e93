// `entrylab trace show FILE` and `entrylab trace stats FILE`: read a JSON Lines trace
// (docs/trace-format.md) — bad lines are diagnostics with file:line (E8xxx) — and print the
// records that pass a filter as text, or the per-CPU counts and user→kernel→user episodes with
// estimated cycles. `trace diff A B` compares two traces (status 0 equivalent, 1 different, 2
// trouble, as diff(1)); `trace export FILE --format chrome` writes a Perfetto timeline;
// `trace report FILE [--diff OTHER] -o PAGE` writes one self-contained HTML page.
// Also the writing side of `entrylab run --trace FILE`: the recorder of src/trace handing its
// records to FILE as they come, through a buffer (a long "insn" run never holds its whole trace).
// Every `trace` command reads JSON Lines and binary traces alike (told apart by the binary
// magic, not the name); `trace convert IN -o OUT` turns one form into another.
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import type { Command } from "commander";
import { DiagnosticBag, SourceManager } from "../../diag/index.js";
import type { ObjectFile } from "../../obj/index.js";
import { EVENT_LEVELS, type EventLevel } from "../../vm/index.js";
import {
  checkTrace,
  CostModel,
  diffTraces,
  exportChrome,
  EXPORT_FORMATS,
  filterRecords,
  formatDiff,
  formatCheck,
  formatDiffJson,
  formatRecord,
  formatStats,
  parseCostFile,
  parseTrace,
  BinaryTraceWriter,
  encodeBinaryTrace,
  isBinaryTrace,
  parseBinaryTrace,
  traceReport,
  traceStats,
  TRACE_FORMATS,
  TRACE_KINDS,
  TRACE_LEVELS,
  TraceRecorder,
  type DiffOptions,
  type ReportOptions,
  type CheckContext,
  type ShowFilter,
  type TraceFormat,
  type TraceKind,
  type TraceRecord,
} from "../../trace/index.js";
import { cannotRead } from "../node-host.js";
import { loadObjects } from "../build.js";

import { EXIT_INPUT_ERROR, EXIT_IO, EXIT_TROUBLE, ExitError, remapExit } from "../exit.js";
import { ioError, printDiagnostics, usageError } from "../report.js";

export interface TraceFlags {
  trace?: string;
  traceFormat?: string;
  traceLevel?: string;
  /** --audit-tlb: the VM's TLB audit (pte-write and stale-tlb records). */
  auditTlb?: boolean;
}

/** `--audit-tlb`'s help, shared by `run` and `kernel run`. */
export const AUDIT_TLB_HELP =
  "with --trace: audit the TLB, recording page-table changes a TLB entry depends on (pte-write) and stale translations used (stale-tlb) for `trace check` (runs the interpreter only)";

const FLUSH_BYTES = 1 << 16;

/** What `--trace-format` takes: the text formats, and `bin` (docs/trace-format.md, "Binary traces"). */
export type TraceFileFormat = TraceFormat | "bin";
export const TRACE_FILE_FORMATS: readonly TraceFileFormat[] = [...TRACE_FORMATS, "bin"];

/** The format a trace file's name implies: `*.jsonl` JSON Lines, `*.elt` binary, else text. */
function formatByName(path: string): TraceFileFormat {
  return /\.jsonl?$/i.test(path) ? "jsonl" : /\.elt$/i.test(path) ? "bin" : "text";
}

export interface TraceFile {
  recorder: TraceRecorder;
  /** Write what is buffered and close the file. */
  close(): void;
}

function oneOf<T extends string>(value: string, allowed: readonly T[], option: string): T {
  if (!(allowed as readonly string[]).includes(value))
    usageError(`${option}: '${value}' is not one of ${allowed.join(", ")}`);
  return value as T;
}

/** The trace options checked; undefined without --trace. */
export function traceOptions(f: TraceFlags): { path: string; format: TraceFileFormat; level: EventLevel } | undefined {
  if (f.trace === undefined) {
    if (f.traceFormat !== undefined || f.traceLevel !== undefined)
      usageError("--trace-format and --trace-level need --trace FILE");
    if (f.auditTlb === true) usageError("--audit-tlb needs --trace FILE");
    return undefined;
  }
  const format = f.traceFormat === undefined ? formatByName(f.trace) : oneOf(f.traceFormat, TRACE_FILE_FORMATS, "--trace-format");
  const level = f.traceLevel === undefined ? "system" : oneOf(f.traceLevel, EVENT_LEVELS, "--trace-level");
  return { path: f.trace, format, level };
} // prettier-ignore

export function openTrace(f: TraceFlags, image: ObjectFile): TraceFile | undefined {
  const o = traceOptions(f);
  if (o === undefined) return undefined;
  let fd: number;
  try {
    fd = openSync(o.path, "w");
  } catch (e) {
    return ioError("E0003", `cannot write '${o.path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); // prettier-ignore
  }
  const write = (data: string | Uint8Array): void => {
    try {
      if (typeof data === "string") writeSync(fd, data);
      else for (let at = 0; at < data.length;) at += writeSync(fd, data, at);
    } catch (e) {
      ioError("E0003", `cannot write '${o.path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); // prettier-ignore
    }
  };
  const options = { image, level: o.level, auditTlb: f.auditTlb === true };
  if (o.format === "bin") {
    const bin = new BinaryTraceWriter();
    const onRecord = (r: TraceRecord): void => {
      bin.write(r);
      if (bin.pending >= FLUSH_BYTES) write(bin.take());
    };
    const close = (): void => {
      write(bin.take());
      write(bin.finish());
      closeSync(fd);
    };
    return { recorder: new TraceRecorder({ ...options, onRecord }), close };
  }
  const format = o.format;
  let buf = "";
  const flush = (): void => {
    if (buf !== "") write(buf);
    buf = "";
  };
  const onRecord = (r: TraceRecord): void => {
    buf += formatRecord(r, format) + "\n";
    if (buf.length >= FLUSH_BYTES) flush();
  };
  const close = (): void => {
    flush();
    closeSync(fd);
  };
  return { recorder: new TraceRecorder({ ...options, onRecord }), close };
}

// ---- trace show / trace stats ------------------------------------------------------------------

interface ShowOptions {
  cpu?: string;
  task?: string;
  kind?: string;
  symbol?: string;
  from?: string;
  to?: string;
  format?: string;
}

const TRACE_FILE_HELP = "a trace written with --trace-format jsonl or bin";

export function registerTrace(program: Command): void {
  const trace = program.command("trace").description("read event traces written by `run --trace`");
  trace
    .command("show")
    .description("print a JSON Lines trace's records as text, filtered")
    .argument("<file>", TRACE_FILE_HELP)
    .option("--cpu <n>", "only this CPU's records")
    .option("--task <pid>", "only the records of this task (pid; 0 is the idle task)")
    .option("--kind <k,...>", `only these kinds: ${TRACE_KINDS.join(", ")}`)
    .option("--symbol <name>", "only records whose RIP is in this symbol")
    .option("--from <n>", "only records at or after this instruction count")
    .option("--to <n>", "only records at or before this instruction count")
    .option("--format <f>", "text (default) or jsonl")
    .action((file: string, opts: ShowOptions) => showCommand(file, opts));
  trace
    .command("stats")
    .description(
      "per CPU: records by kind, user→kernel→user episodes, instructions on the user CR3",
    )
    .argument("<file>", TRACE_FILE_HELP)
    .option("--cost <file>", "a JSON file overriding the cost model's figures")
    .action((file: string, opts: CostFlags) => statsCommand(file, opts));
  trace
    .command("diff")
    .description(
      "compare two traces of one workload: first divergence, changed episodes, totals by episode type (status 0 equivalent, 1 different, 2 trouble)",
    )
    .argument("<a>", "the baseline trace (JSON Lines or binary)")
    .argument("<b>", "the trace to compare with it (JSON Lines or binary)")
    .option("--format <f>", "text (default) or json")
    .option("--cost <file>", "a JSON file overriding the cost model's figures")
    .option("--context <n>", "events of context around the first divergence (default 3)")
    .option("--level <l>", "compare at this level: system, paging or insn (default: the traces')")
    .action((a: string, b: string, opts: DiffFlags) => diffCommand(a, b, opts));
  trace
    .command("export")
    .description("write a trace in another format: chrome (the trace event JSON Perfetto opens)")
    .argument("<file>", TRACE_FILE_HELP)
    .option("--format <f>", "chrome (default)")
    .option("-o, --output <file>", "where to write it (default: standard output)")
    .option("--cost <file>", "a JSON file overriding the cost model's figures")
    .action((file: string, opts: ExportFlags) => exportCommand(file, opts));
  trace
    .command("check")
    .description(
      "run the named invariants (PTI, SWAPGS, NMI nesting) and report each one's first violation (status 0 none, 1 violated, 2 trouble)",
    )
    .argument("<file>", TRACE_FILE_HELP)
    .option("--image <file>", "the image that ran, for its entry text (__entry_text_start/_end)")
    .action((file: string, opts: CheckFlags) => checkCommand(file, opts));
  trace
    .command("report")
    .description(
      "write one self-contained HTML page: run summary, checks, timelines, episodes and cost, and with --diff the comparison (status 0 written, 2 trouble)",
    )
    .argument("<file>", TRACE_FILE_HELP)
    .option(
      "--diff <other>",
      "a second trace of the same workload: add `trace diff FILE OTHER` side by side",
    )
    .option("--image <file>", "the image that ran, for its entry text (__entry_text_start/_end)")
    .option("--cost <file>", "a JSON file overriding the cost model's figures")
    .option(
      "--context <n>",
      "with --diff: events of context around the first divergence (default 3)",
    )
    .option("--level <l>", "with --diff: compare at this level: system, paging or insn")
    .option("-o, --output <file>", "where to write the page (default: standard output)")
    .action((file: string, opts: ReportFlags) => reportCommand(file, opts));
  trace
    .command("convert")
    .description(
      "write a trace in another form: jsonl, bin (binary) or text (status 0 written, 2 trouble)",
    ) // prettier-ignore
    .argument("<file>", TRACE_FILE_HELP)
    .requiredOption("-o, --output <file>", "where to write it")
    .option(
      "--format <f>",
      "text, jsonl or bin (default: jsonl for *.jsonl, bin for *.elt, else text)",
    ) // prettier-ignore
    .action((file: string, opts: ConvertFlags) => convertCommand(file, opts));
  trace.commands.forEach((c) => c.exitOverride().helpOption("-h, --help", "show help"));
}

/** A count that may be 0 (CPU numbers, instruction counts). */
function parseIndex(text: string, option: string): number {
  const v = /^(0x[0-9a-f]+|\d+)$/i.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(v)) usageError(`${option}: '${text}' is not a number`);
  return v;
}

function showFilter(o: ShowOptions): ShowFilter {
  const f: ShowFilter = {};
  if (o.cpu !== undefined) f.cpu = parseIndex(o.cpu, "--cpu");
  if (o.task !== undefined) f.task = parseIndex(o.task, "--task");
  if (o.from !== undefined) f.from = parseIndex(o.from, "--from");
  if (o.to !== undefined) f.to = parseIndex(o.to, "--to");
  if (o.symbol !== undefined) f.symbol = o.symbol;
  if (o.kind !== undefined) {
    const kinds = o.kind
      .split(",")
      .map((k) => k.trim())
      .filter((k) => k !== "");
    for (const k of kinds) oneOf(k, TRACE_KINDS, "--kind");
    f.kinds = kinds as TraceKind[];
  }
  return f;
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return ioError("E0002", cannotRead(file));
  }
}

function readFileBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch {
    return ioError("E0002", cannotRead(file));
  }
}

/** Print the bag (warnings too); on errors end with trouble (2: `trace` reserves 1 for results). */
function finishTrouble(diags: DiagnosticBag, sources: SourceManager): void {
  printDiagnostics(diags, sources);
  if (diags.hasErrors) throw new ExitError(EXIT_TROUBLE);
}

/**
 * The records of a trace file, JSON Lines or binary (by its magic); diagnostics printed. A JSON
 * Lines file with bad lines is trouble (2); a binary one that cannot be decoded — cut short,
 * corrupt, of another version — cannot be read (3), as a missing file.
 */
function readTrace(file: string): TraceRecord[] {
  const bytes = readFileBytes(file);
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  if (isBinaryTrace(bytes)) {
    const records = parseBinaryTrace(bytes, file, diags);
    printDiagnostics(diags, sources);
    if (diags.hasErrors) throw new ExitError(EXIT_IO);
    return records;
  }
  const text = bytes.toString("utf8");
  const records = parseTrace(sources.add(file, text), diags);
  finishTrouble(diags, sources);
  return records;
}

interface CostFlags {
  cost?: string;
}

/** The cost model: the defaults, or a --cost file's overrides (diagnostics: status 2). */
function costModel(o: CostFlags): CostModel {
  if (o.cost === undefined) return new CostModel();
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const model = parseCostFile(sources.add(o.cost, readText(o.cost)), diags);
  finishTrouble(diags, sources);
  return model!;
}

function showCommand(file: string, opts: ShowOptions): void {
  const filter = showFilter(opts);
  const format = opts.format === undefined ? "text" : oneOf(opts.format, TRACE_FORMATS, "--format");
  const out = filterRecords(readTrace(file), filter).map((r) => formatRecord(r, format) + "\n");
  process.stdout.write(out.join(""));
}

function statsCommand(file: string, opts: CostFlags): void {
  const cost = costModel(opts);
  process.stdout.write(formatStats(traceStats(readTrace(file), { cost })));
}

// ---- trace diff / trace export -----------------------------------------------------------------

const DIFF_FORMATS = ["text", "json"] as const;
/** `trace diff`: the traces differ (diff(1)'s 1; input trouble is 2 there). */
const EXIT_DIFFERENT = 1;

interface DiffFlags extends CostFlags {
  format?: string;
  context?: string;
  level?: string;
}

/**
 * Exit status as diff(1): 0 equivalent, 1 different, 2 trouble — a usage error, or a trace or
 * cost file with errors (so 1 always means "the designs differ"); 3 a file that cannot be read.
 */
function diffCommand(a: string, b: string, opts: DiffFlags): void {
  const format = opts.format === undefined ? "text" : oneOf(opts.format, DIFF_FORMATS, "--format");
  const options: DiffOptions = {};
  if (opts.context !== undefined) options.context = parseIndex(opts.context, "--context");
  if (opts.level !== undefined) options.level = oneOf(opts.level, TRACE_LEVELS, "--level");
  options.cost = costModel(opts);
  const d = diffTraces(readTrace(a), readTrace(b), options);
  // Mixed levels lose the stack records (docs/trace-format.md): a warning; --level is asked for.
  if (d.level !== undefined && d.level.a !== d.level.b) {
    const diags = new DiagnosticBag();
    diags.warning("W8002", undefined, `${a} was recorded at the ${d.level.a} level and ${b} at ${d.level.b}: compared at ${d.level.compared}`); // prettier-ignore
    printDiagnostics(diags, new SourceManager());
  }
  const names = { a, b };
  process.stdout.write(format === "json" ? formatDiffJson(d, names) : formatDiff(d, names));
  if (!d.equivalent) throw new ExitError(EXIT_DIFFERENT);
}

interface ExportFlags extends CostFlags {
  format?: string;
  output?: string;
}

function exportCommand(file: string, opts: ExportFlags): void {
  if (opts.format !== undefined) oneOf(opts.format, EXPORT_FORMATS, "--format");
  const cost = costModel(opts);
  writeOutput(opts.output, JSON.stringify(exportChrome(readTrace(file), { cost })) + "\n");
}

/** `text` to the file `-o` names, or to standard output without one. */
function writeOutput(output: string | undefined, text: string): void {
  if (output === undefined) {
    process.stdout.write(text);
    return;
  }
  try {
    writeFileSync(output, text);
  } catch (e) {
    ioError("E0003", `cannot write '${output}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); // prettier-ignore
  }
}

// ---- trace convert -----------------------------------------------------------------------------

interface ConvertFlags {
  output: string;
  format?: string;
}

/** `trace convert`: the same records in another form (status 0; trouble 2, unreadable 3). */
function convertCommand(file: string, opts: ConvertFlags): void {
  const format = opts.format === undefined ? formatByName(opts.output) : oneOf(opts.format, TRACE_FILE_FORMATS, "--format"); // prettier-ignore
  const records = readTrace(file);
  const data = format === "bin" ? encodeBinaryTrace(records) : records.map((r) => formatRecord(r, format) + "\n").join(""); // prettier-ignore
  try {
    writeFileSync(opts.output, data);
  } catch (e) {
    ioError("E0003", `cannot write '${opts.output}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); // prettier-ignore
  }
}

// ---- trace check -------------------------------------------------------------------------------

interface CheckFlags {
  image?: string;
}

/** The checks' context: the entry text of `--image`, when given (a bad image is trouble, 2). */
function checkContext(opts: CheckFlags): CheckContext {
  const ctx: CheckContext = {};
  if (opts.image !== undefined) {
    const image = remapExit([EXIT_INPUT_ERROR], EXIT_TROUBLE, () => loadObjects([opts.image!], { include: [], defines: [] })[0]!); // prettier-ignore
    const entryText = entryTextOf(image);
    if (entryText) ctx.entryText = entryText;
  }
  return ctx;
}

/** `trace check`: a violation is status 1 (as `diff`'s difference); bad input 2. */
function checkCommand(file: string, opts: CheckFlags): void {
  const records = readTrace(file);
  const results = checkTrace(records, checkContext(opts));
  process.stdout.write(formatCheck(results, (r) => formatRecord(r, "text")));
  if (results.some((r) => r.status === "violated")) throw new ExitError(EXIT_DIFFERENT);
}

/** [__entry_text_start, __entry_text_end) of an image, when it has both. */
function entryTextOf(image: ObjectFile): { start: bigint; end: bigint } | undefined {
  const value = (name: string) => image.symbols.find((s) => s.name === name)?.value;
  const start = value("__entry_text_start");
  const end = value("__entry_text_end");
  return start !== undefined && end !== undefined ? { start, end } : undefined;
}

// ---- trace report ------------------------------------------------------------------------------

interface ReportFlags extends CheckFlags, CostFlags {
  diff?: string;
  context?: string;
  level?: string;
  output?: string;
}

/**
 * `trace report`: the HTML page (src/trace/report) to -o or standard output. Status 0 when it is
 * written; trouble is 2 (usage, a bad trace, image or cost file) or 3 (a file that cannot be read
 * or written), as for the other `trace` commands. The command has no finding of its own: a
 * violated check is on the page, not in the status.
 */
function reportCommand(file: string, opts: ReportFlags): void {
  remapExit([EXIT_INPUT_ERROR], EXIT_TROUBLE, () => {
    const options: ReportOptions = { names: { trace: file } };
    if (opts.context !== undefined) options.context = parseIndex(opts.context, "--context");
    if (opts.level !== undefined) options.level = oneOf(opts.level, TRACE_LEVELS, "--level");
    if ((opts.context !== undefined || opts.level !== undefined) && opts.diff === undefined)
      usageError("--context and --level need --diff OTHER");
    options.cost = costModel(opts);
    if (opts.cost !== undefined) options.names.cost = opts.cost;
    options.check = checkContext(opts);
    if (opts.image !== undefined) options.names.image = opts.image;
    const records = readTrace(file);
    if (opts.diff !== undefined) {
      options.other = readTrace(opts.diff);
      options.names.other = opts.diff;
    }
    writeOutput(opts.output, traceReport(records, options));
  });
}
