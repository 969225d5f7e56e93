// GNU as quirks the assembler reproduces (each checked against GNU as 2.40 on x86-64): x86 line
// comments, gas's macro argument splitting and defaults, `\@` blank dropping, blocks after `;`,
// `.irp` items, and the cases where gas only warns and assumes a value.
import { describe, expect, it } from "vitest";
import { asm, bytes } from "./helpers.js";
import { NOP1_BYTE } from "../../../src/isa/index.js";
import { R_PC32 } from "../../../src/obj/index.js";

/** The .data bytes and the warning codes/messages of a source that must assemble. */
function data(src: string): { bytes: number[]; warnings: string[] } {
  const r = asm(src);
  expect(r.object, r.rendered).toBeDefined();
  return {
    bytes: bytes(r.object!, ".data"),
    warnings: r.diags.items.map((d) => `${d.code} ${d.message}`),
  };
}

describe("x86 line comments", () => {
  it("treats `/` first on a line (after blanks) as a comment, but not `/*`", () => {
    const r = data(".data\n/ a comment\n  / indented\n/* c */ .byte 1\n\t/x\n.byte 4 / 2\n");
    expect(r).toEqual({ bytes: [1, 2], warnings: [] });
  });
});

describe("macro arguments as gas splits them", () => {
  const cnt = ".macro cnt a=0xa0, b=0xb0, c=0xc0\n.byte \\a, \\b, \\c\n.endm\n.data\n";
  it("separates at a blank only between symbol characters", () => {
    expect(data(`${cnt}cnt 1 + 2\n`).bytes).toEqual([3, 0xb0, 0xc0]);
    expect(data(`${cnt}cnt 1 +2\n`).bytes).toEqual([3, 0xb0, 0xc0]);
    expect(data(`${cnt}cnt 1 -1\n`).bytes).toEqual([1, 0xff, 0xc0]);
    expect(data(`${cnt}cnt 1 (2)\n`).bytes).toEqual([1, 2, 0xc0]);
    expect(data(`${cnt}cnt 1 , 2\n`).bytes).toEqual([1, 2, 0xc0]);
  });
  it("makes `m 1 - 1` three arguments, the lone `-` a warned zero", () => {
    const r = data(`${cnt}cnt 1 - 1\n`);
    expect(r.bytes).toEqual([1, 0, 1]);
    expect(r.warnings).toEqual(["W3008 missing operand; zero assumed"]);
  });
  it("gives an empty positional or keyword argument its default", () => {
    expect(data(`${cnt}cnt 1,,3\n`).bytes).toEqual([1, 0xb0, 3]);
    expect(data(`${cnt}cnt 1 , , 3\n`).bytes).toEqual([1, 0xb0, 3]);
    expect(data(`${cnt}cnt a=, b=2\n`).bytes).toEqual([0xa0, 2, 0xc0]);
  });
  it("drops blanks right after \\@ in a macro body", () => {
    const src = ".macro m\n.set v\\@, 7\n.byte v\\@ 0\n.endm\n.data\nm\n";
    // The first expansion's counter is 0, so `v\@ 0` reads `v00`: an undefined symbol.
    const r = asm(src);
    expect(r.object, r.rendered).toBeDefined();
    const relocs = r.object!.sections.find((s) => s.name === ".data")!.relocs;
    expect(relocs).toHaveLength(1);
    expect(r.object!.symbols[relocs[0]!.symbol]!.name).toBe("v00");
  });
});

describe("blocks after `;`", () => {
  it("opens and closes .rept, .irp and .macro at statement boundaries", () => {
    const src =
      ".data\n.rept 2; .byte 1; .endr\n.byte 2; .rept 2; .byte 3\n.endr; .byte 4\n" +
      ".macro m a; .byte \\a\n.endm\nm 5\n.irp x,6,7; .byte \\x; .endr\n";
    expect(data(src)).toEqual({ bytes: [1, 1, 2, 3, 3, 4, 5, 6, 7], warnings: [] });
  });
});

describe(".irp items", () => {
  const irp = (items: string) => data(`.data\n.irp x,${items}\n.byte 0x1\\x\n.endr\n`).bytes;
  it("splits at commas and at blanks between symbol characters; keeps empty items", () => {
    expect(irp("8,,9")).toEqual([0x18, 0x1, 0x19]);
    expect(irp("1 2, 3")).toEqual([0x11, 0x12, 0x13]);
    expect(irp("1 + 2")).toEqual([0x13]);
    expect(irp("5,")).toEqual([0x15]);
  });
  it("runs once with an empty item when there are none", () => {
    expect(data(".data\n.irp x\n.byte 7\\x\n.endr\n").bytes).toEqual([7]);
  });
});

