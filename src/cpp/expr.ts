// #if expressions (C11 6.10.1): integer constant expressions evaluated in intmax_t/uintmax_t,
// which are 64-bit on x86-64, with C's precedence, the usual arithmetic conversions, short-
// circuit && || ?: (no diagnostics from unevaluated operands) and division by zero reported.
// The driver has already replaced `defined X` and expanded macros; identifiers left are 0.
import type { DiagnosticBag, Loc } from "../diag/index.js";
import type { Token } from "./types.js";

const INTMAX_BITS = 64;
const CHAR_BITS = 8;
/** int is 32 bits on x86-64: multi-character constants have type int (6.4.4.4p10). */
const INT_BITS = 32;
const BYTE_MASK = 0xff;
/** Code points above the BMP take two UTF-16 units. */
const BMP_LAST = 0xffff;

/** A value with its type: intmax_t or uintmax_t (6.10.1p4). */
interface Value {
  v: bigint;
  unsigned: boolean;
}

class ExprError extends Error {}

/** Binary operators by precedence, loosest first (C11 6.5.5-6.5.14). */
const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  "||": 1,
  "&&": 2,
  "|": 3,
  "^": 4,
  "&": 5,
  "==": 6,
  "!=": 6,
  "<": 7,
  ">": 7,
  "<=": 7,
  ">=": 7,
  "<<": 8,
  ">>": 8,
  "+": 9,
  "-": 9,
  "*": 10,
  "/": 10,
  "%": 10,
};

/** Evaluate; on error report it and return false (gcc treats a bad #if as false). */
export function evaluateIf(toks: Token[], dirLoc: Loc, diags: DiagnosticBag): boolean {
  const p = new ExprParser(toks, dirLoc, diags);
  try {
    return p.parseAll();
  } catch (e) {
    if (e instanceof ExprError) return false;
    throw e;
  }
}

class ExprParser {
  private pos = 0;

  constructor(
    private readonly toks: Token[],
    private readonly dirLoc: Loc,
    private readonly diags: DiagnosticBag,
  ) {}

  parseAll(): boolean {
    if (this.toks.length === 0) this.fail(this.dirLoc, "#if with no expression");
    const r = this.comma(true);
    const extra = this.toks[this.pos];
    if (extra) this.fail(extra.loc, `missing binary operator before token "${extra.text}"`);
    return r.v !== 0n;
  }

  // expression: conditional {, conditional}
  private comma(live: boolean): Value {
    let r = this.conditional(live);
    while (this.accept(",")) r = this.conditional(live);
    return r;
  }

  // conditional: binary [? expression : conditional]
  private conditional(live: boolean): Value {
    const c = this.binary(1, live);
    if (!this.accept("?")) return c;
    const yes = this.comma(live && c.v !== 0n);
    if (!this.accept(":")) this.fail(this.here(), "'?' without following ':'");
    const no = this.conditional(live && c.v === 0n);
    const unsigned = yes.unsigned || no.unsigned;
    return norm(c.v !== 0n ? yes.v : no.v, unsigned);
  }

  // Precedence climbing over BINARY_PRECEDENCE; && and || short-circuit via `live`.
  private binary(minPrec: number, live: boolean): Value {
    let lhs = this.unary(live);
    for (;;) {
      const op = this.toks[this.pos];
      const prec = op && op.kind === "punct" ? BINARY_PRECEDENCE[op.text] : undefined;
      if (prec === undefined || prec < minPrec) return lhs;
      this.pos++;
      const rhsLive =
        op!.text === "&&" ? live && lhs.v !== 0n : op!.text === "||" ? live && lhs.v === 0n : live;
      const rhs = this.binary(prec + 1, rhsLive);
      lhs = this.apply(op!, lhs, rhs, live);
    }
  }

  // unary: (+ | - | ~ | !) unary | primary
  private unary(live: boolean): Value {
    const t = this.toks[this.pos];
    if (t?.kind === "punct" && ["+", "-", "~", "!"].includes(t.text)) {
      this.pos++;
      const a = this.unary(live);
      if (t.text === "+") return a;
      if (t.text === "!") return norm(a.v === 0n ? 1n : 0n, false);
      if (t.text === "~") return norm(~a.v, a.unsigned);
      return this.checked(-a.v, a.unsigned, live, t.loc);
    }
    return this.primary(live);
  }

