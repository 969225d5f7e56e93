// The expression evaluator: an Expr (./ast.ts, from the parser) → a Value in GNU as's terms — a
// 64-bit two's-complement constant plus at most one added and one subtracted base (a section
// location or an undefined symbol) — or an EvalError. Symbols, numeric local references and `.`
// are resolved through the caller's EvalContext, so the driver can evaluate the same expression
// again as layout changes. Semantics checked against GNU as 2.40 on x86-64:
//   - `>>` is a logical shift; a shift count outside 0..63 gives 0 and a warning;
//   - comparisons give -1 (true) or 0, `&&` `||` and unary `!` give 1 or 0;
//   - binary `!` is "or not" (a | ~b); `/` and `%` truncate toward zero, as in C; dividing by
//     zero warns and divides by 1;
//   - literals and results wrap modulo 2^64 (gas truncates bignums to 8 bytes).
import type { BinaryOp, EvalContext, EvalError, Expr, Span, Value, ValueBase } from "./ast.js";
import { ASM_SYNTAX } from "../diag/codes/asm-syntax.js";

const WIDTH = 64;
const MAX_SHIFT = 63n;
const TRUE = -1n; // GNU as comparisons
const LOGICAL_TRUE = 1n; // GNU as `&&`, `||`, unary `!`

/** Evaluate `e`; never throws on any expression. */
export function evaluate(e: Expr, ctx: EvalContext): Value | EvalError {
  switch (e.kind) {
    case "num":
      return { addend: wrap(e.value) };
    case "sym":
      return ctx.symbol(e.name, e.span);
    case "localref":
      return ctx.localRef(e.label, e.dir, e.span);
    case "dot":
      return ctx.dot(e.span);
    case "reg":
      return { addend: 0n, reg: e.reg };
    case "unary":
      return unary(e.op, e.arg, e.span, ctx);
    case "binary":
      return binary(e, ctx);
  }
}

export function isEvalError(v: Value | EvalError): v is EvalError {
  return "error" in v;
}

function wrap(v: bigint): bigint {
  return BigInt.asIntN(WIDTH, v);
}

function isConstant(v: Value): boolean {
  return v.add === undefined && v.sub === undefined && v.reg === undefined;
}

function err(code: string, error: string, span: Span): EvalError {
  return { error, code, span };
}

function invalidOperands(op: string, span: Span): EvalError {
  return err(ASM_SYNTAX.INVALID_OPERANDS, `invalid operands for '${op}': not constant`, span);
}

function registerMisuse(span: Span): EvalError {
  return err(ASM_SYNTAX.REGISTER_IN_EXPR, "a register can only be compared with '==' or '!='", span); // prettier-ignore
}

// --- unary ---------------------------------------------------------------------------------------

function unary(
  op: "-" | "~" | "!" | "+",
  argExpr: Expr,
  span: Span,
  ctx: EvalContext,
): Value | EvalError {
  const arg = evaluate(argExpr, ctx);
  if (isEvalError(arg)) return arg;
  if (arg.reg) return registerMisuse(span);
  if (op === "+") return arg;
  // `-sym` is kept as a subtracted base, so `0 - a + b` still folds to `b - a`.
  if (op === "-") return negate(arg, span);
  if (!isConstant(arg)) return invalidOperands(op, span);
  if (op === "~") return { addend: wrap(~arg.addend) };
  return { addend: arg.addend === 0n ? LOGICAL_TRUE : 0n };
}

function negate(v: Value, span: Span): Value | EvalError {
  const out: Value = { addend: wrap(-v.addend) };
  if (v.sub) out.add = v.sub;
  if (v.add) out.sub = v.add;
  return out.add || out.sub || isConstant(v) ? out : invalidOperands("-", span);
}

// --- binary --------------------------------------------------------------------------------------

function binary(e: Extract<Expr, { kind: "binary" }>, ctx: EvalContext): Value | EvalError {
  const left = evaluate(e.left, ctx);
  if (isEvalError(left)) return left;
  const right = evaluate(e.right, ctx);
  if (isEvalError(right)) return right;
  if (left.reg || right.reg) return registerComparison(e.op, left, right, e.span);
  switch (e.op) {
    case "+":
      return combine(left, right, 1, e.span);
    case "-":
      return combine(left, right, -1, e.span);
    case "==":
    case "!=":
    case "<>":
    case "<":
    case ">":
    case "<=":
    case ">=": // prettier-ignore
      return compare(e.op, left, right, e.span);
    default:
      if (!isConstant(left) || !isConstant(right)) return invalidOperands(e.op, e.span);
      return arithmetic(e.op, left.addend, right.addend, e.span, ctx);
  }
}

