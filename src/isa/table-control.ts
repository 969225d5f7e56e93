// Control-transfer rows of the instruction table (SDM vol. 1, 7.3.8): jmp, jcc, call, ret, leave,
// the nops, pause and the trapping instructions (ud2, int3, int $n) and hlt. Every branch target
// is a rel32 (Jd), relative to the end of the instruction as on x86; there are no rel8 forms.
import { CONDITIONS } from "./conditions.js";
import type { RowSpec } from "./spec.js";
import { row, REPEATABLE, FLAGS_ALL } from "./spec.js";
import { FLAG_IF, FLAG_NT, FLAG_RF, FLAG_TF } from "./types.js";

const K = "control" as const;

function branchRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  const never = { suffix: "never" as const };
  rows.push(row(K, "jmp", 0, ["Jd"], { ...never, flow: "jump" }));
  // Near indirect branches take a 64-bit target in 64-bit mode (SDM vol. 2 "JMP", "CALL").
  rows.push(row(K, "jmp", 64, ["Eq"], { ...never, flow: "jump", spellings: ["jmpq"] }));
  for (const c of CONDITIONS) {
    const stems = c.aliases.map((a) => `j${a}`);
    const o = { ...never, flow: "jcc" as const, cond: c.code, read: c.flags, stems };
    rows.push(row(K, `j${c.name}`, 0, ["Jd"], o));
  }
  rows.push(row(K, "call", 0, ["Jd"], { ...never, flow: "call" }));
  rows.push(row(K, "call", 64, ["Eq"], { ...never, flow: "call", spellings: ["callq"] }));
  // `repz ret` (F3 C3) is a real idiom that gas accepts; the prefix has no effect.
  const ret = { ...never, flow: "ret" as const, spellings: ["retq"], prefixes: REPEATABLE };
  rows.push(row(K, "ret", 64, [], ret));
  rows.push(row(K, "leave", 64, [], { ...never, spellings: ["leaveq"] }));
  return rows;
}

function miscRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  rows.push(row(K, "nop", 0, []));
  // The multi-byte NOP (0F 1F /0) takes an operand it never accesses (SDM vol. 2 "NOP").
  rows.push(row(K, "nop", 16, ["Ew"], { suffix: "always" }));
  rows.push(row(K, "nop", 32, ["Ed"], { suffix: "always" }));
  rows.push(row(K, "nop", 64, ["Eq"], { suffix: "always" }));
  rows.push(row(K, "pause", 0, []));
  rows.push(row(K, "ud2", 0, [], { flow: "trap" }));
  // INT3/INT n push RFLAGS and clear TF NT RF (and IF through an interrupt gate) on delivery
  // (SDM vol. 3A 6.12.1); the IDT gate's DPL is checked against CPL (#GP otherwise).
  const intr = {
    flow: "trap" as const,
    read: FLAGS_ALL,
    written: FLAG_TF | FLAG_NT | FLAG_RF | FLAG_IF,
  };
  rows.push(row(K, "int3", 0, [], intr));
  rows.push(row(K, "int", 0, ["Ib"], { ...intr, strictImm8: true }));
  // HLT: CPL 0 only, #GP(0) otherwise (SDM vol. 2 "HLT").
  rows.push(row(K, "hlt", 0, [], { privileged: true, flow: "system" }));
  return rows;
}

export const CONTROL_ROWS: readonly RowSpec[] = [...branchRows(), ...miscRows()];
