// Regions that come and go with tasks at run time. The boot builder names each boot task's
// memory ("kernel stack of pid 1", "user stack of pid 1", "task_struct of pid 1"...); fork makes
// tasks it never saw. The kernel's sched_process_fork record carries what naming a child takes
// (its kernel stack range and its kernel PGD, src/vm/devices/trace.ts), and sched_process_free
// says when a task's memory goes back to the allocator, after which a later task may get the same
// frames. The recorder and the debugger both follow these records through this file, so a trace
// and a debugging session name a forked task's stacks alike.
//
// Under PTI with per-task stacks (patch 3) a task's PTI stack is the top page of its kernel stack
// at the same address, so "kernel stack of pid N" covers it: there is no separate range to name.
import type { SchedForkEvent, SchedFreeEvent } from "../vm/index.js";
import { isPerSpace, type Region, type RegionMap } from "./regions.js";

/** The boot builder's names (src/kernel-rt/boot/tasks.ts), and the ones given to forked tasks. */
export function kernelStackName(pid: number): string {
  return `kernel stack of pid ${pid}`;
}

export function userStackName(pid: number): string {
  return `user stack of pid ${pid}`;
}

/** `... of pid N`: every region the boot builder or a fork named after task N. */
const OF_PID = / of pid (\d+)$/;

/**
 * The regions a fork names: the child's kernel stack, and its user stack — the parent's user
 * stack range (fork copies the address space) in the child's own address space.
 */
export function forkRegions(f: SchedForkEvent, map: RegionMap): Region[] {
  const out: Region[] = [{ name: kernelStackName(f.childPid), start: f.stack, end: f.stack + BigInt(f.stackSize) }]; // prettier-ignore
  const parent = map.named(userStackName(f.parentPid));
  if (parent !== undefined && isPerSpace(parent))
    out.push({
      name: userStackName(f.childPid),
      start: parent.start,
      end: parent.end,
      space: f.pgd,
    });
  return out;
}

/** Whether a region is named after task `pid` (its memory is freed with it). */
export function isRegionOf(pid: number): (r: Region) => boolean {
  return (r) => Number(OF_PID.exec(r.name)?.[1] ?? Number.NaN) === pid;
}

/** Follow one fork or free record: name the child's regions, or drop the freed task's. */
export function followTaskRegions(map: RegionMap, e: SchedForkEvent | SchedFreeEvent): Region[] {
  if (e.kind === "sched-process-fork") {
    map.add(forkRegions(e, map));
    return [];
  }
  return map.remove(isRegionOf(e.pid));
}
