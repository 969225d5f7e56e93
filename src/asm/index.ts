// asm: GNU-as AT&T assembly (with cpp for .S files and gas macros) → an entrylab ELF object.
// The pipeline: cpp (src/cpp) → the reader (macros, conditionals, includes) → the statement
// processor (parse, directives, instructions) → layout and fixups → the ObjectFile.
import type { DiagnosticBag, Host, SourceFile, SourceManager } from "../diag/index.js";
import { COMMAND_LINE } from "../diag/index.js";
import { ASM } from "../diag/codes/asm.js";
import type { ObjectFile } from "../obj/index.js";
import { Assembler } from "./assembler.js";
import { Reader } from "./reader.js";
import { CppSourceLine, fileLines, type LineList } from "./source-line.js";
import { relax, resolveFixups } from "./layout.js";
import { hasLocDirectives, locLines } from "./loc.js";
import { buildObject } from "./emit.js";
import { renderListing } from "./listing.js";
import { formatPreprocessed, preprocess, type CppOptions } from "../cpp/index.js";

export { parseLine } from "./parse-line.js";
export type * from "./ast.js";

export interface AssembleOptions {
  host: Host;
  sources: SourceManager;
  diags: DiagnosticBag;
  includePaths?: string[];
  defines?: CppOptions["defines"];
  /** Run the C preprocessor; default: by extension (.S → true, .s → false). */
  preprocess?: boolean;
  /** Produce the `-a` listing. */
  listing?: boolean;
  /**
   * Reuse instruction encodings between lines of one skeleton (./insn-recipe.ts; default true).
   * False sends every line through the parser: the tests compare both.
   */
  recipes?: boolean;
}

export interface AssembleResult {
  /** Undefined iff errors were reported. */
  object?: ObjectFile;
  listing?: string;
  /** The cpp output (with line markers) when the file was preprocessed. */
  preprocessed?: string;
}

/** Assemble the file at `path`, read through the host. */
export function assemble(path: string, opts: AssembleOptions): AssembleResult {
  const text = opts.host.readFile(path);
  if (text === undefined) {
    opts.diags.error(
      ASM.INCLUDE_NOT_FOUND,
      COMMAND_LINE,
      `can't open ${path} for reading: no such file`,
    );
    return {};
  }
  return assembleText(path, text, opts);
}

/** Assemble `text` as if read from a file called `name`. */
export function assembleText(name: string, text: string, opts: AssembleOptions): AssembleResult {
  const file = opts.sources.add(name, text);
  const usesCpp = opts.preprocess ?? name.endsWith(".S");
  let lines: LineList;
  let preprocessed: string | undefined;
  if (usesCpp) {
    const r = preprocess(file, cppOptions(opts));
    if (r.fatal) return {}; // a missing #include: gcc never runs the assembler
    lines = r.lines.map((l) => new CppSourceLine(l));
    preprocessed = formatPreprocessed(r, opts.sources);
  } else lines = hasLocDirectives(text) ? locLines(file, opts) : fileLines(file);
  return finish(file, lines, opts, preprocessed);
}

function cppOptions(opts: AssembleOptions): CppOptions {
  return {
    mode: "asm", includePaths: opts.includePaths ?? [], defines: opts.defines ?? [],
    host: opts.host, sources: opts.sources, diags: opts.diags,
  }; // prettier-ignore
}

function finish(
  file: SourceFile,
  lines: LineList,
  opts: AssembleOptions,
  preprocessed: string | undefined,
): AssembleResult {
  const a = new Assembler(opts.diags, opts.listing ?? false, opts.recipes ?? true);
  a.parses.expect(lines.length);
  const reader = new Reader(a, {
    host: opts.host,
    sources: opts.sources,
    diags: opts.diags,
    includePaths: opts.includePaths ?? [],
  });
  reader.run(lines);
  const result: AssembleResult = {};
  if (preprocessed !== undefined) result.preprocessed = preprocessed;
  if (!relax(a)) return result;
  const relocs = resolveFixups(a);
  const object = buildObject(a, file.name, relocs, opts.sources);
  if (opts.listing) result.listing = renderListing(a, opts.sources);
  if (!opts.diags.hasErrors) result.object = object;
  return result;
}
