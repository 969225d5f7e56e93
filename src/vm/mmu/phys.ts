// Guest physical memory: one ArrayBuffer (the host zero-fills it lazily, so untouched memory costs
// nothing), little-endian accessors, and the map of WATCHED physical pages: pages that hold decoded
// code (a write there drops stale decoded instructions and compiled blocks, ../blocks.ts) and, when
// the TLB audit is on (./tlb-audit.ts), pages that hold paging-structure entries a cached
// translation was built from (a write there is compared with those entries). One map, one test
// per store: an unwatched page costs the same as before the audit existed.

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SIZE - 1;
export const MIB = 1024 * 1024;
export const DEFAULT_MEM_SIZE = 64 * MIB;
/** Typed arrays index with doubles, so up to 4 GiB - 4 KiB of guest memory is addressable here. */
export const MAX_MEM_SIZE = 4096 * MIB - PAGE_SIZE;
/** `PhysMem.codePage` bits: the page holds decoded code; it holds audited paging-structure entries. */
export const WATCH_CODE = 1;
export const WATCH_TABLE = 2;

export class PhysMem {
  readonly size: number;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  readonly u16: Uint16Array;
  /** Little-endian access at any alignment (compiled blocks' fast paths). */
  readonly dv: DataView;
  /** Per physical page, WATCH_* bits: nonzero sends the page's writes to `watched`. */
  readonly codePage: Uint8Array;
  /** Called with the physical page number when a write lands on a code page. */
  onCodeWrite: (page: number) => void = () => {};
  /** Called, after the store, with a write's address and length when it lands on a table page. */
  onTableWrite: (pa: number, len: number) => void = () => {};

  constructor(size: number) {
    this.size = size;
    const buf = new ArrayBuffer(size);
    this.u8 = new Uint8Array(buf);
    this.i32 = new Int32Array(buf);
    this.u16 = new Uint16Array(buf);
    this.dv = new DataView(buf);
    this.codePage = new Uint8Array(Math.ceil(size / PAGE_SIZE));
  }

  /** True when [pa, pa+len) lies inside memory. Accesses outside read as all-ones, ignore writes. */
  contains(pa: number, len: number): boolean {
    return pa >= 0 && pa + len <= this.size;
  }

  read8(pa: number): number {
    return pa < this.size ? this.u8[pa]! : 0xff;
  }
  read16(pa: number): number {
    if ((pa & 1) === 0 && pa < this.size) return this.u16[pa >>> 1]!;
    return this.read8(pa) | (this.read8(pa + 1) << 8);
  }
  /** Returns the 32-bit value as a signed int32 (callers use >>> 0 where they need unsigned). */
  read32(pa: number): number {
    if ((pa & 3) === 0 && pa < this.size) return this.i32[pa >>> 2]!;
    return this.read16(pa) | (this.read16(pa + 2) << 16);
  }

  write8(pa: number, v: number): void {
    if (pa >= this.size) return;
    this.u8[pa] = v;
    if (this.codePage[pa >>> PAGE_SHIFT] !== 0) this.watched(pa, 1);
  }
  write16(pa: number, v: number): void {
    if ((pa & 1) === 0 && pa < this.size) {
      this.u16[pa >>> 1] = v;
      if (this.codePage[pa >>> PAGE_SHIFT] !== 0) this.watched(pa, 2);
      return;
    }
    this.write8(pa, v & 0xff);
    this.write8(pa + 1, (v >>> 8) & 0xff);
  }
  write32(pa: number, v: number): void {
    if ((pa & 3) === 0 && pa < this.size) {
      this.i32[pa >>> 2] = v;
      if (this.codePage[pa >>> PAGE_SHIFT] !== 0) this.watched(pa, 4);
      return;
    }
    this.write16(pa, v & 0xffff);
    this.write16(pa + 2, (v >>> 16) & 0xffff);
  }

  /** A store landed on a watched page: tell whoever watches it. */
  private watched(pa: number, len: number): void {
    const page = pa >>> PAGE_SHIFT;
    const bits = this.codePage[page]!;
    if ((bits & WATCH_CODE) !== 0) this.onCodeWrite(page);
    if ((bits & WATCH_TABLE) !== 0) this.onTableWrite(pa, len);
  }

  /** Copy bytes in (the loader): also drops decoded code of the pages it covers. */
  load(pa: number, bytes: Uint8Array): void {
    this.u8.set(bytes, pa);
    this.dropCode(pa, bytes.length);
  }
  fill(pa: number, len: number, v: number): void {
    this.u8.fill(v, pa, pa + len);
    this.dropCode(pa, len);
  }
  private dropCode(pa: number, len: number): void {
    for (let p = pa >>> PAGE_SHIFT; p <= (pa + len - 1) >>> PAGE_SHIFT; p++) {
      if ((this.codePage[p]! & WATCH_CODE) !== 0) this.onCodeWrite(p);
    }
  }
}
