// Macro definition and expansion (C11 6.10.3) and the GNU extensions kernel headers use.
import { describe, expect, it } from "vitest";
import { diagList, run } from "./helpers.js";

const c = (src: string) => run(src, { mode: "c" });

describe("cpp macros", () => {
  it("expands object-like macros, including nested ones", () => {
    expect(c("#define A B + 1\n#define B 2\nA\n").nonBlank).toEqual(["2 + 1"]);
  });

  it("expands function-like macros with nested parentheses and commas in arguments", () => {
    expect(c("#define F(a, b) [a|b]\nF((1, 2), f(3))\n").nonBlank).toEqual(["[(1, 2)|f(3)]"]);
  });

  it("does not expand a function-like macro name not followed by (", () => {
    expect(c("#define F(x) x\nF + F\n").nonBlank).toEqual(["F + F"]);
  });

  it("looks for ( on the next lines and joins a multi-line call onto its first line", () => {
    const r = run("#define F(x) <x>\nF\n\n(1 +\n2)\nF\nnext\n", { mode: "asm" });
    expect(r.result.lines.map((l) => l.text.trim())).toEqual([
      "",
      "<1 + 2>",
      "",
      "",
      "",
      "F",
      "next",
    ]);
    expect(r.diags).toEqual([]);
  });

  it("joins an argument list spanning lines", () => {
    const r = c("#define F(a, b) a + b\nF(1,\n  2) tail\nnext\n");
    expect(r.result.lines.map((l) => l.text.replace(/\s+/g, " "))).toEqual([
      "",
      "1 + 2 tail",
      "",
      "next",
    ]);
  });

  it("stringizes with # escaping quotes and backslashes and collapsing whitespace", () => {
    expect(c("#define S(x) #x\nS(  a   \"b\\n\"  'c' ) S()\n").nonBlank).toEqual([
      '"a \\"b\\\\n\\" \'c\'" ""',
    ]);
  });

  it("pastes with ## before rescanning, and the result may be a macro", () => {
    expect(c("#define AB 42\n#define CAT(a, b) a ## b\nCAT(A, B) CAT(x, 1)\n").nonBlank).toEqual([
      "42 x1",
    ]);
  });

  it("does not pre-expand arguments that are operands of # or ##", () => {
    expect(c("#define X 1\n#define S(x) #x\n#define P(x) x ## 2\nS(X) P(X)\n").nonBlank).toEqual([
      '"X" X2',
    ]);
  });

  it("pre-expands ordinary arguments", () => {
    expect(c("#define X 1\n#define S(x) #x\n#define XS(x) S(x)\nXS(X)\n").nonBlank).toEqual([
      '"1"',
    ]);
  });

  it("handles empty arguments next to ## as placemarkers", () => {
    expect(c("#define CAT(a, b) a ## b\n[CAT(, x)] [CAT(x, )] [CAT(, )]\n").nonBlank).toEqual([
      "[x] [x] []",
    ]);
  });

  it("supports __VA_ARGS__, GNU comma elision and named variadic parameters", () => {
    const src =
      "#define V(fmt, ...) f(fmt, ## __VA_ARGS__)\n" +
      "#define W(args...) g(args)\n" +
      "#define A(...) h(__VA_ARGS__)\n" +
      "V(1) V(1, 2, 3) W(1, 2) A() A(a, (b, c))\n";
    expect(c(src).nonBlank).toEqual(["f(1) f(1, 2, 3) g(1, 2) h() h(a, (b, c))"]);
  });

  it("never re-expands a macro inside its own expansion (blue paint, as gcc)", () => {
    const src =
      "#define foo foo bar\n#define bar foo\n#define f(x) f(x) + x\nfoo | bar | f(f(1))\n";
    expect(c(src).nonBlank).toEqual(["foo foo | foo bar | f(f(1) + 1) + f(1) + 1"]);
  });

  it("keeps a painted token unexpanded even when rescanned later (C11 6.10.3.4 example)", () => {
    const src = "#define f(a) a*g\n#define g(a) f(a)\nf(2)(9)\n";
    expect(c(src).nonBlank).toEqual(["2*9*g"]);
  });

  it("lets a function-like name at the end of an expansion take ( from the text after it", () => {
    expect(c("#define F(x) <x>\n#define G F\nG(1)\n").nonBlank).toEqual(["<1>"]);
  });

  it("inserts a space where printing two tokens together would paste them", () => {
    expect(c("#define M -1\n#define E\n-M a-E-b\n").nonBlank).toEqual(["- -1 a- -b"]);
  });

  it("undefines with #undef", () => {
    expect(c("#define X 1\nX\n#undef X\nX\n").nonBlank).toEqual(["1", "X"]);
  });

  it("warns about an incompatible redefinition, not an identical one", () => {
    const r = c("#define X 1\n#define X 1\n#define X  1\n#define X 2\n");
    expect(diagList(r)).toEqual(['W1001 main.c:4:9 "X" redefined']);
    expect(r.sources.format(r.diags[0]!.notes![0]!.loc!)).toBe("main.c:1:9");
  });

  it("applies -D and -U in command-line order, defaulting the value to 1", () => {
    const r = c("A B C F(3)\n");
    expect(r.nonBlank).toEqual(["A B C F(3)"]);
    const d = run("A B C F(3)\n", {
      mode: "c",
      defines: [
        { name: "A" },
        { name: "B", value: "x y" },
        { name: "C", value: "" },
        { undef: "A" },
        { name: "F(v)", value: "v*v" },
      ],
    });
    expect(d.nonBlank).toEqual(["A x y 3*3"]);
  });

  it("expands the dynamic builtins", () => {
    const r = c(
      '__LINE__ __FILE__\n__COUNTER__ __COUNTER__ __INCLUDE_LEVEL__\n#line 40 "x.c"\n__LINE__ __FILE__\n',
    );
    expect(r.nonBlank).toEqual(['1 "main.c"', "0 1 0", '40 "x.c"']);
  });

  it("gives __LINE__ in a multi-line call the line of each spelling, and the body the call's line", () => {
    const r = c("#define f(a, b) a b __LINE__\nf(__LINE__,\n\n __LINE__) __LINE__\n");
    expect(r.nonBlank).toEqual(["2 4 2 4"]);
  });

  it("predefines __ASSEMBLER__ only for .S and __STDC__ only for C", () => {
    const src = "__ASSEMBLER__ __STDC__ __x86_64__ __LP64__ __SIZEOF_LONG__ __CHAR_BIT__\n";
    expect(run(src, { mode: "asm" }).nonBlank).toEqual(["1 __STDC__ 1 1 8 8"]);
    expect(run(src, { mode: "c" }).nonBlank).toEqual(["__ASSEMBLER__ 1 1 1 8 8"]);
  });
});
