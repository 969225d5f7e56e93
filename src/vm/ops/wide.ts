// Multi-word integer helpers for MUL/IMUL/DIV/IDIV without BigInt: values are arrays of unsigned
// 32-bit words, least significant first, kept in module-level scratch arrays (no allocation).

/** 32×32 → 64 unsigned: low word returned, high word in MUL_HI[0]. */
export const MUL_HI = new Float64Array(1);
export function umul32(a: number, b: number): number {
  a >>>= 0;
  b >>>= 0;
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const bL = b & 0xffff;
  const bH = b >>> 16;
  const t = aL * bL;
  const m = aH * bL + aL * bH + Math.floor(t / 65536);
  MUL_HI[0] = aH * bH + Math.floor(m / 65536);
  return Math.imul(a, b) >>> 0;
}

/** 64×64 → 128 unsigned product into PROD[0..3]. */
export const PROD = new Float64Array(4);
export function umul64(aLo: number, aHi: number, bLo: number, bHi: number): void {
  const a = [aLo >>> 0, aHi >>> 0];
  const b = [bLo >>> 0, bHi >>> 0];
  PROD.fill(0);
  for (let i = 0; i < 2; i++) {
    let carry = 0;
    for (let j = 0; j < 2; j++) {
      const lo = umul32(a[i]!, b[j]!);
      const sum = PROD[i + j]! + lo + carry;
      PROD[i + j] = sum % 4294967296;
      carry = MUL_HI[0]! + Math.floor(sum / 4294967296);
    }
    let k = i + 2;
    while (carry !== 0 && k < 4) {
      const sum = PROD[k]! + carry;
      PROD[k] = sum % 4294967296;
      carry = Math.floor(sum / 4294967296);
      k++;
    }
  }
}

/** Two's-complement negate of an n-word value in place. */
export function negWords(w: Float64Array, n: number): void {
  let carry = 1;
  for (let i = 0; i < n; i++) {
    const v = (~w[i]! >>> 0) + carry;
    w[i] = v % 4294967296;
    carry = v >= 4294967296 ? 1 : 0;
  }
}

/**
 * Unsigned division of the 4-word DIVIDEND by a 2-word divisor (nonzero), bit by bit: quotient
 * into QUOT[0..3], remainder into REM[0..1]. Slow but exact; DIV is rare in entry code.
 */
export const DIVIDEND = new Float64Array(4);
export const QUOT = new Float64Array(4);
export const REM = new Float64Array(2);
export function udiv128(dLo: number, dHi: number): void {
  dLo >>>= 0;
  dHi >>>= 0;
  let r0 = 0;
  let r1 = 0;
  let r2 = 0; // remainder can briefly need 65 bits
  QUOT.fill(0);
  for (let bit = 127; bit >= 0; bit--) {
    // r = r << 1 | next dividend bit
    r2 = (r2 * 2 + (r1 >>> 31)) >>> 0;
    r1 = ((r1 << 1) | (r0 >>> 31)) >>> 0;
    r0 = ((r0 << 1) | ((DIVIDEND[bit >>> 5]! >>> (bit & 31)) & 1)) >>> 0;
    const ge = r2 !== 0 || r1 > dHi || (r1 === dHi && r0 >= dLo);
    if (ge) {
      let t = r0 - dLo;
      const borrow = t < 0 ? 1 : 0;
      r0 = t >>> 0;
      t = r1 - dHi - borrow;
      r1 = t >>> 0;
      r2 = t < 0 ? r2 - 1 : r2;
      QUOT[bit >>> 5] = (QUOT[bit >>> 5]! + 2 ** (bit & 31)) % 4294967296;
    }
  }
  REM[0] = r0;
  REM[1] = r1;
}
