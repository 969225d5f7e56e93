// A near JMP/Jcc/CALL/RET (direct or indirect) to a non-canonical target raises #GP(0) at the
// branch: RIP, RSP and memory are as before the branch (SDM vol. 2 JMP, Jcc, CALL, RET: "If the
// target address is in non-canonical form"). Checked on both paths: the interpreter (a cold
// block, default threshold) and the block compiler (jitThreshold 0 compiles every block before
// its first run). The relative branches run from the last page of the lower canonical half
// (0x7ffffffff000, mapped here by hand), so a forward rel32 lands above 0x7fffffffffff.
import { describe, expect, it } from "vitest";
import { asm, boot, i, r } from "./asm.js";
import type { Insn } from "./asm.js";
import { encode, formByName } from "../../../src/isa/index.js";
import type { Machine, MachineOptions } from "../../../src/vm/index.js";

const RAX = 0;
const IMAGE_BASE = 0x100000; // flat64 links images at 1 MiB
const BOOT_RSP = 0x80000;
const PML4 = 0x1000; // flat64's PML4
const TOP_PAGE = 0x7ffffffff000; // the last 4 KiB page of the lower half
const PDPT = 0x90000;
const PD = 0x91000;
const PT = 0x92000;
const CODE_PHYS = 0x93000;
const PRESENT_RW = 0x3;
const NON_CANONICAL = 0x800000000000;
const BRANCH_AT = TOP_PAGE + 0xf00; // room for the branch and a fall-through HLT
const TABLE_INDEX = 511; // bits 38:12 of TOP_PAGE are all ones: the last entry at each level
const PML4_INDEX = 255; // bits 47:39

/** Encode one instruction with a raw rel32 displacement `rel` (no label). */
function encodeRel(name: string, rel: number): Uint8Array {
  const out = new Uint8Array(16);
  const form = formByName(name)!;
  const len = encode(form, 0, [{ kind: "rel", value: rel }], out, 0);
  return out.slice(0, len);
}

/** Map TOP_PAGE → CODE_PHYS in flat64's tables and put `code` at BRANCH_AT. */
function mapTopPage(mc: Machine, code: Uint8Array): void {
  const mem = mc.mem;
  mem.write32(PML4 + 8 * PML4_INDEX, PDPT | PRESENT_RW);
  mem.write32(PDPT + 8 * TABLE_INDEX, PD | PRESENT_RW);
  mem.write32(PD + 8 * TABLE_INDEX, PT | PRESENT_RW);
  mem.write32(PT + 8 * TABLE_INDEX, CODE_PHYS | PRESENT_RW);
  code.forEach((b, k) => mem.write8(CODE_PHYS + (BRANCH_AT - TOP_PAGE) + k, b));
}

const hex = (v: number) => v.toString(16).padStart(16, "0");

/** Run `prog` (at 1 MiB); optionally with the top page holding `top`; return the machine's end. */
function run(opts: MachineOptions, prog: Insn[], top?: (mc: Machine) => void) {
  const mc = boot(prog, opts);
  top?.(mc);
  return mc.run();
}

/** A relative branch at BRANCH_AT whose taken target is NON_CANONICAL + 0x10. */
function relBranch(name: string, setup: Insn[] = []) {
  const len = encodeRel(name, 0).length; // rel is from the end of the branch
  const branch = encodeRel(name, NON_CANONICAL + 0x10 - (BRANCH_AT + len));
  const hlt = asm([["cli"], ["hlt"]]);
  const code = new Uint8Array([...branch, ...hlt]);
  const prog: Insn[] = [...setup, ["movabsGqIq", i(BigInt(BRANCH_AT)), r(RAX)], ["jmpEq", r(RAX)]];
  return { prog, top: (mc: Machine) => mapTopPage(mc, code) };
}

const PATHS: [string, MachineOptions][] = [
  ["interpreter", {}],
  ["block compiler", { jitThreshold: 0 }],
];

describe.each(PATHS)("non-canonical branch targets (%s)", (_path, opts) => {
  function expectGpAt(res: ReturnType<typeof run>, rip: number) {
    expect(res.reason).toBe("triple-fault");
    expect(res.faultChain![0]).toMatchObject({ name: "#GP", errorCode: 0, rip: hex(rip) });
  }

  it("a taken jcc faults at the jcc; not taken it falls through", () => {
    const taken = relBranch("jeJd", [["xorEdGd", r(RAX), r(RAX)]]); // ZF = 1
    expectGpAt(run(opts, taken.prog, taken.top), BRANCH_AT);
    const notTaken = relBranch("jneJd", [["xorEdGd", r(RAX), r(RAX)]]);
    const res = run(opts, notTaken.prog, notTaken.top);
    expect(res.reason).toBe("halt");
  });

  it("jmp rel32 faults at the jmp", () => {
    const b = relBranch("jmpJd");
    expectGpAt(run(opts, b.prog, b.top), BRANCH_AT);
  });

  it("call rel32 faults at the call without pushing", () => {
    const b = relBranch("callJd");
    const res = run(opts, b.prog, b.top);
    expectGpAt(res, BRANCH_AT);
    expect(res.faultChain![0]!.rsp).toBe(hex(BOOT_RSP));
  });

  it("indirect jmp and call through a register fault at the branch", () => {
    for (const name of ["jmpEq", "callEq"]) {
      const prog: Insn[] = [
        ["movabsGqIq", i(BigInt(NON_CANONICAL)), r(RAX)],
        [name, r(RAX)],
      ];
      const res = run(opts, prog);
      expectGpAt(res, IMAGE_BASE + asm(prog.slice(0, 1)).length); // the branch after the movabs
      expect(res.faultChain![0]!.rsp).toBe(hex(BOOT_RSP));
    }
  });

  it("ret to a non-canonical address faults at the ret and leaves RSP", () => {
    const prog: Insn[] = [
      ["movabsGqIq", i(BigInt(NON_CANONICAL)), r(RAX)],
      ["pushEq", r(RAX)],
      ["ret"],
    ];
    const res = run(opts, prog);
    expect(res.reason).toBe("triple-fault");
    expect(res.faultChain![0]).toMatchObject({ name: "#GP", errorCode: 0 });
    expect(res.faultChain![0]!.rsp).toBe(hex(BOOT_RSP - 8));
    expect(parseInt(res.faultChain![0]!.rip, 16)).toBe(IMAGE_BASE + asm(prog.slice(0, 2)).length);
  });
});
