// Lazy status flags. Arithmetic records its kind, size, operands and result in the CPU; the six
// status flags are computed only when something reads them (jcc, setcc, cmov, adc, pushf, a trace).
// Values of 8/16/32-bit operations live in the low half, already masked to their size; 64-bit ones
// use both halves (stored as int32 bit patterns). `FK_NONE` means RFLAGS itself holds the status
// flags.
import {
  FLAG_AF,
  FLAG_CF,
  FLAG_OF,
  FLAG_PF,
  FLAG_SF,
  FLAG_ZF,
  FLAGS_STATUS,
} from "../isa/types.js";
import type { Cpu } from "./cpu.js";

export const FK_NONE = 0;
export const FK_ADD = 1;
export const FK_ADC = 2;
export const FK_SUB = 3;
export const FK_SBB = 4;
/** and/or/xor/test: CF=OF=0; AF is undefined (this host clears it — docs/machine.md). */
export const FK_LOGIC = 5;
/** inc/dec: as add/sub of 1 but CF is kept (in fCarryIn). */
export const FK_INC = 6;
export const FK_DEC = 7;

/** Field indices of the lazy-flag record (Cpu.lf, an Int32Array): kind, size, operands, result. */
export const LF_KIND = 0;
export const LF_SIZE = 1;
export const LF_DST_LO = 2;
export const LF_DST_HI = 3;
export const LF_SRC_LO = 4;
export const LF_SRC_HI = 5;
export const LF_RES_LO = 6;
export const LF_RES_HI = 7;
/** ADC/SBB: the carry that went in; INC/DEC: the CF they keep. */
export const LF_CARRY_IN = 8;
export const LF_FIELDS = 9;
const INITIAL_SIZE = 64;

export function newFlagRecord(): Int32Array {
  const lf = new Int32Array(LF_FIELDS);
  lf[LF_KIND] = FK_NONE;
  lf[LF_SIZE] = INITIAL_SIZE;
  return lf;
}

/** Parity of the low byte: PF=1 when the number of set bits is even (SDM vol. 1, 3.4.3.1). */
export const PARITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) {
  let n = 0;
  for (let b = i; b !== 0; b >>= 1) n += b & 1;
  PARITY[i] = (n & 1) === 0 ? FLAG_PF : 0;
}

/** Top-bit mask of the low half for each size. */
function signBit(size: number): number {
  return size === 8 ? 0x80 : size === 16 ? 0x8000 : 0x80000000;
}

/** Unsigned a < b for the recorded size. */
function below(size: number, aLo: number, aHi: number, bLo: number, bHi: number): boolean {
  if (size === 64 && aHi !== bHi) return aHi >>> 0 < bHi >>> 0;
  return aLo >>> 0 < bLo >>> 0;
}

export function getCF(c: Cpu): boolean {
  const s = c.fSize;
  switch (c.fKind) {
    case FK_NONE:
      return (c.rflags & FLAG_CF) !== 0;
    case FK_ADD:
      return below(s, c.fResLo, c.fResHi, c.fDstLo, c.fDstHi);
    case FK_ADC:
      if (c.fCarryIn === 0) return below(s, c.fResLo, c.fResHi, c.fDstLo, c.fDstHi);
      return !below(s, c.fDstLo, c.fDstHi, c.fResLo, c.fResHi); // res <= dst
    case FK_SUB:
      return below(s, c.fDstLo, c.fDstHi, c.fSrcLo, c.fSrcHi);
    case FK_SBB:
      if (c.fCarryIn === 0) return below(s, c.fDstLo, c.fDstHi, c.fSrcLo, c.fSrcHi);
      return !below(s, c.fSrcLo, c.fSrcHi, c.fDstLo, c.fDstHi); // dst <= src
    case FK_LOGIC:
      return false;
    default: // FK_INC, FK_DEC
      return c.fCarryIn !== 0;
  }
}

export function getZF(c: Cpu): boolean {
  if (c.fKind === FK_NONE) return (c.rflags & FLAG_ZF) !== 0;
  return c.fResLo === 0 && (c.fSize !== 64 || c.fResHi === 0);
}

