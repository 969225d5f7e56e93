// String and flag-control rows of the instruction table (SDM vol. 1, 7.3.9 and 7.3.13): movs and
// stos in four sizes (REP allowed: RCX counts, DF picks the direction), and the instructions that
// set or clear single RFLAGS bits.
import type { RowSpec } from "./spec.js";
import { row, SIZES, REPEATABLE } from "./spec.js";
import { FLAG_AC, FLAG_CF, FLAG_DF, FLAG_IF } from "./types.js";

function stringRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  for (const name of ["movs", "stos"]) {
    for (const { size } of SIZES) {
      const o = { read: FLAG_DF, prefixes: REPEATABLE, suffix: "always" as const };
      rows.push(row("string", name, size, [], o));
    }
  }
  return rows;
}

function flagRows(): RowSpec[] {
  const F = "flags" as const;
  return [
    row(F, "clc", 0, [], { written: FLAG_CF }),
    row(F, "stc", 0, [], { written: FLAG_CF }),
    row(F, "cmc", 0, [], { read: FLAG_CF, written: FLAG_CF }),
    row(F, "cld", 0, [], { written: FLAG_DF }),
    row(F, "std", 0, [], { written: FLAG_DF }),
    // CLI/STI: #GP(0) when CPL > IOPL (SDM vol. 2 "CLI"); STI delays interrupts by one instruction.
    row(F, "cli", 0, [], { written: FLAG_IF, iopl: true, flow: "system" }),
    row(F, "sti", 0, [], { written: FLAG_IF, iopl: true, flow: "system" }),
    // STAC/CLAC: #UD (not #GP) when CPL > 0 or SMAP is absent (SDM vol. 2 "STAC").
    row(F, "stac", 0, [], { written: FLAG_AC, privileged: true }),
    row(F, "clac", 0, [], { written: FLAG_AC, privileged: true }),
  ];
}

export const STRING_ROWS: readonly RowSpec[] = stringRows();
export const FLAG_ROWS: readonly RowSpec[] = flagRows();
