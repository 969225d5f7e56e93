// The machine: N CPUs sharing physical memory and the port bus (COM1, isa-debug-exit, the trace
// device), each with its own registers, TLB, local APIC and decoded-block cache, and the run
// loop. CPUs interleave deterministically by instruction count: each runs `quantum` instructions
// in turn (SDM-free scheduling; the same inputs give the same interleaving). Between slices and
// whenever an instruction raises the attention word, pending events are serviced at an
// instruction boundary: NMIs (unless blocked, SDM 6.7.1), then the APIC's highest deliverable
// interrupt when RFLAGS.IF=1 and no STI/MOV SS shadow is active (SDM 6.8.3). A slice never runs
// past the CPU's next scheduled event (APIC timer expiry, injected event), so events land at
// exact instruction counts.
//
// The per-CPU hot loop allocates nothing per instruction: it translates RIP through the TLB, finds
// the block for the physical address and runs it — compiled (./jit/) once it has run
// `jitThreshold` times and the budget allows a whole pass, else op by op through the interpreter,
// checking one attention word after each. Guest faults arrive as the FAULT sentinel and are
// delivered through the IDT with the double-fault rules (SDM 6.15); a triple fault ends the run.
import { RSP } from "../isa/registers.js";
import { Cpu, SHADOW_MOV_SS, SHADOW_NONE, TWO32 } from "./cpu.js";
import { BlockCache } from "./blocks.js";
import { PortBus } from "./devices/bus.js";
import { DebugExit, DEBUG_EXIT_PORT } from "./devices/debug-exit.js";
import { COM1_BASE, Uart, UART_PORTS } from "./devices/uart.js";
import { TraceDevice, TRACE_PORT } from "./devices/trace.js";
import {
  FAULT,
  hasErrorCode,
  isContributory,
  VEC_DF,
  VEC_NMI,
  VEC_PF,
  VECTOR_NAMES,
} from "./fault.js";
import type { FaultRecord } from "./fault.js";
import { DEFAULT_MEM_SIZE, PhysMem } from "./mmu/phys.js";
import { ACC_FETCH } from "./mmu/walk.js";
import { PAGE_MASK, PAGE_SHIFT } from "./mmu/phys.js";
import { TLB_INDEX_MASK } from "./mmu/tlb.js";
import { compileBlock } from "./jit/compile.js";
import { deliver } from "./sys/idt.js";
import {
  ICR_MODE_NMI,
  ICR_SHORT_ALL,
  ICR_SHORT_NONE,
  ICR_SHORT_OTHERS,
  ICR_SHORT_SELF,
} from "./sys/apic.js";
import { snapshot } from "./snapshot.js";
import type { CpuSnapshot } from "./snapshot.js";
import { FLAG_IF } from "../isa/types.js";
import type { TlbPolicy } from "./mmu/tlb-store.js";
import type { Features, Vendor } from "./sys/features.js";
import { EventEmitter, InsnTap } from "./events.js";
import { TlbAudit } from "./tlb-audit.js";
import type { EventSink } from "./events.js";

/** An event injected from outside at an instruction count of one CPU. */
export interface Injection {
  kind: "nmi" | "irq";
  /** The interrupt vector (irq only). */
  vector?: number;
  cpu: number;
  /** Delivered at the first instruction boundary at or after this count of that CPU. */
  at: number;
}

export interface MachineOptions {
  /** Guest physical memory in bytes (default 64 MiB). */
  memSize?: number;
  /** Stop when a CPU has retired this many instructions (default: no limit). */
  maxInsns?: number;
  /** UART output. */
  output?(bytes: Uint8Array): void;
  /** MAXPHYADDR (default 46). */
  maxPhysAddr?: number;
  /** Compile hot blocks to JS functions (default true); false runs the interpreter only. */
  jit?: boolean;
  /** Interpreted runs of a block before it is compiled (default 8; 0: compile before its first run). */
  jitThreshold?: number;
  /** TLB policy (default strict) and the finite geometry. */
  tlb?: TlbPolicy;
  tlbSets?: number;
  tlbWays?: number;
  /** CPU features reported by CPUID and enforced (default: all on). */
  features?: Features;
  /** Vendor behaviour where Intel and AMD differ (SYSRET with a non-canonical RCX). */
  vendor?: Vendor;
  /** Number of CPUs (default 1) and the instructions each runs per turn (default 1000). */
  cpus?: number;
  quantum?: number;
  /** Events injected at instruction counts. */
  inject?: Injection[];
  /** Where the machine reports its events (./events.ts); none: no cost. */
  events?: EventSink;
}

