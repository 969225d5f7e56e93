// Lexical behaviour: pass-through, comments, splices, literals, line accounting.
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";

describe("cpp lexical phases", () => {
  it("passes plain lines through verbatim, one output line per input line", () => {
    const src = "\tmovq\t%rax, %rbx\n1:\tjmp 1b\n\n.quad 0x10\n";
    const r = run(src);
    expect(r.result.lines.map((l) => l.text)).toEqual([
      "\tmovq\t%rax, %rbx",
      "1:\tjmp 1b",
      "",
      ".quad 0x10",
    ]);
  });

  it("keeps a last line without a newline and drops a CR before LF", () => {
    const r = run("a\r\nb");
    expect(r.result.lines.map((l) => l.text)).toEqual(["a", "b"]);
  });

  it("replaces a block comment by a space and keeps line count across a multi-line one", () => {
    const r = run("a /* one\ntwo */ b\nc\n");
    expect(r.result.lines.map((l) => l.text.replace(/\s+/g, " "))).toEqual(["a b", "", "c"]);
  });

  it("removes // comments", () => {
    expect(run("x // gone\ny\n").result.lines.map((l) => l.text.trimEnd())).toEqual(["x", "y"]);
  });

  it("joins backslash-newline continuations onto the first line", () => {
    const r = run("#define X 7\nmov\\\nq $X, %rax\nnext\n");
    expect(r.result.lines.map((l) => l.text)).toEqual(["", "movq $7, %rax", "", "next"]);
  });

  it("warns when a backslash and the newline are separated by spaces", () => {
    const r = run("a \\  \nb\n");
    expect(r.nonBlank).toEqual(["a b"]);
    expect(r.diags.map((d) => d.code)).toEqual(["W1004"]);
  });

  it("does not expand macros or see comments inside string and char literals", () => {
    const r = run("#define X 1\n\"X /* no */\" 'X' X\n", { mode: "c" });
    expect(r.nonBlank).toEqual(["\"X /* no */\" 'X' 1"]);
  });

  it("treats a comment start inside a string as text", () => {
    const r = run('.ascii "/*"\nnext\n');
    expect(r.nonBlank).toEqual(['.ascii "/*"', "next"]);
  });

  it("does not treat a // comment that ends a line as spliced unless it ends in a backslash", () => {
    const r = run("a // c \\\nstill comment\nb\n", { mode: "c" });
    expect(r.nonBlank).toEqual(["a", "b"]);
    expect(r.diags.map((d) => d.code)).toEqual(["W1009"]);
  });

  it("warns about an unterminated quote in C mode only", () => {
    expect(run("it's\n", { mode: "c" }).diags.map((d) => d.code)).toEqual(["W1005"]);
    expect(run("movb $'a, %al\n", { mode: "asm" }).diags).toEqual([]);
  });
});
