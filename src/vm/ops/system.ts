// System instructions (SDM vol. 2 per instruction; vol. 3A chapters 2, 4, 5): MOV to/from CRn and
// segment registers, LGDT/LIDT/SGDT/SIDT, LTR, INVLPG, INVPCID, RDMSR/WRMSR, RDTSC(P), CPUID,
// SWAPGS, SYSCALL/SYSRET, IRETQ, LRETQ, RD/WR{FS,GS}BASE, IN/OUT, CLI/STI.
import { RAX, RCX, RDX, RSP, SEG_CS, SEG_FS, SEG_GS, SEG_SS } from "../../isa/registers.js";
import {
  FLAG_IF,
  FLAG_IOPL,
  FLAG_RF,
  FLAG_TF,
  FLAG_NT,
  FLAG_AC,
  FLAG_DF,
  FLAGS_STATUS,
  FLAG_ZF,
} from "../../isa/types.js";
import type { Cpu } from "../cpu.js";
import {
  CR0_CD,
  CR0_NW,
  CR0_PE,
  CR0_PG,
  CR3_PCID_MASK,
  CR4_DE,
  CR4_FSGSBASE,
  CR4_MCE,
  CR4_OSFXSR,
  CR4_OSXMMEXCPT,
  CR4_PAE,
  CR4_PCE,
  CR4_PCIDE,
  CR4_PGE,
  CR4_PSE,
  CR4_SMAP,
  CR4_SMEP,
  CR4_TSD,
  EFER_LMA,
  EFER_SCE,
  RFLAGS_FIXED,
  SHADOW_MOV_SS,
  SHADOW_STI,
  TWO32,
} from "../cpu.js";
import { VEC_GP, VEC_UD } from "../fault.js";
import { FK_NONE, readFlags } from "../flags.js";
import type { Op } from "../op.js";
import { OK_REG } from "../op.js";
import {
  DESC_P,
  DESC_S,
  DESC_TYPE_CODE,
  DESC_TYPE_CONFORMING,
  DESC_TYPE_MASK,
  DESCRIPTOR_BYTES,
  SELECTOR_INDEX_MASK,
  SELECTOR_RPL_MASK,
  SELECTOR_TI,
  SYS_LDT,
  checkIretCs,
  dplOf,
  checkIretSs,
  flatDescriptor,
  loadCodeSegment,
  loadDataSegment,
  readDescriptor,
  setSegment,
  SYS_TSS_AVAILABLE,
  SYS_TSS_BUSY,
} from "../sys/descriptors.js";
import { cpuid } from "../sys/cpuid.js";
import { readMsr, writeMsr } from "../sys/msr.js";
import { ea, linOf, readOp, readReg, writeOp, writeReg } from "./operands.js";
import { ATTN_STOP } from "./control.js";
import { ANY_PCID } from "../mmu/tlb.js";

const CR3_NOFLUSH = 0x80000000; // bit 63 of CR3 in the high half (SDM 4.10.4.1)

function crValue(c: Cpu, n: number): number {
  return n === 0 ? c.cr0 >>> 0 : n === 2 ? c.cr2 : n === 3 ? c.cr3 : n === 4 ? c.cr4 >>> 0 : c.cr8;
}

export function movFromCrExec(c: Cpu, op: Op): void {
  const v = crValue(c, op.reg[0]!);
  writeOp(c, op, 1, 0, 64, v >>> 0, Math.floor(v / TWO32) | 0);
}

export function movToCrExec(c: Cpu, op: Op): void {
  const n = op.reg[1]!;
  const lo = readReg(c, op.reg[0]!, 64) >>> 0;
  const hi = c.hiOut;
  const old = crValue(c, n); // for the event stream (a system path: no cost that matters)
  const invalidated = c.tlb.invalidated;
  switch (n) {
    case 0: movToCr0(c, lo, hi); break;
    case 2: c.cr2 = (hi | 0) * TWO32 + lo; break;
    case 3: movToCr3(c, lo, hi); break;
    case 4: movToCr4(c, lo, hi); break;
    case 8:
      if (hi !== 0 || (lo & ~0xf) !== 0) c.raise(VEC_GP, 0); // SDM 10.8.6.1: CR8 bits 63:4 reserved
      c.cr8 = lo;
      break;
    default: c.raise(VEC_UD);
  } // prettier-ignore
  c.modeChanged();
  if (c.ev !== undefined) c.ev.crWrite(c, n, old, hi, invalidated);
  c.rip += op.len;
  c.attention |= ATTN_STOP; // a new mode: leave the current block
}

