// writeObject: an ObjectFile to ELF64 bytes. The file layout, in order:
//
//   ELF header | program headers (images) | segment bytes (images) | section bytes not already
//   inside a segment | .rela<name>… | .entrylab.lines | .symtab | .strtab | .shstrtab | section
//   header table
//
// Section header indices: 0 null, 1..n the ObjectFile's sections in order (ELF index = index + 1),
// then the .rela sections, the line table, .symtab, .strtab, .shstrtab. Symbols are written locals
// first (gABI: sh_info of .symtab is the first non-local), keeping their relative order.
// An inconsistent ObjectFile is a bug in its producer, so it throws an `internal:` Error.
import { BYTECODE_VERSION } from "../isa/types.js";
import { ByteWriter } from "./bytes.js";
import * as E from "./elf.js";
import { encodeLineTable } from "./lines.js";
import { lineCount, lineTableOf } from "./line-table.js";
import { relocInfo } from "./relocs.js";
import { StringTableBuilder } from "./strtab.js";
import type { ObjectFile, Section, Segment, Symbol } from "./types.js";

/** A section header to write; `offset` is filled in by the layout. */
interface OutSection {
  name: string;
  type: number;
  flags: number;
  addr: bigint;
  /** File bytes; undefined for SHT_NOBITS and the null section. */
  data: Uint8Array | undefined;
  size: number;
  link: number;
  info: number;
  align: number;
  entsize: number;
  offset: number;
}

/** Where each table lands in the section header table. */
interface Indices {
  rela: Map<number, number>;
  lines: number | undefined;
  symtab: number;
  strtab: number;
  shstrtab: number;
  count: number;
}

export function writeObject(obj: ObjectFile): Uint8Array {
  checkObject(obj);
  const idx = assignIndices(obj);
  const { order, locals } = symbolOrder(obj.symbols);
  const elfSym = new Uint32Array(obj.symbols.length);
  for (let pos = 0; pos < order.length; pos++) elfSym[order[pos]!] = pos + 1;

  const strtab = new StringTableBuilder();
  const symtab = encodeSymtab(obj, order, strtab);
  const out: OutSection[] = [nullSection()];
  obj.sections.forEach((s) => out.push(userSection(s)));
  for (const target of idx.rela.keys()) out.push(relaSection(obj, target, elfSym, idx));
  if (idx.lines !== undefined) out.push(linesSection(obj));
  const firstGlobal = 1 + locals;
  out.push(
    tableSection(E.SYMTAB_NAME, E.SHT_SYMTAB, symtab, idx.strtab, firstGlobal, 8, E.SYM_SIZE),
  );
  out.push(tableSection(E.STRTAB_NAME, E.SHT_STRTAB, strtab.finish(), 0, 0, 1, 0));
  const shstrtab = new StringTableBuilder();
  const nameIndex = out.map((s) => shstrtab.add(s.name));
  nameIndex.push(shstrtab.add(E.SHSTRTAB_NAME));
  out.push(tableSection(E.SHSTRTAB_NAME, E.SHT_STRTAB, shstrtab.finish(), 0, 0, 1, 0));
  return layout(obj, out, nameIndex, idx);
}

