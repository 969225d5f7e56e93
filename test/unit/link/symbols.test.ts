// Boundary and layout symbols: __start_SEC/__stop_SEC (ld's PROVIDE rule), layout assignments
// such as __entry_text_start, _end and __bss_start, and their conflicts with object definitions.
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import { parseLayout, type LayoutSpec } from "../../../src/link/index.js";
import { R_64 } from "../../../src/obj/index.js";
import { linkAll, obj, reloc, section, sym, symbolOf, text, undef } from "./helpers.js";

function layout(src: string): LayoutSpec {
  return parseLayout(src, { diags: new DiagnosticBag() })!;
}

function u64(data: Uint8Array, at: number): bigint {
  return new DataView(data.buffer, data.byteOffset).getBigUint64(at, true);
}

/** An object whose .text holds one R_64 field per name, in order, each naming an undefined symbol. */
function referencing(...names: string[]) {
  return obj(
    "a.o",
    [text(8 * names.length, { relocs: names.map((_, i) => reloc(8 * i, R_64, i + 1)) })],
    [sym("_start"), ...names.map((n) => undef(n))],
  );
}

describe("__start_SEC and __stop_SEC", () => {
  it("are provided for a C-identifier section when referenced", () => {
    const table = obj("t.o", [section("ex_table", { size: 24, align: 8 })], []);
    const { image, messages } = linkAll([
      referencing("__start_ex_table", "__stop_ex_table"),
      table,
    ]);
    expect(messages).toEqual([]);
    const start = symbolOf(image!, "__start_ex_table");
    const stop = symbolOf(image!, "__stop_ex_table");
    expect(stop.value - start.value).toBe(24n);
    expect(image!.sections[start.section as number]!.name).toBe("ex_table");
    const data = image!.sections[0]!.data;
    expect([u64(data, 0), u64(data, 8)]).toEqual([start.value, stop.value]);
  });

  it("are not defined when nothing refers to them", () => {
    const table = obj("t.o", [section("ex_table", { size: 24 })], []);
    const { image } = linkAll([referencing(), table]);
    expect(image!.symbols.map((s) => s.name)).not.toContain("__start_ex_table");
  });

  it("are not provided for names that are not C identifiers", () => {
    const t = obj("t.o", [section(".ex.table", { size: 8 })], []);
    expect(linkAll([referencing("__start_.ex.table"), t]).messages[0]).toMatch(/^E5001/);
  });

  it("yield to an object's own definition", () => {
    const table = obj(
      "t.o",
      [section("ex_table", { size: 24 })],
      [sym("__start_ex_table", { value: 8n })],
    );
    const { image } = linkAll([referencing("__start_ex_table"), table]);
    expect(u64(image!.sections[0]!.data, 0)).toBe(symbolOf(image!, "__start_ex_table").value);
    expect(symbolOf(image!, "__start_ex_table").value).toBe(0x101008n);
  });
});

describe("layout symbols", () => {
  it("bracket .entry.text in the flat64 layout", () => {
    const a = obj(
      "a.o",
      [text(8), section(".entry.text", { exec: true, size: 0x30 })],
      [sym("_start"), sym("entry_SYSCALL_64", { section: 1, value: 0x10n })],
    );
    const { image } = linkAll([a]);
    expect(symbolOf(image!, "__entry_text_start")).toMatchObject({ value: 0x101000n, section: 1 });
    expect(symbolOf(image!, "__entry_text_end")).toMatchObject({ value: 0x101030n, section: 1 });
    expect(symbolOf(image!, "entry_SYSCALL_64").value).toBe(0x101010n);
  });

  it("give __bss_start and _end in the flat64 layout", () => {
    const a = obj(
      "a.o",
      [text(8), section(".bss", { type: "nobits", write: true, size: 0x1234 })],
      [sym("_start")],
    );
    const { image } = linkAll([a]);
    expect(symbolOf(image!, "__bss_start").value).toBe(0x101000n);
    expect(symbolOf(image!, "_end").value).toBe(0x102234n);
  });

  it("resolve references from objects", () => {
    const { image, messages } = linkAll([referencing("_end", "__entry_text_start")]);
    expect(messages).toEqual([]);
    const data = image!.sections[0]!.data;
    expect(u64(data, 0)).toBe(symbolOf(image!, "_end").value);
    expect(u64(data, 8)).toBe(symbolOf(image!, "__entry_text_start").value);
  });

  it("compute expressions over . and earlier symbols", () => {
    const spec = layout(
      ". = 0x200000\nbase = .\n.text : .text\nlimit = . + 0x10 - (base - 0x1f0000)\n",
    );
    const { image } = linkAll([referencing("limit")], { layout: spec });
    expect(symbolOf(image!, "base")).toMatchObject({ value: 0x200000n, section: 0 });
    // . is 0x200008 after .text: 0x200008 + 0x10 − 0x10000.
    expect(symbolOf(image!, "limit")).toMatchObject({ value: 0x1f0018n, section: "abs" });
    expect(u64(image!.sections[0]!.data, 0)).toBe(0x1f0018n);
  });

  it("provide _end and __bss_start to a layout that does not assign them", () => {
    const spec = layout(". = 0x200000\n.text : .text\n.bss : .bss\n");
    const a = referencing("_end", "__bss_start");
    a.sections.push(section(".bss", { type: "nobits", write: true, size: 0x40 }));
    const { image } = linkAll([a], { layout: spec });
    expect(symbolOf(image!, "__bss_start").value).toBe(0x200010n);
    expect(symbolOf(image!, "_end").value).toBe(0x200050n);
  });

  it("conflict with an object's strong definition", () => {
    const a = obj("a.o", [text(8)], [sym("_start"), sym("_end", { value: 4n })]);
    const { messages } = linkAll([a]);
    expect(messages).toEqual([
      "E5010 symbol '_end' is assigned by the layout and defined by a.o:(.text+0x4)",
    ]);
  });

  it("override an object's weak definition", () => {
    const a = obj("a.o", [text(8)], [sym("_start"), sym("_end", { value: 4n, binding: "weak" })]);
    const { image, messages } = linkAll([a]);
    expect(messages).toEqual([]);
    expect(image!.symbols.filter((s) => s.name === "_end").map((s) => s.value)).toEqual([
      0x101000n,
    ]);
  });
});
