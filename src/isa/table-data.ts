// Data-movement rows of the instruction table (SDM vol. 1, 7.3.1): mov in all its forms,
// zero/sign extension, lea, xchg, push/pop, cmovcc, setcc, the accumulator conversions,
// cmpxchg and xadd. Rows are generated per size and per condition; see ./table.ts for numbering.
import { CONDITIONS } from "./conditions.js";
import type { RowSpec, SizeLetter } from "./spec.js";
import { row, kind, immOf, SIZES, WIDE_SIZES, LOCKABLE, FLAGS_ALL } from "./spec.js";
import type { OperandKind } from "./types.js";
import { FLAGS_STATUS } from "./types.js";

const D = "data" as const;

function movRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  for (const { size, l } of SIZES) {
    const E = kind("E", l), G = kind("G", l); // prettier-ignore
    rows.push(row(D, "mov", size, [G, E]));
    rows.push(row(D, "mov", size, [E, G]));
    rows.push(row(D, "mov", size, [immOf(l), E]));
  }
  // MOV r64, imm64 (REX.W B8+r): the only 8-byte immediate; gas picks it for `mov $big,%r64`.
  rows.push(row(D, "movabs", 64, ["Iq", "Gq"], { stems: ["mov"] }));
  // MOV to/from CRn: CPL 0 only, #GP(0) otherwise; OF SF ZF AF PF CF undefined (SDM vol. 2 "MOV—Move to/from Control Registers").
  const crFlags = { undef: FLAGS_STATUS, privileged: true };
  rows.push(row(D, "mov", 64, ["C", "Gq"], crFlags));
  rows.push(row(D, "mov", 64, ["Gq", "C"], { ...crFlags, flow: "system" }));
  // MOV Sreg: loads check the descriptor (#GP/#NP/#SS(selector)); loading SS inhibits
  // interrupts for one instruction, so it ends a block (SDM vol. 2 "MOV", vol. 3A 6.8.3).
  rows.push(row(D, "mov", 16, ["Ew", "S"], { flow: "system" }));
  rows.push(row(D, "mov", 16, ["S", "Ew"]));
  // With a 32/64-bit register destination the selector is zero-extended (SDM vol. 2 "MOV").
  rows.push(row(D, "mov", 32, ["S", "Gd"]));
  rows.push(row(D, "mov", 64, ["S", "Gq"]));
  return rows;
}

/** movzx/movsx in AT&T spelling: stem = mov + z|s + source letter; the suffix is the destination. */
function extendRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  const ext = (zs: "z" | "s", src: "b" | "w", dst: SizeLetter, size: 16 | 32 | 64): void => {
    const stem = `mov${zs}${src}`;
    const intel = zs === "z" ? "movzx" : "movsx";
    rows.push(
      row(D, stem, size, [kind("E", src), kind("G", dst)], { suffix: "always", stems: [intel] }),
    );
  };
  for (const zs of ["z", "s"] as const) {
    ext(zs, "b", "w", 16);
    ext(zs, "b", "d", 32);
    ext(zs, "b", "q", 64);
    ext(zs, "w", "d", 32);
    ext(zs, "w", "q", 64);
  }
  // MOVSXD r64, r/m32: gas spells it movslq (also movsxd); `movsl` alone is the string move.
  rows.push(row(D, "movsl", 64, ["Ed", "Gq"], { suffix: "always", spellings: ["movsxd"] }));
  return rows;
}

function leaXchgStackRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  for (const { size, l } of WIDE_SIZES) rows.push(row(D, "lea", size, ["M", kind("G", l)]));
  for (const { size, l } of SIZES) {
    // XCHG with memory is always locked; an explicit LOCK is allowed (SDM vol. 2 "XCHG").
    const ops: OperandKind[] = [kind("G", l), kind("E", l)];
    rows.push(row(D, "xchg", size, ops, { prefixes: LOCKABLE, commutes: true }));
  }
  // In 64-bit mode push/pop default to 64 bits; 32-bit forms do not exist (SDM vol. 2 "PUSH").
  rows.push(row(D, "push", 64, ["Eq"]));
  rows.push(row(D, "push", 64, ["Id"]));
  rows.push(row(D, "pop", 64, ["Eq"]));
  rows.push(row(D, "pushf", 64, [], { read: FLAGS_ALL, suffix: "always", spellings: ["pushf"] }));
  // POPF at CPL 0 loads IF and IOPL; at CPL > IOPL, IF is left unchanged; RF is cleared
  // (SDM vol. 2 "POPF"). A change of IF or TF must end a block.
  const popf = { written: FLAGS_ALL, suffix: "always" as const, spellings: ["popf"] };
  rows.push(row(D, "popf", 64, [], { ...popf, flow: "system" }));
  return rows;
}

function conditionalRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  for (const c of CONDITIONS) {
    const stems = c.aliases.map((a) => `cmov${a}`);
    for (const { size, l } of WIDE_SIZES) {
      const ops: OperandKind[] = [kind("E", l), kind("G", l)];
      rows.push(row(D, `cmov${c.name}`, size, ops, { read: c.flags, cond: c.code, stems }));
    }
  }
  for (const c of CONDITIONS) {
    const stems = c.aliases.map((a) => `set${a}`);
    const spellings = [c.name, ...c.aliases].map((n) => `set${n}b`);
    const o = { read: c.flags, cond: c.code, stems, spellings, suffix: "never" as const };
    rows.push(row(D, `set${c.name}`, 8, ["Eb"], o));
  }
  return rows;
}

function convertRows(): RowSpec[] {
  // CBW/CWDE/CDQE and CWD/CDQ/CQO (SDM vol. 2), spelled the AT&T way; gas also takes Intel names.
  const conv = (att: string, intel: string, size: 16 | 32 | 64): RowSpec =>
    row(D, att, size, [], { suffix: "never", spellings: [intel] });
  return [
    conv("cbtw", "cbw", 16),
    conv("cwtl", "cwde", 32),
    conv("cltq", "cdqe", 64),
    conv("cwtd", "cwd", 16),
    conv("cltd", "cdq", 32),
    conv("cqto", "cqo", 64),
  ];
}

function atomicRows(): RowSpec[] {
  const rows: RowSpec[] = [];
  for (const { size, l } of SIZES) {
    const ops: OperandKind[] = [kind("G", l), kind("E", l)];
    // CMPXCHG compares with the accumulator; flags as CMP (SDM vol. 2 "CMPXCHG").
    rows.push(row(D, "cmpxchg", size, ops, { written: FLAGS_STATUS, prefixes: LOCKABLE }));
  }
  for (const { size, l } of SIZES) {
    const ops: OperandKind[] = [kind("G", l), kind("E", l)];
    // XADD: flags as ADD of the two operands (SDM vol. 2 "XADD").
    rows.push(row(D, "xadd", size, ops, { written: FLAGS_STATUS, prefixes: LOCKABLE }));
  }
  return rows;
}

export const DATA_ROWS: readonly RowSpec[] = [
  ...movRows(),
  ...extendRows(),
  ...leaXchgStackRows(),
  ...conditionalRows(),
  ...convertRows(),
  ...atomicRows(),
];
