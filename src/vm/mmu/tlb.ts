// The per-CPU TLB (SDM 4.10): direct-mapped, one entry per 4 KiB linear page (a large page fills
// 4 KiB pieces), tagged with the page's linear base plus the PCID in the low 12 bits. Each entry
// keeps the raw combined rights and a precomputed "allow" byte: one bit per access class for the
// current CR0.WP/CR4.SMEP/SMAP/EFER.NXE, recomputed when those change. Write classes are allowed
// only once D is set, so the first write through a translation cached by a read takes the slow path
// and sets D (SDM 4.8).
//
// The hit test used by the interpreter and by compiled blocks is ONE compare: `fast[bit][i]` holds
// the entry's tag only when access class `bit` may use it without the slow path, else NaN (never
// equal). Besides the rights, a fast tag needs the frame inside guest RAM, and for writes a frame
// that holds no decoded code, so a store that could make cached code stale always reaches PhysMem's
// code-page check. Live entries are listed so that flushes cost the number of entries in use.
import { ACC_FETCH, ACC_READ, ACC_WRITE, checkRights } from "./walk.js";
import type { AccessKind, WalkControls } from "./walk.js";

export const TLB_BITS = 12;
export const TLB_SIZE = 1 << TLB_BITS;
export const TLB_INDEX_MASK = TLB_SIZE - 1;
const PAGE_SHIFT = 12;
const PAGE_BYTES = 1 << PAGE_SHIFT;
const PAGE_OFFSET_MASK = PAGE_BYTES - 1;

/** Allow-bit classes: supervisor (AC=0, also implicit), user, supervisor with AC=1. */
export const ALLOW_SUP = 0;
export const ALLOW_USER = 3;
export const ALLOW_SUP_AC = 6;
/** Number of allow bits (class + access kind); also the number of fast-tag arrays. */
export const ALLOW_BITS = 9;
const RAW_RW = 1;
const RAW_US = 2;
const RAW_XD = 4;
const RAW_DIRTY = 8;
const RAW_GLOBAL = 16;
/** `allow` of an identity entry (paging off): every class may do everything. */
const ALLOW_ALL = 0xff | (1 << (ALLOW_BITS - 1));

export class Tlb {
  readonly key = new Float64Array(TLB_SIZE).fill(NaN);
  readonly frame = new Float64Array(TLB_SIZE);
  readonly allow = new Uint16Array(TLB_SIZE);
  readonly raw = new Uint8Array(TLB_SIZE);
  /** Base of the large page an entry came from (for INVLPG of a large page), else the 4K base. */
  readonly largeBase = new Float64Array(TLB_SIZE);
  /** Size of the page the entry came from: 4 KiB, 2 MiB or 1 GiB. */
  readonly span = new Float64Array(TLB_SIZE);
  /** Fast tags per allow bit (see the file comment). */
  readonly fast: Float64Array[] = [];
  /** Indices of the entries in use (`liveCount` of them) and a membership map. */
  private readonly live = new Int32Array(TLB_SIZE);
  private readonly isLive = new Uint8Array(TLB_SIZE);
  private liveCount = 0;
  misses = 0;
  flushes = 0;

  /**
   * `memSize`: frames at or beyond it never get a fast tag (their reads see all-ones).
   * `codePage`: PhysMem's map of physical pages holding decoded code.
   */
  constructor(
    private readonly memSize = Infinity,
    private readonly codePage: Uint8Array = new Uint8Array(0),
  ) {
    for (let b = 0; b < ALLOW_BITS; b++) this.fast.push(new Float64Array(TLB_SIZE).fill(NaN));
  }

