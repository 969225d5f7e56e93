// Shared parses for lines of the same shape. Compiler output and entry code repeat a few hundred
// statement shapes with different names, numbers and registers (`movq 176(%rsi), %rax` and
// `movl -8(%rbp), %ecx` are both "name number ( reg64 ) , reg"), so the Chevrotain lexer and
// parser run once per shape, not once per distinct line:
//
//   1. scan the line with a small scanner that mirrors ./lexer.ts's token rules for the common
//      characters (names, numbers, strings, registers, operators, blanks, `#` comments);
//      anything else (char constants, `/`, `\`, bad characters) falls back to parseLine;
//   2. the token classes form the key of a template: a canonical line ("s 0 ( %rax ) , %rax")
//      that the real lexer and parser handle once, giving one CST per statement;
//   3. each line of that shape is built by pointing the template's tokens at the line's own
//      token images and offsets and running the CST visitor (./visitor.ts) on it, so every
//      value, span and visitor check comes from the line itself.
//
// The parser's decisions depend only on token types and on which words are instruction
// prefixes, which the key keeps; the visitor reads images and offsets. A line whose template
// does not parse cleanly, or that the visitor rejects, is parsed by parseLine for its exact
// diagnostics. parseLineFast(text) therefore equals parseLine(text) for every text (tested).
import type { CstNode, IToken, TokenType } from "chevrotain";
import type { ParsedLine, Statement } from "./ast.js";
import * as T from "./lexer.js";
import { asmParser } from "./parser.js";
import { parseLine } from "./parse-line.js";
import { SyntaxFailure, visitStatement, type StatementContext } from "./visitor.js";
import { CONTROL_REGISTERS, GPR16, GPR32, GPR64, GPR8, GPR8_HIGH, SEGMENT_REGISTERS } from "../isa/registers.js"; // prettier-ignore

/** One key character per token class, the canonical image the template uses, the token type. */
interface ClassInfo {
  key: string;
  image: string;
  type: TokenType;
}

const CLASSES: ClassInfo[] = [
  { key: "n", image: "s", type: T.Name },
  { key: "p", image: "lock", type: T.Name }, // an instruction prefix word (the parser's gate)
  { key: "d", image: ".s", type: T.DotName },
  { key: ".", image: ".", type: T.Dot },
  { key: "0", image: "0", type: T.NumberLit },
  { key: "t", image: "@s", type: T.TypeName },
  { key: "w", image: "%s", type: T.PercentName },
  { key: "Q", image: "%rax", type: T.RegGpr64 },
  { key: "L", image: "%eax", type: T.RegGpr32 },
  { key: "W", image: "%ax", type: T.RegGpr16 },
  { key: "B", image: "%al", type: T.RegGpr8 },
  { key: "S", image: "%es", type: T.RegSegment },
  { key: "C", image: "%cr0", type: T.RegControl },
  { key: "R", image: "%rip", type: T.RegRip },
  { key: "o", image: "||", type: T.OrOr },
  { key: "a", image: "&&", type: T.AndAnd },
  { key: "l", image: "<<", type: T.ShiftLeft },
  { key: "r", image: ">>", type: T.ShiftRight },
  { key: "{", image: "<=", type: T.LessEq },
  { key: "}", image: ">=", type: T.GreaterEq },
  { key: "e", image: "==", type: T.EqEq },
  { key: "x", image: "!=", type: T.NotEq },
  { key: "g", image: "<>", type: T.LessGreater },
  { key: "|", image: "|", type: T.Pipe },
  { key: "&", image: "&", type: T.Amp },
  { key: "^", image: "^", type: T.Caret },
  { key: "!", image: "!", type: T.Bang },
  { key: "+", image: "+", type: T.Plus },
  { key: "-", image: "-", type: T.Minus },
  { key: "*", image: "*", type: T.Star },
  { key: "%", image: "%", type: T.Percent },
  { key: "<", image: "<", type: T.Less },
  { key: ">", image: ">", type: T.Greater },
  { key: "~", image: "~", type: T.Tilde },
  { key: "=", image: "=", type: T.Equals },
  { key: "(", image: "(", type: T.LParen },
  { key: ")", image: ")", type: T.RParen },
  { key: ",", image: ",", type: T.Comma },
  { key: ":", image: ":", type: T.Colon },
  { key: ";", image: ";", type: T.Semicolon },
  { key: "$", image: "$", type: T.Dollar },
  { key: '"', image: '"s"', type: T.StringLit }, // decoded by the visitor from the line's image
];
const CLASS_BY_KEY = new Map(CLASSES.map((c) => [c.key.charCodeAt(0), c]));
/** 1 for the key characters of classes whose tokens have their own spelling (names, numbers, registers). */
const OWN_IMAGE = new Uint8Array(128);
for (const k of 'npd0twQLWBSCR"') OWN_IMAGE[k.charCodeAt(0)] = 1;

