// parseLine: statements, labels, operands of every shape, directives and their arguments,
// literals, comments and `;`. Expression values are checked through the evaluator against what
// GNU as 2.40 assembles for the same text on this host.
import { describe, expect, it } from "vitest";
import { parseLine } from "../../../src/asm/parse-line.js";
import { args, directive, expr, insn, ok, one, operands, under, value } from "./parse-helpers.js";

describe("statements and labels", () => {
  it("parses a label alone", () => {
    expect(ok("foo:")).toEqual([{ kind: "label", name: "foo", span: { start: 0, end: 4 } }]);
  });
  it("parses several labels before an instruction", () => {
    const s = ok("foo: bar: nop");
    expect(s.map((x) => x.kind)).toEqual(["label", "label", "insn"]);
    expect(s.map((x) => (x.kind === "label" ? x.name : ""))).toEqual(["foo", "bar", ""]);
  });
  it("parses .L local labels and numeric labels, including a space before the colon", () => {
    const s = ok(".Lfoo: 1: 771: 0 :");
    expect(s.map((x) => (x.kind === "label" ? x.name : "?"))).toEqual([".Lfoo", "1", "771", "0"]);
    expect(under(".Lfoo: 1: 771: 0 :", s[3]!.span)).toBe("0 :");
  });
  it("normalises leading zeros of numeric labels", () => {
    expect(one("01:")).toMatchObject({ kind: "label", name: "1" });
  });
  it("parses a label before a directive", () => {
    const s = ok("2: .long 1");
    expect(s.map((x) => x.kind)).toEqual(["label", "directive"]);
  });
  it("parses assignments, including to `.`", () => {
    const a = one("x = 2 | 1 + 1");
    expect(a).toMatchObject({ kind: "assign", name: "x" });
    expect(a.span).toEqual({ start: 0, end: 13 });
    expect(one(". = 0x100")).toMatchObject({ kind: "assign", name: "." });
    expect(one(".Lsize = 8")).toMatchObject({ kind: "assign", name: ".Lsize" });
  });
  it("returns nothing for blank lines, comments and empty statements", () => {
    expect(ok("")).toEqual([]);
    expect(ok("   \t ")).toEqual([]);
    expect(ok("# a comment")).toEqual([]);
    expect(ok(";;")).toEqual([]);
    expect(ok("/* c */")).toEqual([]);
  });
  it("splits statements at `;` with spans relative to the whole line", () => {
    const s = ok("popq %rax; swapgs ;sysretq");
    expect(s.map((x) => (x.kind === "insn" ? x.mnemonic : ""))).toEqual(["popq", "swapgs", "sysretq"]); // prettier-ignore
    expect(under("popq %rax; swapgs ;sysretq", s[2]!.span)).toBe("sysretq");
  });
  it("does not split at `;` inside strings or char constants", () => {
    expect(args('.ascii "a;b"')).toMatchObject([{ kind: "string", value: "a;b" }]);
    expect(value("';'")).toBe(59n);
  });
  it("ends a statement at `#` but not at `#` in a string", () => {
    expect(insn("movq %rax, %rbx # copy ; not a statement").operands).toHaveLength(2);
    expect(args('.ascii "#x" # c')).toMatchObject([{ kind: "string", value: "#x" }]);
  });
  it("skips /* */ comments inside a line", () => {
    expect(operands("movq /* src */ %rax, /* dst */ %rbx")).toHaveLength(2);
  });
});

