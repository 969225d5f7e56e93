// The symbol-directive lines handled without a parse (src/asm/directive-lines.ts) are a speed
// path only: with it (recipes on) and without it (recipes off, every line parsed) a source must
// give the same object bytes and the same diagnostics. Each shape is also checked to take the
// path, and near misses to leave it.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, memoryHost, renderDiagnostics } from "../../../src/diag/index.js"; // prettier-ignore
import { assembleText } from "../../../src/asm/index.js";
import { Assembler } from "../../../src/asm/assembler.js";
import { FileLine } from "../../../src/asm/source-line.js";
import { dataDirectiveLine, layoutDirectiveLine, symbolDirectiveLine } from "../../../src/asm/directive-lines.js"; // prettier-ignore
import { writeObject } from "../../../src/obj/index.js";

function outcome(text: string, recipes: boolean): { object: string; diagnostics: string } {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const r = assembleText("t.s", text, { host: memoryHost({}), sources, diags, recipes });
  const object = r.object ? Buffer.from(writeObject(r.object)).toString("hex") : "none";
  return { object, diagnostics: renderDiagnostics(diags.items, sources) };
}

/** Whether the fast path takes the statement `text` (in a fresh assembly). */
function taken(text: string): boolean {
  const a = new Assembler(new DiagnosticBag(), false);
  return symbolDirectiveLine(a, new FileLine(text, 0, 0, undefined), 0, text);
}

const TAKEN = [
  ".globl f", ".global f", ".GLOBL f", ".weak f", ".local f", ".hidden f", ".globl .Lf",
  ".globl\tf  # comment", ".type f, @function", ".type f,@object", ".type f , @notype",
  ".type f, @STT_FUNC", ".type f, @Function", ".type .Lx, @object", ".size f, .-f",
  ".size f,.-g", ".size .Lx, .-.Lx", ".size f, 8", ".size f, 0x10", ".size f, 017",
]; // prettier-ignore

const LEFT = [
  ".globl f, g", ".globl 1", ".globl lock", ".globl", ".text", ".type f, @func2", ".type f, @bogus",
  ".type f, %function", ".type f @function", ".type f, @function, 1", ".size f, .-f+1",
  ".size f, 1b", ".size f, 08", ".size f, 99999999999999999999999", ".size f, . - 1",
  ".size f g", ".set f, 1", ".quad f", "movq %rax, %rbx", ".type f, \"function\"",
]; // prettier-ignore

describe("symbol directive lines", () => {
  it("take exactly the simple shapes", () => {
    for (const t of TAKEN) expect(taken(t), t).toBe(true);
    for (const t of LEFT) expect(taken(t), t).toBe(false);
  });

  it("give the objects and diagnostics the parser gives", () => {
    const body = [...TAKEN, ...LEFT].filter((t) => !t.startsWith("movq"));
    const text = [
      "\t.text",
      "f:\tret",
      "g:\tnop",
      ".Lf:\tnop",
      ".Lx:\t.byte 1",
      ...body.map((t) => `\t${t}`),
      "\t.local g", // after .globl: stays global
      "\t.globl h",
      "\t.size h, .-h",
      "h:\tret",
      "\t.size k, .-undefined_sym",
      "k = 4",
      "\t.globl k",
      "\t.size k, .-k",
    ].join("\n");
    const fast = outcome(`${text}\n`, true);
    const slow = outcome(`${text}\n`, false);
    expect(slow.diagnostics).toMatch(/error/); // the near misses are reported...
    expect(fast).toEqual(slow); // ...the same way
  });

  it("give the same object for gcc's function boilerplate", () => {
    const fn = (i: number) =>
      `\t.globl\tfn${i}\n\t.type\tfn${i}, @function\nfn${i}:\n\tret\n\t.size\tfn${i}, .-fn${i}\n`;
    const text = `\t.text\n${Array.from({ length: 20 }, (_, i) => fn(i)).join("")}\t.data\n\t.globl\tobj\n\t.type\tobj, @object\n\t.size\tobj, 8\nobj:\n\t.quad 1\n`; // prettier-ignore
    const fast = outcome(text, true);
    const slow = outcome(text, false);
    expect(slow.diagnostics).toBe("");
    expect(slow.object).not.toBe("none");
    expect(fast).toEqual(slow);
  });
});

/** Whether the data fast path takes the statement `text` (in `.text` of a fresh assembly, or `.data`). */
function dataTaken(text: string, data = true): boolean {
  const a = new Assembler(new DiagnosticBag(), false);
  if (data) a.switchTo(a.existingSection(".data")!);
  return dataDirectiveLine(a, new FileLine(text, 0, 0, undefined), 0, text);
}

const DATA_TAKEN = [
  ".quad f", ".quad .L5, 660786165", ".long 46611, 53351, 0x600c90", ".byte 172, 0, -1",
  ".short 0xffff", ".value -32768", ".2byte 1", ".4byte 0b101", ".8byte 017", ".int -2147483648",
  ".QUAD f # c", ".quad 0xffffffffffffffff, -1", ".word g",
]; // prettier-ignore

const DATA_LEFT = [
  ".byte 256", ".byte -256", ".short 65536", ".long 0x100000000", ".quad 99999999999999999999",
  ".quad f + 8", ".quad .", ".quad 1b", ".quad 08", ".byte 1,", ".byte , 1", ".byte 1,,2",
  '.byte "a"', ".quad", ".quad (1)", ".quad - f", ".ascii 1", ".zero 4", ".quad f g",
]; // prettier-ignore

