// The 4-level page walk (SDM 4.5) and the access-rights rules (SDM 4.6) as a PURE function: it
// reads paging-structure entries from physical memory and returns a translation or a fault record
// in a caller-owned result object; it never writes memory and never sets CR2. The caller (../mmu.ts)
// sets A/D bits from the entry addresses it returns, fills the TLB and raises #PF. Probe mode is
// the same call with the result simply not acted upon.
//
//   linear address (48 bits used, 47..63 sign-extended):
//   47      39 38      30 29      21 20      12 11        0
//  +----------+----------+----------+----------+-----------+
//  |  PML4    |  PDPT    |   PD     |   PT     |  offset   |
//  +----------+----------+----------+----------+-----------+
//   PDPTE.PS=1 → 1 GiB page (offset 29..0); PDE.PS=1 → 2 MiB page (offset 20..0).
import type { PhysMem } from "./phys.js";

/** Paging-structure entry bits (SDM 4.5, tables 4-15 … 4-20). */
export const PTE_P = 1 << 0;
export const PTE_RW = 1 << 1;
export const PTE_US = 1 << 2;
export const PTE_A = 1 << 5;
export const PTE_D = 1 << 6;
export const PTE_PS = 1 << 7;
export const PTE_G = 1 << 8;
/** XD is bit 63: bit 31 of the high half. */
export const PTE_HI_XD = 1 << 31;
const ADDR_LO_MASK = 0xfffff000;

/** #PF error code bits (SDM 4.7). */
export const PFEC_P = 1 << 0;
export const PFEC_W = 1 << 1;
export const PFEC_U = 1 << 2;
export const PFEC_RSVD = 1 << 3;
export const PFEC_I = 1 << 4;

export const ACC_READ = 0;
export const ACC_WRITE = 1;
export const ACC_FETCH = 2;
export type AccessKind = typeof ACC_READ | typeof ACC_WRITE | typeof ACC_FETCH;

export const PAGE_4K = 0x1000;
export const PAGE_2M = 0x200000;
export const PAGE_1G = 0x40000000;
const TWO32 = 4294967296;

/** The paging controls the walk depends on: a snapshot of CR0/CR3/CR4/EFER/RFLAGS.AC. */
export interface WalkControls {
  /** CR3 with the PCID and flag bits already masked off: the PML4 physical base. */
  pml4: number;
  wp: boolean;
  smep: boolean;
  smap: boolean;
  nxe: boolean;
  /** RFLAGS.AC (SMAP override for explicit supervisor data accesses). */
  ac: boolean;
  /** MAXPHYADDR, 32–52. */
  maxPhysAddr: number;
  /** 1-GByte pages supported (CPUID.80000001H:EDX.Page1GB). */
  gbPages: boolean;
}

/** The walk's answer. `ok` false → `errorCode` is the #PF error code. */
export class WalkResult {
  ok = false;
  errorCode = 0;
  /** Physical base of the 4 KiB frame containing the address. */
  frame = 0;
  pageSize = PAGE_4K;
  /** Combined rights across the levels: R/W and U/S ANDed, XD ORed (SDM 4.6.1). */
  writable = false;
  user = false;
  nx = false;
  global = false;
  /** Leaf D bit as read. */
  dirty = false;
  /** Physical addresses of the entries used, PML4E first; `levels` of them are valid. */
  readonly entryAddr = new Float64Array(4);
  levels = 0;
}

/** Bits MAXPHYADDR..51 of an entry's high half must be zero (SDM 4.5.4, table 4-19). */
function reservedHiMask(maxPhysAddr: number): number {
  const all = (1 << (52 - 32)) - 1;
  return all & ~((1 << (maxPhysAddr - 32)) - 1);
}

/**
 * Walk the 4-level tables for `lin` (a canonical address as a signed double).
 * `user` is a user-mode access (CPL 3, not an implicit supervisor access); `implicit` marks an
 * implicit supervisor access (GDT/IDT/TSS reads, exception frames), for which SMAP applies
 * whatever RFLAGS.AC says, at every CPL (SDM 4.6.1).
 */
