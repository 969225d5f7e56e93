// The reader's validation: every broken field is a diagnostic with the right code, never a throw.
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import { type ObjectFile, readObject, writeObject } from "../../../src/obj/index.js";
import { KERNEL_BASE, richImage, richObject } from "./fixtures.js";

interface Result {
  obj: ObjectFile | undefined;
  codes: string[];
  messages: string[];
}

function read(bytes: Uint8Array): Result {
  const diags = new DiagnosticBag();
  const obj = readObject(bytes, "bad.o", diags);
  return {
    obj,
    codes: diags.items.map((d) => d.code),
    messages: diags.items.map((d) => d.message),
  };
}

/** Read, expecting a rejection with `code` (and a message containing `text`, if given). */
function rejects(bytes: Uint8Array, code: string, text?: string): void {
  const r = read(bytes);
  expect(r.obj).toBeUndefined();
  expect(r.codes).toContain(code);
  if (text !== undefined) expect(r.messages.join("\n")).toContain(text);
  for (const m of r.messages) expect(m.startsWith("bad.o: ")).toBe(true);
}

/** A copy of the bytes with `edit` applied through a DataView. */
function patched(bytes: Uint8Array, edit: (v: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

const LE = true;

/** Byte offset of the section header named `name` (found through .shstrtab, as a reader would). */
function shdrOf(bytes: Uint8Array, name: string): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  const shoff = Number(v.getBigUint64(40, LE));
  const shnum = v.getUint16(60, LE);
  const strOff = Number(v.getBigUint64(shoff + v.getUint16(62, LE) * 64 + 24, LE));
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * 64;
    const start = strOff + v.getUint32(at, LE);
    const end = bytes.indexOf(0, start);
    if (new TextDecoder().decode(bytes.subarray(start, end)) === name) return at;
  }
  throw new Error(`no section ${name}`);
}

/** Byte offset of the first record of a table section (symtab, rela). */
function contentsOf(bytes: Uint8Array, name: string): number {
  const v = new DataView(bytes.buffer, bytes.byteOffset);
  return Number(v.getBigUint64(shdrOf(bytes, name) + 24, LE));
}

const object = writeObject(richObject());

describe("readObject accepts", () => {
  it("a valid object and image with no diagnostics", () => {
    expect(read(object).codes).toEqual([]);
    expect(read(writeObject(richImage())).codes).toEqual([]);
  });

  it("an entry point in a non-executable segment, with a warning", () => {
    const img = richImage();
    img.entry = KERNEL_BASE + 0x1008n;
    const r = read(writeObject(img));
    expect(r.obj).toBeDefined();
    expect(r.codes).toEqual(["W4001"]);
  });
});

