// The per-CPU TLB (SDM 4.10): the architectural store of translations (./tlb-store.ts, one of the
// policies strict / finite / off) behind a direct-mapped FAST FRONT that makes a hit one mask and
// one compare. The front has one slot per 4 KiB linear page index, tagged with the page's linear
// base plus the current PCID in the low 12 bits; it caches entries of the strict store only (under
// `finite` and `off` every access reaches the store or the walk, so counts are exact). Each front
// slot keeps the raw combined rights and a precomputed "allow" byte: one bit per access class for
// the current CR0.WP/CR4.SMEP/SMAP/EFER.NXE, recomputed when those change. Write classes are
// allowed only once D is set, so the first write through a translation cached by a read takes the
// slow path, which sets D in the PTE (SDM 4.8).
//
// The hit test used by the interpreter and by compiled blocks is ONE compare: `fast[bit][i]` holds
// the slot's tag only when access class `bit` may use it without the slow path, else NaN (never
// equal). Besides the rights, a fast tag needs the frame inside guest RAM, and for writes a frame
// PhysMem does not watch (no decoded code; no paging-structure entries under the TLB audit), so a
// store that could make cached code or a cached translation stale always reaches PhysMem's check.
// Live slots are listed so that flushes cost the number of slots in use.
//
// Counters: `hits` are translations served by the store after a front miss (front hits are not
// counted: that would cost the hot path); `misses` are page walks; `fills` entries inserted;
// `flushes` invalidation operations by cause; `invalidated` entries they removed.
import {
  FiniteStore,
  StrictStore,
  TlbEntry,
  DEFAULT_TLB_SETS,
  DEFAULT_TLB_WAYS,
} from "./tlb-store.js";
import type { TlbPolicy, TlbStore } from "./tlb-store.js";
import { ACC_FETCH, ACC_READ, ACC_WRITE, checkRights } from "./walk.js";
import type { AccessKind, WalkControls, WalkResult } from "./walk.js";

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
export const RAW_RW = 1;
export const RAW_US = 2;
export const RAW_XD = 4;
export const RAW_DIRTY = 8;
export const RAW_GLOBAL = 16;
/** `allow` of an identity entry (paging off): every class may do everything. */
const ALLOW_ALL = 0xff | (1 << (ALLOW_BITS - 1));
/** A PCID argument meaning "every PCID". */
export const ANY_PCID = -1;

export type FlushCause = "cr0" | "cr3" | "cr4" | "invlpg" | "invpcid" | "pf" | "load";
export const FLUSH_CAUSES: readonly FlushCause[] = ["cr0", "cr3", "cr4", "invlpg", "invpcid", "pf", "load"]; // prettier-ignore

export interface TlbOptions {
  policy?: TlbPolicy;
  /** `finite` geometry (default 128 sets × 12 ways). */
  sets?: number;
  ways?: number;
}

export class Tlb {
  readonly policy: TlbPolicy;
  /** The architectural store (undefined under `off`). */
  readonly store: TlbStore | undefined;
  private readonly useFront: boolean;
  // ---- the fast front ----
  readonly key = new Float64Array(TLB_SIZE).fill(NaN);
  readonly frame = new Float64Array(TLB_SIZE);
  readonly allow = new Uint16Array(TLB_SIZE);
  readonly raw = new Uint8Array(TLB_SIZE);
  private readonly fpcid = new Int16Array(TLB_SIZE);
  private readonly fentry: (TlbEntry | undefined)[] = new Array<TlbEntry | undefined>(TLB_SIZE);
  /** Base and size of the page a slot came from (INVLPG of a large page drops every piece). */
  readonly largeBase = new Float64Array(TLB_SIZE);
  readonly span = new Float64Array(TLB_SIZE);
  /** Fast tags per allow bit (see the file comment). */
  readonly fast: Float64Array[] = [];
  private readonly live = new Int32Array(TLB_SIZE);
  private readonly isLive = new Uint8Array(TLB_SIZE);
  private liveCount = 0;
  // ---- counters ----
  hits = 0;
  misses = 0;
  fills = 0;
  evictions = 0;
  invalidated = 0;
  readonly flushes: Record<FlushCause, number> = { cr0: 0, cr3: 0, cr4: 0, invlpg: 0, invpcid: 0, pf: 0, load: 0 }; // prettier-ignore