  fill(
    lin: number,
    pcid: number,
    frame: number,
    rights: { writable: boolean; user: boolean; nx: boolean; global: boolean; dirty: boolean },
    largeBase: number,
    span: number,
    c: WalkControls,
  ): void {
    const i = (lin >>> PAGE_SHIFT) & TLB_INDEX_MASK;
    let raw = 0;
    if (rights.writable) raw |= RAW_RW;
    if (rights.user) raw |= RAW_US;
    if (rights.nx) raw |= RAW_XD;
    if (rights.dirty) raw |= RAW_DIRTY;
    if (rights.global) raw |= RAW_GLOBAL;
    this.set(i, lin - (lin & PAGE_OFFSET_MASK) + pcid, frame, raw, allowBits(raw, c));
    this.largeBase[i] = largeBase;
    this.span[i] = span;
  }

  /** Identity entry for paging off: every access allowed. */
  fillIdentity(lin: number): void {
    const base = lin - (lin & PAGE_OFFSET_MASK);
    const i = (lin >>> PAGE_SHIFT) & TLB_INDEX_MASK;
    this.set(i, base, base, RAW_RW | RAW_US | RAW_DIRTY, ALLOW_ALL);
    this.largeBase[i] = base;
    this.span[i] = PAGE_BYTES;
  }

  private set(i: number, key: number, frame: number, raw: number, allow: number): void {
    this.key[i] = key;
    this.frame[i] = frame;
    this.raw[i] = raw;
    this.allow[i] = allow;
    if (this.isLive[i] === 0) {
      this.isLive[i] = 1;
      this.live[this.liveCount++] = i;
    }
    this.setFast(i);
  }

  /** Recompute entry i's fast tags from its key, rights, frame and the code-page map. */
  private setFast(i: number): void {
    const key = this.key[i]!;
    const frame = this.frame[i]!;
    const allow = this.allow[i]!;
    const inRam = frame + PAGE_BYTES <= this.memSize;
    const code = inRam && this.codePage[frame / PAGE_BYTES] === 1;
    for (let b = 0; b < ALLOW_BITS; b++) {
      const isWrite = b % 3 === ACC_WRITE;
      const ok = inRam && (allow & (1 << b)) !== 0 && !(isWrite && code);
      this.fast[b]![i] = ok ? key : NaN;
    }
  }

  private kill(i: number): void {
    this.key[i] = NaN;
    for (let b = 0; b < ALLOW_BITS; b++) this.fast[b]![i] = NaN;
  }

  /** Drop the entries for which `drop(i)` is true from the live list (and the TLB). */
  private sweep(drop: (i: number) => boolean): void {
    let n = 0;
    for (let k = 0; k < this.liveCount; k++) {
      const i = this.live[k]!;
      if (drop(i)) {
        this.kill(i);
        this.isLive[i] = 0;
      } else this.live[n++] = i;
    }
    this.liveCount = n;
  }

  /** MOV CR3 with PCIDE=0 (SDM 4.10.4.1): every non-global entry. */
  flushNonGlobal(): void {
    this.flushes++;
    this.sweep((i) => (this.raw[i]! & RAW_GLOBAL) === 0);
  }

  flushAll(): void {
    this.flushes++;
    this.sweep(() => true);
  }

  /** INVLPG (SDM 4.10.4.1): the page's entries for any PCID here, global ones included. */
  flushPage(lin: number): void {
    this.flushes++;
    const base = lin - (lin & PAGE_OFFSET_MASK);
    this.sweep((i) => {
      const lb = this.largeBase[i]!;
      return lb <= base && base < lb + this.span[i]!;
    });
  }

  /** CR0.WP, CR4.SMEP/SMAP or EFER.NXE changed: recompute the cached rights checks. */
  recomputeAllow(c: WalkControls): void {
    for (let k = 0; k < this.liveCount; k++) {
      const i = this.live[k]!;
      if (this.allow[i] !== ALLOW_ALL) this.allow[i] = allowBits(this.raw[i]!, c);
      this.setFast(i);
    }
  }

  /** Physical page `page` now holds decoded code: its writes must take the slow path. */
  codePageAdded(page: number): void {
    for (let k = 0; k < this.liveCount; k++) {
      const i = this.live[k]!;
      if (Math.floor(this.frame[i]! / PAGE_BYTES) === page) this.setFast(i);
    }
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
