// The machine: one CPU, physical memory, the port bus with COM1 and isa-debug-exit, the decoded
// block cache, and the run loop. The loop allocates nothing per instruction: it translates RIP
// through the TLB, finds the block for the physical address and runs it — compiled (./jit/) once
// it has run `jitThreshold` times and the budget allows a whole pass, else op by op through the
// interpreter, the reference, checking one attention word after each. Guest faults arrive as the
// FAULT sentinel and are delivered through the IDT with the double-fault rules (SDM 6.15); a
// triple fault ends the run with the chain of faults.
import { RSP } from "../isa/registers.js";
import { Cpu, TWO32 } from "./cpu.js";
import { BlockCache } from "./blocks.js";
import { PortBus } from "./devices/bus.js";
import { DebugExit, DEBUG_EXIT_PORT } from "./devices/debug-exit.js";
import { COM1_BASE, Uart, UART_PORTS } from "./devices/uart.js";
import { FAULT, hasErrorCode, isContributory, VEC_DF, VEC_PF, VECTOR_NAMES } from "./fault.js";
import type { FaultRecord } from "./fault.js";
import { DEFAULT_MEM_SIZE, PhysMem } from "./mmu/phys.js";
import { ACC_FETCH } from "./mmu/walk.js";
import { PAGE_MASK, PAGE_SHIFT } from "./mmu/phys.js";
import { TLB_INDEX_MASK } from "./mmu/tlb.js";
import { compileBlock } from "./jit/compile.js";
import { deliver } from "./sys/idt.js";
import { snapshot } from "./snapshot.js";
import type { CpuSnapshot } from "./snapshot.js";
import { FLAG_IF } from "../isa/types.js";
import type { TlbPolicy } from "./mmu/tlb-store.js";
import type { Features, Vendor } from "./sys/features.js";

export interface MachineOptions {
  /** Guest physical memory in bytes (default 64 MiB). */
  memSize?: number;
  /** Stop after this many instructions (default: no limit). */
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
}

export const DEFAULT_JIT_THRESHOLD = 8;

export type RunReason = "exit" | "halt" | "triple-fault" | "limit" | "deadlock";

export interface RunResult {
  reason: RunReason;
  /** The isa-debug-exit status ((v<<1)|1) for "exit", else undefined. */
  exitStatus: number | undefined;
  insns: number;
  faultChain?: FaultRecord[];
  cpu: CpuSnapshot;
}

const ATTN_EXIT = 8;
const ATTN_TRIPLE = 16;

export class Machine {
  readonly mem: PhysMem;
  readonly cpu: Cpu;
  readonly bus = new PortBus();
  readonly blocks: BlockCache;
  readonly uart: Uart;
  maxInsns: number;
  /** Runs before a block is compiled; Infinity turns the compiler off. */
  jitThreshold: number;
  /** Blocks compiled so far. */
  blocksCompiled = 0;
  private exitStatus: number | undefined;
  private chain: FaultRecord[] = [];

  constructor(opts: MachineOptions = {}) {
    this.mem = new PhysMem(opts.memSize ?? DEFAULT_MEM_SIZE);
    this.cpu = new Cpu(this.mem, { policy: opts.tlb, sets: opts.tlbSets, ways: opts.tlbWays });
    this.cpu.io = this.bus;
    this.cpu.controls.maxPhysAddr = opts.maxPhysAddr ?? 46;
    if (opts.features) this.cpu.features = { ...opts.features };
    this.cpu.vendor = opts.vendor ?? "intel";
    this.cpu.controls.gbPages = this.cpu.features.gbpages;
    this.blocks = new BlockCache(this.mem, this.cpu);
    this.maxInsns = opts.maxInsns ?? Number.MAX_SAFE_INTEGER;
    this.jitThreshold =
      opts.jit === false ? Infinity : (opts.jitThreshold ?? DEFAULT_JIT_THRESHOLD);
    this.uart = new Uart(COM1_BASE, opts.output ?? (() => {}));
    this.bus.attach(COM1_BASE, UART_PORTS, this.uart);
    this.bus.attach(DEBUG_EXIT_PORT, 1, new DebugExit((s) => this.requestExit(s)));
  }

