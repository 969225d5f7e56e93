// Shared helpers for the front-end tests: parse one line and pick out its parts, evaluate
// expressions with a small table-driven EvalContext.
import { expect } from "vitest";
import type {
  DirectiveArg,
  EvalContext,
  Expr,
  Operand,
  Statement,
  Value,
} from "../../../src/asm/ast.js";
import { parseLine } from "../../../src/asm/parse-line.js";
import { evaluate } from "../../../src/asm/expr.js";

/** The statements of a line that must parse without errors. */
export function ok(text: string): Statement[] {
  const line = parseLine(text);
  expect(line.errors, `errors for ${JSON.stringify(text)}`).toEqual([]);
  return line.statements;
}

export function one(text: string): Statement {
  const s = ok(text);
  expect(s).toHaveLength(1);
  return s[0]!;
}

export function insn(text: string): Extract<Statement, { kind: "insn" }> {
  const s = one(text);
  if (s.kind !== "insn") throw new Error(`not an instruction: ${text}`);
  return s;
}

export function operands(text: string): Operand[] {
  return insn(text).operands;
}

export function directive(text: string): Extract<Statement, { kind: "directive" }> {
  const s = one(text);
  if (s.kind !== "directive") throw new Error(`not a directive: ${text}`);
  return s;
}

export function args(text: string): DirectiveArg[] {
  const d = directive(text);
  expect(d.argsError).toBeUndefined();
  return d.args!;
}

/** The expression of `.quad <text>`. */
export function expr(text: string): Expr {
  const a = args(`.quad ${text}`);
  expect(a).toHaveLength(1);
  const arg = a[0]!;
  if (arg.kind !== "expr") throw new Error(`not an expression: ${text}`);
  return arg.expr;
}

/** Symbols: name → value; anything else is undefined ({add: undef}). */
export function context(
  symbols: Record<string, Value> = {},
  dotValue?: Value,
): EvalContext & {
  warnings: string[];
} {
  const warnings: string[] = [];
  return {
    warnings,
    symbol: (name) => symbols[name] ?? { addend: 0n, add: { kind: "undef", name } },
    localRef: (label, dir) => symbols[`${label}${dir}`] ?? { addend: 0n, add: { kind: "undef", name: `${label}${dir}` } }, // prettier-ignore
    dot: () => dotValue ?? { addend: 0n, add: { kind: "section", section: 1 } },
    warn: (code, message) => warnings.push(`${code} ${message}`),
  };
}

/** Evaluate `.quad <text>`'s expression to a constant. */
export function value(text: string, symbols: Record<string, Value> = {}): bigint {
  const v = evaluate(expr(text), context(symbols));
  if ("error" in v) throw new Error(`${text}: ${v.error}`);
  expect(v.add, text).toBeUndefined();
  expect(v.sub, text).toBeUndefined();
  return v.addend;
}

/** A text's substring under a span, to check spans by what they cover. */
export function under(text: string, span: { start: number; end: number }): string {
  return text.slice(span.start, span.end);
}