describe("instructions", () => {
  it("lower-cases mnemonics and registers", () => {
    const i = insn("MOVQ %RAX, %Rbx");
    expect(i.mnemonic).toBe("movq");
    expect(i.operands.map((o) => (o.kind === "reg" ? o.reg.name : ""))).toEqual(["rax", "rbx"]);
    expect(i.mnemonicSpan).toEqual({ start: 0, end: 4 });
  });
  it("parses instructions without operands", () => {
    expect(insn("swapgs")).toMatchObject({ mnemonic: "swapgs", operands: [], prefixes: [] });
  });
  it("parses prefixes before the mnemonic", () => {
    const i = insn("lock incq (%rax)");
    expect(i.prefixes).toEqual([{ name: "lock", span: { start: 0, end: 4 } }]);
    expect(i.mnemonic).toBe("incq");
    expect(i.span).toEqual({ start: 0, end: 16 });
    expect(insn("rep stosb").prefixes.map((p) => p.name)).toEqual(["rep"]);
    expect(insn("REPNZ scasb").prefixes.map((p) => p.name)).toEqual(["repnz"]);
  });
  it("parses `lock;` as an instruction named lock followed by another statement", () => {
    const s = ok("lock; incq (%rax)");
    expect(s.map((x) => (x.kind === "insn" ? [x.mnemonic, x.operands.length] : []))).toEqual([
      ["lock", 0],
      ["incq", 1],
    ]);
  });
  it("does not treat a prefix-like name before an operand as a prefix", () => {
    expect(insn("rep %rax")).toMatchObject({ mnemonic: "rep", prefixes: [] });
  });
});

describe("operands", () => {
  it("parses registers of every class", () => {
    const names = ["%rax", "%r8d", "%r15w", "%sil", "%ah", "%r8b", "%gs", "%cr3", "%cr8", "%rip"];
    for (const n of names) {
      const [o] = operands(`mov ${n}`);
      expect(o).toMatchObject({ kind: "reg", reg: { name: n.slice(1) } });
    }
  });
  it("parses immediates with expressions, symbols and char constants", () => {
    const text = "pushq $(1 << 3) + sym";
    const [o] = operands(text);
    expect(o!.kind).toBe("imm");
    expect(under(text, o!.span)).toBe("$(1 << 3) + sym");
    expect(operands("movb $'a', %al")[0]).toMatchObject({ kind: "imm", expr: { kind: "num", value: 97n } }); // prettier-ignore
    expect(operands("mov $-1, %eax")[0]).toMatchObject({ kind: "imm", expr: { kind: "unary", op: "-" } }); // prettier-ignore
  });
  it("parses base, index and scale with a negative displacement", () => {
    const text = "leaq -8(%rbp,%rcx,4), %rax";
    const [m] = operands(text);
    expect(m).toMatchObject({ kind: "mem", base: { name: "rbp" }, index: { name: "rcx" }, scale: 4 }); // prettier-ignore
    expect(under(text, m!.span)).toBe("-8(%rbp,%rcx,4)");
    if (m!.kind !== "mem") throw new Error();
    expect(under(text, m.disp!.span)).toBe("-8");
  });
  it("parses a base alone, an index without base, and an omitted scale", () => {
    expect(operands("mov (%rax), %rbx")[0]).toMatchObject({ kind: "mem", base: { name: "rax" }, scale: 1 }); // prettier-ignore
    const [noBase] = operands("mov (, %rax, 8), %rbx");
    expect(noBase).toMatchObject({ kind: "mem", index: { name: "rax" }, scale: 8 });
    expect(noBase).not.toHaveProperty("base");
    expect(operands("mov (%rax,%rbx), %rcx")[0]).toMatchObject({ index: { name: "rbx" }, scale: 1 }); // prettier-ignore
    expect(operands("mov (%rax,%rbx,), %rcx")[0]).toMatchObject({ index: { name: "rbx" }, scale: 1 }); // prettier-ignore
  });
  it("parses %rip-relative operands", () => {
    const [m] = operands("leaq sym+8(%rip), %rax");
    expect(m).toMatchObject({ kind: "mem", base: { name: "rip" }, disp: { kind: "binary", op: "+" } }); // prettier-ignore
  });
  it("parses segment overrides with no base as an absolute displacement", () => {
    const text = "movq %gs:cpu_tss_rw+8, %rsp";
    const [m] = operands(text);
    expect(m).toMatchObject({ kind: "mem", seg: { name: "gs" }, disp: { kind: "binary" } });
    expect(m).not.toHaveProperty("base");
    expect(under(text, m!.span)).toBe("%gs:cpu_tss_rw+8");
  });
  it("parses segment overrides before a base/index part", () => {
    expect(operands("mov %fs:(%rax), %rbx")[0]).toMatchObject({ seg: { name: "fs" }, base: { name: "rax" } }); // prettier-ignore
    expect(operands("mov %gs:16(%rax), %rbx")[0]).toMatchObject({ seg: { name: "gs" }, disp: { value: 16n } }); // prettier-ignore
  });
  it("parses a bare expression as a memory operand with only a displacement", () => {
    const [m] = operands("jmp 1f");
    expect(m).toEqual({
      kind: "mem",
      scale: 1,
      disp: { kind: "localref", label: "1", dir: "f", span: { start: 4, end: 6 } },
      span: { start: 4, end: 6 },
    });
    expect(operands("call do_syscall_64")[0]).toMatchObject({ kind: "mem", disp: { kind: "sym", name: "do_syscall_64" } }); // prettier-ignore
  });
  it("parses a parenthesised displacement before the base part", () => {
    const [m] = operands("mov (1+2)*4(%rax), %rbx");
    expect(m).toMatchObject({ kind: "mem", base: { name: "rax" }, disp: { kind: "binary", op: "*" } }); // prettier-ignore
    expect(operands("mov (foo), %rbx")[0]).toMatchObject({ kind: "mem", disp: { kind: "sym", name: "foo" } }); // prettier-ignore
  });
  it("parses indirect register and memory targets", () => {
    const text = "jmp *%rax";
    const [r] = operands(text);
    expect(r).toMatchObject({ kind: "indirect", target: { kind: "reg", reg: { name: "rax" } } });
    expect(under(text, r!.span)).toBe("*%rax");
    const [m] = operands("call *sys_call_table(,%rax,8)");
    expect(m).toMatchObject({ kind: "indirect", target: { kind: "mem", index: { name: "rax" }, scale: 8 } }); // prettier-ignore
    expect(operands("jmp *%gs:8")[0]).toMatchObject({ kind: "indirect", target: { seg: { name: "gs" } } }); // prettier-ignore
  });
  it("parses 32-bit registers as base and index (the driver rejects them)", () => {
    expect(operands("mov (%eax,%ebx,2), %ecx")[0]).toMatchObject({ base: { name: "eax", size: 32 }, index: { name: "ebx" } }); // prettier-ignore
  });
  it("accepts a scale written as a constant expression", () => {
    expect(operands("mov (,%rax,2*2), %rbx")[0]).toMatchObject({ scale: 4 });
  });
});