/** Register names (lower case) → key character, in the lexer's token order (first wins). */
const REGISTER_KEYS = new Map<string, string>();
for (const [key, names] of [
  ["Q", GPR64], ["L", GPR32], ["W", GPR16], ["B", [...GPR8, ...GPR8_HIGH]],
  ["S", SEGMENT_REGISTERS], ["C", CONTROL_REGISTERS.map((n) => `cr${n}`)], ["R", ["rip"]],
] as const) for (const n of names) if (!REGISTER_KEYS.has(n)) REGISTER_KEYS.set(n, key); // prettier-ignore

const PREFIX_WORDS: ReadonlySet<string> = new Set(["lock", "rep", "repe", "repz", "repne", "repnz"]); // prettier-ignore

// Character codes the scanner dispatches on.
const C_TAB = 9, C_LF = 10, C_VT = 11, C_FF = 12, C_CR = 13, C_SPACE = 32, C_HASH = 35; // prettier-ignore
const C_DOLLAR = 36, C_PERCENT = 37, C_DOT = 46, C_0 = 48, C_9 = 57; // prettier-ignore
const C_AT = 64, C_UNDERSCORE = 95; // prettier-ignore
const C_DQUOTE = 34, C_BACKSLASH = 92; // prettier-ignore

/** Register names are at most this long (`r15d`, `cr15`); longer `%names` are not registers. */
const MAX_REGISTER_NAME = 5;
/** Percent-name key code. */
const KEY_PERCENT_NAME = "w".charCodeAt(0);
/** Key codes of other classes the scanner produces (see CLASSES). */
const KEY_DOT = ".".charCodeAt(0);
const KEY_PREFIX = "p".charCodeAt(0);
const KEY_TYPE_NAME = "t".charCodeAt(0);
export const KEY_STRING = '"'.charCodeAt(0);
/**
 * A small open-addressed table from `nameCode` numbers to non-negative values: the scanner and the
 * recipes look up a register name in most lines, and a Map lookup there cost a builtin call.
 */
export class NameCodeTable {
  private readonly keys: Int32Array;
  private readonly values: Int32Array;
  private readonly shift: number;

  constructor(entries: readonly (readonly [number, number])[]) {
    let bits = 4;
    while (1 << bits < entries.length * 4) bits++; // at most a quarter full: short probes
    this.keys = new Int32Array(1 << bits);
    this.values = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    for (const [code, value] of entries) {
      let i = this.slot(code);
      while (this.keys[i] !== 0 && this.keys[i] !== code) i = (i + 1) & (this.keys.length - 1);
      this.keys[i] = code;
      this.values[i] = value;
    }
  }

  private slot(code: number): number {
    return Math.imul(code, NAME_CODE_MULTIPLIER) >>> this.shift;
  }

  /** The value of `code` (a nameCode, -1 for none), or -1. */
  get(code: number): number {
    if (code <= 0) return -1;
    const keys = this.keys;
    for (let i = this.slot(code); ; i = (i + 1) & (keys.length - 1)) {
      const k = keys[i]!;
      if (k === code) return this.values[i]!;
      if (k === 0) return -1;
    }
  }
}
/** Fibonacci hashing's multiplier (2^32 / golden ratio). */
const NAME_CODE_MULTIPLIER = 0x9e3779b1;

/**
 * The same, keyed by `nameCode` of the name: the scanner meets a register in most lines, and a
 * text slice plus toLowerCase() per register was most of its allocation.
 */
const REGISTER_CODES = new NameCodeTable([...REGISTER_KEYS].map(([name, key]) => [nameCode(name, 0, name.length), key.charCodeAt(0)])); // prettier-ignore
/** The instruction prefix words' `nameCode`s (all are at most MAX_REGISTER_NAME letters). */
const PREFIX_CODES = new NameCodeTable([...PREFIX_WORDS].map((w) => [nameCode(w, 0, w.length), 1])); // prettier-ignore

