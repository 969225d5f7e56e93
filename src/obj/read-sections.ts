// The reader's section pass: decode the section header table, resolve names through .shstrtab,
// check that every section's bytes lie in the file, and sort the sections into the ObjectFile's
// own sections (PROGBITS/NOBITS/NOTE) and the tables the container manages (.rela*, .symtab,
// the line table). ELF indices of our sections are mapped to ObjectFile indices here.
import { decodeUtf8 } from "./bytes.js";
import * as E from "./elf.js";
import type { Header } from "./read.js";
import { type RawSection, type ReadContext, hex } from "./read-context.js";
import type { Section, SectionType } from "./types.js";

export interface SectionTable {
  raw: RawSection[];
  /** The ObjectFile's sections, in ELF order. */
  sections: Section[];
  /** ELF section index → ObjectFile section index, for our sections only. */
  objIndex: Map<number, number>;
  symtab: RawSection | undefined;
  relas: RawSection[];
  lines: RawSection | undefined;
}

/** sh_addralign values above this are refused (Section.align is a number). */
const MAX_ALIGN = 1n << 32n;

export function readSectionTable(cx: ReadContext, h: Header): SectionTable | undefined {
  const raw = Array.from({ length: h.shnum }, (_, i) => readShdr(cx, i, h.shoff + i * E.SHDR_SIZE));
  checkNullSection(cx, raw[0]!);
  const shstrtab = raw[h.shstrndx]!;
  if (!checkStringTable(cx, shstrtab, "e_shstrndx")) return undefined;
  for (const s of raw)
    s.name = readString(cx, shstrtab, s.nameIndex, `name of section [${s.index}]`) ?? "";
  if (cx.errors > 0) return undefined;
  raw.forEach((s) => checkBounds(cx, s));
  if (cx.errors > 0) return undefined;
  const table = classify(cx, raw);
  return cx.errors > 0 ? undefined : table;
}

// Elf64_Shdr, 64 bytes:
//   0 sh_name u32 | 4 sh_type u32 | 8 sh_flags u64 | 16 sh_addr u64 | 24 sh_offset u64
//   32 sh_size u64 | 40 sh_link u32 | 44 sh_info u32 | 48 sh_addralign u64 | 56 sh_entsize u64
function readShdr(cx: ReadContext, index: number, at: number): RawSection {
  const v = cx.view;
  return {
    index,
    name: "",
    nameIndex: v.u32(at),
    type: v.u32(at + 4),
    flags: v.u64(at + 8),
    addr: v.u64(at + 16),
    offset: v.offset(at + 24),
    size: v.offset(at + 32),
    link: v.u32(at + 40),
    info: v.u32(at + 44),
    align: v.u64(at + 48),
    entsize: v.u64(at + 56),
  };
}

/** gABI: section header 0 is all zeros (we do not use its extended-numbering fields). */
function checkNullSection(cx: ReadContext, s: RawSection): void {
  const zero =
    s.nameIndex === 0 && s.type === E.SHT_NULL && s.flags === 0n && s.addr === 0n && s.offset === 0 &&
    s.size === 0 && s.link === 0 && s.info === 0 && s.align === 0n && s.entsize === 0n; // prettier-ignore
  if (!zero) cx.error("E4010", "section header 0 is not the all-zero null section");
}

/** A string table must be SHT_STRTAB, lie in the file, and start and end with NUL. */
export function checkStringTable(cx: ReadContext, s: RawSection, usedBy: string): boolean {
  if (s.type !== E.SHT_STRTAB) {
    cx.error(
      "E4013",
      `section [${s.index}], named by ${usedBy}, is not a string table (type ${s.type})`,
    );
    return false;
  }
  if (!cx.inFile(s.offset, s.size)) {
    cx.error(
      "E4012",
      `string table [${s.index}] (${s.size ?? "?"} bytes at ${hex(s.offset ?? 0)}) past the end of the file`,
    );
    return false;
  }
  const size = s.size!;
  if (size === 0 || cx.bytes[s.offset!] !== 0 || cx.bytes[s.offset! + size - 1] !== 0) {
    cx.error("E4013", `string table [${s.index}] does not start and end with a NUL byte`);
    return false;
  }
  return true;
}