function checkObject(obj: ObjectFile): void {
  if (obj.kind === "rel" && obj.segments.length > 0) {
    throw new Error("internal: a relocatable object cannot have segments");
  }
  obj.sections.forEach((s, i) => {
    if (s.type !== "nobits" && s.data.length !== s.size) {
      throw new Error(
        `internal: section ${i} (${s.name}) has ${s.data.length} bytes but size ${s.size}`,
      );
    }
    if (s.name === E.LINES_NAME) throw new Error(`internal: section name ${s.name} is reserved`);
    if (!isPowerOfTwo(s.align)) throw new Error(`internal: section ${s.name} alignment ${s.align}`);
    for (const r of s.relocs) {
      if (r.symbol < 0 || r.symbol >= obj.symbols.length) {
        throw new Error(
          `internal: relocation in ${s.name} against symbol ${r.symbol} of ${obj.symbols.length}`,
        );
      }
      if (!relocInfo(r.type)) throw new Error(`internal: relocation type ${r.type}`);
    }
  });
  obj.symbols.forEach((sym) => {
    if (
      typeof sym.section === "number" &&
      (sym.section < 0 || sym.section >= obj.sections.length)
    ) {
      throw new Error(`internal: symbol ${sym.name} in section ${sym.section}`);
    }
  });
  if (obj.sections.length + 1 >= E.SHN_LORESERVE - 8)
    throw new Error("internal: too many sections");
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

function assignIndices(obj: ObjectFile): Indices {
  let next = obj.sections.length + 1;
  const rela = new Map<number, number>();
  obj.sections.forEach((s, i) => {
    if (s.relocs.length > 0) rela.set(i, next++);
  });
  const lines = lineCount(obj) > 0 ? next++ : undefined;
  const symtab = next++;
  const strtab = next++;
  const shstrtab = next++;
  return { rela, lines, symtab, strtab, shstrtab, count: next };
}

/** Symbol indices in file order: locals first, each group in its original order. */
function symbolOrder(symbols: readonly Symbol[]): { order: Uint32Array; locals: number } {
  const order = new Uint32Array(symbols.length);
  let locals = 0;
  for (let i = 0; i < symbols.length; i++) if (symbols[i]!.binding === "local") order[locals++] = i;
  let next = locals;
  for (let i = 0; i < symbols.length; i++) if (symbols[i]!.binding !== "local") order[next++] = i;
  return { order, locals };
}

const BINDING = { local: E.STB_LOCAL, global: E.STB_GLOBAL, weak: E.STB_WEAK } as const;
const SYM_TYPE = {
  notype: E.STT_NOTYPE,
  object: E.STT_OBJECT,
  func: E.STT_FUNC,
  section: E.STT_SECTION,
  file: E.STT_FILE,
} as const;
const VISIBILITY = { default: E.STV_DEFAULT, hidden: E.STV_HIDDEN } as const;

// Elf64_Sym, 24 bytes:
//   0 st_name u32 | 4 st_info u8 | 5 st_other u8 | 6 st_shndx u16 | 8 st_value u64 | 16 st_size u64
function encodeSymtab(obj: ObjectFile, order: Uint32Array, strtab: StringTableBuilder): Uint8Array {
  // Symbol 0, the undefined symbol, stays all zeros; so do the many zero fields.
  const bytes = new Uint8Array((order.length + 1) * E.SYM_SIZE);
  const v = new DataView(bytes.buffer);
  for (let k = 0, at = E.SYM_SIZE; k < order.length; k++, at += E.SYM_SIZE) {
    const sym = obj.symbols[order[k]!]!;
    // binutils names section symbols by their section, so st_name stays 0.
    if (sym.type !== "section") v.setUint32(at, strtab.add(sym.name), true);
    bytes[at + 4] = (BINDING[sym.binding] << 4) | SYM_TYPE[sym.type];
    bytes[at + 5] = VISIBILITY[sym.visibility];
    v.setUint16(at + 6, symbolShndx(sym), true);
    // DataView stores a bigint modulo 2^64: negative values come out in two's complement.
    if (sym.value !== 0n) v.setBigUint64(at + 8, sym.value, true);
    if (sym.size !== 0n) v.setBigUint64(at + 16, sym.size, true);
  }
  return bytes;
}

function symbolShndx(sym: Symbol): number {
  if (sym.section === "undef") return E.SHN_UNDEF;
  if (sym.section === "abs") return E.SHN_ABS;
  return sym.section + 1;
}

function nullSection(): OutSection {
  return tableSection("", E.SHT_NULL, undefined, 0, 0, 0, 0);
}

function tableSection(
  name: string,
  type: number,
  data: Uint8Array | undefined,
  link: number,
  info: number,
  align: number,
  entsize: number,
): OutSection {
  const size = data?.length ?? 0;
  return { name, type, flags: 0, addr: 0n, data, size, link, info, align, entsize, offset: 0 };
}

const SECTION_TYPE = { progbits: E.SHT_PROGBITS, nobits: E.SHT_NOBITS, note: E.SHT_NOTE } as const;

function userSection(s: Section): OutSection {
  const flags =
    (s.alloc ? E.SHF_ALLOC : 0) | (s.write ? E.SHF_WRITE : 0) | (s.exec ? E.SHF_EXECINSTR : 0);
  const data = s.type === "nobits" ? undefined : s.data;
  return {
    ...tableSection(s.name, SECTION_TYPE[s.type], data, 0, 0, s.align, 0),
    flags,
    addr: s.addr,
    size: s.size,
  };
}

// Elf64_Rela, 24 bytes: 0 r_offset u64 | 8 r_info u64 (symbol << 32 | type) | 16 r_addend i64
function relaSection(
  obj: ObjectFile,
  target: number,
  elfSym: Uint32Array,
  idx: Indices,
): OutSection {
  const s = obj.sections[target]!;
  const bytes = new Uint8Array(s.relocs.length * E.RELA_SIZE);
  const v = new DataView(bytes.buffer);
  let at = 0;
  for (const r of s.relocs) {
    // Offsets are below 2^53 (JS numbers): split into the two 32-bit halves of r_offset.
    v.setUint32(at, r.offset % U32_SPAN, true);
    v.setUint32(at + 4, Math.floor(r.offset / U32_SPAN), true);
    v.setUint32(at + 8, r.type, true);
    v.setUint32(at + 12, elfSym[r.symbol]!, true);
    if (r.addend !== 0n) v.setBigUint64(at + 16, r.addend, true);
    at += E.RELA_SIZE;
  }
  const out = tableSection(
    E.RELA_PREFIX + s.name,
    E.SHT_RELA,
    bytes,
    idx.symtab,
    target + 1,
    8,
    E.RELA_SIZE,
  );
  return { ...out, flags: E.SHF_INFO_LINK };
}

/** 2^32: r_offset is written as two 32-bit halves. */
const U32_SPAN = 0x1_0000_0000;

function linesSection(obj: ObjectFile): OutSection {
  const data = encodeLineTable(lineTableOf(obj), (section) => section + 1);
  return tableSection(E.LINES_NAME, E.SHT_PROGBITS, data, 0, 0, 1, 0);
}

/** Place everything in the file and write the headers. */
function layout(
  obj: ObjectFile,
  out: OutSection[],
  nameIndex: readonly number[],
  idx: Indices,
): Uint8Array {
  const w = new ByteWriter(fileSizeBound(obj, out));
  w.zeros(E.EHDR_SIZE + obj.segments.length * E.PHDR_SIZE);
  const segOffsets = obj.segments.map((seg) => placeSegment(w, seg));
  out.forEach((s, i) => {
    if (i === 0) return;
    const inSegment =
      i <= obj.sections.length ? segmentBacking(obj, obj.sections[i - 1]!, segOffsets) : undefined;
    if (inSegment !== undefined) {
      s.offset = inSegment;
      return;
    }
    if (s.data) w.align(Math.min(s.align, E.SEGMENT_FILE_ALIGN));
    s.offset = w.length;
    if (s.data) w.bytes(s.data);
  });
  w.align(8);
  const shoff = w.length;
  out.forEach((s, i) => writeShdr(w, s, nameIndex[i]!));
  const bytes = w.finish();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  writeEhdr(view, obj, shoff, idx);
  obj.segments.forEach((seg, i) =>
    writePhdr(view, E.EHDR_SIZE + i * E.PHDR_SIZE, seg, segOffsets[i]!),
  );
  return bytes;
}

/** At least the file's size, so that its bytes are copied into place once. */
function fileSizeBound(obj: ObjectFile, out: readonly OutSection[]): number {
  let n = E.EHDR_SIZE + obj.segments.length * E.PHDR_SIZE + out.length * E.SHDR_SIZE + 8;
  for (const seg of obj.segments) n += seg.data.length + E.SEGMENT_FILE_ALIGN;
  for (const s of out) if (s.data) n += s.data.length + Math.min(s.align, E.SEGMENT_FILE_ALIGN);
  return n;
}

/** Segment bytes start at a file offset congruent to the address (gABI: p_offset ≡ p_vaddr mod p_align). */
function placeSegment(w: ByteWriter, seg: Segment): number {
  const align = BigInt(Math.min(Number(seg.align > 0n ? seg.align : 1n), E.SEGMENT_FILE_ALIGN));
  const want = Number(((seg.vaddr % align) + align) % align);
  const have = w.length % Number(align);
  w.zeros((want - have + Number(align)) % Number(align));
  const at = w.length;
  w.bytes(seg.data);
  return at;
}

/** The file offset of an image section whose bytes already sit inside a segment, if any. */
function segmentBacking(
  obj: ObjectFile,
  s: Section,
  segOffsets: readonly number[],
): number | undefined {
  if (obj.kind !== "exec" || !s.alloc || s.type === "nobits") return undefined;
  for (let i = 0; i < obj.segments.length; i++) {
    const seg = obj.segments[i]!;
    const start = s.addr - seg.vaddr;
    if (start < 0n || start + BigInt(s.size) > BigInt(seg.data.length)) continue;
    const at = Number(start);
    if (sameBytes(seg.data.subarray(at, at + s.size), s.data)) return segOffsets[i]! + at;
  }
  return undefined;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Elf64_Shdr, 64 bytes:
//   0 sh_name u32 | 4 sh_type u32 | 8 sh_flags u64 | 16 sh_addr u64 | 24 sh_offset u64
//   32 sh_size u64 | 40 sh_link u32 | 44 sh_info u32 | 48 sh_addralign u64 | 56 sh_entsize u64
function writeShdr(w: ByteWriter, s: OutSection, name: number): void {
  w.u32(name);
  w.u32(s.type);
  w.u64(s.flags);
  w.u64(s.addr);
  w.u64(s.offset);
  w.u64(s.size);
  w.u32(s.link);
  w.u32(s.info);
  w.u64(s.align);
  w.u64(s.entsize);
}

// Elf64_Ehdr, 64 bytes:
//   0 e_ident[16] | 16 e_type u16 | 18 e_machine u16 | 20 e_version u32 | 24 e_entry u64
//   32 e_phoff u64 | 40 e_shoff u64 | 48 e_flags u32 | 52 e_ehsize u16 | 54 e_phentsize u16
//   56 e_phnum u16 | 58 e_shentsize u16 | 60 e_shnum u16 | 62 e_shstrndx u16
function writeEhdr(v: DataView, obj: ObjectFile, shoff: number, idx: Indices): void {
  E.ELF_MAGIC.forEach((b, i) => v.setUint8(i, b));
  v.setUint8(E.EI_CLASS, E.ELFCLASS64);
  v.setUint8(E.EI_DATA, E.ELFDATA2LSB);
  v.setUint8(E.EI_VERSION, E.EV_CURRENT);
  v.setUint8(E.EI_OSABI, E.ELFOSABI_NONE);
  v.setUint16(16, obj.kind === "exec" ? E.ET_EXEC : E.ET_REL, true);
  v.setUint16(18, E.EM_ENTRYLAB, true);
  v.setUint32(20, E.EV_CURRENT, true);
  v.setBigUint64(24, BigInt.asUintN(64, obj.entry), true);
  v.setBigUint64(32, BigInt(obj.segments.length > 0 ? E.EHDR_SIZE : 0), true);
  v.setBigUint64(40, BigInt(shoff), true);
  v.setUint32(48, BYTECODE_VERSION, true);
  v.setUint16(52, E.EHDR_SIZE, true);
  v.setUint16(54, obj.segments.length > 0 ? E.PHDR_SIZE : 0, true);
  v.setUint16(56, obj.segments.length, true);
  v.setUint16(58, E.SHDR_SIZE, true);
  v.setUint16(60, idx.count, true);
  v.setUint16(62, idx.shstrtab, true);
}

// Elf64_Phdr, 56 bytes:
//   0 p_type u32 | 4 p_flags u32 | 8 p_offset u64 | 16 p_vaddr u64 | 24 p_paddr u64
//   32 p_filesz u64 | 40 p_memsz u64 | 48 p_align u64
function writePhdr(v: DataView, at: number, seg: Segment, offset: number): void {
  const flags = (seg.read ? E.PF_R : 0) | (seg.write ? E.PF_W : 0) | (seg.exec ? E.PF_X : 0);
  v.setUint32(at, E.PT_LOAD, true);
  v.setUint32(at + 4, flags, true);
  v.setBigUint64(at + 8, BigInt(offset), true);
  v.setBigUint64(at + 16, BigInt.asUintN(64, seg.vaddr), true);
  v.setBigUint64(at + 24, BigInt.asUintN(64, seg.paddr), true);
  v.setBigUint64(at + 32, BigInt(seg.data.length), true);
  v.setBigUint64(at + 40, BigInt.asUintN(64, seg.memSize), true);
  v.setBigUint64(at + 48, BigInt.asUintN(64, seg.align), true);
}
