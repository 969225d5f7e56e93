// The architectural TLB (SDM 4.10.2): the translations a CPU holds, tagged with a PCID, with global
// entries (G=1 under CR4.PGE, SDM 4.10.2.4) matching every PCID. Two stores implement the
// machine's TLB policies (docs/machine.md "TLB"):
//   strict  every translation is kept until an invalidation the SDM defines removes it (no
//           capacity limit), so a missing flush always shows as a stale translation;
//   finite  a set-associative array with LRU replacement (sizes as options), for realistic
//           hit and miss counts.
// The `off` policy has no store. The direct-mapped fast front in ./tlb.ts caches entries of the
// strict store for the one-compare hit test; the store is the authority.
//
// One entry per 4 KiB page number: a 2 MiB or 1 GiB page is cached in 4 KiB pieces, each
// remembering the large page it came from so INVLPG and page faults drop all of them (SDM 4.10.4.1).

import type { EntryAudit } from "../tlb-audit.js";

const PAGE_BYTES = 0x1000;
/** Tag slot for global entries: above every 12-bit PCID. */
const GLOBAL_SLOT = 0x1000;
const KEY_SLOTS = 0x2000;

export type TlbPolicy = "strict" | "finite" | "off";
export const TLB_POLICIES: readonly TlbPolicy[] = ["strict", "finite", "off"];

export class TlbEntry {
  /** Frame of the 4 KiB piece; `raw` rights (RAW_* in ./tlb.ts); `leaf`: the PTE's physical address (for D). */
  constructor(
    readonly page: number,
    readonly pcid: number,
    readonly global: boolean,
    readonly frame: number,
    public raw: number,
    readonly largeBase: number,
    readonly span: number,
    readonly leaf: number,
  ) {}
  /** LRU stamp (finite policy). */
  used = 0;
  /** What the TLB audit knows of the entry (../mmu/tlb-audit.ts); undefined when it is off. */
  audit: EntryAudit | undefined = undefined;
  covers(lin: number): boolean {
    return this.largeBase <= lin && lin < this.largeBase + this.span;
  }
}

export interface TlbStore {
  /** The entry for `page` usable under `pcid` (tagged with it, or global). */
  find(page: number, pcid: number): TlbEntry | undefined;
  /** Insert, replacing an entry with the same tag; returns an entry evicted for capacity. */
  insert(e: TlbEntry): TlbEntry | undefined;
  /** Remove the entries `drop` selects; returns how many. */
  remove(drop: (e: TlbEntry) => boolean): number;
  entries(): TlbEntry[];
  /** Whether `e` itself is still stored (the TLB audit drops what was flushed, lazily). */
  holds(e: TlbEntry): boolean;
}

function keyOf(page: number, slot: number): number {
  return (page / PAGE_BYTES) * KEY_SLOTS + slot;
}

/** `strict`: unbounded, keyed by page and PCID (or the global slot). */
export class StrictStore implements TlbStore {
  private readonly map = new Map<number, TlbEntry>();
  find(page: number, pcid: number): TlbEntry | undefined {
    return this.map.get(keyOf(page, pcid)) ?? this.map.get(keyOf(page, GLOBAL_SLOT));
  }
  insert(e: TlbEntry): undefined {
    this.map.set(keyOf(e.page, e.global ? GLOBAL_SLOT : e.pcid), e);
    return undefined;
  }
  remove(drop: (e: TlbEntry) => boolean): number {
    let n = 0;
    for (const [k, e] of this.map) {
      if (drop(e)) {
        this.map.delete(k);
        n++;
      }
    }
    return n;
  }
  entries(): TlbEntry[] {
    return [...this.map.values()];
  }
  holds(e: TlbEntry): boolean {
    return this.map.get(keyOf(e.page, e.global ? GLOBAL_SLOT : e.pcid)) === e;
  }
}

export const DEFAULT_TLB_SETS = 128;
export const DEFAULT_TLB_WAYS = 12;

/** `finite`: `sets` × `ways`, indexed by the low page-number bits, LRU within a set. */
export class FiniteStore implements TlbStore {
  private readonly slots: (TlbEntry | undefined)[];
  private tick = 0;
  constructor(
    readonly sets: number,
    readonly ways: number,
  ) {
    this.slots = new Array<TlbEntry | undefined>(sets * ways).fill(undefined);
  }
  private setOf(page: number): number {
    const n = page / PAGE_BYTES;
    return (((n % this.sets) + this.sets) % this.sets) * this.ways;
  }
  find(page: number, pcid: number): TlbEntry | undefined {
    const s = this.setOf(page);
    for (let w = 0; w < this.ways; w++) {
      const e = this.slots[s + w];
      if (e !== undefined && e.page === page && (e.global || e.pcid === pcid)) {
        e.used = ++this.tick;
        return e;
      }
    }
    return undefined;
  }
  insert(e: TlbEntry): TlbEntry | undefined {
    const s = this.setOf(e.page);
    let victim = s;
    for (let w = 0; w < this.ways; w++) {
      const old = this.slots[s + w];
      if (
        old === undefined ||
        (old.page === e.page && old.global === e.global && old.pcid === e.pcid)
      ) {
        victim = s + w;
        break;
      }
      if (old.used < this.slots[victim]!.used) victim = s + w;
    }
    const evicted = this.slots[victim];
    e.used = ++this.tick;
    this.slots[victim] = e;
    return evicted !== undefined && evicted.page === e.page && evicted.pcid === e.pcid
      ? undefined
      : evicted;
  }
  remove(drop: (e: TlbEntry) => boolean): number {
    let n = 0;
    for (let i = 0; i < this.slots.length; i++) {
      const e = this.slots[i];
      if (e !== undefined && drop(e)) {
        this.slots[i] = undefined;
        n++;
      }
    }
    return n;
  }
  entries(): TlbEntry[] {
    return this.slots.filter((e): e is TlbEntry => e !== undefined);
  }
  holds(e: TlbEntry): boolean {
    const s = this.setOf(e.page);
    for (let w = 0; w < this.ways; w++) if (this.slots[s + w] === e) return true;
    return false;
  }
}
