// The per-CPU TLB (SDM 4.10): direct-mapped, one entry per 4 KiB linear page (a large page fills
// 4 KiB pieces), tagged with the page's linear base plus the PCID in the low 12 bits, so a hit is
// one mask, one compare and one rights-bit test. Each entry keeps the raw combined rights and a
// precomputed "allow" byte: one bit per access class for the current CR0.WP/CR4.SMEP/SMAP/EFER.NXE,
// recomputed when those change. Write classes are allowed only once D is set, so the first write
// through a translation cached by a read takes the slow path and sets D (SDM 4.8).
import { ACC_FETCH, ACC_READ, ACC_WRITE, checkRights } from "./walk.js";
import type { AccessKind, WalkControls } from "./walk.js";

export const TLB_BITS = 12;
export const TLB_SIZE = 1 << TLB_BITS;
export const TLB_INDEX_MASK = TLB_SIZE - 1;

/** Allow-bit classes: supervisor (AC=0, also implicit), user, supervisor with AC=1. */
export const ALLOW_SUP = 0;
export const ALLOW_USER = 3;
export const ALLOW_SUP_AC = 6;
const RAW_RW = 1;
const RAW_US = 2;
const RAW_XD = 4;
const RAW_DIRTY = 8;
const RAW_GLOBAL = 16;

export class Tlb {
  readonly key = new Float64Array(TLB_SIZE).fill(NaN);
  readonly frame = new Float64Array(TLB_SIZE);
  readonly allow = new Uint8Array(TLB_SIZE);
  readonly raw = new Uint8Array(TLB_SIZE);
  /** Base of the large page an entry came from (for INVLPG of a large page), else the 4K base. */
  readonly largeBase = new Float64Array(TLB_SIZE);
  /** Size of the page the entry came from: 4 KiB, 2 MiB or 1 GiB. */
  readonly span = new Float64Array(TLB_SIZE);
  hits = 0;
  misses = 0;
  flushes = 0;

  fill(
    lin: number,
    pcid: number,
    frame: number,
    rights: { writable: boolean; user: boolean; nx: boolean; global: boolean; dirty: boolean },
    largeBase: number,
    span: number,
    c: WalkControls,
  ): void {
    const off = lin & 0xfff;
    const i = (lin >>> 12) & TLB_INDEX_MASK;
    this.key[i] = lin - off + pcid;
    this.frame[i] = frame;
    let raw = 0;
    if (rights.writable) raw |= RAW_RW;
    if (rights.user) raw |= RAW_US;
    if (rights.nx) raw |= RAW_XD;
    if (rights.dirty) raw |= RAW_DIRTY;
    if (rights.global) raw |= RAW_GLOBAL;
    this.raw[i] = raw;
    this.allow[i] = allowBits(raw, c);
    this.largeBase[i] = largeBase;
    this.span[i] = span;
  }

  /** Identity entry for paging off: every access allowed. */
  fillIdentity(lin: number): void {
    const off = lin & 0xfff;
    const i = (lin >>> 12) & TLB_INDEX_MASK;
    this.key[i] = lin - off;
    this.frame[i] = lin - off;
    this.raw[i] = RAW_RW | RAW_US | RAW_DIRTY;
    this.allow[i] = 0xff;
    this.largeBase[i] = lin - off;
    this.span[i] = 0x1000;
  }

  /** MOV CR3 with PCIDE=0 (SDM 4.10.4.1): every non-global entry. */
  flushNonGlobal(): void {
    this.flushes++;
    for (let i = 0; i < TLB_SIZE; i++) if ((this.raw[i]! & RAW_GLOBAL) === 0) this.key[i] = NaN;
  }

  flushAll(): void {
    this.flushes++;
    this.key.fill(NaN);
  }

  /** INVLPG (SDM 4.10.4.1): the page's entries for any PCID here, global ones included. */
  flushPage(lin: number): void {
    this.flushes++;
    const base = lin - (lin & 0xfff);
    for (let i = 0; i < TLB_SIZE; i++) {
      if (this.key[i] !== this.key[i]) continue; // NaN: empty
      const lb = this.largeBase[i]!;
      if (lb <= base && base < lb + this.span[i]!) this.key[i] = NaN;
    }
  }

  /** CR0.WP, CR4.SMEP/SMAP or EFER.NXE changed: recompute the cached rights checks. */
  recomputeAllow(c: WalkControls): void {
    for (let i = 0; i < TLB_SIZE; i++)
      if (this.allow[i] !== 0xff) this.allow[i] = allowBits(this.raw[i]!, c);
  }
}

function allowBits(raw: number, c: WalkControls): number {
  const rw = (raw & RAW_RW) !== 0;
  const us = (raw & RAW_US) !== 0;
  const xd = (raw & RAW_XD) !== 0;
  const dirty = (raw & RAW_DIRTY) !== 0;
  let bits = 0;
  const kinds: AccessKind[] = [ACC_READ, ACC_WRITE, ACC_FETCH];
  for (const acc of kinds) {
    if (acc === ACC_WRITE && !dirty) continue;
    const sup = { ...c, ac: false };
    if (!checkRights(sup, acc, false, false, rw, us, xd)) bits |= 1 << (ALLOW_SUP + acc);
    if (!checkRights(c, acc, true, false, rw, us, xd)) bits |= 1 << (ALLOW_USER + acc);
    if (acc !== ACC_FETCH && !checkRights({ ...c, ac: true }, acc, false, false, rw, us, xd)) {
      bits |= 1 << (ALLOW_SUP_AC + acc);
    }
  }
  return bits;
}