export const DEFAULT_JIT_THRESHOLD = 8;
export const DEFAULT_QUANTUM = 1000;
export const MAX_CPUS = 32;

export type RunReason = "exit" | "halt" | "triple-fault" | "limit" | "deadlock";

export interface RunResult {
  reason: RunReason;
  /** The isa-debug-exit status ((v<<1)|1) for "exit", else undefined. */
  exitStatus: number | undefined;
  /** Instructions retired by CPU 0 (all CPUs: `cpus[i].insns`). */
  insns: number;
  faultChain?: FaultRecord[];
  /** The CPU whose triple fault ended the run. */
  faultCpu?: number;
  /** CPU 0's state, and every CPU's. */
  cpu: CpuSnapshot;
  cpus: CpuSnapshot[];
}

/** Raise an injected event on the CPU's APIC: the NMI line, or a fixed vector into the IRR. */
function post(c: Cpu, e: Injection): void {
  if (e.kind === "nmi") c.apic.nmiPending = true;
  else c.apic.request(e.vector ?? 0);
}

const ATTN_EXIT = 8;
const ATTN_TRIPLE = 16;
const STICKY = ATTN_EXIT | ATTN_TRIPLE;

export class Machine {
  readonly mem: PhysMem;
  readonly cpus: Cpu[];
  readonly bus = new PortBus();
  readonly caches: BlockCache[];
  readonly uart: Uart;
  maxInsns: number;
  readonly quantum: number;
  /** Runs before a block is compiled; Infinity turns the compiler off. */
  jitThreshold: number;
  /** Blocks compiled so far. */
  blocksCompiled = 0;
  private exitStatus: number | undefined;
  private readonly chains: FaultRecord[][];
  private faultCpu = -1;
  /** Pending injections, sorted by count. */
  private readonly injections: Injection[];
  /** The event emitter (with a sink) and the per-CPU instruction taps (level "insn"). */
  private readonly ev: EventEmitter | undefined;
  private readonly taps: InsnTap[] | undefined;
  /** The TLB audit, when the sink asks for it (./tlb-audit.ts). */
  readonly audit: TlbAudit | undefined;

  constructor(opts: MachineOptions = {}) {
    this.mem = new PhysMem(opts.memSize ?? DEFAULT_MEM_SIZE);
    const n = Math.max(1, Math.min(MAX_CPUS, opts.cpus ?? 1));
    this.cpus = [];
    this.caches = [];
    for (let id = 0; id < n; id++) this.cpus.push(this.makeCpu(id, opts));
    this.chains = this.cpus.map(() => []);
    // A page that becomes code anywhere must leave every CPU's fast write path (blocks.ts).
    this.mem.onCodeWrite = (page) => this.caches.forEach((b) => b.dropPage(page));
    for (const b of this.caches) b.onCodePage = (page) => this.cpus.forEach((c) => c.tlb.codePageAdded(page)); // prettier-ignore
    this.maxInsns = opts.maxInsns ?? Number.MAX_SAFE_INTEGER;
    // One CPU needs no turns: its slice is the whole run (the calibration loop's speed).
    this.quantum = n === 1 ? Number.MAX_SAFE_INTEGER : Math.max(1, opts.quantum ?? DEFAULT_QUANTUM);
    this.jitThreshold =
      opts.jit === false ? Infinity : (opts.jitThreshold ?? DEFAULT_JIT_THRESHOLD);
    this.injections = [...(opts.inject ?? [])].filter((e) => e.cpu < n).sort((a, b) => a.at - b.at);
    this.uart = new Uart(COM1_BASE, opts.output ?? (() => {}));
    this.bus.attach(COM1_BASE, UART_PORTS, this.uart);
    this.bus.attach(DEBUG_EXIT_PORT, 1, new DebugExit((s) => this.requestExit(s)));
    this.bus.attach(TRACE_PORT, 1, new TraceDevice());
    const ev = (this.ev = opts.events && new EventEmitter(opts.events));
    for (const c of this.cpus) c.ev = ev;
    // Below "system", and under the TLB audit, every instruction runs in the interpreter, where
    // RIP and the count are exact.
    if (ev?.paging || ev?.auditTlb) this.jitThreshold = Infinity;
    this.audit = ev?.auditTlb ? new TlbAudit(this.mem, this.cpus, ev) : undefined;
    for (const c of this.cpus) c.audit = this.audit;
    this.taps = ev?.insns ? this.cpus.map((c) => new InsnTap(c, ev)) : undefined;
  }

