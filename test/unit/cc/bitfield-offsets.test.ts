// Bit-fields and structures by value at the edges: asm-offsets of structures holding bit-fields
// agree with gcc's offsetof/sizeof, and the bad uses (address, sizeof or offsetof of a bit-field,
// bad widths and types, incomplete or mismatched structure arguments) are diagnosed with their
// codes and locations.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { asmOffsetsText, compileText } from "../../../src/cc/index.js";
import { DiagnosticBag, memoryHost, SourceManager } from "../../../src/diag/index.js";
import { nativeUnavailable, runNative } from "../../c/build.js";

const LAYOUT = `
struct desc { unsigned short limit0, base0; unsigned short base1 : 8, type : 4, s : 1, dpl : 2, p : 1;
	unsigned short limit1 : 4, avl : 1, l : 1, d : 1, g : 1, base2 : 8; unsigned int after; };
struct mix { char a; int b : 4; long c : 40; char d; int : 0; short e; };
`;
const ENTRIES: [string, string][] = [
  ["DESC_after", "__builtin_offsetof(struct desc, after)"],
  ["DESC_SIZE", "sizeof(struct desc)"],
  ["MIX_d", "__builtin_offsetof(struct mix, d)"],
  ["MIX_e", "__builtin_offsetof(struct mix, e)"],
  ["MIX_SIZE", "sizeof(struct mix)"],
  ["MIX_ALIGN", "_Alignof(struct mix)"],
];

const work = mkdtempSync(join(tmpdir(), "entrylab-bf-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function entrylabValues(): Map<string, number> {
  const src = `#include <kbuild.h>\n${LAYOUT}\nvoid f(void) {\n${ENTRIES.map(([s, e]) => `\tDEFINE(${s}, ${e});`).join("\n")}\n}\n`; // prettier-ignore
  const diags = new DiagnosticBag();
  const r = asmOffsetsText("asm-offsets.c", src, { host: memoryHost({}), sources: new SourceManager(), diags }); // prettier-ignore
  expect(diags.items).toEqual([]);
  const out = new Map<string, number>();
  for (const m of r.header!.matchAll(/^#define (\w+) (\d+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

describe("bit-field layouts in asm-offsets", () => {
  const mine = entrylabValues();

  it("defines every entry", () => {
    expect([...mine.keys()]).toEqual(ENTRIES.map(([s]) => s));
  });

  it.skipIf(nativeUnavailable() !== undefined)("agrees with gcc", () => {
    const src = join(work, "layout.c");
    const body = ENTRIES.map(([s, e]) => `\tprintf("${s} %d\\n", (int)(${e}));`).join("\n");
    writeFileSync(src, `int printf(const char *, ...);\n${LAYOUT}\nint main(void) {\n${body}\n\treturn 0;\n}\n`); // prettier-ignore
    const native = runNative([src], join(work, "layout"));
    const gcc = new Map(native.output.trim().split("\n").map((l) => [l.split(" ")[0]!, Number(l.split(" ")[1])] as const)); // prettier-ignore
    expect(mine).toEqual(gcc);
  });
});

function diagnose(src: string): string[] {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  compileText("t.c", src, { host: memoryHost({}), sources, diags });
  return diags.errors.map((d) => `${d.code} ${sources.format(d.loc!).replace(/^t\.c:/, "")}`);
}

describe("diagnostics", () => {
  const S = "struct s { int a : 3; int b; };\n";
  it.each([
    ["& of a bit-field", `${S}int *f(struct s *p) { return &p->a; }`, "E6033 2:30"],
    ["sizeof a bit-field", `${S}long f(struct s v) { return sizeof v.a; }`, "E6033 2:29"],
    ["offsetof a bit-field", `${S}long x = __builtin_offsetof(struct s, a);`, "E6033 2:39"],
    ["width beyond the type", "struct t { char c : 9; };", "E6034 1:19"],
    ["negative width", "struct t { int c : -1; };", "E6034 1:18"],
    ["named zero-width field", "struct t { int c : 0; };", "E6034 1:18"],
    ["bit-field of pointer type", "struct t { int *p : 3; };", "E6034 1:17"],
    ["_Bool wider than 1", "struct t { _Bool b : 2; };", "E6034 1:20"],
    ["struct argument of another type", "struct a { int x; }; struct b { int x; };\nint f(struct a v);\nint g(struct b w) { return f(w); }", "E6022 3:30"], // prettier-ignore
    ["incomplete struct parameter", "struct q;\nint f(struct q v) { return 0; }", "E6020 2:16"],
    ["assigning to a call's member", "struct a { int x; };\nstruct a f(void);\nvoid g(void) { f().x = 1; }", "E6003 3:19"], // prettier-ignore
  ])("%s", (_name, src, want) => {
    expect(diagnose(src)).toContain(want);
  });
});