  /**
   * `memSize`: frames at or beyond it never get a fast tag (their reads see all-ones).
   * `codePage`: PhysMem's map of watched physical pages (decoded code, audited page tables).
   */
  constructor(
    private readonly memSize = Infinity,
    private readonly codePage: Uint8Array = new Uint8Array(0),
    opts: TlbOptions = {},
  ) {
    for (let b = 0; b < ALLOW_BITS; b++) this.fast.push(new Float64Array(TLB_SIZE).fill(NaN));
    this.policy = opts.policy ?? "strict";
    this.store =
      this.policy === "strict"
        ? new StrictStore()
        : this.policy === "finite"
          ? new FiniteStore(opts.sets ?? DEFAULT_TLB_SETS, opts.ways ?? DEFAULT_TLB_WAYS)
          : undefined;
    this.useFront = this.policy === "strict";
  }

  // ---- lookup and fill (the slow path in ../cpu.ts) -------------------------------------------
  /** The stored translation of `lin`'s page usable under `pcid`, if any (counts a hit). */
  lookup(lin: number, pcid: number): TlbEntry | undefined {
    if (this.store === undefined) return undefined;
    const e = this.store.find(lin - (lin & PAGE_OFFSET_MASK), pcid);
    if (e !== undefined) this.hits++;
    return e;
  }

  /** Cache a successful walk: a store entry for the 4 KiB piece of `lin`. */
  insert(lin: number, pcid: number, w: WalkResult, globalOk: boolean): TlbEntry {
    let raw = 0;
    if (w.writable) raw |= RAW_RW;
    if (w.user) raw |= RAW_US;
    if (w.nx) raw |= RAW_XD;
    if (w.dirty) raw |= RAW_DIRTY;
    const global = w.global && globalOk; // SDM 4.10.2.4: G counts only with CR4.PGE
    if (global) raw |= RAW_GLOBAL;
    const largeBase = lin - (((lin % w.pageSize) + w.pageSize) % w.pageSize);
    const leaf = w.entryAddr[w.levels - 1]!;
    const page = lin - (lin & PAGE_OFFSET_MASK);
    const e = new TlbEntry(page, pcid, global, w.frame, raw, largeBase, w.pageSize, leaf);
    this.fills++;
    if (this.store !== undefined && this.store.insert(e) !== undefined) this.evictions++;
    return e;
  }

  /** Whether `e` is still held (not flushed, evicted or replaced). */
  holds(e: TlbEntry): boolean {
    return this.store !== undefined && this.store.holds(e);
  }

  /** Put an entry into the fast front for the current PCID (strict policy only). */
  toFront(e: TlbEntry, pcid: number, c: WalkControls): void {
    if (!this.useFront) return;
    const i = (e.page >>> PAGE_SHIFT) & TLB_INDEX_MASK;
    this.set(i, e.page + pcid, e.frame, e.raw, allowBits(e.raw, c));
    this.fpcid[i] = pcid;
    this.fentry[i] = e;
    this.largeBase[i] = e.largeBase;
    this.span[i] = e.span;
  }

  /** The first write through an entry cached by a read: D is now set in the PTE (SDM 4.8). */
  markDirty(e: TlbEntry, c: WalkControls): void {
    e.raw |= RAW_DIRTY;
    const i = (e.page >>> PAGE_SHIFT) & TLB_INDEX_MASK;
    if (this.fentry[i] === e) {
      this.raw[i] = e.raw;
      this.allow[i] = allowBits(e.raw, c);
      this.setFast(i);
    }
  }

  /** Take `e` out of the fast front (it stays in the store): its next use takes the slow path. */
  dropFront(e: TlbEntry): void {
    const i = (e.page >>> PAGE_SHIFT) & TLB_INDEX_MASK;
    if (this.fentry[i] === e) this.kill(i);
  }