  private makeCpu(id: number, opts: MachineOptions): Cpu {
    const c = new Cpu(this.mem, { policy: opts.tlb, sets: opts.tlbSets, ways: opts.tlbWays }, id);
    c.io = this.bus;
    c.controls.maxPhysAddr = opts.maxPhysAddr ?? 46;
    if (opts.features) c.features = { ...opts.features };
    c.vendor = opts.vendor ?? "intel";
    c.controls.gbPages = c.features.gbpages;
    c.apic.ipiSink = (from, sh, dest, mode, vector) => this.sendIpi(from, sh, dest, mode, vector);
    this.caches.push(new BlockCache(this.mem, c));
    return c;
  }

  /** CPU 0 (the bootstrap processor). */
  get cpu(): Cpu {
    return this.cpus[0]!;
  }
  get blocks(): BlockCache {
    return this.caches[0]!;
  }

  private requestExit(status: number): void {
    this.exitStatus = status;
    for (const c of this.cpus) c.attention |= ATTN_EXIT;
  }

  /** SDM 10.6.1: route an ICR write: fixed vectors to IRR, NMIs to the NMI line. */
  private sendIpi(
    from: number,
    shorthand: number,
    dest: number,
    mode: number,
    vector: number,
  ): void {
    for (const t of this.cpus) {
      const hit =
        shorthand === ICR_SHORT_NONE ? t.id === dest || dest === 0xffffffff :
        shorthand === ICR_SHORT_SELF ? t.id === from :
        shorthand === ICR_SHORT_ALL ? true : shorthand === ICR_SHORT_OTHERS && t.id !== from; // prettier-ignore
      if (!hit) continue;
      if (mode === ICR_MODE_NMI) t.apic.nmiPending = true;
      else t.apic.request(vector); // taken at the target's next boundary (its own slice)
    }
  }

  /** Run until exit, halt, triple fault, deadlock or the instruction limit. */
  run(): RunResult {
    for (;;) {
      const stop = this.stopReason();
      if (stop !== undefined) return this.finish(stop);
      let progressed = false;
      for (let k = 0; k < this.cpus.length; k++) {
        if (this.slice(k, this.quantum)) progressed = true;
        if (this.sticky() !== 0) break;
      }
      if (!progressed && this.stopReason() === undefined) return this.finish(this.idleReason());
    }
  }

  /** Execute exactly one instruction of CPU 0 (or deliver an event or the fault it raises). */
  step(): RunResult | undefined {
    const stop = this.stopReason();
    if (stop !== undefined) return this.finish(stop);
    this.slice(0, 1);
    return undefined;
  }

  /**
   * The debugger's step (src/debug): one instruction boundary of CPU k. It delivers a pending NMI
   * or interrupt and stops there, or runs one instruction and delivers the exception it raises,
   * stopping before the handler's first instruction, so a debugger sees the frame just pushed. A
   * halted CPU's clock moves to its next event, at most `idle` instructions on. Returns the
   * run's result once it has ended (exit, triple fault, limit, or every CPU idle for good).
   */
  debugStep(k: number, idle = 1): RunResult | undefined {
    const stop = this.stopReason();
    if (stop !== undefined) return this.finish(stop);
    const c = this.cpus[k]!;
    if (this.audit !== undefined) this.audit.writer = c;
    this.fireDue(c);
    const delivered = this.service(c);
    this.audit?.settle();
    if (delivered) return undefined;
    if (c.halted) {
      const next = this.nextEvent(c);
      if (next !== Infinity) c.icount = Math.max(c.icount, Math.min(next, c.icount + Math.max(1, idle))); // prettier-ignore
      else if (this.cpus.every((x) => x.halted && this.nextEvent(x) === Infinity && !this.canWake(x))) return this.finish(this.idleReason()); // prettier-ignore
      return undefined;
    }
    const shadowed = c.shadow !== SHADOW_NONE;
    const before = c.icount;
    try {
      this.runBlocks(k, 1);
    } catch (e) {
      if (e !== FAULT) throw e;
      this.handleFault(k, c.excVector, c.excError);
    }
    this.audit?.settle();
    if (shadowed && c.icount !== before) c.shadow = SHADOW_NONE; // the shadowed instruction ran
    return this.stopReason() === undefined ? undefined : this.finish(this.stopReason()!);
  }

