// Conditional inclusion (C11 6.10.1) and #if expression evaluation in 64-bit intmax_t.
import { describe, expect, it } from "vitest";
import { diagList, run } from "./helpers.js";

/** The value of a #if expression as the preprocessor sees it: "yes" or "no". */
function ifValue(expr: string, prelude = ""): string {
  const r = run(`${prelude}#if ${expr}\nyes\n#else\nno\n#endif\n`, { mode: "c" });
  expect(r.diags.filter((d) => d.severity === "error")).toEqual([]);
  return r.nonBlank.join(" ");
}

describe("cpp conditionals", () => {
  it("selects #if/#elif/#else branches and skips nested groups in skipped ones", () => {
    const src = "#if 0\n#if 1\na\n#else\nb\n#endif\n#elif 2\nc\n#elif 3\nd\n#else\ne\n#endif\n";
    expect(run(src).nonBlank).toEqual(["c"]);
  });

  it("tests #ifdef/#ifndef and defined X / defined(X)", () => {
    const src =
      "#define A\n#ifdef A\na\n#endif\n#ifndef B\nb\n#endif\n" +
      "#if defined A && !defined(B) && defined ( A )\nc\n#endif\n";
    expect(run(src).nonBlank).toEqual(["a", "b", "c"]);
  });

  it("treats undefined identifiers as 0 after expanding macros", () => {
    expect(ifValue("X + 1 == 1")).toBe("yes");
    expect(ifValue("Y == 3", "#define Y 1 + 2\n")).toBe("yes");
  });

  it("uses C precedence, not gas's", () => {
    expect(ifValue("(2 | 1 + 1) == 2")).toBe("yes");
    expect(ifValue("1 << 2 + 1 == 8")).toBe("yes");
    expect(ifValue("10 - 2 - 3 == 5 && 2 * 3 % 4 == 2")).toBe("yes");
    expect(ifValue("(1 ? 2 : 3 ? 4 : 5) == 2 && (0 ? 1 : 0 ? 2 : 3) == 3")).toBe("yes");
  });

  it("evaluates in 64 bits with unsigned arithmetic when an operand is unsigned", () => {
    expect(ifValue("-1 < 0")).toBe("yes");
    expect(ifValue("-1 < 0u")).toBe("no");
    expect(ifValue("0xffffffffffffffff == -1")).toBe("yes");
    expect(ifValue("0xffffffffffffffff > 0")).toBe("yes");
    expect(ifValue("(1 << 63) < 0")).toBe("yes");
    expect(ifValue("-1 >> 63 == -1 && -1u >> 63 == 1")).toBe("yes");
    expect(ifValue("4294967296 * 4294967296ULL == 0")).toBe("yes");
  });

  it("reads octal, hex, binary and suffixed constants", () => {
    expect(ifValue("010 == 8 && 0x10 == 16 && 0b101 == 5 && 10UL == 10 && 7llu == 7")).toBe("yes");
  });

  it("reads character constants as signed char", () => {
    expect(ifValue("'a' == 97 && '\\n' == 10 && '\\0' == 0 && '\\x41' == 65")).toBe("yes");
    expect(ifValue("'\\377' < 0 && '\\xff' == -1 && 'ab' == 0x6162")).toBe("yes");
  });

  it("short-circuits && || ?: without diagnosing the unevaluated side", () => {
    const r = run("#if 0 && 1 / 0\n#elif 1 || 1 / 0\nok\n#endif\n#if 1 ? 2 : 1 / 0\nok2\n#endif\n");
    expect(r.nonBlank).toEqual(["ok", "ok2"]);
    expect(r.diags).toEqual([]);
  });

  it("reports division by zero at the operator and treats the #if as false", () => {
    const r = run("#if 1 / 0\na\n#else\nb\n#endif\n#if 2 % (1 - 1)\n#endif\n");
    expect(r.nonBlank).toEqual(["b"]);
    expect(diagList(r)).toEqual([
      "E1019 main.S:1:7 division by zero in #if",
      "E1019 main.S:6:7 division by zero in #if",
    ]);
  });

  it("reports malformed expressions", () => {
    const cases: Array<[string, string]> = [
      ["#if\n#endif\n", "E1018 main.c:1:1 #if with no expression"],
      ["#if (1\n#endif\n", "E1018 main.c:1:6 missing ')' in expression"],
      ["#if 1 2\n#endif\n", 'E1018 main.c:1:7 missing binary operator before token "2"'],
      ["#if 1.0\n#endif\n", "E1018 main.c:1:5 floating constant in preprocessor expression"],
      [
        '#if "s"\n#endif\n',
        'E1018 main.c:1:5 token ""s"" is not valid in preprocessor expressions',
      ],
      ["#if defined\n#endif\n", 'E1018 main.c:1:5 operator "defined" requires an identifier'],
      ["#if defined(X\n#endif\n", `E1018 main.c:1:13 missing ')' after "defined"`],
      ["#if 1 ? 2\n#endif\n", "E1018 main.c:1:9 '?' without following ':'"],
      ["#if 12zz\n#endif\n", 'E1018 main.c:1:5 invalid suffix "zz" on integer constant'],
    ];
    for (const [src, want] of cases) expect(diagList(run(src, { mode: "c" }))).toEqual([want]);
  });

  it("warns about signed overflow and too-large constants", () => {
    expect(diagList(run("#if 0x7fffffffffffffff + 1\n#endif\n"))).toEqual([
      "W1007 main.S:1:24 integer overflow in preprocessor expression",
    ]);
    expect(diagList(run("#if 18446744073709551616\n#endif\n")).map((d) => d.slice(0, 5))).toEqual([
      "W1008",
    ]);
    expect(diagList(run("#if 9223372036854775808 > 0\n#endif\n"))).toEqual([
      "W1008 main.S:1:5 integer constant is so large that it is unsigned",
    ]);
  });

  it("diagnoses unbalanced conditionals", () => {
    expect(diagList(run("#if 1\n#else\n#else\n#endif\n"))).toEqual([
      "E1003 main.S:3:1 #else after #else",
    ]);
    expect(diagList(run("#if 1\n#else\n#elif 1\n#endif\n"))).toEqual([
      "E1004 main.S:3:1 #elif after #else",
    ]);
    expect(diagList(run("#endif\n"))).toEqual(["E1005 main.S:1:1 #endif without #if"]);
    expect(diagList(run("#else\n"))).toEqual(["E1006 main.S:1:1 #else without #if"]);
    expect(diagList(run("\n#elif 1\n"))).toEqual(["E1007 main.S:2:1 #elif without #if"]);
    expect(diagList(run("a\n  #ifdef X\n"))).toEqual(["E1002 main.S:2:3 unterminated #ifdef"]);
  });

  it("warns about extra tokens after #else and #endif", () => {
    expect(diagList(run("#ifdef A\n#else junk\n#endif X\n"))).toEqual([
      "W1003 main.S:2:7 extra tokens at end of #else directive",
      "W1003 main.S:3:8 extra tokens at end of #endif directive",
    ]);
  });

  it("ignores unknown directives, #error and bad includes in skipped groups", () => {
    const r = run('#if 0\n#error no\n#include "missing.h"\n#bogus\n#define X 1\n#endif\nX\n', {
      mode: "c",
    });
    expect(r.diags).toEqual([]);
    expect(r.nonBlank).toEqual(["X"]);
  });

  it("evaluates __has_include for quoted and angle names, and counts it as defined", () => {
    const files = { "here.h": "", "inc/sys/there.h": "" };
    const src =
      '#if defined(__has_include) && __has_include("here.h") && __has_include(<sys/there.h>)\n' +
      "yes\n#endif\n" +
      '#if __has_include("nope.h") || __has_include(<here.h>)\nno\n#endif\n#if __has_include\n#endif\n';
    const r = run(src, { files, includePaths: ["inc"] });
    expect(r.nonBlank).toEqual(["yes"]);
    expect(diagList(r)).toEqual([
      "E1018 main.S:7:5 __has_include requires a header name in parentheses",
    ]);
  });

  it("sees an #endif hidden in a comment as a comment", () => {
    const r = run("#if 0\n/*\n#endif\n*/\n#endif\nshown\n");
    expect(r.nonBlank).toEqual(["shown"]);
    expect(r.diags).toEqual([]);
  });
});
