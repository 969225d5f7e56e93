// Builders for hand-made objects: the linker tests do not depend on the assembler.
import { DiagnosticBag } from "../../../src/diag/index.js";
import type { LineEntry, ObjectFile, Reloc, Section, Symbol } from "../../../src/obj/index.js";
import { link, type LinkOptions } from "../../../src/link/index.js";

export function section(name: string, fields: Partial<Section> = {}): Section {
  const data = fields.data ?? new Uint8Array(fields.type === "nobits" ? 0 : (fields.size ?? 0));
  return {
    name,
    type: "progbits",
    alloc: true,
    write: false,
    exec: false,
    align: 1,
    data,
    size: fields.size ?? data.length,
    addr: 0n,
    relocs: [],
    ...fields,
  };
}

export function text(size: number, fields: Partial<Section> = {}): Section {
  return section(".text", { exec: true, data: new Uint8Array(size), ...fields });
}

export function sym(name: string, fields: Partial<Symbol> = {}): Symbol {
  return {
    name,
    section: 0,
    value: 0n,
    size: 0n,
    binding: "global",
    type: "notype",
    visibility: "default",
    ...fields,
  };
}

export function undef(name: string, weak = false): Symbol {
  return sym(name, { section: "undef", binding: weak ? "weak" : "global" });
}

export function reloc(offset: number, type: Reloc["type"], symbol: number, addend = 0n): Reloc {
  return { offset, type, symbol, addend };
}

export function line(
  section: number,
  offset: number,
  file: string,
  ln: number,
  col = 1,
): LineEntry {
  return { section, offset, file, line: ln, col, chain: [] };
}

export function obj(
  name: string,
  sections: Section[],
  symbols: Symbol[],
  lines: LineEntry[] = [],
): ObjectFile {
  return { kind: "rel", name, sections, symbols, lines, entry: 0n, segments: [] };
}

/** Link and return the image (or undefined) with the diagnostics. */
export function linkAll(objects: ObjectFile[], opts: Partial<LinkOptions> = {}) {
  const diags = new DiagnosticBag();
  const image = link(objects, { diags, ...opts });
  return { image, diags, messages: diags.items.map((d) => `${d.code} ${d.message}`) };
}

/** The image's symbol of that name. */
export function symbolOf(image: ObjectFile, name: string): Symbol {
  const s = image.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name} in ${image.symbols.map((x) => x.name).join(", ")}`);
  return s;
}

export function u32(data: Uint8Array, at: number): number {
  return new DataView(data.buffer, data.byteOffset).getUint32(at, true);
}
