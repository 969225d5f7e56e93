// The vocabulary of the table files: a RowSpec is one row of THE instruction table before it gets
// its opcode, and IsaForm is the finished row (the contract's InsnForm plus what the matcher and
// the disassembler need). The table-*.ts files build RowSpecs with `row`; ./table.ts numbers them.
import type { InsnForm, OpSize, OperandKind } from "./types.js";
import { PREFIX_LOCK, PREFIX_REP, FLAGS_STATUS } from "./types.js";
import {
  FLAG_AC,
  FLAG_AF,
  FLAG_DF,
  FLAG_IF,
  FLAG_IOPL,
  FLAG_NT,
  FLAG_RF,
  FLAG_TF,
} from "./types.js";

/**
 * How the disassembler spells the size: "auto" appends the suffix letter only when no register
 * operand shows the size (`addq $1,(%rax)` but `add %rax,%rbx`); "always" always does (`movzbl`,
 * `iretq`, `stosb`); "never" never does (`sete`, `cltq`, `jmp *%rax`).
 */
export type SuffixPolicy = "auto" | "always" | "never";

/** Table categories, in the order their opcode blocks are laid out (see ./table.ts). */
export type Category = "data" | "arith" | "control" | "string" | "flags" | "system";

export interface IsaForm extends InsnForm {
  readonly category: Category;
  readonly suffix: SuffixPolicy;
  /** Stems the matcher accepts with or without a suffix letter; the first is `mnemonic`. */
  readonly stems: readonly string[];
  /** Further exact spellings (no suffix processing): `cdqe` for cltq, `pushf` for pushfq. */
  readonly spellings: readonly string[];
  /** The immediate is an 8-bit count or vector: gas rejects values outside -128..255. */
  readonly strictImm8: boolean;
  /** The two operands may be written in either order (test, xchg), as GNU as allows. */
  readonly commutes: boolean;
  /** A lone E operand means a count of 1 (`shl %rax` = `shl $1,%rax`). */
  readonly impliedOne: boolean;
  /**
   * The E operand must be memory: a G,E ("load") form whose E,G twin exists, so that a
   * register-to-register instruction has one encoding, the E,G one (as gas picks 89, not 8B).
   */
  readonly eMustBeMem: boolean;
}

export type RowSpec = Omit<IsaForm, "opcode" | "name" | "eMustBeMem"> & { readonly name?: string };

export interface RowOptions {
  read?: number;
  written?: number;
  undef?: number;
  privileged?: boolean;
  iopl?: boolean;
  prefixes?: number;
  flow?: InsnForm["flow"];
  cond?: number;
  suffix?: SuffixPolicy;
  stems?: string[];
  spellings?: string[];
  strictImm8?: boolean;
  commutes?: boolean;
  impliedOne?: boolean;
  name?: string;
}

/** Build one row; defaults: no flags, unprivileged, no prefixes, flow "none", suffix "auto". */
export function row(
  category: Category,
  mnemonic: string,
  size: OpSize,
  operands: OperandKind[],
  o: RowOptions = {},
): RowSpec {
  return {
    category,
    mnemonic,
    size,
    operands: Object.freeze(operands),
    flagsRead: o.read ?? 0,
    flagsWritten: o.written ?? 0,
    flagsUndefined: o.undef ?? 0,
    privileged: o.privileged ?? false,
    ...(o.iopl ? { iopl: true } : {}),
    prefixes: o.prefixes ?? 0,
    flow: o.flow ?? "none",
    cond: o.cond ?? -1,
    suffix: o.suffix ?? "auto",
    stems: Object.freeze([mnemonic, ...(o.stems ?? [])]),
    spellings: Object.freeze(o.spellings ?? []),
    strictImm8: o.strictImm8 ?? false,
    commutes: o.commutes ?? false,
    impliedOne: o.impliedOne ?? false,
    ...(o.name !== undefined ? { name: o.name } : {}),
  };
}

/** The four operand sizes with their kind letters (SDM appendix A.2: b w d q). */
export const SIZES = [
  { size: 8, l: "b" },
  { size: 16, l: "w" },
  { size: 32, l: "d" },
  { size: 64, l: "q" },
] as const;
export type SizeLetter = (typeof SIZES)[number]["l"];
export const WIDE_SIZES = SIZES.slice(1);

/** The sized kind, e.g. kind("E", "q") = "Eq". */
export function kind(cls: "E" | "G" | "I" | "M", l: SizeLetter): OperandKind {
  return `${cls}${l}` as OperandKind;
}

/** The immediate of a size: b→Ib, w→Iw, d→Id, q→Id (imm32 sign-extended to 64 bits). */
export function immOf(l: SizeLetter): OperandKind {
  return l === "q" ? "Id" : kind("I", l);
}

export const LOCKABLE = 1 << PREFIX_LOCK;
export const REPEATABLE = 1 << PREFIX_REP;

/** OF SF ZF PF CF: what the logical instructions define (AF is left undefined). */
export const FLAGS_LOGIC = FLAGS_STATUS & ~FLAG_AF;
/** Every RFLAGS bit the subset models: what POPF/IRETQ/SYSRET may load. */
export const FLAGS_ALL =
  FLAGS_STATUS | FLAG_TF | FLAG_IF | FLAG_DF | FLAG_IOPL | FLAG_NT | FLAG_RF | FLAG_AC;
