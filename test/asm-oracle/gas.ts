// The GNU as half of the oracle: run the host's gcc (for .S, through cpp) or as (for .s), and
// read the resulting x86-64 ELF object into the src/obj ObjectFile shape so that it can be
// observed exactly like an entrylab object. The ELF reader is minimal on purpose (ELF64 LE,
// ET_REL: section headers, one symbol table, RELA sections); oracle.test.ts checks it against
// readelf. Test-only code: it uses node.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import type { ObjectFile, Reloc, RelocType, Section, Symbol } from "../../src/obj/types.js";

export interface GasOptions {
  includePaths: string[];
  /** -D options: name or name=value. */
  defines: string[];
}

export interface GasRun {
  accepted: boolean;
  /** "line: Error: text" / "line: Warning: text", file names stripped. */
  messages: string[];
  warnings: string[];
  /** The full stderr, for failure reports. */
  stderr: string;
  object?: ObjectFile;
}

/** Why GNU as cannot be used here, or undefined when gcc, as and readelf all run. */
export function gasMissingReason(): string | undefined {
  for (const tool of ["gcc", "as", "readelf"]) {
    const r = spawnSync(tool, ["--version"], { encoding: "utf8" });
    if (r.error || r.status !== 0)
      return `${tool} is not available (${r.error?.message ?? r.stderr.trim()})`;
  }
  const probe = spawnSync("as", ["--64", "--version"], { encoding: "utf8" });
  if (!/x86_64|x86-64/.test(probe.stdout)) return "as does not target x86-64";
  return undefined;
}

/** The command that assembles `path` as the kernel build would (cpp for .S, plain as for .s). */
export function gasCommand(path: string, out: string, opts: GasOptions): [string, string[]] {
  if (path.endsWith(".S")) {
    const inc = opts.includePaths.map((p) => `-I${p}`);
    const defs = opts.defines.map((d) => `-D${d}`);
    return ["gcc", ["-c", "-x", "assembler-with-cpp", ...inc, ...defs, path, "-o", out]];
  }
  return ["as", ["--64", path, "-o", out]];
}

