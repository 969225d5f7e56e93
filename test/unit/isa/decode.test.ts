// The decoder rejects every invalid encoding listed in docs/bytecode.md (the VM raises #UD), and
// never reads past the end of its input.
import { describe, expect, it } from "vitest";
import type { InsnForm, OperandValue } from "../../../src/isa/index.js";
import { FORMS, MEM_NONE, NOP1_BYTE, PREFIX_LOCK, PREFIX_REP, PREFIX_REPNE, decode, encode, formByName, layout } from "../../../src/isa/index.js"; // prettier-ignore
import { memMasks, sampleOperands, SAMPLE_MEM } from "./samples.js";

function bytesOf(form: InsnForm, ops: OperandValue[], prefix = 0): Uint8Array {
  const buf = new Uint8Array(32);
  return buf.slice(0, encode(form, prefix, ops, buf, 0));
}
const reg = (num: number): OperandValue => ({ kind: "reg", num });
const MOV_GQ_EQ = formByName("movGqEq")!; // operands [Eq, Gq]: E at offset 2

describe("decode rejects", () => {
  it("opcode 0 and every unassigned opcode", () => {
    const assigned = new Set(FORMS.map((f) => f.opcode));
    const buf = new Uint8Array(16);
    expect(assigned.has(0)).toBe(false);
    for (let op = 0; op < 0x4000; op++) {
      buf[0] = op & 0xff;
      buf[1] = op >> 8;
      if ((op & 0xff) === NOP1_BYTE) expect(decode(buf, 0)?.length).toBe(1);
      else if (!assigned.has(op)) expect(decode(buf, 0)).toBeUndefined();
    }
  });

  it("nop as an opcode word: its only encoding is the lone byte 0x90", () => {
    const nop = formByName("nop")!;
    expect(bytesOf(nop, [])).toEqual(new Uint8Array([NOP1_BYTE]));
    expect(layout(nop, 0).length).toBe(1);
    const word = new Uint8Array([nop.opcode & 0xff, nop.opcode >> 8]);
    expect(decode(word, 0)).toBeUndefined();
    expect(FORMS.some((f) => (f.opcode & 0xff) === NOP1_BYTE)).toBe(false);
    expect(decode(new Uint8Array([NOP1_BYTE, NOP1_BYTE]), 1)?.form).toBe(nop);
  });

  it("every truncation of every valid instruction", () => {
    for (const form of FORMS) {
      for (const mask of memMasks(form)) {
        const b = bytesOf(form, sampleOperands(form, mask));
        for (let len = 0; len < b.length; len++)
          expect(decode(b.subarray(0, len), 0)).toBeUndefined();
        expect(decode(b, 0)?.length).toBe(b.length);
      }
    }
  });

  it("a prefix the form does not allow", () => {
    const add = formByName("addEqGq")!;
    const ops = [reg(0), { kind: "mem", mem: SAMPLE_MEM } as OperandValue];
    expect(decode(bytesOf(add, ops, PREFIX_LOCK), 0)).toBeDefined();
    expect(decode(bytesOf(add, ops, PREFIX_REP), 0)).toBeUndefined();
    expect(decode(bytesOf(formByName("cmpEqGq")!, ops, PREFIX_LOCK), 0)).toBeUndefined();
    expect(decode(bytesOf(formByName("movsb")!, [], PREFIX_REPNE), 0)).toBeUndefined();
    expect(decode(bytesOf(formByName("movsb")!, [], PREFIX_LOCK), 0)).toBeUndefined();
  });

  it("LOCK with a register destination (#UD)", () => {
    expect(
      decode(bytesOf(formByName("addEqGq")!, [reg(0), reg(1)], PREFIX_LOCK), 0),
    ).toBeUndefined();
    expect(decode(bytesOf(formByName("incEq")!, [reg(1)], PREFIX_LOCK), 0)).toBeUndefined();
  });

  it("register bytes out of range", () => {
    for (const bad of [0x10, 0x13, 0x14, 0x7f]) {
      expect(decode(bytesOf(MOV_GQ_EQ, [reg(bad), reg(0)]), 0)).toBeUndefined();
      expect(decode(bytesOf(MOV_GQ_EQ, [reg(0), reg(bad)]), 0)).toBeUndefined();
    }
    expect(decode(bytesOf(formByName("movEbGb")!, [reg(0x14), reg(0)]), 0)).toBeUndefined();
  });

  it("a register byte where only memory is allowed (M operands)", () => {
    const b = bytesOf(formByName("leaGqM")!, [{ kind: "mem", mem: SAMPLE_MEM }, reg(0)]);
    b[2] = 0x01;
    expect(decode(b, 0)).toBeUndefined();
  });

  it("bad control and segment register numbers, and MOV to CS", () => {
    for (const cr of [1, 5, 6, 7, 9, 15]) expect(decode(bytesOf(formByName("movCGq")!, [reg(0), reg(cr)]), 0)).toBeUndefined(); // prettier-ignore
    expect(decode(bytesOf(formByName("movEwS")!, [reg(6), reg(0)]), 0)).toBeUndefined();
    expect(decode(bytesOf(formByName("movSEw")!, [reg(0), reg(1)]), 0)).toBeUndefined(); // CS
    expect(decode(bytesOf(formByName("movEwS")!, [reg(1), reg(0)]), 0)).toBeDefined(); // reading CS is fine
  });

  describe("memory operands with", () => {
    const memBytes = (): Uint8Array => bytesOf(MOV_GQ_EQ, [{ kind: "mem", mem: SAMPLE_MEM }, reg(0)]); // prettier-ignore
    const SEG = 2,
      BASE = 3,
      INDEX = 4;
    const mutate = (at: number, v: number): Uint8Array => {
      const b = memBytes();
      b[at] = v;
      return b;
    };
    it("a segment number above GS or reserved bits in byte 0", () => {
      expect(decode(mutate(SEG, 0x86), 0)).toBeDefined();
      expect(decode(mutate(SEG, 0x87), 0)).toBeUndefined();
      expect(decode(mutate(SEG, 0x88), 0)).toBeUndefined();
      expect(decode(mutate(SEG, 0xc0), 0)).toBeUndefined();
    });
    it("a base that is not a GPR, RIP or none", () => {
      for (const base of [0x11, 0x1e, 0x20, 0xff])
        expect(decode(mutate(BASE, base), 0)).toBeUndefined();
    });
    it("RSP as an index, an index above 15 or reserved bit 7", () => {
      expect(decode(mutate(INDEX, 4), 0)).toBeUndefined();
      expect(decode(mutate(INDEX, 0x10), 0)).toBeUndefined();
      expect(decode(mutate(INDEX, 0x83), 0)).toBeUndefined();
    });
    it("a scale without an index", () => {
      expect(decode(mutate(INDEX, MEM_NONE | (1 << 5)), 0)).toBeUndefined();
    });
    it("an index with a RIP base", () => {
      const b = mutate(BASE, 0x10);
      expect(decode(b, 0)).toBeUndefined();
      b[INDEX] = MEM_NONE;
      expect(decode(b, 0)).toBeDefined();
    });
  });

  it("AH..BH together with an operand that needs REX on x86", () => {
    const movb = formByName("movEbGb")!;
    expect(decode(bytesOf(movb, [reg(0x10), reg(0)]), 0)).toBeDefined();
    for (const other of [4, 7, 8, 15]) expect(decode(bytesOf(movb, [reg(0x10), reg(other)]), 0)).toBeUndefined(); // prettier-ignore
    const r8mem = { kind: "mem" as const, mem: { ...SAMPLE_MEM, base: 8 } };
    expect(decode(bytesOf(movb, [reg(0x11), r8mem]), 0)).toBeUndefined();
    const r9idx = { kind: "mem" as const, mem: { ...SAMPLE_MEM, index: 9 } };
    expect(decode(bytesOf(movb, [reg(0x11), r9idx]), 0)).toBeUndefined();
    expect(decode(bytesOf(formByName("movzbGqEb")!, [reg(0x10), reg(0)]), 0)).toBeUndefined();
    expect(decode(bytesOf(formByName("movzbGdEb")!, [reg(0x10), reg(0)]), 0)).toBeDefined();
  });

  it("register-to-register in a G,E form whose E,G twin exists (one encoding each)", () => {
    const twins = FORMS.filter((f) => f.eMustBeMem);
    expect(twins.map((f) => f.name)).toContain("movGqEq");
    expect(twins.map((f) => f.name)).not.toContain("cmoveGqEq");
    for (const f of twins) {
      expect(decode(bytesOf(f, [reg(1), reg(2)]), 0)).toBeUndefined();
      expect(decode(bytesOf(f, [{ kind: "mem", mem: SAMPLE_MEM }, reg(2)]), 0)).toBeDefined();
    }
  });

  it("int $3, which has its own opcode (int3)", () => {
    const int = formByName("intIb")!;
    expect(decode(bytesOf(int, [{ kind: "imm", value: 3n }]), 0)).toBeUndefined();
    expect(decode(bytesOf(int, [{ kind: "imm", value: 4n }]), 0)).toBeDefined();
  });

  it("a negative or past-the-end offset", () => {
    const b = bytesOf(formByName("nop")!, []);
    expect(decode(b, -1)).toBeUndefined();
    expect(decode(b, b.length)).toBeUndefined();
  });
});