  // primary: number | character-constant | identifier (= 0) | ( expression )
  private primary(live: boolean): Value {
    const t = this.toks[this.pos];
    if (!t) this.fail(this.here(), "#if with no expression");
    this.pos++;
    if (t.kind === "number") return this.number(t);
    if (t.kind === "char") return charValue(t);
    if (t.kind === "ident") return this.identifier(t);
    if (t.kind === "punct" && t.text === "(") {
      const v = this.comma(live);
      if (!this.accept(")")) this.fail(this.here(), "missing ')' in expression");
      return v;
    }
    return this.fail(t.loc, `token "${t.text}" is not valid in preprocessor expressions`);
  }

  /** An identifier left after expansion is 0 (6.10.1p4); a stray `defined` still works. */
  private identifier(t: Token): Value {
    if (t.text !== "defined") return norm(0n, false);
    return this.fail(t.loc, `operator "defined" requires an identifier`);
  }

  private number(t: Token): Value {
    const r = parseInteger(t.text);
    if (typeof r === "string") return this.fail(t.loc, r);
    if (r.tooLarge)
      this.diags.warning("W1008", t.loc, "integer constant is too large for its type");
    else if (r.madeUnsigned) {
      this.diags.warning("W1008", t.loc, "integer constant is so large that it is unsigned");
    }
    return norm(r.v, r.unsigned);
  }

  private apply(op: Token, a: Value, b: Value, live: boolean): Value {
    const o = op.text;
    if (o === "&&") return norm(a.v !== 0n && b.v !== 0n ? 1n : 0n, false);
    if (o === "||") return norm(a.v !== 0n || b.v !== 0n ? 1n : 0n, false);
    if (o === "<<" || o === ">>") return this.shift(o, a, b, live, op.loc);
    // The usual arithmetic conversions (6.3.1.8): one unsigned operand makes both unsigned.
    const u = a.unsigned || b.unsigned;
    const x = norm(a.v, u).v;
    const y = norm(b.v, u).v;
    switch (o) {
      case "*":
        return this.checked(x * y, u, live, op.loc);
      case "/":
      case "%":
        if (y === 0n) {
          if (live) this.fail(op.loc, "division by zero in #if", "E1019");
          return norm(0n, u);
        }
        return this.checked(o === "/" ? x / y : x % y, u, live, op.loc);
      case "+":
        return this.checked(x + y, u, live, op.loc);
      case "-":
        return this.checked(x - y, u, live, op.loc);
      case "&":
        return norm(x & y, u);
      case "^":
        return norm(x ^ y, u);
      case "|":
        return norm(x | y, u);
      default:
        return norm(compare(o, x, y) ? 1n : 0n, false);
    }
  }

  /** The result has the left operand's type; a negative count shifts the other way (as gcc). */
  private shift(o: string, a: Value, b: Value, live: boolean, loc: Loc): Value {
    let n = b.unsigned ? norm(b.v, true).v : b.v;
    let left = o === "<<";
    if (n < 0n) {
      n = -n;
      left = !left;
    }
    const width = BigInt(INTMAX_BITS);
    if (left)
      return n >= width ? norm(0n, a.unsigned) : this.checked(a.v << n, a.unsigned, live, loc);
    if (n >= width) return norm(a.v < 0n ? -1n : 0n, a.unsigned);
    return norm(a.v >> n, a.unsigned);
  }

  /** Wrap to 64 bits, warning when a signed result did not fit (6.5p5 makes it undefined). */
  private checked(exact: bigint, unsigned: boolean, live: boolean, loc: Loc): Value {
    const r = norm(exact, unsigned);
    if (!unsigned && r.v !== exact && live) {
      this.diags.warning("W1007", loc, "integer overflow in preprocessor expression");
    }
    return r;
  }

  private accept(text: string): boolean {
    const t = this.toks[this.pos];
    if (t?.kind !== "punct" || t.text !== text) return false;
    this.pos++;
    return true;
  }

  private here(): Loc {
    return this.toks[this.pos]?.loc ?? this.toks[this.toks.length - 1]?.loc ?? this.dirLoc;
  }

  private fail(loc: Loc, message: string, code = "E1018"): never {
    this.diags.error(code, loc, message);
    throw new ExprError(message);
  }
}

function norm(v: bigint, unsigned: boolean): Value {
  return { v: unsigned ? BigInt.asUintN(INTMAX_BITS, v) : BigInt.asIntN(INTMAX_BITS, v), unsigned };
}

function compare(o: string, x: bigint, y: bigint): boolean {
  switch (o) {
    case "<":
      return x < y;
    case ">":
      return x > y;
    case "<=":
      return x <= y;
    case ">=":
      return x >= y;
    case "==":
      return x === y;
    default:
      return x !== y;
  }
}

