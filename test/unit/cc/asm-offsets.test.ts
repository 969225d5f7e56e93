// asm-offsets: a C file's DEFINE/OFFSET entries become an asm-offsets.h of #defines, which a .S
// file includes; a C function and an assembly function then read and write the same fields of a
// pt_regs-like struct and a packed TSS-like struct (test/c/offsets).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { asmOffsetsText, KBUILD_H } from "../../../src/cc/index.js";
import { DiagnosticBag, memoryHost, SourceManager } from "../../../src/diag/index.js";
import { C_DIR, runOnVm } from "../../c/build.js";

const DIR = `${C_DIR}offsets/`;
const read = (f: string): string => readFileSync(`${DIR}${f}`, "latin1");

function generate(): { header?: string; diags: DiagnosticBag } {
  const diags = new DiagnosticBag();
  // kbuild.h is built in: the host only has the source's own header.
  const host = memoryHost({ "regs.h": read("regs.h") });
  const r = asmOffsetsText("asm-offsets.c", read("asm-offsets.c"), { host, sources: new SourceManager(), diags, includePaths: ["."] }); // prettier-ignore
  return { header: r.header, diags };
}

describe("asm-offsets", () => {
  it("prefers a kbuild.h the user supplies over the built-in one", () => {
    const diags = new DiagnosticBag();
    const mine = KBUILD_H.replace('" %0 "', '" %0 " "/*mine*/ "');
    const host = memoryHost({ "kbuild.h": mine, "regs.h": read("regs.h") });
    const r = asmOffsetsText("asm-offsets.c", read("asm-offsets.c"), { host, sources: new SourceManager(), diags, includePaths: ["."] }); // prettier-ignore
    expect(diags.items).toEqual([]);
    expect(r.header).toContain("/*mine*/");
  });

  const { header, diags } = generate();

  it("writes the kernel-style header", () => {
    expect(diags.items).toEqual([]);
    expect(header).toContain("#define PTREGS_ax 80 /* __builtin_offsetof(struct pt_regs, ax) */");
    expect(header).toContain("#define PTREGS_SIZE 168 /* sizeof(struct pt_regs) */");
    expect(header).toContain("#define TSS_sp2 20 ");
    expect(header).toContain("#define TSS_io_bitmap_base 98 ");
    expect(header).toContain("#define TSS_SIZE 100 ");
    expect(header).toContain("/* pt_regs */");
    expect(header).toMatch(/^#ifndef __ASM_OFFSETS_H__$/m);
  });

  it("lets C and assembly share the layouts", () => {
    const shared = read("shared.S").replace('#include "asm-offsets.h"', header!);
    const run = runOnVm([
      { name: `${DIR}user.c`, text: read("user.c") },
      { name: `${DIR}shared.S`, text: shared },
    ]);
    expect(run.output, run.output).toMatch(/^OK 10$/m);
    expect(run.result.exitStatus).toBe(1);
  });

  it("reports a file without DEFINE entries", () => {
    const d = new DiagnosticBag();
    const r = asmOffsetsText("empty.c", "int x;\n", { host: memoryHost({}), sources: new SourceManager(), diags: d }); // prettier-ignore
    expect(r.header).toBeUndefined();
    expect(d.errors.map((e) => e.code)).toEqual(["E6032"]);
  });
});
