// Arithmetic and logic (SDM vol. 2 per instruction): the two-operand ALU group and TEST with lazy
// flags, the unary group (NOT NEG INC DEC), and MUL/IMUL/DIV/IDIV with #DE.
import { RAX, RDX } from "../../isa/registers.js";
import type { Cpu } from "../cpu.js";
import { VEC_DE } from "../fault.js";
import {
  FK_ADC,
  FK_ADD,
  FK_DEC,
  FK_INC,
  FK_LOGIC,
  FK_SBB,
  FK_SUB,
  getCF,
  readFlags,
  setStatus,
} from "../flags.js";
import { FLAG_AF, FLAG_CF, FLAG_OF } from "../../isa/types.js";
import type { Exec, Op } from "../op.js";
import { linOf, maskOf, probeDest, readOp, readReg, writeOp, writeReg } from "./operands.js";
import { DIVIDEND, MUL_HI, negWords, PROD, QUOT, REM, udiv128, umul32, umul64 } from "./wide.js";

export const ALU_ADD = 0;
export const ALU_OR = 1;
export const ALU_ADC = 2;
export const ALU_SBB = 3;
export const ALU_AND = 4;
export const ALU_SUB = 5;
export const ALU_XOR = 6;
export const ALU_CMP = 7;
export const ALU_TEST = 8;
export const ALU_BY_MNEMONIC: Readonly<Record<string, number>> = {
  add: ALU_ADD, or: ALU_OR, adc: ALU_ADC, sbb: ALU_SBB, and: ALU_AND, sub: ALU_SUB, xor: ALU_XOR,
  cmp: ALU_CMP, test: ALU_TEST,
}; // prettier-ignore

function record(
  c: Cpu,
  kind: number,
  size: number,
  dLo: number,
  dHi: number,
  sLo: number,
  sHi: number,
): void {
  c.fKind = kind;
  c.fSize = size;
  c.fDstLo = dLo;
  c.fDstHi = dHi;
  c.fSrcLo = sLo;
  c.fSrcHi = sHi;
}

/** Compute d OP s at `size`, leaving the result in fResLo/fResHi and the lazy flag record. */
export function alu(
  c: Cpu,
  kind: number,
  size: number,
  dLo: number,
  dHi: number,
  sLo: number,
  sHi: number,
): void {
  const wide = size === 64;
  const mask = wide ? 0 : maskOf(size);
  switch (kind) {
    case ALU_ADD:
    case ALU_ADC: {
      const cin = kind === ALU_ADC && getCF(c) ? 1 : 0;
      record(c, kind === ALU_ADC ? FK_ADC : FK_ADD, size, dLo, dHi, sLo, sHi);
      c.fCarryIn = cin;
      if (wide) {
        const t = (dLo >>> 0) + (sLo >>> 0) + cin;
        c.fResLo = t | 0;
        c.fResHi = (dHi + sHi + (t > 0xffffffff ? 1 : 0)) | 0;
      } else {
        c.fResLo = ((dLo + sLo + cin) & mask) >>> 0;
        c.fResHi = 0;
      }
      return;
    }
    case ALU_SUB:
    case ALU_SBB:
    case ALU_CMP: {
      const cin = kind === ALU_SBB && getCF(c) ? 1 : 0;
      record(c, kind === ALU_SBB ? FK_SBB : FK_SUB, size, dLo, dHi, sLo, sHi);
      c.fCarryIn = cin;
      if (wide) {
        const t = (dLo >>> 0) - (sLo >>> 0) - cin;
        c.fResLo = t | 0;
        c.fResHi = (dHi - sHi - (t < 0 ? 1 : 0)) | 0;
      } else {
        c.fResLo = ((dLo - sLo - cin) & mask) >>> 0;
        c.fResHi = 0;
      }
      return;
    }
    default: {
      record(c, FK_LOGIC, size, dLo, dHi, sLo, sHi);
      let lo: number;
      let hi: number;
      if (kind === ALU_OR) ((lo = dLo | sLo), (hi = dHi | sHi));
      else if (kind === ALU_XOR) ((lo = dLo ^ sLo), (hi = dHi ^ sHi));
      else ((lo = dLo & sLo), (hi = dHi & sHi));
      c.fResLo = wide ? lo : (lo & mask) >>> 0;
      c.fResHi = wide ? hi : 0;
    }
  }
}