/**
 * A number naming text[start, end) case-insensitively, 6 bits per character (letters and
 * digits only; anything else gives -1), for names of at most MAX_REGISTER_NAME characters.
 */
export function nameCode(text: string, start: number, end: number): number {
  if (end - start > MAX_REGISTER_NAME) return -1;
  let code = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const l = c | 0x20;
    let d: number;
    if (l >= 97 && l <= 122)
      d = l - 96; // 1..26
    else if (c >= C_0 && c <= C_9)
      d = c - C_0 + 27; // 27..36
    else return -1;
    code = code * 64 + d;
  }
  return code;
}

/**
 * Per UTF-16 unit: its classes as bits, one load per test in the scanner's loops (a unit past
 * the end reads undefined, in no class). NAME is the lexer's NAME_CONTINUE, [A-Za-z0-9_.$].
 */
const CHAR_CLASS = new Uint8Array(1 << 16);
const LETTER = 1, DIGIT = 2, NAME = 4, BLANK = 8; // prettier-ignore
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z]/.test(ch)) CHAR_CLASS[c]! |= LETTER | NAME;
  if (/[0-9]/.test(ch)) CHAR_CLASS[c]! |= DIGIT | NAME;
  if (c === C_UNDERSCORE || c === C_DOT || c === C_DOLLAR) CHAR_CLASS[c]! |= NAME;
  if (c === C_SPACE || c === C_TAB || c === C_CR || c === C_LF || c === C_FF || c === C_VT) CHAR_CLASS[c]! |= BLANK; // prettier-ignore
}
function isLetter(c: number): boolean {
  return (CHAR_CLASS[c]! & LETTER) !== 0;
}
function isDigit(c: number): boolean {
  return (CHAR_CLASS[c]! & DIGIT) !== 0;
}
function isNameChar(c: number): boolean {
  return (CHAR_CLASS[c]! & NAME) !== 0;
}
function isBlank(c: number): boolean {
  return (CHAR_CLASS[c]! & BLANK) !== 0;
}
/**
 * Single-character operators and punctuation the scanner accepts ("/" is not: comments), by
 * character code (below 128): 1 for each, whose key is the character itself.
 */
const SINGLE = new Uint8Array(128);
for (const ch of "|&^!+-*%<>~=(),:;$") SINGLE[ch.charCodeAt(0)] = 1;
/** Two-character operators → key character. */
const DOUBLE = new Map<string, string>([
  ["||", "o"], ["&&", "a"], ["<<", "l"], [">>", "r"], ["<=", "{"], [">=", "}"], ["==", "e"], ["!=", "x"], ["<>", "g"],
]); // prettier-ignore
/** 1 for the second characters of the two-character operators (others need no lookup). */
const DOUBLE_SECOND = new Uint8Array(128);
for (const op of DOUBLE.keys()) DOUBLE_SECOND[op.charCodeAt(1)] = 1;
const C_LOWER_L = 108, C_LOWER_R = 114; // prettier-ignore

/**
 * Token boundaries of the line being scanned, in buffers reused for every line (a line has a
 * few dozen tokens at most; they grow if one has more).
 */
let starts = new Int32Array(64);
let ends = new Int32Array(64);
/** The key character (token class) of each token: the key string is built only for new shapes. */
let codes = new Uint16Array(64);

/**
 * The buffers of the last `scan` call, for ./insn-recipe.ts (kept current when they grow;
 * valid until the next scan).
 */
export const SCANNED = { starts, ends, codes };

/** Token class codes (key characters) callers outside this file test for. */
export const KEY_NUMBER = "0".charCodeAt(0);

/**
 * Whether `text` is one label and nothing else (`name:`, `.Lname:`, `12:`) as the parser would
 * read it; its name is text[SCANNED.starts[0], SCANNED.ends[0]). Numeric labels with a leading
 * zero (`01:` is label 1) are left to the parser.
 */
export function isLabelOnly(text: string): boolean {
  return scan(text) === 2 && codes[1] === KEY_COLON && isLabelName(text, 0);
}

/**
 * For a line that starts with one label and goes on (`1: cmpq %r10, (%rax)`): the number of
 * tokens the label takes (2), its name being text[SCANNED.starts[0], SCANNED.ends[0]) and the
 * rest starting at token 2; 0 for any other line. Labels are those `isLabelOnly` accepts.
 */
