import { BYTECODE_VERSION } from "../../../src/isa/types.js";
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import { dumpObject, readObject, writeObject } from "../../../src/obj/index.js";
import { richImage, richObject } from "./fixtures.js";

function lines(text: string): string[] {
  return text.split("\n");
}

describe("dumpObject", () => {
  it("summarises the header", () => {
    const out = lines(dumpObject(richObject()));
    expect(out[0]).toBe("entry.o: file format elf64-entrylab");
    expect(out).toContain("type:          ET_REL (relocatable object)");
    expect(out).toContain(
      `machine:       entrylab bytecode version ${BYTECODE_VERSION} (e_machine 0x4c45)`,
    );
    expect(out).toContain("relocations:   6");
    expect(out).toContain("line entries:  6");
  });

  it("prints one section per line with type, flags, address, size and alignment", () => {
    const out = lines(dumpObject(richObject()));
    expect(out).toContain(
      "  [ 0] .text                progbits AX  0000000000000000 0x30       16",
    );
    expect(out).toContain(
      "  [ 2] .bss                 nobits   AW  0000000000000000 0x1000     64",
    );
    expect(out).toContain("  [ 3] .note.entrylab       note     A   0000000000000000 0x1c       4");
  });

  it("prints symbols with value, size, type, binding, visibility, section and name", () => {
    const out = lines(dumpObject(richObject()));
    expect(out).toContain(
      "  [ 5] 0000000000000000 0x28       func    global default .text                entry_SYSCALL_64",
    );
    expect(out).toContain(
      "  [ 7] 0000000000000000 0x0        notype  weak   hidden  *UND*                cpu_tss_rw",
    );
    expect(out).toContain(
      "  [ 3] 000000000000000c 0x0        notype  local  default *ABS*                PAGE_SHIFT",
    );
  });

  it("prints relocations per section as symbol+addend", () => {
    const text = dumpObject(richObject());
    expect(text).toContain(
      [
        "Relocations in [ 0] .text:",
        "  Offset     Type     Symbol+Addend",
        "  0x4        R_PC32   do_syscall_64-0x4",
        "  0xc        R_32S    .data+0x8",
        "  0x14       R_PC8    .Llocal-0x1",
      ].join("\n"),
    );
    expect(text).toContain("  0x0        R_PC32   .text\n");
    expect(text).not.toContain("Relocations in [ 2]");
  });

  it("prints the segments of an image, and none for an object", () => {
    const img = lines(dumpObject(richImage()));
    expect(img).toContain("entry:         ffffffff81000000");
    expect(img).toContain(
      "  [ 1] LOAD RW- ffffffff81001000 0000000001001000 0x20       0x3000     0x1000",
    );
    expect(dumpObject(richObject())).not.toContain("Segments:");
  });

  it("is the same for an object and its read-back copy", () => {
    for (const obj of [richObject(), richImage()]) {
      const back = readObject(writeObject(obj), obj.name, new DiagnosticBag())!;
      expect(dumpObject(back)).toBe(dumpObject(obj));
    }
  });

  it("does not throw on dangling indices", () => {
    const obj = richObject();
    obj.sections[0]!.relocs[0]!.symbol = 99;
    obj.symbols[4]!.section = 42;
    const text = dumpObject(obj);
    expect(text).toContain("<bad symbol 99>");
    expect(text).toContain("<bad section 42>");
  });
});