describe("readObject rejects the header", () => {
  it("truncated at every length, each with a diagnostic and no exception", () => {
    const small = writeObject({ ...richObject(), lines: [] });
    for (let len = 0; len < small.length; len++) {
      const r = read(small.subarray(0, len));
      expect(r.obj, `length ${len}`).toBeUndefined();
      expect(r.codes.length, `length ${len}`).toBeGreaterThan(0);
      expect(r.codes).not.toContain("E4099");
    }
    expect(read(object.subarray(0, 10)).codes).toEqual(["E4001"]);
  });

  it("bad magic", () => {
    rejects(
      patched(object, (v) => v.setUint8(1, 0x46)),
      "E4002",
      "not an ELF file",
    );
    rejects(new TextEncoder().encode("#!/bin/sh\necho hello\n"), "E4002");
  });

  it("ELFCLASS32", () =>
    rejects(
      patched(object, (v) => v.setUint8(4, 1)),
      "E4003",
      "ELFCLASS32",
    ));

  it("big-endian", () =>
    rejects(
      patched(object, (v) => v.setUint8(5, 2)),
      "E4004",
      "big-endian",
    ));

  it("a wrong identification version or e_version", () => {
    rejects(
      patched(object, (v) => v.setUint8(6, 2)),
      "E4005",
    );
    rejects(
      patched(object, (v) => v.setUint32(20, 2, LE)),
      "E4005",
      "e_version is 2",
    );
  });

  it("an OS ABI other than NONE", () =>
    rejects(
      patched(object, (v) => v.setUint8(7, 3)),
      "E4006",
    ));

  it("a shared object", () =>
    rejects(
      patched(object, (v) => v.setUint16(16, 3, LE)),
      "E4007",
      "ET_DYN",
    ));

  it("an x86-64 object, naming the machine", () => {
    rejects(
      patched(object, (v) => v.setUint16(18, 62, LE)),
      "E4008",
      "x86-64 object, not an entrylab object",
    );
    rejects(
      patched(object, (v) => v.setUint16(18, 0x1234, LE)),
      "E4008",
      "machine 4660",
    );
  });

  it("another bytecode version", () => {
    rejects(
      patched(object, (v) => v.setUint32(48, 99, LE)),
      "E4009",
      "bytecode version 99",
    );
  });

  it("wrong header sizes", () => {
    rejects(
      patched(object, (v) => v.setUint16(52, 52, LE)),
      "E4010",
      "e_ehsize",
    );
    rejects(
      patched(object, (v) => v.setUint16(58, 40, LE)),
      "E4010",
      "e_shentsize",
    );
    const image = writeObject(richImage());
    rejects(
      patched(image, (v) => v.setUint16(54, 32, LE)),
      "E4010",
      "e_phentsize",
    );
  });

  it("section and program header tables past the end", () => {
    rejects(
      patched(object, (v) => v.setBigUint64(40, BigInt(object.length - 64), LE)),
      "E4011",
    );
    rejects(
      patched(object, (v) => v.setBigUint64(40, 0xffff_ffff_ffff_ff00n, LE)),
      "E4011",
    );
    const image = writeObject(richImage());
    rejects(
      patched(image, (v) => v.setUint16(56, 1000, LE)),
      "E4011",
      "program header table",
    );
  });

  it("e_shstrndx out of range or not a string table", () => {
    rejects(
      patched(object, (v) => v.setUint16(62, 200, LE)),
      "E4014",
    );
    rejects(
      patched(object, (v) => v.setUint16(62, 1, LE)),
      "E4013",
      "not a string table",
    );
  });

  it("program headers in a relocatable object", () => {
    rejects(
      patched(object, (v) => v.setUint16(56, 1, LE)),
      "E4023",
    );
  });
});

describe("readObject rejects sections", () => {
  it("section contents past the end of the file", () => {
    const text = shdrOf(object, ".text");
    rejects(
      patched(object, (v) => v.setBigUint64(text + 24, BigInt(object.length), LE)),
      "E4012",
      ".text",
    );
    rejects(
      patched(object, (v) => v.setBigUint64(text + 32, 1n << 62n, LE)),
      "E4012",
    );
  });

  it("a bad section name index", () => {
    const text = shdrOf(object, ".text");
    rejects(
      patched(object, (v) => v.setUint32(text, 0x10000, LE)),
      "E4013",
      "string index 65536",
    );
  });

  it("a non-zero null section header", () => {
    const shoff = Number(new DataView(object.buffer).getBigUint64(40, LE));
    rejects(
      patched(object, (v) => v.setUint32(shoff + 4, 1, LE)),
      "E4010",
      "null section",
    );
  });

  it("an unsupported section type or flag", () => {
    const data = shdrOf(object, ".data");
    rejects(
      patched(object, (v) => v.setUint32(data + 4, 0x11, LE)),
      "E4015",
      "0x11",
    );
    rejects(
      patched(object, (v) => v.setUint32(data + 4, 9, LE)),
      "E4015",
      "SHT_REL",
    );
    rejects(
      patched(object, (v) => v.setBigUint64(data + 8, 0x400n, LE)),
      "E4015",
      "flags",
    );
  });

  it("an alignment that is not a power of two", () => {
    rejects(
      patched(object, (v) => v.setBigUint64(shdrOf(object, ".text") + 48, 12n, LE)),
      "E4026",
    );
  });
});

