// The preprocessor's line loop. Most lines of a big .S have no directive, comment, splice or
// macro name: the fast path checks that with one pass over the characters (hashing identifiers
// against the macro table's filter, allocating nothing) and emits the line verbatim. Only the
// other lines are lexed into tokens, run as directives or macro-expanded, and mapped back to
// their origins with segments.
import type { SourceFile } from "../diag/index.js";
import { DirectiveProcessor } from "./directives.js";
import { isPunct, TokenStream } from "./expand.js";
import {
  ASCII_LIMIT,
  CC_DIGIT,
  CC_IDENT,
  CC_IDENT_START,
  CH_BACKSLASH,
  CH_CR,
  CH_DOLLAR,
  CH_DOT,
  CH_DQUOTE,
  CH_QUOTE,
  CH_HASH,
  CH_SLASH,
  CH_STAR,
  CHAR_CLASS,
  CC_SPACE,
} from "./lexer.js";
import { hashStep } from "./macros.js";
import { buildLine, OutLine } from "./output.js";
import { predefinedText } from "./predefined.js";
import { FileReader } from "./reader.js";
import type { CppDefine, CppOptions, CppResult, Token } from "./types.js";

/** Preprocess `file` (already in opts.sources). Problems go to opts.diags; this never throws. */
export function preprocess(file: SourceFile, opts: CppOptions): CppResult {
  return new Preprocessor(opts).run(file);
}

class Preprocessor extends DirectiveProcessor {
  /** `$` starts and continues identifiers in C only (see isIdentChar in ./lexer.ts). */
  private readonly dollarIdent: boolean;

  constructor(opts: CppOptions) {
    super(opts);
    this.dollarIdent = opts.mode === "c";
  }

  run(main: SourceFile): CppResult {
    this.runPseudoFile("<built-in>", predefinedText(this.mode));
    const commandLine = commandLineText(this.opts.defines);
    if (commandLine) this.runPseudoFile("<command-line>", commandLine);
    this.setMainFile(main);
    this.processFile(new FileReader(main, this.mode, this.diags, undefined, 0));
    return { lines: this.lines, files: this.files, fatal: this.stopped };
  }

  /** Predefines and -D/-U run as #define/#undef lines of a pseudo-file, as gcc does. */
  private runPseudoFile(name: string, text: string): void {
    const file = this.sources.add(name, text);
    const saved = this.lines;
    this.lines = [];
    this.processFile(new FileReader(file, this.mode, this.diags, undefined, 0));
    this.lines = saved;
  }

  protected processFile(reader: FileReader): void {
    this.readers.push(reader);
    const text = reader.text;
    const len = text.length;
    while (reader.pos < len && !this.stopped) {
      if (reader.pos >= reader.mapEnd) reader.extendPresumed(this.sources);
      const start = reader.pos;
      const nl = text.indexOf("\n", start);
      let end = nl < 0 ? len : nl;
      if (end > start && text.charCodeAt(end - 1) === CH_CR) end--;
      const skipping = reader.skipping;
      const simple = skipping
        ? !this.skipNeedsLexing(text, start, end)
        : !this.needsLexing(text, start, end);
      if (simple) {
        const out = skipping ? "" : text.slice(start, end);
        this.lines.push(new OutLine(out, reader.lineContext, start + reader.delta));
        reader.pos = nl < 0 ? len : nl + 1;
      } else this.logicalLine(reader, start);
    }
    this.closeFile(reader);
    this.readers.pop();
  }

  private logicalLine(reader: FileReader, start: number): void {
    const line = reader.lexAt(start, reader.skipping);
    reader.pos = line.end;
    const first = line.tokens[0];
    if (first && isPunct(first, "#")) {
      // The directive's own (blank) lines come first, so an #include's lines follow them.
      const mark = this.lines.length;
      this.blankLines(reader, start, line.end);
      if (this.directive(reader, line)) return;
      this.lines.length = mark;
      this.textLine(reader, start, line.tokens, false);
      return;
    }
    if (reader.skipping) this.blankLines(reader, start, line.end);
    else this.textLine(reader, start, line.tokens, true);
  }