export function walk(
  mem: PhysMem,
  c: WalkControls,
  lin: number,
  acc: AccessKind,
  user: boolean,
  implicit: boolean,
  out: WalkResult,
): WalkResult {
  const rsvdHi = reservedHiMask(c.maxPhysAddr) | (c.nxe ? 0 : PTE_HI_XD);
  const frameHiMask = (1 << (c.maxPhysAddr - 32)) - 1;
  const lo32 = lin >>> 0;
  const hi32 = Math.floor(lin / TWO32) | 0;
  // Index bits: PML4 47..39, PDPT 38..30, PD 29..21, PT 20..12.
  const idx = [
    (hi32 >>> 7) & 0x1ff, // bits 47:39 are bits 15:7 of the high half
    ((hi32 & 0x7f) << 2) | (lo32 >>> 30), // bits 38:30: 38:32 of the high half, 31:30 of the low
    (lo32 >>> 21) & 0x1ff,
    (lo32 >>> 12) & 0x1ff,
  ];
  let table = c.pml4;
  let rw = true;
  let us = true;
  let xd = false;
  out.ok = false;
  out.levels = 0;
  for (let level = 0; level < 4; level++) {
    const ea = table + idx[level]! * 8;
    out.entryAddr[level] = ea;
    out.levels = level + 1;
    const lo = mem.read32(ea);
    const hi = mem.read32(ea + 4);
    // SDM 4.7: an entry with P=0 → #PF with P=0 in the error code.
    if ((lo & PTE_P) === 0) return fault(out, 0, acc, user, c);
    const ps = (lo & PTE_PS) !== 0;
    // SDM 4.5.4: reserved bits set → #PF with RSVD=1 (and P=1).
    let rsvd = (hi & rsvdHi) !== 0;
    if (level === 0 && ps) rsvd = true; // PS is reserved in a PML4E
    if (level === 1 && ps && !c.gbPages) rsvd = true; // SDM 4.5.4: PDPTE.PS without Page1GB
    if (level === 1 && ps && (lo & 0x3fffe000) !== 0) rsvd = true; // 1 GiB: bits 29:13
    if (level === 2 && ps && (lo & 0x001fe000) !== 0) rsvd = true; // 2 MiB: bits 20:13
    if (rsvd) return fault(out, PFEC_P | PFEC_RSVD, acc, user, c);
    rw &&= (lo & PTE_RW) !== 0;
    us &&= (lo & PTE_US) !== 0;
    xd ||= (hi & PTE_HI_XD) !== 0 && c.nxe;
    const base = (hi & frameHiMask) * TWO32 + ((lo & ADDR_LO_MASK) >>> 0);
    if (level === 3 || (ps && level >= 1)) {
      const size = level === 3 ? PAGE_4K : level === 2 ? PAGE_2M : PAGE_1G;
      const within = size === PAGE_4K ? 0 : (lo32 & (size - 1) & ADDR_LO_MASK) >>> 0;
      const pageBase =
        size === PAGE_1G
          ? base - (base % PAGE_1G)
          : size === PAGE_2M
            ? base - (base % PAGE_2M)
            : base;
      out.frame = pageBase + within;
      out.pageSize = size;
      out.writable = rw;
      out.user = us;
      out.nx = xd;
      out.global = (lo & PTE_G) !== 0;
      out.dirty = (lo & PTE_D) !== 0;
      const denied = checkRights(c, acc, user, implicit, rw, us, xd);
      if (denied) return fault(out, PFEC_P, acc, user, c);
      out.ok = true;
      return out;
    }
    table = base;
  }
  return out; // unreachable: level 3 always returns
}

/** SDM 4.6: may this access use a translation with these combined rights? */
export function checkRights(
  c: WalkControls,
  acc: AccessKind,
  user: boolean,
  implicit: boolean,
  rw: boolean,
  us: boolean,
  xd: boolean,
): boolean {
  if (acc === ACC_FETCH && xd) return true; // SDM 4.6.2: fetch from an XD page (NXE=1)
  if (user) {
    if (!us) return true; // SDM 4.6.1: user access to a supervisor page
    return acc === ACC_WRITE && !rw; // user write to a read-only page
  }
  if (us) {
    if (acc === ACC_FETCH) return c.smep; // SDM 4.6.1: SMEP, supervisor fetch from a user page
    // SDM 4.6.1: SMAP, supervisor data access to a user page unless an explicit access with AC=1.
    if (c.smap && (implicit || !c.ac)) return true;
  }
  return acc === ACC_WRITE && !rw && c.wp; // SDM 4.6.1: CR0.WP, supervisor write to read-only
}

/** The #PF error code: `bits` (P, RSVD) plus W/R, U/S and I/D (the last when NXE or SMEP is on) — SDM 4.7. */
export function pfErrorCode(bits: number, acc: AccessKind, user: boolean, c: WalkControls): number {
  let ec = bits;
  if (acc === ACC_WRITE) ec |= PFEC_W;
  if (user) ec |= PFEC_U;
  if (acc === ACC_FETCH && (c.nxe || c.smep)) ec |= PFEC_I;
  return ec;
}

function fault(
  out: WalkResult,
  bits: number,
  acc: AccessKind,
  user: boolean,
  c: WalkControls,
): WalkResult {
  out.ok = false;
  out.errorCode = pfErrorCode(bits, acc, user, c);
  return out;
}
