// cc: the handler-C compiler. A .c file goes through the shared preprocessor (src/cpp, mode
// "c"), the tokenizer, the recursive-descent parser (which types every node) and the code
// generator, which prints AT&T assembly with `.loc` line directives for src/asm to encode.
// Bad input becomes diagnostics in the caller's bag; the public functions never throw on it.
import { COMMAND_LINE, FatalError, type DiagnosticBag, type Host, type SourceFile, type SourceManager } from "../diag/index.js"; // prettier-ignore
import { CC } from "../diag/codes/cc.js";
import { formatPreprocessed, preprocess, type CppDefine } from "../cpp/index.js";
import type { Obj } from "./ast.js";
import { CodeGen } from "./codegen.js";
import { ParserStmt } from "./parse-stmt.js";
import { tokenize } from "./tokenize.js";

export { asmOffsetsText, KBUILD_H, type AsmOffsetsResult } from "./asm-offsets.js";
export type { Type } from "./types.js";

export interface CompileOptions {
  host: Host;
  sources: SourceManager;
  diags: DiagnosticBag;
  includePaths?: string[];
  defines?: CppDefine[];
  /** Stop after preprocessing (`-E`): only `preprocessed` is set. */
  preprocessOnly?: boolean;
}

export interface CompileResult {
  /** AT&T assembly; undefined iff errors were reported. */
  asm?: string;
  /** The `-E` text, when preprocessOnly was asked for. */
  preprocessed?: string;
}

/** What the parser knows after a translation unit: its objects (for asm-offsets). */
export interface TranslationUnit {
  globals: Obj[];
  topLevelAsm: string[];
  file: SourceFile;
}

class Parser extends ParserStmt {}

/** Compile the file at `path`, read through the host. */
export function compile(path: string, opts: CompileOptions): CompileResult {
  const text = opts.host.readFile(path);
  if (text === undefined) {
    opts.diags.error(CC.SYNTAX, COMMAND_LINE, `cannot read '${path}': no such file`);
    return {};
  }
  return compileText(path, text, opts);
}

/** Compile `text` as if read from a file called `name`. */
export function compileText(name: string, text: string, opts: CompileOptions): CompileResult {
  const file = opts.sources.add(name, text);
  if (opts.preprocessOnly) {
    const r = preprocess(file, cppOptions(opts));
    return { preprocessed: formatPreprocessed(r, opts.sources) };
  }
  const unit = parseUnit(file, opts);
  if (!unit || opts.diags.hasErrors) return {};
  const asm = guard(opts.diags, () => new CodeGen(opts.diags, opts.sources).generate(unit.globals, unit.topLevelAsm, name)); // prettier-ignore
  if (asm === undefined || opts.diags.hasErrors) return {};
  return { asm };
}

/** Preprocess and parse one file; undefined when it could not be parsed at all. */
export function parseUnit(file: SourceFile, opts: CompileOptions): TranslationUnit | undefined {
  const cpp = preprocess(file, cppOptions(opts));
  if (cpp.fatal) return undefined; // a missing #include: gcc stops here too
  const toks = tokenize(cpp.lines, opts.diags);
  const parser = new Parser(toks, opts.diags);
  const ok = guard(opts.diags, () => {
    parser.parseProgram();
    return true;
  });
  if (!ok) return undefined;
  return { globals: parser.globals, topLevelAsm: parser.topLevelAsm, file };
}

function cppOptions(opts: CompileOptions) {
  return {
    mode: "c" as const, includePaths: opts.includePaths ?? [], defines: opts.defines ?? [],
    host: opts.host, sources: opts.sources, diags: opts.diags,
  }; // prettier-ignore
}

/**
 * Run a stage, turning its fatal stop (a syntax error already in the bag) and JS stack
 * exhaustion on absurd nesting into an undefined result.
 */
function guard<T>(diags: DiagnosticBag, run: () => T): T | undefined {
  try {
    return run();
  } catch (e) {
    if (e instanceof FatalError) return undefined;
    if (e instanceof RangeError) {
      diags.error(CC.TOO_DEEP, undefined, "input nested too deeply to compile");
      return undefined;
    }
    throw e;
  }
}
