// One line per VM event a step made, as `si` prints them (`[swapgs: ...]`), and the per-task
// trail of entries (SYSCALL, event deliveries) not yet left by SYSRET/IRET that `where` shows.
import type { VmEvent } from "../vm/index.js";
import { hex, type Names } from "./names.js";
import { pfText } from "./views.js";

/** A kernel entry still open: how the CPU came in and where it will return to. */
export interface TrailEntry {
  how: string;
  rip: bigint;
}

/** The one-line text of an event, or undefined for the kinds `si` keeps quiet about. */
export function eventText(e: VmEvent, names: Names): string | undefined {
  switch (e.kind) {
    case "syscall":
      return `syscall: rax ${hex(e.rax, 0)}, rip -> ${names.where(e.target)} (LSTAR), CPL 3 -> 0`;
    case "sysret":
      return `sysretq: back to ${names.where(e.target)} (from RCX), CS 0x${e.cs.toString(16)} SS 0x${e.ss.toString(16)}, CPL 0 -> 3`; // prettier-ignore
    case "deliver":
      return `delivered ${vectorLabel(e.name, e.vector, e.frame.errorCode)} through the IDT's ${e.gate} gate, stack ${e.stack}, CPL ${e.fromCpl} -> ${e.toCpl}, frame at ${hex(e.rsp)}`; // prettier-ignore
    case "iret":
      return `iretq: back to ${names.where(e.frame.rip)}, rsp ${hex(e.frame.rsp)}, CPL ${e.fromCpl} -> ${e.toCpl}`; // prettier-ignore
    case "interrupt":
      return e.nmi ? "NMI taken" : `interrupt ${e.vector} taken`;
    case "page-fault":
      return `page fault at ${hex(e.address)}: ${pfText(e.errorCode)} (cr2 set)`;
    case "double-fault":
      return `double fault: vector ${e.first} then ${e.second}`;
    case "triple-fault":
      return "triple fault (shutdown)";
    case "cr": {
      if (e.reg !== "cr3") return `${e.reg} write: ${hex(e.old, 0)} -> ${hex(e.new, 0)}`;
      const which = names.pgdName(Number(e.new));
      const noflush = e.noflush ? ", no-flush (bit 63)" : "";
      return `cr3 write: ${hex(e.old, 0)} -> ${hex(e.new, 0)}${which ? ` (${which})` : ""}, PCID ${e.pcid}${noflush}, ${e.flushed} TLB entries flushed`; // prettier-ignore
    }
    case "wrmsr":
      return `wrmsr 0x${e.msr.toString(16)} = ${hex(e.value, 0)}`;
    case "swapgs":
      return `swapgs: gs_base ${hex(e.gsBase)}, kernel_gs_base ${hex(e.kernelGsBase)}`;
    case "invlpg":
    case "invpcid":
      return `${e.kind} ${hex(e.address, 0)} PCID ${e.pcid}: ${e.flushed} entries flushed`;
    case "sched-switch":
      return `sched_switch: pid ${e.prevPid} (${e.prevComm}, ${e.prevState}) -> pid ${e.nextPid} (${e.nextComm})`; // prettier-ignore
    case "sched-process-fork":
      return `sched_process_fork: pid ${e.parentPid} (${e.parentComm}) -> child pid ${e.childPid}, kernel stack ${hex(e.stack)}`; // prettier-ignore
    case "sched-process-free":
      return `sched_process_free: pid ${e.pid} (${e.comm}), its stack back to the allocator`;
    default:
      return undefined;
  }
}

/** `#PF (vector 14, error code 0x2)`, `vector 236`: a vector named once, with its error code. */
export function vectorLabel(name: string, vector: number, errorCode?: number): string {
  const parts = name.startsWith("vector") ? [] : [`vector ${vector}`];
  if (errorCode !== undefined) parts.push(`error code ${hex(errorCode, 0)}`);
  return parts.length === 0 ? name : `${name} (${parts.join(", ")})`;
}

/** Update a trail with an event: entries open on SYSCALL and delivery, close on SYSRET/IRET. */
export function followTrail(trail: TrailEntry[], e: VmEvent): void {
  if (e.kind === "syscall") trail.push({ how: "SYSCALL", rip: e.rip });
  else if (e.kind === "deliver") trail.push({ how: e.name, rip: e.frame.rip });
  else if (e.kind === "sysret" || e.kind === "iret") trail.pop();
}
