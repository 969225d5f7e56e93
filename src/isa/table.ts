// THE instruction table: the rows of the table-*.ts files numbered into opcodes. Each category
// owns a fixed block of opcode numbers, and rows are numbered in order inside their block, so
// adding a row to one category never renumbers another. The numbering is frozen by
// test/unit/isa/opcodes.golden.txt; any change to it needs a BYTECODE_VERSION bump.
import type { IsaForm, RowSpec, Category } from "./spec.js";
import { ARITH_ROWS } from "./table-arith.js";
import { CONTROL_ROWS } from "./table-control.js";
import { DATA_ROWS } from "./table-data.js";
import { FLAG_ROWS, STRING_ROWS } from "./table-string.js";
import { SYSTEM_ROWS } from "./table-system.js";
import { NOP1_BYTE, OPCODE_FORM_MASK, type InsnForm } from "./types.js";

/** First opcode of each category's block, and the block's size. Opcode 0 stays invalid. */
const BLOCKS: readonly { category: Category; base: number; rows: readonly RowSpec[] }[] = [
  { category: "data", base: 0x0100, rows: DATA_ROWS },
  { category: "arith", base: 0x0400, rows: ARITH_ROWS },
  { category: "control", base: 0x0800, rows: CONTROL_ROWS },
  { category: "string", base: 0x0a00, rows: STRING_ROWS },
  { category: "flags", base: 0x0b00, rows: FLAG_ROWS },
  { category: "system", base: 0x0c00, rows: SYSTEM_ROWS },
];
const BLOCK_SIZE = 0x100;
const SUFFIX_LETTER = { 8: "b", 16: "w", 32: "l", 64: "q" } as const;

/**
 * The Bochs-style name: the mnemonic, then for an operandless sized form the AT&T suffix
 * (`stosq`, `iretq`), then the operand kinds in Intel order (destination first): `addEqGq`.
 */
function formName(r: RowSpec): string {
  if (r.name !== undefined) return r.name;
  const suffix = r.operands.length === 0 && r.suffix === "always" && r.size !== 0;
  const letter = suffix ? SUFFIX_LETTER[r.size as 8 | 16 | 32 | 64] : "";
  return r.mnemonic + letter + [...r.operands].reverse().join("");
}

/** A G,E form with an E,G twin of the same mnemonic (see IsaForm.eMustBeMem). */
function hasStoreTwin(r: RowSpec, all: readonly RowSpec[]): boolean {
  const [src, dst] = r.operands;
  if (r.operands.length !== 2 || src?.[0] !== "E" || dst?.[0] !== "G") return false;
  return all.some(
    (f) => f.mnemonic === r.mnemonic && f.operands[0] === dst && f.operands[1] === src,
  );
}

function build(): readonly IsaForm[] {
  const forms: IsaForm[] = [];
  const names = new Set<string>();
  for (const block of BLOCKS) {
    if (block.rows.length >= BLOCK_SIZE) throw new Error(`isa: block ${block.category} overflows`);
    let opcode = block.base;
    block.rows.forEach((r) => {
      // The low byte 0x90 is the one-byte NOP (types.ts NOP1_BYTE): never an opcode word's.
      if ((opcode & 0xff) === NOP1_BYTE) opcode++;
      const name = formName(r);
      if (names.has(name)) throw new Error(`isa: duplicate form name ${name}`);
      names.add(name);
      const { name: _ignored, ...rest } = r;
      const eMustBeMem = hasStoreTwin(r, block.rows);
      forms.push(Object.freeze({ ...rest, opcode: opcode++, name, eMustBeMem }));
    });
  }
  return Object.freeze(forms);
}

/** Every form, in opcode order. */
export const FORMS: readonly IsaForm[] = build();

const BY_OPCODE: (IsaForm | undefined)[] = new Array(OPCODE_FORM_MASK + 1).fill(undefined);
for (const f of FORMS) BY_OPCODE[f.opcode] = f;
const BY_NAME = new Map(FORMS.map((f) => [f.name, f]));

/** The form with this opcode (the low 14 bits of the opcode word), or undefined (#UD). */
export function formByOpcode(opcode: number): IsaForm | undefined {
  return BY_OPCODE[opcode & OPCODE_FORM_MASK];
}

/** The form with this Bochs-style name (`addEqGq`), or undefined. */
export function formByName(name: string): IsaForm | undefined {
  return BY_NAME.get(name);
}

/** The one-byte NOP (encoded as the lone byte NOP1_BYTE, never as an opcode word). */
export const NOP1_FORM: IsaForm = formByName("nop")!;

/** True for the form encoded as the single byte NOP1_BYTE. */
export function isNop1(form: InsnForm): boolean {
  return form === NOP1_FORM;
}

/** The AT&T suffix letter of an operand size (8 → "b", 32 → "l"), "" for 0. */
export function suffixLetter(size: number): string {
  return size === 0 ? "" : SUFFIX_LETTER[size as 8 | 16 | 32 | 64];
}