/** The NUL-terminated UTF-8 string at `index` in a checked string table, or undefined (reported). */
export function readString(
  cx: ReadContext,
  table: RawSection,
  index: number,
  what: string,
): string | undefined {
  const size = table.size!;
  if (index >= size) {
    cx.error(
      "E4013",
      `${what}: string index ${index} is past the end of string table [${table.index}] (${size} bytes)`,
    );
    return undefined;
  }
  const start = table.offset! + index;
  // The table ends with NUL (checkStringTable), so the search always succeeds.
  const end = cx.bytes.indexOf(0, start);
  const text = decodeUtf8(cx.bytes.subarray(start, end));
  if (text === undefined) cx.error("E4013", `${what}: string at index ${index} is not valid UTF-8`);
  return text;
}

function checkBounds(cx: ReadContext, s: RawSection): void {
  if (s.index === 0) return;
  if (s.size === undefined) {
    cx.error("E4012", `${cx.describe(s)}: size is too large`);
  } else if (s.type !== E.SHT_NOBITS && !cx.inFile(s.offset, s.size)) {
    const start = s.offset === undefined ? "a huge offset" : hex(s.offset);
    cx.error(
      "E4012",
      `${cx.describe(s)}: ${s.size} bytes at ${start} lie past the end of the file (${cx.bytes.length} bytes)`,
    );
  }
  if (s.align !== 0n && (s.align >= MAX_ALIGN || (s.align & (s.align - 1n)) !== 0n)) {
    cx.error("E4026", `${cx.describe(s)}: alignment ${s.align} is not a power of two below 2^32`);
  }
}

const USER_TYPES: Record<number, SectionType> = {
  [E.SHT_PROGBITS]: "progbits",
  [E.SHT_NOBITS]: "nobits",
  [E.SHT_NOTE]: "note",
};
const USER_FLAGS = BigInt(E.SHF_WRITE | E.SHF_ALLOC | E.SHF_EXECINSTR);

function classify(cx: ReadContext, raw: readonly RawSection[]): SectionTable {
  const table: SectionTable = {
    raw: [...raw],
    sections: [],
    objIndex: new Map(),
    symtab: undefined,
    relas: [],
    lines: undefined,
  };
  for (const s of raw.slice(1)) {
    if (s.type === E.SHT_PROGBITS && s.name === E.LINES_NAME) {
      if (table.lines)
        cx.error("E4022", `two line tables: sections [${table.lines.index}] and [${s.index}]`);
      table.lines = s;
    } else if (USER_TYPES[s.type] !== undefined) {
      addUserSection(cx, table, s, USER_TYPES[s.type]!);
    } else if (s.type === E.SHT_RELA) {
      table.relas.push(s);
    } else if (s.type === E.SHT_SYMTAB) {
      if (table.symtab)
        cx.error("E4016", `two symbol tables: sections [${table.symtab.index}] and [${s.index}]`);
      table.symtab = s;
    } else if (s.type === E.SHT_REL) {
      cx.error(
        "E4015",
        `${cx.describe(s)}: SHT_REL relocations are not supported (entrylab uses SHT_RELA)`,
      );
    } else if (s.type !== E.SHT_STRTAB) {
      cx.error("E4015", `${cx.describe(s)}: unsupported section type ${hex(s.type)}`);
    }
  }
  return table;
}

function addUserSection(
  cx: ReadContext,
  table: SectionTable,
  s: RawSection,
  type: SectionType,
): void {
  if ((s.flags & ~USER_FLAGS) !== 0n) {
    cx.error(
      "E4015",
      `${cx.describe(s)}: unsupported flags ${hex(s.flags)} (only SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR)`,
    );
  }
  const size = s.size ?? 0;
  const data =
    type === "nobits" || s.offset === undefined
      ? new Uint8Array()
      : cx.bytes.slice(s.offset, s.offset + size);
  table.objIndex.set(s.index, table.sections.length);
  table.sections.push({
    name: s.name,
    type,
    alloc: (s.flags & BigInt(E.SHF_ALLOC)) !== 0n,
    write: (s.flags & BigInt(E.SHF_WRITE)) !== 0n,
    exec: (s.flags & BigInt(E.SHF_EXECINSTR)) !== 0n,
    align: s.align === 0n ? 1 : Number(s.align),
    data,
    size,
    addr: s.addr,
    relocs: [],
  });
}