/** add/or/adc/sbb/and/sub/xor/cmp/test: operand 0 is the source, the last the destination. */
export function aluExec(kind: number): Exec {
  const writes = kind !== ALU_CMP && kind !== ALU_TEST;
  return (c: Cpu, op: Op): void => {
    const size = op.size;
    const lin = linOf(c, op);
    const dst = op.nops - 1;
    if (writes) probeDest(c, op, dst, lin, size);
    const sLo = readOp(c, op, 0, lin, size);
    const sHi = c.hiOut;
    const dLo = readOp(c, op, dst, lin, size);
    const dHi = c.hiOut;
    alu(c, kind, size, dLo, dHi, sLo, sHi);
    if (writes) writeOp(c, op, dst, lin, size, c.fResLo, c.fResHi);
  };
}

/** not/neg/inc/dec on one E operand. */
export function unaryExec(mnemonic: string): Exec {
  return (c: Cpu, op: Op): void => {
    const size = op.size;
    const lin = linOf(c, op);
    probeDest(c, op, 0, lin, size);
    const lo = readOp(c, op, 0, lin, size);
    const hi = c.hiOut;
    if (mnemonic === "not") {
      writeOp(c, op, 0, lin, size, ~lo, ~hi); // NOT: flags unaffected
      return;
    }
    if (mnemonic === "neg") {
      alu(c, ALU_SUB, size, 0, 0, lo, hi); // NEG = 0 - x: CF = (x != 0)
    } else {
      const cf = getCF(c) ? 1 : 0; // INC/DEC keep CF
      alu(c, mnemonic === "inc" ? ALU_ADD : ALU_SUB, size, lo, hi, 1, 0);
      c.fKind = mnemonic === "inc" ? FK_INC : FK_DEC;
      c.fCarryIn = cf;
    }
    writeOp(c, op, 0, lin, size, c.fResLo, c.fResHi);
  };
}

/** Sign-extend a ≤32-bit value to a signed double. */
function sext(v: number, size: number): number {
  return size === 32 ? v | 0 : (v << (32 - size)) >> (32 - size);
}

/**
 * Flags after MUL/IMUL: CF=OF=overflow; SF ZF AF PF are undefined (SDM vol. 2 MUL) and this host
 * leaves them unchanged (docs/machine.md, "Undefined flags").
 */
function mulFlags(c: Cpu, overflow: boolean): void {
  const kept = readFlags(c) & ~(FLAG_CF | FLAG_OF);
  setStatus(c, kept | (overflow ? FLAG_CF | FLAG_OF : 0));
}

/** MUL / one-operand IMUL: the accumulator times the operand into (E/R)DX:(E/R)AX or AX. */
export function mulExec(signed: boolean): Exec {
  return (c: Cpu, op: Op): void => {
    const size = op.size;
    const lin = linOf(c, op);
    const sLo = readOp(c, op, 0, lin, size);
    const sHi = c.hiOut;
    const aLo = readReg(c, RAX, size);
    const aHi = c.hiOut;
    if (size <= 16) {
      const p = signed ? sext(aLo, size) * sext(sLo, size) : aLo * sLo;
      const m = maskOf(size);
      const low = p & m;
      const high = (p >> size) & m;
      if (size === 8) writeReg(c, RAX, 16, p & 0xffff, 0);
      else (writeReg(c, RAX, 16, low, 0), writeReg(c, RDX, 16, high, 0));
      const ovf = signed ? p !== sext(low, size) : high !== 0;
      mulFlags(c, ovf);
      return;
    }
    if (size === 32) {
      let lo = umul32(aLo, sLo);
      let hi = MUL_HI[0]!;
      if (signed) {
        // signed high word = unsigned high − (a<0 ? b : 0) − (b<0 ? a : 0) (mod 2^32)
        hi = (hi - ((aLo | 0) < 0 ? sLo : 0) - ((sLo | 0) < 0 ? aLo : 0)) >>> 0;
      }
      writeReg(c, RAX, 32, lo, 0);
      writeReg(c, RDX, 32, hi, 0);
      const ovf = signed ? (hi | 0) !== (lo | 0) >> 31 : hi !== 0;
      mulFlags(c, ovf);
      lo = 0;
      return;
    }
    mul64(signed, aLo, aHi, sLo, sHi);
    writeReg(c, RAX, 64, PROD[0]! | 0, PROD[1]! | 0);
    writeReg(c, RDX, 64, PROD[2]! | 0, PROD[3]! | 0);
    const ovf = signed
      ? !isSignExtension(PROD[1]!, PROD[2]!, PROD[3]!)
      : PROD[2] !== 0 || PROD[3] !== 0;
    mulFlags(c, ovf);
  };
}

