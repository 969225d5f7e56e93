// The assembler driver end to end: sources in memory → ObjectFile bytes, symbols, relocations
// and line table, against hand-computed expectations.
import { describe, expect, it } from "vitest";
import { asm, bytes, ok, sym } from "./helpers.js";
import { layout, matchInstruction, isMatchError } from "../../../src/isa/index.js";
import { R_32, R_32S, R_64, R_PC32 } from "../../../src/obj/index.js";

/** Length of an instruction with register/immediate operands only, from the ISA layout. */
function lengthOf(mnemonic: string, shapes: Parameters<typeof matchInstruction>[2] = []): number {
  const m = matchInstruction(mnemonic, [], shapes);
  if (isMatchError(m)) throw new Error(m.error);
  return layout(m.form, 0).length;
}

describe("data directives", () => {
  it("emits integers little-endian in every width", () => {
    const o = ok(
      ".data\n.byte 1, 255\n.short 0x1234\n.word 2\n.long -1\n.quad 0x1122334455667788\n.2byte 3\n.4byte 4\n.8byte 5",
    );
    expect(bytes(o, ".data")).toEqual([
      1, 255, 0x34, 0x12, 2, 0, 255, 255, 255, 255, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11,
      3, 0, 4, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0,
    ]);
  });
  it("emits strings", () => {
    const o = ok('.data\n.ascii "ab"\n.asciz "c"\n.string "d", "e"');
    expect(bytes(o, ".data")).toEqual([97, 98, 99, 0, 100, 0, 101, 0]);
  });
  it("skips, fills and zeroes", () => {
    const o = ok(".data\n.skip 2\n.space 2, 7\n.zero 1\n.fill 2, 2, 0x0102");
    expect(bytes(o, ".data")).toEqual([0, 0, 7, 7, 0, 2, 1, 2, 1]);
  });
  it("aligns with byte counts, powers of two, fill and max-skip", () => {
    const o = ok(
      ".data\n.byte 1\n.align 4, 0xcc\n.byte 2\n.p2align 3\n.byte 3\n.balign 4,,2\n.byte 4\n.balign 4,,3\n.byte 5",
    );
    expect(bytes(o, ".data")).toEqual([1, 0xcc, 0xcc, 0xcc, 2, 0, 0, 0, 3, 4, 0, 0, 5]);
    expect(o.sections.find((s) => s.name === ".data")!.align).toBe(8);
  });
  it("warns when a value is truncated, as gas does", () => {
    const r = asm(".data\n.byte 300, -200, -256\n");
    expect(bytes(r.object!, ".data")).toEqual([0x2c, 0x38, 0]);
    expect(r.diags.items.map((d) => d.message)).toEqual([
      "value 0x12c truncated to 0x2c",
      "value 0xffffffffffffff00 truncated to 0x0",
    ]);
  });
  it("warns about .byte in an executable section only", () => {
    expect(asm(".text\n.byte 0x90").diags.items.map((d) => d.code)).toEqual(["W3001"]);
    expect(asm(".data\n.byte 0x90").diags.items).toEqual([]);
  });
});

describe("symbols and labels", () => {
  it("keeps .L labels out of the symbol table and binds globals", () => {
    const o = ok(
      ".globl g\n.weak w\n.hidden g\n.type g, @function\ng: .Lx: w: loc: .data\n.quad 0\n.text\n.size g, . - g",
    );
    expect(sym(o, ".Lx")).toBeUndefined();
    expect(sym(o, "g")).toMatchObject({
      binding: "global",
      visibility: "hidden",
      type: "func",
      section: 0,
    });
    expect(sym(o, "w")).toMatchObject({ binding: "weak" });
    expect(sym(o, "loc")).toMatchObject({ binding: "local" });
    const locals = o.symbols.findIndex((s) => s.name === "loc");
    expect(locals).toBeLessThan(o.symbols.findIndex((s) => s.name === "g"));
  });
  it("accepts .type without a comma and STT_ names", () => {
    const o = ok(".type f STT_FUNC\n.type v, @object\nf: v:");
    expect(sym(o, "f")!.type).toBe("func");
    expect(sym(o, "v")!.type).toBe("object");
  });
  it("resolves numeric local labels backwards and forwards", () => {
    const o = ok(".data\n1: .byte 1b - .\n.byte 1f - .\n1: .byte 1b - .\n2: .byte 2b - 1b");
    expect(bytes(o, ".data")).toEqual([0, 1, 0, 1]);
  });
  it("re-evaluates .set at each use, as inside .rept", () => {
    const o = ok(
      ".data\n.set i, 0\n.rept 3\n.byte i\n.set i, i+1\n.endr\n.byte i\nn = 7\n.byte n\n.equ m, n*2\n.byte m",
    );
    expect(bytes(o, ".data")).toEqual([0, 1, 2, 3, 7, 14]);
  });
  it("makes undefined symbols undefined globals with relocations", () => {
    const o = ok(".data\n.quad ext + 8\n.long ext2");
    const d = o.sections.find((s) => s.name === ".data")!;
    expect(sym(o, "ext")).toMatchObject({ section: "undef", binding: "global" });
    expect(d.relocs.map((r) => [r.offset, r.type, o.symbols[r.symbol]!.name, r.addend])).toEqual([
      [0, R_64, "ext", 8n],
      [8, R_32, "ext2", 0n],
    ]);
  });
});

