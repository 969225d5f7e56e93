// Symbol resolution: globals across objects, weak, locals per object, absolute symbols, undefined
// references and duplicate definitions, the entry point.
import { describe, expect, it } from "vitest";
import { R_64 } from "../../../src/obj/index.js";
import { line, linkAll, obj, reloc, section, sym, symbolOf, text, undef } from "./helpers.js";

const BASE = 0x100000n;

function u64(data: Uint8Array, at: number): bigint {
  return new DataView(data.buffer, data.byteOffset).getBigUint64(at, true);
}

/** a.o: _start at 0 and an 8-byte R_64 field at 0 referring to symbol 1 (given). */
function user(target: ReturnType<typeof sym>) {
  return obj("a.o", [text(8, { relocs: [reloc(0, R_64, 1)] })], [sym("_start"), target]);
}

describe("symbol resolution", () => {
  it("resolves a global defined in another object", () => {
    const b = obj("b.o", [text(4)], [sym("foo", { value: 2n })]);
    const { image, messages } = linkAll([user(undef("foo")), b]);
    expect(messages).toEqual([]);
    expect(u64(image!.sections[0]!.data, 0)).toBe(BASE + 8n + 2n);
    expect(symbolOf(image!, "foo").value).toBe(BASE + 10n);
  });

  it("lets a strong definition beat a weak one, whatever the order", () => {
    const weak = obj("w.o", [text(4)], [sym("foo", { binding: "weak", value: 0n })]);
    const strong = obj("s.o", [text(4)], [sym("foo", { value: 1n })]);
    const { image, messages } = linkAll([user(undef("foo")), weak, strong]);
    expect(messages).toEqual([]);
    // w.o's .text at BASE+8, s.o's at BASE+12.
    expect(u64(image!.sections[0]!.data, 0)).toBe(BASE + 13n);
    expect(symbolOf(image!, "foo").binding).toBe("global");
  });

  it("keeps the first of several weak definitions", () => {
    const w1 = obj("w1.o", [text(4)], [sym("foo", { binding: "weak", value: 3n })]);
    const w2 = obj("w2.o", [text(4)], [sym("foo", { binding: "weak", value: 1n })]);
    const { image } = linkAll([user(undef("foo")), w1, w2]);
    expect(u64(image!.sections[0]!.data, 0)).toBe(BASE + 8n + 3n);
    expect(symbolOf(image!, "foo").binding).toBe("weak");
  });

  it("resolves an undefined weak reference to 0 and keeps it undefined", () => {
    const a = obj(
      "a.o",
      [text(8, { data: new Uint8Array(8).fill(0xee), relocs: [reloc(0, R_64, 1, 5n)] })],
      [sym("_start"), undef("maybe", true)],
    );
    const { image, messages } = linkAll([a]);
    expect(messages).toEqual([]);
    expect(u64(image!.sections[0]!.data, 0)).toBe(5n);
    expect(symbolOf(image!, "maybe")).toMatchObject({
      section: "undef",
      binding: "weak",
      value: 0n,
    });
  });

  it("resolves locals within their own object", () => {
    const local = (value: bigint) => sym("helper", { binding: "local", value });
    const a = obj("a.o", [text(8, { relocs: [reloc(0, R_64, 1)] })], [sym("_start"), local(4n)]);
    const b = obj("b.o", [text(8, { relocs: [reloc(0, R_64, 0)] })], [local(6n)]);
    const { image, messages } = linkAll([a, b]);
    expect(messages).toEqual([]);
    const data = image!.sections[0]!.data;
    expect(u64(data, 0)).toBe(BASE + 4n);
    expect(u64(data, 8)).toBe(BASE + 8n + 6n);
    expect(image!.symbols.filter((s) => s.name === "helper").map((s) => s.value)).toEqual([
      BASE + 4n,
      BASE + 14n,
    ]);
  });

  it("uses an absolute symbol's value as it is", () => {
    const k = obj("k.o", [], [sym("KVAL", { section: "abs", value: 0x1234n })]);
    const { image } = linkAll([user(undef("KVAL")), k]);
    expect(u64(image!.sections[0]!.data, 0)).toBe(0x1234n);
    expect(symbolOf(image!, "KVAL")).toMatchObject({ section: "abs", value: 0x1234n });
  });

  it("leaves .L labels and section symbols out of the image", () => {
    const a = obj(
      "a.o",
      [text(8)],
      [
        sym("_start"),
        sym(".Lloop", { binding: "local", value: 2n }),
        sym("\u00011\u00021", { binding: "local" }),
        sym(".text", { binding: "local", type: "section" }),
        sym("kept", { binding: "local", value: 4n }),
      ],
    );
    const { image } = linkAll([a]);
    const names = image!.symbols.map((s) => s.name);
    expect(names).toContain("kept");
    expect(names).not.toContain(".Lloop");
    expect(names).not.toContain(".text");
    expect(names.some((n) => n.includes("\u0001"))).toBe(false);
  });

  it("reports an undefined reference at the source line covering the relocation", () => {
    const a = obj(
      "a.o",
      [text(17, { relocs: [reloc(9, R_64, 1)] })],
      [sym("_start"), undef("missing")],
      [line(0, 0, "a.S", 3), line(0, 8, "a.S", 7, 5), line(0, 12, "a.S", 9)],
    );
    const { image, diags } = linkAll([a]);
    expect(image).toBeUndefined();
    expect(diags.errors).toHaveLength(1);
    expect(diags.errors[0]).toMatchObject({
      code: "E5001",
      message: "a.S:7:5: undefined reference to 'missing' (a.o:(.text+0x9))",
    });
  });

  it("names the object and offset of an undefined reference without a line table", () => {
    const { messages } = linkAll([user(undef("missing"))]);
    expect(messages).toEqual(["E5001 a.o:(.text+0x0): undefined reference to 'missing'"]);
  });

  it("reports the macro expansion chain of an undefined reference as notes", () => {
    const a = obj(
      "a.o",
      [text(8, { relocs: [reloc(0, R_64, 1)] })],
      [sym("_start"), undef("missing")],
      [
        {
          ...line(0, 0, "a.S", 4),
          chain: [{ kind: "gas-macro", name: "PUSH", file: "a.S", line: 20, col: 2 }],
        },
      ],
    );
    const { diags } = linkAll([a]);
    expect(diags.errors[0]!.notes).toEqual([
      { message: "in expansion of gas-macro 'PUSH' at a.S:20:2" },
    ]);
  });

  it("ignores an undefined global nothing refers to", () => {
    const a = obj("a.o", [text(4)], [sym("_start"), undef("unused")]);
    const { image, messages } = linkAll([a]);
    expect(messages).toEqual([]);
    expect(image!.symbols.map((s) => s.name)).not.toContain("unused");
  });

  it("reports two strong definitions, naming both files and lines", () => {
    const a = obj(
      "a.o",
      [text(4)],
      [sym("_start"), sym("dup", { value: 2n })],
      [line(0, 0, "a.S", 10)],
    );
    const b = obj("b.o", [text(4)], [sym("dup")], [line(0, 0, "b.S", 4, 2)]);
    const { image, diags } = linkAll([a, b]);
    expect(image).toBeUndefined();
    expect(diags.errors).toHaveLength(1);
    expect(diags.errors[0]!.code).toBe("E5002");
    expect(diags.errors[0]!.message).toBe(
      "multiple definition of 'dup': b.o (b.S:4:2) and a.o (a.S:10:1)",
    );
  });

  it("names the sections of two strong definitions without line tables", () => {
    const a = obj("a.o", [text(4)], [sym("_start"), sym("dup", { value: 2n })]);
    const b = obj("b.o", [text(4)], [sym("dup")]);
    expect(linkAll([a, b]).messages).toEqual([
      "E5002 multiple definition of 'dup': b.o:(.text+0x0) and a.o:(.text+0x2)",
    ]);
  });

  it("reports every undefined reference in one run", () => {
    const a = obj(
      "a.o",
      [text(16, { relocs: [reloc(0, R_64, 1), reloc(8, R_64, 2)] })],
      [sym("_start"), undef("one"), undef("two")],
    );
    const { messages } = linkAll([a]);
    expect(messages.map((m) => m.slice(0, 5))).toEqual(["E5001", "E5001"]);
  });

  it("rejects a malformed object with a diagnostic instead of an exception", () => {
    const a = obj(
      "a.o",
      [text(4, { relocs: [reloc(2, R_64, 7)] })],
      [sym("_start", { section: 3 })],
    );
    const { image, messages } = linkAll([a]);
    expect(image).toBeUndefined();
    expect(messages).toEqual([
      "E5006 a.o: symbol '_start' in section 3, which does not exist",
      "E5006 a.o:(.text+0x2): R_64 field runs past the end of .text",
      "E5006 a.o:(.text+0x2): relocation against symbol 7 of 1",
    ]);
  });
});

