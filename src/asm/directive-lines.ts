// The symbol and data directives of compiler output, handled from the scanned tokens without a
// parse:
//
//   .globl NAME          (also .global, .weak, .local, .hidden)
//   .type  NAME, @TYPE   (@function, @object, @notype, STT_ spellings)
//   .size  NAME, .-NAME  (or a number)
//   .quad  NAME, 12, -1  (any data directive of plain numbers and names)
//   .asciz "text", "..." (.ascii, .asciz, .string of string literals)
//   .p2align 4           (.balign, .align: one plain number)
//   .text                (.data, .bss, .rodata, and .section NAME without flags)
//
// gcc writes the first three for every function, each naming it, so they are all distinct lines,
// as are most lines of its tables: each took the template parse and the CST visitor (most of the
// parse time left). Here the token classes of ./line-template.ts `scan` decide: a line of
// exactly one of these shapes does what ./directives.ts does with its parse (the same symbol
// table changes, bytes, fixups and line entry); any other spelling, a type gas would reject, a
// value that would be warned about, or an argument that is not a plain name or number returns
// false and takes the parser, which stays the definition (tested: the same objects and
// diagnostics with and without this path).
import type { Expr, Span } from "./ast.js";
import type { Assembler } from "./assembler.js";
import type { SourceLine } from "./source-line.js";
import { KEY_DOT_NAME, KEY_NAME, KEY_NUMBER, KEY_STRING, SCANNED, scan } from "./line-template.js";
import { ALIGN_UNITS, DATA_WIDTH, STRING_NUL, SYMBOL_TYPES, alignTo, alignmentOf, defaultFill, putString } from "./directives.js"; // prettier-ignore
import { switchToSection } from "./section-directives.js";
import { decodeNumber, decodeString } from "./lexer.js";

const KEY_COMMA = ",".charCodeAt(0);
const KEY_DOT = ".".charCodeAt(0);
const KEY_MINUS = "-".charCodeAt(0);
const KEY_TYPE_NAME = "t".charCodeAt(0);

/** Directives whose handler only sets a binding or visibility on each named symbol. */
const BINDINGS = new Map<string, "global" | "weak" | "local" | "hidden">([
  [".globl", "global"], [".global", "global"], [".weak", "weak"], [".local", "local"], [".hidden", "hidden"],
]); // prettier-ignore

/** Token counts of the three shapes: `.globl n`, `.type n , @t`, `.size n , . - n` / `.size n , 0`. */
const BINDING_TOKENS = 2;
const TYPE_TOKENS = 4;
const SIZE_DOT_TOKENS = 6;
const SIZE_NUMBER_TOKENS = 4;

const C_AT = 0x40;

/**
 * Handle the statement `text` (= line.text[start, start + text.length)) if it is one of the
 * shapes above; false (nothing done) otherwise.
 */
export function symbolDirectiveLine(
  a: Assembler,
  line: SourceLine,
  start: number,
  text: string,
): boolean {
  const count = scan(text);
  if (count < BINDING_TOKENS || SCANNED.codes[0] !== KEY_DOT_NAME || !isName(1)) return false;
  const { starts, ends } = SCANNED;
  const directive = text.slice(starts[0]!, ends[0]!).toLowerCase();
  const name = text.slice(starts[1]!, ends[1]!);
  if (count === BINDING_TOKENS) {
    const b = BINDINGS.get(directive);
    if (b === undefined) return false;
    setBinding(a, name, b);
    return true;
  }
  if (SCANNED.codes[2] !== KEY_COMMA) return false;
  if (directive === ".type") return count === TYPE_TOKENS && typeLine(a, text, name);
  if (directive === ".size") return sizeLine(a, line, start, text, count, name);
  return false;
}

/** Whether token i is a symbol name as an expression reads it (`foo`, `.Lfoo`). */
function isName(i: number): boolean {
  const c = SCANNED.codes[i];
  return c === KEY_NAME || c === KEY_DOT_NAME;
}

/** ./directives.ts `binding` and `hidden` for one name. */
function setBinding(a: Assembler, name: string, b: "global" | "weak" | "local" | "hidden"): void {
  const s = a.symbols.intern(name);
  if (b === "hidden") s.hidden = true;
  else if (b !== "local" || s.binding === undefined || s.binding === "local") s.binding = b;
}

/**
 * `.type name, @type`: ./directives.ts `type` reads the type word as letters and underscores
 * only; anything else (digits, `.`, `$`, an unknown word) is left to it for its diagnostic.
 */
