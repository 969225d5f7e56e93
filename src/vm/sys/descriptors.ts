// Segment descriptors in the GDT (SDM 3.4.5) and loading segment registers in 64-bit mode with the
// checks the subset needs (SDM vol. 2, "MOV—Move to/from Segment Registers", "LTR", "IRET").
//
//   8-byte code/data descriptor, high dword:
//   31      24 23 22 21 20 19   16 15 14 13 12 11     8 7       0
//  +----------+--+--+--+--+-------+--+-----+--+--------+---------+
//  | base 31:24|G |D |L |AVL|lim 19:16|P | DPL |S | type   | base 23:16|
//  +----------+--+--+--+--+-------+--+-----+--+--------+---------+
import { SEG_CS, SEG_SS } from "../../isa/registers.js";
import type { Cpu } from "../cpu.js";
import { VEC_GP, VEC_NP, VEC_SS } from "../fault.js";

export const DESC_TYPE_ACCESSED = 1 << 0;
export const DESC_TYPE_WRITABLE = 1 << 1; // data: writable; code: readable
export const DESC_TYPE_CODE = 1 << 3;
/** The type field, bits 3:0 of `attr` (a system descriptor's type, SDM 3.5). */
export const DESC_TYPE_MASK = 0xf;
export const DESC_S = 1 << 4; // code/data (1) vs system (0)
export const DESC_DPL_SHIFT = 5;
export const DESC_P = 1 << 7;
export const DESC_L = 1 << 13; // 64-bit code segment
export const DESC_DB = 1 << 14;
export const DESC_G = 1 << 15;
/** System descriptor types (SDM 3.5, table 3-2, IA-32e mode). */
export const SYS_LDT = 0x2;
export const SYS_TSS_AVAILABLE = 0x9;
export const SYS_TSS_BUSY = 0xb;
export const SELECTOR_TI = 1 << 2;
export const SELECTOR_INDEX_MASK = 0xfff8;
/** A descriptor's bytes: the last one must be inside the table's limit. */
export const DESCRIPTOR_BYTES = 8;

/** One descriptor as read: attribute bits 40–55 in `attr`, base and limit. */
export interface Descriptor {
  attr: number;
  base: number;
  limit: number;
  lo: number;
  hi: number;
}

export function dplOf(attr: number): number {
  return (attr >> DESC_DPL_SHIFT) & 3;
}

/** Read the 8-byte descriptor of `sel` from the GDT; #GP(sel) outside the limit (SDM 3.5.1). */
export function readDescriptor(c: Cpu, sel: number): Descriptor {
  const off = sel & SELECTOR_INDEX_MASK;
  // SDM 5.3: the selector must point inside the GDT limit (no LDT in the subset) → #GP(selector).
  if ((sel & SELECTOR_TI) !== 0 || off + 7 > c.gdtrLimit) c.raise(VEC_GP, sel & 0xfffc);
  const lo = c.readImplicit32(c.gdtrBase + off);
  const hi = c.readImplicit32(c.gdtrBase + off + 4);
  const attr = (hi >>> 8) & 0xf0ff;
  const base = ((hi & 0xff000000) | ((hi & 0xff) << 16) | (lo >>> 16)) >>> 0;
  let limit = (hi & 0x000f0000) | (lo & 0xffff);
  if ((attr & DESC_G) !== 0) limit = limit * 0x1000 + 0xfff;
  return { attr, base, limit, lo, hi };
}

/** Put a descriptor into a segment register's cache. FS/GS bases come from MSRs in 64-bit mode. */
export function setSegment(c: Cpu, seg: number, sel: number, d: Descriptor | undefined): void {
  c.segSel[seg] = sel;
  c.segAttr[seg] = d === undefined ? 0 : d.attr;
  c.segLimit[seg] = d === undefined ? 0 : d.limit;
  if (seg < 4)
    c.segBase[seg] = 0; // SDM 3.4.4: ES/CS/SS/DS bases are treated as 0 in 64-bit mode
  else c.segBase[seg] = d === undefined ? 0 : d.base;
}

/** MOV/POP to a data segment register or SS in 64-bit mode, with the SDM's checks. */
export function loadDataSegment(c: Cpu, seg: number, sel: number): void {
  const rpl = sel & 3;
  if ((sel & 0xfffc) === 0) {
    // SDM vol. 2 MOV: a null selector may be loaded into DS/ES/FS/GS; into SS only at CPL<3 with RPL=CPL.
    if (seg === SEG_SS && (c.cpl === 3 || rpl !== c.cpl)) c.raise(VEC_GP, 0);
    setSegment(c, seg, sel, undefined);
    return;
  }
  const d = readDescriptor(c, sel);
  const dpl = dplOf(d.attr);
  const isCode = (d.attr & DESC_TYPE_CODE) !== 0;
  const writable = (d.attr & DESC_TYPE_WRITABLE) !== 0;
  if (seg === SEG_SS) {
    // SDM vol. 2 MOV: SS needs a writable data segment with RPL = DPL = CPL → #GP(sel); not present → #SS(sel).
    if ((d.attr & DESC_S) === 0 || isCode || !writable || rpl !== c.cpl || dpl !== c.cpl)
      c.raise(VEC_GP, sel & 0xfffc);
    if ((d.attr & DESC_P) === 0) c.raise(VEC_SS, sel & 0xfffc);
  } else {
    // SDM vol. 2 MOV: data or readable code; for data/non-conforming code max(CPL,RPL) ≤ DPL → #GP(sel).
    if ((d.attr & DESC_S) === 0 || (isCode && !writable)) c.raise(VEC_GP, sel & 0xfffc);
    const conforming = isCode && (d.attr & 4) !== 0;
    if (!conforming && Math.max(c.cpl, rpl) > dpl) c.raise(VEC_GP, sel & 0xfffc);
    if ((d.attr & DESC_P) === 0) c.raise(VEC_NP, sel & 0xfffc);
  }
  setSegment(c, seg, sel, d);
}

