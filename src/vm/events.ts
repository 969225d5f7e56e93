// The VM's event stream: what a machine tells an optional EventSink (MachineOptions.events) about
// the rare system paths — privilege transitions, control-register and MSR writes, TLB
// invalidations, page faults, the double/triple-fault chain, the end of the run — and, at the
// opt-in levels, page walks and TLB fills ("paging") and every retired instruction ("insn").
// A guest kernel adds its scheduler's tracepoints (context switches, wake-ups, exits) through the
// trace device (./devices/trace.ts). src/trace records and formats it; the VM never imports trace.
//
// Events are plain data objects. 32-bit quantities (vectors, selectors, error codes, counts,
// PCIDs) are numbers; 64-bit quantities (RIP, RSP, addresses, CR and MSR values, GPRs) are
// unsigned `bigint`s (0 … 2^64−1), so a canonical kernel address reads as 0xffff….
//
// Cost when no sink is set: every hook is `if (c.ev !== undefined) …` on a system path (MOV CR,
// WRMSR, SWAPGS, SYSCALL, SYSRET, IRETQ, INVLPG, INVPCID, event delivery, the TLB slow path) —
// never in the per-instruction loop. The "paging" and "insn" levels make the machine run the
// interpreter only (compiled blocks would report stale RIPs from inside a block and skip the
// per-instruction hook), which does not change any architectural result.
import type { DecodedInsn } from "../isa/types.js";
import { GPR64, RAX, RSP, SEG_CS, SEG_GS, SEG_SS } from "../isa/registers.js";
import type { Cpu } from "./cpu.js";
import { CR4_PCIDE } from "./cpu.js";
import type { FaultRecord } from "./fault.js";
import { VECTOR_NAMES } from "./fault.js";
import { ACC_WRITE, walk, WalkResult } from "./mmu/walk.js";
import type { AccessKind } from "./mmu/walk.js";
import { MSR_EFER } from "./sys/msr.js";
import { PAGE_MASK } from "./mmu/phys.js";
import type { Op } from "./op.js";
import { RAW_RW, RAW_US, RAW_XD } from "./mmu/tlb.js";
import type { TlbEntry } from "./mmu/tlb-store.js";
import type { StaleCause } from "./tlb-audit.js";
import type { SchedExitFields, SchedSwitchFields, SchedWakeupFields } from "./devices/trace.js";
import type { SignalDeliverFields } from "./devices/trace.js";
import type { SchedForkFields, SchedFreeFields } from "./devices/trace.js";

/**
 * How much to report: "system" (the default) the system events; "paging" adds a `walk` and a
 * `tlb-fill` per TLB miss; "insn" adds, on top of both, one `insn` event per retired instruction.
 */
export type EventLevel = "system" | "paging" | "insn";
export const EVENT_LEVELS: readonly EventLevel[] = ["system", "paging", "insn"];

export interface EventSink {
  /** Default "system". */
  readonly level?: EventLevel;
  /**
   * Turn the TLB audit on (../tlb-audit.ts): `pte-write` and `stale-tlb` events, the interpreter
   * only (exact RIPs and counts), and `tlbAudit` on the `end` event. Default off: no cost.
   */
  readonly auditTlb?: boolean;
  event(e: VmEvent): void;
}

/** Fields every event has. */
export interface EventBase {
  /** The CPU it happened on. */
  cpu: number;
  /** Instructions that CPU had retired when it happened (the event's own instruction excluded). */
  icount: number;
  /** RIP of the instruction that caused it, or of the next instruction for a boundary event. */
  rip: bigint;
  /** RSP after the event (for `insn`: after the instruction). */
  rsp: bigint;
}

/** SYSCALL: RIP → LSTAR; `rsp` is still the user RSP (SYSCALL does not switch stacks). */
export interface SyscallEvent extends EventBase {
  kind: "syscall";
  target: bigint;
  /** RAX at entry: the system call number. */
  rax: bigint;
}

/** SYSRETQ: back to `target` (from RCX) with the CS/SS it loaded. */
export interface SysretEvent extends EventBase {
  kind: "sysret";
  target: bigint;
  cs: number;
  ss: number;
}

/** The frame an event delivery pushed, or IRETQ popped. */
export interface IretFrame {
  ss: number;
  rsp: bigint;
  rflags: bigint;
  cs: number;
  rip: bigint;
  /** Pushed only for vectors with an error code. */
  errorCode?: number;
}