describe("readObject rejects symbols", () => {
  const symtab = contentsOf(object, ".symtab");
  // Symbol 1 is the .text section symbol, 6 the first global (richObject's locals come first).

  it("a bad symbol name index", () => {
    rejects(
      patched(object, (v) => v.setUint32(symtab + 6 * 24, 0xffffff, LE)),
      "E4013",
      "symbol 6",
    );
  });

  it("a section index that is not a code or data section", () => {
    const symtabIndex = (shdrOf(object, ".symtab") - shdrOf(object, "")) / 64;
    rejects(
      patched(object, (v) => v.setUint16(symtab + 6 * 24 + 6, symtabIndex, LE)),
      "E4014",
    );
    rejects(
      patched(object, (v) => v.setUint16(symtab + 6 * 24 + 6, 300, LE)),
      "E4014",
      "past the",
    );
    rejects(
      patched(object, (v) => v.setUint16(symtab + 6 * 24 + 6, 0xfff2, LE)),
      "E4017",
      "SHN_COMMON",
    );
  });

  it("an unknown binding, type or visibility", () => {
    rejects(
      patched(object, (v) => v.setUint8(symtab + 6 * 24 + 4, 0x32)),
      "E4017",
      "binding 3",
    );
    rejects(
      patched(object, (v) => v.setUint8(symtab + 6 * 24 + 4, 0x16)),
      "E4017",
      "type 6",
    );
    rejects(
      patched(object, (v) => v.setUint8(symtab + 6 * 24 + 5, 3)),
      "E4017",
      "st_other",
    );
  });

  it("a local after the first global, or a bad sh_info", () => {
    rejects(
      patched(object, (v) => v.setUint8(symtab + 7 * 24 + 4, 0x00)),
      "E4016",
      "wrong side",
    );
    rejects(
      patched(object, (v) => v.setUint32(shdrOf(object, ".symtab") + 44, 99, LE)),
      "E4016",
      "sh_info",
    );
  });

  it("a bad symbol table shape", () => {
    const sh = shdrOf(object, ".symtab");
    rejects(
      patched(object, (v) => v.setBigUint64(sh + 56, 16n, LE)),
      "E4016",
      "sh_entsize",
    );
    rejects(
      patched(object, (v) => v.setBigUint64(sh + 32, 25n, LE)),
      "E4016",
      "multiple",
    );
    rejects(
      patched(object, (v) => v.setUint32(sh + 40, 1, LE)),
      "E4013",
      "not a string table",
    );
    rejects(
      patched(object, (v) => v.setUint8(symtab + 4, 1)),
      "E4016",
      "symbol 0",
    );
  });
});

describe("readObject rejects relocations", () => {
  const rela = contentsOf(object, ".rela.text");

  it("a symbol index out of range", () => {
    rejects(
      patched(object, (v) => v.setUint32(rela + 12, 10, LE)),
      "E4019",
      "symbol index 10",
    );
    rejects(
      patched(object, (v) => v.setUint32(rela + 12, 0, LE)),
      "E4019",
    );
  });

  it("an unsupported relocation type", () => {
    rejects(
      patched(object, (v) => v.setUint32(rela + 8, 42, LE)),
      "E4020",
      "type 42",
    );
  });

  it("a field past the end of its section", () => {
    rejects(
      patched(object, (v) => v.setBigUint64(rela, 46n, LE)),
      "E4021",
      "R_PC32",
    );
  });

  it("a bad link, target or entry size", () => {
    const sh = shdrOf(object, ".rela.text");
    rejects(
      patched(object, (v) => v.setUint32(sh + 40, 2, LE)),
      "E4018",
      "sh_link",
    );
    rejects(
      patched(object, (v) => v.setUint32(sh + 44, 9, LE)),
      "E4014",
      "sh_info 9",
    );
    rejects(
      patched(object, (v) => v.setBigUint64(sh + 56, 8n, LE)),
      "E4018",
      "sh_entsize",
    );
    // Two relocation sections for .text.
    rejects(
      patched(object, (v) => v.setUint32(shdrOf(object, ".rela.data") + 44, 1, LE)),
      "E4018",
      "second",
    );
  });
});

