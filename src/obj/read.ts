// readObject: ELF64 bytes to an ObjectFile, validating everything on the way. Each problem is a
// diagnostic (code E4xxx, location COMMAND_LINE, message "<file>: ..."); the reader never throws.
// It works in passes — header, section headers and names, contents, symbols, relocations, line
// table, segments — and stops after a pass that found errors, so one broken field does not
// cascade into dozens of follow-on reports. The result is undefined when any error was found.
import { BYTECODE_VERSION } from "../isa/types.js";
import { COMMAND_LINE, type DiagnosticBag } from "../diag/index.js";
import * as E from "./elf.js";
import { ReadContext, hex } from "./read-context.js";
import { readSectionTable } from "./read-sections.js";
import { readSegments } from "./read-segments.js";
import { readLines, readRelocs, readSymbols } from "./read-tables.js";
import type { ObjectFile } from "./types.js";

/** The fields of the ELF header that later passes need. */
export interface Header {
  kind: ObjectFile["kind"];
  entry: bigint;
  phoff: number;
  phnum: number;
  shoff: number;
  shnum: number;
  shstrndx: number;
}

export function readObject(
  bytes: Uint8Array,
  name: string,
  diags: DiagnosticBag,
): ObjectFile | undefined {
  try {
    return readPasses(new ReadContext(bytes, name, diags));
  } catch (e) {
    // A safety net: a reader bug must still come out as a diagnostic, not a stack trace.
    diags.error("E4099", COMMAND_LINE, `${name}: internal error while reading: ${String(e)}`);
    return undefined;
  }
}

function readPasses(cx: ReadContext): ObjectFile | undefined {
  const header = readHeader(cx);
  if (!header) return undefined;
  const table = readSectionTable(cx, header);
  if (!table) return undefined;
  const segments = readSegments(cx, header);
  const symbols = readSymbols(cx, table);
  if (symbols) readRelocs(cx, table, symbols.length);
  const lines = readLines(cx, table);
  if (cx.errors > 0 || !symbols || !segments || !lines) return undefined;
  return {
    kind: header.kind,
    name: cx.name,
    sections: table.sections,
    symbols,
    lines,
    entry: header.entry,
    segments,
  };
}

// Elf64_Ehdr, 64 bytes:
//   0 e_ident[16] | 16 e_type u16 | 18 e_machine u16 | 20 e_version u32 | 24 e_entry u64
//   32 e_phoff u64 | 40 e_shoff u64 | 48 e_flags u32 | 52 e_ehsize u16 | 54 e_phentsize u16
//   56 e_phnum u16 | 58 e_shentsize u16 | 60 e_shnum u16 | 62 e_shstrndx u16
function readHeader(cx: ReadContext): Header | undefined {
  if (!checkIdent(cx)) return undefined;
  const v = cx.view;
  const kind = fileKind(cx, v.u16(16));
  const ours = checkMachine(cx, v.u16(18));
  if (v.u32(20) !== E.EV_CURRENT)
    cx.error("E4005", `e_version is ${v.u32(20)}, expected ${E.EV_CURRENT}`);
  const flags = v.u32(48);
  // e_flags mean something only for our e_machine (ELF gABI: processor-specific), so a foreign
  // object gets the one E4008, not a follow-on bytecode-version complaint.
  if (ours && flags !== BYTECODE_VERSION) {
    cx.error(
      "E4009",
      `built for bytecode version ${flags}; this entrylab reads version ${BYTECODE_VERSION}`,
    );
  }
  if (v.u16(52) !== E.EHDR_SIZE)
    cx.error("E4010", `e_ehsize is ${v.u16(52)}, expected ${E.EHDR_SIZE}`);
  if (cx.errors > 0 || !kind) return undefined;
  const header: Header = {
    kind,
    entry: v.u64(24),
    phoff: v.offset(32) ?? Number.MAX_SAFE_INTEGER,
    phnum: v.u16(56),
    shoff: v.offset(40) ?? Number.MAX_SAFE_INTEGER,
    shnum: v.u16(60),
    shstrndx: v.u16(62),
  };
  checkTables(cx, header, v.u16(54), v.u16(58));
  return cx.errors > 0 ? undefined : header;
}