/** Where event delivery took its stack from (SDM 6.14.4, 6.14.5). */
export type StackSource = "none" | "rsp0" | "rsp1" | "rsp2" | `ist${1 | 2 | 3 | 4 | 5 | 6 | 7}`;

/** An exception, interrupt or INT n delivered through the IDT. `rsp` is the frame's address. */
export interface DeliverEvent extends EventBase {
  kind: "deliver";
  vector: number;
  /** `#PF`, `NMI`, … or `vector N`. */
  name: string;
  /** INT n / INT3 (the gate's DPL was checked). */
  soft: boolean;
  gate: "interrupt" | "trap";
  stack: StackSource;
  fromCpl: number;
  toCpl: number;
  /** The handler's address (the gate's offset). */
  handler: bigint;
  frame: IretFrame;
}

/** IRETQ: the frame popped (rip, cs, rflags, rsp, ss) and the privilege change. */
export interface IretEvent extends EventBase {
  kind: "iret";
  frame: IretFrame;
  fromCpl: number;
  toCpl: number;
}

/** An NMI or an external (APIC, injected) interrupt taken at an instruction boundary. */
export interface InterruptEvent extends EventBase {
  kind: "interrupt";
  vector: number;
  nmi: boolean;
}

/** A page fault: CR2, the error code (P W U RSVD I PK bits) and the paging level that failed. */
export interface PageFaultEvent extends EventBase {
  kind: "page-fault";
  address: bigint;
  errorCode: number;
  /** 1 PML4E, 2 PDPTE, 3 PDE, 4 PTE: the entry that faulted; 0: a cached TLB entry's rights. */
  level: number;
}

/** SDM 6.15: a second fault while delivering the first became #DF. */
export interface DoubleFaultEvent extends EventBase {
  kind: "double-fault";
  first: number;
  second: number;
}

/** A fault while delivering #DF: the run ends. `chain` as in RunResult.faultChain. */
export interface TripleFaultEvent extends EventBase {
  kind: "triple-fault";
  chain: FaultRecord[];
}

/** MOV to CR0/CR3/CR4 or WRMSR to EFER. `flushed`: TLB entries the write invalidated. */
export interface CrWriteEvent extends EventBase {
  kind: "cr";
  reg: "cr0" | "cr3" | "cr4" | "efer";
  old: bigint;
  /** The value stored (for CR3 without bit 63). */
  new: bigint;
  flushed: number;
  /** CR3 only: the PGD's physical base, the PCID (0 with CR4.PCIDE=0) and bit 63 of the write. */
  pgd?: bigint;
  pcid?: number;
  noflush?: boolean;
}

/** WRMSR to any MSR but EFER (which reports a `cr` event). */
export interface WrmsrEvent extends EventBase {
  kind: "wrmsr";
  msr: number;
  value: bigint;
}

/** SWAPGS: the two bases after the exchange. */
export interface SwapgsEvent extends EventBase {
  kind: "swapgs";
  gsBase: bigint;
  kernelGsBase: bigint;
}

/** INVLPG (`type` absent) or INVPCID (`type` 0–3): what it named and how many entries went. */
export interface InvalidateEvent extends EventBase {
  kind: "invlpg" | "invpcid";
  type?: number;
  pcid: number;
  address: bigint;
  flushed: number;
}

/** ("paging") A TLB miss walked the tables: linear → physical under `pcid`. */
export interface WalkEvent extends EventBase {
  kind: "walk";
  address: bigint;
  physical: bigint;
  pcid: number;
  access: "read" | "write" | "fetch";
  /** Levels read (4 for a 4 KiB page, 3 for 2 MiB, 2 for 1 GiB) and the page size. */
  levels: number;
  pageSize: number;
  /** Physical addresses of the entries read, PML4E first. */
  entries: bigint[];
}

/** ("paging") The translation the walk inserted into the TLB. */
export interface TlbFillEvent extends EventBase {
  kind: "tlb-fill";
  page: bigint;
  frame: bigint;
  pcid: number;
  global: boolean;
  pageSize: number;
}

export interface RegChange {
  /** `rax` … `r15`. */
  reg: string;
  old: bigint;
  new: bigint;
}

