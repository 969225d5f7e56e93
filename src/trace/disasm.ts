// The disassembly listing of an object or image: each executable section, instruction by
// instruction, with symbols as labels and the source line each instruction came from (through
// includes and macro expansions). `entrylab objdump` prints it; the instruction trace reuses the
// per-instruction formatter, as clox's disassembler doubles as its trace printer.
import { decode, disassemble } from "../isa/index.js";
import type { LineEntry, ObjectFile, Reloc, Section } from "../obj/types.js";
import { relocName } from "../obj/index.js";

export interface ListingOptions {
  /** Source text by file name, for showing the source lines; undefined when unavailable. */
  readSource?(file: string): string | undefined;
}

const BYTES_COLUMN = 40;

export function disassembleObject(obj: ObjectFile, opts: ListingOptions = {}): string {
  const out: string[] = [];
  const sourceLines = new Map<string, string[] | undefined>();
  const lineOf = (file: string, line: number): string | undefined => {
    if (!sourceLines.has(file)) sourceLines.set(file, opts.readSource?.(file)?.split("\n"));
    return sourceLines.get(file)?.[line - 1];
  };
  obj.sections.forEach((section, index) => {
    if (!section.exec || section.type === "nobits" || section.size === 0) return;
    out.push("", `Disassembly of section ${section.name}:`);
    listSection(obj, section, index, lineOf, out);
  });
  return out.join("\n") + "\n";
}

function listSection(
  obj: ObjectFile,
  section: Section,
  index: number,
  lineOf: (file: string, line: number) => string | undefined,
  out: string[],
): void {
  const labels = labelsOf(obj, index);
  const relocs = new RelocCursor(obj, section);
  const lines = new Map<number, LineEntry>();
  for (const l of obj.lines) if (l.section === index) lines.set(l.offset, l);
  const base = obj.kind === "exec" ? section.addr : 0n;
  let lastSource = "";
  let at = 0;
  while (at < section.size) {
    for (const name of labels.get(at) ?? [])
      out.push("", `${hex(base + BigInt(at), 16)} <${name}>:`);
    const entry = lines.get(at);
    if (entry) {
      const where = `${entry.file}:${entry.line}`;
      const via = entry.chain.map(
        (s) =>
          ` (${s.kind === "include" ? "included from" : `in ${s.name} at`} ${s.file}:${s.line})`,
      );
      if (where !== lastSource) {
        out.push(`${where}${via.join("")}`);
        const text = lineOf(entry.file, entry.line);
        if (text !== undefined) out.push(`    ${text.trim()}`);
        lastSource = where;
      }
    }
    const insn = decode(section.data, at);
    const address = base + BigInt(at);
    if (!insn) {
      out.push(
        `${hex(address, 8)}:  ${hex(BigInt(section.data[at]!), 2)}`.padEnd(BYTES_COLUMN) + "(bad)",
      );
      at += 1;
      continue;
    }
    const bytes = Array.from(section.data.subarray(at, at + insn.length), (b) => hex(BigInt(b), 2));
    const text = disassemble(insn, { address });
    out.push(`${hex(address, 8)}:  ${bytes.join(" ")}`.padEnd(BYTES_COLUMN) + " " + text);
    for (let r = relocs.get(at, at + insn.length); r; r = relocs.next()) out.push(r);
    at += insn.length;
  }
}

/** Walks a section's relocations in offset order, as objdump -dr shows them under each insn. */
class RelocCursor {
  private readonly sorted: Reloc[];
  private pos = 0;
  private end = 0;

  constructor(
    private readonly obj: ObjectFile,
    section: Section,
  ) {
    this.sorted = [...section.relocs].sort((a, b) => a.offset - b.offset);
  }

  /** The first relocation in [from, to) as text, or undefined. */
  get(from: number, to: number): string | undefined {
    while (this.pos < this.sorted.length && this.sorted[this.pos]!.offset < from) this.pos++;
    this.end = to;
    return this.next();
  }

  next(): string | undefined {
    const r = this.sorted[this.pos];
    if (!r || r.offset >= this.end) return undefined;
    this.pos++;
    const sym = this.obj.symbols[r.symbol];
    const name =
      sym?.type === "section" ? this.obj.sections[sym.section as number]?.name : sym?.name;
    const addend =
      r.addend === 0n
        ? ""
        : r.addend < 0n
          ? `-0x${(-r.addend).toString(16)}`
          : `+0x${r.addend.toString(16)}`;
    return `${" ".repeat(12)}${hex(BigInt(r.offset), 8)}: ${relocName(r.type)}\t${name ?? "?"}${addend}`;
  }
}

function labelsOf(obj: ObjectFile, section: number): Map<number, string[]> {
  const labels = new Map<number, string[]>();
  const base = obj.kind === "exec" ? obj.sections[section]!.addr : 0n;
  for (const s of obj.symbols) {
    if (s.section !== section || s.type === "section" || s.type === "file" || !s.name) continue;
    const offset = Number(s.value - base);
    labels.set(offset, [...(labels.get(offset) ?? []), s.name]);
  }
  return labels;
}

function hex(value: bigint, width: number): string {
  return value.toString(16).padStart(width, "0");
}
