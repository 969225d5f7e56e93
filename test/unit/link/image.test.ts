// The linked image as a file: the line table rebased to output sections, a round trip through
// writeObject/readObject, determinism, and readelf as an oracle (skipped when absent).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import {
  lineTableLookupAddr,
  R_64,
  R_PC32,
  readObject,
  writeObject,
  type ObjectFile,
} from "../../../src/obj/index.js";
import { line, linkAll, obj, reloc, section, sym, text, undef } from "./helpers.js";

function sample(): ObjectFile[] {
  const a = obj(
    "a.o",
    [
      text(12, { relocs: [reloc(8, R_PC32, 2, -4n)] }),
      section(".rodata", { size: 8, relocs: [reloc(0, R_64, 3, 1n)] }),
      section(".entry.text", { exec: true, size: 5 }),
    ],
    [
      sym("_start"),
      sym("local_fn", { binding: "local", value: 4n }),
      undef("helper"),
      undef("optional_hook", true),
    ],
    [line(0, 0, "a.S", 1), line(0, 4, "a.S", 2), line(2, 0, "a.S", 20), line(0, 8, "a.S", 3)],
  );
  const b = obj(
    "b.o",
    [
      section(".data", { write: true, size: 8, align: 8 }),
      text(6, { align: 4 }),
      section(".bss", { type: "nobits", write: true, size: 64 }),
      section(".comment", { alloc: false, size: 3 }),
    ],
    [
      sym("helper", { section: 1, type: "func", size: 6n }),
      sym("counter", { section: 2, type: "object", size: 8n }),
    ],
    [line(1, 0, "b.c", 10), line(1, 2, "b.c", 11), line(3, 0, "b.c", 99)],
  );
  return [a, b];
}

describe("the line table", () => {
  it("is rebased onto the output sections, sorted, without dropped sections", () => {
    const { image } = linkAll(sample());
    const names = image!.sections.map((s) => s.name);
    const text = names.indexOf(".text");
    const entry = names.indexOf(".entry.text");
    expect(image!.lines.map((e) => [e.section, e.offset, e.file, e.line])).toEqual([
      [text, 0, "a.S", 1],
      [text, 4, "a.S", 2],
      [text, 8, "a.S", 3],
      // b.o's .text starts at 12, its alignment 4.
      [text, 12, "b.c", 10],
      [text, 14, "b.c", 11],
      [entry, 0, "a.S", 20],
    ]);
  });

  it("finds the source line of an image address", () => {
    const { image } = linkAll(sample());
    expect(lineTableLookupAddr(image!, 0x10000dn)).toMatchObject({ file: "b.c", line: 10 });
    expect(lineTableLookupAddr(image!, 0x10000fn)).toMatchObject({ file: "b.c", line: 11 });
  });
});

describe("the image file", () => {
  it("round-trips through writeObject and readObject", () => {
    const { image, messages } = linkAll(sample(), { output: "vmlinux" });
    expect(messages).toEqual([]);
    const diags = new DiagnosticBag();
    const back = readObject(writeObject(image!), "vmlinux", diags);
    expect(diags.items).toEqual([]);
    expect(back).toEqual(image);
    expect(back!.symbols.find((s) => s.name === "optional_hook")).toMatchObject({
      section: "undef",
      binding: "weak",
    });
  });

  it("carries no relocations and applies them", () => {
    const { image } = linkAll(sample());
    expect(image!.sections.every((s) => s.relocs.length === 0)).toBe(true);
    // helper at 0x10000c; the field at 0x100008: 0x10000c − 4 − 0x100008 = 0.
    const t = image!.sections[0]!;
    expect([...t.data.subarray(8, 12)]).toEqual([0, 0, 0, 0]);
  });

  it("is byte-identical from run to run", () => {
    const one = writeObject(linkAll(sample()).image!);
    const two = writeObject(linkAll(sample()).image!);
    expect(Buffer.from(one).equals(Buffer.from(two))).toBe(true);
  });

  it("does not modify its inputs", () => {
    const inputs = sample();
    const before = structuredClone(inputs);
    linkAll(inputs);
    expect(inputs).toEqual(before);
  });
});

function hasReadelf(): boolean {
  const r = spawnSync("readelf", ["--version"], { encoding: "utf8" });
  if (r.error || r.status !== 0) {
    console.log("skipping readelf checks: readelf is not available on this host");
    return false;
  }
  return true;
}

describe.skipIf(!hasReadelf())("readelf", () => {
  const dir = mkdtempSync(join(tmpdir(), "entrylab-link-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("reads a linked image with no warning and maps sections to segments", () => {
    const path = join(dir, "image");
    writeFileSync(path, writeObject(linkAll(sample()).image!));
    const r = spawnSync("readelf", ["-h", "-l", "-S", "-s", "-W", path], { encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Type:\s+EXEC/);
    expect(r.stdout).toMatch(/Entry point address:\s+0x100000/);
    expect(r.stdout).toMatch(
      /LOAD\s+0x[0-9a-f]+ 0x0000000000100000 0x0000000000100000 0x000012 0x000012 R E 0x1000/,
    );
    expect(r.stdout).toMatch(
      /LOAD\s+0x[0-9a-f]+ 0x0000000000104000 0x0000000000104000 0x000000 0x000040 RW\s+0x1000/,
    );
    expect(r.stdout).toMatch(/\.bss\s+NOBITS\s+0000000000104000/);
    expect(r.stdout).toMatch(/^\s+00\s+\.text\s*$/m);
    expect(r.stdout).toMatch(/FUNC\s+GLOBAL DEFAULT\s+1 helper/);
    expect(r.stdout).toMatch(/NOTYPE\s+WEAK\s+DEFAULT\s+UND optional_hook/);
    expect(r.stdout).not.toMatch(/\.comment/);
  });
});