describe("sections", () => {
  it("switches with .section, .pushsection, .popsection and .previous", () => {
    const o = ok(
      '.section .x+y, "ax"\n.long 1\n.pushsection ".z", "aw", @progbits\n.long 2\n.popsection\n.long 3\n.data\n.long 4\n.previous\n.long 5\n.bss\n.skip 8',
    );
    expect(bytes(o, ".x+y")).toEqual([1, 0, 0, 0, 3, 0, 0, 0, 5, 0, 0, 0]);
    expect(bytes(o, ".z")).toEqual([2, 0, 0, 0]);
    const x = o.sections.find((s) => s.name === ".x+y")!;
    expect([x.alloc, x.write, x.exec]).toEqual([true, false, true]);
    const bss = o.sections.find((s) => s.name === ".bss")!;
    expect([bss.type, bss.size, bss.data.length]).toEqual(["nobits", 8, 0]);
    expect(o.sections.slice(0, 3).map((s) => s.name)).toEqual([".text", ".data", ".bss"]);
  });
});

describe("layout", () => {
  it("sizes ALTERNATIVE-style padding from labels defined later in another section", () => {
    const src = [
      ".data",
      "140: .byte 1",
      "141: .skip -(((144f-143f)-(141b-140b)) > 0) * ((144f-143f)-(141b-140b)),0x90",
      "142: .byte 9",
      '.section .rep, "a"',
      "143: .byte 2,3,4",
      "144:",
    ].join("\n");
    expect(bytes(ok(src), ".data")).toEqual([1, 0x90, 0x90, 9]);
  });
  it("moves the location counter with . = and .org", () => {
    expect(bytes(ok(".data\n.byte 1\n. = 4\n.byte 2\n.org 6, 0xff\n.byte 3"), ".data")).toEqual([
      1, 0, 0, 0, 2, 0xff, 3,
    ]);
  });
  it("aligns after a variable part once it is sized", () => {
    expect(bytes(ok(".data\n.skip n\n.p2align 2\n.byte 5\nn = 1"), ".data")).toEqual([
      0, 0, 0, 0, 5,
    ]);
  });
});

describe("fixups and relocations", () => {
  it("folds same-section differences and emits PC-relative relocations across sections", () => {
    const o = ok(
      '.text\nt: .globl t\n.section .d, "a"\n.long 1f - .\n.long t - .\n1: .long .Lq - .\n.Lq:',
    );
    const d = o.sections.find((s) => s.name === ".d")!;
    expect(bytes(o, ".d").slice(8)).toEqual([4, 0, 0, 0]);
    expect(d.relocs.map((r) => [r.offset, r.type, r.addend])).toEqual([[4, R_PC32, 0n]]);
    expect(bytes(o, ".d").slice(0, 4)).toEqual([8, 0, 0, 0]);
  });
  it("resolves a branch to a label in the same section directly", () => {
    const o = ok("jmp 1f\n1: ret");
    const len = lengthOf("jmp", [{ kind: "mem", hasBase: false, hasIndex: false, isRip: false }]);
    const data = bytes(o, ".text");
    expect(data.slice(len - 4, len)).toEqual([0, 0, 0, 0]);
    expect(o.sections[0]!.relocs).toEqual([]);
  });
  it("relocates calls to undefined symbols relative to the end of the instruction", () => {
    const o = ok("call ext");
    const len = lengthOf("call", [{ kind: "mem", hasBase: false, hasIndex: false, isRip: false }]);
    const r = o.sections[0]!.relocs[0]!;
    expect([r.type, o.symbols[r.symbol]!.name, r.addend]).toEqual([
      R_PC32,
      "ext",
      BigInt(r.offset - len),
    ]);
  });
  it("uses R_32S for a sign-extended immediate of a 64-bit form", () => {
    const o = ok("movq $sym, %rax");
    expect(o.sections[0]!.relocs.map((r) => r.type)).toEqual([R_32S]);
  });
});

describe("macros in the pipeline", () => {
  it("assembles macro expansions with a line table pointing at the body and the call", () => {
    const o = ok(".macro two a\n.data\n.byte \\a\n.byte \\a+1\n.endm\ntwo 5");
    expect(bytes(o, ".data")).toEqual([5, 6]);
    const lines = o.lines.filter((l) => l.section === 1);
    expect(lines.map((l) => [l.offset, l.line, l.col])).toEqual([
      [0, 3, 1],
      [1, 4, 1],
    ]);
    expect(lines[0]!.chain).toEqual([
      { kind: "gas-macro", name: "two", file: "t.s", line: 6, col: 1 },
    ]);
  });
  it("includes files", () => {
    const o = ok('.data\n.include "defs.s"\n.byte X', { "inc/defs.s": "X = 3\n" });
    expect(bytes(o, ".data")).toEqual([3]);
  });
});

describe("listing", () => {
  it("lists address, bytes and text per line, deterministically", () => {
    const src = ".data\n.byte 1, 2\n.long 0x11223344";
    const a = asm(src, {}, true).listing;
    expect(a).toBe(asm(src, {}, true).listing);
    expect(a).toContain("0000 0102             .byte 1, 2");
    expect(a).toContain("0002 44332211         .long 0x11223344");
  });
});
