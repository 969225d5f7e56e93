// IN and OUT (SDM vol. 2): the port from an Ib immediate or DX; the accumulator AL/AX/EAX.
import { RAX, RDX } from "../../isa/registers.js";
import type { Cpu } from "../cpu.js";
import type { Op } from "../op.js";
import { OK_IMM } from "../op.js";
import { checkIopl } from "./system.js";
import { readReg, writeReg } from "./operands.js";

function port(c: Cpu, op: Op, i: number): number {
  return op.kind[i] === OK_IMM ? op.immLo & 0xff : c.rlo[RDX]! & 0xffff;
}

export function inExec(c: Cpu, op: Op): void {
  checkIopl(c);
  const v = c.io.in(port(c, op, 0), op.size);
  writeReg(c, RAX, op.size, v, 0);
}

export function outExec(c: Cpu, op: Op): void {
  checkIopl(c);
  c.io.out(port(c, op, 1), op.size, readReg(c, RAX, op.size), c);
}