export function leadingLabel(text: string): number {
  const count = scan(text);
  return count > 2 && codes[1] === KEY_COLON && codes[2] !== KEY_COLON && isLabelName(text, 0) ? 2 : 0; // prettier-ignore
}

/** Whether token i is a label name the parser reads as such (numbers: decimal, no leading zero). */
function isLabelName(text: string, i: number): boolean {
  const c = codes[i]!;
  if (c === KEY_NAME || c === KEY_DOT_NAME) return true;
  if (c !== KEY_NUMBER) return false;
  const s = starts[i]!;
  const e = ends[i]!;
  if (text.charCodeAt(s) === C_0 && e - s > 1) return false;
  for (let k = s; k < e; k++) if (!isDigit(text.charCodeAt(k))) return false;
  return true;
}
const KEY_COLON = ":".charCodeAt(0);
export const KEY_NAME = "n".charCodeAt(0);
/** The key characters of the general-register classes (CLASSES), 64-bit first. */
export const GPR_KEYS = "QLWB";
export const KEY_GPR64 = GPR_KEYS.charCodeAt(0);
export const KEY_DOT_NAME = "d".charCodeAt(0);
/** 1 for the key characters of classes whose tokens have their own spelling. */
export { OWN_IMAGE };

function pushToken(at: number, start: number, end: number, code: number): void {
  if (at === starts.length) {
    const s = new Int32Array(at * 2);
    const e = new Int32Array(at * 2);
    const c = new Uint16Array(at * 2);
    s.set(starts);
    e.set(ends);
    c.set(codes);
    starts = s;
    ends = e;
    codes = c;
    SCANNED.starts = s;
    SCANNED.ends = e;
    SCANNED.codes = c;
  }
  starts[at] = start;
  ends[at] = end;
  codes[at] = code;
}

/**
 * Scan a line into its template key (one character per token, left in `codes`, boundaries in
 * `starts`/`ends`); returns the number of tokens, or -1 where only the real lexer will do.
 */
export function scan(text: string): number {
  if (text === scannedText) return scannedCount; // the buffers still hold it
  const count = scanText(text);
  scannedText = text;
  scannedCount = count;
  return count;
}
/** The text the buffers hold, and its token count. */
let scannedText: string | undefined;
let scannedCount = 0;

function scanText(text: string): number {
  let count = 0;
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) {
      i++;
      continue;
    }
    if (c === C_HASH) break; // a comment to the end of the line
    const start = i;
    let k: number;
    if (isDigit(c)) {
      i++;
      while (i < n && (isLetter(text.charCodeAt(i)) || isDigit(text.charCodeAt(i)) || text.charCodeAt(i) === C_UNDERSCORE)) i++; // prettier-ignore
      k = KEY_NUMBER;
    } else if (c === C_DOT) {
      i++;
      while (i < n && isNameChar(text.charCodeAt(i))) i++;
      k = i - start > 1 ? KEY_DOT_NAME : KEY_DOT;
    } else if (isLetter(c) || c === C_UNDERSCORE) {
      i++;
      while (i < n && isNameChar(text.charCodeAt(i))) i++;
      // Prefix words start with l or r: only those are looked up.
      const c0 = c | 0x20;
      const maybePrefix = c0 === C_LOWER_L || c0 === C_LOWER_R;
      k = maybePrefix && PREFIX_CODES.get(nameCode(text, start, i)) >= 0 ? KEY_PREFIX : KEY_NAME;
    } else if (c === C_PERCENT && i + 1 < n && isWordStart(text.charCodeAt(i + 1))) {
      i += 2;
      while (i < n && isNameChar(text.charCodeAt(i))) i++;
      const reg = REGISTER_CODES.get(nameCode(text, start + 1, i));
      k = reg >= 0 ? reg : KEY_PERCENT_NAME;
    } else if (c === C_AT) {
      if (i + 1 >= n || !(isLetter(text.charCodeAt(i + 1)) || text.charCodeAt(i + 1) === C_UNDERSCORE)) return -1; // prettier-ignore
      i += 2;
      while (i < n && isNameChar(text.charCodeAt(i))) i++;
      k = KEY_TYPE_NAME;
    } else if (c === C_DQUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return -1; // unterminated: the lexer's UnterminatedString reports it
      k = KEY_STRING;
    } else if (c < SINGLE.length && SINGLE[c] === 1) {
      const c2 = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      const two = c2 < DOUBLE_SECOND.length && DOUBLE_SECOND[c2] === 1 ? DOUBLE.get(text.slice(i, i + 2)) : undefined; // prettier-ignore
      if (two !== undefined) {
        i += 2;
        k = two.charCodeAt(0);
      } else {
        i++;
        k = c; // a one-character operator is its own key
      }
    } else return -1; // quotes, `/`, `\`, anything unusual: the real lexer decides
    pushToken(count++, start, i, k);
  }
  return count;
}

