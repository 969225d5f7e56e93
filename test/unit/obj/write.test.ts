// The writer's own checks: an inconsistent ObjectFile is a producer bug and throws `internal:`.
import { describe, expect, it } from "vitest";
import { LINES_NAME, R_PC32, writeObject } from "../../../src/obj/index.js";
import { richImage, richObject } from "./fixtures.js";

describe("writeObject refuses inconsistent input", () => {
  it("a relocation against a missing symbol or of an unknown type", () => {
    const obj = richObject();
    obj.sections[0]!.relocs.push({ offset: 0, type: R_PC32, symbol: 9, addend: 0n });
    expect(() => writeObject(obj)).toThrow(/internal: relocation in .text against symbol 9/);
    const bad = richObject();
    bad.sections[0]!.relocs[0]!.type = 3 as typeof R_PC32;
    expect(() => writeObject(bad)).toThrow(/internal: relocation type 3/);
  });

  it("a size that disagrees with the data, or a bad alignment", () => {
    const obj = richObject();
    obj.sections[0]!.size = 1;
    expect(() => writeObject(obj)).toThrow(/has 48 bytes but size 1/);
    const align = richObject();
    align.sections[0]!.align = 3;
    expect(() => writeObject(align)).toThrow(/alignment 3/);
  });

  it("a reserved section name, or segments in an object", () => {
    const obj = richObject();
    obj.sections[4]!.name = LINES_NAME;
    expect(() => writeObject(obj)).toThrow(/reserved/);
    expect(() => writeObject({ ...richObject(), segments: richImage().segments })).toThrow(
      /segments/,
    );
  });

  it("a symbol in a section that does not exist", () => {
    const obj = richObject();
    obj.symbols[4]!.section = 5;
    expect(() => writeObject(obj)).toThrow(/symbol .Llocal in section 5/);
  });
});
