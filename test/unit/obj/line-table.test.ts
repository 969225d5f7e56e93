// The packed line table (src/obj/line-table.ts) and its encoder: the bytes equal those of a
// plain reference encoder of docs/object-format.md's layout, whatever order the table was filled
// in; LineEntry objects are made only when `lines` is read, and the writer follows any change.
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import {
  type LineEntry,
  type LineSite,
  LineTable,
  readObject,
  sortLines,
  withLineTable,
  writeObject,
} from "../../../src/obj/index.js";
import { encodeLineTable, decodeLines } from "../../../src/obj/lines.js";
import { SITE_KINDS } from "../../../src/obj/line-table.js";
import { richObject } from "./fixtures.js";

/** The format as docs/object-format.md states it, written the simplest way. */
function referenceEncode(entries: readonly LineEntry[], elfIndex: (s: number) => number) {
  const lines = sortLines(entries);
  const out: number[] = [];
  const uleb = (v: number) => {
    for (; v >= 0x80; v = Math.floor(v / 0x80)) out.push((v % 0x80) | 0x80);
    out.push(v);
  };
  const sleb = (v: number) => {
    for (;;) {
      const byte = ((v % 0x80) + 0x80) % 0x80;
      v = Math.floor(v / 0x80);
      const done = (v === 0 && !(byte & 0x40)) || (v === -1 && !!(byte & 0x40));
      out.push(done ? byte : byte | 0x80);
      if (done) return;
    }
  };
  const u32 = (v: number) => out.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
  const strings: string[] = [];
  const str = (s: string) => (strings.includes(s) ? strings.indexOf(s) : strings.push(s) - 1);
  const rows: number[][] = [];
  const keys: string[] = [];
  const chainRef = (chain: readonly LineSite[]) => {
    let parent = 0;
    for (const site of [...chain].reverse()) {
      const row = [SITE_KINDS.indexOf(site.kind), str(site.name), str(site.file)];
      row.push(site.line, site.col, parent);
      const key = row.join();
      if (!keys.includes(key)) keys.push(key) && rows.push(row);
      parent = keys.indexOf(key) + 1;
    }
    return parent;
  };
  const refs = lines.map((e) => chainRef(e.chain));
  const files = lines.map((e) => str(e.file));
  u32(0x544c4c45);
  out.push(1, 0, 24, 0);
  [strings.length, rows.length, lines.length, 0].forEach(u32);
  for (const s of strings) {
    const b = new TextEncoder().encode(s);
    uleb(b.length);
    out.push(...b);
  }
  for (const row of rows) row.forEach(uleb);
  let [section, offset, line] = [0, 0, 0];
  lines.forEach((e, i) => {
    const sec = elfIndex(e.section);
    uleb(sec - section);
    uleb(sec === section ? e.offset - offset : e.offset);
    uleb(files[i]!);
    sleb(e.line - line);
    uleb(e.col);
    uleb(refs[i]!);
    [section, offset, line] = [sec, e.offset, e.line];
  });
  return Uint8Array.from(out);
}

const macro = (name: string, line: number): LineSite => ({
  kind: "gas-macro",
  name,
  file: "calling.h",
  line,
  col: 2,
});
const include: LineSite = { kind: "include", name: "calling.h", file: "entry_64.S", line: 3, col: 1 }; // prettier-ignore
const irp: LineSite = { kind: "irp", name: "irp", file: "ñandú.S", line: 9, col: 4 };

/** Entries over three sections, out of order, with shared and distinct chains. */
function sampleEntries(): LineEntry[] {
  const chains: LineSite[][] = [[], [macro("PUSH", 10), include], [irp], [macro("POP", 20), include]]; // prettier-ignore
  const out: LineEntry[] = [];
  for (let i = 0; i < 60; i++) {
    const chain = chains[(i * 7) % chains.length]!;
    out.push({
      section: (i * 5) % 3,
      offset: ((i * 37) % 50) * 3,
      file: chain.length > 0 ? chain[0]!.file : i % 2 ? "entry_64.S" : "ñandú.S",
      line: 1 + ((i * 13) % 40),
      col: 1 + (i % 9),
      chain: chain.length > 0 ? [...chain] : chain,
    });
  }
  return out;
}

const elfIndex = (s: number) => s + 1;