export const DESC_TYPE_CONFORMING = 1 << 2; // code: conforming
export const SELECTOR_RPL_MASK = 3;

/**
 * IRETQ's checks of the return CS (SDM vol. 2 IRET, IA-32e mode; the CPL is still the old one).
 * Returns the descriptor to load. Returns to compatibility mode (L = 0) are not modelled: #GP.
 */
export function checkIretCs(c: Cpu, cs: number): Descriptor {
  const rpl = cs & SELECTOR_RPL_MASK;
  // SDM vol. 2 IRET: a null return CS → #GP(0); a return to a more privileged level → #GP(selector).
  if ((cs & 0xfffc) === 0 || rpl < c.cpl) c.raise(VEC_GP, cs & 0xfffc);
  const d = readDescriptor(c, cs); // outside the GDT limit → #GP(selector)
  const dpl = dplOf(d.attr);
  // SDM vol. 2 IRET: not a code segment, or no 64-bit one (L = 1, D = 0) → #GP(selector).
  if ((d.attr & DESC_S) === 0 || (d.attr & DESC_TYPE_CODE) === 0 || (d.attr & DESC_L) === 0 || (d.attr & DESC_DB) !== 0) c.raise(VEC_GP, cs & 0xfffc); // prettier-ignore
  // SDM vol. 2 IRET: conforming with DPL > RPL, or non-conforming with DPL ≠ RPL → #GP(selector).
  const conforming = (d.attr & DESC_TYPE_CONFORMING) !== 0;
  if (conforming ? dpl > rpl : dpl !== rpl) c.raise(VEC_GP, cs & 0xfffc);
  // SDM vol. 2 IRET: the return code segment not present → #NP(selector).
  if ((d.attr & DESC_P) === 0) c.raise(VEC_NP, cs & 0xfffc);
  return d;
}

/**
 * IRETQ's checks of the popped SS against the return CS's RPL (the new CPL), SDM vol. 2 IRET,
 * IA-32e mode: 64-bit IRETQ pops SS:RSP on every return, to the same level too. Returns the
 * descriptor to load, undefined for a null SS.
 */
export function checkIretSs(c: Cpu, ss: number, newCpl: number): Descriptor | undefined {
  if ((ss & 0xfffc) === 0) {
    // SDM vol. 2 IRET: a null SS only back to 64-bit CPL < 3, with RPL = the new CPL → else #GP(0).
    if (newCpl === 3 || (ss & SELECTOR_RPL_MASK) !== newCpl) c.raise(VEC_GP, 0);
    return undefined;
  }
  const d = readDescriptor(c, ss); // outside the GDT limit → #GP(SS selector)
  const writableData = (d.attr & DESC_S) !== 0 && (d.attr & DESC_TYPE_CODE) === 0 && (d.attr & DESC_TYPE_WRITABLE) !== 0; // prettier-ignore
  // SDM vol. 2 IRET: SS RPL ≠ CS RPL, not a writable data segment, or DPL ≠ CS RPL → #GP(SS selector).
  if ((ss & SELECTOR_RPL_MASK) !== newCpl || !writableData || dplOf(d.attr) !== newCpl) c.raise(VEC_GP, ss & 0xfffc); // prettier-ignore
  // SDM vol. 2 IRET: the stack segment not present → #SS(SS selector) (the pseudo-code's fault).
  if ((d.attr & DESC_P) === 0) c.raise(VEC_SS, ss & 0xfffc);
  return d;
}

/** Load CS for a far transfer that has already been checked; CPL becomes the selector's RPL. */
export function loadCodeSegment(c: Cpu, sel: number, d: Descriptor): void {
  setSegment(c, SEG_CS, sel, d);
  c.cpl = sel & 3;
  c.accessClassChanged();
}

/** A flat descriptor value for SYSCALL/SYSRET, which load fixed values (SDM vol. 2 SYSCALL). */
export function flatDescriptor(code: boolean, dpl: number): Descriptor {
  const attr =
    DESC_P | DESC_S | (dpl << DESC_DPL_SHIFT) | DESC_G | DESC_TYPE_ACCESSED | DESC_TYPE_WRITABLE |
    (code ? DESC_TYPE_CODE | DESC_L : DESC_DB); // prettier-ignore
  return { attr, base: 0, limit: 0xffffffff, lo: 0, hi: 0 };
}
