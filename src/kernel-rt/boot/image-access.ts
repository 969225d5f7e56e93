// Reading and writing a linked image's objects in guest memory by symbol: the boot builder loads
// the kernel's PT_LOAD segments at their physical addresses and then fills boot data (task lists,
// per-CPU fields) at the physical address behind a symbol's link address.
import type { ObjectFile, Segment } from "../../obj/index.js";
import type { PhysMem } from "../../vm/index.js";

const TWO32 = 4294967296;

/** A defined symbol's address, or undefined. */
export function symbolAddress(image: ObjectFile, name: string): bigint | undefined {
  const s = image.symbols.find((x) => x.name === name && x.section !== "undef");
  return s?.value;
}

/** The segment whose link range holds `va`. */
export function segmentOf(image: ObjectFile, va: bigint): Segment | undefined {
  return image.segments.find((s) => va >= s.vaddr && va < s.vaddr + s.memSize);
}

/** The physical address an image address is loaded at (undefined outside every segment). */
export function imagePhys(image: ObjectFile, va: bigint): number | undefined {
  const s = segmentOf(image, va);
  return s === undefined ? undefined : Number(s.paddr + (va - s.vaddr));
}

/** Copy every PT_LOAD segment to its physical address, zero-filling past its file size. */
export function loadSegments(mem: PhysMem, image: ObjectFile): void {
  for (const s of image.segments) {
    const pa = Number(s.paddr);
    mem.load(pa, s.data);
    const bss = Number(s.memSize) - s.data.length;
    if (bss > 0) mem.fill(pa + s.data.length, bss, 0);
  }
}

export function write64(mem: PhysMem, pa: number, v: bigint): void {
  const u = BigInt.asUintN(64, v);
  mem.write32(pa, Number(u & 0xffffffffn) | 0);
  mem.write32(pa + 4, Number(u >> 32n) | 0);
}

export function read64(mem: PhysMem, pa: number): bigint {
  return (BigInt(mem.read32(pa + 4) >>> 0) << 32n) | BigInt(mem.read32(pa) >>> 0);
}

/** A 64-bit address as the VM holds linear addresses: a signed double (exact when canonical). */
export function linear(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

export { TWO32 };