export interface MemWrite {
  address: bigint;
  physical: bigint;
  /** Bytes written (1, 2, 4, 8). */
  size: number;
  value: bigint;
}

/** ("insn") One retired instruction: its decoded form, the GPRs it changed, the memory it wrote. */
export interface InsnEvent extends EventBase {
  kind: "insn";
  /** Undefined for bytes that do not decode (they raise #UD and never retire). */
  insn: DecodedInsn | undefined;
  length: number;
  regs: RegChange[];
  writes: MemWrite[];
}

/**
 * (TLB audit) A store changed, in a bit that counts, a paging-structure entry that translations
 * held in a TLB were built from: they are now stale. The base fields are the storing instruction's.
 */
export interface PteWriteEvent extends EventBase {
  kind: "pte-write";
  /** The entry's physical address and level (1 PML4E, 2 PDPTE, 3 PDE, 4 PTE). */
  entry: bigint;
  level: number;
  /** The value the translations were built from, and the value now. */
  old: bigint;
  new: bigint;
  /** The bits that changed: `P`, `R/W`, `U/S`, `PS`, `G`, `XD`, `address`, joined by `|`. */
  changed: string;
  /** TLB entries made stale; the first MAX_LISTED of them as linear page, PCID (GLOBAL_PCID, 4096: global), CPU. */
  affected: number;
  pages: bigint[];
  pcids: number[];
  cpus: number[];
}

/**
 * (TLB audit) A stale TLB entry gave a translation that a walk of the tables now does not: another
 * frame, or an access the tables refuse. Once per entry. The base fields are the using instruction's.
 */
export interface StaleTlbEvent extends EventBase {
  kind: "stale-tlb";
  /** The linear address used, the PCID current then, and the access. */
  address: bigint;
  pcid: number;
  access: "read" | "write" | "fetch";
  /** The entry: its 4 KiB page, global, the page size it came from, frame and rights (`W|U|NX|G`). */
  page: bigint;
  global: boolean;
  pageSize: number;
  tlbFrame: bigint;
  tlbRights: string;
  /** What a walk gives now: a frame and rights, or the #PF error code it would raise. */
  walkFrame?: bigint;
  walkRights?: string;
  walkFault?: number;
  /** The store that made the entry stale: CPU, count, RIP, and the entry it changed. */
  writeCpu: number;
  writeIcount: number;
  writeRip: bigint;
  entry: bigint;
  level: number;
  old: bigint;
  new: bigint;
}

/**
 * The kernel's `sched_switch` tracepoint (trace device): `prevPid` leaves the CPU in `prevState`
 * (`running`: preempted or yielding; `sleeping`: blocked; `dead`: exited) and `nextPid` runs.
 * Emitted by the outgoing task, just before the context switch (pid 0 is the CPU's idle task).
 */
export interface SchedSwitchEvent extends EventBase, SchedSwitchFields {
  kind: "sched-switch";
}

/** The kernel's `sched_wakeup` tracepoint: `by` made `pid` runnable on `targetCpu`. */
export interface SchedWakeupEvent extends EventBase, SchedWakeupFields {
  kind: "sched-wakeup";
}

/** The kernel's `sched_process_exit` tracepoint: `pid` exits (before its last switch). */
export interface SchedExitEvent extends EventBase, SchedExitFields {
  kind: "sched-exit";
}

/** The kernel's `signal_deliver` tracepoint: `sig` dequeued for delivery to the running task. */
export interface SignalDeliverEvent extends EventBase, SignalDeliverFields {
  kind: "signal-deliver";
}

/** The kernel's `sched_process_fork` tracepoint: `parentPid` made `childPid` (not yet running). */
export interface SchedForkEvent extends EventBase, SchedForkFields {
  kind: "sched-process-fork";
}

/** The kernel's `sched_process_free` tracepoint: `pid`'s stack and task go back to the allocator. */
export interface SchedFreeEvent extends EventBase, SchedFreeFields {
  kind: "sched-process-free";
}

export type EndReason = "exit" | "halt" | "triple-fault" | "limit" | "deadlock";

/** The run ended: why, and every CPU's retired-instruction count. */
export interface RunEndEvent extends EventBase {
  kind: "end";
  reason: EndReason;
  exitStatus?: number;
  insns: number[];
  /** The run was made with the TLB audit on (so a trace without `stale-tlb` records is clean). */
  tlbAudit?: boolean;
}

