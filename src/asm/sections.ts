// Sections as the assembler builds them: a growable byte buffer split into fragments. A fragment
// is a run of fixed bytes followed by at most one variable part (`.skip N` with N not yet known,
// `.align` after such a part, `. = expr`/`.org`) whose size the layout pass (./layout.ts) finds.
// Fragment 0 starts at offset 0, so until a section gets a variable part every address in it
// is exact, and most sections never get one.
import type { Expr } from "./ast.js";
import type { Loc } from "../diag/index.js";
import type { SectionType } from "../obj/index.js";

/** A variable-size part closing a fragment. */
export type VarPart =
  | { kind: "skip"; count: Expr; unit: number; pattern: Uint8Array; size: number; loc: Loc }
  | { kind: "align"; align: number; fill: number; maxSkip: number; size: number; loc: Loc }
  | { kind: "org"; target: Expr; fill: number; size: number; loc: Loc };

/** A field to fill in once layout is known: an immediate, displacement, branch or data value. */
export interface Fixup {
  frag: number;
  /** Buffer offset of the field. */
  off: number;
  width: 1 | 2 | 4 | 8;
  /** data: a data directive; imm/disp/rel as in EncodedField. */
  role: "data" | "imm" | "disp" | "rel";
  signed: boolean;
  expr: Expr;
  /** Buffer offset of the end of the instruction (rel and RIP-relative disp are relative to it). */
  end: number;
  /** RIP-relative displacement: subtract the end of the instruction. */
  pcrel: boolean;
  loc: Loc;
}

export interface ListingEntry {
  frag: number;
  off: number;
  /** Bytes in the buffer (variable parts are listed at the end of their fragment). */
  length: number;
  text: string;
  loc: Loc;
}

const INITIAL_CAPACITY = 64;
/**
 * The largest section entrylab builds: far beyond any entry code, and it keeps `.skip 0x7fffffff`
 * or `.balign 1 << 31` in bad input from exhausting memory (fill() refuses, the caller reports).
 */
export const MAX_SECTION_SIZE = 1 << 26;

export class AsmSection {
  type: SectionType;
  alloc = true;
  write = false;
  exec = false;
  align = 1;
  data = new Uint8Array(INITIAL_CAPACITY);
  /** Fixed bytes written so far (the buffer's fill level). */
  size = 0;
  /** Per fragment: its first buffer offset, its address estimate and its closing variable part. */
  readonly fragStart: number[] = [0];
  readonly fragAddr: number[] = [0];
  readonly vars: VarPart[] = [];
  readonly fixups: Fixup[] = [];

  constructor(
    readonly index: number,
    readonly name: string,
    type: SectionType,
  ) {
    this.type = type;
  }

  get frag(): number {
    return this.fragStart.length - 1;
  }

  /** True while every address in the section is exact (no variable part yet). */
  get exact(): boolean {
    return this.vars.length === 0;
  }

  /** Address estimate of buffer offset `off` in fragment `frag`. */
  addr(frag: number, off: number): number {
    return this.fragAddr[frag]! + off - this.fragStart[frag]!;
  }

  /** Address estimate of the location counter. */
  get dot(): number {
    return this.addr(this.frag, this.size);
  }

  /** Reserve n bytes (zeroed) and return their buffer offset. */
  reserve(n: number): number {
    const at = this.size;
    const need = at + n;
    if (need > this.data.length) {
      let cap = this.data.length * 2;
      while (cap < need) cap *= 2;
      const bigger = new Uint8Array(cap);
      bigger.set(this.data.subarray(0, at));
      this.data = bigger;
    }
    this.size = need;
    return at;
  }

  /** Append `n` copies of a byte pattern; false (nothing written) past MAX_SECTION_SIZE. */
  fill(n: number, pattern: Uint8Array): boolean {
    if (n <= 0) return true;
    if (this.totalSize + n > MAX_SECTION_SIZE) return false;
    const at = this.reserve(n);
    if (pattern.length === 1) {
      if (pattern[0] !== 0) this.data.fill(pattern[0]!, at, at + n);
      return true;
    }
    for (let i = 0; i < n; i++) this.data[at + i] = pattern[i % pattern.length]!;
    return true;
  }

  /** Write a little-endian value of `width` bytes at buffer offset `at`. */
  put(at: number, width: number, value: bigint): void {
    let v = BigInt.asUintN(64, value);
    if (width <= 4) {
      let n = Number(v & 0xffffffffn);
      for (let i = 0; i < width; i++, n >>>= 8) this.data[at + i] = n & 0xff;
      return;
    }
    for (let i = 0; i < width; i++, v >>= 8n) this.data[at + i] = Number(v & 0xffn);
  }

  /** Write the low 32 bits of a number little-endian at buffer offset `at`. */
  putU32(at: number, value: number): void {
    const d = this.data;
    d[at] = value & 0xff;
    d[at + 1] = (value >>> 8) & 0xff;
    d[at + 2] = (value >>> 16) & 0xff;
    d[at + 3] = (value >>> 24) & 0xff;
  }

  /** Close the current fragment with a variable part and open the next one. */
  closeFrag(part: VarPart): void {
    const next = this.dot + part.size;
    this.vars.push(part);
    this.fragStart.push(this.size);
    this.fragAddr.push(next);
  }

  /** Total size given the current estimates. */
  get totalSize(): number {
    const last = this.frag;
    return this.fragAddr[last]! + this.size - this.fragStart[last]!;
  }
}
