// Names for addresses and addresses for names: `sym+0xoff (file:line)` from the target's images
// (kernel first, then user programs), symbol lookup for `break SYM+OFF` and `x/4g SYM`, the
// region a stack pointer is in, and what a CR3 value is (which PGD of which PTI pair). Forked tasks
// come and go: `followTask` names a child's stacks and PGD pair from its sched_process_fork record
// and forgets a freed task's (trace/task-regions.ts, as the trace recorder does).
import { lineTableLookupAddr } from "../obj/index.js";
import type { ObjectFile, Symbol } from "../obj/index.js";
import {
  followTaskRegions,
  isSectionMarker,
  RegionMap,
  Symbolizer,
  type Region,
} from "../trace/index.js";
import type { SchedForkEvent, SchedFreeEvent } from "../vm/index.js";
import type { DebugTarget, PgdPair } from "./target.js";
import { pml4Of } from "./probe.js";

/** PTI's user PGD is the kernel PGD + 4 KiB (Linux's PTI_USER_PGTABLE_BIT, CR3 bit 12). */
export const PTI_USER_PGD_OFFSET = 0x1000;
/** Bits 51:12 of CR3 with bit 12 cleared: the address space a CR3 names (trace/regions.ts). */
const CR3_SPACE_MASK = 0x000ffffffffff000n & ~0x1000n;

/** A symbol name that more than one symbol has (the message lists them). */
export class AmbiguousName extends Error {}

export function hex(v: bigint | number, width = 16): string {
  return `0x${BigInt.asUintN(64, BigInt(v)).toString(16).padStart(width, "0")}`;
}

export class Names {
  private readonly symbolizers: Symbolizer[];
  private readonly regionMap: RegionMap;
  /** The boot's PTI pairs, then forked tasks' (while they live). */
  private pairs: PgdPair[];

  constructor(private readonly target: DebugTarget) {
    this.symbolizers = target.images.map((i) => new Symbolizer(i));
    this.regionMap = new RegionMap(target.images[0], target.regions ?? []);
    this.pairs = [...(target.pgdPairs ?? [])];
  }

  /** Name a forked task's stacks and PGD pair, or forget a freed task's. */
  followTask(e: SchedForkEvent | SchedFreeEvent): void {
    followTaskRegions(this.regionMap, e);
    const owner = `pid ${e.kind === "sched-process-fork" ? e.childPid : e.pid}`;
    this.pairs = this.pairs.filter((p) => p.owner !== owner);
    // Only a PTI kernel has pairs to name (the boot gives none without it).
    if (e.kind === "sched-process-fork" && this.pairs.length > 0)
      this.pairs.push({ kernel: Number(e.pgd), owner });
  }

  /** The region named `name`, if any (a task's kernel stack for `info tasks`). */
  region(name: string): Region | undefined {
    return this.regionMap.named(name);
  }

  /** The image whose sections hold `addr`. */
  private imageOf(addr: bigint): number {
    return this.target.images.findIndex(
      (img) =>
      img.sections.some((s) => s.alloc && s.size > 0 && addr >= s.addr && addr < s.addr + BigInt(s.size)), // prettier-ignore
    );
  }

  /** `sym+0xoff` (always with the offset, as gdb prints a PC), or undefined. */
  symbol(addr: bigint): string | undefined {
    const i = this.imageOf(addr);
    if (i < 0) return undefined;
    const s = this.symbolizers[i]!.symbol(addr);
    return s === undefined || s.includes("+") ? s : `${s}+0x0`;
  }

  /** `file:line` of the instruction at `addr`, or undefined. */
  line(addr: bigint): string | undefined {
    const i = this.imageOf(addr);
    const l = i < 0 ? undefined : lineTableLookupAddr(this.target.images[i]!, addr);
    return l && `${l.file}:${l.line}`;
  }

  /** `sym+0xoff (file:line)`, or the hex address. */
  where(addr: bigint): string {
    const sym = this.symbol(addr);
    const line = this.line(addr);
    const text = sym ?? hex(addr);
    return line ? `${text} (${line})` : text;
  }

  /** Whether `addr` is in an executable section of an image (a code pointer, for `stack`). */
  isCode(addr: bigint): boolean {
    const i = this.imageOf(addr);
    return i >= 0 && this.target.images[i]!.sections.some((s) => s.exec && addr >= s.addr && addr < s.addr + BigInt(s.size)); // prettier-ignore
  }

  /**
   * The address of symbol `name` (a function or object wins over a section marker), or of the
   * one defined in a file whose path ends with `file` (gdb's `FILE:FUNCTION`). Two static
   * functions may share a name: without `file` that is an error naming each, never a guess.
   */
  lookup(name: string, file?: string): bigint | undefined {
    const found = this.candidates(name).filter((s) => file === undefined || this.definedIn(s.value, file)); // prettier-ignore
    const real = found.filter((s) => !isSectionMarker(s));
    const picks = real.length > 0 ? real : found;
    const addrs = [...new Set(picks.map((s) => s.value))];
    if (addrs.length > 1) {
      const where = addrs.map((a) => `${hex(a)} (${this.line(a) ?? "no line"})`);
      throw new AmbiguousName(`'${name}' names ${addrs.length} symbols, at ${where.join(" and ")}: give FILE:${name} or the address`); // prettier-ignore
    }
    return addrs[0];
  }

  private candidates(name: string): Symbol[] {
    const out: Symbol[] = [];
    for (const img of this.target.images as ObjectFile[])
      for (const s of img.symbols) if (s.name === name && typeof s.section === "number") out.push(s); // prettier-ignore
    return out;
  }

  /** Whether the instruction or object at `addr` comes from a file whose path ends with `file`. */
  private definedIn(addr: bigint, file: string): boolean {
    const path = this.line(addr)?.replace(/:\d+$/, "");
    return path !== undefined && (path === file || path.endsWith(`/${file}`));
  }

  /** The region a stack pointer is in, with CR3 choosing among per-address-space regions. */
  stackRegion(rsp: bigint, cr3: number): Region | undefined {
    return this.regionMap.stackRegion(rsp, BigInt(cr3) & CR3_SPACE_MASK);
  }

  /** Which PGD of which PTI pair a CR3 selects: `kernel PGD of pid 1`, or undefined. */
  pgdName(cr3: number): string | undefined {
    const pml4 = pml4Of(cr3);
    for (const p of this.pairs) {
      if (pml4 === p.kernel) return `kernel PGD of ${p.owner}`;
      if (pml4 === p.kernel + PTI_USER_PGD_OFFSET) return `user PGD of ${p.owner}`;
    }
    return undefined;
  }

  /** The PTI pair a CR3 belongs to, if known. */
  pairOf(cr3: number): PgdPair | undefined {
    const pml4 = pml4Of(cr3);
    return this.pairs.find((p) => pml4 === p.kernel || pml4 === p.kernel + PTI_USER_PGD_OFFSET); // prettier-ignore
  }
}
