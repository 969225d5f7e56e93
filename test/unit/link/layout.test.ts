// Section placement: the flat64 default (addresses, 4 KiB alignment, one PT_LOAD per output
// section, .bss), input order and alignment, orphans, dropped and kept sections, custom layouts
// with `at`, and layout errors found while placing.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, renderDiagnostics, SourceManager } from "../../../src/diag/index.js";
import { parseLayout, type LayoutSpec } from "../../../src/link/index.js";
import { R_64, type ObjectFile } from "../../../src/obj/index.js";
import { linkAll, obj, reloc, section, sym, symbolOf, text } from "./helpers.js";

const MIB = 0x100000n;
const PAGE = 0x1000n;

function layout(src: string, sources = new SourceManager()): LayoutSpec {
  const diags = new DiagnosticBag();
  const file = sources.add("test.ld", src);
  const spec = parseLayout(src, { diags, file: file.id });
  expect(diags.items).toEqual([]);
  return spec!;
}

function summary(image: ObjectFile) {
  return image.sections.map((s) => `${s.name} ${s.addr.toString(16)} ${s.size} ${s.type}`);
}

function allKinds(): ObjectFile {
  return obj(
    "a.o",
    [
      text(0x10),
      section(".rodata", { size: 5 }),
      section(".data", { write: true, size: 3, align: 8 }),
      section(".bss", { type: "nobits", write: true, size: 0x2345, align: 32 }),
    ],
    [sym("_start")],
  );
}

describe("the flat64 layout", () => {
  it("places text, rodata, data and bss on their own pages from 1 MiB", () => {
    const { image } = linkAll([allKinds()]);
    expect(summary(image!)).toEqual([
      ".text 100000 16 progbits",
      ".rodata 101000 5 progbits",
      ".data 102000 3 progbits",
      ".bss 103000 9029 nobits",
    ]);
  });

  it("makes one PT_LOAD per output section with its permissions, bss as memsz > filesz", () => {
    const { image } = linkAll([allKinds()]);
    const segs = image!.segments.map((s) => ({
      vaddr: s.vaddr,
      paddr: s.paddr,
      file: s.data.length,
      mem: s.memSize,
      flags: `${s.read ? "R" : "-"}${s.write ? "W" : "-"}${s.exec ? "X" : "-"}`,
      align: s.align,
    }));
    expect(segs).toEqual([
      { vaddr: MIB, paddr: MIB, file: 16, mem: 16n, flags: "R-X", align: PAGE },
      { vaddr: MIB + PAGE, paddr: MIB + PAGE, file: 5, mem: 5n, flags: "R--", align: PAGE },
      {
        vaddr: MIB + 2n * PAGE,
        paddr: MIB + 2n * PAGE,
        file: 3,
        mem: 3n,
        flags: "RW-",
        align: PAGE,
      },
      {
        vaddr: MIB + 3n * PAGE,
        paddr: MIB + 3n * PAGE,
        file: 0,
        mem: 0x2345n,
        flags: "RW-",
        align: PAGE,
      },
    ]);
  });

  it("concatenates input sections in command-line order, each at its alignment", () => {
    const a = obj("a.o", [text(3, { data: new Uint8Array([1, 2, 3]) })], [sym("_start")]);
    const b = obj(
      "b.o",
      [text(2, { align: 16, data: new Uint8Array([4, 5]) })],
      [sym("b", { value: 1n })],
    );
    const c = obj("c.o", [section(".text.hot", { exec: true, data: new Uint8Array([6]) })], []);
    const { image } = linkAll([a, b, c]);
    const t = image!.sections[0]!;
    expect(t.align).toBe(16);
    expect([...t.data]).toEqual([1, 2, 3, ...new Array(13).fill(0), 4, 5, 6]);
    expect(symbolOf(image!, "b").value).toBe(MIB + 17n);
  });

  it("matches globs such as .rodata.*", () => {
    const a = obj("a.o", [text(1), section(".rodata.str1.1", { size: 4 })], [sym("_start")]);
    expect(summary(linkAll([a]).image!)).toEqual([
      ".text 100000 1 progbits",
      ".rodata 101000 4 progbits",
    ]);
  });

  it("drops empty output sections but keeps labels in empty inputs", () => {
    const a = obj(
      "a.o",
      [text(4), section(".data", { write: true })],
      [sym("_start"), sym("edata", { section: 1 })],
    );
    const { image } = linkAll([a]);
    expect(image!.sections.map((s) => s.name)).toEqual([".text"]);
    expect(symbolOf(image!, "edata").section).toBe("abs");
  });

  it("fills the nobits part of a mixed output section with zeros", () => {
    const a = obj(
      "a.o",
      [
        text(1),
        section(".data", { write: true, data: new Uint8Array([9]) }),
        section(".data.z", { type: "nobits", write: true, size: 3 }),
      ],
      [sym("_start")],
    );
    const d = linkAll([a]).image!.sections[1]!;
    expect(d.type).toBe("progbits");
    expect([...d.data]).toEqual([9, 0, 0, 0]);
  });
});