function movToCr0(c: Cpu, lo: number, hi: number): void {
  // SDM vol. 2 MOV CR: bits 63:32 set → #GP(0); PG without PE → #GP(0); NW without CD → #GP(0).
  if (hi !== 0 || ((lo & CR0_PG) !== 0 && (lo & CR0_PE) === 0)) c.raise(VEC_GP, 0);
  if ((lo & CR0_NW) !== 0 && (lo & CR0_CD) === 0) c.raise(VEC_GP, 0);
  // SDM 9.8.5.4: clearing PG while IA-32e mode is active → #GP(0).
  if ((c.efer & EFER_LMA) !== 0 && (lo & CR0_PG) === 0) c.raise(VEC_GP, 0);
  c.cr0 = lo | 0; // a PG change flushes the TLB in modeChanged (SDM 4.10.4.1)
}

/** MOV to CR3 (SDM 4.10.4.1): what is invalidated depends on CR4.PCIDE and bit 63. */
function movToCr3(c: Cpu, lo: number, hi: number): void {
  const pcide = (c.cr4 & CR4_PCIDE) !== 0;
  const noflush = pcide && (hi & CR3_NOFLUSH) !== 0;
  // SDM 4.5 table 4-12/4-13: bits above MAXPHYADDR are reserved (bit 63 too without PCIDE) → #GP(0).
  const hiBits = pcide ? hi & ~CR3_NOFLUSH : hi;
  if ((hiBits & ~((1 << (c.controls.maxPhysAddr - 32)) - 1)) !== 0) c.raise(VEC_GP, 0);
  c.cr3 = hiBits * TWO32 + lo; // bit 63 is not stored
  c.modeChanged();
  if (noflush) return; // bit 63 set: nothing is invalidated
  // PCIDE=0: every non-global entry (all are PCID 000H); PCIDE=1: the new PCID's non-global ones.
  c.tlb.flushNonGlobal("cr3", pcide ? c.pcid : 0);
}

const CR4_KNOWN = CR4_TSD | CR4_DE | CR4_PSE | CR4_PAE | CR4_MCE | CR4_PGE | CR4_PCE | CR4_OSFXSR | CR4_OSXMMEXCPT; // prettier-ignore

/** The CR4 bits this CPU has: the rest are reserved (SDM 2.5: setting one → #GP(0)). */
function cr4Allowed(c: Cpu): number {
  const f = c.features;
  return (CR4_KNOWN & ~(f.pge ? 0 : CR4_PGE)) | (f.fsgsbase ? CR4_FSGSBASE : 0) |
    (f.pcid ? CR4_PCIDE : 0) | (f.smep ? CR4_SMEP : 0) | (f.smap ? CR4_SMAP : 0); // prettier-ignore
}

