// Data movement (SDM vol. 2 per instruction): MOV and MOVABS, MOVZX/MOVSX/MOVSXD, LEA, XCHG,
// PUSH/POP (incl. `push %rsp` pushing the old value and `pop (%rsp)` addressing with the new RSP),
// PUSHF/POPF, CMOVcc (a 32-bit CMOV zero-extends even when false), SETcc, the sign conversions,
// CMPXCHG and XADD.
import { RAX, RDX, RSP } from "../../isa/registers.js";
import {
  FLAG_AC,
  FLAG_DF,
  FLAG_IF,
  FLAG_IOPL,
  FLAG_NT,
  FLAG_RF,
  FLAG_TF,
  FLAGS_STATUS,
} from "../../isa/types.js";
import type { Cpu } from "../cpu.js";
import { RFLAGS_FIXED, SEGREF_STACK, TWO32 } from "../cpu.js";
import { FK_NONE, readFlags, testCond } from "../flags.js";
import type { Exec, Op } from "../op.js";
import { BASE_RIP, OK_MEM } from "../op.js";
import { ALU_ADD, ALU_CMP, alu } from "./alu.js";
import { ea, linOf, probeDest, readOp, readReg, writeOp, writeReg } from "./operands.js";
import { ATTN_STOP } from "./control.js";

export function movExec(c: Cpu, op: Op): void {
  const size = op.size;
  const lin = linOf(c, op);
  const lo = readOp(c, op, 0, lin, size);
  writeOp(c, op, 1, lin, size, lo, c.hiOut);
}

/** movz*, movs* (sign), movsl (MOVSXD): source size from the operand kind, destination op.size. */
export function extendExec(signed: boolean): Exec {
  return (c: Cpu, op: Op): void => {
    const lin = linOf(c, op);
    const from = op.bits[0]!;
    let v = readOp(c, op, 0, lin, from);
    let hi = 0;
    if (signed) {
      v = (v << (32 - from)) >> (32 - from);
      hi = v >> 31;
    }
    writeOp(c, op, 1, lin, op.size, v, hi);
  };
}

/**
 * LEA (SDM vol. 2): the effective address modulo 2^64 without segment base or canonical check,
 * formed in 32-bit halves (a double cannot hold a non-canonical 64-bit sum exactly).
 */
export function leaExec(c: Cpu, op: Op): void {
  if (op.mBase === BASE_RIP) {
    const lin = c.rip + op.len + op.mDisp;
    writeOp(c, op, 1, 0, op.size, lin >>> 0, Math.floor(lin / TWO32) | 0);
    return;
  }
  const d = op.mDisp;
  let s = d >>> 0;
  let h = d < 0 ? -1 : 0;
  if (op.mBase >= 0) {
    s += c.rlo[op.mBase]! >>> 0;
    h += c.rhi[op.mBase]!;
  }
  if (op.mIndex >= 0) {
    s += (c.rlo[op.mIndex]! >>> 0) * (1 << op.mScaleLog2);
    h += c.rhi[op.mIndex]! << op.mScaleLog2;
  }
  writeOp(c, op, 1, 0, op.size, s >>> 0, (h + Math.floor(s / TWO32)) | 0);
}

export function xchgExec(c: Cpu, op: Op): void {
  const size = op.size;
  const lin = linOf(c, op);
  probeDest(c, op, 0, lin, size);
  probeDest(c, op, 1, lin, size);
  const aLo = readOp(c, op, 0, lin, size);
  const aHi = c.hiOut;
  const bLo = readOp(c, op, 1, lin, size);
  const bHi = c.hiOut;
  writeOp(c, op, 0, lin, size, bLo, bHi);
  writeOp(c, op, 1, lin, size, aLo, aHi);
}

/** The RSP-relative linear address rsp+delta, #SS(0) when non-canonical. */
export function stackLin(c: Cpu, delta: number): number {
  const lin = c.regAsNumber(RSP) + delta;
  c.checkCanonical(lin, SEGREF_STACK);
  return lin;
}

export function push64(c: Cpu, lo: number, hi: number): void {
  const lin = stackLin(c, -8);
  c.write64(lin, lo, hi);
  c.setRegFromNumber(RSP, lin);
}

export function pop64(c: Cpu): number {
  const lin = stackLin(c, 0);
  const lo = c.read64(lin);
  c.setRegFromNumber(RSP, lin + 8);
  return lo;
}

export function pushExec(c: Cpu, op: Op): void {
  const lin = linOf(c, op);
  const lo = readOp(c, op, 0, lin, 64); // `push %rsp` pushes the value before the decrement
  push64(c, lo, c.hiOut);
}

export function popExec(c: Cpu, op: Op): void {
  // SDM vol. 2 POP: a memory destination addressed with RSP uses the value after the increment.
  const from = stackLin(c, 0);
  const lo = c.read64(from);
  const hi = c.hiOut;
  const oldLo = c.rlo[RSP]!;
  const oldHi = c.rhi[RSP]!;
  c.setRegFromNumber(RSP, from + 8);
  if (op.kind[0] === OK_MEM) {
    try {
      const lin = ea(c, op);
      c.write64(lin, lo, hi);
    } catch (e) {
      c.rlo[RSP] = oldLo; // a faulting POP leaves RSP unchanged
      c.rhi[RSP] = oldHi;
      throw e;
    }
    return;
  }
  writeOp(c, op, 0, 0, 64, lo, hi);
}

