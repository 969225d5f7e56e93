// dumpObject: the text `entrylab objdump` prints before the disassembly — a header summary, the
// section table, segments (images), the symbol table and the relocations of each section. One item
// per line, fixed column widths and no dependence on anything but the ObjectFile, so two dumps
// diff cleanly. Indices are ObjectFile indices (section 0 is the first real section).
import { BYTECODE_VERSION } from "../isa/types.js";
import { EM_ENTRYLAB } from "./elf.js";
import { relocName } from "./relocs.js";
import type { ObjectFile, Reloc, Section, Segment, Symbol } from "./types.js";

const NAME_WIDTH = 20;
const ADDR_DIGITS = 16;

export function dumpObject(obj: ObjectFile): string {
  const lines = [
    ...headerLines(obj),
    "",
    ...sectionLines(obj.sections),
    ...(obj.kind === "exec" ? ["", ...segmentLines(obj.segments)] : []),
    "",
    ...symbolLines(obj),
    ...relocLines(obj),
  ];
  return lines.join("\n") + "\n";
}

function headerLines(obj: ObjectFile): string[] {
  const relocs = obj.sections.reduce((n, s) => n + s.relocs.length, 0);
  const kind = obj.kind === "exec" ? "ET_EXEC (image)" : "ET_REL (relocatable object)";
  return [
    `${obj.name}: file format elf64-entrylab`,
    `type:          ${kind}`,
    `machine:       entrylab bytecode version ${BYTECODE_VERSION} (e_machine ${hex(EM_ENTRYLAB)})`,
    `entry:         ${addr(obj.entry)}`,
    `sections:      ${obj.sections.length}`,
    `segments:      ${obj.segments.length}`,
    `symbols:       ${obj.symbols.length}`,
    `relocations:   ${relocs}`,
    `line entries:  ${obj.lines.length}`,
  ];
}

function sectionLines(sections: readonly Section[]): string[] {
  const head = `  [Nr] ${"Name".padEnd(NAME_WIDTH)} Type     Flg ${"Address".padEnd(ADDR_DIGITS)} Size       Align`;
  const rows = sections.map((s, i) => {
    const flags = (s.alloc ? "A" : "") + (s.write ? "W" : "") + (s.exec ? "X" : "");
    return `  [${nr(i)}] ${s.name.padEnd(NAME_WIDTH)} ${s.type.padEnd(8)} ${flags.padEnd(3)} ${addr(s.addr)} ${hex(s.size).padEnd(10)} ${s.align}`;
  });
  return ["Sections:", head, ...rows];
}

function segmentLines(segments: readonly Segment[]): string[] {
  const head = `  [Nr] Type Flg ${"VirtAddr".padEnd(ADDR_DIGITS)} ${"PhysAddr".padEnd(ADDR_DIGITS)} FileSiz    MemSiz     Align`;
  const rows = segments.map((g, i) => {
    const flags = (g.read ? "R" : "-") + (g.write ? "W" : "-") + (g.exec ? "X" : "-");
    return `  [${nr(i)}] LOAD ${flags} ${addr(g.vaddr)} ${addr(g.paddr)} ${hex(g.data.length).padEnd(10)} ${hex(g.memSize).padEnd(10)} ${hex(g.align)}`;
  });
  return ["Segments:", head, ...rows];
}

function symbolLines(obj: ObjectFile): string[] {
  const head = `  [Nr] ${"Value".padEnd(ADDR_DIGITS)} Size       Type    Bind   Vis     ${"Section".padEnd(NAME_WIDTH)} Name`;
  const rows = obj.symbols.map(
    (s, i) =>
      `  [${nr(i)}] ${addr(s.value)} ${hex(s.size).padEnd(10)} ${s.type.padEnd(7)} ${s.binding.padEnd(6)} ${s.visibility.padEnd(7)} ${symbolSection(obj, s).padEnd(NAME_WIDTH)} ${s.name}`,
  );
  return ["Symbols:", head, ...rows];
}

function symbolSection(obj: ObjectFile, s: Symbol): string {
  if (s.section === "undef") return "*UND*";
  if (s.section === "abs") return "*ABS*";
  return obj.sections[s.section]?.name ?? `<bad section ${s.section}>`;
}

function relocLines(obj: ObjectFile): string[] {
  const out: string[] = [];
  obj.sections.forEach((s, i) => {
    if (s.relocs.length === 0) return;
    out.push("", `Relocations in [${nr(i)}] ${s.name}:`, "  Offset     Type     Symbol+Addend");
    for (const r of s.relocs)
      out.push(`  ${hex(r.offset).padEnd(10)} ${relocName(r.type).padEnd(8)} ${target(obj, r)}`);
  });
  return out;
}

/** "sym", "sym+0x10" or "sym-0x4", as objdump -r writes them. */
function target(obj: ObjectFile, r: Reloc): string {
  const name = obj.symbols[r.symbol]?.name ?? `<bad symbol ${r.symbol}>`;
  if (r.addend === 0n) return name;
  return r.addend < 0n ? `${name}-${hex(-r.addend)}` : `${name}+${hex(r.addend)}`;
}

function nr(i: number): string {
  return String(i).padStart(2);
}

function hex(v: number | bigint): string {
  return `0x${v.toString(16)}`;
}

function addr(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16).padStart(ADDR_DIGITS, "0");
}
