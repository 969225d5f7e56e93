// The reader's table passes: .symtab (with its .strtab), the .rela sections, and the line table.
// Symbol index i in the file is ObjectFile symbol i − 1 (the file's symbol 0 is the null symbol).
import * as E from "./elf.js";
import { decodeLines } from "./lines.js";
import { type RawSection, type ReadContext, hex } from "./read-context.js";
import { type SectionTable, checkStringTable, readString } from "./read-sections.js";
import { relocInfo } from "./relocs.js";
import type { LineEntry, RelocType, Symbol, SymbolBinding, SymbolType } from "./types.js";

const BINDINGS: Record<number, SymbolBinding> = {
  [E.STB_LOCAL]: "local",
  [E.STB_GLOBAL]: "global",
  [E.STB_WEAK]: "weak",
};
const SYM_TYPES: Record<number, SymbolType> = {
  [E.STT_NOTYPE]: "notype",
  [E.STT_OBJECT]: "object",
  [E.STT_FUNC]: "func",
  [E.STT_SECTION]: "section",
  [E.STT_FILE]: "file",
};
const VISIBILITIES: Record<number, Symbol["visibility"]> = {
  [E.STV_DEFAULT]: "default",
  [E.STV_HIDDEN]: "hidden",
};

/** The symbols (without the null symbol), or undefined when the table is broken (reported). */
export function readSymbols(cx: ReadContext, table: SectionTable): Symbol[] | undefined {
  const st = table.symtab;
  if (!st) return [];
  const before = cx.errors;
  const count = checkTableShape(cx, st, E.SYM_SIZE, "E4016");
  const strtab = table.raw[st.link];
  if (!strtab || st.link === 0) {
    cx.error("E4014", `${cx.describe(st)}: sh_link ${st.link} is not a section`);
  } else {
    checkStringTable(cx, strtab, `the sh_link of ${st.name}`);
  }
  if (count !== undefined && count === 0) cx.error("E4016", `${cx.describe(st)}: no null symbol`);
  if (cx.errors > before || count === undefined) return undefined;
  if (st.info === 0 || st.info > count) {
    cx.error(
      "E4016",
      `${cx.describe(st)}: sh_info ${st.info} (first non-local symbol) is not in 1..${count}`,
    );
    return undefined;
  }
  if (!isZero(cx, st.offset!, E.SYM_SIZE))
    cx.error("E4016", `${cx.describe(st)}: symbol 0 is not all zeros`);
  const symbols: Symbol[] = [];
  for (let i = 1; i < count; i++) {
    const sym = readSymbol(cx, table, st, strtab!, i);
    if (sym) symbols.push(sym);
  }
  return cx.errors > before ? undefined : symbols;
}

/** Entry size and total size of a table of fixed records; the record count, or undefined. */
function checkTableShape(
  cx: ReadContext,
  s: RawSection,
  entsize: number,
  code: string,
): number | undefined {
  if (s.entsize !== BigInt(entsize)) {
    cx.error(code, `${cx.describe(s)}: sh_entsize ${s.entsize}, expected ${entsize}`);
    return undefined;
  }
  if (s.size! % entsize !== 0) {
    cx.error(code, `${cx.describe(s)}: size ${s.size} is not a multiple of ${entsize}`);
    return undefined;
  }
  return s.size! / entsize;
}

function isZero(cx: ReadContext, at: number, size: number): boolean {
  return cx.bytes.subarray(at, at + size).every((b) => b === 0);
}

// Elf64_Sym, 24 bytes:
//   0 st_name u32 | 4 st_info u8 | 5 st_other u8 | 6 st_shndx u16 | 8 st_value u64 | 16 st_size u64
function readSymbol(
  cx: ReadContext,
  table: SectionTable,
  st: RawSection,
  strtab: RawSection,
  i: number,
): Symbol | undefined {
  const at = st.offset! + i * E.SYM_SIZE;
  const v = cx.view;
  const what = `symbol ${i}`;
  const info = v.u8(at + 4);
  const other = v.u8(at + 5);
  const binding = BINDINGS[info >> 4];
  const type = SYM_TYPES[info & 0xf];
  const visibility = VISIBILITIES[other];
  if (!binding) cx.error("E4017", `${what}: unsupported binding ${info >> 4}`);
  if (!type) cx.error("E4017", `${what}: unsupported type ${info & 0xf}`);
  if (!visibility)
    cx.error(
      "E4017",
      `${what}: unsupported st_other ${hex(other)} (visibility must be default or hidden)`,
    );
  if (binding && (binding === "local") !== i < st.info) {
    cx.error(
      "E4016",
      `${what}: a ${binding} symbol on the wrong side of sh_info ${st.info} (locals come first)`,
    );
  }
  const section = symbolSection(cx, table, v.u16(at + 6), what);
  const nameIndex = v.u32(at);
  let name = readString(cx, strtab, nameIndex, what);
  if (type === "section" && typeof section === "number") {
    // binutils leaves section symbols unnamed; they take the name of their section.
    if (nameIndex === 0) name = table.sections[section]!.name;
  } else if (type === "section") {
    cx.error("E4017", `${what}: a section symbol not in a section`);
  }
  if (!binding || !type || !visibility || section === undefined || name === undefined)
    return undefined;
  return { name, section, value: v.u64(at + 8), size: v.u64(at + 16), binding, type, visibility };
}

