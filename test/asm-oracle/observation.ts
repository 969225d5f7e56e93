// What the oracle compares between GNU as and entrylab for one corpus file: whether it was
// accepted and, if so, the values of the symbols outside code and the contents of the sections
// outside code. Code is left out on purpose: entrylab encodes a bytecode, not x86 machine code,
// so only data laid out by directives can (and must) match byte for byte.
// Both sides are first brought to the src/obj ObjectFile shape; `observe` reduces that to an
// Observation, which is also the JSON golden format (bigints as hex strings).
import type { ObjectFile, Section } from "../../src/obj/types.js";

export interface SymbolObservation {
  /** Section name, or "*ABS*" for an absolute symbol. */
  section: string;
  /** Hex, with a leading "-" for negative absolute values. */
  value: string;
}

export interface SectionObservation {
  type: "progbits" | "nobits" | "note";
  size: number;
  /** Hex bytes, with the fields covered by relocations zeroed; absent for nobits. */
  bytes?: string;
  /** One line per relocation: "offset type target+addend", sorted by offset. */
  relocs: string[];
}

export interface Observation {
  file: string;
  accepted: boolean;
  /** gas messages ("line: Error: text"), informative only: never compared with entrylab. */
  messages?: string[];
  symbols?: Record<string, SymbolObservation>;
  sections?: Record<string, SectionObservation>;
}

/** Sections that are bookkeeping of one assembler or the other, never compared. */
const IGNORED_SECTIONS = new Set([".note.GNU-stack", ".entrylab.lines"]);

/** Relocation names by psABI number, so goldens read like `readelf -r`. */
const RELOC_NAMES: Record<number, string> = {
  1: "R_X86_64_64",
  2: "R_X86_64_PC32",
  4: "R_X86_64_PLT32",
  10: "R_X86_64_32",
  11: "R_X86_64_32S",
  12: "R_X86_64_16",
  13: "R_X86_64_PC16",
  14: "R_X86_64_8",
  15: "R_X86_64_PC8",
  24: "R_X86_64_PC64",
};

/** Width in bytes of the field each relocation kind patches. */
const RELOC_WIDTH: Record<number, number> = {
  1: 8, 2: 4, 4: 4, 10: 4, 11: 4, 12: 2, 13: 2, 14: 1, 15: 1, 24: 8,
}; // prettier-ignore

export function hexValue(v: bigint): string {
  return v < 0n ? `-0x${(-v).toString(16)}` : `0x${v.toString(16)}`;
}

function hexBytes(data: Uint8Array): string {
  return Array.from(data, (b) => b.toString(16).padStart(2, "0")).join("");
}

function compared(s: Section): boolean {
  return !s.exec && !IGNORED_SECTIONS.has(s.name);
}

/** "+0x10" or "-0x4": an offset to append to a name. */
function signed(v: bigint): string {
  return v < 0n ? hexValue(v) : `+${hexValue(v)}`;
}

/** Where a relocation points, independent of how the assembler named it. */
function relocTarget(obj: ObjectFile, symIndex: number, addend: bigint): string {
  const sym = obj.symbols[symIndex];
  if (!sym) return `<no symbol ${symIndex}>`;
  if (sym.section === "undef") return `${sym.name}${signed(addend)}`;
  if (sym.section === "abs") return `*ABS*${signed(sym.value + addend)}`;
  const sec = obj.sections[sym.section];
  if (!sec) return `<no section ${sym.section}>`;
  // Offsets inside code differ between gas and entrylab: name only the section there.
  if (sec.exec) return `${sec.name}+<code>`;
  return `${sec.name}${signed(sym.value + addend)}`;
}

