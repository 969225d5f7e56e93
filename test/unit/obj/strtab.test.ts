// ELF string tables: NUL-terminated UTF-8 names, each stored once, index 0 the empty name.
import { describe, expect, it } from "vitest";
import { StringTableBuilder } from "../../../src/obj/strtab.js";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe("StringTableBuilder", () => {
  it("stores each name once after the leading NUL, ASCII and UTF-8 alike", () => {
    const t = new StringTableBuilder();
    expect(t.add("")).toBe(0);
    expect(t.add("entry_SYSCALL_64")).toBe(1);
    expect(t.add("ñandú")).toBe(18);
    expect(t.add("x")).toBe(18 + 8);
    expect(t.add("entry_SYSCALL_64")).toBe(1);
    expect(t.add("ñandú")).toBe(18);
    expect(text(t.finish())).toBe("\0entry_SYSCALL_64\0ñandú\0x\0");
  });

  it("grows past its first buffer", () => {
    const t = new StringTableBuilder();
    const names = Array.from({ length: 300 }, (_, i) => `sym_${i}_${"é".repeat(i % 3)}`);
    const at = names.map((n) => t.add(n));
    const bytes = t.finish();
    names.forEach((n, i) => {
      const end = bytes.indexOf(0, at[i]);
      expect(text(bytes.subarray(at[i], end))).toBe(n);
    });
  });

  it("refuses a name with a NUL in it", () => {
    expect(() => new StringTableBuilder().add("a\0b")).toThrow(/internal: name with a NUL/);
    expect(() => new StringTableBuilder().add("é\0")).toThrow(/internal: name with a NUL/);
  });
});