describe("data directive lines", () => {
  it("take exactly plain numbers and names that would not be warned about", () => {
    for (const t of DATA_TAKEN) expect(dataTaken(t), t).toBe(true);
    for (const t of DATA_LEFT) expect(dataTaken(t), t).toBe(false);
    expect(dataTaken(".byte 1", false)).toBe(false); // a byte in code is warned about
  });

  it("give the objects and diagnostics the parser gives", () => {
    const body = [...DATA_TAKEN, ...DATA_LEFT].map((t) => `\t${t}`).join("\n");
    const text = `\t.data\nf:\n${body}\n\t.text\ng: .byte 1\n\t.quad g, 2\n\t.bss\n\t.quad 0\n\t.quad 1\nk = 7\n\t.data\n\t.quad k, f\n1:\n`;
    const fast = outcome(text, true);
    const slow = outcome(text, false);
    expect(slow.diagnostics).toMatch(/truncated/);
    expect(fast).toEqual(slow);
  });

  it("give the same object for compiler-style tables", () => {
    const rows = Array.from({ length: 30 }, (_, i) => `\t.quad\tf${i % 4}, ${i * 977}\n\t.long\t${i}, -${i}, 0x${(i * 4099).toString(16)}\n\t.byte\t${i}, 0, ${255 - i}\n`); // prettier-ignore
    const text = `\t.text\n${[0, 1, 2, 3].map((i) => `f${i}:\tret\n`).join("")}\t.section .rodata\n${rows.join("")}`;
    const fast = outcome(text, true);
    const slow = outcome(text, false);
    expect(slow.diagnostics).toBe("");
    expect(slow.object).not.toBe("none");
    expect(fast).toEqual(slow);
  });
});

const STRING_TAKEN = [
  '.asciz "handle 1\\n"', '.ascii "abc"', '.string "x", "y"', '.ASCIZ ""', '.ascii "\\101\\x42\\\\\\"q"',
  '.asciz "é→€"', '.ascii "a" # c',
]; // prettier-ignore

const STRING_LEFT = [
  ".asciz 1", '.asciz "a",', '.asciz , "a"', '.asciz "a" "b"', '.asciz "a", 1', ".asciz", '.asciz "unterminated',
  ".ascii 'a'", '.asciz ("a")',
]; // prettier-ignore

describe("string directive lines", () => {
  it("take exactly string literals separated by commas", () => {
    for (const t of STRING_TAKEN) expect(dataTaken(t), t).toBe(true);
    for (const t of STRING_LEFT) expect(dataTaken(t), t).toBe(false);
  });

  it("give the objects and diagnostics the parser gives, in code, data and bss", () => {
    const body = [...STRING_TAKEN, ...STRING_LEFT].map((t) => `\t${t}`).join("\n");
    const text = `\t.data\n${body}\n\t.text\n\t.asciz "in code"\n\t.bss\n\t.asciz "no"\n\t.ascii ""\n`;
    const fast = outcome(text, true);
    const slow = outcome(text, false);
    expect(slow.diagnostics).toMatch(/nobits/);
    expect(fast).toEqual(slow);
  });
});

/** Whether the layout fast path takes the statement `text` (in a fresh assembly's .text). */
function layoutTaken(text: string): boolean {
  const a = new Assembler(new DiagnosticBag(), false);
  return layoutDirectiveLine(a, new FileLine(text, 0, 0, undefined), 0, text);
}

const LAYOUT_TAKEN = [
  ".p2align 4", ".p2align 0", ".p2align 31", ".P2ALIGN 3", ".balign 8", ".balign 0", ".align 16",
  ".align 0x10", ".p2align 4 # c", ".text", ".data", ".bss", ".rodata", ".TEXT", ".section .rodata",
  ".section .text.unlikely", ".section .init.data", ".section mine", ".section .rodata # c",
]; // prettier-ignore

const LAYOUT_LEFT = [
  ".p2align 32", ".p2align -1", ".balign 3", ".align 0x100000001", ".p2align 4, 0x90", ".p2align 4,,7",
  ".p2align", ".p2align x", ".p2align 08", ".section", '.section ".rodata"', '.section .x, "ax"',
  ".section .a+1", ".text 1", ".previous", ".pushsection .x", ".org 4", ".skip 4",
]; // prettier-ignore

describe("layout directive lines", () => {
  it("take exactly one plain alignment or a section switch without flags", () => {
    for (const t of LAYOUT_TAKEN) expect(layoutTaken(t), t).toBe(true);
    for (const t of LAYOUT_LEFT) expect(layoutTaken(t), t).toBe(false);
  });

  it("give the objects and diagnostics the parser gives, relaxed and exact sections alike", () => {
    const body = [...LAYOUT_TAKEN, ...LAYOUT_LEFT]
      .flatMap((t, i) => [`\t${t}`, i % 3 === 0 ? "\tjmp 1f\n1:\tnop" : "\t.byte 1"])
      .join("\n");
    const text = `\t.text\n\tnop\n${body}\n\t.section .rodata\n\t.p2align 3\n\t.quad 1\n\t.previous\n\t.p2align 2\n\tret\n`;
    const fast = outcome(text, true);
    const slow = outcome(text, false);
    expect(slow.diagnostics).toMatch(/too large/);
    expect(slow.object).toBe("none");
    expect(fast).toEqual(slow);
    const good = [...LAYOUT_TAKEN]
      .filter((t) => !t.includes(".bss"))
      .map((t) => `\t${t}\n\tnop\n\tjmp 2f\n2:`)
      .join("\n");
    const [f2, s2] = [outcome(`${good}\n`, true), outcome(`${good}\n`, false)];
    expect(s2.diagnostics).toBe("");
    expect(s2.object).not.toBe("none");
    expect(f2).toEqual(s2);
  });
});
