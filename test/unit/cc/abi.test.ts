// The psABI §3.2.3 argument layout of src/cc/abi.ts: which structures travel in registers, which
// in memory, and where each argument of a call lands (registers while they last, then the
// stack at its alignment; a later scalar may still take a register).
import { describe, expect, it } from "vitest";
import { classify, layoutCall } from "../../../src/cc/abi.js";
import { ty, Type } from "../../../src/cc/types.js";

function record(size: number, align: number, members: [number, Type][] = []): Type {
  const t = new Type("struct", size, align);
  t.members = members.map(([offset, type], i) => ({ name: `m${i}`, type, offset, loc: { file: 0, start: 0, end: 0 } })); // prettier-ignore
  return t;
}

describe("classify", () => {
  it("puts structures of up to two eightbytes in registers", () => {
    expect(classify(record(3, 1, [[0, ty.char]]))).toEqual({ kind: "int", eightbytes: 1 });
    expect(classify(record(12, 4, [[8, ty.int]]))).toEqual({ kind: "int", eightbytes: 2 });
    expect(classify(record(16, 8))).toEqual({ kind: "int", eightbytes: 2 });
  });

  it("passes larger structures and ones with an unaligned field in memory", () => {
    expect(classify(record(24, 8))).toEqual({ kind: "memory" });
    expect(
      classify(
        record(5, 1, [
          [0, ty.char],
          [1, ty.int],
        ]),
      ),
    ).toEqual({ kind: "memory" });
  });
});

describe("layoutCall", () => {
  it("gives a MEMORY result a hidden %rdi and shifts the arguments", () => {
    const l = layoutCall(record(24, 8), [ty.long, record(16, 8)]);
    expect(l.hiddenReturn).toBe(true);
    expect(l.places.map((p) => p.reg)).toEqual([1, 2]);
    expect(l.stackBytes).toBe(0);
  });

  it("sends a structure that does not fit to the stack while a later scalar takes a register", () => {
    const args = [ty.long, ty.long, ty.long, ty.long, ty.long, record(16, 8), ty.int];
    const l = layoutCall(ty.int, args);
    expect(l.places[5]).toMatchObject({ reg: -1, stackOffset: 0, stackSize: 16 });
    expect(l.places[6]!.reg).toBe(5);
  });

  it("aligns over-aligned stack arguments", () => {
    const l = layoutCall(ty.int, [record(24, 8), record(32, 16)]);
    expect(l.places.map((p) => p.stackOffset)).toEqual([0, 32]);
    expect(l.stackBytes).toBe(64);
  });
});