describe("directives", () => {
  it("lower-cases the name and keeps the raw rest", () => {
    const d = directive(".LONG 1, 2 # c");
    expect(d.name).toBe(".long");
    expect(d.rest).toBe("1, 2");
    expect(d.restSpan).toEqual({ start: 6, end: 10 });
    expect(d.span).toEqual({ start: 0, end: 10 });
  });
  it("parses directives with no arguments", () => {
    expect(directive(".text")).toMatchObject({ args: [], rest: "", restSpan: { start: 5, end: 5 } }); // prettier-ignore
  });
  it("parses empty arguments", () => {
    const a = args(".p2align 4,,15");
    expect(a.map((x) => x.kind)).toEqual(["expr", "empty", "expr"]);
    expect(a[1]!.span).toEqual({ start: 11, end: 11 });
    expect(args(".byte 1,").map((x) => x.kind)).toEqual(["expr", "empty"]);
  });
  it("parses @type and %type arguments without the sigil", () => {
    expect(args(".type foo, @function")[1]).toMatchObject({ kind: "type", name: "function" });
    expect(args(".type foo, %object")[1]).toMatchObject({ kind: "type", name: "object" });
    // The comma is optional in `.type`: without it the driver reads `rest`.
    const noComma = directive(".type foo STT_FUNC");
    expect(noComma.args).toBeUndefined();
    expect(noComma.rest).toBe("foo STT_FUNC");
  });
  it("parses section names with dots as symbol expressions", () => {
    const a = args('.section .text..foo, "ax"');
    expect(a[0]).toMatchObject({ kind: "expr", expr: { kind: "sym", name: ".text..foo" } });
    expect(a[1]).toMatchObject({ kind: "string", value: "ax" });
    expect(args('.pushsection .altinstr_replacement, "ax"')[0]).toMatchObject({ expr: { name: ".altinstr_replacement" } }); // prettier-ignore
    expect(args('.section .entry.text, "ax", @progbits')[2]).toMatchObject({ kind: "type", name: "progbits" }); // prettier-ignore
  });
  it("parses a section name with `+` as an expression (the driver reads rest)", () => {
    const d = directive(".section .text+foo");
    expect(d.rest).toBe(".text+foo");
    expect(d.args?.[0]).toMatchObject({ kind: "expr", expr: { kind: "binary", op: "+" } });
  });
  it("returns argsError and rest when arguments are not a plain list", () => {
    const d = directive(".ifc a b,c");
    expect(d.args).toBeUndefined();
    expect(d.argsError).toMatchObject({ code: "E2010" });
    expect(d.rest).toBe("a b,c");
    expect(parseLine(".ifc a b,c").errors).toEqual([]);
  });
  it("keeps the labels before a directive whose arguments do not parse", () => {
    const s = ok("foo: .loc 1 23 5");
    expect(s.map((x) => x.kind)).toEqual(["label", "directive"]);
    expect(s[1]).toMatchObject({ name: ".loc", rest: "1 23 5", argsError: { code: "E2010" } });
  });
  it("keeps rest with characters the lexer does not know", () => {
    const d = directive(".ascii `x`");
    expect(d.args).toBeUndefined();
    expect(d.argsError).toMatchObject({ code: "E2001" });
    expect(d.rest).toBe("`x`");
  });
  it("parses register comparisons for .if", () => {
    const [a] = args(".if %rsp == %rsp");
    expect(a).toMatchObject({ kind: "expr", expr: { kind: "binary", op: "==", left: { kind: "reg" } } }); // prettier-ignore
  });
  it("parses PC-relative data", () => {
    expect(args(".long 1b - .")[0]).toMatchObject({
      expr: { kind: "binary", op: "-", left: { kind: "localref", label: "1", dir: "b" }, right: { kind: "dot" } }, // prettier-ignore
    });
  });
  it("parses the ALTERNATIVE padding expression", () => {
    const text = ".skip -(((144f-143f)-(141b-140b)) > 0) * ((144f-143f)-(141b-140b)),0x90";
    const a = args(text);
    expect(a).toHaveLength(2);
    expect(a[0]).toMatchObject({ expr: { kind: "binary", op: "*" } });
    expect(a[1]).toMatchObject({ expr: { kind: "num", value: 0x90n } });
  });
});

