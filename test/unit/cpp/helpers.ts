// Shared helpers for the cpp tests: run the preprocessor over an in-memory file tree.
import {
  formatPreprocessed,
  preprocess,
  type CppDefine,
  type CppResult,
} from "../../../src/cpp/index.js";
import {
  DiagnosticBag,
  memoryHost,
  SourceManager,
  type Diagnostic,
  type Loc,
} from "../../../src/diag/index.js";

export interface Run {
  result: CppResult;
  sources: SourceManager;
  diags: Diagnostic[];
  /** Output lines joined with "\n" (one per output line). */
  text: string;
  /** Output with blank lines dropped and blanks collapsed, as a list. */
  nonBlank: string[];
  /** -E output with line markers. */
  formatted: string;
}

export interface RunOptions {
  mode?: "asm" | "c";
  files?: Record<string, string>;
  includePaths?: string[];
  defines?: CppDefine[];
  maxIncludeDepth?: number;
  name?: string;
}

export function run(source: string, o: RunOptions = {}): Run {
  const mode = o.mode ?? "asm";
  const sources = new SourceManager();
  const bag = new DiagnosticBag();
  const name = o.name ?? (mode === "asm" ? "main.S" : "main.c");
  const file = sources.add(name, source);
  const result = preprocess(file, {
    mode,
    includePaths: o.includePaths ?? [],
    defines: o.defines ?? [],
    host: memoryHost(o.files ?? {}),
    sources,
    diags: bag,
    maxIncludeDepth: o.maxIncludeDepth,
  });
  const lines = result.lines.map((l) => l.text);
  return {
    result,
    sources,
    diags: bag.items,
    text: lines.join("\n"),
    nonBlank: lines.map((l) => l.replace(/\s+/g, " ").trim()).filter((l) => l !== ""),
    formatted: formatPreprocessed(result, sources),
  };
}

/** "file:line:col" of a Loc. */
export function where(r: Run, loc: Loc | undefined): string {
  return loc ? r.sources.format(loc) : "<none>";
}

/** Each diagnostic as "code file:line:col message". */
export function diagList(r: Run): string[] {
  return r.diags.map((d) => `${d.code} ${where(r, d.loc)} ${d.message}`);
}

/** The expansion chain of a Loc as "kind name @ file:line:col" entries, innermost first. */
export function chainOf(r: Run, loc: Loc): string[] {
  const out: string[] = [];
  for (let c = loc.chain; c; c = c.parent) {
    out.push(`${c.site.kind} ${c.site.name} @ ${where(r, c.site.loc)}`);
  }
  return out;
}