function movToCr4(c: Cpu, lo: number, hi: number): void {
  const old = c.cr4;
  // SDM vol. 2 MOV CR: a reserved CR4 bit (or a feature's bit when the CPU lacks it) → #GP(0).
  if (hi !== 0 || (lo & ~cr4Allowed(c)) !== 0) c.raise(VEC_GP, 0);
  // SDM 4.1.2: clearing PAE while IA-32e paging is active → #GP(0).
  if ((c.efer & EFER_LMA) !== 0 && (lo & CR4_PAE) === 0) c.raise(VEC_GP, 0);
  // SDM 4.10.1: setting PCIDE needs IA-32e mode and CR3[11:0] = 0 → #GP(0).
  if ((old & CR4_PCIDE) === 0 && (lo & CR4_PCIDE) !== 0) {
    if ((c.efer & EFER_LMA) === 0 || c.cr3 % 0x1000 !== 0) c.raise(VEC_GP, 0);
  }
  c.cr4 = lo | 0;
  const changed = old ^ lo;
  // SDM 4.10.4.1: changing PGE, or clearing PCIDE, invalidates everything, global entries included.
  if ((changed & CR4_PGE) !== 0 || (old & CR4_PCIDE & changed) !== 0) c.tlb.flushAll("cr4");
  // SDM 4.10.4.1: changing PAE, or setting SMEP, invalidates the current PCID's entries.
  else if ((changed & CR4_PAE) !== 0 || (changed & lo & CR4_SMEP) !== 0)
    c.tlb.flushNonGlobal("cr4", (c.cr3 % 0x1000) & ((old & CR4_PCIDE) !== 0 ? CR3_PCID_MASK : 0));
}

export function movFromSegExec(c: Cpu, op: Op): void {
  const lin = linOf(c, op);
  writeOp(c, op, 1, lin, op.kind[1] === OK_REG ? op.bits[1]! : 16, c.segSel[op.reg[0]!]!, 0);
}

export function movToSegExec(c: Cpu, op: Op): void {
  const seg = op.reg[op.nops - 1]!;
  const lin = linOf(c, op);
  const sel = readOp(c, op, 0, lin, 16);
  if (seg === SEG_CS) c.raise(VEC_UD); // SDM vol. 2 MOV: CS cannot be loaded with MOV → #UD
  const fsBase = c.segBase[SEG_FS]!;
  const gsBase = c.segBase[SEG_GS]!;
  loadDataSegment(c, seg, sel);
  // In 64-bit mode loading FS/GS with a selector loads the base from the descriptor (32 bits).
  if (seg !== SEG_FS) c.segBase[SEG_FS] = fsBase;
  if (seg !== SEG_GS) c.segBase[SEG_GS] = gsBase;
  c.rip += op.len;
  if (seg === SEG_SS) {
    c.shadow = SHADOW_MOV_SS; // SDM 6.8.3: no interrupt, NMI or debug trap after MOV SS
    c.attention |= ATTN_STOP;
  }
}

/** LGDT/LIDT/SGDT/SIDT: a 10-byte pseudo-descriptor (limit16, base64). */
export function descTableExec(name: string) {
  return (c: Cpu, op: Op): void => {
    const lin = ea(c, op);
    if (name === "lgdt" || name === "lidt") {
      const limit = c.read16(lin);
      const lo = c.read32(lin + 2) >>> 0;
      const hi = c.read32(lin + 6);
      const base = hi * TWO32 + lo;
      if (name === "lgdt") ((c.gdtrBase = base), (c.gdtrLimit = limit));
      else ((c.idtrBase = base), (c.idtrLimit = limit));
      return;
    }
    const base = name === "sgdt" ? c.gdtrBase : c.idtrBase;
    c.probeWrite(lin, 10);
    c.write16(lin, name === "sgdt" ? c.gdtrLimit : c.idtrLimit);
    c.write32(lin + 2, base >>> 0);
    c.write32(lin + 6, Math.floor(base / TWO32) | 0);
  };
}

/** LTR: a present, available 64-bit TSS descriptor (16 bytes); marks it busy (SDM vol. 2 LTR). */
export function ltrExec(c: Cpu, op: Op): void {
  const lin = linOf(c, op);
  const sel = readOp(c, op, 0, lin, 16);
  if ((sel & 0xfffc) === 0) c.raise(VEC_GP, 0);
  const d = readDescriptor(c, sel);
  if ((d.attr & 0x1f) !== SYS_TSS_AVAILABLE) c.raise(VEC_GP, sel & 0xfffc); // type 9, S=0
  if ((d.attr & DESC_P) === 0) c.raise(11, sel & 0xfffc);
  const upper = c.readImplicit32(c.gdtrBase + (sel & 0xfff8) + 8);
  const hiWord = c.gdtrBase + (sel & 0xfff8) + 4;
  c.writeImplicit32(hiWord, (d.hi & ~0xf00) | (SYS_TSS_BUSY << 8));
  c.trSel = sel;
  c.trBase = (upper | 0) * TWO32 + d.base;
  c.trLimit = d.limit;
}