  /** Identity entry for paging off: every access allowed. */
  fillIdentity(lin: number): void {
    const base = lin - (lin & PAGE_OFFSET_MASK);
    const i = (lin >>> PAGE_SHIFT) & TLB_INDEX_MASK;
    this.set(i, base, base, RAW_RW | RAW_US | RAW_DIRTY, ALLOW_ALL);
    this.fpcid[i] = 0;
    this.fentry[i] = undefined;
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

  /** Recompute slot i's fast tags from its key, rights, frame and the code-page map. */
  private setFast(i: number): void {
    const key = this.key[i]!;
    const frame = this.frame[i]!;
    const allow = this.allow[i]!;
    const inRam = frame + PAGE_BYTES <= this.memSize;
    const code = inRam && this.codePage[frame / PAGE_BYTES] !== 0;
    for (let b = 0; b < ALLOW_BITS; b++) {
      const isWrite = b % 3 === ACC_WRITE;
      const ok = inRam && (allow & (1 << b)) !== 0 && !(isWrite && code);
      this.fast[b]![i] = ok ? key : NaN;
    }
  }

  private kill(i: number): void {
    this.key[i] = NaN;
    this.fentry[i] = undefined;
    for (let b = 0; b < ALLOW_BITS; b++) this.fast[b]![i] = NaN;
  }

  /** Drop the front slots for which `drop(i)` is true. */
  private sweepFront(drop: (i: number) => boolean): void {
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

  // ---- invalidation (SDM 4.10.4) ----------------------------------------------------------------
  /** Everything, global entries included. */
  flushAll(cause: FlushCause): void {
    this.flushes[cause]++;
    this.sweepFront(() => true);
    if (this.store !== undefined) this.invalidated += this.store.remove(() => true);
  }

  /** The non-global entries of `pcid` (ANY_PCID: of every PCID). */
  flushNonGlobal(cause: FlushCause, pcid: number): void {
    this.flushes[cause]++;
    const any = pcid === ANY_PCID;
    this.sweepFront(
      (i) => this.fentry[i] === undefined || ((this.raw[i]! & RAW_GLOBAL) === 0 && (any || this.fpcid[i] === pcid)),
    ); // prettier-ignore
    if (this.store !== undefined)
      this.invalidated += this.store.remove((e) => !e.global && (any || e.pcid === pcid));
  }

  /**
   * The translations of the page containing `lin`: those of `pcid` (ANY_PCID: every PCID), and
   * when `globals` the global ones. A large page's pieces all go.
   */
  flushAddress(cause: FlushCause, lin: number, pcid: number, globals: boolean): void {
    this.flushes[cause]++;
    const any = pcid === ANY_PCID;
    this.sweepFront((i) => {
      const lb = this.largeBase[i]!;
      if (!(lb <= lin && lin < lb + this.span[i]!)) return false;
      if (this.fentry[i] === undefined) return true;
      return (this.raw[i]! & RAW_GLOBAL) !== 0 ? globals : any || this.fpcid[i] === pcid;
    });
    if (this.store !== undefined)
      this.invalidated += this.store.remove(
        (e) => e.covers(lin) && (e.global ? globals : any || e.pcid === pcid),
      );
  }

  /** Every entry held (for `entrylab pt` and tests), front-only identity slots excluded. */
  entries(): TlbEntry[] {
    return this.store?.entries() ?? [];
  }

  /** CR0.WP, CR4.SMEP/SMAP or EFER.NXE changed: recompute the cached rights checks. */
  recomputeAllow(c: WalkControls): void {
    for (let k = 0; k < this.liveCount; k++) {
      const i = this.live[k]!;
      if (this.allow[i] !== ALLOW_ALL) this.allow[i] = allowBits(this.raw[i]!, c);
      this.setFast(i);
    }
  }

  /** PhysMem now watches physical page `page` (code, or audited tables): writes take the slow path. */
  codePageAdded(page: number): void {
    for (let k = 0; k < this.liveCount; k++) {
      const i = this.live[k]!;
      if (Math.floor(this.frame[i]! / PAGE_BYTES) === page) this.setFast(i);
    }
  }
}

/** Whether `raw` rights allow the access in the given mode (the slow path's check of a stored entry). */
export function rawDenies(raw: number, c: WalkControls, acc: AccessKind, user: boolean, implicit: boolean): boolean {
  return checkRights(c, acc, user, implicit, (raw & RAW_RW) !== 0, (raw & RAW_US) !== 0, (raw & RAW_XD) !== 0);
} // prettier-ignore

function allowBits(raw: number, c: WalkControls): number {
  const dirty = (raw & RAW_DIRTY) !== 0;
  const sup = { ...c, ac: false };
  const supAc = { ...c, ac: true };
  let bits = 0;
  const kinds: AccessKind[] = [ACC_READ, ACC_WRITE, ACC_FETCH];
  for (const acc of kinds) {
    if (acc === ACC_WRITE && !dirty) continue;
    if (!rawDenies(raw, sup, acc, false, false)) bits |= 1 << (ALLOW_SUP + acc);
    if (!rawDenies(raw, c, acc, true, false)) bits |= 1 << (ALLOW_USER + acc);
    if (acc !== ACC_FETCH && !rawDenies(raw, supAc, acc, false, false))
      bits |= 1 << (ALLOW_SUP_AC + acc);
  }
  return bits;
}
