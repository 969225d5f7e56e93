// Named memory regions for the trace: every sized object symbol of the image (`.type x,@object`
// with a `.size`), e.g. `entry_stack_page`, `init_task_stack`, and the regions a kernel's boot
// builder names at run time. A stack pointer belongs to the region it points into or just past:
// RSP = start + size is the empty stack of that region, so the test is start < RSP <= start +
// size. Nested regions: the smallest wins.
//
// Address spaces: every task's user stack is at the same virtual address, each behind its own
// page tables. A user-half region may carry `space`, the physical address of its mm's kernel PGD;
// it then names RSP only while that address space is current (the recorder follows CR3).
// Kernel-half regions are the same in every address space: a `space` on them is ignored.
import type { ObjectFile } from "../obj/types.js";

export interface Region {
  name: string;
  start: bigint;
  end: bigint;
  /** A user-half region's address space: the physical address of its mm's kernel PGD. */
  space?: bigint;
}

/** The end of the user half (canonical lower half, 48-bit: SDM 3.3.7.1): user regions end here. */
export const USER_HALF_END = 0x0000800000000000n;

/** CR3 bits 51:12: the PML4 table's physical base (SDM 4.5, table 4-12/4-13). */
const CR3_PGD_MASK = 0x000ffffffffff000n;
/** PTI's user PGD is the kernel PGD + 4 KiB: CR3 bit 12 tells the two halves of a pair apart. */
const PTI_USER_PGD_BIT = 0x1000n;

/**
 * The address space a CR3 value selects: its PGD base with PTI's user bit cleared, so both PGDs
 * of a PTI pair (and any PCID in bits 11:0) give the same key — the kernel PGD's address.
 */
export function addressSpaceOf(cr3: bigint): bigint {
  return cr3 & CR3_PGD_MASK & ~PTI_USER_PGD_BIT;
}

/** Whether a region belongs to one address space only: keyed, and in the user half. */
export function isPerSpace(r: Region): boolean {
  return r.space !== undefined && r.end <= USER_HALF_END;
}

/** Whether `r` may name an address while `space` is current (undefined: not known, any may). */
export function inSpace(r: Region, space: bigint | undefined): boolean {
  return space === undefined || !isPerSpace(r) || r.space === space;
}

export class RegionMap {
  /** Sorted by start, then by size (smallest first). */
  regions: readonly Region[];

  constructor(image?: ObjectFile, extra: readonly Region[] = []) {
    const list: Region[] = [];
    for (const s of image?.symbols ?? []) {
      if (s.type !== "object" || s.size <= 0n || typeof s.section !== "number") continue;
      list.push({ name: s.name, start: s.value, end: s.value + s.size });
    }
    this.regions = sorted([...list, ...extra]);
  }

  /**
   * Add regions that exist only at run time (the kernel boot builder's stacks and page tables,
   * named "entry stack of CPU 0", "kernel stack of pid 1"...).
   */
  add(regions: readonly Region[]): void {
    this.regions = sorted([...this.regions, ...regions.filter((r) => r.end > r.start)]);
  }

  /**
   * Forget the regions `drop` picks (memory given back: a reaped task's stack); returns them. A
   * region object stays what it was, so a holder can tell it was dropped by identity.
   */
  remove(drop: (r: Region) => boolean): Region[] {
    const gone = this.regions.filter(drop);
    if (gone.length > 0) this.regions = this.regions.filter((r) => !drop(r));
    return gone;
  }

  /** The region named `name`, if any (the first listed). */
  named(name: string): Region | undefined {
    return this.regions.find((r) => r.name === name);
  }

  /**
   * The region a stack pointer is in, or undefined. `space` (see addressSpaceOf) is the current
   * address space: a per-space region of another one does not count. Without it every region
   * counts, and of equal ones the first listed wins.
   */
  stackRegion(rsp: bigint, space?: bigint): Region | undefined {
    let best: Region | undefined;
    for (const r of this.regions) {
      if (r.start >= rsp) break;
      if (rsp > r.end || !inSpace(r, space)) continue;
      if (best === undefined || r.end - r.start < best.end - best.start) best = r;
    }
    return best;
  }
}

function sorted(list: Region[]): Region[] {
  return list.sort((a, b) => (a.start !== b.start ? (a.start < b.start ? -1 : 1) : a.end < b.end ? -1 : a.end > b.end ? 1 : 0)); // prettier-ignore
}
