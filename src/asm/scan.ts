// Light character scanning of raw lines for the reader (./reader.ts): statement boundaries, the
// first word after labels, macro arguments. The full grammar lives in ./parser.ts; this only
// finds what the reader must act on before parsing (gas macros and conditionals work on text).

const SEMI = 59, HASH = 35, DQUOTE = 34, SQUOTE = 39, BACKSLASH = 92, SLASH = 47, STAR = 42; // prettier-ignore
const COLON = 58, COMMA = 44, LPAREN = 40, RPAREN = 41, EQUALS = 61; // prettier-ignore
const PERCENT = 37, MINUS = 45, LBRACKET = 91, LBRACE = 123, RBRACE = 125; // prettier-ignore

export function isIdentChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) ||
    (c >= 65 && c <= 90) ||
    (c >= 48 && c <= 57) ||
    c === 95 ||
    c === 46 ||
    c === 36
  );
}

export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 12 || c === 11;
}

/** Index just past a string literal starting at `i` (the opening quote). */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) i++;
    else if (c === DQUOTE) return i + 1;
  }
  return text.length;
}

/** Index just past a gas character constant starting at `i` (`'a`, `'\n'`, `'a'`). */
function skipChar(text: string, i: number): number {
  i++;
  if (text.charCodeAt(i) === BACKSLASH) i++;
  i++;
  if (text.charCodeAt(i) === SQUOTE) i++;
  return Math.min(i, text.length);
}

/**
 * Statement ranges of a line: [start, end) pairs split at `;`, stopping at a `#` comment. Strings,
 * character constants and `/* *\/` comments are skipped; a line whose first non-blank is `/`
 * (not `/*`) is a comment, as x86 gas's line comment character. Returns a flat array [s0, e0, s1, e1...].
 */
export function splitStatements(text: string): number[] {
  // Made only for a line with `;`: most lines are one statement, returned as an exact-size
  // array (an empty array grown by push() gets room for 16 numbers, on every line).
  let out: number[] | undefined;
  let start = 0;
  let i = 0;
  const n = text.length;
  while (i < n && isSpace(text.charCodeAt(i))) i++;
  // x86 gas: `/` first on a line (after blanks) starts a comment, unless it opens `/*`.
  if (text.charCodeAt(i) === SLASH && text.charCodeAt(i + 1) !== STAR) return [0, i];
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === DQUOTE) i = skipString(text, i);
    else if (c === SQUOTE) i = skipChar(text, i);
    else if (c === SLASH && text.charCodeAt(i + 1) === STAR) {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
    } else if (c === HASH) break;
    else if (c === SEMI) {
      (out ??= []).push(start, i);
      start = ++i;
    } else i++;
  }
  const last = Math.min(i, n);
  if (out === undefined) {
    // One statement (most lines): a shared pair, valid until the next call.
    ONE_STATEMENT[0] = start;
    ONE_STATEMENT[1] = last;
    return ONE_STATEMENT;
  }
  out.push(start, last);
  return out;
}

const ONE_STATEMENT: number[] = [0, 0];

/**
 * The first word of a statement: where it is, and its text, sliced only when asked for (the
 * reader looks at most lines' first word by its first character alone).
 */
export class FirstWord {
  /** Where labels end (the start of the rest of the statement). */
  restStart = 0;
  /** Labels precede the word. */
  hasLabels = false;
  wordStart = 0;
  wordEnd = 0;
  private text = "";
  private sliced: string | undefined;

  /** Point at text[wordStart, wordEnd) after labels ending at restStart. */
  set(
    text: string,
    restStart: number,
    hasLabels: boolean,
    wordStart: number,
    wordEnd: number,
  ): void {
    this.text = text;
    this.restStart = restStart;
    this.hasLabels = hasLabels;
    this.wordStart = wordStart;
    this.wordEnd = wordEnd;
    this.sliced = undefined;
  }

  get word(): string {
    return (this.sliced ??= this.text.slice(this.wordStart, this.wordEnd));
  }

  /** The word's first character code, or -1 for no word. */
  get firstChar(): number {
    return this.wordEnd > this.wordStart ? this.text.charCodeAt(this.wordStart) : -1;
  }
}

/**
 * The first word of a statement after any labels (`foo:`, `1:`, `0 :`), in an object shared by
 * every call (the reader asks for one per line): valid until the next call, so a caller copies
 * what it needs before anything that could read another line.
 */
export function firstWord(text: string, start: number, end: number): FirstWord {
  let i = start;
  let hasLabels = false;
  for (;;) {
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    let j = i;
    while (j < end && isIdentChar(text.charCodeAt(j))) j++;
    let k = j;
    while (k < end && isSpace(text.charCodeAt(k))) k++;
    if (j > i && k < end && text.charCodeAt(k) === COLON) {
      i = k + 1;
      hasLabels = true;
      continue;
    }
    FIRST_WORD.set(text, i, hasLabels, i, j);
    return FIRST_WORD;
  }
}