describe("warnings where gas assumes a value", () => {
  it("warns about stray .endr, .endm and .exitm and goes on", () => {
    const r = data(".data\n.byte 1\n.endr\n.endm\n.exitm\n.byte 2\n");
    expect(r.bytes).toEqual([1, 2]);
    expect(r.warnings).toEqual([
      "W3007 .endr encountered without preceding .rept, .irp, or .irpc",
      "W3007 .endm encountered without preceding .macro",
      "W3007 ignoring macro exit outside a macro definition",
    ]);
  });
  it("divides by 1 on division by zero", () => {
    const r = data(".data\n.byte 5 / 0, 5 % 0\n");
    expect(r.bytes).toEqual([5, 0]);
    expect(r.warnings).toEqual(["W2102 division by zero", "W2102 division by zero"]);
  });
  it("assumes zero for a missing operand or expression", () => {
    const r = data(".data\n.long 1 +\n.byte 1,,2\n");
    expect(r.bytes).toEqual([1, 0, 0, 0, 1, 0, 2]);
    expect(r.warnings).toEqual([
      "W3008 missing operand; zero assumed",
      "W3008 zero assumed for missing expression",
    ]);
  });
  it("truncates numbers wider than 64 bits to the field", () => {
    const r = data(".data\n.quad 0x1ffffffffffffffff\n.byte 0x1ffffffffffffff02\n");
    expect(r.bytes).toEqual([255, 255, 255, 255, 255, 255, 255, 255, 2]);
    expect(r.warnings).toEqual([
      "W2103 bignum truncated to 8 bytes",
      "W2103 bignum truncated to 1 byte",
    ]);
  });
  it("clamps the .fill size to 8", () => {
    const r = data(".data\n.fill 1, 9, 1\n");
    expect(r.bytes).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect(r.warnings).toEqual(["W3009 .fill size clamped to 8"]);
  });
});

describe("code and sections as gas treats them", () => {
  it("pads alignment in executable sections with the one-byte NOP unless a fill is given", () => {
    const r = asm(".text\nret\n.p2align 2\n.balign 8, 0\n.data\n.byte 1\n.p2align 2\n");
    expect(r.object, r.rendered).toBeDefined();
    const text = bytes(r.object!, ".text");
    const retLength = bytes(asm(".text\nret\n").object!, ".text").length;
    const nops = text.slice(retLength, (retLength + 3) & ~3);
    expect(nops.every((b) => b === NOP1_BYTE)).toBe(true);
    expect(text.slice((retLength + 3) & ~3).every((b) => b === 0)).toBe(true);
    expect(bytes(r.object!, ".data")).toEqual([1, 0, 0, 0]);
  });
  it("relocates a branch to an absolute address against *ABS*, as gas does", () => {
    const r = asm(".text\njmp 0x1000\n");
    expect(r.object, r.rendered).toBeDefined();
    const [rel] = r.object!.sections[0]!.relocs;
    const target = r.object!.symbols[rel!.symbol]!;
    expect(target).toMatchObject({ name: "", section: "abs", value: 0n });
    const end = bytes(r.object!, ".text").length;
    expect(rel).toMatchObject({ type: R_PC32, addend: 0x1000n - BigInt(end - rel!.offset) });
  });
  it("takes a constant %rip displacement as written", () => {
    const r = asm(".text\nleaq 16(%rip), %rax\n");
    expect(r.object, r.rendered).toBeDefined();
    expect(r.object!.sections[0]!.relocs).toEqual([]);
  });
  it("warns when special sections get other attributes and rejects changes elsewhere", () => {
    const warned = asm('.section .data, "ax"\n.byte 1\n');
    expect(warned.diags.items.map((d) => `${d.code} ${d.message}`)).toEqual([
      "W3010 ignoring changed section attributes for .data",
    ]);
    expect(warned.object!.sections.find((s) => s.name === ".data")!.exec).toBe(false);
    const bad = asm('.section .foo, "a"\n.section .foo, "aw"\n');
    expect(bad.object).toBeUndefined();
    expect(bad.rendered).toContain("t.s:2:10: error[E3022]: changed section attributes for .foo");
    expect(asm('.section .foo, "a"\n.section .foo\n.pushsection .foo, "a"\n.popsection').diags.items).toEqual([]); // prettier-ignore
  });
});

describe("instruction operands as gas reads them", () => {
  it("takes `.` in a branch target as the address of the branch itself", () => {
    const r = asm(".text\nnop\njmp .\njmp .+2\n");
    expect(r.object, r.rendered).toBeDefined();
    const text = bytes(r.object!, ".text");
    const jmpLength = (text.length - 1) / 2;
    const rel = (at: number) => new DataView(Uint8Array.from(text).buffer).getInt32(at, true);
    expect(rel(1 + jmpLength - 4)).toBe(-jmpLength);
    expect(rel(1 + 2 * jmpLength - 4)).toBe(2 - jmpLength);
  });
  it("accepts the in/out port as (%dx), as objdump prints it, and nowhere else", () => {
    const port = asm(".text\ninb (%dx), %al\noutb %al, (%dx)\n");
    const plain = asm(".text\ninb %dx, %al\noutb %al, %dx\n");
    expect(port.object, port.rendered).toBeDefined();
    expect(bytes(port.object!, ".text")).toEqual(bytes(plain.object!, ".text"));
    expect(asm(".text\nmovl (%dx), %eax\n").rendered).toContain("only 64-bit addressing");
  });
});

describe("expressions with GNU as precedence", () => {
  it("binds comparisons looser than + and -, & tighter, and shifts >> logically", () => {
    const r = data(
      ".data\n.byte 2 == 1 + 1\n.byte 1 - 1 < 1\n.byte 6 & 3 + 1\n.byte 2 | 1 + 1\n.byte -16 >> 60\n.byte 1 ! 0\n",
    );
    // Values checked against GNU as 2.40.
    expect(r).toEqual({ bytes: [0xff, 0xff, 3, 4, 0x0f, 0xff], warnings: [] });
  });
  it("reads an absolute segment-relative operand without a relocation", () => {
    const r = asm(".text\nmovq %gs:0x10, %rax\n");
    expect(r.object, r.rendered).toBeDefined();
    expect(r.object!.sections[0]!.relocs).toEqual([]);
  });
});
