// Encode → decode round trips over the whole table: every row in register and memory variants,
// every register byte an operand allows, boundary immediates and every memory operand encoding.
import { describe, expect, it } from "vitest";
import type { InsnForm, IsaForm, MemOperand, OperandValue } from "../../../src/isa/index.js";
import {
  FORMS,
  MEM_BASE_RIP,
  MEM_NONE,
  decode,
  encode,
  formByName,
  kindBits,
  layout,
} from "../../../src/isa/index.js";
import { OC_E, OC_G, OC_I, operandClass } from "../../../src/isa/layout.js";
import { memMasks, sampleOperands } from "./samples.js";

const buf = new Uint8Array(64);

function roundTrip(form: InsnForm, ops: OperandValue[], prefix = 0): void {
  buf.fill(0xcc);
  const n = encode(form, prefix, ops, buf, 0);
  const d = decode(buf.subarray(0, n), 0);
  expect(d, `${form.name} ${JSON.stringify(ops, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`).toBeDefined(); // prettier-ignore
  expect(d!.form).toBe(form);
  expect(d!.prefix).toBe(prefix);
  expect(d!.length).toBe(n);
  const norm = ops.map((v) => (v.kind === "imm" ? { kind: "imm", value: BigInt.asUintN(kindBits(form.operands[ops.indexOf(v)]!), v.value) } : v)); // prettier-ignore
  expect(d!.operands).toEqual(norm);
  const again = new Uint8Array(64);
  expect(encode(form, prefix, d!.operands, again, 0)).toBe(n);
  expect(again.subarray(0, n)).toEqual(buf.subarray(0, n));
}

describe("every row", () => {
  it("round-trips in every register/memory variant, with the length layout() predicts", () => {
    let count = 0;
    for (const form of FORMS) {
      for (const mask of memMasks(form)) {
        const ops = sampleOperands(form, mask);
        roundTrip(form, ops);
        expect(encode(form, 0, ops, buf, 0)).toBe(layout(form, mask).length);
        count++;
      }
    }
    expect(count).toBeGreaterThan(FORMS.length);
  });

  it("round-trips every allowed prefix", () => {
    for (const form of FORMS) {
      for (const prefix of [1, 2, 3]) {
        if (!(form.prefixes & (1 << prefix))) continue;
        const masks = memMasks(form);
        roundTrip(form, sampleOperands(form, masks[masks.length - 1]!), prefix);
      }
    }
  });
});

describe("registers", () => {
  it("accepts every GPR byte in every G and register-E operand", () => {
    for (const form of FORMS) {
      form.operands.forEach((k, i) => {
        const cls = operandClass(k);
        if (cls !== OC_E && cls !== OC_G) return;
        const memE = (form as IsaForm).eMustBeMem ? memMasks(form)[0]! : 0;
        if (cls === OC_E && (form as IsaForm).eMustBeMem) return; // see decode.test.ts
        for (let num = 0; num < 16; num++) {
          const ops = sampleOperands(form, memE);
          ops[i] = { kind: "reg", num };
          roundTrip(form, ops);
        }
      });
    }
  });

  it("accepts AH CH DH BH only in byte operands", () => {
    const ah = { kind: "reg" as const, num: 0x10 };
    for (const num of [0x10, 0x11, 0x12, 0x13]) {
      roundTrip(formByName("movEbGb")!, [
        { kind: "reg", num },
        { kind: "reg", num: 0 },
      ]);
    }
    const n = encode(formByName("movEwGw")!, 0, [ah, { kind: "reg", num: 0 }], buf, 0);
    expect(decode(buf.subarray(0, n), 0)).toBeUndefined();
  });

  it("round-trips every control and segment register", () => {
    for (const cr of [0, 2, 3, 4, 8]) roundTrip(formByName("movCGq")!, [{ kind: "reg", num: 1 }, { kind: "reg", num: cr }]); // prettier-ignore
    for (const seg of [0, 2, 3, 4, 5]) roundTrip(formByName("movSEw")!, [{ kind: "reg", num: 1 }, { kind: "reg", num: seg }]); // prettier-ignore
    for (const seg of [0, 1, 2, 3, 4, 5]) roundTrip(formByName("movEwS")!, [{ kind: "reg", num: seg }, { kind: "reg", num: 1 }]); // prettier-ignore
  });
});

describe("immediates", () => {
  const boundaries = (bits: number): bigint[] => {
    const b = BigInt(bits);
    return [0n, 1n, (1n << (b - 1n)) - 1n, 1n << (b - 1n), (1n << b) - 1n];
  };
  it("round-trips boundary values of every immediate width", () => {
    for (const form of FORMS) {
      form.operands.forEach((k, i) => {
        if (operandClass(k) !== OC_I) return;
        for (const value of boundaries(kindBits(k))) {
          if (form.name === "intIb" && value === 3n) continue; // int $3 is int3 (see decode tests)
          const ops = sampleOperands(form, 0);
          ops[i] = { kind: "imm", value };
          roundTrip(form, ops);
        }
      });
    }
  });

  it("writes negative immediates as their bit pattern", () => {
    const form = formByName("addEqId")!;
    encode(
      form,
      0,
      [
        { kind: "imm", value: -1n },
        { kind: "reg", num: 0 },
      ],
      buf,
      0,
    );
    const field = layout(form, 0).fields[0]!;
    expect(field).toMatchObject({ role: "imm", width: 4, signed: true });
    expect(Array.from(buf.subarray(field.offset, field.offset + 4))).toEqual([
      0xff, 0xff, 0xff, 0xff,
    ]);
    expect(decode(buf, 0)!.operands[0]).toEqual({ kind: "imm", value: 0xffffffffn });
  });

  it("round-trips rel32 extremes", () => {
    for (const value of [0, -1, 0x7fffffff, -0x80000000, -6]) {
      roundTrip(formByName("jmpJd")!, [{ kind: "rel", value }]);
    }
  });
});

describe("memory operands", () => {
  it("round-trips every segment × base × index × scale combination", () => {
    const form = formByName("movGqEq")!;
    const bases = [...Array(16).keys(), MEM_BASE_RIP, MEM_NONE];
    const indexes = [...Array(16).keys()].filter((i) => i !== 4).concat([MEM_NONE]);
    let count = 0;
    for (let seg = 0; seg <= 6; seg++) {
      for (const base of bases) {
        for (const index of indexes) {
          if (base === MEM_BASE_RIP && index !== MEM_NONE) continue;
          for (let scaleLog2 = 0; scaleLog2 < 4; scaleLog2++) {
            if (index === MEM_NONE && scaleLog2 !== 0) continue;
            const mem: MemOperand = { seg, base, index, scaleLog2, disp: -0x1234 };
            roundTrip(form, [
              { kind: "mem", mem },
              { kind: "reg", num: 2 },
            ]);
            count++;
          }
        }
      }
    }
    // Per segment: 17 bases (GPRs and none) × (15 indexes × 4 scales + no index), plus RIP alone.
    expect(count).toBe(7 * (17 * (15 * 4 + 1) + 1));
  });

  it("round-trips disp32 extremes", () => {
    for (const disp of [0, -1, 0x7fffffff, -0x80000000]) {
      const mem: MemOperand = { seg: 0, base: 5, index: MEM_NONE, scaleLog2: 0, disp };
      roundTrip(formByName("leaGqM")!, [
        { kind: "mem", mem },
        { kind: "reg", num: 0 },
      ]);
    }
  });
});