describe("LineTable", () => {
  it("gives back the entries it was packed from, one chain array per distinct chain", () => {
    const entries = sampleEntries();
    const back = LineTable.fromEntries(entries).entries();
    expect(back).toEqual(entries);
    const pushChains = back.filter((e) => e.chain[0]?.name === "PUSH").map((e) => e.chain);
    expect(pushChains.length).toBeGreaterThan(1);
    expect(new Set(pushChains).size).toBe(1);
  });

  it("stores equal sites and chains once", () => {
    const t = new LineTable();
    const a = t.chainRef([macro("PUSH", 10), include]);
    const b = t.chainRef([{ ...macro("PUSH", 10) }, { ...include }]);
    const c = t.chainRef([macro("POP", 20), include]);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
    expect(t.siteCount).toBe(3); // include, PUSH, POP
    expect(t.chainRef([])).toBe(0);
  });

  it("refuses numbers the on-disk table cannot hold", () => {
    const e: LineEntry = { section: 0, offset: 0, file: "a.s", line: 1, col: 1, chain: [] };
    expect(() => LineTable.fromEntries([{ ...e, line: -1 }])).toThrow(/internal: .*line -1/);
    expect(() => LineTable.fromEntries([{ ...e, offset: 2 ** 32 }])).toThrow(/offset/);
    expect(() => LineTable.fromEntries([{ ...e, col: 1.5 }])).toThrow(/column/);
  });

  it("grows past its first capacity", () => {
    const t = new LineTable(1);
    for (let i = 0; i < 100; i++) t.push(0, i, t.string("a.s"), i + 1, 1, 0);
    expect(t.entries().map((e) => e.line)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});

describe("encodeLineTable", () => {
  it("writes exactly the reference encoding of the sorted entries", () => {
    const entries = sampleEntries();
    const bytes = encodeLineTable(LineTable.fromEntries(entries), elfIndex);
    expect(bytes).toEqual(referenceEncode(entries, elfIndex));
  });

  it("does not depend on the order the table was filled in", () => {
    const entries = sampleEntries();
    const sorted = encodeLineTable(LineTable.fromEntries(sortLines(entries)), elfIndex);
    const reversed = encodeLineTable(LineTable.fromEntries([...entries].reverse()), elfIndex);
    expect(sorted).toEqual(encodeLineTable(LineTable.fromEntries(entries), elfIndex));
    // Reversed, equal (section, offset) pairs swap: compare with the reference of that order.
    expect(reversed).toEqual(referenceEncode([...entries].reverse(), elfIndex));
  });

  it("keeps entries at one offset in their order", () => {
    const e = (line: number): LineEntry => ({ section: 1, offset: 4, file: "a.s", line, col: 1, chain: [] }); // prettier-ignore
    const first: LineEntry = { section: 1, offset: 8, file: "a.s", line: 9, col: 1, chain: [] };
    const decoded = decodeLines(
      encodeLineTable(LineTable.fromEntries([first, e(5), e(3), e(4)]), elfIndex),
    );
    expect(typeof decoded === "string" ? decoded : decoded.map((d) => d.line)).toEqual([5, 3, 4, 9]); // prettier-ignore
  });

  it("encodes 32-bit offsets and line jumps beyond 31 bits", () => {
    const big = 2 ** 32 - 1;
    const entries: LineEntry[] = [
      { section: 0, offset: 3, file: "a.s", line: big, col: big, chain: [] },
      { section: 0, offset: big, file: "a.s", line: 0, col: 1, chain: [] },
      { section: 2, offset: 2 ** 31, file: "a.s", line: 2 ** 31 + 5, col: 1, chain: [] },
    ];
    const bytes = encodeLineTable(LineTable.fromEntries(entries), elfIndex);
    expect(bytes).toEqual(referenceEncode(entries, elfIndex));
    const decoded = decodeLines(bytes);
    expect(typeof decoded === "string" ? decoded : decoded.map((d) => [d.offset, d.line])).toEqual([
      [3, big],
      [big, 0],
      [2 ** 31, 2 ** 31 + 5],
    ]);
  });
});

describe("an ObjectFile made with withLineTable", () => {
  const packed = () => {
    const { lines, ...rest } = richObject();
    return { obj: withLineTable(rest, LineTable.fromEntries(lines)), lines };
  };

  it("writes the same bytes as the same object with plain entries", () => {
    const { obj } = packed();
    expect(writeObject(obj)).toEqual(writeObject(richObject()));
  });

  it("makes LineEntry objects once, when `lines` is read, and the writer follows changes", () => {
    const { obj, lines } = packed();
    expect(obj.lines).toEqual(lines);
    expect(obj.lines).toBe(obj.lines);
    obj.lines[0]!.line = 4242;
    const diags = new DiagnosticBag();
    const back = readObject(writeObject(obj), "x.o", diags);
    expect(back?.lines.map((l) => l.line)).toContain(4242);
  });

  it("takes an assigned `lines` as the table", () => {
    const { obj } = packed();
    obj.lines = [];
    expect(writeObject(obj)).toEqual(writeObject({ ...richObject(), lines: [] }));
  });

  it("copies as an ordinary object, `lines` included", () => {
    const { obj, lines } = packed();
    const copy = { ...obj };
    expect(Object.getOwnPropertyDescriptor(copy, "lines")?.value).toEqual(lines);
    expect(Object.keys(copy)).toEqual(Object.keys(richObject()));
  });
});
