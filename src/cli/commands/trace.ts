// `entrylab trace show FILE` and `entrylab trace stats FILE`: read a JSON Lines trace
// (docs/trace-format.md) — bad lines are diagnostics with file:line (E8xxx) — and print the
// records that pass a filter as text, or the per-CPU counts and user→kernel→user episodes.
// Also the writing side of `entrylab run --trace FILE`: the recorder of src/trace handing its
// records to FILE as they come, through a buffer (a long "insn" run never holds its whole trace).
import { closeSync, openSync, readFileSync, writeSync } from "node:fs";
import type { Command } from "commander";
import { DiagnosticBag, SourceManager } from "../../diag/index.js";
import type { ObjectFile } from "../../obj/index.js";
import { EVENT_LEVELS, type EventLevel } from "../../vm/index.js";
import {
  filterRecords,
  formatRecord,
  formatStats,
  parseTrace,
  traceStats,
  TRACE_FORMATS,
  TRACE_KINDS,
  TraceRecorder,
  type ShowFilter,
  type TraceFormat,
  type TraceKind,
  type TraceRecord,
} from "../../trace/index.js";
import { cannotRead } from "../node-host.js";
import { finish, ioError, printDiagnostics, usageError } from "../report.js";

export interface TraceFlags {
  trace?: string;
  traceFormat?: string;
  traceLevel?: string;
}

const FLUSH_BYTES = 1 << 16;

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
export function traceOptions(f: TraceFlags): { path: string; format: TraceFormat; level: EventLevel } | undefined {
  if (f.trace === undefined) {
    if (f.traceFormat !== undefined || f.traceLevel !== undefined)
      usageError("--trace-format and --trace-level need --trace FILE");
    return undefined;
  }
  const byName: TraceFormat = /\.jsonl?$/i.test(f.trace) ? "jsonl" : "text";
  const format = f.traceFormat === undefined ? byName : oneOf(f.traceFormat, TRACE_FORMATS, "--trace-format");
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
  let buf = "";
  const flush = (): void => {
    if (buf === "") return;
    try {
      writeSync(fd, buf);
    } catch (e) {
      ioError("E0003", `cannot write '${o.path}': ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); // prettier-ignore
    }
    buf = "";
  };
  const recorder = new TraceRecorder({
    image,
    level: o.level,
    onRecord: (r) => {
      buf += formatRecord(r, o.format) + "\n";
      if (buf.length >= FLUSH_BYTES) flush();
    },
  });
  return {
    recorder,
    close: () => {
      flush();
      closeSync(fd);
    },
  };
}

// ---- trace show / trace stats ------------------------------------------------------------------

interface ShowOptions {
  cpu?: string;
  kind?: string;
  symbol?: string;
  from?: string;
  to?: string;
  format?: string;
}

export function registerTrace(program: Command): void {
  const trace = program.command("trace").description("read event traces written by `run --trace`");
  trace
    .command("show")
    .description("print a JSON Lines trace's records as text, filtered")
    .argument("<file>", "a trace written with --trace-format jsonl")
    .option("--cpu <n>", "only this CPU's records")
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
    .argument("<file>", "a trace written with --trace-format jsonl")
    .action((file: string) => statsCommand(file));
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

/** The records of a trace file; diagnostics printed, status 1 on errors. */
function readTrace(file: string): TraceRecord[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return ioError("E0002", cannotRead(file));
  }
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const records = parseTrace(sources.add(file, text), diags);
  if (diags.hasErrors) finish(diags, sources);
  printDiagnostics(diags, sources); // warnings
  return records;
}

function showCommand(file: string, opts: ShowOptions): void {
  const filter = showFilter(opts);
  const format = opts.format === undefined ? "text" : oneOf(opts.format, TRACE_FORMATS, "--format");
  const out = filterRecords(readTrace(file), filter).map((r) => formatRecord(r, format) + "\n");
  process.stdout.write(out.join(""));
}

function statsCommand(file: string): void {
  process.stdout.write(formatStats(traceStats(readTrace(file))));
}