describe("readObject rejects the line table", () => {
  it("a bad magic, a truncated table or trailing bytes", () => {
    const lines = contentsOf(object, ".entrylab.lines");
    const sh = shdrOf(object, ".entrylab.lines");
    rejects(
      patched(object, (v) => v.setUint8(lines, 0)),
      "E4022",
      "bad magic",
    );
    rejects(
      patched(object, (v) => v.setUint16(lines + 4, 7, LE)),
      "E4022",
      "version 7",
    );
    rejects(
      patched(object, (v) => v.setBigUint64(sh + 32, v.getBigUint64(sh + 32, LE) - 1n, LE)),
      "E4022",
    );
    rejects(
      patched(object, (v) => v.setUint32(lines + 16, 0xffffff, LE)),
      "E4022",
      "exceed",
    );
  });

  it("cut short at every length", () => {
    const sh = shdrOf(object, ".entrylab.lines");
    const size = Number(new DataView(object.buffer).getBigUint64(sh + 32, LE));
    for (let len = 0; len < size; len++) {
      const r = read(patched(object, (v) => v.setBigUint64(sh + 32, BigInt(len), LE)));
      expect(r.obj, `length ${len}`).toBeUndefined();
      expect(r.codes, `length ${len}`).toEqual(["E4022"]);
    }
  });

  it("an entry in a section that does not exist or past its end", () => {
    const obj = richObject();
    obj.lines = [{ section: 0, offset: 48, file: "a.S", line: 1, col: 1, chain: [] }];
    expect(read(writeObject(obj)).codes).toEqual([]);
    obj.lines[0]!.offset = 49;
    rejects(writeObject(obj), "E4022", "past the end of .text");
    obj.lines[0]!.offset = 0;
    obj.lines[0]!.section = 9;
    rejects(writeObject(obj), "E4022", "section index 10");
  });
});

describe("readObject rejects segments", () => {
  it("overlapping segments, virtually or physically", () => {
    const img = richImage();
    img.segments[1]!.vaddr = KERNEL_BASE + 0x40n;
    rejects(writeObject(img), "E4024", "overlap in virtual memory");
    const phys = richImage();
    phys.segments[1]!.paddr = phys.segments[0]!.paddr + 0x10n;
    rejects(writeObject(phys), "E4024", "overlap in physical memory");
  });

  it("an entry point outside every segment", () => {
    const img = richImage();
    img.entry = KERNEL_BASE + 0x800n;
    rejects(writeObject(img), "E4025", "0xffffffff81000800");
    rejects(writeObject({ ...richImage(), segments: [] }), "E4025");
  });

  it("a file size above the memory size, a bad type or an address wrap", () => {
    const image = writeObject(richImage());
    rejects(
      patched(image, (v) => v.setBigUint64(64 + 40, 0x10n, LE)),
      "E4023",
      "exceeds memory size",
    );
    rejects(
      patched(image, (v) => v.setUint32(64, 4, LE)),
      "E4023",
      "PT_LOAD",
    );
    rejects(
      patched(image, (v) => v.setBigUint64(64 + 40, 0x8000_0000_0000_0000n, LE)),
      "E4023",
      "wrap",
    );
    rejects(
      patched(image, (v) => v.setBigUint64(64 + 48, 0x3000n, LE)),
      "E4026",
    );
    rejects(
      patched(image, (v) => v.setBigUint64(64 + 8, BigInt(image.length), LE)),
      "E4012",
    );
  });
});