/** True when words hi2 hi3 are all copies of the sign bit of word1. */
function isSignExtension(w1: number, w2: number, w3: number): boolean {
  const fill = w1 >>> 31 !== 0 ? 0xffffffff : 0;
  return w2 === fill && w3 === fill;
}

/** 64×64 → 128 into PROD, signed or unsigned. */
function mul64(signed: boolean, aLo: number, aHi: number, bLo: number, bHi: number): void {
  umul64(aLo, aHi, bLo, bHi);
  if (!signed) return;
  // Signed correction of the high 64 bits: subtract b if a<0 and a if b<0 (mod 2^64).
  const sub = (lo: number, hi: number): void => {
    const t = PROD[2]! - (lo >>> 0);
    PROD[2] = (t + 4294967296) % 4294967296;
    const t2 = PROD[3]! - (hi >>> 0) - (t < 0 ? 1 : 0);
    PROD[3] = (t2 + 2 * 4294967296) % 4294967296;
  };
  if (aHi < 0) sub(bLo, bHi);
  if (bHi < 0) sub(aLo, aHi);
}

/** Two- and three-operand IMUL: dst = truncated product of the first two (AT&T order) operands. */
export function imulNExec(c: Cpu, op: Op): void {
  const size = op.size;
  const lin = linOf(c, op);
  const dst = op.nops - 1;
  const aLo = readOp(c, op, 0, lin, size);
  const aHi = c.hiOut;
  const bLo = readOp(c, op, op.nops === 3 ? 1 : dst, lin, size);
  const bHi = c.hiOut;
  let lo: number;
  let hi = 0;
  let ovf: boolean;
  if (size === 16) {
    const p = sext(aLo, 16) * sext(bLo, 16);
    lo = p & 0xffff;
    ovf = p !== sext(lo, 16);
  } else if (size === 32) {
    lo = umul32(aLo, bLo);
    const ph = (MUL_HI[0]! - ((aLo | 0) < 0 ? bLo : 0) - ((bLo | 0) < 0 ? aLo : 0)) >>> 0;
    ovf = (ph | 0) !== (lo | 0) >> 31;
  } else {
    mul64(true, aLo, aHi, bLo, bHi);
    lo = PROD[0]! | 0;
    hi = PROD[1]! | 0;
    ovf = !isSignExtension(PROD[1]!, PROD[2]!, PROD[3]!);
  }
  writeOp(c, op, dst, lin, size, lo, hi);
  mulFlags(c, ovf);
}

