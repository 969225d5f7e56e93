// The trace device: the port through which a guest kernel's tracepoints reach the event stream,
// the way Linux's `sched_switch`, `sched_wakeup`, `sched_process_exit`, `sched_process_fork`,
// `sched_process_free` and `signal_deliver` reach ftrace. The
// kernel fills a small record (on its stack), then executes one `outl %eax, %dx` with
//   DX  = TRACE_PORT,
//   EAX = the record's type (TRACE_SCHED_*),
//   RDI = the record's virtual address,
// like a hypercall: the device reads RDI from the CPU that wrote, and the record through that
// CPU's current page tables (a probe walk: no TLB fill, no A/D bits, no fault). Without an event
// sink the write costs nothing beyond the OUT: the device returns before it looks at anything.
// A record the page tables do not map, or an unknown type, is ignored.
//
// Records (little-endian; `comm` is Linux's TASK_COMM_LEN = 16 bytes, NUL-padded):
//
//   TRACE_SCHED_SWITCH (1), 56 bytes       TRACE_SCHED_WAKEUP (2), 40 bytes
//     0  char prev_comm[16]                  0  char comm[16]
//    16  u64  prev_pid                      16  u64  pid
//    24  u64  prev_state (TASK_* bits)      24  u64  target_cpu
//    32  char next_comm[16]                 32  u64  by_pid (the waker: current)
//    48  u64  next_pid
//
//   TRACE_SCHED_EXIT (3), 24 bytes         TRACE_SIGNAL_DELIVER (4), 40 bytes
//     0  char comm[16]                       0  u64  sig
//    16  u64  pid                            8  u64  errno
//                                           16  u64  code (si_code, signed)
//                                           24  u64  sa_handler
//                                           32  u64  sa_flags
//
//   TRACE_SCHED_FORK (5), 72 bytes         TRACE_SCHED_FREE (6), 24 bytes
//     0  char parent_comm[16]                0  char comm[16]
//    16  u64  parent_pid                    16  u64  pid
//    24  char child_comm[16]
//    40  u64  child_pid
//    48  u64  stack (the child's kernel stack, lowest address)
//    56  u64  stack_size
//    64  u64  pgd (physical address of the child's kernel PGD)
// The fork record's last three fields are entrylab's, not Linux's: what a trace reader needs to
// name the child's stacks as the boot builder names the boot tasks'.
import { RDI } from "../../isa/registers.js";
import { TWO32, type Cpu } from "../cpu.js";
import { PAGE_MASK } from "../mmu/phys.js";
import { ACC_READ, walk, WalkResult } from "../mmu/walk.js";
import type { PortDevice } from "./bus.js";

/** A port no other device claims (COM1 0x3F8–0x3FF, isa-debug-exit 0xF4). */
export const TRACE_PORT = 0xe0;

export const TRACE_SCHED_SWITCH = 1;
export const TRACE_SCHED_WAKEUP = 2;
export const TRACE_SCHED_EXIT = 3;
export const TRACE_SIGNAL_DELIVER = 4;
export const TRACE_SCHED_FORK = 5;
export const TRACE_SCHED_FREE = 6;

/** Linux's TASK_COMM_LEN. */
export const TASK_COMM_LEN = 16;

/** Linux's task state bits, as `prev_state` carries them (include/linux/sched.h). */
export const TASK_RUNNING = 0;
export const TASK_INTERRUPTIBLE = 0x1;
export const TASK_UNINTERRUPTIBLE = 0x2;
export const TASK_DEAD = 0x80;

/** `prev_state` by name: what a trace reader needs to tell a preemption from a sleep or an exit. */
export type TaskStateName = "running" | "sleeping" | "dead" | `state 0x${string}`;

export function taskStateName(state: number): TaskStateName {
  if (state === TASK_RUNNING) return "running";
  if ((state & TASK_DEAD) !== 0) return "dead";
  if ((state & (TASK_INTERRUPTIBLE | TASK_UNINTERRUPTIBLE)) !== 0) return "sleeping";
  return `state 0x${state.toString(16)}`;
}

/** A decoded sched_switch record. */
export interface SchedSwitchFields {
  prevComm: string;
  prevPid: number;
  prevState: TaskStateName;
  nextComm: string;
  nextPid: number;
}

export interface SchedWakeupFields {
  comm: string;
  pid: number;
  targetCpu: number;
  by: number;
}

export interface SchedExitFields {
  comm: string;
  pid: number;
}

/** A decoded sched_process_fork record: Linux's fields, then the child's stack and PGD. */
export interface SchedForkFields {
  parentComm: string;
  parentPid: number;
  childComm: string;
  childPid: number;
  /** The child's kernel stack: lowest address and size. */
  stack: bigint;
  stackSize: number;
  /** Physical address of the child's kernel PGD: its address space (trace/regions.ts). */
  pgd: bigint;
}

/** A decoded sched_process_free record. */
export interface SchedFreeFields {
  comm: string;
  pid: number;
}

/** A decoded signal_deliver record (Linux's fields: sig, errno, code, sa_handler, sa_flags). */
export interface SignalDeliverFields {
  sig: number;
  errno: number;
  /** si_code by name (SI_USER, SEGV_MAPERR...), or in decimal when the model has no name for it. */
  code: string;
  handler: bigint;
  flags: number;
}

/** Record sizes by type: what the device reads. */
const RECORD_BYTES: Readonly<Record<number, number>> = {
  [TRACE_SCHED_SWITCH]: 56,
  [TRACE_SCHED_WAKEUP]: 40,
  [TRACE_SCHED_EXIT]: 24,
  [TRACE_SIGNAL_DELIVER]: 40,
  [TRACE_SCHED_FORK]: 72,
  [TRACE_SCHED_FREE]: 24,
};
const PAGE_SIZE = PAGE_MASK + 1;
/** Printable ASCII: a comm shows as text; other bytes as `?`. */
const FIRST_PRINTABLE = 0x20;
const LAST_PRINTABLE = 0x7e;

