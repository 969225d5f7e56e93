// What every step of the boot builder shares: guest memory, the frame allocator, the page-table
// writer, the kernel image with its asm-offsets, the features of this boot, and the named
// regions it has made so far. Missing symbols, offsets or memory end the boot with a
// diagnostic (BootError, caught by bootKernel).
import type { ObjectFile } from "../../obj/index.js";
import type { PhysMem } from "../../vm/index.js";
import { KERNEL } from "../../diag/codes/kernel.js";
import type { FrameAllocator } from "./frames.js";
import type { PageTableBuilder } from "./paging.js";
import { imagePhys, symbolAddress } from "./image-access.js";
import { PAGE_SIZE, va } from "./layout.js";

/** A named range of virtual addresses, for traces (src/trace/regions.ts's Region shape). */
export interface BootRegion {
  name: string;
  start: bigint;
  end: bigint;
  /**
   * For a user-half region: the physical address of its mm's kernel PGD (TaskInfo.pgd). Every
   * task's user stack is at the same virtual address; the recorder tells them apart by CR3.
   */
  space?: bigint;
}

export class BootError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The effective switches of this boot. */
export interface BootFlags {
  pti: boolean;
  pcid: boolean;
  pge: boolean;
  nx: boolean;
  smep: boolean;
  smap: boolean;
  fsgsbase: boolean;
}

export class BootContext {
  readonly regions: BootRegion[] = [];

  constructor(
    readonly mem: PhysMem,
    readonly frames: FrameAllocator,
    readonly pt: PageTableBuilder,
    readonly image: ObjectFile,
    readonly offsets: ReadonlyMap<string, number>,
    readonly flags: BootFlags,
    readonly features: Set<number>,
  ) {}

  /** A kernel symbol's link address. */
  sym(name: string): bigint {
    const v = symbolAddress(this.image, name);
    if (v === undefined) throw new BootError(KERNEL.MISSING_SYMBOL, `kernel image has no symbol '${name}'`); // prettier-ignore
    return v;
  }

  /** The physical address behind a kernel-image symbol (plus an offset). */
  symPhys(name: string, plus = 0): number {
    const pa = imagePhys(this.image, this.sym(name));
    if (pa === undefined) throw new BootError(KERNEL.MISSING_SYMBOL, `kernel symbol '${name}' is not in a loaded segment`); // prettier-ignore
    return pa + plus;
  }

  /** An asm-offsets value. */
  off(name: string): number {
    const v = this.offsets.get(name);
    if (v === undefined) throw new BootError(KERNEL.MISSING_OFFSET, `asm-offsets has no '${name}'`);
    return v;
  }

  /** Zeroed frames for a named structure; its direct-map range becomes a region. */
  alloc(name: string, pages = 1, align = PAGE_SIZE, region = true): number {
    const pa = this.frames.alloc(name, pages, align);
    if (pa === undefined) throw new BootError(KERNEL.OUT_OF_MEMORY, `guest memory is too small: no room for ${name} (see --mem)`); // prettier-ignore
    if (region) this.region(name, va(pa), pages * PAGE_SIZE);
    return pa;
  }

  /** A named range; `space`: the kernel PGD's physical address, for a per-mm user-half range. */
  region(name: string, start: bigint, size: number, space?: number): void {
    const r: BootRegion = { name, start, end: start + BigInt(size) };
    if (space !== undefined) r.space = BigInt(space);
    this.regions.push(r);
  }
}
