// The trace recorder: an EventSink (src/vm/events.ts) that turns VM events into trace records
// (./schema.ts). It disassembles retired instructions through src/isa, names RIPs
// (`symbol+0xoff`, `file:line` from the image's symbols and `.entrylab.lines`, via the
// Symbolizer), and adds a `stack` record whenever a CPU's RSP moves from one named region
// (./regions.ts) — or none — to another. RSP is looked at on every event it receives: at the
// "insn" level after every instruction, at the "system" and "paging" levels only at the system
// events (a `mov …, %rsp` between two of them is seen at the next one). It follows each CPU's
// CR3 (`cr` records) so that a user-half RSP is named after the region of the current address
// space: every task's user stack is at the same address (./regions.ts).
//
// It also follows, per CPU, the task that runs there and writes its pid as `task` on every
// record: the boot task (pid 0, the idle task, as Linux's swapper) until the CPU's first
// `sched-switch`, then that switch's `nextPid`. The `sched-switch` record itself carries the
// outgoing task, which emits it; the records after it carry the incoming one (the tracepoint
// comes just before the context switch, so its CR3 write in switch_mm already counts as next's).
//
// Regions come and go with tasks (./task-regions.ts): a `sched-process-fork` record names the
// child's kernel and user stacks from then on, a `sched-process-free` record drops the freed
// task's regions, so a later task reusing the frames is named after itself.
//
// An insn-level run makes a record per instruction, so the per-instruction path is kept lean: the
// disassembly and the RIP's names are made once per decoded instruction (see Disassembly), and a
// record is one object literal built from the event.
import { disassemble } from "../isa/index.js";
import type { ObjectFile } from "../obj/types.js";
import { lineTableLookupAddr } from "../obj/index.js";
import type { DecodedInsn } from "../isa/types.js";
import type { EventLevel, EventSink, InsnEvent, VmEvent } from "../vm/index.js";
import type { SchedForkEvent, SchedFreeEvent } from "../vm/index.js";
import { addressSpaceOf, inSpace, RegionMap } from "./regions.js";
import type { Region } from "./regions.js";
import { pfBitsText } from "./schema.js";
import { followTaskRegions } from "./task-regions.js";
import type { ChainLink, InsnRecord, Named, OnTask, TraceRecord } from "./schema.js";
import { Symbolizer } from "./symbolize.js";

export interface RecorderOptions {
  /** The image that runs: symbols, line table and regions. */
  image?: ObjectFile;
  /** Default "system". */
  level?: EventLevel;
  /** Turn the VM's TLB audit on: `pte-write` and `stale-tlb` records (EventSink.auditTlb). */
  auditTlb?: boolean;
  /** Named memory regions besides the image's sized object symbols (see `addRegions`). */
  regions?: readonly Region[];
  /** Receives each record as it is made; without it the records are kept in `records`. */
  onRecord?(r: TraceRecord): void;
  /** The pid each CPU runs before its first `sched-switch` (default 0: the idle task). */
  bootTask?: number;
}

const NO_REGION = "-";

/** What the recorder knows about one RIP: its names. */
interface RipInfo {
  sym: string | undefined;
  line: string | undefined;
}

/**
 * The disassembly of one decoded instruction at the RIP it ran at. The VM keeps a decoded
 * instruction (in its block cache) while the code bytes stay the same and decodes anew when they
 * change (ALTERNATIVE patching, a store into code), so a text cached against the DecodedInsn
 * object is right as long as that object is the one that runs. The same bytes can sit in
 * several cached blocks (a jump into the middle of one starts another), hence a cache per
 * decoded instruction rather than one entry per RIP. It holds the RIP's names too: one lookup
 * (by object identity, cheaper than hashing a bigint) names an insn record.
 */
interface Disassembly extends RipInfo {
  rip: bigint;
  text: string;
}

export class TraceRecorder implements EventSink {
  readonly level: EventLevel;
  readonly auditTlb: boolean;
  readonly records: TraceRecord[] = [];
  /** Records made so far (also when they are handed to onRecord). */
  count = 0;
  private readonly onRecord: ((r: TraceRecord) => void) | undefined;
  private readonly symbols: Symbolizer | undefined;
  private readonly regions: RegionMap;
  private readonly image: ObjectFile | undefined;
  private readonly rips = new Map<bigint, RipInfo>();
  private readonly texts = new WeakMap<DecodedInsn, Disassembly>();
  private readonly syms = new Map<bigint, string | undefined>();
  private readonly symbolize = (a: bigint): string | undefined => this.symbolIn(a);
  /** Per CPU: the region RSP was last seen in (undefined: none). */
  private readonly stackOf: (Region | undefined)[] = [];
  /** Per CPU: the current address space (addressSpaceOf CR3), once a CR3 write was seen. */
  private readonly spaceOf: (bigint | undefined)[] = [];
  /** Per CPU: the pid of the task running there, once a `sched-switch` was seen. */
  private readonly taskOf: (number | undefined)[] = [];
  private readonly bootTask: number;

