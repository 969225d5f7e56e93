// handler-C types with the System V x86-64 sizes and alignments (psABI §3.1.2): the scalar
// types, pointers, arrays, functions, struct/union layout (packed and aligned included), and
// the C11 conversion rules (6.3.1.1 integer promotions, 6.3.1.8 usual arithmetic conversions).
import type { Loc } from "../diag/index.js";

export type TypeKind =
  | "void"
  | "bool"
  | "char"
  | "short"
  | "int"
  | "long"
  | "enum"
  | "ptr"
  | "array"
  | "func"
  | "struct"
  | "union";

export interface Member {
  name: string;
  type: Type;
  /** Byte offset; for a bit-field, the byte holding its lowest bit. */
  offset: number;
  loc: Loc;
  /** Bit-fields: the width in bits (0 for `:0`); undefined for ordinary members. */
  bitWidth?: number;
  /** Bit-fields: the position of the lowest bit within the byte at `offset` (0..7). */
  bitOffset?: number;
}

export interface Param {
  name: string;
  type: Type;
  loc: Loc;
}

export class Type {
  size: number;
  align: number;
  unsigned = false;
  isConst = false;
  /** Pointee (ptr) or element (array). */
  base: Type | undefined;
  /** Array length; -1 while incomplete (`int a[]`). */
  len = 0;
  /** struct/union members, in declaration order. */
  members: Member[] = [];
  /** A struct/union whose body has not been seen yet. */
  incomplete = false;
  packed = false;
  /** struct/union/enum tag, for messages. */
  tag = "";
  /** Functions. */
  ret: Type | undefined;
  params: Param[] = [];
  variadic = false;
  /** `int f()`: parameters unknown (no argument-count check). */
  oldStyle = false;
  /** The type of a bit-field member: its width in bits (0 for every other type). */
  bitWidth = 0;
  /** The typedef or the type this one was copied from (qualifier copies share layout). */
  origin: Type | undefined;

  constructor(
    readonly kind: TypeKind,
    size: number,
    align: number,
  ) {
    this.size = size;
    this.align = align;
  }
}

/** SysV scalar sizes (psABI table 3.1). */
const SIZE_CHAR = 1;
const SIZE_SHORT = 2;
const SIZE_INT = 4;
const SIZE_LONG = 8;
export const POINTER_SIZE = 8;
export const BITS_PER_BYTE = 8;

function scalar(kind: TypeKind, size: number, unsigned: boolean): Type {
  const t = new Type(kind, size, size);
  t.unsigned = unsigned;
  return t;
}

export const ty = {
  void: new Type("void", 1, 1),
  bool: scalar("bool", SIZE_CHAR, true),
  char: scalar("char", SIZE_CHAR, false),
  uchar: scalar("char", SIZE_CHAR, true),
  short: scalar("short", SIZE_SHORT, false),
  ushort: scalar("short", SIZE_SHORT, true),
  int: scalar("int", SIZE_INT, false),
  uint: scalar("int", SIZE_INT, true),
  long: scalar("long", SIZE_LONG, false),
  ulong: scalar("long", SIZE_LONG, true),
};

export function isInteger(t: Type): boolean {
  const k = t.kind;
  return (
    k === "bool" || k === "char" || k === "short" || k === "int" || k === "long" || k === "enum"
  );
}

/** Pointers and arrays (which decay) can be dereferenced. */
export function isPointerLike(t: Type): boolean {
  return t.kind === "ptr" || t.kind === "array";
}

export function isScalar(t: Type): boolean {
  return isInteger(t) || t.kind === "ptr";
}

export function isAggregate(t: Type): boolean {
  return t.kind === "struct" || t.kind === "union" || t.kind === "array";
}

export function pointerTo(base: Type): Type {
  const t = new Type("ptr", POINTER_SIZE, POINTER_SIZE);
  t.unsigned = true;
  t.base = base;
  return t;
}

export function arrayOf(base: Type, len: number): Type {
  const t = new Type("array", base.size * Math.max(len, 0), base.align);
  t.base = base;
  t.len = len;
  return t;
}

export function funcType(ret: Type): Type {
  const t = new Type("func", 1, 1);
  t.ret = ret;
  return t;
}

export function enumType(): Type {
  return new Type("enum", SIZE_INT, SIZE_INT);
}

/** A shallow copy (for qualifiers and typedef-attached attributes); structs keep their members. */
export function copyType(t: Type): Type {
  const c = Object.assign(Object.create(Type.prototype) as Type, t);
  c.origin = t;
  return c;
}

/** The type without its const qualifier: what lvalue conversion yields (6.3.2.1p2). */
export function withoutConst(t: Type): Type {
  if (!t.isConst) return t;
  const c = copyType(t);
  c.isConst = false;
  return c;
}

export function withConst(t: Type): Type {
  if (t.isConst) return t;
  const c = copyType(t);
  c.isConst = true;
  return c;
}