/**
 * Index just past the string literal opening at text[start], as ./lexer.ts StringLit matches
 * it (`"`, then characters other than `"`, `\\` and newline, or `\\` and any character but a
 * newline, then `"`); -1 when it is not terminated on the line.
 */
function stringEnd(text: string, start: number): number {
  const n = text.length;
  for (let i = start + 1; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === C_DQUOTE) return i + 1;
    if (c === C_LF) return -1;
    if (c === C_BACKSLASH) {
      if (i + 1 >= n || text.charCodeAt(i + 1) === C_LF) return -1;
      i++;
    }
  }
  return -1;
}

/**
 * The template of the key in `codes[0..count)`, found by a hash of the codes: building the key
 * string a character at a time made a new string per token of every line. The key string is
 * built on a miss or a hash collision, and the string-keyed `template()` decides.
 */
function scannedTemplate(count: number): Template | null {
  let h = KEY_HASH_OFFSET;
  for (let i = 0; i < count; i++) h = Math.imul(h ^ codes[i]!, KEY_HASH_PRIME);
  const hit = byHash.get(h);
  if (hit !== undefined && sameKey(hit.key, count)) return hit.t;
  let key = "";
  for (let i = 0; i < count; i++) key += String.fromCharCode(codes[i]!);
  const t = template(key);
  if (hit === undefined && byHash.size < MAX_TEMPLATES) byHash.set(h, { key, t });
  return t;
}

function sameKey(key: string, count: number): boolean {
  if (key.length !== count) return false;
  for (let i = 0; i < count; i++) if (key.charCodeAt(i) !== codes[i]) return false;
  return true;
}

/** FNV-1a over key characters. */
const KEY_HASH_OFFSET = 2166136261;
const KEY_HASH_PRIME = 16777619;
const byHash = new Map<number, { key: string; t: Template | null }>();

function isWordStart(c: number): boolean {
  return isLetter(c) || c === C_UNDERSCORE || c === C_DOT || c === C_DOLLAR;
}

/** A parsed template: its tokens (re-pointed at each line's images) and one CST per statement. */
interface Template {
  tokens: IToken[];
  /** Per statement: [first token, end token) and its CST. */
  statements: { first: number; end: number; cst: CstNode }[];
}

/** Templates by key; `null` marks a key whose template does not parse cleanly. */
const templates = new Map<string, Template | null>();
/** Shapes are few; past this many something is generating them, so stop remembering. */
const MAX_TEMPLATES = 50_000;

function buildTemplate(key: string): Template | null {
  let text = "";
  for (let i = 0; i < key.length; i++) {
    text += (i > 0 ? " " : "") + CLASS_BY_KEY.get(key.charCodeAt(i))!.image;
  }
  const lexed = T.asmLexer.tokenize(text);
  const tokens = lexed.tokens;
  if (lexed.errors.length > 0 || tokens.length !== key.length) return null;
  for (let i = 0; i < key.length; i++) {
    if (tokens[i]!.tokenType !== CLASS_BY_KEY.get(key.charCodeAt(i))!.type) return null;
  }
  const statements: Template["statements"] = [];
  const parser = asmParser();
  let first = 0;
  for (let i = 0; i <= tokens.length; i++) {
    if (i < tokens.length && tokens[i]!.tokenType !== T.Semicolon) continue;
    if (i > first) {
      parser.input = tokens.slice(first, i);
      const cst = parser.statement();
      if (parser.errors.length > 0) return null;
      statements.push({ first, end: i, cst });
    }
    first = i + 1;
  }
  return { tokens, statements };
}

