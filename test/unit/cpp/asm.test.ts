// assembler-with-cpp mode: `#` comments, gas character constants, `$` immediates, markers.
import { describe, expect, it } from "vitest";
import { diagList, run } from "./helpers.js";

describe("cpp in asm mode", () => {
  it("passes a # line that is not a directive through as a gas comment, expanding macros", () => {
    const r = run("#define X 5\n# comment about X\n  #foo bar\n");
    expect(r.nonBlank).toEqual(["# comment about 5", "#foo bar"]);
    expect(r.diags).toEqual([]);
  });

  it("rejects the same unknown directive in C mode", () => {
    expect(diagList(run("#foo bar\n", { mode: "c" }))).toEqual([
      "E1010 main.c:1:2 invalid preprocessing directive #foo",
    ]);
  });

  it("keeps a # later on a line and still expands before it", () => {
    expect(run("#define X 5\nmovq $X, %rax # X\n").nonBlank).toEqual(["movq $5, %rax # 5"]);
  });

  it("does not treat $ as an identifier character, so $X expands (as gcc)", () => {
    expect(run("#define X 5\nfoo$X $X\n").nonBlank).toEqual(["foo$5 $5"]);
    expect(run("#define X 5\nfoo$X $X\n", { mode: "c" }).nonBlank).toEqual(["foo$X $X"]);
  });

  it("accepts an unbalanced gas character constant, which runs to the end of the line", () => {
    const r = run("#define X 5\nmovb $'a, %al # X\nmovb $'b', %bl ; X\n");
    expect(r.nonBlank).toEqual(["movb $'a, %al # X", "movb $'b', %bl ; 5"]);
    expect(r.diags).toEqual([]);
  });

  it("allows # not followed by a parameter in a function-like body", () => {
    const r = run("#define F(a) # a #b\nF(1)\n");
    expect(r.nonBlank).toEqual(['"1" #b']);
    expect(r.diags).toEqual([]);
  });

  it("accepts an invalid paste silently and prints the tokens glued", () => {
    const r = run("#define CAT(a, b) a ## b\nCAT(-, 1) CAT(., L1)\n");
    expect(r.nonBlank).toEqual(["-1 .L1"]);
    expect(r.diags).toEqual([]);
    expect(diagList(run("#define CAT(a, b) a ## b\nCAT(-, 1)\n", { mode: "c" }))).toEqual([
      'E1012 main.c:2:5 pasting "-" and "1" does not give a valid preprocessing token',
    ]);
  });

  it("does not mistake a comment like `# 32 bit mode` for a line marker", () => {
    const r = run("# 32 bit mode\n__LINE__\n");
    expect(r.nonBlank).toEqual(["# 32 bit mode", "2"]);
  });

  it("passes line markers through as comments without renumbering, as gcc does", () => {
    const r = run('# 12 "entry.S"\n__LINE__ __FILE__\n# 40\n__LINE__ __FILE__\n');
    expect(r.nonBlank).toEqual(['# 12 "entry.S"', '2 "main.S"', "# 40", '4 "main.S"']);
  });

  it("accepts line markers in preprocessed (.i) input", () => {
    const r = run('# 12 "entry.S"\n__LINE__ __FILE__\n# 40\n__LINE__ __FILE__\n', { name: "m.i" });
    expect(r.nonBlank).toEqual(['12 "entry.S"', '40 "entry.S"']);
  });

  it("does not read local label references as identifiers", () => {
    expect(run("#define f 0\n#define b 0\njmp 1f\njne 22b\n").nonBlank).toEqual([
      "jmp 1f",
      "jne 22b",
    ]);
  });
});