  /** Whether a halted CPU has an NMI or interrupt it could take at its next boundary. */
  private canWake(c: Cpu): boolean {
    if (c.apic.nmiPending && !c.nmiBlocked) return true;
    return (c.rflags & FLAG_IF) !== 0 && c.apic.deliverable() >= 0;
  }

  private sticky(): number {
    let a = 0;
    for (const c of this.cpus) a |= c.attention & STICKY;
    return a;
  }

  /**
   * Run CPU k for up to `n` instructions, servicing events at boundaries. Returns whether it
   * did anything (retired an instruction, took an event or advanced its clock to a timer).
   */
  private slice(k: number, n: number): boolean {
    const c = this.cpus[k]!;
    const end = Math.min(c.icount + n, this.maxInsns);
    let did = false;
    const audit = this.audit;
    if (audit !== undefined) audit.writer = c;
    while (c.icount < end && (c.attention & STICKY) === 0) {
      this.fireDue(c);
      if (this.service(c)) did = true;
      if (audit !== undefined) audit.settle(); // stores of the delivery just made
      if (c.halted) {
        // HLT: the CPU waits for its next own event (timer, injection), if any, but its clock
        // moves no further than this slice's end: time passes for every CPU alike, so a halted
        // CPU never runs ahead of the others and an IPI sent at time t reaches it at time t.
        const next = this.nextEvent(c);
        if (next === Infinity) return did;
        c.icount = Math.max(c.icount, Math.min(next, end));
        did = true;
        continue;
      }
      // The STI/MOV SS shadow covers exactly one instruction (SDM 6.8.3).
      const budget = c.shadow !== SHADOW_NONE ? 1 : Math.min(end, this.nextEvent(c)) - c.icount;
      const before = c.icount;
      const shadowed = c.shadow !== SHADOW_NONE;
      try {
        this.runBlocks(k, Math.max(1, budget));
      } catch (e) {
        if (e !== FAULT) throw e;
        this.handleFault(k, c.excVector, c.excError);
      }
      if (audit !== undefined) audit.settle(); // a table store leaves the block after its instruction
      if (shadowed && c.icount !== before) c.shadow = SHADOW_NONE; // the shadowed instruction ran
      did = true;
    }
    return did;
  }

  /** The CPU's next scheduled event: APIC timer expiry or an injection. */
  private nextEvent(c: Cpu): number {
    let t = c.apic.timerDeadline;
    for (const e of this.injections) if (e.cpu === c.id && e.at < t) t = e.at;
    return t;
  }

  /** Post the timer interrupt and the injections that are due at the CPU's count. */
  private fireDue(c: Cpu): void {
    c.apic.tick(c.icount);
    for (let i = 0; i < this.injections.length; i++) {
      const e = this.injections[i]!;
      if (e.cpu !== c.id || e.at > c.icount) continue;
      post(c, e);
      this.injections.splice(i--, 1);
    }
  }

  /**
   * Inject an event during the run (the debugger's `inject`): one whose count has come is posted
   * to the CPU's APIC now, a later one is scheduled as `--inject` schedules it. Either way the CPU
   * takes it at an instruction boundary by the usual rules (NMI blocking, IF, shadows).
   */
  inject(e: Injection): void {
    const c = this.cpus[e.cpu];
    if (c === undefined) return;
    if (e.at <= c.icount) return post(c, e);
    const i = this.injections.findIndex((x) => x.at > e.at);
    this.injections.splice(i < 0 ? this.injections.length : i, 0, e);
  }

