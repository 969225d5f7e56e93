// Shifts and rotates (SDM vol. 2 "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR"), bit tests ("BT", "BTS",
// "BTR", "BTC") and bit scans ("BSF", "BSR"). Flags are computed eagerly here. The count is masked to
// 5 bits (6 for 64-bit operands); a masked count of 0 changes no flags. Where the SDM leaves a flag
// undefined the choice matches this host CPU (docs/machine.md, "Undefined flags").
import { FLAG_AF, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_ZF } from "../../isa/types.js";
import type { Cpu } from "../cpu.js";
import { TWO32 } from "../cpu.js";
import { PARITY, readFlags, setStatus, szp } from "../flags.js";
import type { Exec, Op } from "../op.js";
import { OK_IMM, OK_MEM } from "../op.js";
import { linOf, maskOf, probeDest, readOp, writeOp } from "./operands.js";

const SHL = 0;
const SHR = 1;
const SAR = 2;
const ROL = 3;
const ROR = 4;
export const SHIFT_BY_MNEMONIC: Readonly<Record<string, number>> = {
  shl: SHL,
  shr: SHR,
  sar: SAR,
  rol: ROL,
  ror: ROR,
};

/** Result of a 64-bit shift in two halves (module scratch). */
let outLo = 0;
let outHi = 0;

function shl64(lo: number, hi: number, n: number): void {
  if (n >= 32) ((outHi = lo << (n - 32)), (outLo = 0));
  else if (n === 0) ((outLo = lo), (outHi = hi));
  else ((outHi = (hi << n) | (lo >>> (32 - n))), (outLo = lo << n));
}
function shr64(lo: number, hi: number, n: number, arith: boolean): void {
  if (n >= 32) ((outLo = arith ? hi >> (n - 32) : hi >>> (n - 32)), (outHi = arith ? hi >> 31 : 0));
  else if (n === 0) ((outLo = lo), (outHi = hi));
  else ((outLo = (lo >>> n) | (hi << (32 - n))), (outHi = arith ? hi >> n : hi >>> n));
}
/** Bit i (0–63) of a 64-bit value. */
function bit64(lo: number, hi: number, i: number): number {
  return i >= 32 ? (hi >>> (i - 32)) & 1 : (lo >>> i) & 1;
}

export function shiftExec(kind: number): Exec {
  return (c: Cpu, op: Op): void => {
    const size = op.size;
    const lin = linOf(c, op);
    const dst = op.nops - 1;
    const count = readOp(c, op, 0, lin, 8) & (size === 64 ? 0x3f : 0x1f);
    probeDest(c, op, dst, lin, size);
    const lo = readOp(c, op, dst, lin, size);
    const hi = c.hiOut;
    if (count === 0) {
      // SDM: a masked count of 0 changes no flag. The operand is still written: a 32-bit register
      // destination is zero-extended to 64 bits (as this host does, SDM vol. 1, 3.4.1.1).
      if (size === 32) writeOp(c, op, dst, lin, size, lo, hi);
      return;
    }
    if (size === 64) shift64(c, kind, lo, hi, count);
    else shift32(c, kind, size, lo >>> 0, count);
    writeOp(c, op, dst, lin, size, outLo, outHi);
  };
}

function shift32(c: Cpu, kind: number, size: number, v: number, n: number): void {
  const mask = maskOf(size);
  const top = size - 1;
  let r: number;
  let cf: number;
  let of: number;
  switch (kind) {
    case SHL:
      r = n >= 32 ? 0 : (v << n) & mask;
      cf = n > size ? 0 : (v >>> (size - n)) & 1;
      of = ((r >>> top) & 1) ^ cf;
      break;
    case SHR:
      r = n >= 32 ? 0 : v >>> n;
      cf = n > 32 ? 0 : (v >>> (n - 1)) & 1;
      of = n === 1 ? (v >>> top) & 1 : 0; // undefined for n > 1: this host gives 0

      break;
    case SAR: {
      const s = (v << (32 - size)) >> (32 - size);
      r = (s >> Math.min(n, 31)) & mask;
      cf = (s >> Math.min(n - 1, 31)) & 1;
      of = 0;
      break;
    }
    default: {
      const k = n % size;
      r =
        k === 0
          ? v
          : kind === ROL
            ? ((v << k) | (v >>> (size - k))) & mask
            : ((v >>> k) | (v << (size - k))) & mask;
      rotateFlags(c, kind, size, r >>> 0, 0);
      outLo = r;
      outHi = 0;
      return;
    }
  }
  outLo = r >>> 0;
  outHi = 0;
  setStatus(c, szp(size, outLo, 0) | FLAG_AF | (cf ? FLAG_CF : 0) | (of ? FLAG_OF : 0));
}

