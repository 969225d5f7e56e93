// The FS base and the user's GS base follow their task (src/kernel-rt/runtime/sched.c: save_fsgs
// and x86_fsgsbase_load in __switch_to; fork.c: copy_thread copies the parent's, as Linux v5.10's
// process_64.c and process.c do).
//   - With FSGSBASE, programs/user/fsbase.S loads its own bases with WRFSBASE/WRGSBASE, forks,
//     yields, and prints what it finds: a boot task starts with 0, a child with its parent's, and
//     each task keeps its own across the switches. The kernel of
//     programs/patches/fsgs-0002-...-wrong.patch leaves them on the CPU: each task finds the
//     last one's.
//   - Without FSGSBASE user mode cannot load them (fsbase.S dies of SIGILL), and the model has no
//     arch_prctl: the test loads them into the CPU while a task runs in user mode, as the kernel
//     would for it, and reads what the kernel keeps (thread.fsbase/gsbase) and loads (WRMSR).
import { describe, expect, it } from "vitest";
import { PAGE_OFFSET } from "../../../src/kernel-rt/index.js";
import type { KernelBuild, KernelConfig } from "../../../src/kernel-rt/index.js";
import { SEG_FS, SEG_GS } from "../../../src/isa/index.js";
import { parseFeatures } from "../../../src/vm/index.js";
import type { Features } from "../../../src/vm/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { DESIGNS, bootRecorded, patchedKernel, type RecordedBoot } from "./helpers.js";

const LEAVE_ON_CPU = "programs/patches/fsgs-0002-x86-fsgsbase-leave-the-fs-and-gs-base-on-the-cpu-wrong.patch"; // prettier-ignore
const PTI_OFF: KernelConfig = { pti: false, pcid: false };
const MAX_INSNS = 2_000_000;
const STEP_LIMIT = 200_000;
/** isa-debug-exit statuses: (v << 1) | 1. */
const status = (v: number) => (v << 1) | 1;
/** SDM vol. 4, table 2-2. */
const MSR_FS_BASE = 0xc0000100;
const MSR_KERNEL_GS_BASE = 0xc0000102;
const PAGE_MASK = 0xfff;
/** #UD: RDFSBASE with CR4.FSGSBASE clear (SDM vol. 2B, RDFSBASE). */
const VEC_UD = 6;
/** Bases the test loads for a task without FSGSBASE: user addresses, one per pid. */
const fsFor = (pid: number) => 0x5a0000001000 + pid;
const gsFor = (pid: number) => 0x6b0000002000 + pid;
/** What the kernel's C for the switch may run, by function. */
const SWITCH_FNS = /^(save_fsgs|x86_fsgsbase_load|__rdgsbase_inactive|__wrgsbase_inactive|rdfsbase|rdgsbase|wrfsbase|wrgsbase|native_swapgs|native_read_msr|native_write_msr)\+/; // prettier-ignore

type Booted = RecordedBoot;

function bootUsers(
  k: KernelBuild,
  users: string[],
  config: KernelConfig,
  machine: { cpus?: number; features?: Features } = {},
  level: "system" | "insn" = "system",
): Booted {
  return bootRecorded(k, users, config, { maxInsns: MAX_INSNS, ...machine }, level);
}

/** fsbase.S's lines, sorted: tasks on one CPU and tasks on two interleave differently. */
const lines = (out: string) =>
  out
    .split("\n")
    .filter((l) => l.startsWith("fsbase:"))
    .sort();

/**
 * What fsbase.S must print for boot tasks 1..n and their children n+1..2n, `parent[c]` being the
 * parent of child c (which boot task forks first depends on the CPUs).
 */
function expected(n: number, parent: (child: number) => number = (c) => c - n): string[] {
  const out: string[] = [];
  for (let pid = 1; pid <= n; pid++) {
    const child = pid + n;
    const p = parent(child);
    out.push(`fsbase: pid ${pid} starts with FS base 0 and GS base 0`);
    out.push(`fsbase: pid ${child} child of ${p} starts with FS base pid ${p}'s and GS base pid ${p}'s`); // prettier-ignore
    out.push(`fsbase: pid ${pid} after 3 yields has FS base its own and GS base its own`);
    out.push(`fsbase: pid ${child} child of ${p} after 3 yields has FS base its own and GS base its own`); // prettier-ignore
  }
  return out.sort();
}

