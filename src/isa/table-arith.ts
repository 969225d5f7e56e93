// Arithmetic and logic rows of the instruction table (SDM vol. 1, 7.3.2–7.3.7): the two-operand
// ALU group, test, the unary group, multiply/divide, shifts and rotates, bit tests, bit scans.
// Flag masks follow SDM vol. 2 "Flags Affected" for each instruction.
import type { RowSpec } from "./spec.js";
import { row, kind, immOf, SIZES, WIDE_SIZES, LOCKABLE, FLAGS_LOGIC } from "./spec.js";
import type { OperandKind } from "./types.js";
import { FLAG_AF, FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF, FLAGS_STATUS } from "./types.js";

const A = "arith" as const;

interface AluOp {
  name: string;
  read: number;
  written: number;
  undef: number;
  lockable: boolean;
}
// ADD ADC SUB SBB CMP set OF SF ZF AF PF CF; AND OR XOR set OF=CF=0, SF ZF PF, AF undefined.
const ALU_OPS: readonly AluOp[] = [
  { name: "add", read: 0, written: FLAGS_STATUS, undef: 0, lockable: true },
  { name: "or", read: 0, written: FLAGS_LOGIC, undef: FLAG_AF, lockable: true },
  { name: "adc", read: FLAG_CF, written: FLAGS_STATUS, undef: 0, lockable: true },
  { name: "sbb", read: FLAG_CF, written: FLAGS_STATUS, undef: 0, lockable: true },
  { name: "and", read: 0, written: FLAGS_LOGIC, undef: FLAG_AF, lockable: true },
  { name: "sub", read: 0, written: FLAGS_STATUS, undef: 0, lockable: true },
  { name: "xor", read: 0, written: FLAGS_LOGIC, undef: FLAG_AF, lockable: true },
  { name: "cmp", read: 0, written: FLAGS_STATUS, undef: 0, lockable: false },
];

function aluRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  for (const op of ALU_OPS) {
    const o = { read: op.read, written: op.written, undef: op.undef };
    // LOCK is legal only with a memory destination (SDM vol. 2 "LOCK": #UD otherwise).
    const lock = { ...o, prefixes: op.lockable ? LOCKABLE : 0 };
    for (const { size, l } of SIZES) {
      const E = kind("E", l), G = kind("G", l); // prettier-ignore
      rows.push(row(A, op.name, size, [G, E], lock));
      rows.push(row(A, op.name, size, [E, G], o));
      rows.push(row(A, op.name, size, [immOf(l), E], lock));
    }
  }
  for (const { size, l } of SIZES) {
    const o = { written: FLAGS_LOGIC, undef: FLAG_AF };
    rows.push(row(A, "test", size, [kind("G", l), kind("E", l)], { ...o, commutes: true }));
    rows.push(row(A, "test", size, [immOf(l), kind("E", l)], o));
  }
  return rows;
}

function unaryRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  const unary: [string, number, number][] = [
    ["not", 0, 0], // NOT: flags unaffected
    ["neg", FLAGS_STATUS, 0], // NEG: CF = (src != 0), others by result
    ["inc", FLAGS_STATUS & ~FLAG_CF, 0], // INC/DEC: CF unaffected
    ["dec", FLAGS_STATUS & ~FLAG_CF, 0],
  ];
  for (const [name, written, undef] of unary) {
    for (const { size, l } of SIZES) {
      rows.push(row(A, name, size, [kind("E", l)], { written, undef, prefixes: LOCKABLE }));
    }
  }
  // MUL/IMUL (one operand): OF CF set, SF ZF AF PF undefined; DIV/IDIV: all six undefined and
  // #DE on a zero divisor or a quotient that does not fit (SDM vol. 2 "DIV").
  const mulUndef = FLAG_SF | FLAG_ZF | FLAG_AF | FLAG_PF;
  const mulDiv: [string, number, number][] = [
    ["mul", FLAG_OF | FLAG_CF, mulUndef],
    ["imul", FLAG_OF | FLAG_CF, mulUndef],
    ["div", 0, FLAGS_STATUS],
    ["idiv", 0, FLAGS_STATUS],
  ];
  for (const [name, written, undef] of mulDiv) {
    for (const { size, l } of SIZES)
      rows.push(row(A, name, size, [kind("E", l)], { written, undef }));
  }
  for (const { size, l } of WIDE_SIZES) {
    const o = { written: FLAG_OF | FLAG_CF, undef: mulUndef };
    rows.push(row(A, "imul", size, [kind("E", l), kind("G", l)], o));
    rows.push(row(A, "imul", size, [immOf(l), kind("E", l), kind("G", l)], o));
  }
  return rows;
}

function shiftRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  // Flags depend on the masked count (SDM vol. 2 "SAL/SAR/SHL/SHR", "RCL/RCR/ROL/ROR"): a count
  // of 0 changes nothing; OF is defined only for a count of 1 (undefined otherwise); shifts set
  // CF SF ZF PF and leave AF undefined, rotates set only CF and OF. The masks below record the
  // count-1 case; the VM applies the count rules.
  const shifts: [string, number, number, string[]][] = [
    ["rol", FLAG_CF | FLAG_OF, 0, []],
    ["ror", FLAG_CF | FLAG_OF, 0, []],
    ["shl", FLAGS_STATUS & ~FLAG_AF, FLAG_AF, ["sal"]],
    ["shr", FLAGS_STATUS & ~FLAG_AF, FLAG_AF, []],
    ["sar", FLAGS_STATUS & ~FLAG_AF, FLAG_AF, []],
  ];
  for (const [name, written, undef, stems] of shifts) {
    for (const { size, l } of SIZES) {
      const o = { written, undef, stems };
      const E = kind("E", l);
      rows.push(row(A, name, size, ["Ib", E], { ...o, strictImm8: true, impliedOne: true }));
      rows.push(row(A, name, size, ["CL", E], o));
    }
  }
  return rows;
}

function bitRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  // BT*: CF = the selected bit; ZF unaffected; OF SF AF PF undefined (SDM vol. 2 "BT"). With a
  // register bit offset and a memory operand the offset is signed and may address outside the
  // operand (bit-string semantics). BT itself does not write, so it is not lockable.
  const undef = FLAG_OF | FLAG_SF | FLAG_AF | FLAG_PF;
  for (const name of ["bt", "bts", "btr", "btc"]) {
    const prefixes = name === "bt" ? 0 : LOCKABLE;
    for (const { size, l } of WIDE_SIZES) {
      const o = { written: FLAG_CF, undef, prefixes };
      rows.push(row(A, name, size, [kind("G", l), kind("E", l)], o));
      rows.push(row(A, name, size, ["Ib", kind("E", l)], { ...o, strictImm8: true }));
    }
  }
  // BSF/BSR: ZF = (source == 0); CF OF SF AF PF undefined (SDM vol. 2 "BSF").
  const scanUndef = FLAG_CF | FLAG_OF | FLAG_SF | FLAG_AF | FLAG_PF;
  for (const name of ["bsf", "bsr"]) {
    for (const { size, l } of WIDE_SIZES) {
      const ops: OperandKind[] = [kind("E", l), kind("G", l)];
      rows.push(row(A, name, size, ops, { written: FLAG_ZF, undef: scanUndef }));
    }
  }
  return rows;
}

export const ARITH_ROWS: readonly RowSpec[] = [
  ...aluRows(),
  ...unaryRows(),
  ...shiftRows(),
  ...bitRows(),
];
