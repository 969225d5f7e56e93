// The typing rules applied as the parser builds expression nodes: integer promotions and the
// usual arithmetic conversions made explicit as cast nodes (C11 6.3.1), pointer arithmetic
// scaled by the pointee size (6.5.6), lvalue and assignment checks (6.5.16.1), and constant
// evaluation for the grammar's constant expressions.
import type { Loc } from "../diag/index.js";
import { CC } from "../diag/codes/cc.js";
import { Node, type NodeKind, type Obj } from "./ast.js";
import { DivisionByZero, evaluate, NotConstant, type ConstValue } from "./eval.js";
import { ParserDecl } from "./parse-decl.js";
import {
  compatible, isInteger, isPointerLike, isScalar, pointerTo, promote, ty, type Type, typeName,
  usualArith, unqual,
} from "./types.js"; // prettier-ignore

export abstract class ParserSema extends ParserDecl {
  protected num(val: bigint, loc: Loc, type: Type = ty.int): Node {
    const n = new Node("num", loc);
    n.val = val;
    n.type = type;
    return n;
  }

  protected varNode(obj: Obj, loc: Loc): Node {
    const n = new Node("var", loc);
    n.obj = obj;
    n.type = obj.type;
    obj.used = true;
    return n;
  }

  protected unary(kind: NodeKind, lhs: Node, loc: Loc, type: Type): Node {
    const n = new Node(kind, loc);
    n.lhs = lhs;
    n.type = type;
    return n;
  }

  protected binaryNode(kind: NodeKind, lhs: Node, rhs: Node, loc: Loc, type: Type): Node {
    const n = new Node(kind, loc);
    n.lhs = lhs;
    n.rhs = rhs;
    n.type = type;
    return n;
  }

  /** The type an expression has as an rvalue: arrays and functions decay (6.3.2.1p3-4). */
  protected valueType(t: Type): Type {
    if (t.kind === "array") return pointerTo(t.base!);
    if (t.kind === "func") return pointerTo(t);
    return t;
  }

  protected cast(n: Node, t: Type, loc: Loc = n.loc): Node {
    if (n.type === t) return n;
    return this.unary("cast", n, loc, t);
  }

  /** Check that `n` has a scalar type usable as a condition or operand. */
  protected requireScalar(n: Node, what: string): void {
    const t = this.valueType(n.type!);
    if (!isScalar(t)) this.error(CC.BAD_OPERANDS, n.loc, `${what} requires a scalar operand, not '${typeName(n.type!)}'`); // prettier-ignore
  }

  protected requireInteger(n: Node, op: string): boolean {
    if (isInteger(n.type!)) return true;
    this.error(CC.BAD_OPERANDS, n.loc, `invalid operand to '${op}' (have '${typeName(n.type!)}')`);
    return false;
  }

  /** Arithmetic operators on integers: both sides converted to the common type (6.3.1.8). */
  protected arith(kind: NodeKind, op: string, lhs: Node, rhs: Node, loc: Loc): Node {
    if (!isInteger(lhs.type!) || !isInteger(rhs.type!)) {
      this.badOperands(op, lhs, rhs, loc);
      return this.num(0n, loc);
    }
    const t = usualArith(lhs.type!, rhs.type!);
    return this.binaryNode(kind, this.cast(lhs, t), this.cast(rhs, t), loc, t);
  }

  protected badOperands(op: string, lhs: Node, rhs: Node, loc: Loc): void {
    this.error(CC.BAD_OPERANDS, loc, `invalid operands to binary ${op} (have '${typeName(lhs.type!)}' and '${typeName(rhs.type!)}')`); // prettier-ignore
  }

  /** 6.5.7: each operand promoted on its own; the result has the promoted left type. */
  protected shift(kind: NodeKind, op: string, lhs: Node, rhs: Node, loc: Loc): Node {
    if (!isInteger(lhs.type!) || !isInteger(rhs.type!)) {
      this.badOperands(op, lhs, rhs, loc);
      return this.num(0n, loc);
    }
    const t = promote(lhs.type!);
    return this.binaryNode(kind, this.cast(lhs, t), this.cast(rhs, promote(rhs.type!)), loc, t);
  }