describe("literals", () => {
  it("reads decimal, hex, binary and octal numbers", () => {
    expect(value("42")).toBe(42n);
    expect(value("0x1f")).toBe(31n);
    expect(value("0X1F")).toBe(31n);
    expect(value("0b101")).toBe(5n);
    expect(value("0B11")).toBe(3n);
    expect(value("077")).toBe(63n);
    expect(value("0")).toBe(0n);
  });
  it("wraps literals up to 2^64-1 like GNU as", () => {
    expect(value("0xffffffffffffffff")).toBe(-1n);
    expect(value("12345678901234567890")).toBe(-6101065172474983726n);
  });
  it("tells local label references from hex and binary numbers", () => {
    expect(expr("1f")).toMatchObject({ kind: "localref", label: "1", dir: "f" });
    expect(expr("771b")).toMatchObject({ kind: "localref", label: "771", dir: "b" });
    expect(expr("0b")).toMatchObject({ kind: "localref", label: "0", dir: "b" });
    expect(expr("0x1f")).toMatchObject({ kind: "num", value: 31n });
    expect(expr("0b1")).toMatchObject({ kind: "num", value: 1n });
  });
  it("reads char constants with and without the closing quote, with escapes", () => {
    expect(value("'a")).toBe(97n);
    expect(value("'a'")).toBe(97n);
    expect(value("'\\n")).toBe(10n);
    expect(value("'\\n'")).toBe(10n);
    expect(value("'\\\\")).toBe(92n);
    expect(value("'\\''")).toBe(39n);
    expect(value("'\\x41'")).toBe(65n);
    expect(value("' '")).toBe(32n);
  });
  it("decodes string escapes to latin1 bytes", () => {
    const [a] = args('.ascii "\\101\\0\\n\\t\\\\\\"\\b\\f\\r"');
    expect(a).toMatchObject({ kind: "string", value: 'A\0\n\t\\"\b\f\r' });
    expect(args('.ascii "\\x414"')[0]).toMatchObject({ value: "\x14" });
    expect(args('.ascii "\\q"')[0]).toMatchObject({ value: "q" });
    expect(args('.asciz "é"')[0]).toMatchObject({ value: "\xc3\xa9" });
  });
  it("reads symbol names with dots and dollars", () => {
    expect(expr("__x86.indirect_thunk$1")).toMatchObject({ kind: "sym", name: "__x86.indirect_thunk$1" }); // prettier-ignore
  });
});

