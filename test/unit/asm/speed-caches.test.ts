// The assembler's speed caches must not change results: a repeated line gives the same bytes,
// line-table entries and diagnostics as its first occurrence; operand shapes that share a match
// (registers, immediates of one range) still get their own bytes; an immediate across a range
// bound of the matcher is matched again; symbolic operands are never copied from an earlier line.
import { describe, expect, it } from "vitest";
import { asm, bytes, ok } from "./helpers.js";

const LINES = [
  "movq 176(%rsi), %rax",
  "movl -8(%rbp), %ecx",
  "addq $300, %r12",
  "andw $65535, %ax",
  "leaq 8(%rdi,%rcx,8), %r12",
  "pushq %r15",
];

/** Bytes of each line assembled on its own. */
function alone(line: string): number[] {
  return bytes(ok(`${line}\n`), ".text");
}

function codes(text: string): string[] {
  return asm(text).diags.items.map((d) => d.code);
}

describe("speed caches", () => {
  it("repeated lines assemble to the bytes of each line alone, with a line entry each", () => {
    const text = [...LINES, ...LINES, ...LINES].join("\n") + "\n";
    const o = ok(text);
    const expected = [...LINES, ...LINES, ...LINES].flatMap(alone);
    expect(bytes(o, ".text")).toEqual(expected);
    expect(o.lines.map((l) => l.line)).toEqual(
      Array.from({ length: LINES.length * 3 }, (_, i) => i + 1),
    );
  });

  it("lines of one shape keep their own registers and values", () => {
    const a = alone("movq 176(%rsi), %rax");
    const b = alone("movq 8(%rbx), %r9");
    expect(bytes(ok("movq 176(%rsi), %rax\nmovq 8(%rbx), %r9\n"), ".text")).toEqual([...a, ...b]);
    expect(a).not.toEqual(b);
  });

  it("an immediate past a range bound is matched again: warned, while one inside is not", () => {
    const inside = codes("andw $65535, %ax\n");
    const past = codes("andw $70000, %ax\n");
    expect(inside).toEqual([]);
    expect(past.length).toBeGreaterThan(0);
    const r = asm("andw $65535, %ax\nandw $70000, %ax\nandw $65535, %ax\nandw $70000, %ax\n");
    expect(r.diags.items.map((d) => d.code)).toEqual([...past, ...past]);
    expect(r.rendered).toContain("0x11170 shortened to 0x1170");
  });

  it("a repeated line with a warning warns every time", () => {
    const once = codes("andb $0x1ff, %al\n");
    expect(once.length).toBeGreaterThan(0);
    expect(codes("andb $0x1ff, %al\nandb $0x1ff, %al\nandb $0x1ff, %al\n")).toEqual([...once, ...once, ...once]); // prettier-ignore
  });

  it("a repeated line with a symbol sees the symbol's value at each point", () => {
    const o = ok(".set x, 1\nmovq $x, %rax\n.set x, 2\nmovq $x, %rax\n");
    expect(bytes(o, ".text")).toEqual([...alone("movq $1, %rax"), ...alone("movq $2, %rax")]);
  });

  it("a repeated line after a lone prefix takes the prefix", () => {
    const o = ok("incq (%rax)\nlock\nincq (%rax)\nincq (%rax)\n");
    expect(bytes(o, ".text")).toEqual([
      ...alone("incq (%rax)"),
      ...alone("lock incq (%rax)"),
      ...alone("incq (%rax)"),
    ]);
  });
  it("registers that share a match key still get their own REX and fixed-register checks", () => {
    // Each pair: the first matches; the second shares nothing the matcher decides with it.
    const pairs = [
      ["movb %bl, %ah", "movb %sil, %ah"], // SIL needs REX, which AH forbids
      ["movb %bl, %ah", "movb %r9b, %ah"],
      ["shlq %cl, %rax", "shlq %bl, %rax"], // only %cl is a shift count
      ["inb %dx, %al", "inb %bx, %al"], // only %dx is a port
      ["movq %rbx, %rcx", "movq %rdi, %r9"],
    ];
    for (const [first, second] of pairs) {
      const both = codes(`${first}\n${second}\n`);
      expect(both).toEqual([...codes(`${first}\n`), ...codes(`${second}\n`)]);
    }
    expect(codes("movb %sil, %ah\n")).toHaveLength(1);
    expect(bytes(ok("movq %rbx, %rcx\nmovq %rdi, %r9\n"), ".text")).toEqual([
      ...alone("movq %rbx, %rcx"),
      ...alone("movq %rdi, %r9"),
    ]);
  });
  it("a repeated line of several statements copies each statement's own bytes", () => {
    const line = "movq %rax, %rbx; addq $1, %rcx; pushq %r15";
    const one = ["movq %rax, %rbx", "addq $1, %rcx", "pushq %r15"].flatMap(alone);
    expect(bytes(ok(`${line}\n${line}\n${line}\n`), ".text")).toEqual([...one, ...one, ...one]);
  });
  it("macro invocations are still found after the reader's first-character filter", () => {
    const text = [
      ".macro Twice r",
      "  pushq \\r",
      "  pushq \\r",
      ".endm",
      ".macro _under",
      "  nop",
      ".endm",
      "TWICE %rax",
      "twice %rbx",
      "lbl: _UNDER",
      "",
    ].join("\n");
    const want = ["pushq %rax", "pushq %rax", "pushq %rbx", "pushq %rbx", "nop"].flatMap(alone);
    expect(bytes(ok(text), ".text")).toEqual(want);
  });
});
