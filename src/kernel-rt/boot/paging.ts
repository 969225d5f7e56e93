// Building 4-level page tables in guest memory (SDM 4.5, figure 4-11): the boot builder's
// kernel tables, the PTI user tables and each address space's user mappings. Entries are
// written as the SDM lays them out:
//
//   63  62:52  51:M  M-1:12        11:9  8  7   6  5  4   3   2   1   0
//   XD  avail  rsvd  frame address  avail G  PS  D  A  PCD PWT U/S R/W P
//
// Non-leaf entries carry P and R/W (and U/S under user mappings): rights are ANDed across the
// levels (SDM 4.6.1), so the leaf decides, except for NX, which the builder also sets in the
// kernel PGD's user entries as Linux does under PTI (XD is ORed across the levels).
import { PTE_G, PTE_HI_XD, PTE_P, PTE_PS, PTE_RW, PTE_US, type PhysMem } from "../../vm/index.js";
import type { FrameAllocator } from "./frames.js";
import { PAGE_SIZE, PMD_SIZE } from "./layout.js";

const TWO32 = 4294967296;
export const PTRS_PER_TABLE = 512;
export const ENTRY_SIZE = 8;
/** Shift of each level's index: PML4 (PGD) 39, PDPT (PUD) 30, PD (PMD) 21, PT 12. */
const LEVEL_SHIFT = [39n, 30n, 21n, 12n] as const;
export const LEVEL_PGD = 0;
export const LEVEL_PMD = 2;
export const LEVEL_PTE = 3;
/** The first PGD slot of the kernel half (bit 47 set: 0xffff800000000000 and up). */
export const KERNEL_PGD_BOUNDARY = 256;

/** The rights of a leaf. */
export interface PteFlags {
  rw: boolean;
  user: boolean;
  nx: boolean;
  global: boolean;
}

export class TableOutOfMemory extends Error {}

/** The index of `va` in the table of `level`. */
export function pgdIndex(va: bigint, level = LEVEL_PGD): number {
  return Number((va >> LEVEL_SHIFT[level]!) & BigInt(PTRS_PER_TABLE - 1));
}

export class PageTableBuilder {
  constructor(
    readonly mem: PhysMem,
    private readonly frames: FrameAllocator,
    private readonly tableName: string,
  ) {}

  /** Map one 4 KiB page. */
  map4k(pgd: number, va: bigint, pa: number, f: PteFlags): void {
    this.writeLeaf(this.slot(pgd, va, LEVEL_PTE, f.user), pa, f, 0);
  }

  /** Map one 2 MiB page (PS in the PDE). */
  map2m(pgd: number, va: bigint, pa: number, f: PteFlags): void {
    this.writeLeaf(this.slot(pgd, va, LEVEL_PMD, f.user), pa, f, PTE_PS);
  }

  /** Map [va, va+size) to [pa, pa+size) with 4 KiB pages. */
  mapRange(pgd: number, va: bigint, pa: number, size: number, f: PteFlags): void {
    for (let off = 0; off < size; off += PAGE_SIZE) this.map4k(pgd, va + BigInt(off), pa + off, f);
  }

  /** Map [va, va+size) with 2 MiB pages where both sides allow it, 4 KiB pages elsewhere. */
  mapLarge(pgd: number, va: bigint, pa: number, size: number, f: PteFlags): void {
    let off = 0;
    while (off < size) {
      const big = (pa + off) % PMD_SIZE === 0 && (va + BigInt(off)) % BigInt(PMD_SIZE) === 0n && size - off >= PMD_SIZE; // prettier-ignore
      if (big) this.map2m(pgd, va + BigInt(off), pa + off, f);
      else this.map4k(pgd, va + BigInt(off), pa + off, f);
      off += big ? PMD_SIZE : PAGE_SIZE;
    }
  }

  /** The raw PGD entry `index` as [low, high] dwords. */
  readEntry(table: number, index: number): [number, number] {
    const ea = table + index * ENTRY_SIZE;
    return [this.mem.read32(ea), this.mem.read32(ea + 4)];
  }

  writeEntry(table: number, index: number, lo: number, hi: number): void {
    const ea = table + index * ENTRY_SIZE;
    this.mem.write32(ea, lo);
    this.mem.write32(ea + 4, hi);
  }

  /** The physical address of the entry for `va` at `level`, creating the tables above it. */
  private slot(pgd: number, va: bigint, level: number, user: boolean): number {
    let table = pgd;
    for (let l = 0; l < level; l++) {
      const ea = table + pgdIndex(va, l) * ENTRY_SIZE;
      const lo = this.mem.read32(ea);
      if ((lo & PTE_P) === 0) {
        const t = this.frames.alloc(this.tableName);
        if (t === undefined) throw new TableOutOfMemory();
        this.mem.write32(ea, t | PTE_P | PTE_RW | (user ? PTE_US : 0));
        this.mem.write32(ea + 4, 0);
        table = t;
      } else {
        if (user && (lo & PTE_US) === 0) this.mem.write32(ea, lo | PTE_US);
        table = (this.mem.read32(ea + 4) & 0xfffff) * TWO32 + ((lo & ~0xfff) >>> 0);
      }
    }
    return table + pgdIndex(va, level) * ENTRY_SIZE;
  }

  private writeLeaf(ea: number, pa: number, f: PteFlags, extra: number): void {
    const lo = ((pa % TWO32) & ~0xfff) | PTE_P | extra | (f.rw ? PTE_RW : 0) | (f.user ? PTE_US : 0) | (f.global ? PTE_G : 0); // prettier-ignore
    this.mem.write32(ea, lo);
    this.mem.write32(ea + 4, Math.floor(pa / TWO32) | (f.nx ? PTE_HI_XD : 0));
  }
}