/** e_ident: magic, class, data encoding, version, OS ABI — and enough bytes for the header. */
function checkIdent(cx: ReadContext): boolean {
  const b = cx.bytes;
  const magicLength = Math.min(b.length, E.ELF_MAGIC.length);
  for (let i = 0; i < magicLength; i++) {
    if (b[i] !== E.ELF_MAGIC[i]) {
      cx.error("E4002", "not an ELF file (the first bytes are not \\x7fELF)");
      return false;
    }
  }
  if (b.length < E.EHDR_SIZE) {
    cx.error("E4001", `truncated: ${b.length} bytes, an ELF64 header needs ${E.EHDR_SIZE}`);
    return false;
  }
  if (b[E.EI_CLASS] !== E.ELFCLASS64) {
    const what = b[E.EI_CLASS] === E.ELFCLASS32 ? "ELFCLASS32 (32-bit)" : `class ${b[E.EI_CLASS]}`;
    cx.error("E4003", `${what} file; entrylab objects are ELFCLASS64`);
  }
  if (b[E.EI_DATA] !== E.ELFDATA2LSB) {
    const what = b[E.EI_DATA] === E.ELFDATA2MSB ? "big-endian" : `data encoding ${b[E.EI_DATA]}`;
    cx.error("E4004", `${what} file; entrylab objects are little-endian (ELFDATA2LSB)`);
  }
  if (b[E.EI_VERSION] !== E.EV_CURRENT) {
    cx.error("E4005", `ELF identification version ${b[E.EI_VERSION]}, expected ${E.EV_CURRENT}`);
  }
  if (b[E.EI_OSABI] !== E.ELFOSABI_NONE || b[E.EI_ABIVERSION] !== 0) {
    cx.error(
      "E4006",
      `OS ABI ${b[E.EI_OSABI]} version ${b[E.EI_ABIVERSION]}, expected ELFOSABI_NONE 0`,
    );
  }
  return cx.errors === 0;
}

function fileKind(cx: ReadContext, type: number): ObjectFile["kind"] | undefined {
  if (type === E.ET_REL) return "rel";
  if (type === E.ET_EXEC) return "exec";
  const names: Record<number, string> = {
    [E.ET_DYN]: "a shared object (ET_DYN)",
    [E.ET_CORE]: "a core file (ET_CORE)",
  };
  cx.error(
    "E4007",
    `${names[type] ?? `e_type ${type}`}; expected an object (ET_REL) or an image (ET_EXEC)`,
  );
  return undefined;
}

/** False (reported) when e_machine is not entrylab's. */
function checkMachine(cx: ReadContext, machine: number): boolean {
  if (machine === E.EM_ENTRYLAB) return true;
  const arch = E.KNOWN_MACHINES[machine];
  const what = arch ? `${arch} object` : `object for machine ${machine}`;
  cx.error(
    "E4008",
    `${what}, not an entrylab object (e_machine ${hex(machine)}, expected ${hex(E.EM_ENTRYLAB)})`,
  );
  return false;
}

/** Header sizes and the two header tables' places in the file. */
function checkTables(cx: ReadContext, h: Header, phentsize: number, shentsize: number): void {
  if (h.shnum === 0) {
    cx.error(
      "E4010",
      "no section headers (e_shnum 0; extended section numbering is not supported)",
    );
  } else if (shentsize !== E.SHDR_SIZE) {
    cx.error("E4010", `e_shentsize is ${shentsize}, expected ${E.SHDR_SIZE}`);
  } else if (!cx.inFile(h.shoff, h.shnum * E.SHDR_SIZE)) {
    cx.error(
      "E4011",
      `section header table (${h.shnum} × ${E.SHDR_SIZE} bytes at ${hex(h.shoff)}) past the end of the file (${cx.bytes.length} bytes)`,
    );
  }
  if (h.shstrndx === 0 || h.shstrndx >= h.shnum) {
    cx.error("E4014", `e_shstrndx ${h.shstrndx} is not a section (there are ${h.shnum})`);
  }
  if (h.kind === "rel" && h.phnum > 0)
    cx.error("E4023", `a relocatable object with ${h.phnum} program headers`);
  if (h.phnum === 0) return;
  if (phentsize !== E.PHDR_SIZE) {
    cx.error("E4010", `e_phentsize is ${phentsize}, expected ${E.PHDR_SIZE}`);
  } else if (!cx.inFile(h.phoff, h.phnum * E.PHDR_SIZE)) {
    cx.error(
      "E4011",
      `program header table (${h.phnum} × ${E.PHDR_SIZE} bytes at ${hex(h.phoff)}) past the end of the file (${cx.bytes.length} bytes)`,
    );
  }
}