  /** Deliver a pending NMI or interrupt if the CPU may take it now; true when one was delivered. */
  private service(c: Cpu): boolean {
    const a = c.apic;
    // SDM 6.7.1: an NMI waits while NMIs are blocked (from an NMI's delivery to the next IRET).
    if (a.nmiPending && !c.nmiBlocked && c.shadow !== SHADOW_MOV_SS) {
      a.nmiPending = false;
      c.nmiBlocked = true;
      if (c.ev !== undefined) c.ev.interrupt(c, VEC_NMI, true);
      this.deliverEvent(c, VEC_NMI);
      return true;
    }
    // SDM 6.8.1: maskable interrupts need IF=1 and no interrupt shadow.
    if ((c.rflags & FLAG_IF) === 0 || c.shadow !== SHADOW_NONE) return false;
    const v = a.deliverable();
    if (v < 0) return false;
    a.accept(v);
    if (c.ev !== undefined) c.ev.interrupt(c, v, false);
    this.deliverEvent(c, v);
    return true;
  }

  /** Deliver an NMI or interrupt (which wakes a halted CPU); a fault on the way escalates. */
  private deliverEvent(c: Cpu, vector: number): void {
    try {
      deliver(c, vector, -1, false, c.rip);
    } catch (e) {
      if (e !== FAULT) throw e;
      this.handleFault(c.id, c.excVector, c.excError, vector);
    }
  }

  private stopReason(): RunReason | undefined {
    const a = this.sticky();
    if ((a & ATTN_TRIPLE) !== 0) return "triple-fault";
    if ((a & ATTN_EXIT) !== 0) return "exit";
    if (this.cpus.some((c) => c.icount >= this.maxInsns)) return "limit";
    return undefined;
  }

  /** Nothing can run: every CPU is halted with nothing pending or scheduled. */
  private idleReason(): RunReason {
    return this.cpus.every((c) => (c.rflags & FLAG_IF) === 0) ? "halt" : "deadlock";
  }

  private finish(reason: RunReason): RunResult {
    this.uart.flush();
    this.audit?.settle();
    const cpus = this.cpus.map((c) => snapshot(c));
    const r: RunResult = {
      reason,
      exitStatus: reason === "exit" ? this.exitStatus : undefined,
      insns: this.cpu.icount,
      cpu: cpus[0]!,
      cpus,
    };
    const k = this.faultCpu >= 0 ? this.faultCpu : 0;
    if (this.chains[k]!.length > 0) r.faultChain = this.chains[k]!.slice();
    if (this.faultCpu >= 0) r.faultCpu = this.faultCpu;
    if (this.ev !== undefined) this.ev.end(this.cpus[k]!, reason, r.exitStatus, r.cpus.map((s) => s.insns)); // prettier-ignore
    return r;
  }

  /** The hot loop: blocks by physical address; stops on attention or after `budget` instructions. */
  private runBlocks(k: number, budget: number): void {
    const c = this.cpus[k]!;
    const blocks = this.caches[k]!;
    const frames = c.tlb.frame;
    const limit = c.icount + budget;
    const chain = this.chains[k]!;
    if (this.taps !== undefined) return this.runTraced(c, blocks, limit, chain, this.taps[k]!);
    c.attention &= STICKY;
    while (c.icount < limit) {
      const rip = c.rip;
      const off = rip & PAGE_MASK;
      const x = (rip >>> PAGE_SHIFT) & TLB_INDEX_MASK;
      // The fetch translation: the TLB fast tag inline, else the full path (which may fault).
      const pa = c.xkey[x] === rip - off + c.pcid ? frames[x]! + off : c.translate(rip, ACC_FETCH);
      const block = blocks.lookup(pa);
      if (block.fn === undefined && ++block.hits > this.jitThreshold && block.pa >= 0) {
        block.fn = compileBlock(c, block.ops);
        this.blocksCompiled++;
      }
      if (block.fn !== undefined && limit - c.icount >= block.ops.length) {
        if (block.fn(limit) > 0) chain.length = 0; // a completed block: no fault in progress
        if (c.attention !== 0) return;
        continue;
      }
      const ops = block.ops;
      const left = limit - c.icount;
      const n = ops.length < left ? ops.length : left;
      for (let i = 0; i < n; i++) {
        const op = ops[i]!;
        op.exec(c, op);
        if (!op.flow) c.rip += op.len;
        c.icount++;
        if (c.attention !== 0) return;
      }
      chain.length = 0;
    }
  }

