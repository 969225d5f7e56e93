// The contract of the instruction set: what a row of THE instruction table says, how operands are
// encoded in the bytecode, and what a decoded instruction looks like. The encoder (src/asm), the
// decoder and disassembler (here), the VM (src/vm) and the generated tests all read these.
// The byte layouts are documented in docs/bytecode.md; change both together and bump the version.

/** Bumped whenever an opcode number or an operand layout changes. Stored in ELF e_flags. */
export const BYTECODE_VERSION = 3;

/**
 * A lone 0x90 byte is the one-byte NOP, as on x86, so that code padded with the kernel's fill
 * byte (alternatives' `.skip ..., 0x90`, `.p2align` in text) decodes and runs. No opcode word has
 * 0x90 as its low byte, so the first byte of an instruction tells the two apart (version 2).
 */
export const NOP1_BYTE = 0x90;

/** Operand size of a form in bits; 0 when the form has no operand size. */
export type OpSize = 0 | 8 | 16 | 32 | 64;

/**
 * Operand kinds, named after the SDM's opcode-map notation (vol. 2, appendix A.2):
 *   E  register or memory        G  general register        M  memory only
 *   I  immediate                 J  branch target, rel32 relative to the next instruction
 *   C  control register          S  segment register
 * with a size letter b=8 w=16 d=32 q=64. Fixed operands are written in the AT&T syntax but take
 * no bytes: AL AX EAX RAX (the accumulator), CL (shift count), DX (port number).
 */
export type OperandKind =
  | "Eb" | "Ew" | "Ed" | "Eq"
  | "Gb" | "Gw" | "Gd" | "Gq"
  | "M" | "Mb" | "Mw" | "Md" | "Mq"
  | "Ib" | "Iw" | "Id" | "Iq"
  | "Jd"
  | "C" | "S"
  | "AL" | "AX" | "EAX" | "RAX" | "CL" | "DX"; // prettier-ignore

/** Instruction prefixes, carried in the top two bits of the opcode word. */
export const PREFIX_NONE = 0;
export const PREFIX_LOCK = 1;
export const PREFIX_REP = 2; // REP, REPE, REPZ (the same prefix byte on x86)
export const PREFIX_REPNE = 3;
export const OPCODE_PREFIX_SHIFT = 14;
export const OPCODE_FORM_MASK = 0x3fff;

/** RFLAGS bits (SDM vol. 1, 3.4.3). */
export const FLAG_CF = 1 << 0;
export const FLAG_PF = 1 << 2;
export const FLAG_AF = 1 << 4;
export const FLAG_ZF = 1 << 6;
export const FLAG_SF = 1 << 7;
export const FLAG_TF = 1 << 8;
export const FLAG_IF = 1 << 9;
export const FLAG_DF = 1 << 10;
export const FLAG_OF = 1 << 11;
export const FLAG_IOPL = 3 << 12;
export const FLAG_NT = 1 << 14;
export const FLAG_RF = 1 << 16;
export const FLAG_AC = 1 << 18;
/** The six status flags. */
export const FLAGS_STATUS = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF;

/** One row of the instruction table: one encodable form. */
export interface InsnForm {
  /** The bytecode opcode (form id), 0 < opcode ≤ OPCODE_FORM_MASK. Stable within a version. */
  readonly opcode: number;
  /** Bochs-style name spelling the operand forms, e.g. "addEqGq", "movGqC". Unique. */
  readonly name: string;
  /** The AT&T mnemonic without size suffix as the disassembler prints its stem, e.g. "add". */
  readonly mnemonic: string;
  /** Operand size; decides the suffix letter and the width of E/G/I operands. */
  readonly size: OpSize;
  /** Operands in AT&T order (source first, destination last). */
  readonly operands: readonly OperandKind[];
  /** RFLAGS bits read, written (defined result) and left undefined (SDM vol. 2, "Flags Affected"). */
  readonly flagsRead: number;
  readonly flagsWritten: number;
  readonly flagsUndefined: number;
  /** Requires CPL 0 (#GP(0) otherwise) — SDM vol. 2 per instruction. */
  readonly privileged: boolean;
  /**
   * IOPL-sensitive (cli, sti, in, out): #GP(0) when CPL > RFLAGS.IOPL (SDM vol. 1, 18.2.1 and
   * vol. 2 CLI/STI). Absent means false.
   */
  readonly iopl?: boolean;
  /** Prefixes the form may carry: bit (1 << PREFIX_x). LOCK only on memory-destination forms. */
  readonly prefixes: number;
  /** Control-flow class, for basic-block building in the VM and for the disassembler. */
  readonly flow: "none" | "jump" | "jcc" | "call" | "ret" | "trap" | "system";
  /** Condition code 0–15 for jcc/setcc/cmovcc (SDM vol. 1, appendix B), else -1. */
  readonly cond: number;
}

/**
 * A memory operand as encoded (7 bytes, see docs/bytecode.md):
 *   byte 0: 0x80 | seg (0 none, 1 ES, 2 CS, 3 SS, 4 DS, 5 FS, 6 GS)
 *   byte 1: base: 0–15 GPR, 0x10 RIP, 0x1F none
 *   byte 2: index (bits 0–4: 0–15 GPR except RSP, 0x1F none) | log2(scale) << 5
 *   bytes 3–6: disp32, signed little-endian (RIP-relative: from the end of the instruction)
 */
export interface MemOperand {
  /** Segment override + 1 (0 = none), in the SEG_* numbering plus one. */
  seg: number;
  /** 0–15, MEM_BASE_RIP or MEM_NONE. */
  base: number;
  /** 0–15 or MEM_NONE. */
  index: number;
  /** 0–3: scale is 1 << scaleLog2. */
  scaleLog2: number;
  disp: number;
}
export const MEM_MARKER = 0x80;
export const MEM_BASE_RIP = 0x10;
export const MEM_NONE = 0x1f;
export const MEM_OPERAND_SIZE = 7;
/** Register operand bytes 0x00–0x0F are GPRs; 0x10–0x13 AH CH DH BH (byte forms only). */
export const REG_OPERAND_MAX = 0x13;

/** A value an encoder must fill in: an immediate, a displacement or a branch offset. */
export interface EncodedField {
  /** Index into the form's operands. */
  operand: number;
  /** Byte offset of the field within the instruction. */
  offset: number;
  /** Width in bytes: 1, 2, 4 or 8. */
  width: 1 | 2 | 4 | 8;
  /** imm: an immediate; disp: a memory displacement; rel: relative to the end of the instruction. */
  role: "imm" | "disp" | "rel";
  /** True when the CPU sign-extends the field (disp32, rel32, Id in a 64-bit form, Ib in ALU forms). */
  signed: boolean;
}

/** One operand value as the encoder writes it and the decoder returns it. */
export type OperandValue =
  | { kind: "reg"; num: number } // E (register), G, C, S
  | { kind: "mem"; mem: MemOperand } // E (memory), M
  | { kind: "imm"; value: bigint } // I: the value as written (bit pattern of its width)
  | { kind: "rel"; value: number } // J: the signed offset from the end of the instruction
  | { kind: "fixed" }; // AL, CL, DX...: not encoded

export interface DecodedInsn {
  form: InsnForm;
  prefix: number;
  /** Total length in bytes. */
  length: number;
  operands: OperandValue[];
}
