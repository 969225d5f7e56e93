// Event delivery through the 64-bit IDT (SDM 6.14) with the TSS stack switch (SDM 7.7), and IRETQ.
// Every read of the IDT, GDT and TSS and every push of the frame is an implicit supervisor access
// through paging, so a bad mapping there faults like on hardware (and can escalate to #DF).
//
//   64-bit IDT gate (16 bytes):
//   +0  offset 15:0 | selector << 16
//   +4  IST 2:0 | type 11:8 | DPL 14:13 | P 15 | offset 31:16 << 16
//   +8  offset 63:32
//   +12 reserved
//   64-bit TSS: RSP0 +4, RSP1 +12, RSP2 +20, IST1..IST7 +36 + 8*(n-1), I/O map base +102.
import { FLAG_IF, FLAG_NT, FLAG_RF, FLAG_TF } from "../../isa/types.js";
import { SEG_CS, SEG_SS } from "../../isa/registers.js";
import { RSP } from "../../isa/registers.js";
import { TWO32 } from "../cpu.js";
import type { Cpu } from "../cpu.js";
import { VEC_GP, VEC_NP, VEC_SS, VEC_TS } from "../fault.js";
import { readFlags } from "../flags.js";
import {
  DESC_L,
  DESC_P,
  DESC_TYPE_CODE,
  dplOf,
  loadCodeSegment,
  readDescriptor,
  setSegment,
} from "./descriptors.js";

export const GATE_SIZE = 16;
export const GATE_INTERRUPT = 0xe;
export const GATE_TRAP = 0xf;
const GATE_P = 1 << 15;
export const TSS_RSP0 = 4;
export const TSS_IST1 = 36;
/** Error-code bits for IDT-related faults (SDM 6.13): EXT and IDT. */
export const ERR_EXT = 1;
export const ERR_IDT = 2;

function read64Implicit(c: Cpu, lin: number): number {
  const lo = c.readImplicit32(lin) >>> 0;
  const hi = c.readImplicit32(lin + 4);
  return hi * TWO32 + lo;
}

function push64Implicit(c: Cpu, rsp: number, lo: number, hi: number): number {
  const at = rsp - 8;
  c.writeImplicit32(at, lo);
  c.writeImplicit32(at + 4, hi);
  return at;
}

/** Read TSS.RSPn or ISTn (64-bit): SDM 7.7, #TS(TR selector) beyond the TSS limit. */
function tssStack(c: Cpu, offset: number, ext: number): number {
  if (offset + 7 > c.trLimit) c.raise(VEC_TS, (c.trSel & 0xfffc) | ext);
  return read64Implicit(c, c.trBase + offset);
}

/**
 * Deliver `vector` through the IDT. `errorCode` < 0 means none; `soft` marks INT n / INT3 (the gate
 * DPL check applies and EXT is 0); `returnRip` is what the frame's RIP gets.
 */
export function deliver(
  c: Cpu,
  vector: number,
  errorCode: number,
  soft: boolean,
  returnRip: number,
): void {
  const ext = soft ? 0 : ERR_EXT;
  const gateErr = vector * 8 + ERR_IDT + ext;
  // SDM 6.14.1: the gate must lie within the IDT limit → #GP(vector*8+2+EXT).
  if (vector * GATE_SIZE + GATE_SIZE - 1 > c.idtrLimit) c.raise(VEC_GP, gateErr);
  const gate = c.idtrBase + vector * GATE_SIZE;
  const w0 = c.readImplicit32(gate);
  const w1 = c.readImplicit32(gate + 4);
  const w2 = c.readImplicit32(gate + 8);
  const type = (w1 >>> 8) & 0xf;
  // SDM 6.14.1: only 64-bit interrupt and trap gates are valid in IA-32e mode → #GP.
  if (type !== GATE_INTERRUPT && type !== GATE_TRAP) c.raise(VEC_GP, gateErr);
  // SDM 6.12.1.1: INT n / INT3 through a gate with DPL < CPL → #GP(vector*8+2).
  if (soft && ((w1 >>> 13) & 3) < c.cpl) c.raise(VEC_GP, gateErr);
  // SDM 6.12.1: a not-present gate → #NP(vector*8+2+EXT).
  if ((w1 & GATE_P) === 0) c.raise(VEC_NP, gateErr);
  const sel = w0 >>> 16;
  // SDM 6.12.1.1: the target must be a present 64-bit code segment with DPL ≤ CPL.
  if ((sel & 0xfffc) === 0) c.raise(VEC_GP, ext);
  const d = readDescriptor(c, sel);
  const newCpl = dplOf(d.attr);
  if ((d.attr & DESC_TYPE_CODE) === 0 || (d.attr & DESC_L) === 0 || newCpl > c.cpl)
    c.raise(VEC_GP, (sel & 0xfffc) | ext);
  if ((d.attr & DESC_P) === 0) c.raise(VEC_NP, (sel & 0xfffc) | ext);
  const target = (w2 | 0) * TWO32 + (((w1 & 0xffff0000) | (w0 & 0xffff)) >>> 0);
  const ist = w1 & 7;
  const oldRsp = c.regAsNumber(RSP);
  const oldRspLo = c.rlo[RSP]!;
  const oldRspHi = c.rhi[RSP]!;
  let rsp = oldRsp;
  // SDM 6.14.4/6.14.5: IST ≠ 0 → TSS.ISTn; a privilege change → TSS.RSPn; then align to 16.
  if (ist !== 0) rsp = tssStack(c, TSS_IST1 + 8 * (ist - 1), ext);
  else if (newCpl < c.cpl) rsp = tssStack(c, TSS_RSP0 + 8 * newCpl, ext);
  // SDM 6.14.4: a non-canonical new stack → #SS(EXT).
  if (rsp >= 0x800000000000 || rsp < -0x800000000000) c.raise(VEC_SS, ext);
  rsp -= ((rsp % 16) + 16) % 16;
  const flags = readFlags(c);
  const ripLo = returnRip >>> 0;
  const ripHi = Math.floor(returnRip / TWO32) | 0;
  rsp = push64Implicit(c, rsp, c.segSel[SEG_SS]!, 0);
  rsp = push64Implicit(c, rsp, oldRspLo, oldRspHi);
  rsp = push64Implicit(c, rsp, flags, 0);
  rsp = push64Implicit(c, rsp, c.segSel[SEG_CS]!, 0);
  rsp = push64Implicit(c, rsp, ripLo, ripHi);
  if (errorCode >= 0) rsp = push64Implicit(c, rsp, errorCode, 0);
  // Nothing below can fault: commit.
  if (c.ev !== undefined)
    c.ev.deliver(c, { vector, errorCode, soft, trapGate: type === GATE_TRAP, ist, newCpl, handler: target, newRsp: rsp, oldRsp, rflags: flags, returnRip }); // prettier-ignore
  if (newCpl !== c.cpl) setSegment(c, SEG_SS, newCpl, undefined); // SDM 6.14.4: SS = NULL with RPL = new CPL
  loadCodeSegment(c, (sel & 0xfffc) | newCpl, d);
  c.setRegFromNumber(RSP, rsp);
  c.rip = target;
  let f = c.rflags & ~(FLAG_TF | FLAG_NT | FLAG_RF);
  if (type === GATE_INTERRUPT) f &= ~FLAG_IF; // SDM 6.12.1.3: interrupt gates clear IF
  c.rflags = f;
  c.accessClassChanged();
  c.halted = false;
}
