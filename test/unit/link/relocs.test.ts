// Each relocation kind: its formula (S + A, S + A − P) applied to the bytes, and its range check
// with ld's "relocation truncated to fit" error at the relocation's source line.
import { describe, expect, it } from "vitest";
import {
  R_16,
  R_32,
  R_32S,
  R_64,
  R_8,
  R_PC16,
  R_PC32,
  R_PC64,
  R_PC8,
  RELOC_TABLE,
  relocName,
  type RelocType,
} from "../../../src/obj/index.js";
import { line, linkAll, obj, reloc, sym, text } from "./helpers.js";

/** The field sits at offset 0 of .text, linked at 1 MiB: P = 0x100000. */
const P = 0x100000n;
const FIELD = 16;

/** Link one field of `type` against an absolute symbol of value S with addend A. */
function apply(type: RelocType, S: bigint, A: bigint) {
  const a = obj(
    "a.o",
    [text(FIELD, { data: new Uint8Array(FIELD).fill(0xcc), relocs: [reloc(0, type, 1, A)] })],
    [sym("_start"), sym("target", { section: "abs", value: BigInt.asUintN(64, S) })],
    [line(0, 0, "r.S", 12, 9)],
  );
  return linkAll([a]);
}

function fieldOf(data: Uint8Array, size: number): bigint {
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(data[i]!);
  return v;
}

const SIZE: Record<number, number> = Object.fromEntries(RELOC_TABLE.map((r) => [r.type, r.size]));

// [kind, S, A, expected field bytes as an unsigned number]
const FITS: [RelocType, bigint, bigint, bigint][] = [
  [R_64, 0xffffffff81000000n, 8n, 0xffffffff81000008n],
  [R_PC64, 0n, 0n, 0xfffffffffff00000n],
  [R_PC32, P + 0x100n, -4n, 0xfcn],
  [R_PC32, 0n, 0n, 0xfff00000n],
  [R_32, 0xfffffff0n, 0n, 0xfffffff0n],
  [R_32S, 0xffffffff81000000n, 0n, 0x81000000n],
  [R_32S, 0x7fffffffn, 0n, 0x7fffffffn],
  [R_16, 0xffffn, 0n, 0xffffn],
  [R_16, -1n, 0n, 0xffffn],
  [R_PC16, P + 0x7fffn, 0n, 0x7fffn],
  [R_PC16, P - 0x8000n, 0n, 0x8000n],
  [R_8, 0n, -128n, 0x80n],
  [R_8, 0xffn, 0n, 0xffn],
  [R_PC8, P - 128n, 0n, 0x80n],
  [R_PC8, P + 127n, 0n, 0x7fn],
];

// [kind, S, A, the value the message shows]
const OVERFLOWS: [RelocType, bigint, bigint, string][] = [
  [R_PC32, P + (1n << 31n) + 4n, -4n, "0x80000000"],
  [R_32, 0x100000000n, 0n, "0x100000000"],
  [R_32, 0n, -1n, "0xffffffffffffffff"],
  [R_32S, 0x80000000n, 0n, "0x80000000"],
  [R_16, 0x10000n, 0n, "0x10000"],
  [R_16, -0x8001n, 0n, "-0x8001"],
  [R_PC16, P + 0x8000n, 0n, "0x8000"],
  [R_8, 0x100n, 0n, "0x100"],
  [R_PC8, P + 128n, 0n, "0x80"],
  [R_PC8, P - 129n, 0n, "-0x81"],
];

describe("relocation formulas", () => {
  it.each(FITS.map(([t, S, A, want]) => [relocName(t), t, S, A, want] as const))(
    "%s with S=%s+%s",
    (_name, type, S, A, want) => {
      const { image, messages } = apply(type, S, A);
      expect(messages).toEqual([]);
      const data = image!.sections[0]!.data;
      const size = SIZE[type]!;
      expect(fieldOf(data, size)).toBe(want);
      // Bytes past the field are untouched.
      expect(data[size]).toBe(0xcc);
    },
  );

  it("covers every relocation kind", () => {
    expect(new Set(FITS.map((f) => f[0]))).toEqual(new Set(RELOC_TABLE.map((r) => r.type)));
  });

  it("uses the field's address for P, not the section's", () => {
    const a = obj(
      "a.o",
      [text(4), text(8, { relocs: [reloc(4, R_PC32, 1, -4n)] })],
      [sym("_start"), sym("target", { section: 0, value: 0n })],
    );
    const { image } = linkAll([a]);
    // target = P; field at P + 4 + 4, so S + A − P = −12.
    expect(fieldOf(image!.sections[0]!.data.subarray(8), 4)).toBe(0xfffffff4n);
  });

  it("resolves a section symbol to its input section's address in the output", () => {
    const a = obj("a.o", [text(4)], [sym("_start")]);
    const b = obj(
      "b.o",
      [text(8, { relocs: [reloc(0, R_64, 0, 2n)] })],
      [sym(".text", { binding: "local", type: "section" })],
    );
    const { image } = linkAll([a, b]);
    expect(fieldOf(image!.sections[0]!.data.subarray(4), 8)).toBe(P + 4n + 2n);
  });
});

describe("relocation overflow", () => {
  it.each(OVERFLOWS.map(([t, S, A, shown]) => [relocName(t), t, S, A, shown] as const))(
    "%s with S=%s+%s does not fit",
    (name, type, S, A, shown) => {
      const { image, diags } = apply(type, S, A);
      expect(image).toBeUndefined();
      expect(diags.errors).toHaveLength(1);
      expect(diags.errors[0]!.code).toBe("E5003");
      expect(diags.errors[0]!.message).toMatch(
        new RegExp(
          `^r\\.S:12:9: relocation truncated to fit: ${name} against 'target' \\(value ${shown} does not fit .*\\) \\(a\\.o:\\(\\.text\\+0x0\\)\\)$`,
        ),
      );
    },
  );

  it("has an overflow case for every kind with a range", () => {
    const ranged = RELOC_TABLE.filter((r) => r.size < 8).map((r) => r.type);
    expect(new Set(OVERFLOWS.map((o) => o[0]))).toEqual(new Set(ranged));
  });
});
