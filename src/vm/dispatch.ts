// From a form of THE instruction table to its handler. Handlers are chosen once per form (by
// mnemonic and operand kinds) and cached by opcode; `selfRip` marks handlers that set RIP
// themselves (branches, traps, REP strings, and instructions that change the mode and end a block).
import type { InsnForm } from "../isa/types.js";
import type { Cpu } from "./cpu.js";
import { VEC_GP, VEC_UD } from "./fault.js";
import type { Exec, Op } from "./op.js";
import { ALU_BY_MNEMONIC, aluExec, divExec, imulNExec, mulExec, unaryExec } from "./ops/alu.js";
import * as K from "./ops/control.js";
import * as D from "./ops/data.js";
import { inExec, outExec } from "./ops/io.js";
import { BT_BY_MNEMONIC, bitScanExec, btExec, SHIFT_BY_MNEMONIC, shiftExec } from "./ops/shift.js";
import * as S from "./ops/system.js";

export interface Handler {
  exec: Exec;
  selfRip: boolean;
}

const H = (exec: Exec, selfRip = false): Handler => ({ exec, selfRip });

const CONVERT = new Set(["cbtw", "cwtl", "cltq", "cwtd", "cltd", "cqto"]);
const FLAG_OPS = new Set(["clc", "stc", "cmc", "cld", "std", "stac", "clac"]);
const NOPS = new Set(["nop", "pause", "lfence", "mfence", "sfence"]);

/** The handler for a form, or undefined when the VM does not implement it (→ #UD). */
export function handlerFor(form: InsnForm): Handler | undefined {
  const m = form.mnemonic;
  const ops = form.operands;
  if (m in ALU_BY_MNEMONIC) return H(aluExec(ALU_BY_MNEMONIC[m]!));
  if (m in SHIFT_BY_MNEMONIC) return H(shiftExec(SHIFT_BY_MNEMONIC[m]!));
  if (m in BT_BY_MNEMONIC) return H(btExec(BT_BY_MNEMONIC[m]!));
  if (form.flow === "jcc") return H(K.jccExec, true);
  if (m.startsWith("cmov")) return H(D.cmovExec);
  if (m.startsWith("set") && form.cond >= 0) return H(D.setccExec);
  if (CONVERT.has(m)) return H(D.convertExec(m));
  if (FLAG_OPS.has(m)) return H(K.flagExec(m) as Exec);
  if (NOPS.has(m)) return H(K.nopExec);
  switch (m) {
    case "not": case "neg": case "inc": case "dec": return H(unaryExec(m));
    case "mul": return H(mulExec(false));
    case "imul": return H(ops.length === 1 ? mulExec(true) : imulNExec);
    case "div": return H(divExec(false));
    case "idiv": return H(divExec(true));
    case "bsf": return H(bitScanExec(false));
    case "bsr": return H(bitScanExec(true));
    case "mov":
      if (ops[0] === "C") return H(S.movFromCrExec);
      if (ops[1] === "C") return H(S.movToCrExec, true);
      if (ops[0] === "S") return H(S.movFromSegExec);
      if (ops[ops.length - 1] === "S") return H(S.movToSegExec, true);
      return H(D.movExec);
    case "movabs": return H(D.movExec);
    case "movzb": case "movzw": return H(D.extendExec(false));
    case "movsb": case "movsw": case "movsl": return H(ops.length === 0 ? K.stringExec(true) : D.extendExec(true), ops.length === 0);
    case "movs": return H(K.stringExec(true), true);
    case "stos": return H(K.stringExec(false), true);
    case "lea": return H(D.leaExec);
    case "xchg": return H(D.xchgExec);
    case "push": return H(D.pushExec);
    case "pop": return H(D.popExec);
    case "pushf": return H(D.pushfExec);
    case "popf": return H(D.popfExec, true);
    case "cmpxchg": return H(D.cmpxchgExec);
    case "xadd": return H(D.xaddExec);
    case "jmp": return H(K.jmpExec, true);
    case "call": return H(K.callExec, true);
    case "ret": return H(K.retExec, true);
    case "leave": return H(K.leaveExec);
    case "ud2": return H(K.ud2Exec, true);
    case "int3": return H(K.int3Exec, true);
    case "int": return H(K.intExec, true);
    case "hlt": return H(K.hltExec, true);
    case "cli": return H(S.cliExec, true);
    case "sti": return H(S.stiExec, true);
    case "swapgs": return H(S.swapgsExec);
    case "syscall": return H(S.syscallExec, true);
    case "sysret": return H(S.sysretExec, true);
    case "iret": return H(S.iretExec, true);
    case "lret": return H(S.lretExec, true);
    case "rdmsr": return H(S.rdmsrExec);
    case "wrmsr": return H(S.wrmsrExec, true);
    case "rdtsc": case "rdtscp": return H(S.rdtscExec);
    case "rdpid": return H(S.rdpidExec);
    case "lsl": return H(S.lslExec);
    case "cpuid": return H(S.cpuidExec);
    case "invlpg": return H(S.invlpgExec, true);
    case "invpcid": return H(S.invpcidExec, true);
    case "lgdt": case "lidt": case "sgdt": case "sidt": return H(S.descTableExec(m));
    case "ltr": return H(S.ltrExec);
    case "rdfsbase": case "rdgsbase": case "wrfsbase": case "wrgsbase": return H(S.fsgsBaseExec(m), true);
    case "in": return H(inExec);
    case "out": return H(outExec);
  } // prettier-ignore
  return undefined;
}

/** Wrap a privileged form: SDM vol. 2 per instruction, CPL > 0 → #GP(0). */
export function privileged(h: Handler): Handler {
  const inner = h.exec;
  return {
    exec: (c: Cpu, op: Op): void => {
      if (c.cpl !== 0) c.raise(VEC_GP, 0);
      inner(c, op);
    },
    selfRip: h.selfRip,
  };
}

export function udExec(c: Cpu): void {
  c.raise(VEC_UD);
}