function symbolSection(
  cx: ReadContext,
  table: SectionTable,
  shndx: number,
  what: string,
): Symbol["section"] | undefined {
  if (shndx === E.SHN_UNDEF) return "undef";
  if (shndx === E.SHN_ABS) return "abs";
  if (shndx === E.SHN_COMMON) {
    cx.error("E4017", `${what}: common symbols (SHN_COMMON) are not supported`);
    return undefined;
  }
  const index = table.objIndex.get(shndx);
  if (index === undefined) {
    const why =
      shndx >= E.SHN_LORESERVE
        ? "a reserved index"
        : shndx < table.raw.length
          ? "not a code or data section"
          : `past the ${table.raw.length} sections`;
    cx.error("E4014", `${what}: section index ${shndx} is ${why}`);
  }
  return index;
}

/** Attach each .rela section's relocations to its target section. */
export function readRelocs(cx: ReadContext, table: SectionTable, symbolCount: number): void {
  const seen = new Set<number>();
  for (const rs of table.relas) {
    const count = checkTableShape(cx, rs, E.RELA_SIZE, "E4018");
    const symtabIndex = table.symtab?.index;
    if (rs.link !== symtabIndex || rs.link === 0) {
      cx.error("E4018", `${cx.describe(rs)}: sh_link ${rs.link} is not the symbol table`);
    }
    const target = table.objIndex.get(rs.info);
    if (target === undefined) {
      cx.error("E4014", `${cx.describe(rs)}: sh_info ${rs.info} is not a code or data section`);
    } else if (seen.has(target)) {
      cx.error("E4018", `${cx.describe(rs)}: a second relocation section for section [${rs.info}]`);
    }
    if (count === undefined || target === undefined || seen.has(target)) continue;
    seen.add(target);
    readRelocEntries(cx, table, rs, count, target, symbolCount);
  }
}

// Elf64_Rela, 24 bytes: 0 r_offset u64 | 8 r_info u64 (symbol << 32 | type) | 16 r_addend i64
function readRelocEntries(
  cx: ReadContext,
  table: SectionTable,
  rs: RawSection,
  count: number,
  target: number,
  symbolCount: number,
): void {
  const section = table.sections[target]!;
  if (section.type === "nobits" && count > 0) {
    cx.error(
      "E4018",
      `${cx.describe(rs)}: relocations against ${section.name}, which has no contents (SHT_NOBITS)`,
    );
    return;
  }
  for (let i = 0; i < count; i++) {
    const at = rs.offset! + i * E.RELA_SIZE;
    const what = `${rs.name} entry ${i}`;
    const offset = cx.view.u64(at);
    const type = cx.view.u32(at + 8);
    const sym = cx.view.u32(at + 12);
    const info = relocInfo(type);
    if (!info) cx.error("E4020", `${what}: unsupported relocation type ${type}`);
    if (sym === 0 || sym > symbolCount) {
      cx.error("E4019", `${what}: symbol index ${sym} is out of range (1..${symbolCount})`);
    }
    if (info && offset + BigInt(info.size) > BigInt(section.size)) {
      cx.error(
        "E4021",
        `${what}: ${info.name} at offset ${hex(offset)} runs past the end of ${section.name} (${section.size} bytes)`,
      );
    }
    if (
      !info ||
      sym === 0 ||
      sym > symbolCount ||
      offset + BigInt(info.size) > BigInt(section.size)
    )
      continue;
    section.relocs.push({
      offset: Number(offset),
      type: type as RelocType,
      symbol: sym - 1,
      addend: cx.view.i64(at + 16),
    });
  }
}

/** The line table, with ELF section indices mapped to ObjectFile ones; [] when there is none. */
export function readLines(cx: ReadContext, table: SectionTable): LineEntry[] | undefined {
  const ls = table.lines;
  if (!ls) return [];
  if (ls.flags !== 0n)
    cx.error("E4022", `${cx.describe(ls)}: flags ${hex(ls.flags)}, expected none`);
  const decoded = decodeLines(cx.bytes.subarray(ls.offset!, ls.offset! + ls.size!));
  if (typeof decoded === "string") {
    cx.error("E4022", `${cx.describe(ls)}: ${decoded}`);
    return undefined;
  }
  const lines: LineEntry[] = [];
  for (const [i, e] of decoded.entries()) {
    const section = table.objIndex.get(e.elfSection);
    const s = section === undefined ? undefined : table.sections[section]!;
    if (!s || e.offset > s.size) {
      const where = s
        ? `offset ${hex(e.offset)} past the end of ${s.name}`
        : `section index ${e.elfSection}, not a code or data section`;
      cx.error("E4022", `${cx.describe(ls)}: entry ${i} has ${where}`);
      return undefined;
    }
    lines.push({
      section: section!,
      offset: e.offset,
      file: e.file,
      line: e.line,
      col: e.col,
      chain: e.chain,
    });
  }
  return lines;
}