export function getSF(c: Cpu): boolean {
  if (c.fKind === FK_NONE) return (c.rflags & FLAG_SF) !== 0;
  return c.fSize === 64 ? c.fResHi < 0 : (c.fResLo & signBit(c.fSize)) !== 0;
}

export function getOF(c: Cpu): boolean {
  const k = c.fKind;
  if (k === FK_NONE) return (c.rflags & FLAG_OF) !== 0;
  if (k === FK_LOGIC) return false;
  const wide = c.fSize === 64;
  const d = wide ? c.fDstHi : c.fDstLo;
  const s = wide ? c.fSrcHi : c.fSrcLo;
  const r = wide ? c.fResHi : c.fResLo;
  const top = wide ? 0x80000000 : signBit(c.fSize);
  // SDM vol. 1, 3.4.3.1: signed overflow of add (same-sign operands, different-sign result) or sub.
  if (k === FK_ADD || k === FK_ADC || k === FK_INC) return ((d ^ r) & (s ^ r) & top) !== 0;
  return ((d ^ s) & (d ^ r) & top) !== 0;
}

export function getPF(c: Cpu): boolean {
  if (c.fKind === FK_NONE) return (c.rflags & FLAG_PF) !== 0;
  return PARITY[c.fResLo & 0xff] !== 0;
}

export function getAF(c: Cpu): boolean {
  const k = c.fKind;
  if (k === FK_NONE) return (c.rflags & FLAG_AF) !== 0;
  if (k === FK_LOGIC) return false;
  return ((c.fDstLo ^ c.fSrcLo ^ c.fResLo) & 0x10) !== 0;
}

/** Compute the status flags into RFLAGS and switch to FK_NONE. */
export function materialize(c: Cpu): void {
  if (c.fKind === FK_NONE) return;
  let f = 0;
  if (getCF(c)) f |= FLAG_CF;
  if (getPF(c)) f |= FLAG_PF;
  if (getAF(c)) f |= FLAG_AF;
  if (getZF(c)) f |= FLAG_ZF;
  if (getSF(c)) f |= FLAG_SF;
  if (getOF(c)) f |= FLAG_OF;
  c.rflags = (c.rflags & ~FLAGS_STATUS) | f;
  c.fKind = FK_NONE;
}

/** The full RFLAGS value (status flags materialised). */
export function readFlags(c: Cpu): number {
  materialize(c);
  return c.rflags;
}

/** Set the six status flags from a mask (eager ops: shifts, mul, bt, popf...). */
export function setStatus(c: Cpu, flags: number): void {
  c.fKind = FK_NONE;
  c.rflags = (c.rflags & ~FLAGS_STATUS) | (flags & FLAGS_STATUS);
}

/** SF, ZF and PF of a result of the given size, as RFLAGS bits. */
export function szp(size: number, lo: number, hi: number): number {
  let f = PARITY[lo & 0xff]!;
  if (size === 64) {
    if (lo === 0 && hi === 0) f |= FLAG_ZF;
    if (hi < 0) f |= FLAG_SF;
  } else {
    if (lo === 0) f |= FLAG_ZF;
    if ((lo & signBit(size)) !== 0) f |= FLAG_SF;
  }
  return f;
}

/** Condition codes 0–15 (SDM vol. 1, appendix B): O NO B AE E NE BE A S NS P NP L GE LE G. */
export function testCond(c: Cpu, cc: number): boolean {
  let r: boolean;
  switch (cc >> 1) {
    case 0: r = getOF(c); break;
    case 1: r = getCF(c); break;
    case 2: r = getZF(c); break;
    case 3: r = getCF(c) || getZF(c); break;
    case 4: r = getSF(c); break;
    case 5: r = getPF(c); break;
    case 6: r = getSF(c) !== getOF(c); break;
    default: r = getZF(c) || getSF(c) !== getOF(c); break;
  } // prettier-ignore
  return (cc & 1) !== 0 ? !r : r;
}
