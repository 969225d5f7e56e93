import { describe, expect, it } from "vitest";
import {
  R_16,
  R_32,
  R_32S,
  R_64,
  R_PC32,
  R_PC8,
  RELOC_TABLE,
  relocFits,
  relocInfo,
  relocName,
} from "../../../src/obj/index.js";

describe("relocation kinds", () => {
  it("has one row per kind with a unique name", () => {
    expect(new Set(RELOC_TABLE.map((r) => r.type)).size).toBe(RELOC_TABLE.length);
    expect(new Set(RELOC_TABLE.map((r) => r.name)).size).toBe(RELOC_TABLE.length);
    expect(relocInfo(R_PC32)).toMatchObject({ name: "R_PC32", size: 4, pcRelative: true });
    expect(relocInfo(R_64)).toMatchObject({ size: 8, pcRelative: false });
    expect(relocInfo(3)).toBeUndefined();
    expect(relocName(R_32S)).toBe("R_32S");
    expect(relocName(77)).toBe("R_?(77)");
  });

  it("checks signed, unsigned and either-way ranges", () => {
    const pc32 = relocInfo(R_PC32)!;
    expect(relocFits(pc32, 0x7fffffffn)).toBe(true);
    expect(relocFits(pc32, 0x80000000n)).toBe(false);
    expect(relocFits(pc32, -0x80000000n)).toBe(true);
    expect(relocFits(pc32, -0x80000001n)).toBe(false);
    const r32 = relocInfo(R_32)!;
    expect(relocFits(r32, 0xffffffffn)).toBe(true);
    expect(relocFits(r32, -1n)).toBe(false);
    const r32s = relocInfo(R_32S)!;
    // A kernel address fits R_32S only because it is sign-extended from 32 bits.
    expect(relocFits(r32s, BigInt.asIntN(64, 0xffffffff81000000n))).toBe(true);
    expect(relocFits(r32s, 0xffffffff81000000n)).toBe(false);
    const r16 = relocInfo(R_16)!;
    expect(relocFits(r16, 0xffffn)).toBe(true);
    expect(relocFits(r16, -0x8000n)).toBe(true);
    expect(relocFits(r16, 0x10000n)).toBe(false);
    expect(relocFits(relocInfo(R_PC8)!, 128n)).toBe(false);
    expect(relocFits(relocInfo(R_64)!, 0xffffffffffffffffn)).toBe(true);
  });
});