  /** Expand a text line; a macro call may pull in the next lines, which then print blank. */
  private textLine(reader: FileReader, start: number, tokens: Token[], mayContinue: boolean): void {
    const stream = new TokenStream(tokens, mayContinue ? reader : undefined);
    const out = this.expander.expand(stream);
    this.lines.push(buildLine(out, reader.locOf(start, start)));
    const nl = reader.text.indexOf("\n", start);
    if (nl >= 0) this.blankLines(reader, nl + 1, reader.pos);
  }

  /** One empty output line for each physical line starting in [from, to). */
  private blankLines(reader: FileReader, from: number, to: number): void {
    const text = reader.text;
    for (let p = from; p < to;) {
      this.lines.push(new OutLine("", reader.lineContext, p + reader.delta));
      const nl = text.indexOf("\n", p);
      if (nl < 0) break;
      p = nl + 1;
    }
  }

  /**
   * Can the line be emitted verbatim? Not if it is a directive, may hold a comment or a
   * splice, or names a macro. Identifiers are hashed in place; only a filter hit slices.
   */
  private needsLexing(text: string, start: number, end: number): boolean {
    let i = skipBlanks(text, start, end);
    if (text.charCodeAt(i) === CH_HASH) return true;
    const macros = this.macros;
    const dollar = this.dollarIdent;
    const cMode = this.mode === "c";
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c >= ASCII_LIMIT) continue;
      const cls = CHAR_CLASS[c]!;
      if (cls & CC_IDENT_START || (c === CH_DOLLAR && dollar)) {
        let h = 0;
        let j = i;
        for (; j < end; j++) {
          const d = text.charCodeAt(j);
          if (!((d < ASCII_LIMIT && CHAR_CLASS[d]! & CC_IDENT) || (d === CH_DOLLAR && dollar)))
            break;
          h = hashStep(h, d);
        }
        if (macros.mayContain(h) && macros.has(text.slice(i, j))) return true;
        i = j - 1;
      } else if (cls & CC_DIGIT) {
        // A pp-number (`1f`, `0x1e`) is never a macro name: skip it whole.
        let j = i + 1;
        for (; j < end; j++) {
          const d = text.charCodeAt(j);
          if (!((d < ASCII_LIMIT && CHAR_CLASS[d]! & CC_IDENT) || d === CH_DOT)) break;
        }
        i = j - 1;
      } else if (c === CH_SLASH) {
        const n = text.charCodeAt(i + 1);
        if (n === CH_STAR || n === CH_SLASH) return true;
      } else if (c === CH_BACKSLASH && skipBlanks(text, i + 1, end) >= end) return true;
      else if ((c === CH_QUOTE || c === CH_DQUOTE) && cMode) return true; // may warn W1005
    }
    return false;
  }

  /** In a skipped group only directives, comments and splices matter (C11 6.10p8). */
  private skipNeedsLexing(text: string, start: number, end: number): boolean {
    const i = skipBlanks(text, start, end);
    if (text.charCodeAt(i) === CH_HASH) return true;
    for (let k = i; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c === CH_SLASH && text.charCodeAt(k + 1) === CH_STAR) return true;
      if (c === CH_BACKSLASH && skipBlanks(text, k + 1, end) >= end) return true;
    }
    return false;
  }
}

/** The first offset in [i, end) that is not a blank (space, tab, CR, VT, FF), or end. */
function skipBlanks(text: string, i: number, end: number): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c >= ASCII_LIMIT || !(CHAR_CLASS[c]! & CC_SPACE)) break;
    i++;
  }
  return i;
}

/** -D name[=value] and -U name as the lines gcc feeds itself ("<command-line>"). */
function commandLineText(defines: CppDefine[]): string {
  return defines
    .map((d) => ("undef" in d ? `#undef ${d.undef}\n` : `#define ${d.name} ${d.value ?? "1"}\n`))
    .join("");
}