interface IntegerLiteral {
  v: bigint;
  unsigned: boolean;
  tooLarge: boolean;
  madeUnsigned: boolean;
}

const INTEGER_RE = /^(?:(0[xX])([0-9a-fA-F]+)|(0[bB])([01]+)|([0-9]+))([uUlL]*)$/;
const VALID_SUFFIX = /^(?:[uU]?(?:l|L|ll|LL)?|(?:l|L|ll|LL)[uU])$/;
const UINTMAX = (1n << BigInt(INTMAX_BITS)) - 1n;
const INTMAX = (1n << BigInt(INTMAX_BITS - 1)) - 1n;

/** An integer constant (6.4.4.1, plus GNU 0b): its value, or a message saying what is wrong. */
export function parseInteger(text: string): IntegerLiteral | string {
  const m = INTEGER_RE.exec(text);
  if (!m) {
    if (/^[0-9]*\.|^[0-9]+[eE][+-]?[0-9]|^0[xX][0-9a-fA-F.]*[pP]/.test(text)) {
      return "floating constant in preprocessor expression";
    }
    const suffix = /^(?:0[xX][0-9a-fA-F]*|0[bB][01]*|[0-9]*)(.*)$/.exec(text)![1];
    return `invalid suffix "${suffix}" on integer constant`;
  }
  const suffix = m[6]!;
  if (!VALID_SUFFIX.test(suffix)) return `invalid suffix "${suffix}" on integer constant`;
  const decimal = m[5];
  if (decimal && decimal.length > 1 && decimal.startsWith("0") && /[89]/.test(decimal)) {
    return `invalid digit in octal constant`;
  }
  const v = m[2] ? BigInt(`0x${m[2]}`) : m[4] ? BigInt(`0b${m[4]}`) : octalOrDecimal(decimal!);
  const explicitU = /[uU]/.test(suffix);
  const tooLarge = v > UINTMAX;
  // A decimal constant without u that does not fit intmax_t is unsigned with a warning;
  // hex, octal and binary ones become unsigned silently (6.4.4.1p5).
  const big = v > INTMAX && !explicitU;
  const isDecimal = decimal !== undefined && !(decimal.length > 1 && decimal.startsWith("0"));
  return {
    v: BigInt.asUintN(INTMAX_BITS, v),
    unsigned: explicitU || big,
    tooLarge,
    madeUnsigned: big && isDecimal && !tooLarge,
  };
}

function octalOrDecimal(digits: string): bigint {
  return digits.length > 1 && digits.startsWith("0")
    ? BigInt(`0o${digits.slice(1)}`)
    : BigInt(digits);
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, E: 27,
  "\\": 92, "'": 39, '"': 34, "?": 63,
}; // prettier-ignore

/** A character constant (6.4.4.4): plain ones are `char`, signed on x86-64, as an int. */
function charValue(t: Token): Value {
  const prefix = t.text.slice(0, t.text.indexOf("'"));
  const body = t.text.slice(prefix.length + 1, -1);
  const units = charUnits(body);
  if (prefix !== "") return norm(BigInt(units[units.length - 1] ?? 0), prefix !== "L");
  if (units.length === 1) return norm(BigInt.asIntN(CHAR_BITS, BigInt(units[0]!)), false);
  // Multi-character constants: gcc shifts each char in, keeping an int.
  let v = 0n;
  for (const u of units) v = (v << BigInt(CHAR_BITS)) | BigInt(u & BYTE_MASK);
  return norm(BigInt.asIntN(INT_BITS, v), false);
}

function charUnits(body: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c !== "\\") {
      for (const b of new TextEncoder().encode(String.fromCodePoint(body.codePointAt(i)!)))
        out.push(b);
      i += body.codePointAt(i)! > BMP_LAST ? 2 : 1;
      continue;
    }
    const e = body[i + 1] ?? "";
    const octal = /^[0-7]{1,3}/.exec(body.slice(i + 1));
    if (octal) {
      out.push(parseInt(octal[0], 8));
      i += 1 + octal[0].length;
    } else if (e === "x") {
      const hex = /^[0-9a-fA-F]+/.exec(body.slice(i + 2))?.[0] ?? "0";
      out.push(parseInt(hex, 16));
      i += 2 + hex.length;
    } else {
      out.push(SIMPLE_ESCAPES[e] ?? e.charCodeAt(0));
      i += 2;
    }
  }
  return out;
}
