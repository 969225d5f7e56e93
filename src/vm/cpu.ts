// The architectural state of one CPU in typed arrays and plain numeric fields (one hidden class,
// so the hot loop stays monomorphic), plus linear-memory access through the TLB and the page walk.
// 64-bit values live as two int32 halves (rlo/rhi); RIP and linear addresses are doubles holding
// the signed, canonical 48-bit value exactly. Status flags are lazy: see ./flags.ts.
import { FLAG_AC } from "../isa/types.js";
import { FAULT, VEC_GP, VEC_PF, VEC_SS } from "./fault.js";
import {
  LF_CARRY_IN,
  LF_DST_HI,
  LF_DST_LO,
  LF_KIND,
  LF_RES_HI,
  LF_RES_LO,
  LF_SIZE,
  LF_SRC_HI,
  LF_SRC_LO,
  newFlagRecord,
} from "./flags.js";
import { PAGE_MASK } from "./mmu/phys.js";
import type { PhysMem } from "./mmu/phys.js";
import { PortBus } from "./devices/bus.js";
import {
  ALLOW_SUP,
  ALLOW_SUP_AC,
  ALLOW_USER,
  rawDenies,
  RAW_DIRTY,
  Tlb,
  TLB_INDEX_MASK,
} from "./mmu/tlb.js";
import type { TlbOptions } from "./mmu/tlb.js";
import type { TlbEntry } from "./mmu/tlb-store.js";
import {
  ACC_FETCH,
  ACC_READ,
  ACC_WRITE,
  PFEC_P,
  pfErrorCode,
  PTE_A,
  PTE_D,
  walk,
  WalkResult,
} from "./mmu/walk.js";
import type { AccessKind, WalkControls } from "./mmu/walk.js";
import { defaultFeatures } from "./sys/features.js";
import { Apic } from "./sys/apic.js";
import type { Features, Vendor } from "./sys/features.js";
import type { EventEmitter } from "./events.js";
import type { TlbAudit } from "./tlb-audit.js";

export const TWO32 = 4294967296;

/** Control-register bits (SDM vol. 3A, 2.5). */
export const CR0_PE = 1 << 0;
export const CR0_MP = 1 << 1;
export const CR0_ET = 1 << 4;
export const CR0_NE = 1 << 5;
export const CR0_WP = 1 << 16;
export const CR0_NW = 1 << 29;
export const CR0_CD = 1 << 30;
export const CR0_PG = 1 << 31;
export const CR4_TSD = 1 << 2;
export const CR4_DE = 1 << 3;
export const CR4_PSE = 1 << 4;
export const CR4_PAE = 1 << 5;
export const CR4_MCE = 1 << 6;
export const CR4_PCE = 1 << 8;
export const CR4_OSFXSR = 1 << 9;
export const CR4_OSXMMEXCPT = 1 << 10;
export const CR4_PGE = 1 << 7;
export const CR4_FSGSBASE = 1 << 16;
export const CR4_PCIDE = 1 << 17;
export const CR4_SMEP = 1 << 20;
export const CR4_SMAP = 1 << 21;
/** EFER bits (SDM vol. 3A, 2.2.1). */
export const EFER_SCE = 1 << 0;
export const EFER_LME = 1 << 8;
export const EFER_LMA = 1 << 10;
export const EFER_NXE = 1 << 11;
/** CR3: PCID in bits 11:0 when CR4.PCIDE=1 (SDM 4.10.1). */
export const CR3_PCID_MASK = 0xfff;
/** RFLAGS bit 1 always reads as 1 (SDM vol. 1, 3.4.3). */
export const RFLAGS_FIXED = 1 << 1;

/** Segment register cache: selector plus the descriptor parts the subset uses. */
export const NSEG = 6;

/** What an access is for, to choose the canonical fault: #SS(0) for stack references. */
export const SEGREF_DATA = 0;
export const SEGREF_STACK = 1;

export const SHADOW_NONE = 0;
export const SHADOW_STI = 1;
export const SHADOW_MOV_SS = 2;

