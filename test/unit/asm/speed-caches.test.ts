// The assembler's speed caches must not change results: a repeated line gives the same bytes,
// line-table entries and diagnostics as its first occurrence; operand shapes that share a match
// (registers, immediates of one range) still get their own bytes; an immediate across a range
// bound of the matcher is matched again; symbolic operands are never copied from an earlier line.
import { describe, expect, it } from "vitest";
import { asm, bytes, ok } from "./helpers.js";
import { IMM_BOUNDS } from "../../../src/asm/insn.js";
import {
  FORMS,
  canonicalSpelling,
  matchInstruction,
  registerByName,
  type IsaForm,
  type MatchResult,
  type OperandShape,
} from "../../../src/isa/index.js";

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

  it("a memory operand's need for REX is part of its match key (%ah with %r8 addressing)", () => {
    const r = asm("movb %ah, (%rax)\nmovb %ah, (%r8)\nmovb %ah, (%rcx)\nmovb %ah, (%rdx,%r9)\n");
    expect(r.diags.items.map((d) => [d.code, r.sources.format(d.loc!)])).toEqual([
      ["E3028", "t.s:2:1"],
      ["E3028", "t.s:4:1"],
    ]);
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

describe("immediate match keys", () => {
  /** Register shapes by operand kind; memory for M and (alternately) E kinds. */
  const REG: Record<string, string> = {
    Eb: "bl", Gb: "bl", Ew: "bx", Gw: "bx", Ed: "ebx", Gd: "ebx", Eq: "rbx", Gq: "rbx",
    AL: "al", AX: "ax", EAX: "eax", RAX: "rax", CL: "cl", DX: "dx",
  }; // prettier-ignore
  const MEM: OperandShape = { kind: "mem", hasBase: true, hasIndex: false, isRip: false };

  /** Operand lists for a form with an immediate: the immediate first in a slot, `value` in it. */
  function shapes(form: IsaForm, useMem: boolean, value: bigint): OperandShape[] | undefined {
    const out: OperandShape[] = [];
    for (const k of form.operands) {
      if (k[0] === "I") out.push({ kind: "imm", value });
      else if (k[0] === "M" || (k[0] === "E" && useMem)) out.push(MEM);
      else if (REG[k]) out.push({ kind: "reg", reg: registerByName(REG[k]!)! });
      else return undefined;
    }
    return out;
  }

  /** Values around every bound, and a spread inside each range. */
  const VALUES = (() => {
    const vs = new Set<bigint>();
    const bounds = [...IMM_BOUNDS, 0n];
    for (const b of bounds) for (let d = -2n; d <= 2n; d++) vs.add(b + d);
    for (let i = 0; i < bounds.length - 1; i++) vs.add((bounds[i]! + bounds[i + 1]!) / 2n);
    for (const v of [1n, 2n, 5n, 16n, 127n, 128n, -1n, -129n, 1000n, -1000n]) vs.add(v);
    return [...vs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  })();

  function keyOf(v: bigint): number {
    let k = 0;
    while (k < IMM_BOUNDS.length && v >= IMM_BOUNDS[k]!) k++;
    return k;
  }

  function outcome(r: MatchResult): string {
    if ("error" in r) return `error ${r.kind}`;
    return `${r.form.name} ${r.prefix} ${r.args.join(",")} ${r.warnings.length > 0 ? "warns" : ""}`;
  }

  it("one key gives one match for every form with an immediate (the trie may share it)", () => {
    const formsWithImm = FORMS.filter((f) => f.operands.some((k) => k[0] === "I"));
    expect(formsWithImm.length).toBeGreaterThan(30);
    let checked = 0;
    for (const form of formsWithImm) {
      for (const useMem of [false, true]) {
        const byKey = new Map<number, string>();
        for (const v of VALUES) {
          const ops = shapes(form, useMem, v);
          if (!ops) continue;
          const got = outcome(matchInstruction(canonicalSpelling(form), [], ops));
          const k = keyOf(v);
          const seen = byKey.get(k);
          if (seen === undefined) byKey.set(k, got);
          else expect(`${canonicalSpelling(form)} $${v}: ${got}`).toBe(`${canonicalSpelling(form)} $${v}: ${seen}`); // prettier-ignore
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it("every bound changes some match (none is there for nothing)", () => {
    const forms = FORMS.filter((f) => f.operands.some((k) => k[0] === "I"));
    for (const b of IMM_BOUNDS) {
      const changes = forms.some((form) =>
        [false, true].some((useMem) => {
          const below = shapes(form, useMem, b - 1n);
          const at = shapes(form, useMem, b);
          if (!below || !at) return false;
          const name = canonicalSpelling(form);
          return outcome(matchInstruction(name, [], below)) !== outcome(matchInstruction(name, [], at)); // prettier-ignore
        }),
      );
      expect(changes, `bound ${b}`).toBe(true);
    }
  });
});
