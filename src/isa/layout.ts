// Where each operand of a form sits in the bytecode, and how wide it is. Instruction length
// depends only on the form and on which E operands are memory (1 byte for a register, 7 for a
// memory operand), so the assembler knows every size at first sight; `layout` also tells it the
// offsets of the immediate, displacement and rel32 fields it must fill or relocate.
import type { InsnForm, OperandKind, EncodedField } from "./types.js";
import { MEM_OPERAND_SIZE } from "./types.js";

/** Operand classes: how an operand is encoded, whatever its size. */
export const OC_E = 1, OC_G = 2, OC_M = 3, OC_I = 4, OC_J = 5, OC_C = 6, OC_S = 7, OC_FIXED = 8; // prettier-ignore

/** The opcode word: u16 little-endian. */
export const OPCODE_WORD_SIZE = 2;
/** Offset of disp32 inside a memory operand (after the seg, base and index bytes). */
export const MEM_DISP_OFFSET = 3;

const FIXED_KINDS: ReadonlySet<OperandKind> = new Set(["AL", "AX", "EAX", "RAX", "CL", "DX"]);

export function operandClass(k: OperandKind): number {
  if (FIXED_KINDS.has(k)) return OC_FIXED;
  switch (k[0]) {
    case "E": return OC_E;
    case "G": return OC_G;
    case "M": return OC_M;
    case "I": return OC_I;
    case "J": return OC_J;
    case "C": return OC_C;
    case "S": return OC_S;
    default: return OC_FIXED;
  } // prettier-ignore
}

/** Width in bits of the value an operand kind names (0 for M and the untyped C/S). */
export function kindBits(k: OperandKind): 0 | 8 | 16 | 32 | 64 {
  switch (k) {
    case "Eb": case "Gb": case "Mb": case "Ib": case "AL": case "CL": return 8;
    case "Ew": case "Gw": case "Mw": case "Iw": case "AX": case "DX": case "S": return 16;
    case "Ed": case "Gd": case "Md": case "Id": case "EAX": case "Jd": return 32;
    case "Eq": case "Gq": case "Mq": case "Iq": case "RAX": case "C": return 64;
    default: return 0;
  } // prettier-ignore
}

/** Encoded bytes of operand kind `k`, given whether an E operand is memory. */
export function operandBytes(k: OperandKind, isMem: boolean): number {
  switch (operandClass(k)) {
    case OC_E: return isMem ? MEM_OPERAND_SIZE : 1;
    case OC_M: return MEM_OPERAND_SIZE;
    case OC_G: case OC_C: case OC_S: return 1;
    case OC_I: return kindBits(k) / 8;
    case OC_J: return 4;
    default: return 0;
  } // prettier-ignore
}

export interface Layout {
  /** Total instruction length in bytes. */
  readonly length: number;
  /** Byte offset of each operand (fixed operands: the offset where they would be). */
  readonly offsets: readonly number[];
  /** The fields an encoder fills in: immediates, displacements, rel32 branch offsets. */
  readonly fields: readonly EncodedField[];
}

/** An immediate is sign-extended when it is narrower than its 64-bit form (imm32 → 64). */
function immSigned(form: InsnForm, k: OperandKind): boolean {
  return form.size === 64 && k === "Id";
}

const NOP1_LAYOUT: Layout = Object.freeze({ length: 1, offsets: Object.freeze([]), fields: Object.freeze([]) }); // prettier-ignore

function computeLayout(form: InsnForm, memMask: number): Layout {
  const offsets: number[] = [];
  const fields: EncodedField[] = [];
  if (form.operands.length === 0 && form.mnemonic === "nop") return NOP1_LAYOUT; // NOP1_BYTE
  let at = OPCODE_WORD_SIZE;
  form.operands.forEach((k, i) => {
    const cls = operandClass(k);
    const isMem = cls === OC_M || (cls === OC_E && (memMask & (1 << i)) !== 0);
    offsets.push(at);
    if (isMem) fields.push({ operand: i, offset: at + MEM_DISP_OFFSET, width: 4, role: "disp", signed: true }); // prettier-ignore
    else if (cls === OC_I) fields.push({ operand: i, offset: at, width: (kindBits(k) / 8) as 1 | 2 | 4 | 8, role: "imm", signed: immSigned(form, k) }); // prettier-ignore
    else if (cls === OC_J) fields.push({ operand: i, offset: at, width: 4, role: "rel", signed: true }); // prettier-ignore
    at += operandBytes(k, isMem);
  });
  return Object.freeze({ length: at, offsets: Object.freeze(offsets), fields: Object.freeze(fields.map((f) => Object.freeze(f))) }); // prettier-ignore
}

// Forms have at most three operands, so memMask < 8: cache every layout by opcode * 8 + mask.
const MASKS = 8;
const cache = new Map<number, Layout>();

/**
 * The layout of `form` when bit i of `memMask` says operand i (an E operand) is memory. M
 * operands are always memory; bits for other operands are ignored.
 */
export function layout(form: InsnForm, memMask: number): Layout {
  const key = form.opcode * MASKS + (memMask & (MASKS - 1));
  let l = cache.get(key);
  if (l === undefined) {
    l = computeLayout(form, memMask);
    cache.set(key, l);
  }
  return l;
}