export class Cpu {
  // ---- general registers, RIP, RFLAGS --------------------------------------------------------
  readonly rlo = new Int32Array(16);
  readonly rhi = new Int32Array(16);
  rip = 0;
  /** Non-status bits always; status bits only while fKind === FK_NONE. */
  rflags = RFLAGS_FIXED;
  /**
   * The lazy-flag record (./flags.ts), one int32 per field at the LF_* indices: compiled blocks
   * write it directly; the accessors below keep the interpreter's spelling.
   */
  readonly lf = newFlagRecord();
  get fKind(): number {
    return this.lf[LF_KIND]!;
  }
  set fKind(v: number) {
    this.lf[LF_KIND] = v;
  }
  get fSize(): number {
    return this.lf[LF_SIZE]!;
  }
  set fSize(v: number) {
    this.lf[LF_SIZE] = v;
  }
  get fDstLo(): number {
    return this.lf[LF_DST_LO]!;
  }
  set fDstLo(v: number) {
    this.lf[LF_DST_LO] = v;
  }
  get fDstHi(): number {
    return this.lf[LF_DST_HI]!;
  }
  set fDstHi(v: number) {
    this.lf[LF_DST_HI] = v;
  }
  get fSrcLo(): number {
    return this.lf[LF_SRC_LO]!;
  }
  set fSrcLo(v: number) {
    this.lf[LF_SRC_LO] = v;
  }
  get fSrcHi(): number {
    return this.lf[LF_SRC_HI]!;
  }
  set fSrcHi(v: number) {
    this.lf[LF_SRC_HI] = v;
  }
  get fResLo(): number {
    return this.lf[LF_RES_LO]!;
  }
  set fResLo(v: number) {
    this.lf[LF_RES_LO] = v;
  }
  get fResHi(): number {
    return this.lf[LF_RES_HI]!;
  }
  set fResHi(v: number) {
    this.lf[LF_RES_HI] = v;
  }
  get fCarryIn(): number {
    return this.lf[LF_CARRY_IN]!;
  }
  set fCarryIn(v: number) { this.lf[LF_CARRY_IN] = v; } // prettier-ignore

  // ---- segments and descriptor tables -------------------------------------------------------
  readonly segSel = new Uint16Array(NSEG);
  readonly segBase = new Float64Array(NSEG);
  readonly segLimit = new Float64Array(NSEG);
  /** Descriptor attribute bits 40–55 of the 8-byte descriptor (type, S, DPL, P, AVL, L, D, G). */
  readonly segAttr = new Uint16Array(NSEG);
  cpl = 0;
  gdtrBase = 0;
  gdtrLimit = 0;
  idtrBase = 0;
  idtrLimit = 0;
  trSel = 0;
  trBase = 0;
  trLimit = 0;

  // ---- control registers and MSRs ------------------------------------------------------------
  cr0 = 0;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  cr8 = 0;
  efer = 0;
  starLo = 0;
  starHi = 0;
  lstar = 0;
  cstar = 0;
  sfmask = 0;
  kernelGsBase = 0;
  tscAux = 0;
  /** TSC = instruction count + offset (WRMSR to the TSC sets the offset). */
  tscOffset = 0;

  // ---- run state ------------------------------------------------------------------------------
  halted = false;
  /** Instructions retired. */
  icount = 0;
  /** Nonzero stops the current block: ATTN_* bits. */
  attention = 0;
  /** One-instruction interrupt shadow (SDM 6.8.3): SHADOW_STI blocks interrupts, SHADOW_MOV_SS also NMIs. */
  shadow = 0;

  // ---- scratch outputs (no allocation per access) -------------------------------------------
  /** High half of the last 64-bit read. */
  hiOut = 0;
  /** Pending exception: vector and error code (−1: none). */
  excVector = -1;
  excError = -1;

  // ---- memory management -------------------------------------------------------------------
  readonly tlb: Tlb;
  readonly wres = new WalkResult();
  readonly controls: WalkControls = {
    pml4: 0,
    wp: false,
    smep: false,
    smap: false,
    nxe: false,
    ac: false,
    maxPhysAddr: 46,
    gbPages: true,
  };
  pcid = 0;
  pagingOn = false;
  /** The TLB's fast tags for reads/writes/fetches in the current mode (CPL, AC): see ./mmu/tlb.ts. */
  rkey: Float64Array;
  wkey: Float64Array;
  xkey: Float64Array;

  /** The port I/O bus shared by every CPU. */
  io: PortBus = new PortBus();
  /** The local APIC (x2APIC mode) and the NMI state (SDM 6.7.1: blocked until the next IRETQ). */
  apic: Apic;
  nmiBlocked = false;
  /** CPUID feature set and vendor (./sys/features.ts): machine options. */
  features: Features = defaultFeatures();
  vendor: Vendor = "intel";
  /** The event emitter when the machine has a sink (./events.ts), else undefined. */
  ev: EventEmitter | undefined = undefined;
  /** The paging level of the last #PF: 1 (PML4E) … 4 (PTE), 0 for a cached entry's rights. */
  pfLevel = 0;
  /** The TLB audit when the sink asks for it (./tlb-audit.ts), else undefined. */
  audit: TlbAudit | undefined = undefined;

