// vm: the machine that runs entrylab bytecode — CPU state, physical memory, the paging unit and
// TLB, the decoded-block cache and run loop, instruction semantics, exceptions, devices and the
// flat64 loader. Imports only isa, obj and diag.
import type { Diagnostic } from "../diag/index.js";
import type { ObjectFile } from "../obj/types.js";
import { checkFlat64, loadFlat64Image } from "./loader.js";
import { Machine as MachineCore } from "./machine.js";
import type { MachineOptions } from "./machine.js";

export type { Injection, MachineOptions, RunReason, RunResult } from "./machine.js";
export { DEFAULT_QUANTUM, MAX_CPUS } from "./machine.js";
export type { CpuSnapshot } from "./snapshot.js";
export { EVENT_LEVELS, VM_EVENT_KINDS, u64, u64Pair } from "./events.js";
export type {
  EventLevel,
  EventSink,
  VmEvent,
  VmEventKind,
  EventBase,
  SyscallEvent,
  SysretEvent,
  DeliverEvent,
  IretEvent,
  IretFrame,
  StackSource,
  InterruptEvent,
  PageFaultEvent,
  DoubleFaultEvent,
  TripleFaultEvent,
  CrWriteEvent,
  WrmsrEvent,
  SwapgsEvent,
  InvalidateEvent,
  WalkEvent,
  TlbFillEvent,
  InsnEvent,
  RegChange,
  MemWrite,
  RunEndEvent,
  EndReason,
  PteWriteEvent,
  StaleTlbEvent,
  SchedSwitchEvent,
  SchedWakeupEvent,
  SchedExitEvent,
  SignalDeliverEvent,
  SchedForkEvent,
  SchedFreeEvent,
} from "./events.js";
export { GLOBAL_PCID, MAX_LISTED as PTE_WRITE_MAX_LISTED } from "./tlb-audit.js";
export {
  TRACE_PORT,
  TRACE_SCHED_SWITCH,
  TRACE_SCHED_WAKEUP,
  TRACE_SCHED_EXIT,
  TRACE_SIGNAL_DELIVER,
  TRACE_SCHED_FORK,
  TRACE_SCHED_FREE,
  taskStateName,
  type TaskStateName,
} from "./devices/trace.js";
export type { FaultRecord } from "./fault.js";
export { snapshot } from "./snapshot.js";
export {
  walk,
  WalkResult,
  PFEC_P,
  PFEC_W,
  PFEC_U,
  PFEC_RSVD,
  PFEC_I,
  PTE_P,
  PTE_RW,
  PTE_US,
  PTE_A,
  PTE_D,
  PTE_PS,
  PTE_G,
  PTE_HI_XD,
  ACC_READ,
  ACC_WRITE,
  ACC_FETCH,
} from "./mmu/walk.js";
export type { WalkControls, AccessKind } from "./mmu/walk.js";
export { PhysMem, DEFAULT_MEM_SIZE, MAX_MEM_SIZE } from "./mmu/phys.js";
export { Cpu } from "./cpu.js";
export * from "./loader.js";
export { VECTOR_NAMES } from "./fault.js";
export { FEATURE_NAMES, VENDORS, defaultFeatures, parseFeatures } from "./sys/features.js";
export type { Features, FeatureName, Vendor } from "./sys/features.js";
export { TLB_POLICIES } from "./mmu/tlb-store.js";
export { mappedRanges, formatRanges, formatTlb, pagingStructurePages } from "./mmu/ptdump.js";
export type { MappedRange } from "./mmu/ptdump.js";
export type { TlbPolicy } from "./mmu/tlb-store.js";

/** A machine with the flat64 loader attached. */
export class Machine extends MachineCore {
  /** Load an ET_EXEC image with the flat64 protocol; returns the problems (empty on success). */
  loadFlat64(image: ObjectFile): Diagnostic[] {
    const problems = checkFlat64(image, this.mem.size);
    if (problems.length > 0) return problems;
    for (const b of this.caches) b.clear();
    for (const c of this.cpus) loadFlat64Image(c, this.mem, image);
    return [];
  }
}

export function createMachine(opts: MachineOptions = {}): Machine {
  return new Machine(opts);
}

/** Control-register and EFER bits, and descriptor access, for the kernel boot builder (src/kernel-rt). */
export {
  CR0_ET,
  CR0_MP,
  CR0_NE,
  CR0_PE,
  CR0_PG,
  CR0_WP,
  CR4_FSGSBASE,
  CR4_PAE,
  CR4_PCIDE,
  CR4_PGE,
  CR4_SMAP,
  CR4_SMEP,
  EFER_LMA,
  EFER_LME,
  EFER_NXE,
  EFER_SCE,
  RFLAGS_FIXED,
} from "./cpu.js";
export { readDescriptor, setSegment } from "./sys/descriptors.js";