  constructor(opts: RecorderOptions = {}) {
    this.level = opts.level ?? "system";
    this.auditTlb = opts.auditTlb === true;
    this.image = opts.image;
    this.symbols = opts.image && new Symbolizer(opts.image);
    this.regions = new RegionMap(opts.image, opts.regions);
    this.onRecord = opts.onRecord;
    this.bootTask = opts.bootTask ?? 0;
  }

  /**
   * Name more regions from now on: a kernel's boot builder knows its stacks and page tables only
   * once it has built them, after the recorder was given to the machine.
   */
  addRegions(regions: readonly Region[]): void {
    this.regions.add(regions);
  }

  event(e: VmEvent): void {
    if (e.kind === "insn") this.push(this.insnRecord(e));
    else {
      if (e.kind === "cr" && e.reg === "cr3") this.spaceOf[e.cpu] = addressSpaceOf(e.new);
      this.push(this.toRecord(e));
      if (e.kind === "end") return; // end stays last
      if (e.kind === "sched-process-fork" || e.kind === "sched-process-free") this.followTasks(e);
    }
    this.checkStack(e.cpu, e.icount, e.rip, e.rsp, e.kind);
    // After the stack check: a move the switch's own RSP shows is still the outgoing task's.
    if (e.kind === "sched-switch") this.taskOf[e.cpu] = e.nextPid;
  }

  /**
   * Name a forked task's regions, or drop a freed one's. A CPU whose RSP was last seen in a
   * dropped region is given a stand-in that holds no address, so its next stack check looks the
   * region up afresh (and says it left the old name).
   */
  private followTasks(e: SchedForkEvent | SchedFreeEvent): void {
    const gone = followTaskRegions(this.regions, e);
    if (gone.length === 0) return;
    this.stackOf.forEach((r, cpu) => {
      if (r !== undefined && gone.includes(r))
        this.stackOf[cpu] = { name: r.name, start: 0n, end: 0n };
    });
  }

  private push(r: TraceRecord): void {
    this.count++;
    if (this.onRecord !== undefined) this.onRecord(r);
    else this.records.push(r);
  }

  /** An insn record, its fields in the order the other kinds' copies have them. */
  private insnRecord(e: InsnEvent): TraceRecord {
    const d = this.disassembly(e.insn, e.rip);
    const r: InsnRecord & Named & OnTask = { kind: "insn", cpu: e.cpu, icount: e.icount, rip: e.rip, rsp: e.rsp, task: this.taskOf[e.cpu] ?? this.bootTask, length: e.length, regs: e.regs, writes: e.writes, text: d.text }; // prettier-ignore
    if (d.sym !== undefined) r.sym = d.sym;
    if (d.line !== undefined) r.line = d.line;
    return r;
  }

  /** The disassembly of `insn` at `rip` and the RIP's names (made once per decoded instruction). */
  private disassembly(insn: DecodedInsn | undefined, rip: bigint): Disassembly {
    if (insn === undefined) return { ...this.info(rip), rip, text: "(bad)" };
    let d = this.texts.get(insn);
    if (d === undefined || d.rip !== rip) {
      const text = disassemble(insn, { address: rip, symbolize: this.symbolize });
      d = { ...this.info(rip), rip, text };
      this.texts.set(insn, d);
    }
    return d;
  }

  private toRecord(e: Exclude<VmEvent, InsnEvent>): TraceRecord {
    const r: TraceRecord =
      e.kind === "triple-fault" ? { ...e, chain: e.chain.map(chainLink) } : e.kind === "page-fault" ? { ...e, bits: pfBitsText(e.errorCode) } : { ...e }; // prettier-ignore
    if (r.kind === "stale-tlb") {
      const sym = this.info(r.writeRip).sym;
      if (sym !== undefined) r.writeSym = sym;
    }
    return this.named(r);
  }

  /** `r` with its CPU's task, and `sym` and `line` of its RIP when the image knows them. */
  private named(r: TraceRecord): TraceRecord {
    r.task = this.taskOf[r.cpu] ?? this.bootTask;
    const info = this.info(r.rip);
    if (info.sym !== undefined) r.sym = info.sym;
    if (info.line !== undefined) r.line = info.line;
    return r;
  }

  /** A stack record when RSP left its region (or none) for another. */
  private checkStack(cpu: number, icount: number, rip: bigint, rsp: bigint, cause: string): void {
    const was = this.stackOf[cpu];
    const space = this.spaceOf[cpu];
    if (was !== undefined && was.start < rsp && rsp <= was.end && inSpace(was, space)) return;
    const now = this.regions.stackRegion(rsp, space);
    if (now === was) return;
    this.stackOf[cpu] = now;
    const from = was?.name ?? NO_REGION;
    this.push(this.named({ kind: "stack", cpu, icount, rip, rsp, from, to: now?.name ?? NO_REGION, cause })); // prettier-ignore
  }

  /** What is known about an address inside the image (cached: loops repeat RIPs). */
  private info(rip: bigint): RipInfo {
    let n = this.rips.get(rip);
    if (n === undefined) {
      const line = this.image && lineTableLookupAddr(this.image, rip);
      n = { sym: this.symbolIn(rip), line: line ? `${line.file}:${line.line}` : undefined };
      this.rips.set(rip, n);
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