export function pushfExec(c: Cpu): void {
  // SDM vol. 2 PUSHF: RF and VM are cleared in the pushed image.
  push64(c, readFlags(c) & ~FLAG_RF, 0);
}

/** Bits POPF may change at CPL 0 (IOPL and IF too); at CPL 3 IOPL and IF stay (IOPL = 0). */
const POPF_MASK_CPL0 = FLAGS_STATUS | FLAG_TF | FLAG_IF | FLAG_DF | FLAG_IOPL | FLAG_NT | FLAG_AC;
export function popfExec(c: Cpu, op: Op): void {
  const v = pop64(c);
  const iopl = (c.rflags & FLAG_IOPL) >>> 12;
  let mask = POPF_MASK_CPL0;
  if (c.cpl > 0) mask &= ~FLAG_IOPL; // SDM vol. 2 POPF: IOPL changes only at CPL 0
  if (c.cpl > iopl) mask &= ~FLAG_IF; // IF changes only when CPL ≤ IOPL
  const wasIf = c.rflags & FLAG_IF;
  c.rflags = ((c.rflags & ~mask & ~FLAG_RF) | (v & mask) | RFLAGS_FIXED) >>> 0;
  c.fKind = FK_NONE;
  c.accessClassChanged();
  c.rip += op.len;
  if ((c.rflags & FLAG_IF & ~wasIf) !== 0) c.attention |= ATTN_STOP; // a pending interrupt may now be taken
}

export function cmovExec(c: Cpu, op: Op): void {
  const size = op.size;
  const lin = linOf(c, op);
  const lo = readOp(c, op, 0, lin, size); // the source is read (and may fault) either way
  const hi = c.hiOut;
  if (testCond(c, op.form.cond)) writeOp(c, op, 1, lin, size, lo, hi);
  else if (size === 32) c.rhi[op.reg[1]!] = 0; // SDM vol. 2 CMOVcc: 32-bit form zero-extends
}

export function setccExec(c: Cpu, op: Op): void {
  const lin = linOf(c, op);
  writeOp(c, op, 0, lin, 8, testCond(c, op.form.cond) ? 1 : 0, 0);
}

/** cbtw cwtl cltq (sign-extend the accumulator in place); cwtd cltd cqto (into DX/EDX/RDX). */
export function convertExec(mnemonic: string): Exec {
  return (c: Cpu, op: Op): void => {
    const size = op.size;
    const half = size / 2;
    if (mnemonic === "cbtw" || mnemonic === "cwtl" || mnemonic === "cltq") {
      const v = readReg(c, RAX, half);
      const s = (v << (32 - half)) >> (32 - half);
      writeReg(c, RAX, size, s, s >> 31);
      return;
    }
    const a = readReg(c, RAX, size);
    const top = size === 64 ? c.hiOut : a << (32 - size);
    const fill = top < 0 || (top | 0) < 0 ? -1 : 0;
    writeReg(c, RDX, size, fill, fill);
  };
}

export function cmpxchgExec(c: Cpu, op: Op): void {
  const size = op.size;
  const lin = linOf(c, op);
  probeDest(c, op, 1, lin, size);
  const dLo = readOp(c, op, 1, lin, size);
  const dHi = c.hiOut;
  const aLo = readReg(c, RAX, size);
  const aHi = c.hiOut;
  alu(c, ALU_CMP, size, aLo, aHi, dLo, dHi); // flags as CMP accumulator, destination
  if (c.fResLo === 0 && (size !== 64 || c.fResHi === 0)) {
    const sLo = readOp(c, op, 0, lin, size);
    writeOp(c, op, 1, lin, size, sLo, c.hiOut);
  } else {
    // SDM vol. 2 CMPXCHG: on a mismatch the destination is written back with its own value, so
    // on Intel a 32-bit register destination is zero-extended; AMD (APM vol. 3 CMPXCHG) writes
    // only a memory destination back and leaves a register's upper half alone.
    if (op.kind[1] === OK_MEM || c.vendor === "intel") writeOp(c, op, 1, lin, size, dLo, dHi);
    writeReg(c, RAX, size, dLo, dHi);
  }
}

export function xaddExec(c: Cpu, op: Op): void {
  const size = op.size;
  const lin = linOf(c, op);
  probeDest(c, op, 1, lin, size);
  const sLo = readOp(c, op, 0, lin, size);
  const sHi = c.hiOut;
  const dLo = readOp(c, op, 1, lin, size);
  const dHi = c.hiOut;
  alu(c, ALU_ADD, size, dLo, dHi, sLo, sHi);
  writeOp(c, op, 0, lin, size, dLo, dHi);
  writeOp(c, op, 1, lin, size, c.fResLo, c.fResHi);
}