export type VmEvent =
  | SyscallEvent
  | SysretEvent
  | DeliverEvent
  | IretEvent
  | InterruptEvent
  | PageFaultEvent
  | DoubleFaultEvent
  | TripleFaultEvent
  | CrWriteEvent
  | WrmsrEvent
  | SwapgsEvent
  | InvalidateEvent
  | WalkEvent
  | TlbFillEvent
  | InsnEvent
  | PteWriteEvent
  | StaleTlbEvent
  | SchedSwitchEvent
  | SchedWakeupEvent
  | SchedExitEvent
  | SignalDeliverEvent
  | SchedForkEvent
  | SchedFreeEvent
  | RunEndEvent;

export type VmEventKind = VmEvent["kind"];
export const VM_EVENT_KINDS: readonly VmEventKind[] = [
  "syscall", "sysret", "deliver", "iret", "interrupt", "page-fault", "double-fault",
  "triple-fault", "cr", "wrmsr", "swapgs", "invlpg", "invpcid", "walk", "tlb-fill", "insn",
  "pte-write", "stale-tlb", "end",
  "sched-switch", "sched-wakeup", "sched-exit", "signal-deliver",
  "sched-process-fork", "sched-process-free",
]; // prettier-ignore

// ---- 64-bit conversions ---------------------------------------------------------------------

