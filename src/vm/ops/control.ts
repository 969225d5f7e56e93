// Control transfer and miscellany (SDM vol. 2): JMP, Jcc, CALL, RET, LEAVE, NOP/PAUSE/fences,
// UD2 (#UD), INT3 (#BP, a trap), INT n, HLT, the string moves/stores and the single-flag
// instructions. Handlers of `flow` ops set RIP themselves; the run loop advances the others.
import { RBP, RCX, RDI, RSI, RSP } from "../../isa/registers.js";
import { FLAG_AC, FLAG_CF, FLAG_DF, PREFIX_REP } from "../../isa/types.js";
import type { Cpu } from "../cpu.js";
import { TWO32 } from "../cpu.js";
import { VEC_BP, VEC_UD } from "../fault.js";
import { readFlags, setStatus, testCond } from "../flags.js";
import type { Op } from "../op.js";
import { OK_REL } from "../op.js";
import { deliver } from "../sys/idt.js";
import { pop64, push64, stackLin } from "./data.js";
import { linOf, readOp } from "./operands.js";

export const ATTN_HALT = 1;
export const ATTN_STOP = 2;
export const ATTN_SMC = 4;

function target(c: Cpu, op: Op): number {
  if (op.kind[0] === OK_REL) return c.rip + op.len + op.rel;
  const lin = linOf(c, op);
  const lo = readOp(c, op, 0, lin, 64);
  return c.hiOut * TWO32 + (lo >>> 0);
}

/** SDM vol. 2 JMP/Jcc/CALL/RET: a non-canonical target raises #GP(0) at the branch (RIP unchanged). */
function checkTarget(c: Cpu, t: number): void {
  c.checkCanonical(t, 0);
}

export function jmpExec(c: Cpu, op: Op): void {
  const t = target(c, op);
  checkTarget(c, t);
  c.rip = t;
}

export function jccExec(c: Cpu, op: Op): void {
  if (!testCond(c, op.form.cond)) {
    c.rip += op.len;
    return;
  }
  const t = c.rip + op.len + op.rel;
  checkTarget(c, t); // SDM vol. 2 Jcc: a taken branch to a non-canonical target → #GP(0)
  c.rip = t;
}

export function callExec(c: Cpu, op: Op): void {
  const t = target(c, op);
  checkTarget(c, t);
  const ret = c.rip + op.len;
  push64(c, ret >>> 0, Math.floor(ret / TWO32) | 0);
  c.rip = t;
}

export function retExec(c: Cpu): void {
  const lin = stackLin(c, 0);
  const lo = c.read64(lin);
  const t = c.hiOut * TWO32 + (lo >>> 0);
  checkTarget(c, t);
  pop64(c);
  c.rip = t;
}

export function leaveExec(c: Cpu): void {
  // SDM vol. 2 LEAVE: RSP ← RBP, then POP RBP (the read happens before any register changes).
  const lin = c.regAsNumber(RBP);
  c.checkCanonical(lin, 1);
  const lo = c.read64(lin);
  const hi = c.hiOut;
  c.setRegFromNumber(RSP, lin + 8);
  c.rlo[RBP] = lo;
  c.rhi[RBP] = hi;
}

export function nopExec(): void {}

export function ud2Exec(c: Cpu): void {
  c.raise(VEC_UD);
}

export function int3Exec(c: Cpu, op: Op): void {
  deliver(c, VEC_BP, -1, true, c.rip + op.len); // #BP is a trap: the frame holds the next RIP
}

export function intExec(c: Cpu, op: Op): void {
  deliver(c, op.immLo & 0xff, -1, true, c.rip + op.len);
}

export function hltExec(c: Cpu, op: Op): void {
  c.rip += op.len;
  c.halted = true;
  c.attention |= ATTN_HALT;
}

/** Set or clear one flag: clc stc cmc cld std stac clac. cli/sti live with the system ops. */
export function flagExec(mnemonic: string): (c: Cpu) => void {
  const smapInsn = mnemonic === "stac" || mnemonic === "clac";
  return (c: Cpu): void => {
    // SDM vol. 2 STAC/CLAC: #UD without SMAP support, and #UD (not #GP) at CPL > 0.
    if (smapInsn && (!c.features.smap || c.cpl !== 0)) c.raise(VEC_UD);
    const f = readFlags(c);
    switch (mnemonic) {
      case "clc": setStatus(c, f & ~FLAG_CF); break;
      case "stc": setStatus(c, f | FLAG_CF); break;
      case "cmc": setStatus(c, f ^ FLAG_CF); break;
      case "cld": c.rflags &= ~FLAG_DF; break;
      case "std": c.rflags |= FLAG_DF; break;
      case "stac": c.rflags |= FLAG_AC; c.accessClassChanged(); break;
      case "clac": c.rflags &= ~FLAG_AC; c.accessClassChanged(); break;
    } // prettier-ignore
  };
}

/** Add a signed delta to a 64-bit register. */
function addReg(c: Cpu, r: number, delta: number): void {
  c.setRegFromNumber(r, c.regAsNumber(r) + delta);
}

/**
 * MOVS/STOS (with REP: RCX counts, DF picks the direction). The whole REP runs in one step; each
 * iteration commits RSI/RDI/RCX before the next, so a fault leaves RIP at the instruction and the
 * registers describing the remaining work, as on hardware (SDM vol. 2 "REP").
 */
export function stringExec(isMovs: boolean) {
  return (c: Cpu, op: Op): void => {
    const size = op.size;
    const bytes = size >>> 3;
    const step = (c.rflags & FLAG_DF) !== 0 ? -bytes : bytes;
    const rep = op.prefix === PREFIX_REP;
    for (;;) {
      if (rep && c.rlo[RCX] === 0 && c.rhi[RCX] === 0) break;
      const dst = c.regAsNumber(RDI);
      c.checkCanonical(dst, 0);
      let lo: number;
      let hi = 0;
      if (isMovs) {
        const src = c.regAsNumber(RSI);
        c.checkCanonical(src, 0);
        lo = c.readSized(src, size);
        hi = c.hiOut;
      } else {
        lo = c.rlo[0]!;
        hi = c.rhi[0]!;
      }
      c.writeSized(dst, size, lo, hi);
      addReg(c, RDI, step);
      if (isMovs) addReg(c, RSI, step);
      if (!rep) break;
      if (c.rlo[RCX] === 0) c.rhi[RCX] = (c.rhi[RCX]! - 1) | 0;
      c.rlo[RCX] = (c.rlo[RCX]! - 1) | 0;
      if (c.rlo[RCX] === 0 && c.rhi[RCX] === 0) break;
    }
    c.rip += op.len;
  };
}
