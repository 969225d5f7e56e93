// The in-memory form of an entrylab object or image: what src/asm produces, src/link consumes and
// produces, and src/vm loads. ./write.ts and ./read.ts convert it to and from ELF64 bytes.
// Addresses and symbol values are bigint: kernel addresses do not fit in a double.

export type SectionType = "progbits" | "nobits" | "note";

export interface Section {
  name: string;
  type: SectionType;
  /** SHF_ALLOC: occupies memory at run time. */
  alloc: boolean;
  /** SHF_WRITE. */
  write: boolean;
  /** SHF_EXECINSTR. */
  exec: boolean;
  /** Alignment in bytes, a power of two (1 if none). */
  align: number;
  /** The bytes; for nobits, empty and `size` gives the length. */
  data: Uint8Array;
  size: number;
  /** Address in an image (sh_addr); 0n in an object. */
  addr: bigint;
  relocs: Reloc[];
}

export type SymbolBinding = "local" | "global" | "weak";
export type SymbolType = "notype" | "object" | "func" | "section" | "file";

export interface Symbol {
  name: string;
  /** Index into sections, or "undef" / "abs". */
  section: number | "undef" | "abs";
  /** Offset within the section in an object; the address in an image; the value for "abs". */
  value: bigint;
  size: bigint;
  binding: SymbolBinding;
  type: SymbolType;
  visibility: "default" | "hidden";
}

/**
 * Relocation kinds, numbered as the x86-64 psABI numbers its R_X86_64_* kinds so that readers
 * know them by sight (our private e_machine keeps binutils from applying them).
 */
export const R_64 = 1; // S + A, 64 bits
export const R_PC32 = 2; // S + A - P, 32 bits signed
export const R_32 = 10; // S + A, 32 bits zero-extended (must fit unsigned)
export const R_32S = 11; // S + A, 32 bits sign-extended (must fit signed)
export const R_16 = 12;
export const R_PC16 = 13;
export const R_8 = 14;
export const R_PC8 = 15;
export const R_PC64 = 24;
export type RelocType =
  | typeof R_64 | typeof R_PC32 | typeof R_32 | typeof R_32S | typeof R_16
  | typeof R_PC16 | typeof R_8 | typeof R_PC8 | typeof R_PC64; // prettier-ignore

export interface Reloc {
  /** Offset of the field within its section. */
  offset: number;
  type: RelocType;
  /** Index into the symbol table. */
  symbol: number;
  addend: bigint;
}

/** One step of the expansion chain of a line-table entry: a macro invocation or include site. */
export interface LineSite {
  kind: "include" | "cpp-macro" | "gas-macro" | "rept" | "irp";
  name: string;
  file: string;
  line: number;
  col: number;
}

/** Maps one instruction (or data directive) to the source line it came from. */
export interface LineEntry {
  /** Index into sections. */
  section: number;
  offset: number;
  file: string;
  line: number;
  col: number;
  /** Innermost expansion site first; empty when the line was written directly. */
  chain: LineSite[];
}

/** A loadable segment of an image (PT_LOAD). */
export interface Segment {
  vaddr: bigint;
  paddr: bigint;
  /** Bytes from the file; memSize − fileSize bytes after them are zero-filled. */
  data: Uint8Array;
  memSize: bigint;
  read: boolean;
  write: boolean;
  exec: boolean;
  align: bigint;
}

export interface ObjectFile {
  /** ET_REL object or ET_EXEC image. */
  kind: "rel" | "exec";
  /** Name for diagnostics (the file name or "<memory>"). */
  name: string;
  sections: Section[];
  symbols: Symbol[];
  lines: LineEntry[];
  /** Images only. */
  entry: bigint;
  segments: Segment[];
}
