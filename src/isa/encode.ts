// The bytecode encoder: writes one instruction (opcode word, then each non-fixed operand in the
// form's AT&T order) as docs/bytecode.md lays it out. The assembler calls it with 0 for values
// it does not know yet and patches them later at the offsets `layout` reports. Passing an operand
// of the wrong kind for the form is a programming error and throws; input validation (what the
// user wrote) happens in ./match.ts before this is reached.
import type { InsnForm, MemOperand, OperandValue } from "./types.js";
import { MEM_MARKER, NOP1_BYTE, OPCODE_PREFIX_SHIFT } from "./types.js";
import { isNop1 } from "./table.js";
import {
  OC_C,
  OC_E,
  OC_FIXED,
  OC_G,
  OC_I,
  OC_J,
  OC_M,
  OC_S,
  kindBits,
  operandClass,
} from "./layout.js";

const SCALE_SHIFT = 5;

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

/** Write `bytes` bytes of the bit pattern of `v` (any sign), little-endian. */
function writeImm(out: Uint8Array, at: number, v: bigint, bytes: number): void {
  if (bytes === 8) {
    const u = BigInt.asUintN(64, v);
    writeU32(out, at, Number(u & 0xffffffffn));
    writeU32(out, at + 4, Number(u >> 32n));
    return;
  }
  const u = Number(BigInt.asUintN(32, v));
  for (let i = 0; i < bytes; i++) out[at + i] = (u >>> (8 * i)) & 0xff;
}

/** The 7-byte memory operand: 0x80|seg, base, index|scaleLog2<<5, disp32. */
export function writeMem(out: Uint8Array, at: number, m: MemOperand): number {
  out[at] = MEM_MARKER | m.seg;
  out[at + 1] = m.base;
  out[at + 2] = m.index | (m.scaleLog2 << SCALE_SHIFT);
  writeU32(out, at + 3, m.disp | 0);
  return 7;
}

function mismatch(form: InsnForm, i: number, v: OperandValue): never {
  throw new Error(`isa.encode: operand ${i} of ${form.name} cannot be ${v.kind}`);
}

function writeOperand(
  form: InsnForm,
  i: number,
  v: OperandValue,
  out: Uint8Array,
  at: number,
): number {
  const k = form.operands[i]!;
  const cls = operandClass(k);
  if (cls === OC_FIXED) return 0;
  if (cls === OC_E || cls === OC_M) {
    if (v.kind === "mem") return writeMem(out, at, v.mem);
    if (cls === OC_E && v.kind === "reg") return ((out[at] = v.num), 1);
    return mismatch(form, i, v);
  }
  if (cls === OC_G || cls === OC_C || cls === OC_S) {
    if (v.kind !== "reg") return mismatch(form, i, v);
    out[at] = v.num;
    return 1;
  }
  if (cls === OC_I) {
    if (v.kind !== "imm") return mismatch(form, i, v);
    writeImm(out, at, v.value, kindBits(k) / 8);
    return kindBits(k) / 8;
  }
  if (cls === OC_J && v.kind === "rel") return (writeU32(out, at, v.value | 0), 4);
  return mismatch(form, i, v);
}

/**
 * Encode one instruction at `out[at]`; returns its length. `operands` has one value per form
 * operand (fixed operands: `{kind:"fixed"}`, or anything — they are not written).
 */
export function encode(
  form: InsnForm,
  prefix: number,
  operands: readonly OperandValue[],
  out: Uint8Array,
  at: number,
): number {
  if (operands.length !== form.operands.length) {
    throw new Error(`isa.encode: ${form.name} takes ${form.operands.length} operands`);
  }
  if (isNop1(form) && prefix === 0) {
    out[at] = NOP1_BYTE;
    return 1;
  }
  const word = form.opcode | (prefix << OPCODE_PREFIX_SHIFT);
  out[at] = word & 0xff;
  out[at + 1] = word >>> 8;
  let pos = at + 2;
  for (let i = 0; i < operands.length; i++) pos += writeOperand(form, i, operands[i]!, out, pos);
  return pos - at;
}