function shift64(c: Cpu, kind: number, lo: number, hi: number, n: number): void {
  let cf: number;
  let of: number;
  switch (kind) {
    case SHL:
      shl64(lo, hi, n);
      cf = bit64(lo, hi, 64 - n);
      of = (outHi >>> 31) ^ cf;
      break;
    case SHR:
      shr64(lo, hi, n, false);
      cf = bit64(lo, hi, n - 1);
      of = n === 1 ? hi >>> 31 : 0; // undefined for n > 1: this host gives 0
      break;
    case SAR:
      shr64(lo, hi, n, true);
      cf = bit64(lo, hi, n - 1);
      of = 0;
      break;
    default: {
      if (kind === ROL) {
        shl64(lo, hi, n);
        const l = outLo, h = outHi; // prettier-ignore
        shr64(lo, hi, 64 - n, false);
        outLo = l | outLo;
        outHi = h | outHi;
      } else {
        shr64(lo, hi, n, false);
        const l = outLo, h = outHi; // prettier-ignore
        shl64(lo, hi, 64 - n);
        outLo = l | outLo;
        outHi = h | outHi;
      }
      rotateFlags(c, kind, 64, outLo, outHi);
      return;
    }
  }
  setStatus(c, szp(64, outLo, outHi) | FLAG_AF | (cf ? FLAG_CF : 0) | (of ? FLAG_OF : 0));
}

/** ROL: CF = LSB, OF = MSB ^ CF; ROR: CF = MSB, OF = MSB ^ MSB-1. Other flags unchanged. */
function rotateFlags(c: Cpu, kind: number, size: number, lo: number, hi: number): void {
  const msb = size === 64 ? (hi >>> 31) & 1 : (lo >>> (size - 1)) & 1;
  const msb1 = size === 64 ? (hi >>> 30) & 1 : (lo >>> (size - 2)) & 1;
  const cf = kind === ROL ? lo & 1 : msb;
  const of = kind === ROL ? msb ^ cf : msb ^ msb1;
  const f = readFlags(c) & ~(FLAG_CF | FLAG_OF);
  setStatus(c, f | (cf ? FLAG_CF : 0) | (of ? FLAG_OF : 0));
}

const BT = 0;
const BTS = 1;
const BTR = 2;
const BTC = 3;
export const BT_BY_MNEMONIC: Readonly<Record<string, number>> = {
  bt: BT,
  bts: BTS,
  btr: BTR,
  btc: BTC,
};

/**
 * BT/BTS/BTR/BTC. A register bit offset with a memory operand is a signed offset into a bit string
 * starting at the operand (SDM vol. 2 "BT": the address is EA + (offset >> log2 size) * size/8).
 */
export function btExec(kind: number): Exec {
  return (c: Cpu, op: Op): void => {
    const size = op.size;
    let lin = linOf(c, op);
    const offLo = readOp(c, op, 0, lin, size);
    const offHi = c.hiOut;
    let bitIdx: number;
    if (op.kind[1] === OK_MEM && op.kind[0] !== OK_IMM) {
      const off =
        size === 64 ? offHi * TWO32 + (offLo >>> 0) : (offLo << (32 - size)) >> (32 - size);
      const unit = Math.floor(off / size);
      lin += unit * (size / 8);
      bitIdx = off - unit * size;
    } else {
      bitIdx = offLo & (size - 1);
    }
    if (kind !== BT) probeDest(c, op, 1, lin, size);
    const lo = readOp(c, op, 1, lin, size);
    const hi = c.hiOut;
    const inHi = size === 64 && bitIdx >= 32;
    const b = inHi ? bitIdx - 32 : bitIdx;
    const word = inHi ? hi : lo;
    const cf = (word >>> b) & 1;
    // CF = the bit; ZF unchanged; OF SF AF PF undefined: this host leaves them unchanged.
    const f = readFlags(c) & ~FLAG_CF;
    setStatus(c, f | cf);
    if (kind === BT) return;
    const m = 1 << b;
    const nw = kind === BTS ? word | m : kind === BTR ? word & ~m : word ^ m;
    writeOp(c, op, 1, lin, size, inHi ? lo : nw, inHi ? nw : hi);
  };
}

/**
 * BSF/BSR: ZF=1 and the destination unchanged when the source is 0. CF OF SF AF PF are undefined
 * (SDM vol. 2 BSF); this host clears CF OF SF AF and sets PF from the index (PF=1 for a zero source).
 */
export function bitScanExec(reverse: boolean): Exec {
  return (c: Cpu, op: Op): void => {
    const size = op.size;
    const lin = linOf(c, op);
    const lo = readOp(c, op, 0, lin, size) >>> 0;
    const hi = size === 64 ? c.hiOut >>> 0 : 0;
    if (lo === 0 && hi === 0) {
      setStatus(c, FLAG_ZF | FLAG_PF);
      return;
    }
    let idx: number;
    if (reverse) idx = hi !== 0 ? 63 - Math.clz32(hi) : 31 - Math.clz32(lo);
    else idx = lo !== 0 ? 31 - Math.clz32(lo & -lo) : 63 - Math.clz32(hi & -hi);
    writeOp(c, op, 1, lin, size, idx, 0);
    setStatus(c, PARITY[idx]!);
  };
}