function typeLine(a: Assembler, text: string, name: string): boolean {
  const { starts, ends, codes } = SCANNED;
  if (codes[3] !== KEY_TYPE_NAME || text.charCodeAt(starts[3]!) !== C_AT) return false;
  const word = text.slice(starts[3]! + 1, ends[3]!);
  if (!/^[A-Za-z_]+$/.test(word)) return false;
  const t = SYMBOL_TYPES[word.toLowerCase()];
  if (t === undefined) return false;
  a.symbols.intern(name).type = t;
  return true;
}

/** `.size name, .-name2` or `.size name, number`: the expression ./visitor.ts builds, bound. */
function sizeLine(
  a: Assembler,
  line: SourceLine,
  start: number,
  text: string,
  count: number,
  name: string,
): boolean {
  const e = sizeExpr(text, count);
  if (e === undefined) return false;
  const ctx = { line, base: start };
  const bound = a.bind(ctx, e);
  if (bound) a.symbols.intern(name).size = { expr: bound, loc: a.loc(ctx, e.span) };
  return true;
}

function sizeExpr(text: string, count: number): Expr | undefined {
  const { codes } = SCANNED;
  if (count === SIZE_NUMBER_TOKENS && codes[3] === KEY_NUMBER) {
    const n = decodeNumber(text.slice(SCANNED.starts[3]!, SCANNED.ends[3]!));
    return n.kind === "num" ? { kind: "num", value: n.value, span: tokenSpan(3) } : undefined;
  }
  if (count !== SIZE_DOT_TOKENS || codes[3] !== KEY_DOT || codes[4] !== KEY_MINUS || !isName(5)) {
    return undefined;
  }
  const left: Expr = { kind: "dot", span: tokenSpan(3) };
  const right: Expr = { kind: "sym", name: text.slice(SCANNED.starts[5]!, SCANNED.ends[5]!), span: tokenSpan(5) }; // prettier-ignore
  return { kind: "binary", op: "-", left, right, span: { start: left.span.start, end: right.span.end } }; // prettier-ignore
}

function tokenSpan(i: number): Span {
  return { start: SCANNED.starts[i]!, end: SCANNED.ends[i]! };
}

/**
 * `.quad name, 12, -1` and the other data directives whose arguments are all plain numbers
 * (decimal, hex, octal, binary, negated) or symbol names: what ./directives.ts `data` and `value`
 * do with their parse (the line entry, then per value its bytes or its fixup). A value that would
 * be warned about (out of range, a byte in code), a name that is an equate, a `bss` section or
 * any other argument leave the line to the parser. False (nothing done) then.
 */
export function dataDirectiveLine(
  a: Assembler,
  line: SourceLine,
  start: number,
  text: string,
): boolean {
  const count = scan(text);
  const { starts, ends, codes } = SCANNED;
  if (count < 2 || codes[0] !== KEY_DOT_NAME) return false;
  const directive = text.slice(starts[0]!, ends[0]!).toLowerCase();
  const width = DATA_WIDTH[directive];
  const sec = a.sec;
  if (width === undefined) return stringDirective(a, line, start, text, count, STRING_NUL[directive]); // prettier-ignore
  if (sec.type === "nobits" || (width === 1 && sec.exec)) return false;
  // First pass: the shape and every value's silence, before anything is emitted.
  for (let i = 1; i < count;) {
    const end = valueEnd(a, text, i, count, width);
    if (end < 0 || (end < count && codes[end] !== KEY_COMMA)) return false;
    if (end === count - 1) return false; // a trailing comma: an empty value
    i = end + 1;
  }
  a.lineEntryAt(line, start + starts[0]!, start + ends[count - 1]!);
  const ctx = { line, base: start };
  for (let i = 1; i < count; i = valueEnd(a, text, i, count, width) + 1) {
    const at = sec.reserve(width);
    if (codes[i] === KEY_MINUS || codes[i] === KEY_NUMBER) {
      sec.put(at, width, literal(text, i));
      continue;
    }
    const e: Expr = { kind: "sym", name: text.slice(starts[i]!, ends[i]!), span: tokenSpan(i) };
    a.addFixup({
      frag: sec.frag, off: at, width, role: "data", signed: false, expr: e, end: at + width,
      pcrel: false, loc: a.loc(ctx, e.span),
    }); // prettier-ignore
  }
  return true;
}