/** The parents fsbase.S's children name ("pid C child of P"). */
function parents(out: string): Map<number, number> {
  return new Map([...out.matchAll(/pid (\d+) child of (\d+) starts/g)].map((m) => [Number(m[1]), Number(m[2])])); // prettier-ignore
}

describe("FS and GS base across task switches, with FSGSBASE (fsbase.S)", () => {
  for (const d of DESIGNS.filter((x) => x.patches.length === 0)) {
    it(`gives each task its own, 0 at boot and the parent's at fork: ${d.name}, 1 CPU`, () => {
      const v = bootUsers(patchedKernel([]), ["fsbase", "fsbase"], d.config);
      const r = v.m.run();
      expect(lines(v.output())).toEqual(expected(2));
      expect(r.exitStatus).toBe(status(0));
    });
  }

  it("gives each task its own on two CPUs", () => {
    const v = bootUsers(patchedKernel([]), ["fsbase", "fsbase"], DESIGNS[1]!.config, { cpus: 2 });
    const r = v.m.run();
    const p = parents(v.output());
    expect([...p.values()].sort()).toEqual([1, 2]);
    expect(lines(v.output())).toEqual(expected(2, (c) => p.get(c)!));
    expect(r.exitStatus).toBe(status(0));
  });

  it("leaks them from task to task when the switch leaves them on the CPU (the patch)", () => {
    const v = bootUsers(patchedKernel([LEAVE_ON_CPU]), ["fsbase", "fsbase"], DESIGNS[1]!.config);
    const r = v.m.run();
    const got = lines(v.output());
    // Each new task finds the bases of the task that ran before it, not 0 or its parent's...
    expect(got).toContain("fsbase: pid 2 starts with FS base pid 1's and GS base pid 1's");
    expect(got).toContain("fsbase: pid 3 child of 1 starts with FS base pid 2's and GS base pid 2's"); // prettier-ignore
    // ...and a task switched back in finds the last task's: all but that one lost their own.
    const after = got.filter((l) => l.includes("after 3 yields"));
    expect(after).toHaveLength(4);
    expect(after.filter((l) => !l.endsWith("FS base its own and GS base its own"))).toHaveLength(3); // prettier-ignore
    expect(got).not.toEqual(expected(2));
    expect(r.exitStatus).toBe(status(0));
  });

  it("dies of SIGILL without FSGSBASE: user mode cannot load a base", () => {
    const features = parseFeatures("-fsgsbase") as Features;
    const v = bootUsers(patchedKernel([]), ["fsbase"], PTI_OFF, { features });
    v.m.run();
    expect(lines(v.output())).toEqual([]);
    // SIGILL's default action ends the task: a #UD, no line printed.
    expect(v.records.some((x) => x.kind === "deliver" && x.vector === VEC_UD)).toBe(true);
  });

  it("switches them with RDFSBASE/WRFSBASE and SWAPGS around RD/WRGSBASE, no MSR", () => {
    const v = bootUsers(patchedKernel([]), ["yield", "yield"], PTI_OFF, {}, "insn");
    expect(v.m.run().exitStatus).toBe(status(0));
    const ran = switchMnemonics(v.records);
    expect([...ran].sort()).toEqual(expect.arrayContaining(["rdfsbase", "rdgsbase", "swapgs", "wrfsbase", "wrgsbase"])); // prettier-ignore
    expect(ran.has("rdmsr")).toBe(false);
    expect(ran.has("wrmsr")).toBe(false);
  });
});

/** The mnemonics the switch's functions ran. */
function switchMnemonics(records: readonly TraceRecord[]): Set<string> {
  const out = new Set<string>();
  for (const x of records)
    if (x.kind === "insn" && SWITCH_FNS.test(x.sym ?? "")) out.add(x.text.split(" ")[0]!);
  return out;
}

/** The boot task a CPU runs in user mode, by its CR3 (PTI off: the kernel PGD), or undefined. */
function userPid(v: Booted, cpu: number): number | undefined {
  const c = v.m.cpus[cpu]!;
  if (c.cpl !== 3) return undefined;
  return v.b.tasks.find((t) => t.pgd === c.cr3 - (c.cr3 & PAGE_MASK))?.pid;
}

function stepToUser(v: Booted, pid: number): void {
  for (let n = 0; n < STEP_LIMIT; n++) {
    if (userPid(v, 0) === pid) return;
    expect(v.m.debugStep(0)).toBeUndefined();
  }
  throw new Error("step limit");
}

