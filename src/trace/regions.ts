// Named memory regions for the trace: every sized object symbol of the image (`.type x,@object`
// with a `.size`), e.g. `entry_stack_page`, `init_task_stack`. A stack pointer belongs to the
// region it points into or just past: RSP = start + size is the empty stack of that region, so
// the test is start < RSP <= start + size. Nested regions: the smallest wins.
import type { ObjectFile } from "../obj/types.js";

export interface Region {
  name: string;
  start: bigint;
  end: bigint;
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

  /** The region a stack pointer is in, or undefined. */
  stackRegion(rsp: bigint): Region | undefined {
    let best: Region | undefined;
    for (const r of this.regions) {
      if (r.start >= rsp) break;
      if (rsp <= r.end && (best === undefined || r.end - r.start < best.end - best.start)) best = r;
    }
    return best;
  }
}

function sorted(list: Region[]): Region[] {
  return list.sort((a, b) => (a.start !== b.start ? (a.start < b.start ? -1 : 1) : a.end < b.end ? -1 : a.end > b.end ? 1 : 0)); // prettier-ignore
}
