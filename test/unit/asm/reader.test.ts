// The reader alone (macros, conditionals, repeats) against a sink that records statement text.
import { describe, expect, it } from "vitest";
import {
  DiagnosticBag,
  SourceManager,
  memoryHost,
  renderDiagnostics,
} from "../../../src/diag/index.js";
import { Reader } from "../../../src/asm/reader.js";
import { fileLines, type SourceLine } from "../../../src/asm/source-line.js";

function read(text: string, files: Record<string, string> = {}) {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const out: string[] = [];
  const locs: string[] = [];
  const sink = {
    statements(line: SourceLine, start: number, end: number) {
      out.push(line.text.slice(start, end).trim());
      locs.push(sources.format(line.spanLoc(start, end)));
    },
    directiveValue(line: SourceLine, start: number, end: number) {
      const rest = line.text
        .slice(start, end)
        .trim()
        .replace(/^\S+\s*/, "");
      const m = rest.match(/^(-?\d+)\s*(==\s*(-?\d+))?$/);
      if (!m) return undefined;
      if (m[3] !== undefined) return m[1] === m[3] ? -1n : 0n;
      return BigInt(m[1]!);
    },
    isDefined: (name: string) => name === "defined_sym",
  };
  const file = sources.add("t.s", text);
  new Reader(sink, { host: memoryHost(files), sources, diags, includePaths: ["inc"] }).run(
    fileLines(file),
  );
  return { out, locs, diags, text: renderDiagnostics(diags.items, sources) };
}

describe("gas macros", () => {
  it("substitutes positional, keyword and default arguments", () => {
    const r = read(
      ".macro m a, b=5 c:vararg\n.long \\a, \\b, \\c\n.endm\nm 1 2 3 4\nm 1,b=7\nm a=9",
    );
    expect(r.out).toEqual([".long 1, 2, 3 4", ".long 1, 7,", ".long 9, 5,"]);
  });
  it("keeps parentheses together and strips quotes", () => {
    const r = read(
      '.macro m a b\nx \\a|\\b\n.endm\nm rdx=(%rdx) "p q"\n.macro n rdx b\ny \\rdx\n.endm\nn rdx=(%rdx), ""',
    );
    expect(r.diags.items.map((d) => d.message)).toEqual(["macro 'm' has no parameter named 'rdx'"]);
    expect(r.out).toEqual(["y (%rdx)"]);
  });
  it("counts expansions with \\@ and pastes with \\()", () => {
    const r = read(".macro m x\n.L\\x\\()_\\@:\n.endm\nm a\nm b\n.irp y,1\n.long \\@\n.endr");
    expect(r.out).toEqual([".La_0:", ".Lb_1:", ".long 2"]);
  });
  it("expands a quoted string holding several statements and an inner macro", () => {
    const r = read('.macro inner\nnop\n.endm\n.macro alt a\n\\a\n.endm\nalt "inner; hlt"');
    expect(r.out).toEqual(["nop", "hlt"]);
  });
  it("substitutes \\@ inside a string of an outer body", () => {
    const r = read('.macro o\ni "jmp .Lend_\\@"\n.endm\n.macro i s\n\\s\n.endm\no\no');
    expect(r.out).toEqual(["jmp .Lend_0", "jmp .Lend_2"]);
  });
  it("stops at .exitm and allows .purgem", () => {
    const r = read(".macro m\na\n.exitm\nb\n.endm\nm\n.purgem m\nm");
    expect(r.out).toEqual(["a", "m"]);
  });
  it("reports a required argument and a recursive macro", () => {
    const r = read(".macro m x:req\n.endm\nm\n.macro r\nr\n.endm\nr");
    expect(r.diags.items.map((d) => d.code)).toEqual(["E3009", "E3002"]);
  });
  it("gives expanded lines the chain of the invocation", () => {
    const r = read(".macro m\n  nop\n.endm\n m");
    expect(r.locs).toEqual(["t.s:2:1"]);
    expect(r.text).toBe("");
  });
  it("passes labels before an invocation through", () => {
    const r = read(".macro m\nnop\n.endm\n2: m");
    expect(r.out).toEqual(["2:", "nop"]);
  });
});

describe("repeats", () => {
  it("repeats .rept bodies and iterates .irp and .irpc", () => {
    const r = read(".rept 2\na\n.endr\n.irp r, x, y\np \\r\n.endr\n.irpc c, ab\nq \\c\n.endr");
    expect(r.out).toEqual(["a", "a", "p x", "p y", "q a", "q b"]);
  });
  it("rejects a negative count", () => {
    const r = read(".rept -1\na\n.endr");
    expect(r.diags.items[0]!.code).toBe("E3013");
    expect(r.out).toEqual([]);
  });
});

describe("conditionals", () => {
  it("selects branches", () => {
    const r = read(
      ".if 0\na\n.elseif 1\nb\n.else\nc\n.endif\n.ifdef defined_sym\nd\n.endif\n.ifnb\ne\n.endif\n.ifc x,x\nf\n.endif\n.if 0\n.if 1\ng\n.endif\n.else\nh\n.endif",
    );
    expect(r.out).toEqual(["b", "d", "f", "h"]);
  });
  it("reports unterminated and unmatched conditionals", () => {
    const r = read(".endif\n.if 1\n");
    expect(r.diags.items.map((d) => `${d.code} ${d.message}`)).toEqual([
      "E3006 .endif without .if",
      "E3005 missing .endif for this .if",
    ]);
  });
});

describe("include and messages", () => {
  it("includes files via -I paths with an include chain", () => {
    const r = read('.include "x.s"\n', { "inc/x.s": 'nop\n.error "boom"' });
    expect(r.out).toEqual(["nop"]);
    expect(r.text).toContain("inc/x.s:2:1: error[E3008]: boom");
    expect(r.text).toContain("note: included from t.s:1:10");
  });
  it("stops at .end", () => {
    expect(read("a\n.end\nb").out).toEqual(["a"]);
  });
});
