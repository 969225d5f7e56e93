// Operand access for the instruction handlers: the effective address of the memory operand (SDM
// vol. 1, 3.7.5) computed exactly in 32-bit halves, and sized reads/writes of register, memory and
// immediate operands with x86's register-write rules: 32-bit writes zero-extend to 64 bits, 8- and
// 16-bit writes merge (SDM vol. 1, 3.4.1.1).
import type { Cpu } from "../cpu.js";
import { SEGREF_DATA, SEGREF_STACK, TWO32 } from "../cpu.js";
import { BASE_RIP, OK_IMM, OK_MEM, OK_REG, OK_REGH } from "../op.js";
import type { Op } from "../op.js";

/** The linear address of op's memory operand; raises #GP(0)/#SS(0) when non-canonical. */
/** The operand's linear address; `check` false skips the canonical check (INVLPG). */
export function ea(c: Cpu, op: Op, check = true): number {
  if (op.mBase === BASE_RIP) {
    // SDM vol. 1, 3.7.5.1: an FS/GS override adds its base to a RIP-relative address too.
    const lin = c.rip + op.len + op.mDisp + (op.mSeg >= 0 ? c.segBase[op.mSeg]! : 0);
    c.checkCanonical(lin, SEGREF_DATA);
    return lin;
  }
  const d = op.mDisp;
  let s = d >>> 0;
  let h = d < 0 ? -1 : 0;
  const b = op.mBase;
  if (b >= 0) {
    s += c.rlo[b]! >>> 0;
    h += c.rhi[b]!;
  }
  const x = op.mIndex;
  if (x >= 0) {
    const sl = op.mScaleLog2;
    s += (c.rlo[x]! >>> 0) * (1 << sl);
    h += sl === 0 ? c.rhi[x]! : c.rhi[x]! << sl;
  }
  if (op.mSeg >= 0) {
    const base = c.segBase[op.mSeg]!;
    s += base >>> 0;
    h += Math.floor(base / TWO32);
  }
  const hi = (h + Math.floor(s / TWO32)) | 0;
  // SDM 3.3.7.1: bits 63:47 must all equal → #GP(0), #SS(0) for stack references.
  if (check && hi >> 15 !== hi >> 31)
    c.checkCanonical(Infinity, op.mStack ? SEGREF_STACK : SEGREF_DATA);
  return hi * TWO32 + (s >>> 0);
}

/** Mask of a size in bits (≤ 32), as an unsigned number. */
export function maskOf(size: number): number {
  return size === 32 ? 0xffffffff : (1 << size) - 1;
}

/** Read register r at a size: the value (zero-extended, unsigned for ≤ 32); 64: lo, hi in hiOut. */
export function readReg(c: Cpu, r: number, size: number): number {
  switch (size) {
    case 8: c.hiOut = 0; return c.rlo[r]! & 0xff;
    case 16: c.hiOut = 0; return c.rlo[r]! & 0xffff;
    case 32: c.hiOut = 0; return c.rlo[r]! >>> 0;
    default: c.hiOut = c.rhi[r]!; return c.rlo[r]!;
  } // prettier-ignore
}

/** Write register r at a size with the zero-extend / merge rules. */
export function writeReg(c: Cpu, r: number, size: number, lo: number, hi: number): void {
  switch (size) {
    case 8: c.rlo[r] = (c.rlo[r]! & ~0xff) | (lo & 0xff); break;
    case 16: c.rlo[r] = (c.rlo[r]! & ~0xffff) | (lo & 0xffff); break;
    case 32: c.rlo[r] = lo; c.rhi[r] = 0; break;
    default: c.rlo[r] = lo; c.rhi[r] = hi; break;
  } // prettier-ignore
}

/** Read operand i at `size`; immediates are cut to the size (their 64-bit extension is in immLo/Hi). */
export function readOp(c: Cpu, op: Op, i: number, lin: number, size: number): number {
  switch (op.kind[i]) {
    case OK_REG:
      return readReg(c, op.reg[i]!, size);
    case OK_REGH:
      c.hiOut = 0;
      return (c.rlo[op.reg[i]!]! >>> 8) & 0xff;
    case OK_MEM: {
      const v = c.readSized(lin, size);
      if (size !== 64) c.hiOut = 0;
      return v;
    }
    case OK_IMM:
      c.hiOut = op.immHi;
      return size === 64 ? op.immLo : (op.immLo & maskOf(size)) >>> 0;
    default:
      c.hiOut = 0;
      return 0;
  }
}

export function writeOp(
  c: Cpu,
  op: Op,
  i: number,
  lin: number,
  size: number,
  lo: number,
  hi: number,
): void {
  switch (op.kind[i]) {
    case OK_REG:
      writeReg(c, op.reg[i]!, size, lo, hi);
      return;
    case OK_REGH: {
      const r = op.reg[i]!;
      c.rlo[r] = (c.rlo[r]! & ~0xff00) | ((lo & 0xff) << 8);
      return;
    }
    case OK_MEM:
      c.writeSized(lin, size, lo, hi);
      return;
  }
}

/** The linear address of the memory operand if there is one (0 otherwise). */
export function linOf(c: Cpu, op: Op): number {
  return op.memIdx >= 0 ? ea(c, op) : 0;
}

/** Before a read-modify-write of a memory destination: check the write can complete. */
export function probeDest(c: Cpu, op: Op, i: number, lin: number, size: number): void {
  if (op.kind[i] === OK_MEM) c.probeWrite(lin, size >>> 3);
}
