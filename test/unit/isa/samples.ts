// Test helpers: representative operand values for any form, so tests can walk the whole table
// (every row, register and memory variants) without hand-writing 400 cases.
import type { InsnForm, IsaForm, MemOperand, OperandValue } from "../../../src/isa/index.js";
import { MEM_NONE, kindBits } from "../../../src/isa/index.js";
import { OC_E, OC_FIXED, operandClass } from "../../../src/isa/layout.js";

export const SAMPLE_MEM: MemOperand = { seg: 0, base: 0, index: 3, scaleLog2: 2, disp: 0x40 };

/** Which operand positions of a form are E operands (the ones that may be reg or mem). */
export function eOperands(form: InsnForm): number[] {
  return form.operands.flatMap((k, i) => (operandClass(k) === OC_E ? [i] : []));
}

/** Every memMask a form supports: all subsets of its E operands. */
export function memMasks(form: InsnForm): number[] {
  const es = eOperands(form);
  const masks: number[] = [];
  for (let s = 0; s < 1 << es.length; s++) {
    let m = 0;
    es.forEach((e, j) => {
      if (s & (1 << j)) m |= 1 << e;
    });
    // A G,E form with an E,G twin exists only with a memory E (IsaForm.eMustBeMem).
    if (!(form as IsaForm).eMustBeMem || m !== 0) masks.push(m);
  }
  return masks;
}

const IMM_SAMPLE: Record<number, bigint> = {
  8: 0x12n,
  16: 0x1234n,
  32: 0x12345678n,
  64: 0x123456789abcdef0n,
};

/** Sample operands for `form`; E operand i is memory when bit i of memMask is set. */
export function sampleOperands(form: InsnForm, memMask: number, mem = SAMPLE_MEM): OperandValue[] {
  let nextReg = 1; // rcx, rdx, ...: distinct registers so operand order mistakes show
  return form.operands.map((k, i): OperandValue => {
    const c = operandClass(k) === OC_FIXED ? "F" : k[0];
    if (k === "C") return { kind: "reg", num: 3 };
    if (k === "S") return { kind: "reg", num: i === form.operands.length - 1 ? 3 : 4 };
    if (c === "E" && memMask & (1 << i)) return { kind: "mem", mem };
    if (c === "M") return { kind: "mem", mem };
    if (c === "E" || c === "G") return { kind: "reg", num: nextReg++ };
    if (c === "I") return { kind: "imm", value: IMM_SAMPLE[kindBits(k)]! };
    if (c === "J") return { kind: "rel", value: 0x10 };
    return { kind: "fixed" };
  });
}

export const NO_INDEX_MEM: MemOperand = {
  seg: 0,
  base: 5,
  index: MEM_NONE,
  scaleLog2: 0,
  disp: -8,
};
