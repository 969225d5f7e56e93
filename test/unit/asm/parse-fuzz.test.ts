// Fuzz: thousands of mutated entry-code lines (seeded, so every run sees the same lines) never
// make parseLine or evaluate throw, and every result keeps its invariants: spans inside the
// line, at most one error per `;`-separated piece, `rest` equal to the text under restSpan.
import { describe, expect, it } from "vitest";
import type { Expr, Operand, ParsedLine, Span } from "../../../src/asm/ast.js";
import { parseLine } from "../../../src/asm/parse-line.js";
import { evaluate } from "../../../src/asm/expr.js";
import { context } from "./parse-helpers.js";
import { prng } from "../../support/prng.js";

const SEED = 0x5eed_2024;
const MUTANTS = 4000;

const CORPUS = [
  "movq %rsp, %gs:(cpu_tss_rw + TSS_sp2)",
  "movq %gs:cpu_current_top_of_stack+8, %rsp",
  "pushq $__USER_DS /* pt_regs->ss */",
  "1: leaq -8(%rbp,%rcx,4), %rax; jmp 1b",
  "call *sys_call_table(,%rax,8)",
  ".skip -(((144f-143f)-(141b-140b)) > 0) * ((144f-143f)-(141b-140b)),0x90",
  '.section .altinstr_replacement, "ax", @progbits',
  ".type entry_SYSCALL_64, @function",
  ".if %rsp == %rsp; .long 'a', '\\n', 0x1f, 0b101, 077; .endif",
  "lock; incq (%rax) # count",
  '.ascii "a\\"b\\x41\\101;#"',
  "x = (1 << 3) | 2 ! 1 && 4 <> 5 || ~6 >= -7",
  "andq $(~PAGE_MASK), %rdi; orq $(1 << 63), %rax",
  "0 : 771: .Lfoo: . = . + 8",
  "movl $0x10000000000000000, %eax",
];
const ALPHABET = "%$()*,:;'\"#/\\+-~!<>=|&^.@0123456789abfx \t`";

function mutate(line: string, rand: () => number): string {
  const pick = (n: number) => Math.floor(rand() * n);
  let s = line;
  const edits = 1 + pick(4);
  for (let i = 0; i < edits; i++) {
    const at = pick(s.length + 1);
    switch (pick(4)) {
      case 0:
        s = s.slice(0, at) + s.slice(at + 1 + pick(3));
        break;
      case 1:
        s = s.slice(0, at) + ALPHABET[pick(ALPHABET.length)] + s.slice(at);
        break;
      case 2:
        s = s.slice(0, at);
        break;
      default: {
        const from = pick(s.length);
        s = s.slice(0, at) + s.slice(from, from + 1 + pick(6)) + s.slice(at);
      }
    }
  }
  return s;
}

function inside(span: Span, text: string): boolean {
  return span.start >= 0 && span.start <= span.end && span.end <= text.length;
}

function exprs(line: ParsedLine): Expr[] {
  const out: Expr[] = [];
  const fromOperand = (o: Operand) => {
    if (o.kind === "imm") out.push(o.expr);
    if (o.kind === "mem" && o.disp) out.push(o.disp);
    if (o.kind === "indirect" && o.target.kind === "mem" && o.target.disp) out.push(o.target.disp);
  };
  for (const s of line.statements) {
    if (s.kind === "assign") out.push(s.expr);
    if (s.kind === "insn") s.operands.forEach(fromOperand);
    if (s.kind === "directive")
      for (const a of s.args ?? []) if (a.kind === "expr") out.push(a.expr);
  }
  return out;
}

function check(text: string): void {
  let line: ParsedLine;
  try {
    line = parseLine(text);
  } catch (e) {
    throw new Error(`parseLine threw on ${JSON.stringify(text)}: ${String(e)}`);
  }
  const pieces = text.split(";").length; // an upper bound: `;` may also sit in strings
  expect(line.errors.length, text).toBeLessThanOrEqual(pieces);
  for (const e of line.errors) expect(inside(e.span, text), `${text} ${e.code}`).toBe(true);
  for (const s of line.statements) {
    expect(inside(s.span, text), text).toBe(true);
    if (s.kind === "directive") {
      expect(text.slice(s.restSpan.start, s.restSpan.end), text).toBe(s.rest);
      if (s.argsError) expect(inside(s.argsError.span, text), text).toBe(true);
    }
  }
  for (const e of exprs(line)) {
    const v = evaluate(e, context());
    expect(typeof v, text).toBe("object");
  }
}

describe("fuzz", () => {
  it(`never throws on ${MUTANTS} mutated lines (seed ${SEED.toString(16)})`, () => {
    const rand = prng(SEED);
    let errors = 0;
    for (let i = 0; i < MUTANTS; i++) {
      const text = mutate(CORPUS[i % CORPUS.length]!, rand);
      check(text);
      errors += parseLine(text).errors.length;
    }
    // The mutations must exercise error paths, not only clean lines.
    expect(errors).toBeGreaterThan(MUTANTS / 10);
  });
  it("accepts the unmutated corpus", () => {
    for (const text of CORPUS.slice(0, -1)) expect(parseLine(text).errors, text).toEqual([]);
  });
});
