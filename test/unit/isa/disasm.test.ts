// The disassembler prints GNU-as AT&T text that re-assembles to the same bytes: every row is
// disassembled, read back, matched with matchInstruction and re-encoded.
import { describe, expect, it } from "vitest";
import type { InsnForm, OperandValue } from "../../../src/isa/index.js";
import { FORMS, IMPLIED_ONE, PREFIX_LOCK, PREFIX_REP, decode, disassemble, encode, formByName, isMatchError, layout, matchInstruction } from "../../../src/isa/index.js"; // prettier-ignore
import { OC_E, OC_FIXED, operandClass } from "../../../src/isa/layout.js";
import { memMasks, sampleOperands, NO_INDEX_MEM } from "./samples.js";
import { reparse } from "./reparse.js";

const LINE = /^(?:(?:lock|rep|repz) )?[a-z][a-z0-9]*(?: {1,6}\S+(?:,\S+)*)?(?: {2}# .*)?$/;

function bytesOf(form: InsnForm, ops: OperandValue[], prefix = 0): Uint8Array {
  const buf = new Uint8Array(32);
  return buf.slice(0, encode(form, prefix, ops, buf, 0));
}

/** Disassemble, read back, match and re-encode; return the text. */
function reassemble(bytes: Uint8Array): string {
  const insn = decode(bytes, 0)!;
  const text = disassemble(insn);
  expect(text).toMatch(LINE);
  const r = reparse(text);
  const m = matchInstruction(r.mnemonic, r.prefixes, r.shapes);
  if (isMatchError(m)) throw new Error(`${text}: ${m.error}`);
  expect(m.form, text).toBe(insn.form);
  expect(m.warnings, text).toEqual([]);
  let memMask = 0;
  m.args.forEach((a, i) => {
    if (a >= 0 && operandClass(m.form.operands[i]!) === OC_E && r.values[a]!.kind === "mem") memMask |= 1 << i; // prettier-ignore
  });
  const length = layout(m.form, memMask).length;
  const values = m.args.map((a, i): OperandValue => {
    if (a === IMPLIED_ONE) return { kind: "imm", value: 1n };
    if (operandClass(m.form.operands[i]!) === OC_FIXED) return { kind: "fixed" };
    const v = r.values[a]!;
    return v.kind === "rel" ? { kind: "rel", value: v.value - length } : v;
  });
  const out = bytesOf(m.form, values, m.prefix);
  expect(Array.from(out), text).toEqual(Array.from(bytes));
  return text;
}

describe("disassemble → match → encode", () => {
  it("reproduces every row in every register/memory variant and allowed prefix", () => {
    for (const form of FORMS) {
      for (const mask of memMasks(form)) {
        reassemble(bytesOf(form, sampleOperands(form, mask)));
        reassemble(bytesOf(form, sampleOperands(form, mask, NO_INDEX_MEM)));
        for (const prefix of [PREFIX_LOCK, PREFIX_REP]) {
          if (!(form.prefixes & (1 << prefix))) continue;
          if (prefix === PREFIX_LOCK && mask === 0) continue;
          reassemble(bytesOf(form, sampleOperands(form, mask), prefix));
        }
      }
    }
  });

  it("reproduces negative, zero and extreme immediates, displacements and branch offsets", () => {
    const imm = (value: bigint): OperandValue => ({ kind: "imm", value });
    const rax: OperandValue = { kind: "reg", num: 0 };
    for (const v of [0n, -1n, -0x80000000n, 0x7fffffffn]) reassemble(bytesOf(formByName("addEqId")!, [imm(v), rax])); // prettier-ignore
    for (const v of [0n, 0xffn, 0x80n]) reassemble(bytesOf(formByName("addEbIb")!, [imm(v), rax]));
    for (const v of [0n, 1n, 0xffffffffffffffffn]) reassemble(bytesOf(formByName("movabsGqIq")!, [imm(v), rax])); // prettier-ignore
    for (const disp of [0, -1, -0x80000000, 0x7fffffff]) {
      for (const mem of [
        { seg: 6, base: 0x1f, index: 0x1f, scaleLog2: 0, disp },
        { seg: 0, base: 0x10, index: 0x1f, scaleLog2: 0, disp },
        { seg: 0, base: 0x1f, index: 5, scaleLog2: 3, disp },
      ]) {
        // prettier-ignore
        reassemble(bytesOf(formByName("movGqEq")!, [{ kind: "mem", mem }, rax]));
      }
    }
    for (const value of [0, -6, -7, 0x7fffffff, -0x80000000]) reassemble(bytesOf(formByName("jneJd")!, [{ kind: "rel", value }])); // prettier-ignore
  });
});

describe("disassemble prints", () => {
  const d = (
    name: string,
    ops: OperandValue[],
    prefix = 0,
    opts?: Parameters<typeof disassemble>[1],
  ): string =>
    // prettier-ignore
    disassemble(decode(bytesOf(formByName(name)!, ops, prefix), 0)!, opts);
  const reg = (num: number): OperandValue => ({ kind: "reg", num });
  const mem = (m: Partial<{ seg: number; base: number; index: number; scaleLog2: number; disp: number }>): OperandValue => ({ kind: "mem", mem: { seg: 0, base: 0x1f, index: 0x1f, scaleLog2: 0, disp: 0, ...m } }); // prettier-ignore
  const imm = (value: bigint): OperandValue => ({ kind: "imm", value });

  it("suffixes only where no register shows the size", () => {
    expect(d("addEqGq", [reg(1), reg(2)])).toBe("add    %rcx,%rdx");
    expect(d("addEqId", [imm(1n), mem({ base: 0 })])).toBe("addq   $0x1,(%rax)");
    expect(d("addEqId", [imm(-8n), reg(4)])).toBe("add    $-0x8,%rsp");
    expect(d("addEbIb", [imm(0xffn), reg(0x10)])).toBe("add    $0xff,%ah");
    expect(d("shlEqCL", [{ kind: "fixed" }, mem({ base: 3 })])).toBe("shlq   %cl,(%rbx)");
    expect(d("movzbGdEb", [reg(0), reg(0)])).toBe("movzbl %al,%eax");
    expect(d("movslGqEd", [mem({ base: 7, disp: 8 }), reg(0)])).toBe("movslq 0x8(%rdi),%rax");
    expect(d("seteEb", [mem({ base: 0 })])).toBe("sete   (%rax)");
    expect(d("stosq", [], PREFIX_REP)).toBe("rep stosq");
    expect(d("ret", [], PREFIX_REP)).toBe("repz ret");
    expect(d("iretq", [])).toBe("iretq");
    expect(d("inALDX", [{ kind: "fixed" }, { kind: "fixed" }])).toBe("in     (%dx),%al");
    expect(d("movGqC", [reg(3), reg(0)])).toBe("mov    %cr3,%rax");
    expect(d("movEwS", [reg(5), mem({ base: 0 })])).toBe("movw   %gs,(%rax)");
    expect(d("callEq", [mem({ seg: 6, disp: 0x10 })])).toBe("call   *%gs:0x10");
    expect(d("xchgEqGq", [reg(0), mem({ base: 0 })], PREFIX_LOCK)).toBe("lock xchg %rax,(%rax)");
  });

  it("branch targets relative to `.` without an address, absolute or symbolic with one", () => {
    const jmp = (value: number) => [{ kind: "rel", value } as OperandValue];
    expect(d("jmpJd", jmp(0))).toBe("jmp    .+6");
    expect(d("jmpJd", jmp(-6))).toBe("jmp    .+0");
    expect(d("jmpJd", jmp(-16))).toBe("jmp    .-10");
    expect(d("jeJd", jmp(4), 0, { address: 0x1000n })).toBe("je     0x100a");
    const symbolize = (a: bigint) => (a === 0x100an ? "target" : undefined);
    expect(d("callJd", jmp(4), 0, { address: 0x1000n, symbolize })).toBe("call   target");
    expect(d("leaGqM", [mem({ base: 0x10, disp: 0x20 }), reg(0)], 0, { address: 0x1000n })).toBe("lea    0x20(%rip),%rax  # 0x102a"); // prettier-ignore
  });
});