/** INVLPG (SDM vol. 2; 4.10.4.1): the page's entries for the current PCID and its global entries. */
export function invlpgExec(c: Cpu, op: Op): void {
  const lin = ea(c, op, false);
  const invalidated = c.tlb.invalidated;
  // SDM vol. 2 INVLPG: a non-canonical address makes it a no-op.
  if (lin < 0x800000000000 && lin >= -0x800000000000)
    c.tlb.flushAddress("invlpg", lin, c.pcid, true);
  if (c.ev !== undefined) c.ev.invalidate(c, -1, c.pcid, lin, invalidated);
  c.rip += op.len;
  c.attention |= ATTN_STOP;
}

export const INVPCID_ADDRESS = 0;
export const INVPCID_SINGLE = 1;
export const INVPCID_ALL_GLOBAL = 2;
export const INVPCID_ALL_NON_GLOBAL = 3;

/** INVPCID (SDM vol. 2): a 16-byte descriptor {PCID in bits 11:0, linear address at +8}. */
export function invpcidExec(c: Cpu, op: Op): void {
  if (!c.features.invpcid) c.raise(VEC_UD); // SDM vol. 2 INVPCID: CPUID.07H:EBX.INVPCID=0 → #UD
  const type = readReg(c, op.reg[1]!, 64);
  const typeHi = c.hiOut;
  const lin = ea(c, op);
  const d0 = c.read32(lin);
  const d1 = c.read32(lin + 4);
  const addrLo = c.read32(lin + 8) >>> 0;
  const addrHi = c.read32(lin + 12);
  // SDM vol. 2 INVPCID: type > 3 → #GP(0); descriptor bits 63:12 not zero → #GP(0).
  if (typeHi !== 0 || type >>> 0 > INVPCID_ALL_NON_GLOBAL) c.raise(VEC_GP, 0);
  if ((d0 & ~CR3_PCID_MASK) !== 0 || d1 !== 0) c.raise(VEC_GP, 0);
  const pcid = d0 & CR3_PCID_MASK;
  const addr = addrHi * TWO32 + addrLo;
  // SDM vol. 2 INVPCID: types 0/1 with PCIDE=0 need PCID 0; type 0 needs a canonical address.
  if (type <= INVPCID_SINGLE && (c.cr4 & CR4_PCIDE) === 0 && pcid !== 0) c.raise(VEC_GP, 0);
  if (type === INVPCID_ADDRESS && addrHi >> 15 !== addrHi >> 31) c.raise(VEC_GP, 0);
  const invalidated = c.tlb.invalidated;
  switch (type) {
    case INVPCID_ADDRESS: c.tlb.flushAddress("invpcid", addr, pcid, false); break; // never globals
    case INVPCID_SINGLE: c.tlb.flushNonGlobal("invpcid", pcid); break;
    case INVPCID_ALL_GLOBAL: c.tlb.flushAll("invpcid"); break;
    default: c.tlb.flushNonGlobal("invpcid", ANY_PCID);
  } // prettier-ignore
  if (c.ev !== undefined) c.ev.invalidate(c, type, pcid, addr, invalidated);
  c.rip += op.len;
  c.attention |= ATTN_STOP;
}

export function rdmsrExec(c: Cpu): void {
  readMsr(c, c.rlo[RCX]! >>> 0);
}
export function wrmsrExec(c: Cpu, op: Op): void {
  const [msr, lo, hi, efer, invalidated] = [c.rlo[RCX]! >>> 0, c.rlo[RAX]! >>> 0, c.rlo[RDX]! >>> 0, c.efer, c.tlb.invalidated]; // prettier-ignore
  writeMsr(c, msr, lo, hi);
  if (c.ev !== undefined) c.ev.wrmsr(c, msr, lo, hi, efer, invalidated);
  c.rip += op.len;
  c.attention |= ATTN_STOP;
}

