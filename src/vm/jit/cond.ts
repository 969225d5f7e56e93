// Condition codes (SDM vol. 1, appendix B) as JS expressions for compiled jcc/setcc/cmov. When the
// flags were last written by an inline instruction of the same pass over the block, the condition
// is computed straight from that instruction's operands and result (cmp+jcc becomes one compare);
// otherwise it reads the lazy-flag record through ../flags.ts testCond, like the interpreter.
// Every formula here is the one ../flags.ts uses, specialised to a known kind and size.
import { FK_ADC, FK_ADD, FK_INC, FK_LOGIC, FK_SBB, FK_SUB } from "../flags.js";
import type { FlagWriter, Val } from "./emit.js";

const CC_O = 0;
const CC_B = 1;
const CC_E = 2;
const CC_BE = 3;
const CC_S = 4;
const CC_P = 5;
const CC_L = 6;
const CC_LE = 7;

function topLit(size: number): string {
  return size === 8 ? "128" : size === 16 ? "32768" : "-2147483648";
}

/** Unsigned a < b (or <= with `orEqual`) at the writer's size. */
function below(size: number, a: Val, b: Val, orEqual = false): string {
  const lt = orEqual ? "<=" : "<";
  const low = `(${a.lo} >>> 0) ${lt} (${b.lo} >>> 0)`;
  if (size !== 64) return `(${low})`;
  return `(${a.hi} !== ${b.hi} ? (${a.hi} >>> 0) < (${b.hi} >>> 0) : ${low})`;
}

/** Signed a < b (or <=): the SUB-without-carry shortcut for SF != OF (and ZF). */
function less(size: number, a: Val, b: Val, orEqual: boolean): string {
  const lt = orEqual ? "<=" : "<";
  if (size === 64)
    return `(${a.hi} !== ${b.hi} ? ${a.hi} < ${b.hi} : (${a.lo} >>> 0) ${lt} (${b.lo} >>> 0))`;
  if (size === 32) return `(${a.lo} ${lt} ${b.lo})`;
  const sh = 32 - size;
  return `((${a.lo} << ${sh}) ${lt} (${b.lo} << ${sh}))`;
}

function zf(w: FlagWriter): string {
  return w.size === 64 ? `((${w.r.lo} | ${w.r.hi}) === 0)` : `(${w.r.lo} === 0)`;
}

function sf(w: FlagWriter): string {
  if (w.size === 64) return `(${w.r.hi} < 0)`;
  if (w.size === 32) return `(${w.r.lo} < 0)`;
  return `((${w.r.lo} & ${topLit(w.size)}) !== 0)`;
}

function cf(w: FlagWriter): string {
  switch (w.kind) {
    case FK_ADD: return below(w.size, w.r, w.d);
    case FK_ADC: return `(${w.cin} === 0 ? ${below(w.size, w.r, w.d)} : !${below(w.size, w.d, w.r)})`;
    case FK_SUB: return below(w.size, w.d, w.s);
    case FK_SBB: return `(${w.cin} === 0 ? ${below(w.size, w.d, w.s)} : !${below(w.size, w.s, w.d)})`;
    case FK_LOGIC: return "false";
    default: return `(${w.cin} !== 0)`; // INC/DEC keep CF
  } // prettier-ignore
}

function of(w: FlagWriter): string {
  if (w.kind === FK_LOGIC) return "false";
  const h = w.size === 64;
  const d = h ? w.d.hi : w.d.lo;
  const s = h ? w.s.hi : w.s.lo;
  const r = h ? w.r.hi : w.r.lo;
  const top = h ? topLit(32) : topLit(w.size);
  const add = w.kind === FK_ADD || w.kind === FK_ADC || w.kind === FK_INC;
  // SDM vol. 1, 3.4.3.1: signed overflow of an add (same-sign operands, other-sign result) or sub.
  const e = add ? `(${d} ^ ${r}) & (${s} ^ ${r})` : `(${d} ^ ${s}) & (${d} ^ ${r})`;
  return `((${e} & ${top}) !== 0)`;
}

function pf(w: FlagWriter): string {
  return `(PAR[${w.r.lo} & 255] !== 0)`;
}

/** The condition `cc` (0–15) from a known writer. */
function fromWriter(w: FlagWriter, cc: number): string {
  const plainSub = w.kind === FK_SUB;
  let e: string;
  switch (cc >> 1) {
    case CC_O: e = of(w); break;
    case CC_B: e = cf(w); break;
    case CC_E: e = plainSub ? eq(w) : zf(w); break;
    case CC_BE: e = plainSub ? below(w.size, w.d, w.s, true) : `(${cf(w)} || ${zf(w)})`; break;
    case CC_S: e = sf(w); break;
    case CC_P: e = pf(w); break;
    case CC_L: e = plainSub ? less(w.size, w.d, w.s, false) : `(${sf(w)} !== ${of(w)})`; break;
    case CC_LE: default: e = plainSub ? less(w.size, w.d, w.s, true) : `(${zf(w)} || ${sf(w)} !== ${of(w)})`;
  } // prettier-ignore
  return (cc & 1) !== 0 ? `!${e}` : e;
}

/** ZF of a plain SUB/CMP: the operands are equal (values are already cut to the size). */
function eq(w: FlagWriter): string {
  return w.size === 64
    ? `(${w.d.lo} === ${w.s.lo} && ${w.d.hi} === ${w.s.hi})`
    : `(${w.d.lo} === ${w.s.lo})`;
}

/** The condition `cc` as a JS boolean expression. */
export function condExpr(writer: FlagWriter | undefined, cc: number): string {
  if (writer !== undefined) return fromWriter(writer, cc);
  return `TC(c, ${cc})`;
}

/** CF as a 0/1 expression (ADC, SBB, INC, DEC read it). */
export function carryExpr(writer: FlagWriter | undefined): string {
  if (writer !== undefined) return `(${cf(writer)} ? 1 : 0)`;
  return `(CF(c) ? 1 : 0)`;
}
