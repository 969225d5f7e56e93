// Probe reads: guest memory and paging structures as the debugger sees them, through a pure walk
// (src/vm/mmu/walk.ts) of the CPU's current tables. Nothing is written: no A/D bits, no TLB fill,
// no CR2, no #PF (QEMU's probe mode; docs/machine.md). The rights checks are skipped — a
// debugger may look at supervisor and user pages alike, as gdb's memory reads do — so an address
// reads unless the tables do not map it.
import type { Cpu, PhysMem, WalkControls } from "../vm/index.js";
import { ACC_READ, walk, WalkResult, PTE_P, PTE_RW, PTE_US, PTE_PS, PTE_G, PTE_A, PTE_D, PTE_HI_XD } from "../vm/index.js"; // prettier-ignore

const TWO32 = 4294967296;
const PAGE_MASK = 0xfff;
/** CR3 bits 11:0 hold the PCID or flags, not the PML4 base (SDM 4.5, table 4-12). */
const CR3_FLAGS = 0x1000;
const LEVEL_NAMES = ["PML4E", "PDPTE", "PDE", "PTE"] as const;
const PAGE_BYTES = 0x1000;
const ENTRY_BYTES = 8;
const ADDR_LO = 0xfffff000;

/** An address as the walk takes it: a canonical 64-bit value as a signed double. */
export function linear(addr: bigint): number {
  return Number(BigInt.asIntN(64, addr));
}

/** The PML4 base of a CR3 value (PCID or PWT/PCD bits dropped). */
export function pml4Of(cr3: number): number {
  return cr3 - (cr3 % CR3_FLAGS);
}

export class Probe {
  private readonly res = new WalkResult();

  constructor(private readonly mem: PhysMem) {}

  /** The physical address of `addr` under the CPU's tables (or `pml4`), or undefined. */
  physical(c: Cpu, addr: bigint, pml4 = pml4Of(c.cr3)): number | undefined {
    const lin = linear(addr);
    if (!c.pagingOn) return lin >= 0 && lin < this.mem.size ? lin : undefined;
    // Rights are not checked: a supervisor read with SMAP/WP/NX out of the way.
    const ctl: WalkControls = { ...c.controls, pml4, smap: false, smep: false, wp: false };
    const w = walk(this.mem, ctl, lin, ACC_READ, false, false, this.res);
    if (!w.ok) return undefined;
    const pa = w.frame + (lin & PAGE_MASK);
    return pa < this.mem.size ? pa : undefined;
  }

  /** `n` bytes at `addr`, or undefined where a byte is unmapped. */
  bytes(c: Cpu, addr: bigint, n: number): (number | undefined)[] {
    const out: (number | undefined)[] = [];
    for (let i = 0; i < n; i++) {
      const pa = this.physical(c, BigInt.asUintN(64, addr + BigInt(i)));
      out.push(pa === undefined ? undefined : this.mem.read8(pa));
    }
    return out;
  }

  /** The quadword at `addr`, or undefined when any byte of it is unmapped. */
  qword(c: Cpu, addr: bigint): bigint | undefined {
    const b = this.bytes(c, addr, 8);
    if (b.some((x) => x === undefined)) return undefined;
    return b.reduceRight<bigint>((v, x) => (v << 8n) | BigInt(x!), 0n);
  }

  /**
   * The walk of `addr` under the PML4 at `pml4`, level by level (see WalkLevel): the entries the
   * pure walk read, up to the one where it stopped (not present, reserved bits) or the page.
   */
  levels(c: Cpu, pml4: number, addr: bigint): WalkLevel[] {
    const ctl: WalkControls = { ...c.controls, pml4, smap: false, smep: false, wp: false };
    const w = walk(this.mem, ctl, linear(addr), ACC_READ, false, false, this.res);
    const frameHi = (1 << (c.controls.maxPhysAddr - 32)) - 1;
    const out: WalkLevel[] = [];
    for (let level = 0; level < w.levels; level++) {
      const at = w.entryAddr[level]!;
      const lo = this.mem.read32(at);
      const hi = this.mem.read32(at + 4);
      const next = (hi & frameHi) * TWO32 + ((lo & ADDR_LO) >>> 0);
      const leaf = level === 3 || (level >= 1 && (lo & PTE_PS) !== 0);
      const index = (at % PAGE_BYTES) / ENTRY_BYTES; // tables are page-aligned
      out.push({ name: LEVEL_NAMES[level]!, index, at, lo, hi, next, leaf, present: (lo & PTE_P) !== 0 }); // prettier-ignore
    }
    return out;
  }
}

/** One level of a walk: the entry read, whether it is present, a leaf (page) or a table. */
export interface WalkLevel {
  name: (typeof LEVEL_NAMES)[number];
  index: number;
  /** The entry's physical address. */
  at: number;
  lo: number;
  hi: number;
  /** The table or page frame the entry points at. */
  next: number;
  leaf: boolean;
  present: boolean;
}

/** An entry's flags, as Linux's ptdump spells them: `P RW USR A D PS G NX`. */
export function entryFlags(l: WalkLevel): string {
  const f: string[] = [];
  if (l.lo & PTE_P) f.push("P");
  f.push(l.lo & PTE_RW ? "RW" : "ro");
  f.push(l.lo & PTE_US ? "USR" : "sup");
  if (l.lo & PTE_A) f.push("A");
  if (l.lo & PTE_D && l.leaf) f.push("D");
  if (l.lo & PTE_PS && l.leaf && l.name !== "PTE") f.push("PS");
  if (l.lo & PTE_G && l.leaf) f.push("G");
  if (l.hi & PTE_HI_XD) f.push("NX");
  return f.join(" ");
}

/** SDM 4.6.1: the effective rights of a complete walk — R/W and U/S ANDed, XD ORed. */
export function effectiveRights(levels: readonly WalkLevel[]): string {
  const rw = levels.every((l) => (l.lo & PTE_RW) !== 0);
  const us = levels.every((l) => (l.lo & PTE_US) !== 0);
  const nx = levels.some((l) => (l.hi & PTE_HI_XD) !== 0);
  const g = (levels[levels.length - 1]!.lo & PTE_G) !== 0;
  return `${rw ? "RW" : "ro"} ${us ? "USR" : "sup"} ${nx ? "NX" : "x"}${g ? " G" : ""}`;
}
