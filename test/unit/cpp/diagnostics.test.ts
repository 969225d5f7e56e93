// Every cpp diagnostic: its code, its position and its message.
import { describe, expect, it } from "vitest";
import { diagList, run } from "./helpers.js";

const c = (src: string) => diagList(run(src, { mode: "c" }));

describe("cpp diagnostics", () => {
  it("E1001 unterminated comment at its start", () => {
    expect(c("a\n  /* never\nclosed\n")).toEqual(["E1001 main.c:2:3 unterminated comment"]);
  });

  it("E1008 unterminated argument list, at end of file and at a directive", () => {
    expect(c("#define F(x) x\nF(1,\n")).toEqual([
      'E1008 main.c:2:1 unterminated argument list invoking macro "F"',
    ]);
    expect(c("#define F(x) x\nF(1\n#define Y\n)\n")).toEqual([
      'E1008 main.c:2:1 unterminated argument list invoking macro "F"',
    ]);
  });

  it("E1011 ## at either end of a body", () => {
    expect(c("#define A ## x\n#define B(x) x ##\n")).toEqual([
      "E1011 main.c:1:11 '##' cannot appear at either end of a macro expansion",
      "E1011 main.c:2:16 '##' cannot appear at either end of a macro expansion",
    ]);
  });

  it("E1013 #error and W1002 #warning carry their message", () => {
    expect(c("#error stop  here\n#warning careful\n")).toEqual([
      "E1013 main.c:1:1 #error stop here",
      "W1002 main.c:2:1 #warning careful",
    ]);
  });

  it("E1015 bad macro names and E1025 defined", () => {
    expect(c("#define\n#define 3\n#undef\n#ifdef 1\n#endif\n#define defined\n")).toEqual([
      "E1015 main.c:1:1 no macro name given in #define directive",
      "E1015 main.c:2:9 macro names must be identifiers",
      "E1015 main.c:3:1 no macro name given in #undef directive",
      "E1015 main.c:4:8 macro names must be identifiers",
      'E1025 main.c:6:9 "defined" cannot be used as a macro name',
    ]);
  });

  it("E1016 wrong argument count, with a note at the definition", () => {
    const r = run("#define F(a, b) a\nF(1)\nF(1, 2, 3)\n", { mode: "c" });
    expect(diagList(r)).toEqual([
      'E1016 main.c:2:1 macro "F" requires 2 arguments, but only 1 given',
      'E1016 main.c:3:1 macro "F" passed 3 arguments, but takes just 2',
    ]);
    expect(r.sources.format(r.diags[0]!.notes![0]!.loc!)).toBe("main.c:1:9");
  });

  it("E1017 # not followed by a parameter in C", () => {
    expect(c("#define S(x) # y\n")).toEqual([
      "E1017 main.c:1:14 '#' is not followed by a macro parameter",
    ]);
  });

  it("E1021 malformed parameter lists and E1024 duplicate parameters", () => {
    expect(
      c("#define F(a b) a\n#define G(a,) a\n#define H(a, a) a\n#define I(a... , b)\n"),
    ).toEqual([
      "E1021 main.c:1:13 expected ',' or ')' in macro parameter list",
      'E1021 main.c:2:13 expected parameter name, found ")"',
      'E1024 main.c:3:14 duplicate macro parameter "a"',
      "E1021 main.c:4:16 missing ')' in macro parameter list",
    ]);
  });

  it("E1022 bad #line and line markers in C", () => {
    expect(c("#line x\n#line 5 foo\n# 5 bar\n")).toEqual([
      'E1022 main.c:1:7 "x" after #line is not a positive integer',
      'E1022 main.c:2:9 invalid filename "foo"',
      "E1022 main.c:3:3 invalid line marker",
    ]);
  });

  it("W1006 undefining a builtin and W1003 extra tokens after #undef", () => {
    expect(c("#undef __LINE__\n#undef X Y\n")).toEqual([
      'W1006 main.c:1:8 undefining "__LINE__"',
      "W1003 main.c:2:10 extra tokens at end of #undef directive",
    ]);
  });

  it("reports diagnostics from -D at the command line", () => {
    const r = run("x\n", { defines: [{ name: "3bad" }] });
    expect(diagList(r)).toEqual(["E1015 <command-line>:1:9 macro names must be identifiers"]);
  });
});