describe("entry point", () => {
  it("defaults to _start", () => {
    const a = obj("a.o", [text(8)], [sym("_start", { value: 4n })]);
    expect(linkAll([a]).image!.entry).toBe(BASE + 4n);
  });

  it("takes the entry option over the layout's", () => {
    const a = obj("a.o", [text(8)], [sym("_start"), sym("main", { value: 6n })]);
    expect(linkAll([a], { entry: "main" }).image!.entry).toBe(BASE + 6n);
  });

  it("is an error when the entry symbol is missing", () => {
    const a = obj("a.o", [text(8)], [sym("start")]);
    const { image, messages } = linkAll([a]);
    expect(image).toBeUndefined();
    expect(messages).toEqual([
      "E5004 entry symbol '_start' is not defined (is it declared .globl?)",
    ]);
  });

  it("is not taken from a local symbol", () => {
    const a = obj("a.o", [text(8)], [sym("_start", { binding: "local" })]);
    expect(linkAll([a]).messages[0]).toMatch(/^E5004/);
  });

  it("warns when the entry point is not in executable code", () => {
    const a = obj("a.o", [section(".data", { write: true, size: 8 })], [sym("_start")]);
    const { image, messages } = linkAll([a]);
    expect(image).toBeDefined();
    expect(messages).toEqual(["W5001 entry symbol '_start' is in .data, which is not executable"]);
  });
});
