// The calibration loop (../shared/bench/loop.S) hand-encoded for src/isa's encoder: shared by the
// loop test and bench/vm-loop.mjs until the assembler can build loop.S itself.
import { i, f, m, r, to } from "./asm.js";
import type { Insn } from "./asm.js";

const [RAX, RCX, RDX, RBX, RSP, , RSI, RDI, R8] = [0, 1, 2, 3, 4, 5, 6, 7, 8];

export function loopProgram(iters: number): Insn[] {
  return [
    ["movabsGqIq", i(0x80000n), r(RSP)],
    ["subEqId", i(64), r(RSP)],
    ["movabsGqIq", i(iters), r(R8)],
    ["xorEdGd", r(RCX), r(RCX)],
    ["xorEdGd", r(RAX), r(RAX)],
    ["movEdId", i(1), r(RBX)],
    ["movEdId", i(0x12345), r(RDX)],
    ["xorEdGd", r(RDI), r(RDI)],
    ["movEqId", i(7), m(RSP, 16)],
    { label: "loop" },
    ["addEqGq", r(RCX), r(RAX)],
    ["xorEqGq", r(RAX), r(RDX)],
    ["movEqGq", r(RDX), m(RSP, 8)],
    ["movGqEq", m(RSP, 16), r(RSI)],
    ["addEqGq", r(RSI), r(RBX)],
    ["movEqGq", r(RBX), m(RSP, 16)],
    ["xorEqGq", r(RBX), r(RDI)],
    ["addEqId", i(1), r(RCX)],
    ["cmpEqGq", r(R8), r(RCX)],
    ["jneJd", to("loop")],
    ["xorEqGq", r(RBX), r(RAX)],
    ["xorEqGq", r(RDX), r(RAX)],
    ["xorEqGq", r(RDI), r(RAX)],
    ["movEqGq", r(RAX), r(RBX)],
    ["movEdId", i(16), r(RCX)],
    ["movEwIw", i(0x3f8), r(RDX)],
    { label: "digit" },
    ["rolEqIb", i(4), r(RBX)],
    ["movEdGd", r(RBX), r(RAX)],
    ["andEdId", i(15), r(RAX)],
    ["cmpEdId", i(10), r(RAX)],
    ["jbJd", to("dec")],
    ["addEdId", i(39), r(RAX)],
    { label: "dec" },
    ["addEdId", i(48), r(RAX)],
    ["outDXAL", f, f],
    ["decEd", r(RCX)],
    ["jneJd", to("digit")],
    ["movEbIb", i(10), r(RAX)],
    ["outDXAL", f, f],
    ["xorEdGd", r(RAX), r(RAX)],
    ["outIbAL", f, i(0xf4)],
    ["cli"],
    ["hlt"],
  ];
}