  /** 6.5.8-9: relational and equality operators; the result is an int 0 or 1. */
  protected compare(kind: NodeKind, op: string, lhs: Node, rhs: Node, loc: Loc): Node {
    const a = this.valueType(lhs.type!);
    const b = this.valueType(rhs.type!);
    if (isInteger(a) && isInteger(b)) {
      const t = usualArith(a, b);
      return this.binaryNode(kind, this.cast(lhs, t), this.cast(rhs, t), loc, ty.int);
    }
    if (a.kind === "ptr" && b.kind === "ptr") {
      if (!compatible(a.base!, b.base!) && a.base!.kind !== "void" && b.base!.kind !== "void")
        this.diags.warning(CC.INT_CONVERSION, loc, `comparison of distinct pointer types ('${typeName(a)}' and '${typeName(b)}')`); // prettier-ignore
      return this.binaryNode(kind, this.cast(lhs, ty.ulong), this.cast(rhs, ty.ulong), loc, ty.int);
    }
    if ((a.kind === "ptr" && isInteger(b)) || (isInteger(a) && b.kind === "ptr")) {
      const intSide = a.kind === "ptr" ? rhs : lhs;
      if (!this.isNullConstant(intSide))
        this.diags.warning(CC.INT_CONVERSION, loc, "comparison between pointer and integer");
      return this.binaryNode(kind, this.cast(lhs, ty.ulong), this.cast(rhs, ty.ulong), loc, ty.int);
    }
    this.badOperands(op, lhs, rhs, loc);
    return this.num(0n, loc);
  }

  // 6.5.6: integer + integer, pointer + integer (scaled), integer + pointer.
  protected add(lhs: Node, rhs: Node, loc: Loc): Node {
    const a = this.valueType(lhs.type!);
    const b = this.valueType(rhs.type!);
    if (isInteger(a) && isInteger(b)) return this.arith("add", "+", lhs, rhs, loc);
    if (a.kind === "ptr" && b.kind === "ptr") {
      this.badOperands("+", lhs, rhs, loc);
      return lhs;
    }
    if (isInteger(a) && b.kind === "ptr") return this.add(rhs, lhs, loc);
    if (a.kind !== "ptr" || !isInteger(b)) {
      this.badOperands("+", lhs, rhs, loc);
      return this.num(0n, loc);
    }
    return this.binaryNode("add", lhs, this.scaled(rhs, a, loc), loc, a);
  }

  /** rhs × the pointee size, as a long (GNU: void* and function pointers step by 1). */
  private scaled(rhs: Node, ptr: Type, loc: Loc): Node {
    const base = ptr.base!;
    if (base.incomplete) this.error(CC.INCOMPLETE_TYPE, loc, `arithmetic on a pointer to an incomplete type '${typeName(base)}'`); // prettier-ignore
    const size = base.kind === "void" || base.kind === "func" ? 1 : base.size;
    const r = this.cast(rhs, ty.long);
    if (size === 1) return r;
    return this.binaryNode("mul", r, this.num(BigInt(size), loc, ty.long), loc, ty.long);
  }

  protected sub(lhs: Node, rhs: Node, loc: Loc): Node {
    const a = this.valueType(lhs.type!);
    const b = this.valueType(rhs.type!);
    if (isInteger(a) && isInteger(b)) return this.arith("sub", "-", lhs, rhs, loc);
    if (a.kind === "ptr" && isInteger(b))
      return this.binaryNode("sub", lhs, this.scaled(rhs, a, loc), loc, a);
    if (a.kind === "ptr" && b.kind === "ptr") {
      // 6.5.6p9: the difference of two pointers is in elements, of type ptrdiff_t (long).
      if (!compatible(a.base!, b.base!)) this.badOperands("-", lhs, rhs, loc);
      const diff = this.binaryNode("sub", lhs, rhs, loc, ty.long);
      const size = a.base!.kind === "void" ? 1 : Math.max(a.base!.size, 1);
      if (size === 1) return diff;
      return this.binaryNode("div", diff, this.num(BigInt(size), loc, ty.long), loc, ty.long);
    }
    this.badOperands("-", lhs, rhs, loc);
    return this.num(0n, loc);
  }

  protected deref(n: Node, loc: Loc): Node {
    const t = this.valueType(n.type!);
    if (t.kind !== "ptr") {
      this.error(CC.NOT_POINTER, loc, `indirection requires a pointer operand ('${typeName(n.type!)}' invalid)`); // prettier-ignore
      return this.num(0n, loc);
    }
    return this.unary("deref", n, loc, t.base!);
  }

  protected isLvalue(n: Node): boolean {
    switch (n.kind) {
      case "var":
        return n.type!.kind !== "func";
      case "deref":
        return n.type!.kind !== "func";
      case "member":
        return this.isLvalue(n.lhs!);
      case "complit":
        return true; // 6.5.2.5p4: a compound literal is an lvalue
      default:
        return false;
    }
  }