  /**
   * runBlocks for the "insn" event level: the interpreter only, with the tap around each
   * instruction. Same fetches, lookups and order as the interpreted path of runBlocks.
   */
  private runTraced(c: Cpu, blocks: BlockCache, limit: number, chain: FaultRecord[], tap: InsnTap): void {
    const frames = c.tlb.frame;
    c.attention &= STICKY;
    while (c.icount < limit) {
      const rip = c.rip;
      const off = rip & PAGE_MASK;
      const x = (rip >>> PAGE_SHIFT) & TLB_INDEX_MASK;
      const pa = c.xkey[x] === rip - off + c.pcid ? frames[x]! + off : c.translate(rip, ACC_FETCH);
      const ops = blocks.lookup(pa).ops;
      const left = limit - c.icount;
      const n = ops.length < left ? ops.length : left;
      for (let i = 0; i < n; i++) {
        const op = ops[i]!;
        const [at, count] = [c.rip, c.icount];
        tap.before();
        op.exec(c, op);
        if (!op.flow) c.rip += op.len;
        c.icount++;
        tap.after(op, at, count);
        if (c.attention !== 0) return;
      }
      chain.length = 0;
    }
  } // prettier-ignore

  /**
   * SDM 6.15: deliver exception `vector`; escalate to #DF, then to a triple fault. `during` is the
   * event whose delivery raised it (an NMI or interrupt), which starts the chain.
   */
  private handleFault(k: number, first: number, firstError: number, during?: number): void {
    const c = this.cpus[k]!;
    let vector = first;
    let error = firstError;
    const chain: FaultRecord[] = (this.chains[k] = []);
    if (during !== undefined) chain.push(this.record(c, during, -1));
    if (c.ev !== undefined && vector === VEC_PF) c.ev.pageFault(c);
    for (;;) {
      chain.push(this.record(c, vector, error));
      try {
        deliver(c, vector, hasErrorCode(vector) ? Math.max(error, 0) : -1, false, c.rip);
        return;
      } catch (e) {
        if (e !== FAULT) throw e;
        const second = c.excVector;
        if (c.ev !== undefined && second === VEC_PF) c.ev.pageFault(c);
        if (vector === VEC_DF) {
          chain.push(this.record(c, second, c.excError));
          c.attention |= ATTN_TRIPLE; // SDM 6.15 interrupt 8: a fault during #DF delivery → shutdown
          this.faultCpu = k;
          if (c.ev !== undefined) c.ev.tripleFault(c, chain);
          return;
        }
        const escalate =
          (isContributory(vector) && isContributory(second)) ||
          (vector === VEC_PF && (isContributory(second) || second === VEC_PF));
        if (escalate) {
          if (c.ev !== undefined) c.ev.doubleFault(c, vector, second);
          vector = VEC_DF;
          error = 0;
          continue;
        }
        vector = second; // benign combination: handle the second serially
        error = c.excError;
      }
    }
  }

  private record(c: Cpu, vector: number, error: number): FaultRecord {
    return {
      vector,
      name: VECTOR_NAMES[vector] ?? `vector ${vector}`,
      errorCode: hasErrorCode(vector) ? Math.max(error, 0) : undefined,
      rip: hex64(c.rip),
      rsp: hex64(c.regAsNumber(RSP)),
      cr2: hex64(c.cr2),
      cr3: hex64(c.cr3),
    };
  }
}

/** A signed double holding a 64-bit value (|v| < 2^53 or canonical) as 16 hex digits. */
export function hex64(v: number): string {
  const hi = Math.floor(v / TWO32) >>> 0;
  const lo = v >>> 0;
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

export function createMachine(opts: MachineOptions = {}): Machine {
  return new Machine(opts);
}