function template(key: string): Template | null {
  let t = templates.get(key);
  if (t === undefined) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0; // as parseLine: Chevrotain's recognition errors need no stack
    try {
      t = buildTemplate(key);
    } finally {
      Error.stackTraceLimit = limit;
    }
    if (templates.size < MAX_TEMPLATES) templates.set(key, t);
  }
  return t;
}

/**
 * Parse one logical line, sharing the lexer and parser work between lines of the same shape.
 * Returns exactly what parseLine(text) returns (see the file comment).
 */
export function parseLineFast(text: string): ParsedLine {
  const count = scan(text);
  if (count <= 0) return parseLine(text);
  const t = scannedTemplate(count);
  if (!t) return parseLine(text);
  const toks = t.tokens;
  for (let i = 0; i < toks.length; i++) {
    const tok = toks[i]!;
    const start = starts[i]!;
    const end = ends[i]!;
    // Operators and punctuation are spelled exactly as in the template: keep its image.
    if (OWN_IMAGE[codes[i]!] === 1) tok.image = text.slice(start, end);
    tok.startOffset = start;
    tok.endOffset = end - 1;
  }
  if (visited.length > MAX_VISITED) visited.length = 0;
  const from = visited.length;
  try {
    for (const st of t.statements) {
      const ctx: StatementContext = { text, restEnd: ends[st.end - 1]! };
      visitStatement(st.cst, ctx, visited);
    }
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    return parseLine(text); // the line's own error, worded and placed by the full path
  }
  return { statements: visited.slice(from), errors: [] };
}

/**
 * The statements of each line are visited into this shared array and copied out at their exact
 * size: an empty array grown by push() gets room for 16 (most lines have one statement), on
 * every line. Emptied now and then, not per line (setting length 0 drops the backing store).
 */
const visited: Statement[] = [];
const MAX_VISITED = 1024;

/**
 * The statement processor's parse cache, by line text. A parse is kept from a text's second
 * occurrence on: about half of the lines of real code are one-offs (their own label, offset or
 * symbol), and keeping every parse would hold most of the heap and make each young-generation
 * GC copy it. A text seen once costs a 32-bit hash in a table (no map entry, no string kept); a
 * repeated one is parsed twice at most, and its statement objects then stay the same, which
 * lets ./insn.ts reuse their encodings.
 */
/** What `LineParseCache.lookup` returns for a line kept as bytes (`keepRaw`); never parsed. */
export const RAW_LINE: ParsedLine = Object.freeze({ statements: [], errors: [] }) as ParsedLine;

export class LineParseCache {
  /**
   * The texts seen, in an open-addressed table of SEEN_INTS ints per slot: the text's hash
   * (0 = empty slot), then 0 = seen once (nothing kept) or k > 0 = kept entry k - 1. One array,
   * so a probe touches one cache line.
   */
  private table = new Int32Array(INITIAL_SEEN * SEEN_INTS);
  private used = 0;
  /** The slot of the text `lookup` saw once before (to keep at `parseNew`), or -1. */
  private slot = -1;
  /**
   * Per kept entry k, KEPT_INTS ints from k * KEPT_INTS: where its text's characters are in
   * `arena` and how many; for a line kept as bytes (`keepRaw`) also its statement's span and its
   * byte count (the bytes follow the text in the arena), else RAW_NONE. A hit compares the text
   * and copies the bytes from one place: kept texts as strings sent each probe through the
   * array of texts, the string and its parent's characters, three cache misses on a large file.
   */
  private keptInfo = new Int32Array(KEPT_INITIAL * KEPT_INTS);
  private kept = 0;
  /** Kept texts' UTF-16 units, each raw line's bytes after its text (one byte per unit). */
  private arena = new Uint16Array(ARENA_INITIAL);
  private arenaUsed = 0;
  /** Per kept entry: its parse, or RAW_LINE for a line kept as bytes (`keepRaw`). */
  private readonly keptParses: ParsedLine[] = [];
  /** Per kept parse, per statement: its instruction's bytes when reusable (see ./insn.ts). */
  private readonly keptBytes: (Uint8Array | undefined)[][] = [];
  /**
   * The kept entry the last parse() returned, or -1 for a one-off parse: the statements of a
   * kept entry will be seen again, so they are worth remembering more about.
   */
  lastKept = -1;