export function alignTo(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/** A bit-field member's type: the declared type with its width attached. */
export function bitFieldType(t: Type, width: number): Type {
  const c = copyType(t);
  c.bitWidth = width;
  return c;
}

/** The type itself, seen through qualifier copies (for identity of struct types). */
export function unqual(t: Type): Type {
  let u = t;
  while (u.origin && u.origin.kind === u.kind && u.origin.size === u.size && (u.kind === "struct" || u.kind === "union")) u = u.origin; // prettier-ignore
  return u;
}

/** The rank ordering of C11 6.3.1.1 for the types handler-C has. */
function rank(t: Type): number {
  switch (t.kind) {
    case "bool":
      return 0;
    case "char":
      return 1;
    case "short":
      return 2;
    case "int":
    case "enum":
      return 3;
    default:
      return 4;
  }
}

/** C11 6.3.1.1p2: every type of rank below int promotes to int (all their values fit). */
export function promote(t: Type): Type {
  if (t.kind === "ptr" || t.kind === "array") return t;
  // 6.3.1.1p2 for bit-fields: int when int holds every value of the width, unsigned int for an
  // unsigned 32-bit one. GCC does so whatever the declared type, `long` included.
  if (t.bitWidth > 0 && t.bitWidth <= INT_BITS)
    return t.unsigned && t.bitWidth >= INT_BITS ? ty.uint : ty.int;
  // A wider `long` bit-field has, as GCC types it, an integer type of its own width (6.7.2.1p10
  // leaves it to the implementation): arithmetic on it wraps in that many bits.
  if (wideBits(t) > 0) return bitIntType(t.bitWidth, t.unsigned);
  // An enum promotes to its compatible type: unsigned int when no enumerator is negative (GCC).
  if (t.kind === "enum") return t.unsigned ? ty.uint : ty.int;
  if (rank(t) < rank(ty.int)) return ty.int;
  return t;
}

const INT_BITS = SIZE_INT * BITS_PER_BYTE;
const LONG_BITS = SIZE_LONG * BITS_PER_BYTE;

/** The width N of GCC's "N-bit integer" type (a `long` bit-field of 33..63 bits), else 0. */
export function wideBits(t: Type): number {
  return t.kind === "long" && t.bitWidth > INT_BITS && t.bitWidth < LONG_BITS ? t.bitWidth : 0;
}

/** The bits of value (sign included) a value of integer type `t` has: its precision. */
export function valueBits(t: Type): number {
  return wideBits(t) || t.size * BITS_PER_BYTE;
}

const bitIntTypes = new Map<string, Type>();

/**
 * GCC's `unsigned long : N` / `long : N` arithmetic type (33 <= N < 64): stored and computed as a
 * long, every value held sign- or zero-extended from bit N-1, so it converts to long for free.
 */
export function bitIntType(width: number, unsigned: boolean): Type {
  const key = `${unsigned ? "u" : "s"}${width}`;
  let t = bitIntTypes.get(key);
  if (!t) {
    t = bitFieldType(unsigned ? ty.ulong : ty.long, width);
    t.origin = undefined;
    bitIntTypes.set(key, t);
  }
  return t;
}

/**
 * C11 6.3.1.8: the common type of two promoted integer operands. GCC ranks its N-bit bit-field
 * types by precision: the wider type wins (int and unsigned int lose to any N > 32, long wins
 * over every N < 64), and of two equally wide types the unsigned one.
 */
export function usualArith(a: Type, b: Type): Type {
  const x = promote(a);
  const y = promote(b);
  const px = valueBits(x);
  const py = valueBits(y);
  if (px !== py) return plain(px > py ? x : y);
  return x.unsigned || y.unsigned ? plain(x.unsigned ? x : y) : plain(x);
}

/** The unqualified canonical integer type of the same precision and signedness. */
function plain(t: Type): Type {
  if (wideBits(t) > 0) return bitIntType(t.bitWidth, t.unsigned);
  if (t.size === SIZE_LONG) return t.unsigned ? ty.ulong : ty.long;
  return t.unsigned ? ty.uint : ty.int;
}

/** Are two types the same for pointer compatibility (qualifiers on the pointee ignored)? */
export function compatible(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.kind === "struct" || a.kind === "union") return unqual(a) === unqual(b);
  if (a.kind !== b.kind) {
    // An enum is compatible with its underlying integer type (6.7.2.2p4: unsigned int here).
    return false;
  }
  switch (a.kind) {
    case "ptr":
      return compatible(a.base!, b.base!);
    case "array":
      return compatible(a.base!, b.base!) && (a.len < 0 || b.len < 0 || a.len === b.len);
    case "func":
      return compatible(a.ret!, b.ret!);
    case "enum":
      return true;
    default:
      return a.size === b.size && a.unsigned === b.unsigned;
  }
}

/** C spelling of a type, for messages: `int`, `struct foo *`, `char [4]`. */
export function typeName(t: Type): string {
  const q = t.isConst ? "const " : "";
  switch (t.kind) {
    case "ptr":
      return t.base!.kind === "func"
        ? `${typeName(t.base!.ret!)} (*)(...)`
        : `${typeName(t.base!)} *`;
    case "array":
      return `${typeName(t.base!)} [${t.len < 0 ? "" : t.len}]`;
    case "func":
      return `${typeName(t.ret!)} (${t.params.map((p) => typeName(p.type)).join(", ")})`;
    case "struct":
    case "union":
    case "enum":
      return `${q}${t.kind} ${t.tag || "<anonymous>"}`;
    case "bool":
      return `${q}_Bool`;
    case "long":
      return `${q}${t.unsigned ? "unsigned " : ""}long`;
    case "void":
      return `${q}void`;
    default:
      return `${q}${t.unsigned ? "unsigned " : ""}${t.kind}`;
  }
}