describe("expression precedence (values from GNU as 2.40)", () => {
  const cases: [string, bigint][] = [
    ["2 | 1 + 1", 4n],
    ["1 + 2 * 3", 7n],
    ["2 * 3 << 1", 12n],
    ["1 << 2 * 3", 12n],
    ["6 & 3 | 8", 10n],
    ["1 | 6 & 3", 3n],
    ["2 ^ 3 & 1", 1n],
    ["3 & 5 ^ 1", 0n],
    ["8 >> 1 + 1", 5n],
    ["1 + 2 << 1 + 1", 6n],
    ["2 + 3 * 4 | 1", 15n],
    ["1 - 2 - 3", -4n],
    ["4 / 2 * 3", 6n],
    ["3 * 4 % 5", 2n],
    ["10 % 3 * 2", 2n],
    ["1 << 3 >> 1", 4n],
    ["0x10 - 1 << 2", 12n],
    ["4 ! 1", -2n],
    ["6 ! 2", -1n],
    ["0 ! 0", -1n],
    ["1 < 2 + 1", -1n],
    ["5 - 1 < 3", 0n],
    ["2 == 1 + 1", -1n],
    ["1 + 1 == 2", -1n],
    ["3 - 1 == 2", -1n],
    ["1 == 1 == -1", -1n],
    ["3 > 2 > 1", 0n],
    ["1 == 1 && 2 == 2", 1n],
    ["1 + 2 == 3 && 4 > 3", 1n],
    ["1 || 0 && 0", 1n],
    ["1 || 1 && 0", 1n],
    ["5 && 0 || 2", 1n],
    ["1 - 1 || 0", 0n],
    ["~1 + 1", -1n],
    ["!1 + 1", 1n],
    ["!0 + !1", 1n],
    ["- - 3", 3n],
    ["1 - -1", 2n],
    ["1 + + 2", 3n],
    ["-(3 + 4)", -7n],
    ["2 * -3", -6n],
    ["'A' + 1", 66n],
    ["'a' + 'b", 195n],
  ];
  for (const [text, want] of cases) {
    it(`${text} = ${want}`, () => expect(value(text)).toBe(want));
  }
  it("builds left-associative trees with spans covering the operands", () => {
    const text = "a - b - c";
    const e = expr(text);
    expect(e).toMatchObject({ kind: "binary", op: "-", left: { kind: "binary", op: "-" }, right: { name: "c" } }); // prettier-ignore
    expect(e.span).toEqual({ start: 6, end: 15 });
  });
  it("widens a parenthesised expression's span over its parentheses", () => {
    const line = ".quad (1 + 2)";
    const e = expr("(1 + 2)");
    expect(under(line, e.span)).toBe("(1 + 2)");
  });
});
