// The integer types of the random-program generator (./gen.ts) and C's rules over them, as the
// generator needs them to keep every program free of undefined behaviour: the integer promotions
// (6.3.1.1), the usual arithmetic conversions (6.3.1.8), the type of an integer constant
// (6.4.4.1) and each type's range. Enumerated types carry GCC's choice of compatible type:
// `unsigned int` when no enumerator is negative, else `int`.

export interface IntType {
  /** The C spelling, usable in a cast: "unsigned short", "enum e1". */
  name: string;
  /** Value bits (8 for char, 1 for _Bool). */
  bits: number;
  signed: boolean;
  /** Conversion rank (6.3.1.1p1): _Bool < char < short < int < long < long long. */
  rank: number;
  /** For an enum, the integer type it is compatible with. */
  under?: IntType;
  /** GCC's type of a `long` bit-field of 33..63 bits: `bits` wide (see bitInt). */
  wide?: boolean;
}

function t(name: string, bits: number, signed: boolean, rank: number): IntType {
  return { name, bits, signed, rank };
}

export const BOOL = t("_Bool", 1, false, 0);
export const CHAR = t("char", 8, true, 1); // signed on x86-64 (psABI §3.1.2)
export const SCHAR = t("signed char", 8, true, 1);
export const UCHAR = t("unsigned char", 8, false, 1);
export const SHORT = t("short", 16, true, 2);
export const USHORT = t("unsigned short", 16, false, 2);
export const INT = t("int", 32, true, 3);
export const UINT = t("unsigned int", 32, false, 3);
export const LONG = t("long", 64, true, 4);
export const ULONG = t("unsigned long", 64, false, 4);
export const LLONG = t("long long", 64, true, 5);
export const ULLONG = t("unsigned long long", 64, false, 5);

/** Every plain integer type a variable may have (enums are added per program). */
export const SCALARS: IntType[] = [BOOL, CHAR, SCHAR, UCHAR, SHORT, USHORT, INT, UINT, LONG, ULONG, LLONG, ULLONG]; // prettier-ignore

export function enumType(tag: string, anyNegative: boolean): IntType {
  const under = anyNegative ? INT : UINT;
  return { name: `enum ${tag}`, bits: under.bits, signed: under.signed, rank: under.rank, under };
}

const bitInts = new Map<string, IntType>();

/**
 * The type GCC gives a `long` bit-field N bits wide (32 < N < 64) in arithmetic: an integer of
 * exactly N bits that wraps there. C cannot spell it; a program names it through the typedefs
 * bitIntDecls declares (`sbf40`, `ubf40`).
 */
export function bitInt(bits: number, signed: boolean): IntType {
  const name = `${signed ? "s" : "u"}bf${bits}`;
  let t = bitInts.get(name);
  if (!t) {
    t = { name, bits, signed, rank: LONG.rank, wide: true };
    bitInts.set(name, t);
  }
  return t;
}

/** The declarations naming GCC's N-bit types, through `typeof` of a bit-field's value. */
export function bitIntDecls(bits: number): string[] {
  const tag = `struct bf${bits}`;
  return [
    `${tag} { long s : ${bits}; unsigned long u : ${bits}; };`,
    `typedef __typeof__(((${tag} *)0)->s + 0) sbf${bits};`,
    `typedef __typeof__(((${tag} *)0)->u + 0) ubf${bits};`,
  ];
}

/** 6.3.1.1p2: types narrower than int become int; an enum becomes its compatible type. */
export function promote(ty: IntType): IntType {
  if (ty.under) return ty.under;
  return ty.rank < INT.rank ? INT : ty;
}

export function unsignedOf(ty: IntType): IntType {
  const p = promote(ty);
  if (!p.signed) return p;
  if (p.wide) return bitInt(p.bits, false);
  return p === INT ? UINT : p === LONG ? ULONG : ULLONG;
}

/** 6.3.1.8: the common type of two operands, after promotion. */
export function common(a: IntType, b: IntType): IntType {
  const x = promote(a);
  const y = promote(b);
  if (x === y) return x;
  // GCC ranks its N-bit types by width: the wider wins, of two as wide the unsigned one.
  if (x.wide || y.wide) {
    if (x.bits !== y.bits) return x.bits > y.bits ? x : y;
    return x.signed ? y : x;
  }
  if (x.signed === y.signed) return x.rank >= y.rank ? x : y;
  const [u, s] = x.signed ? [y, x] : [x, y];
  if (u.rank >= s.rank) return u;
  if (s.bits > u.bits) return s;
  return unsignedOf(s);
}

export function minOf(ty: IntType): bigint {
  return ty.signed ? -(1n << BigInt(ty.bits - 1)) : 0n;
}

export function maxOf(ty: IntType): bigint {
  return ty.signed ? (1n << BigInt(ty.bits - 1)) - 1n : (1n << BigInt(ty.bits)) - 1n;
}

/** Wrap v into ty's range, as a conversion to ty does (GCC: modulo 2^N, 6.3.1.3p3). */
export function wrap(v: bigint, ty: IntType): bigint {
  if (ty === BOOL) return v !== 0n ? 1n : 0n;
  const u = BigInt.asUintN(ty.bits, v);
  return ty.signed ? BigInt.asIntN(ty.bits, u) : u;
}

/**
 * Spell `v` (already in ty's range) as a C constant whose type is exactly ty: a suffix for int
 * and wider, a cast below int. The most negative value of a signed type is written `(-MAX - 1)`
 * because `-2147483648` is the negation of a long (6.4.4.1).
 */
export function literal(v: bigint, ty: IntType, hex: boolean): string {
  if (ty.wide) return `(${ty.name})${literal(v, ty.signed ? LONG : ULONG, hex)}`;
  const p = promote(ty);
  if (p !== ty || ty.rank < INT.rank) return `(${ty.name})${literal(wrap(v, p), p, hex)}`;
  let suffix = { int: "", "unsigned int": "u", long: "L", "unsigned long": "UL", "long long": "LL", "unsigned long long": "ULL" }[ty.name]!; // prettier-ignore
  if (v === minOf(ty) && ty.signed) return `(-${maxOf(ty)}${suffix} - 1${suffix})`;
  const mag = v < 0n ? -v : v;
  // Unsuffixed constants take the first type of 6.4.4.1p5's list that holds them: a hex one
  // may be unsigned, a decimal one never is. Spell them so where that gives exactly ty.
  if (v >= 0n && hex && ty === UINT && mag > maxOf(INT)) suffix = "";
  if (v >= 0n && hex && ty === ULONG && mag > maxOf(LONG)) suffix = "";
  if (v >= 0n && !hex && ty === LONG && mag > maxOf(INT)) suffix = "";
  const digits = hex ? `0x${mag.toString(16)}` : mag.toString();
  const body = `${digits}${suffix}`;
  return v < 0n ? `(-${body})` : body;
}
