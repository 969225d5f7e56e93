// Lenient reading of data directive arguments (`.byte`, `.long`, `.quad` ...), for the cases
// where GNU as only warns and assumes a value: an empty argument (`.byte 1,,2`, zero assumed), a
// missing operand (`.long 1 +`, zero assumed), an operator alone (`.byte -`), and a literal wider
// than 64 bits (truncated to the field). Used only after the normal parse of the arguments has
// failed or produced an empty argument, so well-formed sources never pay for it.
import { ASM } from "../diag/codes/asm.js";
import { ASM_SYNTAX } from "../diag/codes/asm-syntax.js";
import type { DirectiveArg, Expr, Span } from "./ast.js";
import type { Assembler, StmtCtx } from "./assembler.js";
import type { Directive } from "./directives.js";
import { parseLine } from "./parse-line.js";

const DQUOTE = 34, SQUOTE = 39, BACKSLASH = 92, COMMA = 44, LPAREN = 40, RPAREN = 41; // prettier-ignore
/** What a piece is parsed behind, so that it parses as a one-argument directive. */
const PROBE = ".quad ";
/** Characters that end an expression missing its right operand. */
const TRAILING_OPERATOR = /[-+*/%<>&|^!~=]\s*$/;
const NUMBER = /\b(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)\b/g;
const MAX_U64 = (1n << 64n) - 1n;
const CHAR_BITS = 8;

/**
 * The arguments of data directive `d` read leniently, with gas's warnings; undefined (after
 * reporting the original syntax error) when some argument is still not an expression.
 */
export function lenientDataArgs(
  a: Assembler,
  ctx: StmtCtx,
  d: Directive,
  width: number,
): DirectiveArg[] | undefined {
  const out: DirectiveArg[] = [];
  const base = d.restSpan.start;
  for (const [start, end] of topLevelPieces(d.rest)) {
    const arg = lenientArg(a, ctx, d.rest.slice(start, end), base + start, width);
    if (!arg) {
      const e = d.argsError;
      if (e) a.diags.error(e.code, a.loc(ctx, e.span), e.message);
      else a.diags.error(ASM.BAD_ARGS, a.loc(ctx, d.restSpan), `bad arguments for ${d.name}`);
      return undefined;
    }
    out.push(arg);
  }
  return out;
}

/** The zero gas assumes for an empty argument, with its warning. */
export function assumedZero(a: Assembler, ctx: StmtCtx, span: Span): DirectiveArg {
  a.diags.warning(ASM.MISSING_EXPR, a.loc(ctx, span), "zero assumed for missing expression");
  return { kind: "expr", expr: { kind: "num", value: 0n, span }, span };
}

function lenientArg(
  a: Assembler,
  ctx: StmtCtx,
  piece: string,
  at: number,
  width: number,
): DirectiveArg | undefined {
  const lead = piece.length - piece.trimStart().length;
  const text = piece.trim();
  const span = { start: at + lead, end: at + lead + text.length };
  if (text === "") return assumedZero(a, ctx, span);
  let parsed = parseOne(text, span.start);
  if (parsed) return parsed;
  const narrowed = truncateBignums(text, width);
  if (narrowed !== text) {
    a.diags.warning(
      ASM_SYNTAX.BIGNUM_TRUNCATED,
      a.loc(ctx, span),
      `bignum truncated to ${width} byte${width === 1 ? "" : "s"}`,
    );
    parsed = parseOne(narrowed, span.start);
    if (parsed) return parsed;
  }
  if (TRAILING_OPERATOR.test(narrowed)) {
    parsed = parseOne(`${narrowed} 0`, span.start);
    if (parsed) {
      a.diags.warning(ASM.MISSING_EXPR, a.loc(ctx, span), "missing operand; zero assumed");
      return parsed;
    }
  }
  return undefined;
}

/** Parse `text` as one expression or string argument; spans shifted to start at `at`. */
function parseOne(text: string, at: number): DirectiveArg | undefined {
  const line = parseLine(PROBE + text);
  const st = line.statements[0];
  if (line.errors.length > 0 || line.statements.length !== 1 || st?.kind !== "directive") return;
  const arg = st.args?.length === 1 ? st.args[0] : undefined;
  if (!arg || arg.kind === "empty" || arg.kind === "type") return undefined;
  const delta = at - PROBE.length;
  if (arg.kind === "string") return { ...arg, span: shift(arg.span, delta) };
  return { kind: "expr", expr: shiftExpr(arg.expr, delta), span: shift(arg.span, delta) };
}

/** Number literals of 2^64 and above replaced by their low `width` bytes. */
function truncateBignums(text: string, width: number): string {
  return text.replace(NUMBER, (lit) => {
    const v = BigInt(lit);
    return v > MAX_U64 ? `0x${BigInt.asUintN(width * CHAR_BITS, v).toString(16)}` : lit;
  });
}

/** [start, end) of the comma-separated pieces of `rest` (outside strings and parentheses). */
function topLevelPieces(rest: string): [number, number][] {
  const out: [number, number][] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < rest.length; i++) {
    const c = rest.charCodeAt(i);
    if (c === DQUOTE) {
      for (i++; i < rest.length && rest.charCodeAt(i) !== DQUOTE; i++)
        if (rest.charCodeAt(i) === BACKSLASH) i++;
    } else if (c === SQUOTE) i += rest.charCodeAt(i + 1) === BACKSLASH ? 2 : 1;
    else if (c === LPAREN) depth++;
    else if (c === RPAREN) depth = Math.max(0, depth - 1);
    else if (c === COMMA && depth === 0) {
      out.push([start, i]);
      start = i + 1;
    }
  }
  out.push([start, rest.length]);
  return out;
}

function shift(s: Span, delta: number): Span {
  return { start: s.start + delta, end: s.end + delta };
}

function shiftExpr(e: Expr, delta: number): Expr {
  const span = shift(e.span, delta);
  switch (e.kind) {
    case "unary":
      return { ...e, arg: shiftExpr(e.arg, delta), span };
    case "binary":
      return { ...e, left: shiftExpr(e.left, delta), right: shiftExpr(e.right, delta), span };
    default:
      return { ...e, span };
  }
}
