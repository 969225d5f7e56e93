// The assembler's tokens and its one reused Chevrotain lexer. Input is one logical line of GNU as
// AT&T source (after cpp and gas macro substitution); `#` comments and `/* */` comments within the
// line are skipped here, `;` is a token (statement separator) that parse-line.ts splits on.
// Tokens that are never valid (an unterminated string, a bad char constant, `%foo` that names no
// register) are real tokens rather than lexer errors, so the parser stops on them and the error
// carries the token's exact span and a precise message.
import { createToken, Lexer, type TokenType } from "chevrotain";
import { CONTROL_REGISTERS, GPR16, GPR32, GPR64, GPR8, GPR8_HIGH, SEGMENT_REGISTERS } from "../isa/registers.js"; // prettier-ignore

/** Characters that may continue a symbol name (GNU as: letters, digits, `_`, `.`, `$`). */
const NAME_CONTINUE = "[A-Za-z0-9_.$]";

// --- categories ------------------------------------------------------------------------------

/** Every real token: a directive's raw argument tail is `Any*` (see parser.ts `directive`). */
export const Any = createToken({ name: "Any", pattern: Lexer.NA });
/** Tokens that can be a binary operator in an expression. */
export const BinaryOp = createToken({ name: "BinaryOp", pattern: Lexer.NA });
/** Tokens that can be a unary operator in an expression. */
export const UnaryOp = createToken({ name: "UnaryOp", pattern: Lexer.NA });
/** Any register; the class tokens below are its categories' members. */
export const Register = createToken({ name: "Register", pattern: Lexer.NA });

function tok(name: string, pattern: RegExp | string, ...categories: TokenType[]): TokenType {
  return createToken({ name, pattern, categories: [Any, ...categories] });
}

/** A register class token: `%name` for the given names, case-insensitive, whole word only. */
function registerToken(name: string, names: readonly string[]): TokenType {
  const sorted = [...names].sort((a, b) => b.length - a.length);
  const pattern = new RegExp(`%(?:${sorted.join("|")})(?!${NAME_CONTINUE})`, "i");
  return createToken({ name, pattern, categories: [Any, Register] });
}

// --- skipped -----------------------------------------------------------------------------------

