// The cpp lexer: translation phases 1-3 (C11 5.1.1.2) for one logical line. It splices
// backslash-newlines, replaces comments by one space (a block comment may run over several
// physical lines, which then belong to this logical line), and cuts the line into
// preprocessing tokens that remember their source offsets. The driver calls it only for lines
// the fast path cannot pass through verbatim.
import type { DiagnosticBag, Loc } from "../diag/index.js";
import { Token } from "./token.js";
import type { Mode, TokKind } from "./types.js";

export const CH_TAB = 9;
export const CH_NL = 10;
export const CH_VT = 11;
export const CH_FF = 12;
export const CH_CR = 13;
export const CH_SPACE = 32;
export const CH_DQUOTE = 34;
export const CH_HASH = 35;
export const CH_DOLLAR = 36;
export const CH_QUOTE = 39;
export const CH_STAR = 42;
export const CH_PLUS = 43;
export const CH_MINUS = 45;
export const CH_DOT = 46;
export const CH_SLASH = 47;
export const CH_LT = 60;
export const CH_GT = 62;
export const CH_BACKSLASH = 92;
const CH_0 = 48;
const CH_9 = 57;
const CH_LOWER_E = 101;
const CH_LOWER_P = 112;
/** OR-ing this into an ASCII letter makes it lower case. */
const ASCII_CASE_BIT = 0x20;
const HIGH_SURROGATE_FIRST = 0xd800;
const LOW_SURROGATE_FIRST = 0xdc00;
/** The character-class table covers ASCII; everything above is "other". */
export const ASCII_LIMIT = 128;

/** Character classes for the ASCII range: bit flags, one table shared by lexer and fast path. */
export const CC_IDENT_START = 1;
export const CC_IDENT = 2;
export const CC_DIGIT = 4;
export const CC_SPACE = 8;
export const CHAR_CLASS = buildCharClass();

function buildCharClass(): Uint8Array {
  const t = new Uint8Array(ASCII_LIMIT);
  for (let c = 0; c < ASCII_LIMIT; c++) {
    const s = String.fromCharCode(c);
    if (/[A-Za-z_]/.test(s)) t[c] = CC_IDENT_START | CC_IDENT;
    if (/[0-9]/.test(s)) t[c] = CC_DIGIT | CC_IDENT;
  }
  for (const c of [CH_SPACE, CH_TAB, CH_VT, CH_FF, CH_CR]) t[c] = CC_SPACE;
  return t;
}

/**
 * `$` is an identifier character in C (a GNU extension gcc enables by default) but not in
 * assembler-with-cpp mode, where `$X` must still expand X inside an AT&T immediate.
 */
export function isIdentChar(c: number, mode: Mode): boolean {
  if (c < ASCII_LIMIT)
    return (CHAR_CLASS[c]! & CC_IDENT) !== 0 || (c === CH_DOLLAR && mode === "c");
  return false;
}

function isIdentStart(c: number, mode: Mode): boolean {
  if (c < ASCII_LIMIT)
    return (CHAR_CLASS[c]! & CC_IDENT_START) !== 0 || (c === CH_DOLLAR && mode === "c");
  return false;
}

/** Longest first, so the first match is the maximal munch (C11 6.4p4). */
const PUNCTUATORS = [
  "...", "<<=", ">>=",
  "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
  "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
  "[", "]", "(", ")", "{", "}", ".", "&", "*", "+", "-", "~", "!", "/", "%",
  "<", ">", "^", "|", "?", ":", ";", "=", ",", "#",
]; // prettier-ignore

/** Punctuators by their first character, longest first: one lookup instead of a scan. */
const PUNCT_BY_FIRST: ReadonlyArray<readonly string[] | undefined> = (() => {
  const t: string[][] = [];
  for (const p of PUNCTUATORS) (t[p.charCodeAt(0)] ??= []).push(p);
  return t;
})();

/** Every prefix of a multi-character punctuator: used to decide when printing needs a space. */
export const PUNCT_PREFIXES: ReadonlySet<string> = new Set(
  PUNCTUATORS.flatMap((p) => [...p].map((_, i) => p.slice(0, i + 1))),
);

const INCLUDE_DIRECTIVES = new Set(["include", "include_next", "import"]);

export interface LexSource {
  text: string;
  mode: Mode;
  /** Undefined in skipped groups: gcc lexes them quietly. */
  diags: DiagnosticBag | undefined;
  /** Turn a raw [start, end) range of `text` into a Loc (applies #line mapping and the chain). */
  locOf(start: number, end: number): Loc;
}

