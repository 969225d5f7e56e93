// The layout language: each statement's parse, and every syntax error as a file:line:col
// diagnostic on the layout text.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, renderDiagnostics, SourceManager } from "../../../src/diag/index.js";
import {
  FLAT64_LAYOUT,
  FLAT64_LAYOUT_TEXT,
  builtinLayout,
  parseLayout,
} from "../../../src/link/index.js";

function parse(text: string) {
  const diags = new DiagnosticBag();
  const sources = new SourceManager();
  const file = sources.add("kernel.ld", text);
  const spec = parseLayout(text, { diags, file: file.id });
  return { spec, diags, rendered: renderDiagnostics(diags.items, sources) };
}

/** Statements without their locations, for comparing shapes. */
function shapes(text: string): unknown[] {
  const strip = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(strip);
    if (v && typeof v === "object") {
      return Object.fromEntries(
        Object.entries(v)
          .filter(([k]) => k !== "loc")
          .map(([k, x]) => [k, strip(x)]),
      );
    }
    return v;
  };
  const { spec, diags } = parse(text);
  expect(diags.items).toEqual([]);
  return strip(spec!.statements) as unknown[];
}

describe("layout statements", () => {
  it("parses each statement kind", () => {
    expect(
      shapes(
        [
          "# a comment line",
          ". = 0x100000   # trailing comment",
          "align 4K",
          "at 0x1000",
          "sym = . + 2",
          ".text : .text .text.* .entry.text",
        ].join("\n"),
      ),
    ).toEqual([
      { kind: "set-dot", expr: { kind: "num", value: 0x100000n } },
      { kind: "align", align: 4096n },
      { kind: "at", expr: { kind: "num", value: 0x1000n } },
      {
        kind: "assign",
        name: "sym",
        expr: { kind: "bin", op: "+", left: { kind: "dot" }, right: { kind: "num", value: 2n } },
      },
      { kind: "output", name: ".text", patterns: [".text", ".text.*", ".entry.text"] },
    ]);
  });

  it("reads decimal, hex, binary and K/M suffixes", () => {
    const values = shapes("a = 10\nb = 0x1F\nc = 0b101\nd = 2M\ne = 0x10k").map(
      (s) => (s as { expr: { value: bigint } }).expr.value,
    );
    expect(values).toEqual([10n, 31n, 5n, 2n * 1024n * 1024n, 16n * 1024n]);
  });

  it("groups + and − left to right, with parentheses", () => {
    expect(shapes("a = 1\nb = a - 2 + (3 - a)")[1]).toEqual({
      kind: "assign",
      name: "b",
      expr: {
        kind: "bin",
        op: "+",
        left: {
          kind: "bin",
          op: "-",
          left: { kind: "sym", name: "a" },
          right: { kind: "num", value: 2n },
        },
        right: {
          kind: "bin",
          op: "-",
          left: { kind: "num", value: 3n },
          right: { kind: "sym", name: "a" },
        },
      },
    });
  });

  it("records the entry symbol on the spec", () => {
    const { spec } = parse("entry startup_64\n");
    expect(spec).toEqual({ entry: "startup_64", statements: [] });
  });

  it("keeps locations of statements in the layout text", () => {
    const { spec } = parse("\n  .data : .data\n");
    expect(spec!.statements[0]!.loc).toMatchObject({ start: 3, end: 16 });
  });

  it("parses the built-in flat64 layout", () => {
    expect(FLAT64_LAYOUT.entry).toBe("_start");
    expect(FLAT64_LAYOUT.statements.filter((s) => s.kind === "output").map((s) => s.name)).toEqual([
      ".text",
      ".entry.text",
      ".altinstr_replacement",
      ".rodata",
      ".altinstructions",
      ".data",
      ".bss",
    ]);
    expect(parse(FLAT64_LAYOUT_TEXT).diags.items).toEqual([]);
  });

  it("throws on a broken built-in layout, which is a bug", () => {
    expect(() => builtinLayout("broken", "align 3")).toThrow(/internal: broken: alignment 3/);
  });
});

describe("layout errors", () => {
  const CASES: [string, string][] = [
    [
      "x = 1\n.text : .text\nfoo bar",
      "kernel.ld:3:1: error[E5101]: expected a statement ('NAME = EXPR', 'NAME : PATTERN...', 'align N', 'at EXPR' or 'entry NAME'), found 'foo'",
    ],
    [". = 0x10 )", "kernel.ld:1:10: error[E5101]: unexpected ')' after the statement"],
    ["a = 5 % 2", "kernel.ld:1:7: error[E5101]: unexpected character '%'"],
    ["a = ", "kernel.ld:1:4: error[E5101]: expected an expression at the end of the line"],
    ["a = (1 + 2", "kernel.ld:1:11: error[E5101]: expected ')' at the end of the line"],
    ["a = + 2", "kernel.ld:1:5: error[E5101]: expected an expression, found '+'"],
    [
      ".text :",
      "kernel.ld:1:8: error[E5101]: expected an input section pattern after ':' at the end of the line",
    ],
    [
      "align",
      "kernel.ld:1:6: error[E5101]: expected a number after 'align' at the end of the line",
    ],
    ["entry 12", "kernel.ld:1:7: error[E5101]: expected a symbol name after 'entry', found '12'"],
    ["a = 0x", "kernel.ld:1:5: error[E5102]: '0x' is not a number"],
    ["a = 12q", "kernel.ld:1:5: error[E5102]: '12q' is not a number"],
    ["align 24", "kernel.ld:1:7: error[E5103]: alignment 24 is not a power of two"],
    [
      ".text : .text\n.text : .text.*",
      "kernel.ld:2:1: error[E5104]: output section '.text' is already in the layout",
    ],
    [".t* : .text", "kernel.ld:1:1: error[E5105]: '.t*' is not a valid output section name"],
    ["a* = 1", "kernel.ld:1:1: error[E5105]: 'a*' is not a valid symbol name"],
    ["a = 1\na = 2", "kernel.ld:2:1: error[E5010]: symbol 'a' is assigned twice in the layout"],
    [
      "a = later\nlater = 1",
      "kernel.ld:1:5: error[E5011]: 'later' is not a symbol assigned earlier in the layout",
    ],
  ];

  it.each(CASES)("%j", (text, want) => {
    const { spec, rendered } = parse(text);
    expect(spec).toBeUndefined();
    expect(rendered.split("\n")[0]).toBe(want);
  });

  it("shows the layout line with a caret", () => {
    const { rendered } = parse(". = 0x100000\nalign 3000\n");
    expect(rendered).toBe(
      [
        "kernel.ld:2:7: error[E5103]: alignment 3000 is not a power of two",
        "    2 | align 3000",
        "      |       ^~~~",
        "",
      ].join("\n"),
    );
  });

  it("reports an error on each bad line and keeps going", () => {
    const { diags } = parse("align 3\n.text : .text\nalign 5\n");
    expect(diags.items.map((d) => d.code)).toEqual(["E5103", "E5103"]);
  });
});
