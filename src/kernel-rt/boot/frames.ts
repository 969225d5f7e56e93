// The boot builder's physical frame allocator: a bump allocator over [start, end) of guest RAM,
// handing out zeroed, aligned runs of 4 KiB frames. Every allocation is named, so the builder's
// structures can be listed (and traced) by what they are.
import type { PhysMem } from "../../vm/index.js";
import { PAGE_SIZE } from "./layout.js";

export interface Allocation {
  name: string;
  phys: number;
  size: number;
}

export class FrameAllocator {
  private next: number;
  readonly allocations: Allocation[] = [];

  constructor(
    private readonly mem: PhysMem,
    start: number,
    readonly end: number,
  ) {
    this.next = alignUp(start, PAGE_SIZE);
  }

  /** `pages` zeroed frames aligned to `align` bytes; undefined when RAM is exhausted. */
  alloc(name: string, pages = 1, align = PAGE_SIZE): number | undefined {
    const phys = alignUp(this.next, align);
    const size = pages * PAGE_SIZE;
    if (phys + size > this.end) return undefined;
    this.mem.fill(phys, size, 0);
    this.next = phys + size;
    this.allocations.push({ name, phys, size });
    return phys;
  }

  /**
   * Hand every frame left (at most `maxPages` of them) to one owner, unzeroed: the guest's page
   * pool, which zeroes what it hands out. Returns [start, end) physical, empty when RAM is full.
   */
  reserveRest(name: string, maxPages = Infinity): { start: number; end: number } {
    const start = alignUp(this.next, PAGE_SIZE);
    const last = this.end - (this.end % PAGE_SIZE);
    const end = Math.max(start, Math.min(last, start + maxPages * PAGE_SIZE));
    this.next = end;
    this.allocations.push({ name, phys: start, size: end - start });
    return { start, end };
  }

  /** Bytes handed out so far, alignment gaps included. */
  get used(): number {
    return this.next;
  }
}

export function alignUp(v: number, align: number): number {
  return Math.ceil(v / align) * align;
}