export interface LexedLine {
  tokens: Token[];
  /** Raw offset of the start of the next logical line. */
  end: number;
  /** True when the line holds a comment: its trailing whitespace is then not significant. */
  hadComment: boolean;
}

/** Lex the logical line starting at raw offset `pos`. */
export function lexLine(src: LexSource, pos: number): LexedLine {
  return new LineLexer(src).run(pos);
}

/** Lex a string that is not in any file (a token paste): returns undefined if it has comments. */
export function lexFragment(text: string, mode: Mode, loc: Loc): Token[] | undefined {
  const lexer = new LineLexer({ text, mode, diags: undefined, locOf: () => loc });
  const line = lexer.run(0);
  return line.hadComment || line.end < text.length ? undefined : line.tokens;
}

class LineLexer {
  private readonly text: string;
  private readonly len: number;
  private tokens: Token[] = [];
  private hadComment = false;
  /** splice() runs more than once over the same offsets: warn about each splice once. */
  private warnedSplices = new Set<number>();

  constructor(private readonly src: LexSource) {
    this.text = src.text;
    this.len = src.text.length;
  }

  run(pos: number): LexedLine {
    let i = pos;
    let ws = "";
    for (;;) {
      i = this.splice(i);
      if (i >= this.len) break;
      const c = this.text.charCodeAt(i);
      if (c === CH_NL) {
        i++;
        break;
      }
      if (c < ASCII_LIMIT && CHAR_CLASS[c]! & CC_SPACE) {
        if (c !== CH_CR) ws += this.text[i];
        i++;
        continue;
      }
      if (c === CH_SLASH) {
        const after = this.comment(i);
        if (after >= 0) {
          ws += " ";
          this.hadComment = true;
          i = after;
          continue;
        }
      }
      i = this.token(i, ws);
      ws = "";
    }
    return { tokens: this.tokens, end: i, hadComment: this.hadComment };
  }

  /** Skip backslash-newline splices at i (C11 5.1.1.2 phase 2); gcc allows blanks between. */
  private splice(i: number): number {
    const t = this.text;
    while (t.charCodeAt(i) === CH_BACKSLASH) {
      let j = i + 1;
      let blanks = false;
      while (j < this.len && t.charCodeAt(j) !== CH_NL && CHAR_CLASS[t.charCodeAt(j)]! & CC_SPACE) {
        if (t.charCodeAt(j) !== CH_CR) blanks = true;
        j++;
      }
      if (t.charCodeAt(j) !== CH_NL) break;
      if (blanks && !this.warnedSplices.has(i)) {
        this.warnedSplices.add(i);
        this.warn("W1004", i, j, "backslash and newline separated by space");
      }
      i = j + 1;
    }
    return i;
  }

  /** If a comment starts at i, skip it and return the offset after it; else -1. */
  private comment(i: number): number {
    const n = this.splice(i + 1);
    const c = this.text.charCodeAt(n);
    if (c === CH_STAR) {
      const close = this.text.indexOf("*/", n + 1);
      if (close >= 0) return close + 2;
      this.error("E1001", i, i + 2, "unterminated comment");
      return this.len;
    }
    if (c !== CH_SLASH) return -1;
    // A `//` comment ends at the first newline that is not spliced.
    let j = n + 1;
    for (;;) {
      const nl = this.text.indexOf("\n", j);
      if (nl < 0) return this.len;
      const before = this.splice(this.lastBackslash(j, nl));
      if (before <= nl) return nl;
      this.warn("W1009", i, i + 2, "multi-line comment");
      j = nl + 1;
    }
  }

  /** Offset of a backslash followed only by blanks up to nl, or nl itself. */
  private lastBackslash(from: number, nl: number): number {
    let k = nl - 1;
    while (k >= from && CHAR_CLASS[this.text.charCodeAt(k)]! & CC_SPACE) k--;
    return k >= from && this.text.charCodeAt(k) === CH_BACKSLASH ? k : nl;
  }

