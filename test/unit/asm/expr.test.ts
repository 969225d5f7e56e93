// evaluate(): GNU as arithmetic on 64-bit values (results checked against GNU as 2.40 on this
// host), symbols relative to sections and undefined symbols, registers in comparisons, errors.
import { describe, expect, it } from "vitest";
import type { Value } from "../../../src/asm/ast.js";
import { evaluate } from "../../../src/asm/expr.js";
import { context, expr, value } from "./parse-helpers.js";

const TEXT = 1;
const DATA = 2;
const at = (section: number, addend: bigint): Value => ({ addend, add: { kind: "section", section } }); // prettier-ignore
const symbols = {
  a: at(TEXT, 0x10n),
  b: at(TEXT, 0x40n),
  d: at(DATA, 8n),
  abs: { addend: 100n },
  "1b": at(TEXT, 0x20n),
  "2f": at(DATA, 0x30n),
};

function evalText(text: string, dot?: Value) {
  const ctx = context(symbols, dot);
  return { result: evaluate(expr(text), ctx), warnings: ctx.warnings };
}

function failure(text: string): { code: string; error: string; span: string } {
  const { result } = evalText(text);
  if (!("error" in result)) throw new Error(`${text} evaluated`);
  return { code: result.code, error: result.error, span: `.quad ${text}`.slice(result.span.start, result.span.end) }; // prettier-ignore
}

describe("constant arithmetic (GNU as values)", () => {
  it("shifts right logically, as GNU as does", () => {
    expect(value("-16 >> 2")).toBe(0x3ffffffffffffffcn);
    expect(value("-1 >> 63")).toBe(1n);
    expect(value("~0 >> 60")).toBe(15n);
    expect(value("1 << 63 >> 63")).toBe(1n);
  });
  it("wraps on overflow", () => {
    expect(value("0x7fffffffffffffff + 1")).toBe(-0x8000000000000000n);
    expect(value("1 << 63")).toBe(-0x8000000000000000n);
    expect(value("0x8000000000000000 * 2")).toBe(0n);
    expect(value("-0x8000000000000000 / -1")).toBe(-0x8000000000000000n);
  });
  it("gives 0 and a warning for shift counts outside 0..63", () => {
    for (const text of ["1 << 64", "100 >> 65", "1 << -1"]) {
      const { result, warnings } = evalText(text);
      expect(result).toEqual({ addend: 0n });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^W2101 shift count out of range/);
    }
  });
  it("divides and takes remainders truncating toward zero", () => {
    expect(value("-7 / 2")).toBe(-3n);
    expect(value("-7 % 2")).toBe(-1n);
    expect(value("7 % -2")).toBe(1n);
    expect(value("-1 / 2")).toBe(0n);
  });
  it("gives -1/0 for comparisons and 1/0 for logical operators", () => {
    expect(value("1 == 1")).toBe(-1n);
    expect(value("1 < 2")).toBe(-1n);
    expect(value("-1 > 0")).toBe(0n);
    expect(value("-1 < 0")).toBe(-1n);
    expect(value("-3 >= -2")).toBe(0n);
    expect(value("2 <= 2")).toBe(-1n);
    expect(value("1 <> 2")).toBe(-1n);
    expect(value("5 <> 5")).toBe(0n);
    expect(value("5 != 4")).toBe(-1n);
    expect(value("2 && 3")).toBe(1n);
    expect(value("0 || 5")).toBe(1n);
    expect(value("0 || 0")).toBe(0n);
    expect(value("!5")).toBe(0n);
    expect(value("!0")).toBe(1n);
    expect(value("!!5")).toBe(1n);
    expect(value("~0")).toBe(-1n);
  });
  it("warns about division and modulo by zero and divides by 1, as GNU as does", () => {
    for (const [text, v] of [
      ["5 / 0", 5n],
      ["1 + 5 % (2 - 2)", 1n],
    ] as const) {
      const { result, warnings } = evalText(text);
      expect(result).toEqual({ addend: v });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/^W2102 division by zero/);
    }
  });
});

describe("symbols and sections", () => {
  it("adds constants to locations", () => {
    expect(evalText("a + 4").result).toEqual(at(TEXT, 0x14n));
    expect(evalText("4 + a").result).toEqual(at(TEXT, 0x14n));
    expect(evalText("a - 4").result).toEqual(at(TEXT, 0xcn));
    expect(evalText("abs * 2").result).toEqual({ addend: 200n });
  });
  it("folds the difference of two locations in one section", () => {
    expect(evalText("b - a").result).toEqual({ addend: 0x30n });
    expect(evalText("(b - a) * 2").result).toEqual({ addend: 0x60n });
    expect(evalText("b - 1b").result).toEqual({ addend: 0x20n });
  });
  it("keeps a difference across sections as add and sub (a PC-relative relocation)", () => {
    expect(evalText("a - .", at(DATA, 4n)).result).toEqual({
      addend: 0xcn,
      add: { kind: "section", section: TEXT },
      sub: { kind: "section", section: DATA },
    });
  });
  it("folds `0 - a + b` through an intermediate negative base", () => {
    expect(evalText("0 - a + b").result).toEqual({ addend: 0x30n });
    expect(evalText("-a + b").result).toEqual({ addend: 0x30n });
  });
  it("returns undefined symbols as an undef base, and cancels the same undefined symbol", () => {
    expect(evalText("ext + 8").result).toEqual({ addend: 8n, add: { kind: "undef", name: "ext" } });
    expect(evalText("ext - ext").result).toEqual({ addend: 0n });
    expect(evalText("2f + 1").result).toEqual(at(DATA, 0x31n));
  });
  it("compares locations in the same section", () => {
    expect(evalText("a < b").result).toEqual({ addend: -1n });
    expect(evalText("b - a > 0").result).toEqual({ addend: -1n });
    expect(evalText("a == a + 0").result).toEqual({ addend: -1n });
  });
  it("rejects what cannot be a constant or a relocation", () => {
    expect(failure("a * 2")).toMatchObject({ code: "E2102", span: "a * 2" });
    expect(failure("a + b")).toMatchObject({ code: "E2102", span: "a + b" });
    expect(failure("a + d")).toMatchObject({ code: "E2102" });
    expect(failure("a < d")).toMatchObject({ code: "E2102" });
    expect(failure("~a")).toMatchObject({ code: "E2102", span: "~a" });
    expect(failure("ext && 1")).toMatchObject({ code: "E2102" });
    expect(failure("1 + (a | 1)")).toMatchObject({ code: "E2102", span: "(a | 1)" });
  });
});

describe("registers", () => {
  it("compares registers by identity", () => {
    expect(value("%rsp == %rsp")).toBe(-1n);
    expect(value("%rsp == %rax")).toBe(0n);
    expect(value("%rsp != %rax")).toBe(-1n);
    expect(value("%rsp <> %RSP")).toBe(0n);
    expect(value("%eax == %rax")).toBe(0n);
  });
  it("evaluates a bare register to a value carrying it", () => {
    expect(evalText("%rdi").result).toMatchObject({ addend: 0n, reg: { name: "rdi" } });
  });
  it("rejects registers in any other arithmetic", () => {
    expect(failure("%rax + 1")).toMatchObject({ code: "E2103", span: "%rax + 1" });
    expect(failure("%rax < %rbx")).toMatchObject({ code: "E2103" });
    expect(failure("-%rax")).toMatchObject({ code: "E2103" });
    expect(failure("%rax == 0")).toMatchObject({ code: "E2103" });
  });
});