/**
 * `.asciz "text"` and the other string directives whose arguments are all string literals: what
 * ./directives.ts `strings` does with their parse (the line entry, then each string's bytes, the
 * escapes decoded as the lexer's `decodeString` does). A `bss` section (an error there) or any
 * other argument leaves the line to the parser.
 */
function stringDirective(
  a: Assembler,
  line: SourceLine,
  start: number,
  text: string,
  count: number,
  nul: boolean | undefined,
): boolean {
  const { starts, ends, codes } = SCANNED;
  const sec = a.sec;
  if (nul === undefined || sec.type === "nobits" || count % 2 !== 0) return false;
  for (let i = 1; i < count; i += 2) {
    if (codes[i] !== KEY_STRING || (i + 1 < count && codes[i + 1] !== KEY_COMMA)) return false;
  }
  a.lineEntryAt(line, start + starts[0]!, start + ends[count - 1]!);
  for (let i = 1; i < count; i += 2) {
    putString(sec, decodeString(text.slice(starts[i]!, ends[i]!)), nul);
  }
  return true;
}

/**
 * The token index after the value starting at token i (a number, `-` number or a name that is no
 * equate), or -1 when it is anything else or a number that ./directives.ts checkData would warn
 * about at this width.
 */
function valueEnd(a: Assembler, text: string, i: number, count: number, width: number): number {
  const c = SCANNED.codes[i];
  if (c === KEY_NAME || c === KEY_DOT_NAME) {
    const name = text.slice(SCANNED.starts[i]!, SCANNED.ends[i]!);
    return a.symbols.equates > 0 && a.symbols.get(name)?.def?.kind === "equ" ? -1 : i + 1;
  }
  const n = c === KEY_MINUS ? i + 1 : i;
  if (n >= count || SCANNED.codes[n] !== KEY_NUMBER) return -1;
  const v = literalOrUndefined(text, i);
  if (v === undefined) return -1;
  if (width < 8) {
    const limit = 1n << BigInt(width * 8);
    if (!(v < limit && v > -limit)) return -1;
  }
  return n + 1;
}

/** The value of the (possibly negated) number at token i, checked by `valueEnd`. */
function literal(text: string, i: number): bigint {
  return literalOrUndefined(text, i)!;
}

function literalOrUndefined(text: string, i: number): bigint | undefined {
  const negated = SCANNED.codes[i] === KEY_MINUS;
  const t = negated ? i + 1 : i;
  const n = decodeNumber(text.slice(SCANNED.starts[t]!, SCANNED.ends[t]!));
  if (n.kind !== "num") return undefined;
  return negated ? -n.value : n.value;
}

/** The directives that switch to the section of their own name (./directives.ts). */
const SIMPLE_SECTIONS = new Set([".text", ".data", ".bss", ".rodata"]);

/**
 * `.p2align 4`, `.balign 8` and `.align 8` with one plain number, and the section switches
 * `.text`, `.data`, `.bss`, `.rodata` and `.section NAME` (one name token, no flags): what
 * ./directives.ts `align` and ./section-directives.ts do with their parse. An alignment that is
 * an error, a fill or a skip limit, any other spelling: false (nothing done), the parser decides.
 */
export function layoutDirectiveLine(
  a: Assembler,
  line: SourceLine,
  start: number,
  text: string,
): boolean {
  const count = scan(text);
  const { starts, ends, codes } = SCANNED;
  if (count < 1 || count > 2 || codes[0] !== KEY_DOT_NAME) return false;
  const directive = text.slice(starts[0]!, ends[0]!).toLowerCase();
  if (count === 1) {
    if (!SIMPLE_SECTIONS.has(directive)) return false;
    switchToSection(a, directive);
    return true;
  }
  if (directive === ".section") {
    if (codes[1] !== KEY_DOT_NAME && codes[1] !== KEY_NAME) return false;
    switchToSection(a, text.slice(starts[1]!, ends[1]!));
    return true;
  }
  const unit = ALIGN_UNITS[directive];
  if (unit === undefined || codes[1] !== KEY_NUMBER) return false;
  const n = literalOrUndefined(text, 1);
  const alignment = n === undefined ? "" : alignmentOf(n, unit);
  if (typeof alignment === "string") return false;
  alignTo(a, alignment, defaultFill(a), Infinity, line.spanLoc(start + starts[0]!, start + ends[1]!)); // prettier-ignore
  return true;
}
