// formatPreprocessed: gcc -E style text with line markers, and re-feeding it to the preprocessor.
import { describe, expect, it } from "vitest";
import { chainOf, run, where } from "./helpers.js";

describe("formatPreprocessed", () => {
  it("writes markers at the start, on entering an include (1) and on returning (2)", () => {
    const r = run('first\n#include "a.h"\nlast\n', { files: { "a.h": "in a\n" } });
    expect(r.formatted).toBe('# 1 "main.S"\nfirst\n# 1 "a.h" 1\nin a\n# 3 "main.S" 2\nlast\n');
  });

  it("keeps short runs of blank lines and replaces long ones by a marker", () => {
    const r = run("a\n\n\nb\n" + "\n".repeat(12) + "c\n");
    expect(r.formatted).toBe('# 1 "main.S"\na\n\n\nb\n# 17 "main.S"\nc\n');
  });

  it("prints a multi-line call on its first line and resynchronises after it", () => {
    const r = run("#define F(a, b) a b\nF(1,\n2)\nnext\n");
    expect(r.formatted).toBe('# 1 "main.S"\n\n1 2\n\nnext\n');
  });

  it("can be fed back: the lines come out the same and point at the original files", () => {
    const files = { "inc/a.h": "#define A(x) x + 1\nin_a A(2)\n" };
    const first = run('top\n#include "a.h"\nbottom\n', { files, includePaths: ["inc"] });
    const again = run(first.formatted, { name: "main.i" });
    expect(again.nonBlank).toEqual(first.nonBlank);
    const inA = again.result.lines.find((l) => l.text.includes("in_a"))!;
    expect(where(again, inA.origin)).toBe("inc/a.h:2:1");
    expect(chainOf(again, inA.origin)).toEqual(["include inc/a.h @ main.S:2:1"]);
    const bottom = again.result.lines.find((l) => l.text === "bottom")!;
    expect(where(again, bottom.origin)).toBe("main.S:3:1");
    expect(again.diags).toEqual([]);
  });
});
