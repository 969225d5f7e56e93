// Integer constant expressions (C11 6.6): evaluated in 64-bit two's complement, each result
// brought back to its node's width and signedness, as the machine would compute it. Address
// constants (`&x + 4`, a string literal, a function name) evaluate to a label plus an offset,
// which only initialisers of static objects accept (6.6p9).
import type { Node } from "./ast.js";
import { BITS_PER_BYTE, valueBits, type Type } from "./types.js";

export interface ConstValue {
  val: bigint;
  /** Set for an address constant: the assembly symbol the value is relative to. */
  label?: string;
}

/** Bring a value to the width and signedness of `t` (6.3.1.3 conversions, wrapping). */
export function normalize(v: bigint, t: Type): bigint {
  if (t.kind === "bool") return v !== 0n ? 1n : 0n;
  const bits = t.kind === "ptr" ? t.size * BITS_PER_BYTE : valueBits(t);
  if (bits > 64 || bits <= 0) return v;
  return t.unsigned || t.kind === "ptr" ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
}

export class NotConstant {
  constructor(readonly node: Node) {}
}

export class DivisionByZero {
  constructor(readonly node: Node) {}
}

/** Evaluate `n`; throws NotConstant / DivisionByZero (caught by the parser's wrappers). */
export function evaluate(n: Node): ConstValue {
  switch (n.kind) {
    case "num":
      return { val: normalize(n.val, n.type!) };
    case "cast": {
      const v = evaluate(n.lhs!);
      if (v.label !== undefined) {
        if (n.type!.size !== 8) throw new NotConstant(n);
        return v;
      }
      return { val: normalize(v.val, n.type!) };
    }
    case "add":
    case "sub":
      return addSub(n);
    case "cond": {
      const c = scalar(n.cond!);
      return c !== 0n ? evaluate(n.then!) : evaluate(n.els!);
    }
    case "comma":
      return evaluate(n.rhs!);
    case "not":
      return { val: scalar(n.lhs!) === 0n ? 1n : 0n };
    case "logand":
      return { val: scalar(n.lhs!) !== 0n && scalar(n.rhs!) !== 0n ? 1n : 0n };
    case "logor":
      return { val: scalar(n.lhs!) !== 0n || scalar(n.rhs!) !== 0n ? 1n : 0n };
    case "neg":
      return { val: normalize(-scalar(n.lhs!), n.type!) };
    case "bitnot":
      return { val: normalize(~scalar(n.lhs!), n.type!) };
    case "addr":
      return address(n.lhs!);
    case "var":
      // An array or function name decays to its address (6.3.2.1p3-4).
      if (n.obj && !n.obj.isLocal && (n.type!.kind === "array" || n.type!.kind === "func"))
        return { val: 0n, label: n.obj.asmName };
      throw new NotConstant(n);
    case "member":
      if (n.type!.kind === "array") return address(n);
      throw new NotConstant(n);
    case "complit":
      // A file-scope array literal decays to its (static) address, 6.5.2.5p5.
      if (n.type!.kind === "array") return address(n);
      throw new NotConstant(n);
    default:
      return binary(n);
  }
}

function scalar(n: Node): bigint {
  const v = evaluate(n);
  if (v.label !== undefined) throw new NotConstant(n);
  return v.val;
}

function addSub(n: Node): ConstValue {
  const a = evaluate(n.lhs!);
  const b = evaluate(n.rhs!);
  if (a.label !== undefined && b.label !== undefined) {
    if (n.kind === "sub" && a.label === b.label) return { val: normalize(a.val - b.val, n.type!) };
    throw new NotConstant(n);
  }
  if (b.label !== undefined) {
    if (n.kind === "sub") throw new NotConstant(n);
    return { val: BigInt.asIntN(64, a.val + b.val), label: b.label };
  }
  const val = n.kind === "add" ? a.val + b.val : a.val - b.val;
  if (a.label !== undefined) return { val: BigInt.asIntN(64, val), label: a.label };
  return { val: normalize(val, n.type!) };
}

function binary(n: Node): ConstValue {
  if (!n.lhs || !n.rhs) throw new NotConstant(n);
  const a = scalar(n.lhs);
  const b = scalar(n.rhs);
  const t = n.type!;
  switch (n.kind) {
    case "mul":
      return { val: normalize(a * b, t) };
    case "div":
    case "mod": {
      if (b === 0n) throw new DivisionByZero(n);
      // 6.5.5p6: division truncates toward zero, as BigInt's does.
      return { val: normalize(n.kind === "div" ? a / b : a % b, t) };
    }
    case "bitand":
      return { val: normalize(a & b, t) };
    case "bitor":
      return { val: normalize(a | b, t) };
    case "bitxor":
      return { val: normalize(a ^ b, t) };
    case "shl":
      return { val: normalize(a << (b & BigInt(t.size * 8 - 1)), t) };
    case "shr":
      return { val: normalize(a >> (b & BigInt(t.size * 8 - 1)), t) };
    case "eq":
      return { val: a === b ? 1n : 0n };
    case "ne":
      return { val: a !== b ? 1n : 0n };
    case "lt":
      return { val: a < b ? 1n : 0n };
    case "le":
      return { val: a <= b ? 1n : 0n };
    default:
      throw new NotConstant(n);
  }
}

/** The address of an lvalue with static storage: `x`, `x.m`, `a[3]`, `*p` of a constant. */
function address(n: Node): ConstValue {
  switch (n.kind) {
    case "var":
      if (!n.obj || n.obj.isLocal) throw new NotConstant(n);
      return { val: 0n, label: n.obj.asmName };
    case "deref":
      return evaluate(n.lhs!);
    case "complit":
      if (n.lhs) throw new NotConstant(n); // automatic storage
      return address(n.rhs!);
    case "member": {
      const base = address(n.lhs!);
      return { val: base.val + BigInt(n.member!.offset), label: base.label };
    }
    default:
      throw new NotConstant(n);
  }
}
