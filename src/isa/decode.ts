// The bytecode decoder: bytes → DecodedInsn, or undefined for anything that is not a valid
// instruction (the VM raises #UD). Every rejected case is listed in docs/bytecode.md; in short:
// truncated input, opcode 0 or unassigned, a prefix the form does not allow, LOCK without a
// memory destination, a bad register/CR/segment byte, reserved bits in a memory operand, RSP as
// an index, an index with RIP, a scale without an index, MOV to CS, AH..BH with an operand that
// would need REX on x86, and `int $3` (which has its own opcode). Every valid instruction has
// exactly one encoding, so decode → encode reproduces the bytes. Register and fixed operands are
// shared frozen objects: callers must not mutate decoded operands.
import type { IsaForm } from "./spec.js";
import type { DecodedInsn, OperandValue } from "./types.js";
import {
  MEM_BASE_RIP,
  MEM_NONE,
  MEM_OPERAND_SIZE,
  OPCODE_FORM_MASK,
  OPCODE_PREFIX_SHIFT,
  NOP1_BYTE,
} from "./types.js";
import { PREFIX_LOCK, REG_OPERAND_MAX } from "./types.js";
import { CONTROL_REGISTERS, HIGH_BYTE_BASE, RSP, SEGMENT_REGISTERS, SEG_CS } from "./registers.js";
import { OC_C, OC_E, OC_G, OC_I, OC_J, OC_M, OC_S, kindBits, operandClass } from "./layout.js";
import { FORMS, formByName, NOP1_FORM } from "./table.js";

const GPR_COUNT = 16;
const SEG_OVERRIDE_MAX = SEGMENT_REGISTERS.length; // seg byte: 0 none, 1..6 = ES..GS
const MEM_SEG_MASK = 0x7f;
const INDEX_MASK = 0x1f;
const SCALE_SHIFT = 5;
const SCALE_MASK = 3;
const INDEX_RESERVED = 0x80;
const INT3_VECTOR = 3n;

/** Per-opcode decoding plan, precomputed so decode() does no string work. */
interface Plan {
  form: IsaForm;
  classes: Uint8Array;
  /** Immediate width in bytes, per operand (0 if not an immediate). */
  immBytes: Uint8Array;
  /** The operand is byte-sized (Eb/Gb), so 0x10–0x13 (AH..BH) are valid register bytes. */
  byteReg: Uint8Array;
  /** Index of the S operand when the form loads a segment register (MOV Sreg, r/m), else -1. */
  segDest: number;
  /** The E operand must be memory (IsaForm.eMustBeMem). */
  eMustBeMem: boolean;
}

const PLANS: (Plan | undefined)[] = new Array(OPCODE_FORM_MASK + 1).fill(undefined);
const INT_IB = formByName("intIb");
for (const form of FORMS) {
  const n = form.operands.length;
  const plan: Plan = {
    form,
    classes: new Uint8Array(n),
    immBytes: new Uint8Array(n),
    byteReg: new Uint8Array(n),
    segDest: -1,
    eMustBeMem: form.eMustBeMem,
  };
  form.operands.forEach((k, i) => {
    plan.classes[i] = operandClass(k);
    if (plan.classes[i] === OC_I) plan.immBytes[i] = kindBits(k) / 8;
    if (k === "Eb" || k === "Gb") plan.byteReg[i] = 1;
    if (k === "S" && i === n - 1) plan.segDest = i;
  });
  PLANS[form.opcode] = plan;
}

const REG_OPS: OperandValue[] = [];
for (let i = 0; i <= REG_OPERAND_MAX; i++) REG_OPS.push(Object.freeze({ kind: "reg", num: i }));
const FIXED: OperandValue = Object.freeze({ kind: "fixed" });
const VALID_CR = new Set<number>(CONTROL_REGISTERS);

function readI32(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
}

function readImm(b: Uint8Array, at: number, bytes: number): bigint {
  if (bytes === 1) return BigInt(b[at]!);
  if (bytes === 2) return BigInt(b[at]! | (b[at + 1]! << 8));
  if (bytes === 4) return BigInt(readI32(b, at) >>> 0);
  return (BigInt(readI32(b, at + 4) >>> 0) << 32n) | BigInt(readI32(b, at) >>> 0);
}

/** Decode state shared by the operand readers (module-level: decode is not re-entrant-sensitive). */
let highByte = false; // an AH..BH operand was seen
let rexNeeded = false; // an operand that needs REX on x86 was seen
let sawMem = false;