  constructor() {
    // The arrays are replaced as they grow. V8 takes a field stored only once for a constant,
    // and when the first replacement comes (tens of thousands of lines into a large file) it
    // throws away all optimized code that relied on that: stored a second time here, the fields
    // are known to change before anything is compiled (docs/performance.md, "Ninth session").
    this.table = new Int32Array(INITIAL_SEEN * SEEN_INTS);
    this.keptInfo = new Int32Array(KEPT_INITIAL * KEPT_INTS);
    this.arena = new Uint16Array(ARENA_INITIAL);
  }

  /**
   * Size the table for a file of `lines` lines before the first lookup (growing it as a large
   * file fills it rehashed every text seen so far, several times over). One slot per line: about
   * half of the lines of real code are distinct texts, so the table ends about half full, where
   * it would grow. Twice as many slots cost more than they save: each probe of a table larger
   * than the caches misses them, and a fresh table's pages fault in on first touch (measured in
   * docs/performance.md, "Ninth session").
   */
  expect(lines: number): void {
    if (this.used > 0) return;
    let slots = INITIAL_SEEN;
    while (slots < lines && slots < MAX_PRESIZED) slots *= 2;
    if (slots * SEEN_INTS > this.table.length) this.table = new Int32Array(slots * SEEN_INTS);
  }

  /** The bytes kept for statement `index` of kept entry `kept`. */
  bytesOf(kept: number, index: number): Uint8Array | undefined {
    return this.keptBytes[kept]?.[index];
  }

  keepBytes(kept: number, index: number, bytes: Uint8Array): void {
    (this.keptBytes[kept] ??= [])[index] = bytes;
  }

  parse(text: string): ParsedLine {
    const kept = this.lookup(text);
    if (kept === RAW_LINE) {
      this.lastKept = -1;
      return parseLineFast(text);
    }
    return kept ?? this.parseNew(text);
  }

  /** Whether the text `lookup` just missed was seen before (and is worth keeping now). */
  get wantsKeep(): boolean {
    return this.slot >= 0;
  }

  /**
   * Keep the text `lookup` just missed as the bytes [from, to) of `data`, those of its one
   * instruction statement, whose span is [spanStart, spanEnd): later lookups return RAW_LINE with
   * `lastKept` set.
   */
  keepRaw(
    text: string,
    data: Uint8Array,
    from: number,
    to: number,
    spanStart: number,
    spanEnd: number,
  ): void {
    // prettier-ignore
    const n = to - from;
    const k = this.keep(text, RAW_LINE, n);
    const info = this.keptInfo;
    const at = k * KEPT_INTS;
    info[at + K_SPAN_START] = spanStart;
    info[at + K_SPAN_END] = spanEnd;
    info[at + K_RAW_LENGTH] = n;
    const arena = this.arena;
    const bytesAt = info[at + K_TEXT_AT]! + text.length;
    for (let i = 0; i < n; i++) arena[bytesAt + i] = data[from + i]!;
  }

  /** The span of RAW_LINE entry `kept`'s statement, and its bytes' count. */
  rawSpanStart(kept: number): number {
    return this.keptInfo[kept * KEPT_INTS + K_SPAN_START]!;
  }
  rawSpanEnd(kept: number): number {
    return this.keptInfo[kept * KEPT_INTS + K_SPAN_END]!;
  }
  rawLength(kept: number): number {
    return this.keptInfo[kept * KEPT_INTS + K_RAW_LENGTH]!;
  }

  /** Copy RAW_LINE entry `kept`'s bytes to out[at...]. */
  copyRaw(kept: number, out: Uint8Array, at: number): void {
    const info = this.keptInfo;
    const k = kept * KEPT_INTS;
    const from = info[k + K_TEXT_AT]! + info[k + K_TEXT_LENGTH]!;
    const n = info[k + K_RAW_LENGTH]!;
    const arena = this.arena;
    for (let i = 0; i < n; i++) out[at + i] = arena[from + i]!; // a few bytes: no .set()
  }