/** A signed double holding a canonical address (or any integer below 2^53) → unsigned 64. */
export function u64(v: number): bigint {
  return BigInt.asUintN(64, BigInt(v));
}
/** Two int32 halves → unsigned 64. */
export function u64Pair(lo: number, hi: number): bigint {
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

const CR_NAMES: Readonly<Record<number, CrWriteEvent["reg"]>> = { 0: "cr0", 3: "cr3", 4: "cr4" };
const ACCESS_NAMES = ["read", "write", "fetch"] as const;

// ---- the emitter the hooks call ---------------------------------------------------------------

/**
 * Builds events from CPU state and hands them to the sink. One per machine; the hooks in the VM
 * call it as `if (c.ev !== undefined) c.ev.x(c, …)`.
 */
export class EventEmitter {
  readonly paging: boolean;
  readonly insns: boolean;
  readonly auditTlb: boolean;

  constructor(readonly sink: EventSink) {
    const level = sink.level ?? "system";
    this.paging = level !== "system";
    this.insns = level === "insn";
    this.auditTlb = sink.auditTlb === true;
  }

  private base(c: Cpu, rip: number): EventBase {
    return { cpu: c.id, icount: c.icount, rip: u64(rip), rsp: u64Pair(c.rlo[RSP]!, c.rhi[RSP]!) };
  }

  syscall(c: Cpu, target: number): void {
    const rax = u64Pair(c.rlo[RAX]!, c.rhi[RAX]!);
    this.sink.event({ kind: "syscall", ...this.base(c, c.rip), target: u64(target), rax });
  }

  sysret(c: Cpu, target: number): void {
    const [cs, ss] = [c.segSel[SEG_CS]!, c.segSel[SEG_SS]!];
    this.sink.event({ kind: "sysret", ...this.base(c, c.rip), target: u64(target), cs, ss });
  }

  /** Called by deliver() once nothing can fault any more, before the new state is committed. */
  deliver(c: Cpu, d: DeliveryFacts): void {
    const frame: IretFrame = {
      ss: c.segSel[SEG_SS]!,
      rsp: u64(d.oldRsp),
      rflags: BigInt(d.rflags >>> 0),
      cs: c.segSel[SEG_CS]!,
      rip: u64(d.returnRip),
    };
    if (d.errorCode >= 0) frame.errorCode = d.errorCode;
    const stack: StackSource =
      d.ist !== 0 ? (`ist${d.ist}` as StackSource) : d.newCpl < c.cpl ? (`rsp${d.newCpl}` as StackSource) : "none"; // prettier-ignore
    this.sink.event({
      kind: "deliver",
      ...this.base(c, c.rip),
      rsp: u64(d.newRsp),
      vector: d.vector,
      name: VECTOR_NAMES[d.vector] ?? `vector ${d.vector}`,
      soft: d.soft,
      gate: d.trapGate ? "trap" : "interrupt",
      stack,
      fromCpl: c.cpl,
      toCpl: d.newCpl,
      handler: u64(d.handler),
      frame,
    });
  }

  /** Called by IRETQ once nothing can fault any more, before the new state is committed. */
  iret(c: Cpu, target: number, cs: number, rflags: number, rspLo: number, rspHi: number, ss: number): void {
    const frame: IretFrame = { ss, rsp: u64Pair(rspLo, rspHi), rflags: BigInt(rflags >>> 0), cs, rip: u64(target) };
    this.sink.event({ kind: "iret", ...this.base(c, c.rip), rsp: frame.rsp, frame, fromCpl: c.cpl, toCpl: cs & 3 });
  } // prettier-ignore

  interrupt(c: Cpu, vector: number, nmi: boolean): void {
    this.sink.event({ kind: "interrupt", ...this.base(c, c.rip), vector, nmi });
  }

  pageFault(c: Cpu): void {
    const e = { kind: "page-fault" as const, ...this.base(c, c.rip), address: u64(c.cr2) };
    this.sink.event({ ...e, errorCode: c.excError, level: c.pfLevel });
  }

  doubleFault(c: Cpu, first: number, second: number): void {
    this.sink.event({ kind: "double-fault", ...this.base(c, c.rip), first, second });
  }

  tripleFault(c: Cpu, chain: FaultRecord[]): void {
    this.sink.event({ kind: "triple-fault", ...this.base(c, c.rip), chain: chain.slice() });
  }

  /** MOV to CRn, after the write and its invalidations; `invalidated0`: the TLB counter before. */
  crWrite(c: Cpu, n: number, old: number, hi: number, invalidated0: number): void {
    const reg = CR_NAMES[n];
    if (reg === undefined) return; // CR2 and CR8 writes are not reported
    const now = n === 0 ? c.cr0 >>> 0 : n === 3 ? c.cr3 : c.cr4 >>> 0;
    const e: CrWriteEvent = {
      kind: "cr",
      ...this.base(c, c.rip),
      reg,
      old: u64(old),
      new: u64(now),
      flushed: c.tlb.invalidated - invalidated0,
    };
    if (n === 3) {
      e.pgd = u64(c.controls.pml4);
      e.pcid = c.pcid;
      e.noflush = (c.cr4 & CR4_PCIDE) !== 0 && hi < 0; // bit 63 of the value written
    }
    this.sink.event(e);
  }

  /** WRMSR, after the write; EFER is reported as a `cr` event with its old value. */
  wrmsr(c: Cpu, msr: number, lo: number, hi: number, oldEfer: number, invalidated0: number): void {
    const b = this.base(c, c.rip);
    if (msr === MSR_EFER) {
      const flushed = c.tlb.invalidated - invalidated0;
      this.sink.event({ kind: "cr", ...b, reg: "efer", old: u64(oldEfer), new: u64(c.efer), flushed }); // prettier-ignore
    } else this.sink.event({ kind: "wrmsr", ...b, msr, value: u64Pair(lo, hi) });
  }

  swapgs(c: Cpu): void {
    this.sink.event({
      kind: "swapgs",
      ...this.base(c, c.rip),
      gsBase: u64(c.segBase[SEG_GS]!),
      kernelGsBase: u64(c.kernelGsBase),
    });
  }

  /** INVLPG (type < 0) or INVPCID of `type`, after the invalidation. */
  invalidate(c: Cpu, type: number, pcid: number, address: number, invalidated0: number): void {
    const flushed = c.tlb.invalidated - invalidated0;
    const b = { ...this.base(c, c.rip), pcid, address: u64(address), flushed };
    if (type < 0) this.sink.event({ kind: "invlpg", ...b });
    else this.sink.event({ kind: "invpcid", ...b, type });
  }

  /** ("paging") A successful walk on a TLB miss and the fill that follows it. */
  walk(c: Cpu, lin: number, acc: AccessKind, w: WalkResult, global: boolean): void {
    const b = this.base(c, c.rip);
    const off = lin & PAGE_MASK;
    const entries: bigint[] = [];
    for (let l = 0; l < w.levels; l++) entries.push(u64(w.entryAddr[l]!));
    const [pcid, pageSize, levels] = [c.pcid, w.pageSize, w.levels];
    this.sink.event({ kind: "walk", ...b, address: u64(lin), physical: u64(w.frame + off), pcid, access: ACCESS_NAMES[acc], levels, pageSize, entries }); // prettier-ignore
    this.sink.event({ kind: "tlb-fill", ...b, page: u64(lin - off), frame: u64(w.frame), pcid, global, pageSize }); // prettier-ignore
  }

  /** The trace device's records (a rare path: one OUT per tracepoint). */
  schedSwitch(c: Cpu, f: SchedSwitchFields): void {
    this.sink.event({ kind: "sched-switch", ...this.base(c, c.rip), ...f });
  }

  schedWakeup(c: Cpu, f: SchedWakeupFields): void {
    this.sink.event({ kind: "sched-wakeup", ...this.base(c, c.rip), ...f });
  }

  schedExit(c: Cpu, f: SchedExitFields): void {
    this.sink.event({ kind: "sched-exit", ...this.base(c, c.rip), ...f });
  }

  signalDeliver(c: Cpu, f: SignalDeliverFields): void {
    this.sink.event({ kind: "signal-deliver", ...this.base(c, c.rip), ...f });
  }

  schedFork(c: Cpu, f: SchedForkFields): void {
    this.sink.event({ kind: "sched-process-fork", ...this.base(c, c.rip), ...f });
  }

  schedFree(c: Cpu, f: SchedFreeFields): void {
    this.sink.event({ kind: "sched-process-free", ...this.base(c, c.rip), ...f });
  }

  end(c: Cpu, reason: EndReason, exitStatus: number | undefined, insns: number[]): void {
    const e: RunEndEvent = { kind: "end", ...this.base(c, c.rip), reason, insns };
    if (exitStatus !== undefined) e.exitStatus = exitStatus;
    if (this.auditTlb) e.tlbAudit = true;
    this.sink.event(e);
  }

  /** (TLB audit) After the storing instruction of CPU `c`: the base is that instruction's. */
  pteWrite(c: Cpu, f: PteWriteFacts): void {
    const k = f.cause;
    const b = { cpu: k.cpu, icount: k.icount, rip: u64(k.rip), rsp: u64Pair(c.rlo[RSP]!, c.rhi[RSP]!) }; // prettier-ignore
    const [old, now] = [u64Pair(k.oldLo, k.oldHi), u64Pair(k.newLo, k.newHi)];
    const pages = f.pages.map(u64);
    this.sink.event({ kind: "pte-write", ...b, entry: u64(k.entry), level: k.level, old, new: now, changed: f.changed, affected: f.affected, pages, pcids: f.pcids, cpus: f.cpus }); // prettier-ignore
  }

  /** (TLB audit) CPU `c` uses a stale entry, in the instruction at its RIP. */
  staleTlb(c: Cpu, f: StaleTlbFacts): void {
    const e = f.entry;
    const k = f.cause;
    const ev: StaleTlbEvent = {
      kind: "stale-tlb",
      ...this.base(c, c.rip),
      address: u64(f.lin),
      pcid: c.pcid,
      access: ACCESS_NAMES[f.acc],
      page: u64(e.page),
      global: e.global,
      pageSize: e.span,
      tlbFrame: u64(e.frame),
      tlbRights: rightsText((e.raw & RAW_RW) !== 0, (e.raw & RAW_US) !== 0, (e.raw & RAW_XD) !== 0, e.global), // prettier-ignore
      writeCpu: k.cpu,
      writeIcount: k.icount,
      writeRip: u64(k.rip),
      entry: u64(k.entry),
      level: k.level,
      old: u64Pair(k.oldLo, k.oldHi),
      new: u64Pair(k.newLo, k.newHi),
    };
    if (f.walk !== undefined) {
      ev.walkFrame = u64(f.walk.frame);
      ev.walkRights = rightsText(f.walk.writable, f.walk.user, f.walk.nx, false);
    } else ev.walkFault = f.fault;
    this.sink.event(ev);
  }
}

/** `W|U|NX|G`: a translation's rights as the audit events show them (`-` for none). */
export function rightsText(w: boolean, u: boolean, nx: boolean, g: boolean): string {
  const names = [w && "W", u && "U", nx && "NX", g && "G"].filter((n): n is string => n !== false);
  return names.length === 0 ? "-" : names.join("|");
}

/** What the TLB audit hands the emitter for a `pte-write` (../tlb-audit.ts). */
export interface PteWriteFacts {
  cause: StaleCause;
  changed: string;
  affected: number;
  pages: number[];
  pcids: number[];
  cpus: number[];
}

/** What the TLB audit hands the emitter for a `stale-tlb`. */
export interface StaleTlbFacts {
  lin: number;
  acc: AccessKind;
  entry: TlbEntry;
  cause: StaleCause;
  /** A walk now: its result, or undefined with `fault` its #PF error code. */
  walk: WalkResult | undefined;
  fault: number | undefined;
}

/** What deliver() knows at its commit point (one object per delivery: a rare path). */
export interface DeliveryFacts {
  vector: number;
  errorCode: number;
  soft: boolean;
  trapGate: boolean;
  ist: number;
  newCpl: number;
  handler: number;
  /** RSP after the pushes (the frame's address). */
  newRsp: number;
  oldRsp: number;
  rflags: number;
  returnRip: number;
}

// ---- the "insn" level ------------------------------------------------------------------------

type WriteFn = (lin: number, ...rest: number[]) => void;

/**
 * The per-instruction observer of the "insn" level: the machine calls before() and after()
 * around each interpreted instruction. Memory writes are seen by wrapping THIS CPU's write
 * methods (instance properties shadowing the prototype's: untraced CPUs are untouched), once per
 * architectural write (nested calls of a split write are not counted twice).
 */
export class InsnTap {
  private readonly savedLo = new Int32Array(16);
  private readonly savedHi = new Int32Array(16);
  private writes: MemWrite[] = [];
  private depth = 0;
  private readonly probe = new WalkResult();

  constructor(
    private readonly c: Cpu,
    private readonly ev: EventEmitter,
  ) {
    this.wrap("write8", 1, false);
    this.wrap("write16", 2, false);
    this.wrap("write32", 4, false);
    this.wrap("write64", 8, false);
    this.wrap("writeImplicit32", 4, true);
  }

  private wrap(name: "write8" | "write16" | "write32" | "write64" | "writeImplicit32", size: number, implicit: boolean): void {
    const c = this.c;
    const orig = (c[name] as WriteFn).bind(c);
    const tapped: WriteFn = (lin, lo = 0, hi = 0) => {
      this.depth++;
      try {
        orig(lin, lo, hi);
      } finally {
        this.depth--;
      }
      if (this.depth === 0) this.record(lin, size, lo, hi, implicit);
    };
    (c as unknown as Record<string, WriteFn>)[name] = tapped;
  } // prettier-ignore

  private record(lin: number, size: number, lo: number, hi: number, implicit: boolean): void {
    const value = size === 8 ? u64Pair(lo, hi) : BigInt((lo >>> 0) % 2 ** (size * 8));
    this.writes.push({ address: u64(lin), physical: u64(this.physical(lin, implicit)), size, value }); // prettier-ignore
  }

  /** The physical address of a write that just succeeded: a side-effect-free walk. */
  private physical(lin: number, implicit: boolean): number {
    const c = this.c;
    if (!c.pagingOn) return lin;
    const user = c.cpl === 3 && !implicit;
    const w = walk(c.mem, c.controls, lin, ACC_WRITE, user, implicit, this.probe);
    const off = lin & PAGE_MASK;
    return w.ok ? w.frame + off : -1;
  }

  before(): void {
    this.savedLo.set(this.c.rlo);
    this.savedHi.set(this.c.rhi);
    this.writes = [];
  }

  /** After `op` at `rip` retired; `icount` is the count before it. */
  after(op: Op, rip: number, icount: number): void {
    const c = this.c;
    const regs: RegChange[] = [];
    for (let r = 0; r < 16; r++) {
      if (c.rlo[r] === this.savedLo[r] && c.rhi[r] === this.savedHi[r]) continue;
      regs.push({ reg: GPR64[r]!, old: u64Pair(this.savedLo[r]!, this.savedHi[r]!), new: u64Pair(c.rlo[r]!, c.rhi[r]!) }); // prettier-ignore
    }
    const rsp = u64Pair(c.rlo[RSP]!, c.rhi[RSP]!);
    this.ev.sink.event({ kind: "insn", cpu: c.id, icount, rip: u64(rip), rsp, insn: op.insn, length: op.len, regs, writes: this.writes }); // prettier-ignore
    this.writes = [];
  }
}