/** A boot task's thread.fsbase and thread.gsbase, read from guest memory (direct map). */
function threadBases(k: KernelBuild, v: Booted, pid: number): [number, number] {
  const pa = Number(v.b.tasks.find((t) => t.pid === pid)!.task - PAGE_OFFSET);
  const read = (off: number) => v.m.mem.read32(pa + off) + v.m.mem.read32(pa + off + 4) * 2 ** 32;
  return [read(k.offsets.get("TASK_thread_fsbase")!), read(k.offsets.get("TASK_thread_gsbase")!)];
}

/** Load a task's bases into CPU 0 while it runs in user mode: what arch_prctl would do. */
function loadBases(v: Booted, pid: number): void {
  v.m.cpus[0]!.segBase[SEG_FS] = fsFor(pid);
  v.m.cpus[0]!.segBase[SEG_GS] = gsFor(pid);
}

const bases = (v: Booted) => [v.m.cpus[0]!.segBase[SEG_FS], v.m.cpus[0]!.segBase[SEG_GS]];

describe("FS and GS base across task switches, without FSGSBASE (the MSRs)", () => {
  const features = parseFeatures("-fsgsbase") as Features;

  it("keeps each task's in its thread_struct and loads them with WRMSR", () => {
    const k = patchedKernel([]);
    const v = bootUsers(k, ["yield", "yield"], PTI_OFF, { features });
    stepToUser(v, 1);
    loadBases(v, 1);
    stepToUser(v, 2);
    // save_fsgs read pid 1's from MSR_FS_BASE and MSR_KERNEL_GS_BASE; pid 2 starts with 0.
    expect(threadBases(k, v, 1)).toEqual([fsFor(1), gsFor(1)]);
    expect(bases(v)).toEqual([0, 0]);
    loadBases(v, 2);
    stepToUser(v, 1);
    expect(bases(v)).toEqual([fsFor(1), gsFor(1)]);
    expect(threadBases(k, v, 2)).toEqual([fsFor(2), gsFor(2)]);
    stepToUser(v, 2);
    expect(bases(v)).toEqual([fsFor(2), gsFor(2)]);
    expect(v.m.run().exitStatus).toBe(status(0));
    // The user GS base goes to MSR_KERNEL_GS_BASE: the exit's SWAPGS makes it the active one.
    const writes = v.records.flatMap((x) => (x.kind === "wrmsr" && (x.msr === MSR_FS_BASE || x.msr === MSR_KERNEL_GS_BASE) ? [[x.msr, Number(x.value)]] : [])); // prettier-ignore
    expect(writes.slice(0, 6)).toEqual([
      [MSR_FS_BASE, 0],
      [MSR_KERNEL_GS_BASE, 0],
      [MSR_FS_BASE, fsFor(1)],
      [MSR_KERNEL_GS_BASE, gsFor(1)],
      [MSR_FS_BASE, fsFor(2)],
      [MSR_KERNEL_GS_BASE, gsFor(2)],
    ]);
  });

  it("writes no MSR when the bases do not change, and runs no FSGSBASE instruction", () => {
    const v = bootUsers(patchedKernel([]), ["yield", "yield"], PTI_OFF, { features }, "insn");
    expect(v.m.run().exitStatus).toBe(status(0));
    expect(v.records.filter((x) => x.kind === "wrmsr" && (x.msr === MSR_FS_BASE || x.msr === MSR_KERNEL_GS_BASE))).toEqual([]); // prettier-ignore
    const ran = switchMnemonics(v.records);
    expect(ran.has("rdmsr")).toBe(true);
    for (const m of ["rdfsbase", "rdgsbase", "wrfsbase", "wrgsbase", "swapgs"]) expect(ran.has(m)).toBe(false); // prettier-ignore
  });

  it("leaves pid 1's bases to pid 2 when the switch does not touch them (the patch)", () => {
    const k = patchedKernel([LEAVE_ON_CPU]);
    const v = bootUsers(k, ["yield", "yield"], PTI_OFF, { features });
    stepToUser(v, 1);
    loadBases(v, 1);
    stepToUser(v, 2);
    expect(bases(v)).toEqual([fsFor(1), gsFor(1)]);
    expect(threadBases(k, v, 1)).toEqual([0, 0]);
  });
});