/** `.if \\reg == %rsp`: registers compare by identity; anything else on a register is an error. */
function registerComparison(op: BinaryOp, l: Value, r: Value, span: Span): Value | EvalError {
  if (!l.reg || !r.reg || !isEqualityOp(op)) return registerMisuse(span);
  const same = l.reg.cls === r.reg.cls && l.reg.num === r.reg.num && l.reg.size === r.reg.size;
  return { addend: same === (op === "==") ? TRUE : 0n };
}

function isEqualityOp(op: BinaryOp): op is "==" | "!=" | "<>" {
  return op === "==" || op === "!=" || op === "<>";
}

function sameBase(a: ValueBase | undefined, b: ValueBase | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === "section") return b.kind === "section" && a.section === b.section;
  return b.kind === "undef" && a.name === b.name;
}

/**
 * left + sign*right over bases: equal bases on opposite sides cancel (a difference of two
 * locations in one section is a constant); what remains may hold one added and one subtracted
 * base, else the expression is not representable ("invalid operands").
 */
function combine(l: Value, r: Value, sign: 1 | -1, span: Span): Value | EvalError {
  const adds: ValueBase[] = [];
  const subs: ValueBase[] = [];
  if (l.add) adds.push(l.add);
  if (l.sub) subs.push(l.sub);
  const rAdd = sign === 1 ? r.add : r.sub;
  const rSub = sign === 1 ? r.sub : r.add;
  if (rAdd) cancelOrPush(rAdd, subs, adds);
  if (rSub) cancelOrPush(rSub, adds, subs);
  if (adds.length > 1 || subs.length > 1) return invalidOperands(sign === 1 ? "+" : "-", span);
  const out: Value = { addend: wrap(sign === 1 ? l.addend + r.addend : l.addend - r.addend) };
  if (adds[0]) out.add = adds[0];
  if (subs[0]) out.sub = subs[0];
  return out;
}

function cancelOrPush(base: ValueBase, opposite: ValueBase[], same: ValueBase[]): void {
  const i = opposite.findIndex((b) => sameBase(b, base));
  if (i >= 0) opposite.splice(i, 1);
  else same.push(base);
}

/** Comparisons need constants, or two values on the same bases (their addends compare). */
function compare(op: BinaryOp, l: Value, r: Value, span: Span): Value | EvalError {
  if (!sameBase(l.add, r.add) || !sameBase(l.sub, r.sub)) return invalidOperands(op, span);
  const a = l.addend;
  const b = r.addend;
  let result: boolean;
  switch (op) {
    case "==": result = a === b; break;
    case "!=": case "<>": result = a !== b; break;
    case "<": result = a < b; break;
    case ">": result = a > b; break;
    case "<=": result = a <= b; break;
    default: result = a >= b; break;
  } // prettier-ignore
  return { addend: result ? TRUE : 0n };
}

function arithmetic(
  op: BinaryOp,
  a: bigint,
  b: bigint,
  span: Span,
  ctx: EvalContext,
): Value | EvalError {
  switch (op) {
    case "*": return { addend: wrap(a * b) };
    case "/": case "%": // prettier-ignore
      if (b === 0n) {
        // GNU as warns and divides by 1 instead: `5 / 0` is 5, `5 % 0` is 0.
        ctx.warn?.(ASM_SYNTAX.DIVIDE_BY_ZERO, "division by zero", span);
        b = 1n;
      }
      return { addend: wrap(op === "/" ? a / b : a % b) };
    case "<<": case ">>": return { addend: shift(op, a, b, span, ctx) }; // prettier-ignore
    case "|": return { addend: a | b };
    case "&": return { addend: a & b };
    case "^": return { addend: a ^ b };
    case "!": return { addend: a | ~b };
    case "&&": return { addend: a !== 0n && b !== 0n ? LOGICAL_TRUE : 0n };
    case "||": return { addend: a !== 0n || b !== 0n ? LOGICAL_TRUE : 0n };
    default: return invalidOperands(op, span);
  } // prettier-ignore
}

/** Shift counts are unsigned 64-bit; past 63 the result is 0 (with GNU as's warning). */
function shift(op: "<<" | ">>", a: bigint, b: bigint, span: Span, ctx: EvalContext): bigint {
  const count = BigInt.asUintN(WIDTH, b);
  if (count > MAX_SHIFT) {
    ctx.warn?.(ASM_SYNTAX.SHIFT_RANGE, `shift count out of range (${count} is not between 0 and 63)`, span); // prettier-ignore
    return 0n;
  }
  if (op === "<<") return wrap(a << count);
  return wrap(BigInt.asUintN(WIDTH, a) >> count);
}