export class TraceDevice implements PortDevice {
  private readonly probe = new WalkResult();

  /** Nothing to read: all ones, as an unclaimed port. */
  in(_port: number, size: number): number {
    return size === 32 ? 0xffffffff : (1 << size) - 1;
  }

  out(_port: number, _size: number, value: number, c?: Cpu): void {
    // Tracing off: nothing to do, nothing read.
    if (c === undefined || c.ev === undefined) return;
    const bytes = RECORD_BYTES[value];
    if (bytes === undefined) return;
    const rec = this.read(c, c.rlo[RDI]!, c.rhi[RDI]!, bytes);
    if (rec === undefined) return;
    if (value === TRACE_SCHED_SWITCH) c.ev.schedSwitch(c, decodeSwitch(rec));
    else if (value === TRACE_SCHED_WAKEUP) c.ev.schedWakeup(c, decodeWakeup(rec));
    else if (value === TRACE_SCHED_EXIT) c.ev.schedExit(c, decodeExit(rec));
    else if (value === TRACE_SCHED_FORK) c.ev.schedFork(c, decodeFork(rec));
    else if (value === TRACE_SCHED_FREE) c.ev.schedFree(c, decodeExit(rec));
    else c.ev.signalDeliver(c, decodeSignal(rec));
  }

  /** `n` bytes at the linear address hi:lo through the CPU's page tables; undefined if unmapped. */
  private read(c: Cpu, lo: number, hi: number, n: number): Uint8Array | undefined {
    const lin = hi * TWO32 + (lo >>> 0); // the signed canonical address as a double
    const out = new Uint8Array(n);
    let i = 0;
    while (i < n) {
      const at = lin + i;
      const pa = this.physical(c, at);
      if (pa < 0) return undefined;
      const chunk = Math.min(n - i, PAGE_SIZE - (pa & PAGE_MASK));
      for (let k = 0; k < chunk; k++) out[i + k] = c.mem.read8(pa + k);
      i += chunk;
    }
    return out;
  }

  private physical(c: Cpu, lin: number): number {
    if (!c.pagingOn) return lin;
    // A supervisor implicit read: the device is not the CPU, so SMAP and U/S do not apply.
    const w = walk(c.mem, c.controls, lin, ACC_READ, false, false, this.probe);
    return w.ok ? w.frame + (lin & PAGE_MASK) : -1;
  }
}

function u64At(b: Uint8Array, off: number): number {
  const v = new DataView(b.buffer, b.byteOffset + off, 8);
  // Pids, CPUs and states are small; the high half only matters for a garbage record.
  return v.getUint32(0, true) + v.getUint32(4, true) * TWO32;
}

function commAt(b: Uint8Array, off: number): string {
  let s = "";
  for (let i = 0; i < TASK_COMM_LEN; i++) {
    const ch = b[off + i]!;
    if (ch === 0) break;
    s += ch >= FIRST_PRINTABLE && ch <= LAST_PRINTABLE ? String.fromCharCode(ch) : "?";
  }
  return s;
}

function decodeSwitch(b: Uint8Array): SchedSwitchFields {
  return { prevComm: commAt(b, 0), prevPid: u64At(b, 16), prevState: taskStateName(u64At(b, 24)), nextComm: commAt(b, 32), nextPid: u64At(b, 48) }; // prettier-ignore
}

function decodeWakeup(b: Uint8Array): SchedWakeupFields {
  return { comm: commAt(b, 0), pid: u64At(b, 16), targetCpu: u64At(b, 24), by: u64At(b, 32) };
}

function decodeExit(b: Uint8Array): SchedExitFields {
  return { comm: commAt(b, 0), pid: u64At(b, 16) };
}

function decodeFork(b: Uint8Array): SchedForkFields {
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  return {
    parentComm: commAt(b, 0),
    parentPid: u64At(b, 16),
    childComm: commAt(b, 24),
    childPid: u64At(b, 40),
    stack: view.getBigUint64(48, true),
    stackSize: u64At(b, 56),
    pgd: view.getBigUint64(64, true),
  };
}

/** The si_code values the model kernel sends (<uapi/asm-generic/siginfo.h>), by signal where they overlap. */
const SI_CODES: Readonly<Record<number, string>> = {
  0: "SI_USER",
  0x80: "SI_KERNEL",
  [-6]: "SI_TKILL",
};
const FAULT_CODES: Readonly<Record<number, Readonly<Record<number, string>>>> = {
  4: { 2: "ILL_ILLOPN" }, // SIGILL
  7: { 2: "BUS_ADRERR" }, // SIGBUS
  8: { 1: "FPE_INTDIV" }, // SIGFPE
  11: { 1: "SEGV_MAPERR", 2: "SEGV_ACCERR" }, // SIGSEGV
};

function i64At(b: Uint8Array, off: number): number {
  return Number(new DataView(b.buffer, b.byteOffset + off, 8).getBigInt64(0, true));
}

function decodeSignal(b: Uint8Array): SignalDeliverFields {
  const sig = u64At(b, 0);
  const code = i64At(b, 16);
  const name = SI_CODES[code] ?? FAULT_CODES[sig]?.[code] ?? String(code);
  const view = new DataView(b.buffer, b.byteOffset, b.length);
  return { sig, errno: u64At(b, 8), code: name, handler: view.getBigUint64(24, true), flags: u64At(b, 32) }; // prettier-ignore
}
