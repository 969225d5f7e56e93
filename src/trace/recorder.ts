// The trace recorder: an EventSink (src/vm/events.ts) that turns VM events into trace records
// (./schema.ts). It disassembles retired instructions through src/isa, names RIPs
// (`symbol+0xoff`, `file:line` from the image's symbols and `.entrylab.lines`, via the
// Symbolizer), and adds a `stack` record whenever a CPU's RSP moves from one named region
// (./regions.ts) — or none — to another. RSP is looked at on every event it receives: at the
// "insn" level after every instruction, at the "system" and "paging" levels only at the system
// events (a `mov …, %rsp` between two of them is seen at the next one). It follows each CPU's
// CR3 (`cr` records) so that a user-half RSP is named after the region of the current address
// space: every task's user stack is at the same address (./regions.ts).
import { disassemble } from "../isa/index.js";
import type { ObjectFile } from "../obj/types.js";
import { lineTableLookupAddr } from "../obj/index.js";
import type { EventLevel, EventSink, VmEvent } from "../vm/index.js";
import { addressSpaceOf, inSpace, RegionMap } from "./regions.js";
import type { Region } from "./regions.js";
import { pfBitsText } from "./schema.js";
import type { ChainLink, Named, TraceRecord } from "./schema.js";
import { Symbolizer } from "./symbolize.js";

export interface RecorderOptions {
  /** The image that runs: symbols, line table and regions. */
  image?: ObjectFile;
  /** Default "system". */
  level?: EventLevel;
  /** Named memory regions besides the image's sized object symbols (see `addRegions`). */
  regions?: readonly Region[];
  /** Receives each record as it is made; without it the records are kept in `records`. */
  onRecord?(r: TraceRecord): void;
}

const NO_REGION = "-";

export class TraceRecorder implements EventSink {
  readonly level: EventLevel;
  readonly records: TraceRecord[] = [];
  /** Records made so far (also when they are handed to onRecord). */
  count = 0;
  private readonly emit: (r: TraceRecord) => void;
  private readonly symbols: Symbolizer | undefined;
  private readonly regions: RegionMap;
  private readonly image: ObjectFile | undefined;
  private readonly names = new Map<bigint, Named>();
  private readonly syms = new Map<bigint, string | undefined>();
  /** Per CPU: the region RSP was last seen in (undefined: none). */
  private readonly stackOf = new Map<number, Region | undefined>();
  /** Per CPU: the current address space (addressSpaceOf CR3), once a CR3 write was seen. */
  private readonly spaceOf = new Map<number, bigint>();

  constructor(opts: RecorderOptions = {}) {
    this.level = opts.level ?? "system";
    this.image = opts.image;
    this.symbols = opts.image && new Symbolizer(opts.image);
    this.regions = new RegionMap(opts.image, opts.regions);
    this.emit = opts.onRecord ?? ((r) => this.records.push(r));
  }

  /**
   * Name more regions from now on: a kernel's boot builder knows its stacks and page tables only
   * once it has built them, after the recorder was given to the machine.
   */
  addRegions(regions: readonly Region[]): void {
    this.regions.add(regions);
  }

  event(e: VmEvent): void {
    if (e.kind === "cr" && e.reg === "cr3") this.spaceOf.set(e.cpu, addressSpaceOf(e.new));
    this.push(this.toRecord(e));
    if (e.kind !== "end") this.checkStack(e.cpu, e.icount, e.rip, e.rsp, e.kind); // end stays last
  }

  private push(r: TraceRecord): void {
    this.count++;
    this.emit(Object.assign(r, this.name(r.rip)));
  }

  private toRecord(e: VmEvent): TraceRecord {
    if (e.kind === "insn") {
      const { insn, ...rest } = e;
      const text = insn === undefined ? "(bad)" : disassemble(insn, { address: e.rip, symbolize: (a) => this.symbolIn(a) }); // prettier-ignore
      return { ...rest, text, length: e.length, regs: e.regs, writes: e.writes };
    }
    if (e.kind === "triple-fault") return { ...e, chain: e.chain.map(chainLink) };
    if (e.kind === "page-fault") return { ...e, bits: pfBitsText(e.errorCode) };
    return { ...e };
  }

  /** A stack record when RSP left its region (or none) for another. */
  private checkStack(cpu: number, icount: number, rip: bigint, rsp: bigint, cause: string): void {
    const was = this.stackOf.get(cpu);
    const space = this.spaceOf.get(cpu);
    if (was !== undefined && was.start < rsp && rsp <= was.end && inSpace(was, space)) return;
    const now = this.regions.stackRegion(rsp, space);
    if (now === was) return;
    this.stackOf.set(cpu, now);
    const from = was?.name ?? NO_REGION;
    this.push({ kind: "stack", cpu, icount, rip, rsp, from, to: now?.name ?? NO_REGION, cause });
  }

  /** `sym` and `line` of an address inside the image (cached: loops repeat RIPs). */
  private name(rip: bigint): Named {
    let n = this.names.get(rip);
    if (n === undefined) {
      n = {};
      const sym = this.symbolIn(rip);
      if (sym !== undefined) n.sym = sym;
      const line = this.image && lineTableLookupAddr(this.image, rip);
      if (line) n.line = `${line.file}:${line.line}`;
      this.names.set(rip, n);
    }
    return n;
  }

  /** A symbol only for addresses the image's sections hold (not for, say, a user mapping). */
  private symbolIn(addr: bigint): string | undefined {
    if (this.syms.has(addr)) return this.syms.get(addr);
    const inImage = this.image?.sections.some(
      (s) => s.alloc && s.size > 0 && addr >= s.addr && addr < s.addr + BigInt(s.size),
    );
    const sym = inImage ? this.symbols?.symbol(addr) : undefined;
    this.syms.set(addr, sym);
    return sym;
  }
}

function chainLink(f: {
  vector: number;
  name: string;
  errorCode: number | undefined;
  rip: string;
  rsp: string;
  cr2: string;
  cr3: string;
}): ChainLink {
  const h = (s: string): bigint => BigInt.asUintN(64, BigInt(`0x${s}`));
  const link: ChainLink = { vector: f.vector, name: f.name, rip: h(f.rip), rsp: h(f.rsp), cr2: h(f.cr2), cr3: h(f.cr3) }; // prettier-ignore
  if (f.errorCode !== undefined) link.errorCode = f.errorCode;
  return link;
}
