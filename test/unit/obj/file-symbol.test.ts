// The STT_FILE symbol naming an object's compilation unit: the assembler emits it first (the
// source file's name, or the first `.file "name"`), the compiler opens its assembly with gcc's
// `.file "unit.c"`, objdump lists it, readelf accepts it, and symbolUnits() gives each local its
// unit in an object and — through the linker — in an image.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { assembleText } from "../../../src/asm/index.js";
import { compileText } from "../../../src/cc/index.js";
import { DiagnosticBag, SourceManager, type Host } from "../../../src/diag/index.js";
import { link } from "../../../src/link/index.js";
import {
  dumpObject,
  readObject,
  symbolUnits,
  writeObject,
  type ObjectFile,
} from "../../../src/obj/index.js";

const host: Host = { readFile: () => undefined };

function assemble(name: string, text: string): ObjectFile {
  const diags = new DiagnosticBag();
  const r = assembleText(name, text, { host, sources: new SourceManager(), diags });
  expect(diags.items.map((d) => d.message)).toEqual([]);
  return r.object!;
}

function linkAll(objects: ObjectFile[]): ObjectFile {
  const diags = new DiagnosticBag();
  const image = link(objects, { diags, entry: "entry_a" });
  expect(diags.items.map((d) => d.message)).toEqual([]);
  return image!;
}

const HELPER = `.text
helper:
  ret
.globl entry_a
entry_a:
  call helper
  ret
`;

describe("the STT_FILE symbol", () => {
  it("comes first in an assembled object: a local absolute FILE symbol named after the source", () => {
    const o = assemble("arch/x86/entry/a.s", HELPER);
    expect(o.symbols[0]).toEqual({ name: "arch/x86/entry/a.s", section: "abs", value: 0n, size: 0n, binding: "local", type: "file", visibility: "default" }); // prettier-ignore
    expect(symbolUnits(o)[o.symbols.findIndex((s) => s.name === "helper")]).toBe("arch/x86/entry/a.s"); // prettier-ignore
    expect(symbolUnits(o)[o.symbols.findIndex((s) => s.name === "entry_a")]).toBeUndefined();
  });

  it('takes its name from the first `.file "name"` and ignores DWARF\'s `.file N "name"`', () => {
    const o = assemble("t.s", `.file 1 "dwarf.h"\n.file "timer.c"\n.file "later.c"\n${HELPER}`);
    expect(o.symbols.filter((s) => s.type === "file").map((s) => s.name)).toEqual(["timer.c"]);
  });

  it('is named after the .c file in compiled code (gcc\'s `.file "unit.c"`)', () => {
    const opts = { host, sources: new SourceManager(), diags: new DiagnosticBag() };
    const asm = compileText("kernel/timer.c", "static int tick(void) { return 1; }\nint run(void) { return tick(); }\n", opts).asm!; // prettier-ignore
    expect(asm.split("\n")[0]!.trim()).toMatch(/^\.file\s+"kernel\/timer\.c"$/);
    const o = assembleText("kernel/timer.s", asm, opts).object!;
    expect(o.symbols[0]).toMatchObject({ name: "kernel/timer.c", type: "file" });
    expect(symbolUnits(o)[o.symbols.findIndex((s) => s.name === "tick")]).toBe("kernel/timer.c");
  });

  it("is listed by objdump as a file symbol in *ABS*, and survives writing and reading", () => {
    const o = assemble("a.s", HELPER);
    expect(dumpObject(o)).toMatch(/^ {2}\[ 0\] 0{16} 0x0 +file +local +default +\*ABS\* +a\.s$/m);
    const back = readObject(writeObject(o), "a.o", new DiagnosticBag())!;
    expect(back.symbols[0]).toMatchObject({ name: "a.s", type: "file", section: "abs" });
  });

  it("keeps each object's locals behind its FILE symbol in a linked image", () => {
    const a = assemble("a.s", HELPER);
    const b = assemble("b.s", HELPER.replace(/entry_a/g, "entry_b"));
    const image = linkAll([a, b]);
    const units = symbolUnits(image);
    const helpers = image.symbols.flatMap((s, i) => (s.name === "helper" ? [units[i]] : []));
    expect(helpers).toEqual(["a.s", "b.s"]);
    expect(units[image.symbols.findIndex((s) => s.name === "entry_b")]).toBeUndefined();
  });

  it("gives an object without a FILE symbol one named after the object when linking", () => {
    const a = assemble("a.s", HELPER);
    const bare = { ...a, name: "hand.o", symbols: a.symbols.slice(1) };
    for (const s of bare.sections) s.relocs = s.relocs.map((r) => ({ ...r, symbol: r.symbol - 1 }));
    const image = linkAll([bare]);
    const i = image.symbols.findIndex((s) => s.name === "helper");
    expect(symbolUnits(image)[i]).toBe("hand.o");
  });
});

function hasReadelf(): boolean {
  const r = spawnSync("readelf", ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) console.log("skipping readelf checks: readelf is not available");
  return !r.error && r.status === 0;
}

describe.skipIf(!hasReadelf())("readelf on the FILE symbol", () => {
  const dir = mkdtempSync(join(tmpdir(), "entrylab-file-sym-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists it as FILE LOCAL ABS with no warning, in an object and an image", () => {
    const o = assemble("timer.c.s", `.file "timer.c"\n${HELPER}`);
    const objPath = join(dir, "timer.o");
    writeFileSync(objPath, writeObject(o));
    const imgPath = join(dir, "vmlinux");
    writeFileSync(imgPath, writeObject(linkAll([o])));
    for (const path of [objPath, imgPath]) {
      const r = spawnSync("readelf", ["-s", "-W", path], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/0000000000000000\s+0\s+FILE\s+LOCAL\s+DEFAULT\s+ABS timer\.c$/m);
    }
  });
});