  private token(i: number, ws: string): number {
    const t = this.text;
    const c = t.charCodeAt(i);
    const mode = this.src.mode;
    if (isIdentStart(c, mode)) {
      const end = this.scanWhile(i, (ch) => isIdentChar(ch, mode));
      const q = t.charCodeAt(end);
      if ((q === CH_DQUOTE || q === CH_QUOTE) && mode === "c" && isLiteralPrefix(t, i, end)) {
        return this.quoted(i, end, ws);
      }
      return this.push("ident", i, end, ws);
    }
    if (
      (c < ASCII_LIMIT && CHAR_CLASS[c]! & CC_DIGIT) ||
      (c === CH_DOT && isDigitAt(t, this.splice(i + 1)))
    ) {
      return this.push("number", i, this.ppNumber(i), ws);
    }
    if (c === CH_DQUOTE || c === CH_QUOTE) return this.quoted(i, i, ws);
    if (c === CH_LT && this.afterInclude()) {
      const close = t.indexOf(">", i + 1);
      const nl = t.indexOf("\n", i + 1);
      if (close >= 0 && (nl < 0 || close < nl)) return this.push("header", i, close + 1, ws);
    }
    for (const p of PUNCT_BY_FIRST[c] ?? []) {
      if (p.length === 1 || t.startsWith(p, i)) return this.push("punct", i, i + p.length, ws);
    }
    const width = c >= HIGH_SURROGATE_FIRST && c < LOW_SURROGATE_FIRST ? 2 : 1;
    return this.push("other", i, i + width, ws);
  }

  private afterInclude(): boolean {
    const toks = this.tokens;
    return (
      toks.length === 2 &&
      toks[0]!.text === "#" &&
      toks[0]!.kind === "punct" &&
      INCLUDE_DIRECTIVES.has(toks[1]!.text)
    );
  }

  private scanWhile(i: number, ok: (c: number) => boolean): number {
    let j = i + 1;
    for (;;) {
      const k = this.splice(j);
      if (k >= this.len || !ok(this.text.charCodeAt(k))) return j;
      j = k + 1;
    }
  }

  /** pp-number (C11 6.4.8): digits, letters, `_`, `.`, and e+ e- p+ p- pairs. */
  private ppNumber(i: number): number {
    let j = i + 1;
    for (;;) {
      const k = this.splice(j);
      if (k >= this.len) return j;
      const c = this.text.charCodeAt(k);
      if (isIdentChar(c, this.src.mode) || c === CH_DOT) {
        const lower = c | ASCII_CASE_BIT;
        const n = this.splice(k + 1);
        const sign = this.text.charCodeAt(n);
        if (
          (lower === CH_LOWER_E || lower === CH_LOWER_P) &&
          (sign === CH_PLUS || sign === CH_MINUS)
        ) {
          j = n + 1;
        } else j = k + 1;
      } else return j;
    }
  }

  /**
   * A string or character literal from `start` (its prefix) with the quote at q. Unterminated:
   * the rest of the line becomes one token; gcc warns in C and is silent in asm mode, where
   * `$'a` is a valid gas character constant.
   */
  private quoted(start: number, q: number, ws: string): number {
    const t = this.text;
    const quote = t.charCodeAt(q);
    let j = q + 1;
    for (;;) {
      j = this.splice(j);
      if (j >= this.len || t.charCodeAt(j) === CH_NL) break;
      const c = t.charCodeAt(j);
      if (c === quote) {
        return this.push(quote === CH_QUOTE ? "char" : "string", start, j + 1, ws);
      }
      j += c === CH_BACKSLASH ? 2 : 1;
      if (j > this.len) j = this.len;
    }
    if (this.src.mode === "c") {
      const which = quote === CH_QUOTE ? "'" : '"';
      this.warn("W1005", start, j, `missing terminating ${which} character`);
    }
    let end = j;
    while (end > start && CHAR_CLASS[t.charCodeAt(end - 1)]! & CC_SPACE) end--;
    this.push("other", start, end, ws);
    return j;
  }

  private push(kind: TokKind, start: number, end: number, ws: string): number {
    let text = this.text.slice(start, end);
    if (text.includes("\n")) text = text.replace(/\\[ \t\r\v\f]*\n/g, "");
    this.tokens.push(new Token(kind, text, this.src.locOf(start, end), ws));
    return end;
  }

  private error(code: string, start: number, end: number, message: string): void {
    this.src.diags?.error(code, this.src.locOf(start, end), message);
  }

  private warn(code: string, start: number, end: number, message: string): void {
    this.src.diags?.warning(code, this.src.locOf(start, end), message);
  }
}

function isDigitAt(t: string, i: number): boolean {
  const c = t.charCodeAt(i);
  return c >= CH_0 && c <= CH_9;
}

/** L, u, U and u8 prefix wide and UTF literals (C11 6.4.4.4, 6.4.5). */
function isLiteralPrefix(t: string, start: number, end: number): boolean {
  const p = t.slice(start, end);
  return p === "L" || p === "u" || p === "U" || (p === "u8" && t.charCodeAt(end) === CH_DQUOTE);
}
