// A decoded instruction prepared for execution: the isa decoder's DecodedInsn flattened into plain
// numeric fields (one hidden class for every instruction, no per-execution allocation) plus the
// handler chosen for its form. Ops live in blocks cached by physical address (./blocks.ts).
import type { DecodedInsn, InsnForm, OperandKind } from "../isa/types.js";
import { MEM_BASE_RIP, MEM_NONE } from "../isa/types.js";
import { HIGH_BYTE_BASE, RAX, RCX, RDX, RSP, RBP } from "../isa/registers.js";
import type { Cpu } from "./cpu.js";

export type Exec = (c: Cpu, op: Op) => void;

/** Operand classes after decoding. */
export const OK_NONE = 0;
export const OK_REG = 1;
/** AH CH DH BH: bits 15..8 of register num. */
export const OK_REGH = 2;
export const OK_MEM = 3;
export const OK_IMM = 4;
export const OK_REL = 5;
/** Control register number or segment register number in `reg`. */
export const OK_CR = 6;
export const OK_SEG = 7;

export const NO_REG = -1;
export const BASE_RIP = 16;
/** Segment override index for FS/GS, else -1 (no base in 64-bit mode). */
const SEG_OVERRIDE_FS = 5;
const SEG_OVERRIDE_GS = 6;

export class Op {
  exec: Exec;
  form: InsnForm;
  prefix = 0;
  len = 0;
  /** Operand size of the form (0 when none). */
  size = 0;
  /** True when the handler sets RIP itself (jumps, calls, returns, traps, system transfers). */
  flow = false;
  nops = 0;
  readonly kind = new Int8Array(3);
  readonly reg = new Int8Array(3);
  /** Bits of each operand. */
  readonly bits = new Uint8Array(3);
  immLo = 0;
  immHi = 0;
  rel = 0;
  /** Memory operand: segment base register (4 FS, 5 GS) or -1; base (0–15, BASE_RIP, -1). */
  mSeg = -1;
  mBase = NO_REG;
  mIndex = NO_REG;
  mScaleLog2 = 0;
  mDisp = 0;
  /** SDM 3.3.7.1: a non-canonical stack reference (base RSP/RBP or SS) raises #SS, not #GP. */
  mStack = false;
  /** Index of the memory operand, or -1. */
  memIdx = -1;
  /** The decoded instruction it came from (the "insn" trace level disassembles it). */
  insn: DecodedInsn | undefined = undefined;

  constructor(form: InsnForm, exec: Exec) {
    this.form = form;
    this.exec = exec;
  }
}

export function kindBits(k: OperandKind, formSize: number): number {
  switch (k) {
    case "AL": case "CL": return 8;
    case "AX": case "DX": return 16;
    case "EAX": return 32;
    case "RAX": return 64;
    case "C": return 64;
    case "S": return 16;
    case "Jd": return 32;
    case "M": return formSize;
  } // prettier-ignore
  const l = k[k.length - 1];
  return l === "b" ? 8 : l === "w" ? 16 : l === "d" ? 32 : 64;
}

const FIXED_REG: Partial<Record<OperandKind, number>> = {
  AL: RAX,
  AX: RAX,
  EAX: RAX,
  RAX: RAX,
  CL: RCX,
  DX: RDX,
};

/** Flatten a DecodedInsn; `immSigned(form)` says whether a narrower immediate sign-extends. */
export function prepareOp(insn: DecodedInsn, exec: Exec, flow: boolean, immSigned: boolean): Op {
  const form = insn.form;
  const op = new Op(form, exec);
  op.insn = insn;
  op.prefix = insn.prefix;
  op.len = insn.length;
  op.size = form.size;
  op.flow = flow;
  op.nops = form.operands.length;
  form.operands.forEach((k, i) => {
    const v = insn.operands[i]!;
    op.bits[i] = kindBits(k, form.size);
    switch (v.kind) {
      case "reg":
        op.kind[i] =
          k === "C" ? OK_CR : k === "S" ? OK_SEG : v.num >= HIGH_BYTE_BASE ? OK_REGH : OK_REG;
        op.reg[i] =
          v.num >= HIGH_BYTE_BASE && k !== "C" && k !== "S" ? v.num - HIGH_BYTE_BASE : v.num;
        break;
      case "mem": {
        op.kind[i] = OK_MEM;
        op.memIdx = i;
        const m = v.mem;
        const seg = m.seg - 1; // SEG_* numbering
        op.mSeg = m.seg === SEG_OVERRIDE_FS ? 4 : m.seg === SEG_OVERRIDE_GS ? 5 : -1;
        op.mBase = m.base === MEM_BASE_RIP ? BASE_RIP : m.base === MEM_NONE ? NO_REG : m.base;
        op.mIndex = m.index === MEM_NONE ? NO_REG : m.index;
        op.mScaleLog2 = m.scaleLog2;
        op.mDisp = m.disp | 0;
        op.mStack = seg === 2 || (seg < 0 && (m.base === RSP || m.base === RBP));
        break;
      }
      case "imm": {
        op.kind[i] = OK_IMM;
        const width = k === "Ib" ? 8 : k === "Iw" ? 16 : k === "Id" ? 32 : 64;
        setImmediate(op, v.value, width, immSigned);
        break;
      }
      case "rel":
        op.kind[i] = OK_REL;
        op.rel = v.value;
        break;
      case "fixed":
        op.kind[i] = OK_REG;
        op.reg[i] = FIXED_REG[k] ?? 0;
        break;
    }
  });
  return op;
}

/** Store an immediate as lo/hi, sign- or zero-extended from its field width to 64 bits. */
function setImmediate(op: Op, value: bigint, width: number, signed: boolean): void {
  let v = BigInt.asUintN(width, value);
  if (signed) v = BigInt.asUintN(64, BigInt.asIntN(width, v));
  op.immLo = Number(v & 0xffffffffn) | 0;
  op.immHi = Number(v >> 32n) | 0;
}