/** The 7-byte memory operand at b[at], or undefined if any reserved encoding is used. */
function readMem(b: Uint8Array, at: number): OperandValue | undefined {
  const seg = b[at]! & MEM_SEG_MASK;
  const base = b[at + 1]!;
  const ix = b[at + 2]!;
  const index = ix & INDEX_MASK;
  const scaleLog2 = (ix >> SCALE_SHIFT) & SCALE_MASK;
  if (seg > SEG_OVERRIDE_MAX) return undefined;
  if (base >= GPR_COUNT && base !== MEM_BASE_RIP && base !== MEM_NONE) return undefined;
  if (ix & INDEX_RESERVED) return undefined;
  if (index === MEM_NONE) {
    if (scaleLog2 !== 0) return undefined; // a scale without an index has one encoding: 0
  } else if (index >= GPR_COUNT || index === RSP || base === MEM_BASE_RIP) {
    return undefined; // SDM vol. 2, 2.1.5: RSP cannot be an index; RIP-relative has no index
  }
  if ((base < GPR_COUNT && base >= 8) || (index < GPR_COUNT && index >= 8)) rexNeeded = true;
  sawMem = true;
  const mem = { seg, base, index, scaleLog2, disp: readI32(b, at + 3) };
  return { kind: "mem", mem };
}

function readReg(num: number, byteReg: boolean): OperandValue | undefined {
  if (num >= GPR_COUNT && !(byteReg && num <= REG_OPERAND_MAX)) return undefined;
  if (num >= HIGH_BYTE_BASE) highByte = true;
  else if (num >= 8 || (byteReg && num >= 4)) rexNeeded = true; // r8..r15, spl bpl sil dil
  return REG_OPS[num];
}

const NOP1_INSN: DecodedInsn = Object.freeze({
  form: NOP1_FORM,
  prefix: 0,
  length: 1,
  operands: [],
});

/** Decode one instruction at b[at]; undefined when it is not valid bytecode (#UD). */
export function decode(b: Uint8Array, at: number): DecodedInsn | undefined {
  const end = b.length;
  if (at < 0 || at >= end) return undefined;
  if (b[at] === NOP1_BYTE) return NOP1_INSN;
  if (at + 2 > end) return undefined;
  const word = b[at]! | (b[at + 1]! << 8);
  const plan = PLANS[word & OPCODE_FORM_MASK];
  if (plan === undefined || plan.form === NOP1_FORM) return undefined; // nop is only the lone byte
  const prefix = word >>> OPCODE_PREFIX_SHIFT;
  const form = plan.form;
  if (prefix !== 0 && (form.prefixes & (1 << prefix)) === 0) return undefined;
  highByte = rexNeeded = sawMem = false;
  const n = plan.classes.length;
  const operands: OperandValue[] = new Array(n);
  let pos = at + 2;
  for (let i = 0; i < n; i++) {
    const cls = plan.classes[i]!;
    let v: OperandValue | undefined;
    if (cls === OC_E || cls === OC_M) {
      if (pos >= end) return undefined;
      if (b[pos]! & 0x80) {
        if (pos + MEM_OPERAND_SIZE > end) return undefined;
        v = readMem(b, pos);
        pos += MEM_OPERAND_SIZE;
      } else if (cls === OC_E) {
        v = readReg(b[pos++]!, plan.byteReg[i] === 1);
      }
    } else if (cls === OC_G || cls === OC_C || cls === OC_S) {
      if (pos >= end) return undefined;
      const num = b[pos++]!;
      if (cls === OC_G) v = readReg(num, plan.byteReg[i] === 1);
      else if (cls === OC_C) v = VALID_CR.has(num) ? REG_OPS[num] : undefined;
      // SDM vol. 2 "MOV": loading CS with MOV is #UD; only ES..GS exist.
      else if (num < SEGMENT_REGISTERS.length && !(i === plan.segDest && num === SEG_CS))
        v = REG_OPS[num];
    } else if (cls === OC_I) {
      const bytes = plan.immBytes[i]!;
      if (pos + bytes > end) return undefined;
      v = { kind: "imm", value: readImm(b, pos, bytes) };
      pos += bytes;
    } else if (cls === OC_J) {
      if (pos + 4 > end) return undefined;
      v = { kind: "rel", value: readI32(b, pos) };
      pos += 4;
    } else {
      v = FIXED;
    }
    if (v === undefined) return undefined;
    operands[i] = v;
  }
  if (plan.eMustBeMem && !sawMem) return undefined;
  // SDM vol. 2 "LOCK": #UD unless the destination is memory.
  if (prefix === PREFIX_LOCK && !sawMem) return undefined;
  // AH..BH cannot be encoded with REX on x86 (SDM vol. 2, 2.2.1.2); keep the subset x86-shaped.
  if (highByte && (rexNeeded || form.size === 64)) return undefined;
  if (form === INT_IB && (operands[0] as { value: bigint }).value === INT3_VECTOR) return undefined;
  return { form, prefix, length: pos - at, operands };
}