/** Assemble one file with GNU as and read the object back. */
export function runGas(path: string, opts: GasOptions): GasRun {
  const dir = mkdtempSync(join(tmpdir(), "entrylab-gas-"));
  try {
    const out = join(dir, "out.o");
    const [cmd, args] = gasCommand(basename(path), out, opts);
    const r = spawnSync(cmd, args, { cwd: dirname(path), encoding: "utf8" });
    const stderr = (r.stderr ?? "") + (r.error ? String(r.error) : "");
    const messages = gasMessages(stderr);
    const warnings = messages.filter((m) => / Warning: /.test(m));
    if (r.status !== 0) return { accepted: false, messages, warnings, stderr };
    const object = readElfObject(basename(path), readFileSync(out));
    return { accepted: true, messages, warnings, stderr, object };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Keep the Error/Warning lines of gas/gcc stderr as "line: Kind: text". */
export function gasMessages(stderr: string): string[] {
  const out: string[] = [];
  for (const line of stderr.split("\n")) {
    const m = /^[^:]*:(\d+:)?(?:\d+:)? ?(Error|Warning|error|warning|Fatal error): (.*)$/.exec(
      line,
    );
    if (m) out.push(`${m[1] ? m[1].slice(0, -1) : "-"}: ${capitalise(m[2]!)}: ${m[3]}`);
  }
  return out;
}

function capitalise(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

// ELF64 constants (System V gABI, "Sections" and "Symbol Table").
const ELF_MAGIC = 0x464c457f; // "\x7fELF" read little-endian
const ELFCLASS64 = 2;
const EHDR_SHOFF = 0x28;
const EHDR_SHENTSIZE = 0x3a;
const EHDR_SHNUM = 0x3c;
const EHDR_SHSTRNDX = 0x3e;
const SHT_PROGBITS = 1;
const SHT_SYMTAB = 2;
const SHT_RELA = 4;
const SHT_NOTE = 7;
const SHT_NOBITS = 8;
const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
const SHN_UNDEF = 0;
const SHN_ABS = 0xfff1;
const SYM_SIZE = 24;
const RELA_SIZE = 24;
const STB_NAMES = ["local", "global", "weak"] as const;
const STT_NAMES = ["notype", "object", "func", "section", "file"] as const;

interface RawSection {
  name: string;
  type: number;
  flags: bigint;
  offset: number;
  size: number;
  link: number;
  info: number;
  align: number;
}

/** Read an x86-64 ET_REL object produced by GNU as into the ObjectFile shape. */
export function readElfObject(name: string, buf: Buffer): ObjectFile {
  if (buf.readUInt32LE(0) !== ELF_MAGIC || buf[4] !== ELFCLASS64)
    throw new Error(`${name}: not ELF64`);
  const raw = readSectionHeaders(buf);
  // Keep the content sections; remember where each ELF index went.
  const kept = new Map<number, number>();
  const sections: Section[] = [];
  raw.forEach((s, i) => {
    if (![SHT_PROGBITS, SHT_NOBITS, SHT_NOTE].includes(s.type)) return;
    kept.set(i, sections.length);
    sections.push(toSection(buf, s));
  });
  const symtabIndex = raw.findIndex((s) => s.type === SHT_SYMTAB);
  const symbols = symtabIndex < 0 ? [] : readSymbols(buf, raw, symtabIndex, kept);
  raw.forEach((s) => {
    if (s.type !== SHT_RELA) return;
    const target = kept.get(s.info);
    if (target !== undefined) sections[target]!.relocs.push(...readRelocs(buf, s));
  });
  return { kind: "rel", name, sections, symbols, lines: [], entry: 0n, segments: [] };
}

function readSectionHeaders(buf: Buffer): RawSection[] {
  const shoff = Number(buf.readBigUInt64LE(EHDR_SHOFF));
  const entsize = buf.readUInt16LE(EHDR_SHENTSIZE);
  const count = buf.readUInt16LE(EHDR_SHNUM);
  const shstrndx = buf.readUInt16LE(EHDR_SHSTRNDX);
  const headers = Array.from({ length: count }, (_, i) => {
    const at = shoff + i * entsize;
    return {
      nameOffset: buf.readUInt32LE(at),
      type: buf.readUInt32LE(at + 4),
      flags: buf.readBigUInt64LE(at + 8),
      offset: Number(buf.readBigUInt64LE(at + 24)),
      size: Number(buf.readBigUInt64LE(at + 32)),
      link: buf.readUInt32LE(at + 40),
      info: buf.readUInt32LE(at + 44),
      align: Number(buf.readBigUInt64LE(at + 48)),
    };
  });
  const strtab = headers[shstrndx]!;
  return headers.map((h) => ({ ...h, name: cString(buf, strtab.offset + h.nameOffset) }));
}

function cString(buf: Buffer, at: number): string {
  const end = buf.indexOf(0, at);
  return buf.toString("latin1", at, end < 0 ? buf.length : end);
}

function toSection(buf: Buffer, s: RawSection): Section {
  const nobits = s.type === SHT_NOBITS;
  return {
    name: s.name,
    type: nobits ? "nobits" : s.type === SHT_NOTE ? "note" : "progbits",
    alloc: (s.flags & BigInt(SHF_ALLOC)) !== 0n,
    write: (s.flags & BigInt(SHF_WRITE)) !== 0n,
    exec: (s.flags & BigInt(SHF_EXECINSTR)) !== 0n,
    align: Math.max(1, s.align),
    data: nobits ? new Uint8Array(0) : new Uint8Array(buf.subarray(s.offset, s.offset + s.size)),
    size: s.size,
    addr: 0n,
    relocs: [],
  };
}

function readSymbols(
  buf: Buffer,
  raw: RawSection[],
  symtabIndex: number,
  kept: Map<number, number>,
): Symbol[] {
  const symtab = raw[symtabIndex]!;
  const strtab = raw[symtab.link]!;
  const out: Symbol[] = [];
  for (let at = symtab.offset; at < symtab.offset + symtab.size; at += SYM_SIZE) {
    const info = buf[at + 4]!;
    const shndx = buf.readUInt16LE(at + 6);
    let section: Symbol["section"];
    if (shndx === SHN_UNDEF) section = "undef";
    else if (shndx === SHN_ABS) section = "abs";
    else section = kept.get(shndx) ?? "undef";
    const value = buf.readBigUInt64LE(at + 8);
    out.push({
      name: cString(buf, strtab.offset + buf.readUInt32LE(at)),
      section,
      // Absolute values are signed 64-bit numbers to gas.
      value: section === "abs" ? BigInt.asIntN(64, value) : value,
      size: buf.readBigUInt64LE(at + 16),
      binding: STB_NAMES[info >> 4] ?? "global",
      type: STT_NAMES[info & 0xf] ?? "notype",
      visibility: (buf[at + 5]! & 3) === 2 ? "hidden" : "default",
    });
  }
  return out;
}

function readRelocs(buf: Buffer, s: RawSection): Reloc[] {
  const out: Reloc[] = [];
  for (let at = s.offset; at < s.offset + s.size; at += RELA_SIZE) {
    const info = buf.readBigUInt64LE(at + 8);
    out.push({
      offset: Number(buf.readBigUInt64LE(at)),
      type: Number(info & 0xffffffffn) as RelocType,
      symbol: Number(info >> 32n),
      addend: buf.readBigInt64LE(at + 16),
    });
  }
  return out;
}