  constructor(
    readonly mem: PhysMem,
    tlbOptions: TlbOptions = {},
    readonly id = 0,
  ) {
    this.apic = new Apic(id, this);
    this.tlb = new Tlb(mem.size, mem.codePage, tlbOptions);
    this.rkey = this.tlb.fast[ALLOW_SUP + ACC_READ]!;
    this.wkey = this.tlb.fast[ALLOW_SUP + ACC_WRITE]!;
    this.xkey = this.tlb.fast[ALLOW_SUP + ACC_FETCH]!;
  }

  // ---- register helpers -----------------------------------------------------------------------
  /** A register's 64-bit value as a double; exact for |value| < 2^53. */
  regAsNumber(r: number): number {
    return this.rhi[r]! * TWO32 + (this.rlo[r]! >>> 0);
  }
  setReg64(r: number, lo: number, hi: number): void {
    this.rlo[r] = lo;
    this.rhi[r] = hi;
  }
  /** Store a canonical linear address (double) into a register. */
  setRegFromNumber(r: number, v: number): void {
    this.rlo[r] = v >>> 0;
    this.rhi[r] = Math.floor(v / TWO32) | 0;
  }

  // ---- mode bookkeeping ---------------------------------------------------------------------
  /** Recompute the cached walk controls and TLB rights classes after CR0/CR3/CR4/EFER/CPL/AC change. */
  modeChanged(): void {
    const c = this.controls;
    const oldSig = (c.wp ? 1 : 0) | (c.smep ? 2 : 0) | (c.smap ? 4 : 0) | (c.nxe ? 8 : 0);
    c.wp = (this.cr0 & CR0_WP) !== 0;
    c.smep = (this.cr4 & CR4_SMEP) !== 0;
    c.smap = (this.cr4 & CR4_SMAP) !== 0;
    c.nxe = (this.efer & EFER_NXE) !== 0;
    c.ac = (this.rflags & FLAG_AC) !== 0;
    const pcidMask = (this.cr4 & CR4_PCIDE) !== 0 ? CR3_PCID_MASK : 0;
    this.pcid = (this.cr3 % 0x1000) & pcidMask;
    c.pml4 = this.cr3 - (this.cr3 % 0x1000);
    const wasOn = this.pagingOn;
    this.pagingOn = (this.cr0 & CR0_PG) !== 0;
    // SDM 4.10.4.1: MOV to CR0 that changes PG invalidates every TLB entry.
    if (wasOn !== this.pagingOn) this.tlb.flushAll("cr0");
    const sig = (c.wp ? 1 : 0) | (c.smep ? 2 : 0) | (c.smap ? 4 : 0) | (c.nxe ? 8 : 0);
    if (sig !== oldSig) this.tlb.recomputeAllow(c);
    this.accessClassChanged();
  }

  /** CPL or RFLAGS.AC changed. */
  accessClassChanged(): void {
    this.controls.ac = (this.rflags & FLAG_AC) !== 0;
    const cls = this.cpl === 3 ? ALLOW_USER : this.controls.ac ? ALLOW_SUP_AC : ALLOW_SUP;
    const fast = this.tlb.fast;
    this.rkey = fast[cls + ACC_READ]!;
    this.wkey = fast[cls + ACC_WRITE]!;
    this.xkey = fast[(this.cpl === 3 ? ALLOW_USER : ALLOW_SUP) + ACC_FETCH]!; // AC: data only
  }

  // ---- faults ---------------------------------------------------------------------------------
  /** Record an exception and abort the instruction (caught by the run loop). */
  raise(vector: number, errorCode = -1): never {
    this.excVector = vector;
    this.excError = errorCode;
    throw FAULT;
  }

  /** SDM 3.3.7.1: bits 63..47 must be equal, else #GP(0), or #SS(0) for a stack reference. */
  checkCanonical(lin: number, ref: number): void {
    if (lin >= 0x800000000000 || lin < -0x800000000000)
      this.raise(ref === SEGREF_STACK ? VEC_SS : VEC_GP, 0);
  }

