// Origins: every output column maps back to its source through includes and macro expansions.
import { describe, expect, it } from "vitest";
import { chainOf, run, where } from "./helpers.js";

function lineWith(r: ReturnType<typeof run>, needle: string) {
  const line = r.result.lines.find((l) => l.text.includes(needle));
  if (!line) throw new Error(`no output line contains ${needle}`);
  return line;
}

describe("cpp origins", () => {
  it("maps verbatim columns to their exact offsets, also after a removed comment", () => {
    const r = run("\tmovq %rax, %rbx\n  /* c */ X_NOT_MACRO here\n");
    const first = r.result.lines[0]!;
    expect(where(r, first.locAt(6))).toBe("main.S:1:7");
    const second = lineWith(r, "here");
    expect(where(r, second.locAt(second.text.indexOf("here")))).toBe("main.S:2:23");
    expect(where(r, second.locAt(second.text.indexOf("X_NOT")))).toBe("main.S:2:11");
  });

  it("maps macro body text to the invocation site with the macro in the chain", () => {
    const r = run("#define SAVE pushq %rdi\n\tSAVE ; nop\n");
    const line = lineWith(r, "pushq");
    const loc = line.locAt(line.text.indexOf("%rdi"));
    expect(where(r, loc)).toBe("main.S:2:2");
    expect(loc.end - loc.start).toBe("SAVE".length);
    expect(chainOf(r, loc)).toEqual(["cpp-macro SAVE @ main.S:2:2"]);
    expect(where(r, line.locAt(line.text.indexOf("nop")))).toBe("main.S:2:9");
  });

  it("maps a function-like invocation to its whole range and arguments to their spelling", () => {
    const r = run("#define F(x) movq x, %rax\n  F(%rbx) # c\n");
    const line = lineWith(r, "movq");
    const body = line.locAt(line.text.indexOf("movq"));
    expect(where(r, body)).toBe("main.S:2:3");
    expect(body.end - body.start).toBe("F(%rbx)".length);
    const arg = line.locAt(line.text.indexOf("%rbx"));
    expect(where(r, arg)).toBe("main.S:2:5");
    expect(arg.chain).toBeUndefined();
  });

  it("follows two levels of include and nested macros", () => {
    const files = {
      "outer.h": '#define OUTER(r) INNER(r) ; pop r\n#include "inner.h"\n',
      "inner.h": "#define INNER(r) push r\nuse: OUTER(%rcx)\n",
    };
    const r = run('#include "outer.h"\n', { files });
    const line = lineWith(r, "push");
    expect(where(r, line.origin)).toBe("inner.h:2:1");
    const push = line.locAt(line.text.indexOf("push"));
    expect(where(r, push)).toBe("inner.h:2:6");
    expect(chainOf(r, push)).toEqual([
      "cpp-macro INNER @ inner.h:2:6",
      "cpp-macro OUTER @ inner.h:2:6",
      "include inner.h @ outer.h:2:1",
      "include outer.h @ main.S:1:1",
    ]);
    const reg = line.locAt(line.text.indexOf("%rcx"));
    expect(where(r, reg)).toBe("inner.h:2:12");
    const use = line.locAt(0);
    expect(where(r, use)).toBe("inner.h:2:1");
    expect(chainOf(r, use)).toEqual([
      "include inner.h @ outer.h:2:1",
      "include outer.h @ main.S:1:1",
    ]);
  });

  it("puts a multi-line call on its first line and maps the later argument to its own line", () => {
    const r = run("#define F(a, b) a + b\nF(x,\n   yy)\n");
    const line = r.result.lines[1]!;
    expect(line.text).toBe("x + yy");
    expect(where(r, line.locAt(line.text.indexOf("yy")))).toBe("main.S:3:4");
    expect(where(r, r.result.lines[2]!.origin)).toBe("main.S:3:1");
  });

  it("maps text after #line and line markers to the presumed file and line", () => {
    const r = run('a\n#line 100 "gen.S"\nbad op\n# 7 "orig.S"\nx\n', { name: "main.i" });
    const bad = lineWith(r, "bad");
    expect(where(r, bad.locAt(4))).toBe("gen.S:100:5");
    expect(r.sources.get(bad.origin.file).lineText(100)).toBe("bad op");
    expect(where(r, lineWith(r, "x").origin)).toBe("orig.S:7:1");
  });

  it("rebuilds the include chain from line markers with flags 1 and 2", () => {
    const r = run('# 1 "top.S"\n# 1 "h.h" 1\nin_h\n# 2 "top.S" 2\nback\n', { name: "main.i" });
    const inH = lineWith(r, "in_h");
    expect(where(r, inH.origin)).toBe("h.h:1:1");
    expect(chainOf(r, inH.origin)).toEqual(["include h.h @ top.S:1:1"]);
    const back = lineWith(r, "back");
    expect(where(r, back.origin)).toBe("top.S:2:1");
    expect(back.origin.chain).toBeUndefined();
  });
});
