// parseLine errors: each bad statement gives exactly one error with a stable code, a worded
// message and the exact span of what is wrong (checked by the text under it).
import { describe, expect, it } from "vitest";
import { parseLine } from "../../../src/asm/parse-line.js";
import { under } from "./parse-helpers.js";

/** [line, code, text under the span ("" for an empty span at `at`), words in the message] */
type Case = [string, string, string, string, number?];

const cases: Case[] = [
  ["mov \\x, %rax", "E2001", "\\", "unexpected character"],
  ['mov "abc, %rax', "E2002", '"abc, %rax', "closing"],
  ["cmpb $', %al", "E2010", "%al", "after operand"], // `',` is the char constant ','
  ["cmpb %al, $'", "E2003", "'", "character"],
  ["mov $'\\", "E2003", "'\\", "character"],
  ["mov $0x, %rax", "E2004", "0x", "hex digits"],
  ["mov $09, %rax", "E2004", "09", "octal"],
  ["mov $12ab, %rax", "E2004", "12ab", "bad number"],
  ["jmp 0b12", "E2004", "0b12", "bad number"],
  ["mov %foo, %rax", "E2005", "%foo", "bad register name '%foo'"],
  ["mov %rax, %cr1", "E2005", "%cr1", "bad register"],
  ["mov $1, (%rax,%rbx,%rcx)", "E2007", "%rcx", "scale"],
  ["mov %, %rax", "E2006", "%", "register name"],
  ["mov (,%rax,3), %rbx", "E2007", "3", "1, 2, 4 or 8"],
  ["mov (%rax,%rbx,sym), %rcx", "E2007", "sym", "scale"],
  ["mov 8(%rax, %rbx", "E2008", "", "missing ')'", 16],
  ["mov (%rax %rbx), %rcx", "E2008", "%rbx", "missing ')'"],
  ["mov %rax,", "E2009", "", "expected an operand", 9],
  ["mov ,%rax", "E2009", ",", "expected an operand"],
  ["mov %rax,,%rbx", "E2009", ",", "expected an operand"],
  ["mov %rax %rbx", "E2010", "%rbx", "junk '%rbx' after operand"],
  ["x = 1 2", "E2010", "2", "after expression"],
  ["mov $, %rax", "E2011", ",", "expected an expression"],
  ["mov $1 +, %rax", "E2011", ",", "expected an expression"],
  ["x =", "E2011", "", "expected an expression", 3],
  ["1 + 2", "E2012", "1", "expected a label"],
  ["foo bar: nop", "E2010", ":", "junk"],
  ["= 5", "E2012", "=", "expected a label"],
  ["mov %rax:(%rbx), %rcx", "E2013", "%rax", "not a segment register"],
  ["mov (%al), %rcx", "E2014", "%al", "base register"],
  ["mov (%rax,%rsp), %rcx", "E2014", "%rsp", "index register"],
  ["mov (%rip,%rax), %rcx", "E2014", "%rax", "no index"],
  ["mov (%rax,%cs), %rcx", "E2014", "%cs", "index register"],
  ["mov (%rax,), %rcx", "E2014", ")", "index register"],
  ["nop /* not closed", "E2015", "/* not closed", "comment"],
  ["0x10: nop", "E2016", "0x10", "bad label"],
  ["mov $0x10000000000000000, %rax", "E2018", "0x10000000000000000", "64 bits"],
  ["jmp *$1", "E2009", "*", "indirect"],
];

describe("syntax errors", () => {
  for (const [text, code, spanText, words, at] of cases) {
    it(`${text} → ${code}`, () => {
      const line = parseLine(text);
      expect(line.statements).toEqual([]);
      expect(line.errors).toHaveLength(1);
      const [e] = line.errors;
      expect(e!.code).toBe(code);
      expect(e!.message).toContain(words);
      expect(under(text, e!.span)).toBe(spanText);
      if (at !== undefined) expect(e!.span.start).toBe(at);
    });
  }

  it("reports one error per statement and keeps parsing after `;`", () => {
    const line = parseLine("mov %rax %rbx; nop; mov %foo, %rax; ret");
    expect(line.errors.map((e) => e.code)).toEqual(["E2010", "E2005"]);
    expect(line.statements.map((s) => (s.kind === "insn" ? s.mnemonic : ""))).toEqual(["nop", "ret"]); // prettier-ignore
  });

  it("drops the labels of a statement that has an error", () => {
    const line = parseLine("foo: mov %rax,");
    expect(line.statements).toEqual([]);
    expect(line.errors).toHaveLength(1);
  });

  it("turns bad directive arguments into argsError, not a line error", () => {
    const cases: [string, string, string][] = [
      [".byte 09", "E2004", "09"],
      [".long %foo + 1", "E2005", "%foo"],
      ['.ascii "abc', "E2002", '"abc'],
      [".quad (1 + 2", "E2008", ""],
      [".byte 1 2", "E2010", "2"],
    ];
    for (const [text, code, spanText] of cases) {
      const line = parseLine(text);
      expect(line.errors, text).toEqual([]);
      const [d] = line.statements;
      if (d?.kind !== "directive") throw new Error(text);
      expect(d.args, text).toBeUndefined();
      expect(d.argsError?.code, text).toBe(code);
      expect(under(text, d.argsError!.span), text).toBe(spanText);
      expect(d.rest, text).toBe(text.slice(text.indexOf(" ") + 1));
    }
  });

  it("reports a bad character before a directive name as a line error", () => {
    const line = parseLine("` .byte 1");
    expect(line.errors.map((e) => e.code)).toEqual(["E2001"]);
    expect(line.statements).toEqual([]);
  });

  it("restores Error.stackTraceLimit after parsing a bad line", () => {
    const before = Error.stackTraceLimit;
    parseLine("mov %rax %rbx");
    expect(Error.stackTraceLimit).toBe(before);
  });
});