export function rdtscExec(c: Cpu, op: Op): void {
  // SDM vol. 2 RDTSCP: CPUID.80000001H:EDX.RDTSCP = 0 → #UD.
  if (op.form.mnemonic === "rdtscp" && !c.features.rdtscp) c.raise(VEC_UD);
  const t = c.icount + c.tscOffset;
  writeReg(c, RAX, 32, t >>> 0, 0);
  writeReg(c, RDX, 32, Math.floor(t / TWO32) >>> 0, 0);
  if (op.form.mnemonic === "rdtscp") writeReg(c, RCX, 32, c.tscAux, 0);
}

/** RDPID (SDM vol. 2): the destination ← IA32_TSC_AUX, zero-extended; flags unchanged. */
export function rdpidExec(c: Cpu, op: Op): void {
  // SDM vol. 2 RDPID: CPUID.(EAX=07H,ECX=0):ECX.RDPID[bit 22] = 0 → #UD.
  if (!c.features.rdpid) c.raise(VEC_UD);
  writeReg(c, op.reg[0]!, 64, c.tscAux >>> 0, 0);
}

/**
 * LSL (SDM vol. 2): if the selector's descriptor may be seen from here, ZF ← 1 and the destination
 * ← its limit in bytes (scaled by G); otherwise ZF ← 0 and the destination is unchanged. Never
 * faults on the selector; the other flags are unchanged.
 */
export function lslExec(c: Cpu, op: Op): void {
  const sel = readOp(c, op, 0, linOf(c, op), 16);
  const limit = visibleLimit(c, sel);
  const f = readFlags(c) & ~FLAG_ZF;
  if (limit !== undefined) writeReg(c, op.reg[1]!, 64, limit >>> 0, 0);
  c.rflags = (f | (limit === undefined ? 0 : FLAG_ZF)) >>> 0;
  c.fKind = FK_NONE;
}

/** System descriptor types LSL accepts in IA-32e mode (SDM vol. 2 LSL): LDT and 64-bit TSSs. */
const LSL_SYSTEM_TYPES: readonly number[] = [SYS_LDT, SYS_TSS_AVAILABLE, SYS_TSS_BUSY];

/** LSL's checks (SDM vol. 2 LSL, "Operation"); undefined where it clears ZF. */
function visibleLimit(c: Cpu, sel: number): number | undefined {
  // A null selector, one in the LDT (the subset has none) or past the GDT limit: ZF = 0.
  const index = sel & SELECTOR_INDEX_MASK;
  if ((sel & SELECTOR_TI) !== 0 || index === 0 || index + DESCRIPTOR_BYTES - 1 > c.gdtrLimit) return undefined; // prettier-ignore
  const d = readDescriptor(c, sel);
  if ((d.attr & DESC_S) === 0)
    return LSL_SYSTEM_TYPES.includes(d.attr & DESC_TYPE_MASK) ? d.limit : undefined;
  // Conforming code is visible from every CPL; data and other code need max(CPL, RPL) ≤ DPL.
  const conforming = (d.attr & DESC_TYPE_CODE) !== 0 && (d.attr & DESC_TYPE_CONFORMING) !== 0;
  return conforming || Math.max(c.cpl, sel & SELECTOR_RPL_MASK) <= dplOf(d.attr)
    ? d.limit
    : undefined;
}

export function cpuidExec(c: Cpu): void {
  cpuid(c, c.rlo[RAX]! >>> 0, c.rlo[RCX]! >>> 0);
}

export function swapgsExec(c: Cpu): void {
  const t = c.segBase[SEG_GS]!;
  c.segBase[SEG_GS] = c.kernelGsBase;
  c.kernelGsBase = t;
  if (c.ev !== undefined) c.ev.swapgs(c);
}