describe("orphan sections", () => {
  it("places each orphan page-aligned after the last output section of its kind", () => {
    const a = obj(
      "a.o",
      [
        text(1),
        section(".data", { write: true, size: 1 }),
        section(".bss", { type: "nobits", write: true, size: 1 }),
        section(".rodata", { size: 1 }),
        section(".init.text", { exec: true, size: 2 }),
        section(".ro_after", { size: 2 }),
        section("my_data", { write: true, size: 2 }),
        section(".sbss", { type: "nobits", write: true, size: 2 }),
      ],
      [sym("_start")],
    );
    expect(summary(linkAll([a]).image!)).toEqual([
      ".text 100000 1 progbits",
      ".init.text 101000 2 progbits",
      ".rodata 102000 1 progbits",
      ".ro_after 103000 2 progbits",
      ".data 104000 1 progbits",
      "my_data 105000 2 progbits",
      ".bss 106000 1 nobits",
      ".sbss 107000 2 nobits",
    ]);
  });

  it("falls back to a related kind, then to the end", () => {
    const spec = layout(". = 0x200000\n.text : .text\n");
    const a = obj(
      "a.o",
      [
        text(1),
        section(".rodata", { size: 1 }),
        section(".bss", { type: "nobits", write: true, size: 1 }),
      ],
      [sym("_start")],
    );
    expect(summary(linkAll([a], { layout: spec }).image!)).toEqual([
      ".text 200000 1 progbits",
      ".rodata 201000 1 progbits",
      ".bss 202000 1 nobits",
    ]);
  });

  it("merges an orphan into the end of the layout's output section of the same name", () => {
    const spec = layout(". = 0x200000\n.text : .text.*\n");
    const a = obj("a.o", [text(3)], [sym("_start")]);
    const b = obj("b.o", [section(".text.x", { exec: true, size: 2 })], []);
    const { image } = linkAll([a, b], { layout: spec });
    expect(summary(image!)).toEqual([".text 200000 5 progbits"]);
    // a.o's .text is the orphan: it follows b.o's .text.x.
    expect(image!.entry).toBe(0x200002n);
  });
});

describe("dropped and kept sections", () => {
  it("drops non-alloc sections and the symbols in them", () => {
    const a = obj(
      "a.o",
      [text(1), section(".comment", { alloc: false, size: 8 })],
      [sym("_start"), sym("note", { section: 1 })],
    );
    const { image } = linkAll([a]);
    expect(image!.sections.map((s) => s.name)).toEqual([".text"]);
    expect(image!.symbols.map((s) => s.name)).not.toContain("note");
  });

  it("reports a reference to a symbol in a dropped section", () => {
    const a = obj(
      "a.o",
      [text(8, { relocs: [reloc(0, R_64, 1)] }), section(".debug_x", { alloc: false, size: 8 })],
      [sym("_start"), sym("dbg", { section: 1 })],
    );
    expect(linkAll([a]).messages).toEqual([
      "E5005 a.o:(.text+0x0): 'dbg' is in section .debug_x, which the layout discards",
    ]);
  });

  it("keeps the alternatives tables, even when marked non-alloc", () => {
    const a = obj(
      "a.o",
      [
        text(4),
        section(".altinstructions", { alloc: false, size: 12 }),
        section(".altinstr_replacement", { exec: true, size: 3 }),
      ],
      [sym("_start")],
    );
    const { image } = linkAll([a]);
    expect(summary(image!)).toEqual([
      ".text 100000 4 progbits",
      ".altinstr_replacement 101000 3 progbits",
      ".altinstructions 102000 12 progbits",
    ]);
    expect(symbolOf(image!, "__alt_instructions").value).toBe(0x102000n);
    expect(symbolOf(image!, "__alt_instructions_end").value).toBe(0x10200cn);
  });
});

describe("custom layouts", () => {
  const HIGHER_HALF = [
    "entry startup_64",
    ". = 0xffffffff81000000",
    "at 0x1000000",
    ".text : .text",
    "align 2M",
    ".data : .data",
  ].join("\n");

  it("links a higher-half image with physical addresses from `at`", () => {
    const a = obj(
      "a.o",
      [text(4), section(".data", { write: true, size: 4 })],
      [sym("startup_64", { value: 2n })],
    );
    const { image, messages } = linkAll([a], { layout: layout(HIGHER_HALF) });
    expect(messages).toEqual([]);
    expect(image!.entry).toBe(0xffffffff81000002n);
    expect(image!.segments.map((s) => [s.vaddr, s.paddr])).toEqual([
      [0xffffffff81000000n, 0x1000000n],
      [0xffffffff81200000n, 0x1200000n],
    ]);
  });

  it("reports a location counter moved backwards at the layout line", () => {
    const sources = new SourceManager();
    const spec = layout(". = 0x200000\n.text : .text\n. = 0x100000\n", sources);
    const a = obj("a.o", [text(4)], [sym("_start")]);
    const { image, diags } = linkAll([a], { layout: spec });
    expect(image).toBeUndefined();
    expect(renderDiagnostics(diags.items, sources)).toContain(
      "test.ld:3:1: error[E5007]: location counter moved backwards from 0x200004 to 0x100000",
    );
  });

  it("reports output sections that overlap in physical memory", () => {
    const spec = layout(". = 0x200000\n.text : .text\nat 0x200000\n.data : .data\n");
    const a = obj("a.o", [text(0x20), section(".data", { write: true, size: 4 })], [sym("_start")]);
    expect(linkAll([a], { layout: spec }).messages).toEqual([
      "E5009 output sections .text and .data overlap in physical memory (0x200000+0x20 and 0x200000)",
    ]);
  });

  it("reports addresses past the 64-bit address space", () => {
    const spec = layout(". = 0xfffffffffffffff0\n.text : .text\n");
    const a = obj("a.o", [text(0x20)], [sym("_start")]);
    expect(linkAll([a], { layout: spec }).messages[0]).toMatch(
      /^E5008 .*outside the 64-bit address space/,
    );
  });
});
