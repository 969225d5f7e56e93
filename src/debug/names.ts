// Names for addresses and addresses for names: `sym+0xoff (file:line)` from the target's images
// (kernel first, then user programs), symbol lookup for `break SYM+OFF`, `x/4g SYM` and
// `break FILE:SYM` (by the file of the first line or the compilation unit, obj/units.ts), the
// region a stack pointer is in, and what a CR3 value is (which PGD of which PTI pair). Forked tasks
// come and go: `followTask` names a child's stacks and PGD pair from its sched_process_fork record
// and forgets a freed task's (trace/task-regions.ts, as the trace recorder does).
import { lineTableLookupAddr, symbolUnits } from "../obj/index.js";
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

/** A symbol `break NAME` may mean, with the compilation unit it came from. */
interface Candidate {
  sym: Symbol;
  unit: string | undefined;
}

/** Whether `path` is `file` or ends with `/file` (a path or its last components). */
function endsPath(path: string | undefined, file: string): boolean {
  return path !== undefined && (path === file || path.endsWith(`/${file}`));
}

/** One candidate per address, functions and objects preferred over section markers. */
function distinct(found: readonly Candidate[]): Candidate[] {
  const real = found.filter((c) => !isSectionMarker(c.sym));
  const byAddr = new Map<bigint, Candidate>();
  for (const c of real.length > 0 ? real : found) if (!byAddr.has(c.sym.value)) byAddr.set(c.sym.value, c); // prettier-ignore
  return [...byAddr.values()];
}

export function hex(v: bigint | number, width = 16): string {
  return `0x${BigInt.asUintN(64, BigInt(v)).toString(16).padStart(width, "0")}`;
}

export class Names {
  private readonly symbolizers: Symbolizer[];
  private readonly regionMap: RegionMap;
  /** The boot's PTI pairs, then forked tasks' (while they live). */
  private pairs: PgdPair[];
  /** Per image, each symbol's compilation unit (filled on the first lookup by name). */
  private readonly units: (string | undefined)[][] = [];

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
   * one `file` names (gdb's `FILE:FUNCTION`): `file` ends the path of the symbol's first line, or
   * of its compilation unit — the .c a header's `static inline` copy was compiled in. When both
   * readings find candidates, the one that leaves exactly one wins (the line's if both do). Two
   * static functions may share a name: an unresolved choice is an error naming each, never a guess.
   */
  lookup(name: string, file?: string): bigint | undefined {
    const all = this.candidates(name);
    const picks = distinct(file === undefined ? all : this.inFile(all, file));
    if (picks.length > 1) {
      const where = picks.map((c) => `${hex(c.sym.value)} (${this.line(c.sym.value) ?? "no line"}${c.unit ? `, unit ${c.unit}` : ""})`); // prettier-ignore
      throw new AmbiguousName(`'${name}' names ${picks.length} symbols, at ${where.join(" and ")}: give FILE:${name} or the address`); // prettier-ignore
    }
    return picks[0]?.sym.value;
  }

  /** The candidates `file` names, by first line or by compilation unit (see lookup). */
  private inFile(all: Candidate[], file: string): Candidate[] {
    const byLine = all.filter((c) => endsPath(this.line(c.sym.value)?.replace(/:\d+$/, ""), file)); // prettier-ignore
    const byUnit = all.filter((c) => endsPath(c.unit, file));
    if (byUnit.length === 0 || distinct(byLine).length === 1) return byLine;
    if (byLine.length === 0 || distinct(byUnit).length === 1) return byUnit;
    return [...new Set([...byLine, ...byUnit])];
  }

  private candidates(name: string): Candidate[] {
    const out: Candidate[] = [];
    this.target.images.forEach((img: ObjectFile, i) => {
      img.symbols.forEach((sym, k) => {
        if (sym.name === name && typeof sym.section === "number") out.push({ sym, unit: this.unitsOf(i)[k] }); // prettier-ignore
      });
    });
    return out;
  }

  /** Per symbol of image `i`, its compilation unit (its STT_FILE symbol), computed once. */
  private unitsOf(i: number): (string | undefined)[] {
    return (this.units[i] ??= symbolUnits(this.target.images[i]!));
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