  protected requireLvalue(n: Node, what: string): boolean {
    if (this.isLvalue(n) && n.type!.kind !== "array") return true;
    this.error(CC.NOT_LVALUE, n.loc, `expression is not assignable (${what} needs an lvalue)`);
    return false;
  }

  /** Is `n` const-qualified storage (assignment would violate 6.5.16p2)? */
  protected isConstLvalue(n: Node): boolean {
    if (n.type!.isConst) return true;
    if (n.kind === "member") return this.isConstLvalue(n.lhs!);
    return false;
  }

  /** `init`: the store initialises the object, which may be const (6.7.9, not 6.5.16p2). */
  protected assignNode(lhs: Node, rhs: Node, loc: Loc, init = false): Node {
    if (!this.requireLvalue(lhs, "assignment")) return rhs;
    if (!init && this.isConstLvalue(lhs)) this.error(CC.CONST_ASSIGN, lhs.loc, "cannot assign to a const-qualified object"); // prettier-ignore
    const t = lhs.type!;
    const r = this.convertForAssign(t, rhs, loc, "assigning to");
    return this.binaryNode("assign", lhs, r, loc, t);
  }

  /** 6.5.16.1 simple-assignment constraints; returns rhs converted to `t`. */
  protected convertForAssign(t: Type, rhs: Node, loc: Loc, context: string): Node {
    const r = this.valueType(rhs.type!);
    if (t.kind === "struct" || t.kind === "union") {
      if (unqual(t) !== unqual(r)) this.error(CC.BAD_CONVERSION, loc, `incompatible types ${context} '${typeName(t)}' from '${typeName(r)}'`); // prettier-ignore
      return rhs;
    }
    if (t.kind === "array") {
      this.error(CC.NOT_LVALUE, loc, `array type '${typeName(t)}' is not assignable`);
      return rhs;
    }
    if (!isScalar(r)) {
      this.error(CC.BAD_CONVERSION, loc, `incompatible types ${context} '${typeName(t)}' from '${typeName(rhs.type!)}'`); // prettier-ignore
      return rhs;
    }
    if (t.kind === "ptr" && r.kind === "ptr") this.checkPointers(t, r, loc, context);
    else if (t.kind === "ptr" && !this.isNullConstant(rhs))
      this.diags.warning(CC.INT_CONVERSION, loc, `${context} '${typeName(t)}' from '${typeName(r)}' makes pointer from integer without a cast`); // prettier-ignore
    else if (r.kind === "ptr" && t.kind !== "bool" && t.kind !== "ptr")
      this.diags.warning(CC.INT_CONVERSION, loc, `${context} '${typeName(t)}' from '${typeName(r)}' makes integer from pointer without a cast`); // prettier-ignore
    return this.cast(rhs, t);
  }

  private checkPointers(t: Type, r: Type, loc: Loc, context: string): void {
    const a = t.base!;
    const b = r.base!;
    if (a.kind === "void" || b.kind === "void") return;
    if (!compatible(a, b)) this.error(CC.INCOMPATIBLE_POINTER, loc, `incompatible pointer types ${context} '${typeName(t)}' from '${typeName(r)}'`); // prettier-ignore
  }

  protected isNullConstant(n: Node): boolean {
    if (!isInteger(n.type!)) return false;
    return this.tryEval(n) === 0n;
  }

  protected tryEval(n: Node): bigint | undefined {
    try {
      const v = evaluate(n);
      return v.label === undefined ? v.val : undefined;
    } catch (e) {
      if (e instanceof NotConstant || e instanceof DivisionByZero) return undefined;
      throw e;
    }
  }

  /** Evaluate an integer constant expression, reporting why it is not one. */
  protected evalInteger(n: Node): bigint {
    const v = this.evalConstant(n);
    if (v === undefined) return 0n;
    if (v.label !== undefined) {
      this.error(CC.NOT_CONSTANT, n.loc, "expression is not an integer constant expression");
      return 0n;
    }
    return v.val;
  }

  /** Evaluate a constant expression, possibly an address constant; undefined after an error. */
  protected evalConstant(n: Node): ConstValue | undefined {
    try {
      return evaluate(n);
    } catch (e) {
      if (e instanceof DivisionByZero) {
        this.error(CC.DIV_BY_ZERO, e.node.loc, "division by zero in a constant expression");
        return undefined;
      }
      if (e instanceof NotConstant) {
        this.error(CC.NOT_CONSTANT, n.loc, "expression is not a compile-time constant");
        return undefined;
      }
      throw e;
    }
  }

  protected isPointerOrArray(t: Type): boolean {
    return isPointerLike(t);
  }
}