describe("decode", () => {
  it("decodes at an offset and reports the prefix", () => {
    const buf = new Uint8Array(32);
    const n1 = encode(formByName("nop")!, 0, [], buf, 0);
    const n2 = encode(formByName("stosq")!, PREFIX_REP, [], buf, n1);
    const d = decode(buf, n1)!;
    expect(d.form.name).toBe("stosq");
    expect(d.prefix).toBe(PREFIX_REP);
    expect(d.length).toBe(n2);
  });
});

describe("layout", () => {
  it("places the fields an assembler patches", () => {
    const form = formByName("movEqId")!; // movq $imm32, E
    expect(layout(form, 0)).toEqual({ length: 7, offsets: [2, 6], fields: [{ operand: 0, offset: 2, width: 4, role: "imm", signed: true }] }); // prettier-ignore
    expect(layout(form, 2)).toEqual({
      length: 13,
      offsets: [2, 6],
      fields: [
        { operand: 0, offset: 2, width: 4, role: "imm", signed: true },
        { operand: 1, offset: 9, width: 4, role: "disp", signed: true },
      ],
    });
    expect(layout(formByName("addEdId")!, 0).fields[0]!.signed).toBe(false);
    expect(layout(formByName("callJd")!, 0)).toEqual({ length: 6, offsets: [2], fields: [{ operand: 0, offset: 2, width: 4, role: "rel", signed: true }] }); // prettier-ignore
    expect(layout(formByName("movabsGqIq")!, 0).length).toBe(11);
    expect(layout(formByName("shlEqCL")!, 2).length).toBe(9); // operands [CL, Eq]
    expect(layout(formByName("shlEqCL")!, 1).length).toBe(3); // bit 0 names the fixed CL: ignored
    expect(layout(formByName("leaGqM")!, 0).fields[0]).toMatchObject({ role: "disp", offset: 5 });
  });
});
