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
  readonly regions: readonly Region[];

  constructor(image?: ObjectFile) {
    const list: Region[] = [];
    for (const s of image?.symbols ?? []) {
      if (s.type !== "object" || s.size <= 0n || typeof s.section !== "number") continue;
      list.push({ name: s.name, start: s.value, end: s.value + s.size });
    }
    list.sort((a, b) => (a.start !== b.start ? (a.start < b.start ? -1 : 1) : a.end < b.end ? -1 : 1)); // prettier-ignore
    this.regions = list;
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