const FIRST_WORD = new FirstWord();

export interface MacroArg {
  text: string;
  /** Column of the argument's first character in the line. */
  start: number;
  end: number;
  /** `name=value` keyword argument: the name (value in text). */
  keyword?: string;
  quoted: boolean;
}

/**
 * Split macro invocation arguments the gas way: separated by commas or blanks outside
 * parentheses and quotes; `name=value` is a keyword argument; quotes are stripped.
 */
export function splitMacroArgs(text: string, start: number, end: number): MacroArg[] {
  const out: MacroArg[] = [];
  let i = start;
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (i >= end) return out;
  for (;;) {
    const a = readArg(text, i, end);
    out.push(a.arg);
    i = a.next;
    while (i < end && isSpace(text.charCodeAt(i))) i++;
    let sawComma = false;
    if (i < end && text.charCodeAt(i) === COMMA) {
      sawComma = true;
      i++;
      while (i < end && isSpace(text.charCodeAt(i))) i++;
    }
    if (i >= end) {
      if (sawComma) out.push({ text: "", start: end, end, quoted: false });
      return out;
    }
  }
}

function readArg(text: string, start: number, end: number): { arg: MacroArg; next: number } {
  let keyword: string | undefined;
  let i = start;
  let j = i;
  while (j < end && isIdentChar(text.charCodeAt(j))) j++;
  if (j > i && j < end && text.charCodeAt(j) === EQUALS && text.charCodeAt(j + 1) !== EQUALS) {
    keyword = text.slice(i, j);
    i = j + 1;
  }
  const valueStart = i;
  if (text.charCodeAt(i) === DQUOTE) {
    const close = skipString(text, i);
    const next = close;
    if (next >= end || isSpace(text.charCodeAt(next)) || text.charCodeAt(next) === COMMA) {
      const inner = text.slice(i + 1, Math.max(i + 1, close - 1));
      const at = keyword !== undefined ? start : valueStart;
      return { arg: { text: inner, start: at, end: close, keyword, quoted: true }, next };
    }
  }
  let depth = 0;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === DQUOTE) i = skipString(text, i);
    else if (c === SQUOTE) i = skipChar(text, i);
    else if (c === LPAREN) (depth++, i++);
    else if (c === RPAREN) ((depth = Math.max(0, depth - 1)), i++);
    else if (depth === 0 && c === COMMA) break;
    else if (depth === 0 && isSpace(c)) {
      let j = i + 1;
      while (j < end && isSpace(text.charCodeAt(j))) j++;
      if (j >= end || !joinsAcrossBlank(text.charCodeAt(i - 1), text.charCodeAt(j))) break;
      i = j;
    } else i++;
  }
  i = Math.min(i, end);
  return {
    arg: {
      text: text.slice(valueStart, i),
      start: keyword !== undefined ? start : valueStart,
      end: i,
      keyword,
      quoted: false,
    },
    next: i,
  };
}

/**
 * x86 gas's scrubber keeps blanks only between two "symbol" characters (identifier characters
 * and x86's extra `*%-([{}`, plus quotes and `\\`), so only such a blank separates arguments:
 * `m 1 - 1` is three arguments, `m 1 + 2` one. True when the blank between `before` and
 * `after` does not separate.
 */
function joinsAcrossBlank(before: number, after: number): boolean {
  if (after === COMMA) return false;
  return !isScrubSymbol(before) || !isScrubSymbol(after);
}

function isScrubSymbol(c: number): boolean {
  return (
    isIdentChar(c) ||
    c === STAR || c === PERCENT || c === MINUS || c === LPAREN || c === LBRACKET ||
    c === LBRACE || c === RBRACE || c === DQUOTE || c === SQUOTE || c === BACKSLASH
  ); // prettier-ignore
}

/** Split `.ifc a, b` operands: two strings separated by a comma, quotes stripped. */
export function splitTwoStrings(rest: string): [string, string] | undefined {
  let i = 0;
  const n = rest.length;
  const parts: string[] = [];
  while (parts.length < 2) {
    while (i < n && isSpace(rest.charCodeAt(i))) i++;
    if (rest.charCodeAt(i) === DQUOTE) {
      const close = skipString(rest, i);
      parts.push(rest.slice(i + 1, close - 1));
      i = close;
      while (i < n && isSpace(rest.charCodeAt(i))) i++;
      if (parts.length === 1) {
        if (rest.charCodeAt(i) !== COMMA) return undefined;
        i++;
      }
    } else if (parts.length === 0) {
      const comma = rest.indexOf(",", i);
      if (comma < 0) return undefined;
      parts.push(rest.slice(i, comma).trim());
      i = comma + 1;
    } else {
      parts.push(rest.slice(i).trim());
      i = n;
    }
  }
  return [parts[0]!, parts[1]!];
}