  // ---- translation ------------------------------------------------------------------------------
  /** Linear → physical for an explicit access in the current mode; raises #PF. */
  translate(lin: number, acc: AccessKind): number {
    const off = lin & PAGE_MASK;
    const i = (lin >>> 12) & TLB_INDEX_MASK;
    const keys = acc === ACC_READ ? this.rkey : acc === ACC_WRITE ? this.wkey : this.xkey;
    if (keys[i] === lin - off + this.pcid) return this.tlb.frame[i]! + off;
    return this.translateSlow(lin, acc, this.cpl === 3, false);
  }

  /**
   * Implicit supervisor access (GDT, IDT, TSS, exception frames), SDM 4.6.1: supervisor rights
   * whatever the CPL, and SMAP applies whatever RFLAGS.AC says ("if EFLAGS.AC = 0 or the access
   * is implicit, data may not be read from [or written to] any user-mode address"), at any CPL.
   */
  translateImplicit(lin: number, acc: AccessKind): number {
    return this.translateSlow(lin, acc, false, true);
  }

  /**
   * The slow path: the TLB store, else the walk with A/D updates and a fill. Faults set CR2 and
   * raise #PF (SDM 4.7) after invalidating the page's translations (SDM 4.10.4.2).
   */
  translateSlow(lin: number, acc: AccessKind, user: boolean, implicit: boolean): number {
    const off = lin & PAGE_MASK;
    // SDM 3.3.7.1: a non-canonical address → #GP(0) (callers raise #SS for stack references first).
    if (lin >= 0x800000000000 || lin < -0x800000000000) this.raise(VEC_GP, 0);
    if (!this.pagingOn) {
      this.tlb.fillIdentity(lin);
      return lin;
    }
    const c = this.controls;
    const e = this.tlb.lookup(lin, this.pcid);
    if (e !== undefined) return this.useEntry(e, lin, acc, user, implicit) + off;
    this.tlb.misses++;
    const w = walk(this.mem, c, lin, acc, user, implicit, this.wres);
    if (!w.ok) this.pageFault(lin, w.errorCode, w.levels);
    this.setAccessedDirty(w, acc === ACC_WRITE);
    if (acc === ACC_WRITE) w.dirty = true;
    const ne = this.tlb.insert(lin, this.pcid, w, (this.cr4 & CR4_PGE) !== 0);
    if (this.ev !== undefined && this.ev.paging) this.ev.walk(this, lin, acc, w, ne.global);
    if (this.audit !== undefined) this.audit.filled(this, ne, w);
    this.tlb.toFront(ne, this.pcid, c);
    return w.frame + off;
  }

  /**
   * A stored translation: its cached rights decide (a stale, less permissive entry faults: SDM
   * 4.10.4.3); the first write through an entry cached by a read sets D in the PTE (SDM 4.8).
   * A stale entry (TLB audit) is used all the same, but stays off the fast front and is reported.
   */
  private useEntry(e: TlbEntry, lin: number, acc: AccessKind, user: boolean, implicit: boolean): number {
    const c = this.controls;
    if (rawDenies(e.raw, c, acc, user, implicit)) this.pageFault(lin, pfErrorCode(PFEC_P, acc, user, c), 0);
    const stale = e.audit !== undefined && e.audit.stale !== undefined;
    if (stale) this.audit!.staleUse(this, e, lin, acc, user, implicit);
    if (acc === ACC_WRITE && (e.raw & RAW_DIRTY) === 0) {
      this.mem.write32(e.leaf, this.mem.read32(e.leaf) | PTE_A | PTE_D);
      this.tlb.markDirty(e, c);
    }
    if (!stale) this.tlb.toFront(e, this.pcid, c);
    return e.frame;
  } // prettier-ignore

  /** SDM 4.7 / 4.10.4.2: CR2 ← the linear address; the page's translations go; #PF(error code). */
  private pageFault(lin: number, errorCode: number, level: number): never {
    this.tlb.flushAddress("pf", lin, this.pcid, true);
    this.cr2 = lin;
    this.pfLevel = level;
    return this.raise(VEC_PF, errorCode);
  }

  /** SDM 4.8: set A in every entry used, and D in the leaf on a write. */
  private setAccessedDirty(w: WalkResult, write: boolean): void {
    const mem = this.mem;
    for (let l = 0; l < w.levels; l++) {
      const ea = w.entryAddr[l]!;
      let lo = mem.read32(ea);
      const leaf = l === w.levels - 1;
      const want = PTE_A | (leaf && write ? PTE_D : 0);
      if ((lo & want) !== want) {
        lo |= want;
        mem.write32(ea, lo);
      }
    }
  }