/** SYSCALL (SDM vol. 2): #UD unless EFER.SCE; RCX ← next RIP, R11 ← RFLAGS, CS/SS from STAR. */
export function syscallExec(c: Cpu, op: Op): void {
  if ((c.efer & EFER_SCE) === 0) c.raise(VEC_UD);
  const next = c.rip + op.len;
  c.setRegFromNumber(RCX, next);
  const f = readFlags(c);
  writeReg(c, 11, 64, f & ~FLAG_RF, 0);
  c.rflags = ((f & ~c.sfmask & ~FLAG_RF) | RFLAGS_FIXED) >>> 0;
  c.fKind = FK_NONE;
  const sel = c.starHi & 0xffff;
  loadCodeSegment(c, sel & 0xfffc, flatDescriptor(true, 0));
  setSegment(c, SEG_SS, (sel + 8) & 0xfffc, flatDescriptor(false, 0));
  if (c.ev !== undefined) c.ev.syscall(c, c.lstar);
  c.rip = c.lstar;
  c.attention |= ATTN_STOP;
}

/**
 * SYSRETQ (SDM vol. 2): #UD unless EFER.SCE, then #GP(0) unless CPL 0; CS = STAR[63:48]+16 | 3,
 * SS = STAR[63:48]+8 | 3. A non-canonical RCX: Intel raises #GP(0) here, still at CPL 0 (on the
 * stack the kernel has already switched back to the user's); AMD returns and the fetch at CPL 3
 * faults (#GP(0) delivered through RSP0).
 */
export function sysretExec(c: Cpu): void {
  if ((c.efer & EFER_SCE) === 0) c.raise(VEC_UD);
  if (c.cpl !== 0) c.raise(VEC_GP, 0);
  const rcxHi = c.rhi[RCX]!;
  const canonical = rcxHi >> 15 === rcxHi >> 31;
  if (!canonical && c.vendor === "intel") c.raise(VEC_GP, 0);
  const rip = canonical ? c.regAsNumber(RCX) : (rcxHi >>> 0) * TWO32 + (c.rlo[RCX]! >>> 0);
  const base = (c.starHi >>> 16) & 0xffff;
  c.rflags = ((c.rlo[11]! & ~FLAG_RF & 0x3c7fd7) | RFLAGS_FIXED) >>> 0;
  c.fKind = FK_NONE;
  loadCodeSegment(c, ((base + 16) & 0xfffc) | 3, flatDescriptor(true, 3));
  setSegment(c, SEG_SS, ((base + 8) & 0xfffc) | 3, flatDescriptor(false, 3));
  if (c.ev !== undefined) c.ev.sysret(c, rip);
  c.rip = rip;
  c.attention |= ATTN_STOP;
}

/**
 * IRETQ in 64-bit mode (SDM vol. 2 IRET, IA-32e mode): pops RIP, CS, RFLAGS, RSP, SS with the
 * privilege checks; a check that fails faults at the IRETQ, at the old CPL, with nothing popped.
 */
export function iretExec(c: Cpu): void {
  // SDM vol. 2 IRET: EFLAGS.NT = 1 in IA-32e mode → #GP(0) (there is no task return).
  if ((c.rflags & FLAG_NT) !== 0) c.raise(VEC_GP, 0);
  const sp = c.regAsNumber(RSP);
  c.checkCanonical(sp, 1);
  const ripLo = c.read64(sp);
  const ripHi = c.hiOut;
  const cs = c.read64(sp + 8) & 0xffff;
  const flags = c.read64(sp + 16);
  const rsp = c.read64(sp + 24);
  const rspHi = c.hiOut;
  const ss = c.read64(sp + 32) & 0xffff;
  const rpl = cs & 3;
  const d = checkIretCs(c, cs);
  const target = ripHi * TWO32 + (ripLo >>> 0);
  c.checkCanonical(target, 0); // SDM vol. 2 IRET: a non-canonical return RIP → #GP(0)
  const oldCpl = c.cpl;
  let mask = FLAGS_STATUS | FLAG_TF | FLAG_DF | FLAG_NT | FLAG_AC | FLAG_RF | FLAG_IF | FLAG_IOPL;
  if (oldCpl > 0) mask &= ~FLAG_IOPL;
  if (oldCpl > (c.rflags & FLAG_IOPL) >>> 12) mask &= ~FLAG_IF;
  const ssDesc = checkIretSs(c, ss, rpl);
  if (c.ev !== undefined) c.ev.iret(c, target, cs, flags, rsp, rspHi, ss);
  loadCodeSegment(c, cs, d);
  setSegment(c, SEG_SS, ss, ssDesc);
  c.rflags = ((c.rflags & ~mask) | (flags & mask) | RFLAGS_FIXED) >>> 0;
  c.fKind = FK_NONE;
  c.nmiBlocked = false; // SDM 6.7.1: IRET ends NMI blocking
  c.rlo[RSP] = rsp;
  c.rhi[RSP] = rspHi;
  c.rip = target;
  c.accessClassChanged();
  c.attention |= ATTN_STOP;
}