  private requestExit(status: number): void {
    this.exitStatus = status;
    this.cpu.attention |= ATTN_EXIT;
  }

  /** Run until exit, halt, triple fault or the instruction limit. */
  run(): RunResult {
    const c = this.cpu;
    for (;;) {
      const stop = this.stopReason();
      if (stop !== undefined) return this.finish(stop);
      const budget = this.maxInsns - c.icount;
      try {
        this.runBlocks(budget);
      } catch (e) {
        if (e !== FAULT) throw e;
        this.handleFault();
      }
    }
  }

  /** Execute exactly one instruction (or deliver the fault it raises). */
  step(): RunResult | undefined {
    const stop = this.stopReason();
    if (stop !== undefined) return this.finish(stop);
    try {
      this.runBlocks(1);
    } catch (e) {
      if (e !== FAULT) throw e;
      this.handleFault();
    }
    return undefined;
  }

  private stopReason(): RunReason | undefined {
    const c = this.cpu;
    if ((c.attention & ATTN_TRIPLE) !== 0) return "triple-fault";
    if ((c.attention & ATTN_EXIT) !== 0) return "exit";
    if (c.halted) return (c.rflags & FLAG_IF) === 0 ? "halt" : "deadlock";
    if (c.icount >= this.maxInsns) return "limit";
    return undefined;
  }

  private finish(reason: RunReason): RunResult {
    this.uart.flush();
    const r: RunResult = {
      reason,
      exitStatus: reason === "exit" ? this.exitStatus : undefined,
      insns: this.cpu.icount,
      cpu: snapshot(this.cpu),
    };
    if (this.chain.length > 0) r.faultChain = this.chain.slice();
    return r;
  }

  /** The hot loop: blocks by physical address; stops on attention or after `budget` instructions. */
  private runBlocks(budget: number): void {
    const c = this.cpu;
    const blocks = this.blocks;
    const frames = c.tlb.frame;
    const limit = c.icount + budget;
    c.attention &= ATTN_EXIT | ATTN_TRIPLE;
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
        if (block.fn(limit) > 0) this.chain.length = 0; // a completed block: no fault in progress
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
      this.chain.length = 0;
    }
  }

  /** SDM 6.15: deliver the pending exception; escalate to #DF, then to a triple fault. */
  private handleFault(): void {
    const c = this.cpu;
    let vector = c.excVector;
    let error = c.excError;
    this.chain = [];
    for (;;) {
      this.chain.push(this.record(vector, error));
      try {
        deliver(c, vector, hasErrorCode(vector) ? Math.max(error, 0) : -1, false, c.rip);
        return;
      } catch (e) {
        if (e !== FAULT) throw e;
        const second = c.excVector;
        if (vector === VEC_DF) {
          this.chain.push(this.record(second, c.excError));
          c.attention |= ATTN_TRIPLE; // SDM 6.15 interrupt 8: a fault during #DF delivery → shutdown
          return;
        }
        const escalate =
          (isContributory(vector) && isContributory(second)) ||
          (vector === VEC_PF && (isContributory(second) || second === VEC_PF));
        if (escalate) {
          vector = VEC_DF;
          error = 0;
          continue;
        }
        vector = second; // benign combination: handle the second serially
        error = c.excError;
      }
    }
  }

  private record(vector: number, error: number): FaultRecord {
    const c = this.cpu;
    const hex = (v: number): string => hex64(v);
    return {
      vector,
      name: VECTOR_NAMES[vector] ?? `vector ${vector}`,
      errorCode: hasErrorCode(vector) ? Math.max(error, 0) : undefined,
      rip: hex(c.rip),
      rsp: hex(c.regAsNumber(RSP)),
      cr2: hex(c.cr2),
      cr3: hex(c.cr3),
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