  // ---- linear memory accessors ----------------------------------------------------------------
  read8(lin: number): number {
    return this.mem.read8(this.translate(lin, ACC_READ));
  }
  read16(lin: number): number {
    if ((lin & PAGE_MASK) > PAGE_MASK - 1) return this.read8(lin) | (this.read8(lin + 1) << 8);
    return this.mem.read16(this.translate(lin, ACC_READ));
  }
  /** Returns int32. */
  read32(lin: number): number {
    if ((lin & PAGE_MASK) > PAGE_MASK - 3) return this.read16(lin) | (this.read16(lin + 2) << 16);
    return this.mem.read32(this.translate(lin, ACC_READ));
  }
  /** Returns the low half; the high half is left in hiOut. */
  read64(lin: number): number {
    if ((lin & PAGE_MASK) > PAGE_MASK - 7) {
      const lo = this.read32(lin);
      this.hiOut = this.read32(lin + 4);
      return lo;
    }
    const pa = this.translate(lin, ACC_READ);
    this.hiOut = this.mem.read32(pa + 4);
    return this.mem.read32(pa);
  }

  /** Check that a write of `len` bytes may proceed (both pages when it crosses), before any effect. */
  probeWrite(lin: number, len: number): void {
    this.translate(lin, ACC_WRITE);
    if ((lin & PAGE_MASK) > PAGE_SIZE_MINUS(len)) this.translate(lin + len - 1, ACC_WRITE);
  }

  write8(lin: number, v: number): void {
    this.mem.write8(this.translate(lin, ACC_WRITE), v);
  }
  write16(lin: number, v: number): void {
    if ((lin & PAGE_MASK) > PAGE_MASK - 1) {
      this.probeWrite(lin, 2);
      this.write8(lin, v & 0xff);
      this.write8(lin + 1, (v >>> 8) & 0xff);
      return;
    }
    this.mem.write16(this.translate(lin, ACC_WRITE), v);
  }
  write32(lin: number, v: number): void {
    if ((lin & PAGE_MASK) > PAGE_MASK - 3) {
      this.probeWrite(lin, 4);
      this.write16(lin, v & 0xffff);
      this.write16(lin + 2, (v >>> 16) & 0xffff);
      return;
    }
    this.mem.write32(this.translate(lin, ACC_WRITE), v);
  }
  write64(lin: number, lo: number, hi: number): void {
    if ((lin & PAGE_MASK) > PAGE_MASK - 7) {
      this.probeWrite(lin, 8);
      this.write32(lin, lo);
      this.write32(lin + 4, hi);
      return;
    }
    const pa = this.translate(lin, ACC_WRITE);
    this.mem.write32(pa, lo);
    this.mem.write32(pa + 4, hi);
  }

  /** Read `size` bits (8/16/32: returns the value, zero-extended; 64: low half, hiOut = high). */
  readSized(lin: number, size: number): number {
    switch (size) {
      case 8: return this.read8(lin);
      case 16: return this.read16(lin);
      case 32: return this.read32(lin) >>> 0;
      default: return this.read64(lin);
    } // prettier-ignore
  }
  writeSized(lin: number, size: number, lo: number, hi: number): void {
    switch (size) {
      case 8: this.write8(lin, lo & 0xff); break;
      case 16: this.write16(lin, lo & 0xffff); break;
      case 32: this.write32(lin, lo); break;
      default: this.write64(lin, lo, hi); break;
    } // prettier-ignore
  }

  /** Implicit supervisor reads (descriptor tables): through paging, SMAP always applies. */
  readImplicit32(lin: number): number {
    if ((lin & PAGE_MASK) > PAGE_MASK - 3) {
      let v = 0;
      for (let k = 3; k >= 0; k--)
        v = (v << 8) | this.mem.read8(this.translateImplicit(lin + k, ACC_READ));
      return v;
    }
    return this.mem.read32(this.translateImplicit(lin, ACC_READ));
  }
  writeImplicit32(lin: number, v: number): void {
    if ((lin & PAGE_MASK) > PAGE_MASK - 3) {
      for (let k = 0; k < 4; k++) this.translateImplicit(lin + k, ACC_WRITE);
      for (let k = 0; k < 4; k++)
        this.mem.write8(this.translateImplicit(lin + k, ACC_WRITE), (v >>> (8 * k)) & 0xff);
      return;
    }
    this.mem.write32(this.translateImplicit(lin, ACC_WRITE), v);
  }
}

function PAGE_SIZE_MINUS(len: number): number {
  return PAGE_MASK + 1 - len;
}