export const WhiteSpace = createToken({
  name: "WhiteSpace",
  pattern: /[ \t\r\n\f\v]+/,
  group: Lexer.SKIPPED,
});
/** `/* ... *\/` within the line; the unrolled loop matches in linear time. */
export const BlockComment = createToken({
  name: "BlockComment",
  pattern: /\/\*[^*]*\*+(?:[^/*][^*]*\*+)*\//,
  group: Lexer.SKIPPED,
});
/** `#` to the end of the line is a comment in x86 GNU as (outside strings and char constants). */
export const LineComment = createToken({
  name: "LineComment",
  pattern: /#[^\n]*/,
  group: Lexer.SKIPPED,
});

// --- literals and names -------------------------------------------------------------------------

export const UnterminatedComment = tok("UnterminatedComment", /\/\*[^\n]*/);
/** A string with C escapes; decoded by the visitor. */
export const StringLit = tok("StringLit", /"(?:[^"\\\n]|\\[^\n])*"/);
export const UnterminatedString = tok("UnterminatedString", /"[^\n]*/);
/** `'a`, `'a'`, `'\n'`, `'\101`, `'\x41`: the closing quote is optional, as in GNU as. */
export const CharLit = tok("CharLit", /'(?:\\(?:[0-7]{1,3}|x[0-9A-Fa-f]+|[^\n])|[^\\\n])'?/);
export const BadChar = tok("BadChar", /'\\?/);
/**
 * Anything starting with a digit up to the end of the word: decimal, 0x, 0b, octal, `1b`/`1f`
 * local references and malformed numbers (`09`, `0x`, `12ab`), told apart by the visitor so a bad
 * number is one token with one precise error.
 */
export const NumberLit = tok("NumberLit", /[0-9][A-Za-z0-9_]*/);
/** A name starting with `.`: a directive at statement start, else a symbol (`.Lfoo`). */
export const DotName = tok("DotName", new RegExp(`\\.${NAME_CONTINUE}+`));
/** The location counter. */
export const Dot = tok("Dot", /\./);
export const Name = tok("Name", new RegExp(`[A-Za-z_]${NAME_CONTINUE}*`));
/** `@function`, `@progbits`: symbol and section types in directive arguments. */
export const TypeName = tok("TypeName", new RegExp(`@[A-Za-z_]${NAME_CONTINUE}*`));

// --- registers -----------------------------------------------------------------------------------

export const RegGpr64 = registerToken("RegGpr64", GPR64);
export const RegGpr32 = registerToken("RegGpr32", GPR32);
export const RegGpr16 = registerToken("RegGpr16", GPR16);
export const RegGpr8 = registerToken("RegGpr8", [...GPR8, ...GPR8_HIGH]);
export const RegSegment = registerToken("RegSegment", SEGMENT_REGISTERS);
export const RegControl = registerToken(
  "RegControl",
  CONTROL_REGISTERS.map((n) => `cr${n}`),
);
export const RegRip = registerToken("RegRip", ["rip"]);
/** The register class tokens (members of the Register category). */
export const REGISTER_TOKENS: ReadonlySet<TokenType> = new Set([
  RegGpr64, RegGpr32, RegGpr16, RegGpr8, RegSegment, RegControl, RegRip,
]); // prettier-ignore
/** `%word` naming no register: `%object` in `.type`, else "bad register name". */
export const PercentName = tok("PercentName", new RegExp(`%[A-Za-z_.$]${NAME_CONTINUE}*`));

// --- punctuation and operators (longest first) ------------------------------------------------

export const OrOr = tok("OrOr", "||", BinaryOp);
export const AndAnd = tok("AndAnd", "&&", BinaryOp);
export const ShiftLeft = tok("ShiftLeft", "<<", BinaryOp);
export const ShiftRight = tok("ShiftRight", ">>", BinaryOp);
export const LessEq = tok("LessEq", "<=", BinaryOp);
export const GreaterEq = tok("GreaterEq", ">=", BinaryOp);
export const EqEq = tok("EqEq", "==", BinaryOp);
export const NotEq = tok("NotEq", "!=", BinaryOp);
export const LessGreater = tok("LessGreater", "<>", BinaryOp);
export const Pipe = tok("Pipe", "|", BinaryOp);
export const Amp = tok("Amp", "&", BinaryOp);
export const Caret = tok("Caret", "^", BinaryOp);
export const Bang = tok("Bang", "!", BinaryOp, UnaryOp);
export const Plus = tok("Plus", "+", BinaryOp, UnaryOp);
export const Minus = tok("Minus", "-", BinaryOp, UnaryOp);
export const Star = tok("Star", "*", BinaryOp);
export const Slash = tok("Slash", "/", BinaryOp);
export const Percent = tok("Percent", "%", BinaryOp);
export const Less = tok("Less", "<", BinaryOp);
export const Greater = tok("Greater", ">", BinaryOp);
export const Tilde = tok("Tilde", "~", UnaryOp);
export const Equals = tok("Equals", "=");
export const LParen = tok("LParen", "(");
export const RParen = tok("RParen", ")");
export const Comma = tok("Comma", ",");
export const Colon = tok("Colon", ":");
export const Semicolon = tok("Semicolon", ";");
export const Dollar = tok("Dollar", "$");

/** Order matters: the first pattern that matches wins, so longer forms come first. */
export const ALL_TOKENS: TokenType[] = [
  WhiteSpace, BlockComment, UnterminatedComment, LineComment,
  StringLit, UnterminatedString, CharLit, BadChar, NumberLit, DotName, Dot, Name, TypeName,
  RegGpr64, RegGpr32, RegGpr16, RegGpr8, RegSegment, RegControl, RegRip, PercentName,
  OrOr, AndAnd, ShiftLeft, ShiftRight, LessEq, GreaterEq, EqEq, NotEq, LessGreater,
  Pipe, Amp, Caret, Bang, Plus, Minus, Star, Slash, Percent, Less, Greater, Tilde,
  Equals, LParen, RParen, Comma, Colon, Semicolon, Dollar,
  Any, BinaryOp, UnaryOp, Register,
]; // prettier-ignore

/**
 * The one lexer: built (and its patterns analysed) once per process. Pattern validation is
 * skipped here (it is half the construction cost, paid by every CLI start) and done by
 * test/unit/asm/line-template.test.ts, which builds the same lexer with validations on.
 */
export const LEXER_CONFIG = {
  positionTracking: "onlyOffset",
  ensureOptimizations: true,
} as const;
export const asmLexer = new Lexer(ALL_TOKENS, { ...LEXER_CONFIG, skipValidations: true });

// --- literal values ------------------------------------------------------------------------------
// Decoding is lexical, so it lives with the tokens; the visitor calls these on token images.

const U64_LIMIT = 1n << 64n;
const MAX_EXACT_DIGITS = 15;
const BYTE_MASK = 0xff;
const CH_0 = 48, CH_7 = 55, CH_9 = 57, CH_B = 98, CH_F = 102, CH_X = 120; // prettier-ignore

export type NumberValue =
  | { kind: "num"; value: bigint }
  | { kind: "localref"; label: string; dir: "b" | "f" }
  | { kind: "too-big" }
  | { kind: "bad"; why: string };

function allDigits(s: string, from: number, to: number, maxDigit: number): boolean {
  if (from >= to) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < CH_0 || c > maxDigit) return false;
  }
  return true;
}

function allHex(s: string, from: number): boolean {
  if (from >= s.length) return false;
  for (let i = from; i < s.length; i++) if (hexDigit(s.charCodeAt(i)) < 0) return false;
  return true;
}

function sized(value: bigint): NumberValue {
  return value < U64_LIMIT ? { kind: "num", value } : { kind: "too-big" };
}

/**
 * A NumberLit image → value: `0x1f` hex, `0b101` binary, `017` octal, `42` decimal, `1b`/`771f`
 * numeric local label references (a lone `0b` is label 0 backwards, as in GNU as).
 */
export function decodeNumber(s: string): NumberValue {
  const n = s.length;
  const c1 = n > 1 ? s.charCodeAt(1) | 0x20 : 0; // lower-cased second character
  if (s.charCodeAt(0) === CH_0 && c1 === CH_X) {
    if (allHex(s, 2)) return sized(BigInt(s));
    return { kind: "bad", why: n === 2 ? ": '0x' needs hex digits" : "" };
  }
  if (s.charCodeAt(0) === CH_0 && c1 === CH_B && n > 2 && allDigits(s, 2, n, CH_0 + 1)) {
    return sized(BigInt(`0b${s.slice(2)}`));
  }
  const last = s.charCodeAt(n - 1);
  if ((last === CH_B || last === CH_F) && allDigits(s, 0, n - 1, CH_9)) {
    return { kind: "localref", label: s.slice(0, n - 1), dir: last === CH_B ? "b" : "f" };
  }
  if (s.charCodeAt(0) === CH_0) {
    if (allDigits(s, 0, n, CH_7)) return sized(BigInt(`0o${s}`));
    return { kind: "bad", why: allDigits(s, 0, n, CH_9) ? ": bad octal digit" : "" };
  }
  if (allDigits(s, 0, n, CH_9)) {
    // Up to 15 digits is exact as a double, and BigInt(number) is twice as fast as parsing.
    return n <= MAX_EXACT_DIGITS ? { kind: "num", value: BigInt(Number(s)) } : sized(BigInt(s));
  }
  return { kind: "bad", why: "" };
}

/** Single-letter escapes of GNU as strings and char constants (others stand for themselves). */
const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  b: 0x08, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09,
}; // prettier-ignore

/** One escape after a backslash at s[i]: its byte value and the index just past it. */
function decodeEscape(s: string, i: number): { value: number; next: number } {
  const c = s.charCodeAt(i);
  if (c >= CH_0 && c <= CH_7) {
    let value = 0;
    let j = i;
    while (j < i + 3 && s.charCodeAt(j) >= CH_0 && s.charCodeAt(j) <= CH_7) {
      value = value * 8 + s.charCodeAt(j++) - CH_0;
    }
    return { value: value & BYTE_MASK, next: j };
  }
  if ((c | 0x20) === CH_X) {
    // GNU as combines every following hex digit and keeps the low byte (`"\x414"` is 0x14).
    let value = 0;
    let j = i + 1;
    for (let d = hexDigit(s.charCodeAt(j)); d >= 0; d = hexDigit(s.charCodeAt(++j))) {
      value = ((value << 4) | d) & BYTE_MASK;
    }
    if (j > i + 1) return { value, next: j };
  }
  const simple = SIMPLE_ESCAPES[s[i]!];
  return { value: simple ?? c, next: i + 1 };
}

function hexDigit(c: number): number {
  if (c >= CH_0 && c <= CH_9) return c - CH_0;
  const l = c | 0x20;
  return l >= 97 && l <= CH_F ? l - 87 : -1;
}

/**
 * A CharLit image (`'a`, `'a'`, `'\n'`, `'\101`) → its value. Escapes follow C (octal, \x);
 * GNU as itself reads `'\101` oddly (as `'1` followed by digits), which no kernel source relies on.
 */
export function decodeChar(image: string): bigint | undefined {
  if (image.length < 2) return undefined;
  if (image.charCodeAt(1) !== 0x5c) return BigInt(image.charCodeAt(1));
  if (image.length < 3) return undefined;
  return BigInt(decodeEscape(image, 2).value);
}

/**
 * A StringLit image (with its quotes) → the bytes it denotes, as a latin1 string. Characters
 * beyond ASCII in the source are emitted as their UTF-8 bytes (the source is read as UTF-8).
 */
export function decodeString(image: string): string {
  const end = image.length - 1;
  if (image.indexOf("\\") < 0 && isAscii(image)) return image.slice(1, end);
  const bytes: number[] = [];
  for (let i = 1; i < end;) {
    const c = image.charCodeAt(i);
    if (c === 0x5c) {
      const esc = decodeEscape(image, i + 1);
      bytes.push(esc.value);
      i = esc.next;
    } else {
      const cp = image.codePointAt(i)!;
      pushUtf8(bytes, cp);
      i += cp > 0xffff ? 2 : 1;
    }
  }
  return String.fromCharCode(...bytes);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function pushUtf8(out: number[], cp: number): void {
  if (cp < 0x80) out.push(cp);
  else if (cp < 0x800) out.push(0xc0 | (cp >> 6), 0x80 | (cp & 0x3f));
  else if (cp < 0x10000) out.push(0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)); // prettier-ignore
  else out.push(0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 0x3f), 0x80 | ((cp >> 6) & 0x3f), 0x80 | (cp & 0x3f)); // prettier-ignore
}