function observeSection(obj: ObjectFile, s: Section): SectionObservation {
  const relocs = [...s.relocs].sort((a, b) => a.offset - b.offset);
  const out: SectionObservation = {
    type: s.type,
    size: s.size,
    relocs: relocs.map(
      (r) =>
        `0x${r.offset.toString(16)} ${RELOC_NAMES[r.type] ?? r.type} ${relocTarget(obj, r.symbol, r.addend)}`,
    ),
  };
  if (s.type !== "nobits") {
    const data = s.data.slice();
    for (const r of relocs) data.fill(0, r.offset, r.offset + (RELOC_WIDTH[r.type] ?? 0));
    out.bytes = hexBytes(data);
  }
  return out;
}

/** Reduce an accepted object to what the oracle compares. */
export function observe(file: string, obj: ObjectFile, messages?: string[]): Observation {
  const symbols: Record<string, SymbolObservation> = {};
  for (const sym of obj.symbols) {
    if (sym.name === "" || sym.name.startsWith(".L")) continue;
    if (sym.type === "section" || sym.type === "file" || sym.section === "undef") continue;
    if (sym.section === "abs") {
      symbols[sym.name] = { section: "*ABS*", value: hexValue(sym.value) };
      continue;
    }
    const sec = obj.sections[sym.section];
    if (sec && compared(sec)) symbols[sym.name] = { section: sec.name, value: hexValue(sym.value) };
  }
  const sections: Record<string, SectionObservation> = {};
  for (const s of obj.sections) {
    if (compared(s) && s.size > 0) sections[s.name] = observeSection(obj, s);
  }
  return {
    file,
    accepted: true,
    messages,
    symbols: sortKeys(symbols),
    sections: sortKeys(sections),
  };
}

function sortKeys<T>(rec: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Differences between an expected (gas) and an actual (entrylab) observation, one line each;
 * empty when they agree. Messages are not compared: wording and warnings differ by design.
 */
export function diffObservations(expected: Observation, actual: Observation): string[] {
  const out: string[] = [];
  if (expected.accepted !== actual.accepted) {
    const verdict = (a: boolean) => (a ? "accepts" : "rejects");
    out.push(`GNU as ${verdict(expected.accepted)} it, entrylab ${verdict(actual.accepted)} it`);
    return out;
  }
  if (!expected.accepted) return out;
  const es = expected.symbols ?? {};
  const as = actual.symbols ?? {};
  for (const [name, e] of Object.entries(es)) {
    const a = as[name];
    if (!a) out.push(`symbol ${name}: missing (GNU as: ${e.section} ${e.value})`);
    else if (a.section !== e.section || a.value !== e.value)
      out.push(`symbol ${name}: ${a.section} ${a.value}, GNU as: ${e.section} ${e.value}`);
  }
  for (const name of Object.keys(as)) if (!(name in es)) out.push(`symbol ${name}: not in GNU as`);
  const esec = expected.sections ?? {};
  const asec = actual.sections ?? {};
  for (const [name, e] of Object.entries(esec)) {
    const a = asec[name];
    if (!a) out.push(`section ${name}: missing`);
    else out.push(...diffSection(name, e, a));
  }
  for (const name of Object.keys(asec))
    if (!(name in esec)) out.push(`section ${name}: not in GNU as`);
  return out;
}

function diffSection(name: string, e: SectionObservation, a: SectionObservation): string[] {
  const out: string[] = [];
  if (e.type !== a.type) out.push(`section ${name}: type ${a.type}, GNU as: ${e.type}`);
  if (e.size !== a.size) out.push(`section ${name}: size ${a.size}, GNU as: ${e.size}`);
  if (e.bytes !== undefined && a.bytes !== undefined && e.bytes !== a.bytes) {
    const at = firstDifference(e.bytes, a.bytes);
    out.push(`section ${name}: bytes differ from offset 0x${at.toString(16)}`);
  }
  const er = e.relocs.join("\n");
  const ar = a.relocs.join("\n");
  if (er !== ar) out.push(`section ${name}: relocations\n  entrylab: ${ar}\n  GNU as:   ${er}`);
  return out;
}

function firstDifference(a: string, b: string): number {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return Math.floor(i / 2);
}
