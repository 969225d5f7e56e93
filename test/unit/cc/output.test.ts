// The -S output: readable (one function at a time, labels named after the C source, a comment
// with each statement's line), stable, and carrying `.loc` directives that the assembler turns
// into a line table pointing at the .c lines (src/asm/loc.ts).
import { describe, expect, it } from "vitest";
import { assembleText } from "../../../src/asm/index.js";
import { compileText } from "../../../src/cc/index.js";
import { DiagnosticBag, memoryHost, SourceManager } from "../../../src/diag/index.js";

const SRC = `int total;
int add(int a, int b)
{
	int s = a + b;
	return s;
}

int main(void)
{
	for (int i = 0; i < 3; i++)
		total = add(total, i);
	if (total != 3)
		return 1;
	return 0;
}
`;

function compile(src = SRC) {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const opts = { host: memoryHost({}), sources, diags };
  const r = compileText("prog.c", src, opts);
  return { asm: r.asm!, sources, diags, opts };
}

describe("cc -S output", () => {
  it("is stable", () => {
    expect(compile().asm).toBe(compile().asm);
  });

  it("emits one function at a time with labels named after the source", () => {
    const { asm } = compile();
    const add = asm.indexOf("\nadd:");
    const main = asm.indexOf("\nmain:");
    expect(add).toBeGreaterThan(0);
    expect(main).toBeGreaterThan(add);
    expect(asm.slice(add, main)).toContain("ret");
    expect(asm).toMatch(/^\.Lmain\.for\.\d+:$/m);
    expect(asm).toMatch(/^\.Lmain\.if\.\d+\.end:$/m);
    expect(asm).toContain("# 11: total = add(total, i);");
  });

  it("carries each statement's line into the object's line table", () => {
    const { asm, opts, diags } = compile();
    expect(asm).toContain('.file 1 "prog.c"');
    expect(asm).toMatch(/\.loc 1 11 3/);
    const obj = assembleText("prog.s", asm, opts).object!;
    expect(diags.items).toEqual([]);
    const cLines = new Set(obj.lines.filter((l) => l.file === "prog.c").map((l) => l.line));
    for (const line of [4, 5, 10, 11, 12, 13, 14]) expect(cLines.has(line), `line ${line}`).toBe(true); // prettier-ignore
    const text = obj.lines.filter((l) => obj.sections[l.section]!.name === ".text");
    expect(text.filter((l) => l.file !== "prog.c")).toEqual([]);
  });

  it("reads a .c file named by .file through the host when it was not compiled in this run", () => {
    const sources = new SourceManager();
    const diags = new DiagnosticBag();
    const asm = '\t.file 1 "lib.c"\n\t.text\nf:\n\t.loc 1 2 1\n\tret\n';
    const host = memoryHost({ "lib.c": "int f(void)\n{ return 0; }\n" });
    const obj = assembleText("lib.s", asm, { host, sources, diags }).object!;
    expect(obj.lines.map((l) => [l.file, l.line])).toEqual([["lib.c", 2]]);
  });
});
