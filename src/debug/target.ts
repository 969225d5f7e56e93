// What the debugger works on: a machine (built with a DebugEvents sink, so the debugger sees
// SYSCALLs, deliveries, CR3 writes... as they happen), the images whose symbols and line tables
// name addresses, and what a kernel's boot builder knows that the machine does not — its named
// regions (stacks, page tables), its PTI PGD pairs, its per-CPU areas and its tasks. The CLI
// fills it from `entrylab run` or `entrylab kernel run` options; a browser page can do the same.
import type { ObjectFile } from "../obj/index.js";
import type { Region } from "../trace/index.js";
import type { EventSink, Machine, VmEvent } from "../vm/index.js";

/** A PTI PGD pair (the user PGD is the kernel PGD + 4 KiB) and whose it is: `pid 1`, `swapper`. */
export interface PgdPair {
  kernel: number;
  owner: string;
}

export interface DebugTask {
  pid: number;
  name: string;
  /** Physical address of the task's kernel PGD (its address space). */
  pgd: number;
}

export interface DebugTarget {
  machine: Machine;
  /** The sink the machine was created with (MachineOptions.events). */
  events: DebugEvents;
  /** Images that name addresses, the kernel first (symbols, `file:line`). */
  images: ObjectFile[];
  /** Named run-time regions (the kernel boot builder's stacks, PGDs...). */
  regions?: readonly Region[];
  /** The PTI PGD pairs, when the machine runs a kernel with page-table isolation. */
  pgdPairs?: readonly PgdPair[];
  /** Each CPU's per-CPU area: the kernel's GS base on that CPU. */
  perCpu?: readonly bigint[];
  tasks?: readonly DebugTask[];
  /** Source text of a file named by a line table, for `disas` (undefined: not available). */
  readSource?(file: string): string | undefined;
}

/**
 * The event sink a debugged machine reports to ("system" level: no per-instruction cost). The
 * debugger drains it after each step to see what that step did.
 */
export class DebugEvents implements EventSink {
  readonly level = "system" as const;
  pending: VmEvent[] = [];

  event(e: VmEvent): void {
    this.pending.push(e);
  }

  drain(): VmEvent[] {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}