/** DIV/IDIV: (E/R)DX:(E/R)AX or AX divided by the operand; #DE on zero or overflow (SDM vol. 2 DIV). */
export function divExec(signed: boolean): Exec {
  return (c: Cpu, op: Op): void => {
    const size = op.size;
    const lin = linOf(c, op);
    let dLo = readOp(c, op, 0, lin, size) >>> 0;
    let dHi = size === 64 ? c.hiOut >>> 0 : 0;
    if (dLo === 0 && dHi === 0) c.raise(VEC_DE); // SDM vol. 2 DIV: divide by zero → #DE
    loadDividend(c, size);
    const dividendNeg = signed && signOfDividend(size);
    let divisorNeg = false;
    if (signed) {
      if (dividendNeg) negWords(DIVIDEND, 4);
      divisorNeg = size === 64 ? (dHi | 0) < 0 : sext(dLo, size) < 0;
      if (divisorNeg) {
        const t = new Float64Array([dLo, size === 64 ? dHi : 0xffffffff]);
        if (size < 64) ((t[0] = -sext(dLo, size) >>> 0), (t[1] = 0));
        else negWords(t, 2);
        dLo = t[0]!;
        dHi = t[1]!;
      }
    }
    udiv128(dLo, dHi);
    const qNeg = signed && dividendNeg !== divisorNeg;
    // SDM vol. 2 DIV/IDIV: a quotient too large for the destination → #DE.
    if (!quotientFits(size, signed, qNeg)) c.raise(VEC_DE);
    if (qNeg) negWords(QUOT, 4);
    if (signed && dividendNeg) negWords(REM, 2);
    storeDivResult(c, size);
    // All six status flags are undefined (SDM vol. 2 DIV); this host keeps OF and CF, clears SF ZF
    // PF and sets AF (docs/machine.md, "Undefined flags").
    setStatus(c, (readFlags(c) & (FLAG_OF | FLAG_CF)) | FLAG_AF);
  };
}

function loadDividend(c: Cpu, size: number): void {
  DIVIDEND.fill(0);
  if (size === 8) DIVIDEND[0] = c.rlo[RAX]! & 0xffff;
  else if (size === 16)
    DIVIDEND[0] = ((c.rlo[RDX]! & 0xffff) * 65536 + (c.rlo[RAX]! & 0xffff)) >>> 0;
  else if (size === 32) ((DIVIDEND[0] = c.rlo[RAX]! >>> 0), (DIVIDEND[1] = c.rlo[RDX]! >>> 0));
  else {
    DIVIDEND[0] = c.rlo[RAX]! >>> 0;
    DIVIDEND[1] = c.rhi[RAX]! >>> 0;
    DIVIDEND[2] = c.rlo[RDX]! >>> 0;
    DIVIDEND[3] = c.rhi[RDX]! >>> 0;
  }
}

/** Sign of the 2N-bit dividend; also sign-extends it to 128 bits in DIVIDEND. */
function signOfDividend(size: number): boolean {
  const top = 2 * size - 1;
  const neg = ((DIVIDEND[top >>> 5]! >>> (top & 31)) & 1) !== 0;
  if (neg && size < 64) {
    for (let b = 2 * size; b < 128; b++) {
      DIVIDEND[b >>> 5] = (DIVIDEND[b >>> 5]! + 2 ** (b & 31)) % 4294967296;
    }
  }
  return neg;
}

function quotientFits(size: number, signed: boolean, neg: boolean): boolean {
  const words = size === 64 ? 2 : 1;
  for (let i = words; i < 4; i++) if (QUOT[i] !== 0) return false;
  const top = size === 64 ? QUOT[1]! : QUOT[0]!;
  const bits = size === 64 ? 32 : size;
  const limit = signed ? 2 ** (bits - 1) : 2 ** bits;
  const below = size === 64 ? top : top;
  if (!signed) return below < limit;
  // |q| ≤ 2^(N-1) - 1, or exactly 2^(N-1) when negative.
  if (below < limit) return true;
  return neg && below === limit && (size !== 64 || QUOT[0] === 0);
}

function storeDivResult(c: Cpu, size: number): void {
  const q0 = QUOT[0]! | 0;
  const r0 = REM[0]! | 0;
  switch (size) {
    case 8: writeReg(c, RAX, 16, (q0 & 0xff) | ((r0 & 0xff) << 8), 0); break;
    case 16: writeReg(c, RAX, 16, q0, 0); writeReg(c, RDX, 16, r0, 0); break;
    case 32: writeReg(c, RAX, 32, q0, 0); writeReg(c, RDX, 32, r0, 0); break;
    default: writeReg(c, RAX, 64, q0, QUOT[1]! | 0); writeReg(c, RDX, 64, r0, REM[1]! | 0);
  } // prettier-ignore
}
