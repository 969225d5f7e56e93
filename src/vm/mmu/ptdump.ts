// A ptdump-like view of 4-level page tables (like Linux's /sys/kernel/debug/page_tables): the
// mapped linear ranges with their EFFECTIVE rights (SDM 4.6.1: R/W and U/S ANDed across the
// levels, XD ORed), page size and physical start, consecutive pages with the same rights, size and
// contiguous frames merged into one line; and a TLB's entries grouped by PCID. Reads physical
// memory only (a probe: no A/D updates), so it serves the CLI, tests and a browser page alike.
import type { PhysMem } from "./phys.js";
import {
  PAGE_1G,
  PAGE_2M,
  PAGE_4K,
  PTE_HI_XD,
  PTE_P,
  PTE_PS,
  PTE_RW,
  PTE_US,
  PTE_G,
} from "./walk.js";
import type { TlbEntry } from "./tlb-store.js";
import { RAW_RW, RAW_US, RAW_XD } from "./tlb.js";

const TWO32 = 4294967296;
const ENTRIES = 512;
const ADDR_LO_MASK = 0xfffff000;
/** Linear addresses with PML4 index ≥ 256 are the upper canonical half. */
const CANONICAL_HALF = 256;
const TWO48 = 2 ** 48;

export interface MappedRange {
  start: number;
  /** Exclusive end. */
  end: number;
  phys: number;
  pageSize: number;
  writable: boolean;
  user: boolean;
  nx: boolean;
  global: boolean;
}

function entry(mem: PhysMem, table: number, i: number): [number, number] {
  return [mem.read32(table + i * 8), mem.read32(table + i * 8 + 4)];
}

function frameOf(lo: number, hi: number, maxPhysAddr: number): number {
  return (hi & ((1 << (maxPhysAddr - 32)) - 1)) * TWO32 + ((lo & ADDR_LO_MASK) >>> 0);
}

/** Every mapped range under the PML4 at physical `pml4`, in linear-address order. */
export function mappedRanges(mem: PhysMem, pml4: number, maxPhysAddr = 46): MappedRange[] {
  const out: MappedRange[] = [];
  const visit = (
    table: number,
    level: number,
    base: number,
    rw: boolean,
    us: boolean,
    nx: boolean,
  ): void => {
    const span = level === 0 ? 2 ** 39 : level === 1 ? PAGE_1G : level === 2 ? PAGE_2M : PAGE_4K;
    for (let i = 0; i < ENTRIES; i++) {
      const [lo, hi] = entry(mem, table, i);
      if ((lo & PTE_P) === 0) continue;
      let va = base + i * span;
      if (level === 0 && i >= CANONICAL_HALF) va -= TWO48;
      const r = rw && (lo & PTE_RW) !== 0;
      const u = us && (lo & PTE_US) !== 0;
      const x = nx || (hi & PTE_HI_XD) !== 0;
      const addr = frameOf(lo, hi, maxPhysAddr);
      const leaf = level === 3 || (level >= 1 && (lo & PTE_PS) !== 0);
      if (!leaf) {
        if (level < 3) visit(addr, level + 1, va, r, u, x);
        continue;
      }
      const phys = span === PAGE_4K ? addr : addr - (addr % span);
      push(out, { start: va, end: va + span, phys, pageSize: span, writable: r, user: u, nx: x, global: (lo & PTE_G) !== 0 }); // prettier-ignore
    }
  };
  visit(pml4, 0, 0, true, true, false);
  return out;
}

/**
 * The physical addresses of every paging-structure page under the PML4 at `pml4` (the PML4
 * itself first), for saving the tables with a run's final state. Tables outside memory are left
 * out, as the walk would fault on them.
 */
export function pagingStructurePages(mem: PhysMem, pml4: number, maxPhysAddr = 46): number[] {
  const pages: number[] = [];
  const seen = new Set<number>();
  const visit = (table: number, level: number): void => {
    if (seen.has(table) || !mem.contains(table, PAGE_4K)) return;
    seen.add(table);
    pages.push(table);
    if (level === 3) return;
    for (let i = 0; i < ENTRIES; i++) {
      const [lo, hi] = entry(mem, table, i);
      if ((lo & PTE_P) === 0 || (level >= 1 && (lo & PTE_PS) !== 0)) continue;
      visit(frameOf(lo, hi, maxPhysAddr), level + 1);
    }
  };
  visit(pml4, 0);
  return pages;
}

/** Append, merging with the previous range when it continues it exactly. */
function push(out: MappedRange[], r: MappedRange): void {
  const p = out[out.length - 1];
  if (
    p !== undefined && p.end === r.start && p.phys + (p.end - p.start) === r.phys &&
    p.pageSize === r.pageSize && p.writable === r.writable && p.user === r.user &&
    p.nx === r.nx && p.global === r.global
  ) { p.end = r.end; return; } // prettier-ignore
  out.push(r);
}

export function hex16(v: number): string {
  const hi = Math.floor(v / TWO32) >>> 0;
  return "0x" + hi.toString(16).padStart(8, "0") + (v >>> 0).toString(16).padStart(8, "0");
}

function sizeName(bytes: number): string {
  return bytes >= PAGE_1G ? `${bytes / PAGE_1G}G` : bytes >= PAGE_2M ? `${bytes / PAGE_2M * 2}M` : `${bytes / 1024}K`; // prettier-ignore
}

/** One line per range: `start-end  size  page  RW|ro  USR|sup  NX|x  GLB  -> phys`. */
export function formatRanges(ranges: MappedRange[]): string[] {
  return ranges.map((r) =>
    [
      `${hex16(r.start)}-${hex16(r.end)}`,
      sizeName(r.end - r.start).padStart(6),
      `${sizeName(r.pageSize)} pages`.padEnd(9),
      r.writable ? "RW" : "ro",
      r.user ? "USR" : "sup",
      r.nx ? "NX" : "x ",
      r.global ? "GLB" : "   ",
      `-> ${hex16(r.phys)}`,
    ].join("  "),
  );
}

/** TLB entries grouped by PCID (global entries apart), each `linear -> frame rights`. */
export function formatTlb(entries: TlbEntry[]): string[] {
  const groups = new Map<string, TlbEntry[]>();
  for (const e of entries) {
    const k = e.global ? "global" : `pcid ${e.pcid}`;
    groups.set(k, [...(groups.get(k) ?? []), e]);
  }
  const keys = [...groups.keys()].sort((a, b) => (a === "global" ? -1 : b === "global" ? 1 : Number(a.slice(5)) - Number(b.slice(5)))); // prettier-ignore
  const lines: string[] = [];
  for (const k of keys) {
    const list = groups.get(k)!.sort((a, b) => a.page - b.page);
    lines.push(`${k}: ${list.length} entr${list.length === 1 ? "y" : "ies"}`);
    for (const e of list) {
      const rights = `${e.raw & RAW_RW ? "RW" : "ro"} ${e.raw & RAW_US ? "USR" : "sup"} ${e.raw & RAW_XD ? "NX" : "x"}`; // prettier-ignore
      lines.push(`  ${hex16(e.page)} -> ${hex16(e.frame)}  ${rights}  (${sizeName(e.span)} page)`);
    }
  }
  return lines;
}
