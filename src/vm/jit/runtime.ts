// The slow paths of compiled memory accesses: the canonical check the interpreter's `ea` does
// (SDM 3.3.7.1: #GP(0), or #SS(0) for stack references), then the interpreter's own accessors,
// which translate through the TLB or the page walk, set A/D, raise #PF with CR2, split accesses
// that cross a page, and drop decoded code that a store hits.
import type { Cpu } from "../cpu.js";

/** Read `size` bits (64: the low half, the high half in c.hiOut). */
export function jitRead(c: Cpu, lin: number, size: number, ref: number): number {
  c.checkCanonical(lin, ref);
  return c.readSized(lin, size);
}

export function jitWrite(
  c: Cpu,
  lin: number,
  size: number,
  lo: number,
  hi: number,
  ref: number,
): void {
  c.checkCanonical(lin, ref);
  c.writeSized(lin, size, lo, hi);
}

/** Before a read-modify-write: the write must be able to complete (both pages when it crosses). */
export function jitProbe(c: Cpu, lin: number, size: number, ref: number): void {
  c.checkCanonical(lin, ref);
  c.probeWrite(lin, size >>> 3);
}