  /**
   * The kept parse of `text` if it has one (setting `lastKept`); otherwise undefined, and the
   * caller either handles the line itself or calls `parseNew(text)` next.
   */
  lookup(text: string): ParsedLine | undefined {
    this.lastKept = -1;
    const h = hashText(text);
    const table = this.table;
    const mask = table.length / SEEN_INTS - 1;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const at = i * SEEN_INTS;
      const v = table[at]!;
      if (v === 0) {
        // First occurrence: remember the hash only.
        table[at] = h;
        if (++this.used * 2 > mask + 1) this.grow();
        this.slot = -1;
        return undefined;
      }
      if (v !== h) continue;
      const k = table[at + 1]!;
      if (k === 0) {
        // Second occurrence (or another text with the same hash: it merely gets kept early).
        this.slot = at;
        return undefined;
      }
      if (this.keptTextIs(k - 1, text)) {
        this.lastKept = k - 1;
        return this.keptInfo[(k - 1) * KEPT_INTS + K_RAW_LENGTH] === RAW_NONE
          ? this.keptParses[k - 1]!
          : RAW_LINE;
      }
      // A different kept text with the same hash: keep probing.
    }
  }

  /** Whether kept entry k's text is `text`. */
  private keptTextIs(k: number, text: string): boolean {
    const info = this.keptInfo;
    const n = text.length;
    if (info[k * KEPT_INTS + K_TEXT_LENGTH] !== n) return false;
    const from = info[k * KEPT_INTS + K_TEXT_AT]!;
    const arena = this.arena;
    for (let i = 0; i < n; i++) if (arena[from + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  /** Parse `text`, for which `lookup` just returned undefined, keeping it if seen before. */
  parseNew(text: string): ParsedLine {
    const parsed = parseLineFast(text);
    if (this.slot >= 0) this.keep(text, parsed, 0);
    return parsed;
  }

  /**
   * Make the text `lookup` saw once before a kept entry, with room for `bytes` bytes after its
   * text in the arena (RAW_LINE entries); returns its index.
   */
  private keep(text: string, parsed: ParsedLine, bytes: number): number {
    const k = this.kept++;
    if (this.kept * KEPT_INTS > this.keptInfo.length) this.keptInfo = grown(this.keptInfo, this.kept * KEPT_INTS); // prettier-ignore
    const textAt = this.reserveArena(text.length + bytes);
    const arena = this.arena;
    for (let i = 0; i < text.length; i++) arena[textAt + i] = text.charCodeAt(i);
    const info = this.keptInfo;
    info[k * KEPT_INTS + K_TEXT_AT] = textAt;
    info[k * KEPT_INTS + K_TEXT_LENGTH] = text.length;
    info[k * KEPT_INTS + K_RAW_LENGTH] = RAW_NONE;
    this.keptParses.push(parsed);
    this.table[this.slot + 1] = k + 1;
    this.lastKept = k;
    this.slot = -1;
    return k;
  }

  /** Room for n units at the end of the arena (doubling it when full); returns where. */
  private reserveArena(n: number): number {
    const at = this.arenaUsed;
    if (at + n > this.arena.length) {
      const bigger = new Uint16Array(Math.max(this.arena.length * 2, at + n));
      bigger.set(this.arena.subarray(0, at));
      this.arena = bigger;
    }
    this.arenaUsed = at + n;
    return at;
  }

  private grow(): void {
    const old = this.table;
    const table = new Int32Array(old.length * 2);
    const mask = table.length / SEEN_INTS - 1;
    for (let j = 0; j < old.length; j += SEEN_INTS) {
      const h = old[j]!;
      if (h === 0) continue;
      let i = h & mask;
      while (table[i * SEEN_INTS] !== 0) i = (i + 1) & mask;
      table[i * SEEN_INTS] = h;
      table[i * SEEN_INTS + 1] = old[j + 1]!;
    }
    this.table = table;
  }
}

/** A copy of `a` at least `min` long (doubling). */
function grown(a: Int32Array, min: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(a.length * 2, min));
  b.set(a);
  return b;
}

const SEEN_INTS = 2;
/** `expect` sizes the table up to this many slots; past that it grows as it fills. */
const MAX_PRESIZED = 1 << 21;
/** A kept entry's ints: text offset and length in the arena, span, raw byte count. */
const K_TEXT_AT = 0, K_TEXT_LENGTH = 1, K_SPAN_START = 2, K_SPAN_END = 3, K_RAW_LENGTH = 4; // prettier-ignore
const KEPT_INTS = 5;
/** K_RAW_LENGTH of an entry kept as a parse. */
const RAW_NONE = -1;
const KEPT_INITIAL = 1 << 10;
const ARENA_INITIAL = 1 << 16;
const INITIAL_SEEN = 1 << 12;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a of the text's UTF-16 units, never 0 (the empty slot). */
function hashText(text: string): number {
  let h = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h | 1;
}
