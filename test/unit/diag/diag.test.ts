import { describe, expect, it } from "vitest";
import {
  DiagnosticBag,
  SourceManager,
  renderDiagnostic,
  joinPath,
  normalizePath,
  dirname,
  memoryHost,
  CODES,
} from "../../../src/diag/index.js";

describe("SourceFile", () => {
  const sources = new SourceManager();
  const f = sources.add("a.S", "first\n\tsecond line\nthird");

  it("computes 1-based line and column from offsets", () => {
    expect(f.lineCol(0)).toEqual({ line: 1, col: 1 });
    expect(f.lineCol(6)).toEqual({ line: 2, col: 1 });
    expect(f.lineCol(8)).toEqual({ line: 2, col: 3 });
    expect(f.lineCol(f.text.length)).toEqual({ line: 3, col: 6 });
  });

  it("returns line text without the newline", () => {
    expect(f.lineText(2)).toBe("\tsecond line");
    expect(f.lineText(3)).toBe("third");
    expect(f.lineCount).toBe(3);
  });
});

describe("rendering", () => {
  it("prints file:line:col, the code, the source line and a caret under the range", () => {
    const sources = new SourceManager();
    const f = sources.add("entry.S", "\tmovq %rax, %rbx\n\taddq %eax, %rbx\n");
    const bag = new DiagnosticBag();
    const code = "E0001";
    bag.error(code, { file: f.id, start: 23, end: 27 }, "operand size mismatch");
    expect(renderDiagnostic(bag.items[0]!, sources)).toBe(
      `entry.S:2:7: error[${code}]: operand size mismatch\n` +
        "    2 |  addq %eax, %rbx\n" +
        "      |       ^~~~",
    );
  });

  it("adds a note for each expansion site, innermost first", () => {
    const sources = new SourceManager();
    const f = sources.add("m.S", "PUSH_REGS\n\tpushq %rzz\n");
    const code = "E0002";
    const site = {
      kind: "gas-macro" as const,
      name: "PUSH_REGS",
      loc: { file: f.id, start: 0, end: 9 },
    };
    const text = renderDiagnostic(
      {
        severity: "error",
        code,
        message: "bad register",
        loc: { file: f.id, start: 17, end: 21, chain: { site } },
      },
      sources,
    );
    expect(text.split("\n").at(-1)).toBe("note: in expansion of macro 'PUSH_REGS' at m.S:1:1");
  });

  it("has a title for every code, each code in its stable form", () => {
    for (const [code, title] of Object.entries(CODES)) {
      expect(code).toMatch(/^[EW]\d{4}$/);
      expect(title.length).toBeGreaterThan(5);
    }
  });

  it("rejects an unregistered code", () => {
    const bag = new DiagnosticBag();
    expect(() => bag.error("E9999", undefined, "x")).toThrow(/unregistered/);
  });
});

describe("DiagnosticBag", () => {
  it("stops collecting errors past its limit and suppresses cascades on one line", () => {
    const code = "E0002";
    const bag = new DiagnosticBag(2);
    const loc = { file: 0, start: 0, end: 0 };
    bag.errorOnce(code, loc, "a.S:1", "first");
    bag.errorOnce(code, loc, "a.S:1", "cascade");
    bag.error(code, loc, "second");
    bag.error(code, loc, "third");
    expect(bag.items.map((d) => d.message)).toEqual(["first", "second"]);
    expect(bag.hasErrors).toBe(true);
  });
});

describe("paths", () => {
  it("joins and normalises POSIX paths without node:path", () => {
    expect(joinPath("a/b", "../c.h")).toBe("a/c.h");
    expect(joinPath("/inc", "asm/x.h")).toBe("/inc/asm/x.h");
    expect(joinPath("dir", "/abs.h")).toBe("/abs.h");
    expect(normalizePath("./a/./b//c")).toBe("a/b/c");
    expect(dirname("a/b/c.S")).toBe("a/b");
    expect(dirname("c.S")).toBe(".");
    expect(memoryHost({ "a/b.h": "x" }).readFile("./a/b.h")).toBe("x");
  });
});