/** LRETQ: pops RIP and CS (same or outer privilege; outer also pops RSP and SS). */
export function lretExec(c: Cpu): void {
  const sp = c.regAsNumber(RSP);
  c.checkCanonical(sp, 1);
  const ripLo = c.read64(sp);
  const ripHi = c.hiOut;
  const cs = c.read64(sp + 8) & 0xffff;
  if ((cs & 3) < c.cpl || (cs & 0xfffc) === 0) c.raise(VEC_GP, cs & 0xfffc);
  const d = readDescriptor(c, cs);
  if ((d.attr & DESC_TYPE_CODE) === 0 || (d.attr & DESC_P) === 0) c.raise(VEC_GP, cs & 0xfffc);
  const target = ripHi * TWO32 + (ripLo >>> 0);
  c.checkCanonical(target, 0);
  if ((cs & 3) > c.cpl) {
    const rsp = c.read64(sp + 16);
    const rspHi = c.hiOut;
    const ss = c.read64(sp + 24) & 0xffff;
    loadCodeSegment(c, cs, d);
    loadDataSegment(c, SEG_SS, ss);
    c.rlo[RSP] = rsp;
    c.rhi[RSP] = rspHi;
  } else {
    loadCodeSegment(c, cs, d);
    c.setRegFromNumber(RSP, sp + 16);
  }
  c.rip = target;
  c.attention |= ATTN_STOP;
}

/** RD/WR{FS,GS}BASE: #UD unless CR4.FSGSBASE (SDM vol. 2). */
export function fsgsBaseExec(name: string) {
  return (c: Cpu, op: Op): void => {
    if ((c.cr4 & CR4_FSGSBASE) === 0) c.raise(VEC_UD);
    const seg = name.includes("fs") ? SEG_FS : SEG_GS;
    const size = op.size;
    if (name.startsWith("rd")) {
      const b = c.segBase[seg]!;
      writeReg(c, op.reg[0]!, size, b >>> 0, Math.floor(b / TWO32) | 0);
    } else {
      const lo = readReg(c, op.reg[0]!, size);
      const b = (size === 64 ? c.hiOut : 0) * TWO32 + (lo >>> 0);
      c.checkCanonical(b, 0); // SDM vol. 2 WRFSBASE: a non-canonical base → #GP(0)
      c.segBase[seg] = b;
    }
    c.rip += op.len;
  };
}

/** SDM vol. 1, 18.2: IN/OUT/CLI/STI need CPL ≤ IOPL (the I/O bitmap is not modelled) → #GP(0). */
export function checkIopl(c: Cpu): void {
  if (c.cpl > (c.rflags & FLAG_IOPL) >>> 12) c.raise(VEC_GP, 0);
}

export function cliExec(c: Cpu, op: Op): void {
  checkIopl(c);
  c.rflags &= ~FLAG_IF;
  c.rip += op.len;
}
export function stiExec(c: Cpu, op: Op): void {
  checkIopl(c);
  if ((c.rflags & FLAG_IF) === 0) c.shadow = SHADOW_STI; // SDM 6.8.3: one-instruction interrupt shadow
  c.rflags |= FLAG_IF;
  c.rip += op.len;
  c.attention |= ATTN_STOP;
}
