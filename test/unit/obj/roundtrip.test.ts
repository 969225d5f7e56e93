import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import {
  type LineEntry,
  type ObjectFile,
  R_64,
  lineTableLookup,
  lineTableLookupAddr,
  readObject,
  sortLines,
  writeObject,
} from "../../../src/obj/index.js";
import { KERNEL_BASE, richImage, richObject } from "./fixtures.js";

function roundTrip(obj: ObjectFile): ObjectFile {
  const diags = new DiagnosticBag();
  const back = readObject(writeObject(obj), obj.name, diags);
  expect(diags.items).toEqual([]);
  expect(back).toBeDefined();
  return back!;
}

/** What the reader gives back: lines in (section, offset) order. */
function expected(obj: ObjectFile): ObjectFile {
  return { ...obj, lines: sortLines(obj.lines) };
}

describe("write → read round trip", () => {
  it("keeps every field of a relocatable object", () => {
    const obj = richObject();
    expect(roundTrip(obj)).toEqual(expected(obj));
  });

  it("keeps every field of an image, segments included", () => {
    const img = richImage();
    expect(roundTrip(img)).toEqual(expected(img));
  });

  it("shares the bytes of sections that lie inside a segment", () => {
    const img = richImage();
    const view = new DataView(writeObject(img).buffer);
    const shoff = Number(view.getBigUint64(40, true));
    const sectionOffset = (i: number) => Number(view.getBigUint64(shoff + (i + 1) * 64 + 24, true));
    const segmentOffset = (i: number) => Number(view.getBigUint64(64 + i * 56 + 8, true));
    expect(sectionOffset(0)).toBe(segmentOffset(0));
    expect(sectionOffset(1)).toBe(segmentOffset(0) + 0x40);
    expect(sectionOffset(2)).toBe(segmentOffset(1));
  });

  it("writes a section on its own when a segment holds different bytes", () => {
    const img = richImage();
    img.sections[0]!.data = img.sections[0]!.data.map((b) => b ^ 0xff);
    expect(roundTrip(img)).toEqual(expected(img));
  });

  it("places segment bytes at file offsets congruent to their addresses", () => {
    const img = richImage();
    img.segments[1]!.vaddr = KERNEL_BASE + 0x1234n;
    img.segments[1]!.paddr = 0x1001234n;
    img.sections[2]!.addr = KERNEL_BASE + 0x1234n;
    img.sections[3]!.addr = KERNEL_BASE + 0x3000n;
    const bytes = writeObject(img);
    const view = new DataView(bytes.buffer);
    const offset = Number(view.getBigUint64(64 + 56 + 8, true));
    expect(offset % 0x1000).toBe(0x234);
    expect(roundTrip(img)).toEqual(expected(img));
  });

  it("moves local symbols first and renumbers relocations", () => {
    const obj = richObject();
    const targets = (o: ObjectFile) =>
      o.sections.map((s) => s.relocs.map((r) => o.symbols[r.symbol]!.name));
    const before = targets(obj);
    // Move the first global (index 5) in front of the locals and renumber the relocations.
    obj.symbols.unshift(...obj.symbols.splice(5, 1));
    const moved = (i: number) => (i === 5 ? 0 : i < 5 ? i + 1 : i);
    for (const s of obj.sections) for (const r of s.relocs) r.symbol = moved(r.symbol);
    expect(targets(obj)).toEqual(before);
    const back = roundTrip(obj);
    expect(back.symbols.map((s) => s.name)).toEqual(richObject().symbols.map((s) => s.name));
    expect(targets(back)).toEqual(before);
  });

  it("names section symbols after their section", () => {
    const obj = richObject();
    obj.symbols[0]!.name = "ignored";
    expect(roundTrip(obj).symbols[0]!.name).toBe(".text");
  });

  it("round-trips an empty object", () => {
    const empty: ObjectFile = {
      kind: "rel",
      name: "empty.o",
      sections: [],
      symbols: [],
      lines: [],
      entry: 0n,
      segments: [],
    };
    expect(roundTrip(empty)).toEqual(empty);
  });

  it("keeps 64-bit values and negative addends", () => {
    const obj = richObject();
    obj.symbols[3]!.value = 0xffff_ffff_ffff_fff0n;
    obj.symbols[5]!.size = 0x1_0000_0000n;
    obj.sections[1]!.relocs[0] = {
      offset: 8,
      type: R_64,
      symbol: 5,
      addend: -0x8000_0000_0000_0000n,
    };
    expect(roundTrip(obj)).toEqual(expected(obj));
  });
});

describe("line table", () => {
  it("stores a large table compactly and reads it back", () => {
    const count = 20_000;
    const macro = {
      kind: "gas-macro",
      name: "PUSH_REGS",
      file: "calling.h",
      line: 10,
      col: 1,
    } as const;
    const lines: LineEntry[] = Array.from({ length: count }, (_, i) => ({
      section: 0,
      offset: i * 6,
      file: i % 3 === 0 ? "calling.h" : "entry_64.S",
      line: 100 + (i % 500),
      col: 5,
      chain: i % 3 === 0 ? [macro] : [],
    }));
    const obj = richObject();
    obj.sections[0]!.data = new Uint8Array(count * 6);
    obj.sections[0]!.size = count * 6;
    obj.lines = lines;
    const withLines = writeObject(obj).length;
    const withoutLines = writeObject({ ...obj, lines: [] }).length;
    // Delta-coded LEB128 entries: about six bytes each, far below a fixed 24-byte record.
    expect(withLines - withoutLines).toBeLessThan(count * 8);
    const back = roundTrip(obj);
    expect(back.lines).toEqual(lines);
    // Entries from the same macro share one decoded chain.
    expect(back.lines[0]!.chain).toBe(back.lines[3]!.chain);
  });

  it("de-duplicates shared chain suffixes", () => {
    const include = {
      kind: "include",
      name: "calling.h",
      file: "entry_64.S",
      line: 3,
      col: 1,
    } as const;
    const chains = ["A", "B", "C", "D"].map((name) => [
      { kind: "cpp-macro", name, file: "calling.h", line: 1, col: 1 } as const,
      include,
    ]);
    const obj = richObject();
    obj.lines = chains.map((chain, i) => ({
      section: 0,
      offset: i * 4,
      file: "x.S",
      line: 1,
      col: 1,
      chain,
    }));
    const back = roundTrip(obj);
    expect(back.lines.map((l) => l.chain)).toEqual(chains);
  });

  it("finds the entry at or before an offset", () => {
    const obj = roundTrip(richObject());
    expect(lineTableLookup(obj, 0, 0)?.line).toBe(88);
    expect(lineTableLookup(obj, 0, 7)?.line).toBe(88);
    expect(lineTableLookup(obj, 0, 8)?.chain.map((s) => s.name)).toEqual([
      "SWITCH_TO_KERNEL_CR3",
      "calling.h",
    ]);
    expect(lineTableLookup(obj, 0, 47)?.line).toBe(12);
    expect(lineTableLookup(obj, 4, 3)?.line).toBe(95);
    expect(lineTableLookup(obj, 1, 0)).toBeUndefined();
    expect(lineTableLookup(obj, 5, 0)).toBeUndefined();
  });

  it("finds the entry of an image address", () => {
    const img = roundTrip(richImage());
    expect(lineTableLookupAddr(img, KERNEL_BASE + 9n)?.line).toBe(11);
    expect(lineTableLookupAddr(img, KERNEL_BASE + 0x1000n)).toBeUndefined();
    expect(lineTableLookupAddr(img, 0n)).toBeUndefined();
  });
});
