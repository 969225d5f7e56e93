// ELF64 format constants and record sizes, named as in the System V gABI and <elf.h>. The writer
// (./write.ts), the reader (./read*.ts) and the dumper share them; the byte layouts of the records
// are drawn above the functions that read and write them.

/** e_ident[] indices and values (gABI "ELF Identification"). */
export const ELF_MAGIC = [0x7f, 0x45, 0x4c, 0x46] as const; // "\x7fELF"
export const EI_CLASS = 4;
export const EI_DATA = 5;
export const EI_VERSION = 6;
export const EI_OSABI = 7;
export const EI_ABIVERSION = 8;
export const EI_NIDENT = 16;
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;
export const ELFOSABI_NONE = 0;

/** e_type. */
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;

/**
 * entrylab's private e_machine: "EL" read little-endian. The ELF registry assigns small numbers
 * (below 0x200 so far), so a value this large names no real architecture and binutils prints it
 * as an unknown machine instead of trying to apply our relocations.
 */
export const EM_ENTRYLAB = 0x4c45;

/** A few registered machines, so a wrong-architecture file gets a helpful error. */
export const KNOWN_MACHINES: Readonly<Record<number, string>> = {
  3: "i386",
  8: "MIPS",
  20: "PowerPC",
  21: "PowerPC64",
  22: "S/390",
  40: "ARM",
  62: "x86-64",
  183: "AArch64",
  243: "RISC-V",
  247: "BPF",
  258: "LoongArch",
};

/** Record sizes of ELF64 (gABI, 64-bit structures). */
export const EHDR_SIZE = 64;
export const PHDR_SIZE = 56;
export const SHDR_SIZE = 64;
export const SYM_SIZE = 24;
export const RELA_SIZE = 24;

/** sh_type. */
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_RELA = 4;
export const SHT_NOTE = 7;
export const SHT_NOBITS = 8;
export const SHT_REL = 9;

/** sh_flags. */
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
/** sh_info of this section holds a section index (set on .rela sections, as gas does). */
export const SHF_INFO_LINK = 0x40;
/** The flags entrylab understands; any other bit in a user section is an error. */
export const SHF_KNOWN = SHF_WRITE | SHF_ALLOC | SHF_EXECINSTR | SHF_INFO_LINK;

/** Special section indices. */
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;

/** Symbol binding (st_info >> 4), type (st_info & 0xf), visibility (st_other & 3). */
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STV_DEFAULT = 0;
export const STV_HIDDEN = 2;
export const ST_VISIBILITY_MASK = 0x3;

/** Program header p_type and p_flags. */
export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PF_X = 0x1;
export const PF_W = 0x2;
export const PF_R = 0x4;

/** Names of the sections the container itself manages. A user section may not take them. */
export const SYMTAB_NAME = ".symtab";
export const STRTAB_NAME = ".strtab";
export const SHSTRTAB_NAME = ".shstrtab";
export const LINES_NAME = ".entrylab.lines";
export const RELA_PREFIX = ".rela";

/** File offsets of images' segments are congruent to their addresses modulo this (a 4 KiB page). */
export const SEGMENT_FILE_ALIGN = 0x1000;
