// paranoid_entry with FSGSBASE (programs/entry/entry_64.S, Linux v5.10). programs/user/gsbase.S
// loads a negative, kernel-looking GS base with WRGSBASE and makes system calls. The test steps a
// CPU to a point where it runs in kernel mode on that GS base - entry_SYSCALL_64 before its
// SWAPGS, or the SYSRET exit after its SWAPGS - and raises an NMI there:
//   - with SAVE_AND_SET_GSBASE, exc_nmi runs on the CPU's own per-CPU base (found through RDPID
//     and __per_cpu_offset), the NMI returns with the user's GS base back in place, and the
//     program ends normally;
//   - with the old MSR test (programs/patches/fsgs-0001-...), paranoid_entry takes the negative
//     user GS base for the kernel's, skips SWAPGS, and exc_nmi's per-CPU accesses go through the
//     user's base: a #PF in the handler, #PFs in the #PF handler's own per-CPU reads until the NMI
//     stack overflows, then double faults for ever; the program never finishes.
// Without FSGSBASE the kernel runs exactly the instructions of the MSR-test-only kernel.
import { describe, expect, it } from "vitest";
import type { KernelBuild } from "../../../src/kernel-rt/index.js";
import { SEG_GS, decode } from "../../../src/isa/index.js";
import { imagePhys } from "../../../src/kernel-rt/boot/image-access.js";
import { X86_FEATURE } from "../../../src/kernel-rt/index.js";
import { parseFeatures } from "../../../src/vm/index.js";
import type { Features, RunResult } from "../../../src/vm/index.js";
import { bootRecorded, kernelSym, patchedKernel, PTI_ON, type RecordedBoot } from "./helpers.js";

const MSR_TEST_ONLY = "programs/patches/fsgs-0001-x86-entry-trust-the-gs-base-sign-with-fsgsbase-wrong.patch"; // prettier-ignore
/** gsbase.S's USER_GSBASE, as the CPU holds a GS base: a signed double. */
const USER_GSBASE = Number(BigInt.asIntN(64, 0xffff800000000000n));
/** isa-debug-exit statuses: (v << 1) | 1. */
const status = (v: number) => (v << 1) | 1;
/** Enough for the whole gsbase run with an NMI, and for the broken run to show its loop. */
const MAX_INSNS = 400_000;
const STEP_LIMIT = 100_000;
const VEC_NMI = 2;
/** The end of the run's output when the program ran to its end. */
const DONE = "gsbase: kept after 10 calls\n";

type Booted = RecordedBoot;

function bootUsers(
  k: KernelBuild,
  users: string[],
  machine: { cpus?: number; features?: Features } = {},
  level: "system" | "insn" = "system",
): Booted {
  return bootRecorded(k, users, PTI_ON, { maxInsns: MAX_INSNS, ...machine }, level);
}

/**
 * Step the machine until `done`, one boundary of each CPU in turn (a CPU may wait for another);
 * undefined if reached, else how the run ended.
 */
function stepUntil(v: Booted, done: () => boolean): RunResult | undefined {
  for (let n = 0; n < STEP_LIMIT; n++) {
    for (let k = 0; k < v.m.cpus.length; k++) {
      if (done()) return undefined;
      const end = v.m.debugStep(k);
      if (end !== undefined) return end;
    }
  }
  throw new Error("step limit");
}

type Window = "entry" | "exit";

interface InWindow {
  /** Where the NMI came in. */
  rip: number;
  /** The GS base exc_nmi started with. */
  gsBase: number;
}

/**
 * Step `cpu` into a window where it runs at CPL 0 on the user's GS base: entry_SYSCALL_64 before
 * its SWAPGS, or (exit) the SYSRET after the exit's SWAPGS; raise an NMI there, and step to
 * exc_nmi.
 */
function nmiInWindow(v: Booted, cpu: number, window: Window): InWindow {
  const c = v.m.cpus[cpu]!;
  const entry = kernelSym(v.k, "entry_SYSCALL_64");
  const inWindow = () =>
    c.cpl === 0 && c.segBase[SEG_GS] === USER_GSBASE && (window === "entry") === (c.rip === entry);
  expect(stepUntil(v, inWindow)).toBeUndefined();
  const rip = c.rip;
  v.m.inject({ kind: "nmi", cpu, at: 0 });
  const excNmi = kernelSym(v.k, "exc_nmi");
  expect(stepUntil(v, () => c.rip === excNmi)).toBeUndefined();
  return { rip, gsBase: c.segBase[SEG_GS]! };
}

describe("paranoid_entry with FSGSBASE (SAVE_AND_SET_GSBASE)", () => {
  for (const window of ["entry", "exit"] as const) {
    it(`runs an NMI in the ${window} window on this CPU's GS base, and the program finishes`, () => {
      const v = bootUsers(patchedKernel([]), ["gsbase"]);
      const c = v.m.cpus[0]!;
      const at = nmiInWindow(v, 0, window);
      expect(at.gsBase).toBe(Number(BigInt.asIntN(64, v.b.cpus[0]!.percpu)));
      // Back where it was, on the user's GS base again: paranoid_exit's WRGSBASE %rbx.
      expect(stepUntil(v, () => c.rip === at.rip)).toBeUndefined();
      expect(c.segBase[SEG_GS]).toBe(USER_GSBASE);
      expect(c.cpl).toBe(0);
      const r = v.m.run();
      expect(v.output()).toBe(`NMI 1 on CPU 0\n${DONE}`);
      expect(r.exitStatus).toBe(status(0));
      expect(v.records.filter((x) => x.kind === "deliver" && x.vector === VEC_NMI)).toHaveLength(1); // prettier-ignore
      expect(v.records.some((x) => x.kind === "page-fault" || x.kind === "double-fault")).toBe(false); // prettier-ignore
    });
  }

  for (const [how, off] of [
    ["RDPID", ""],
    ["LSL on the CPUNODE segment", "-rdpid"],
  ] as const) {
    it(`finds each CPU's own base through ${how}`, () => {
      const features = off === "" ? undefined : (parseFeatures(off) as Features);
      const v = bootUsers(patchedKernel([]), ["getpid", "gsbase"], { cpus: 2, features });
      // GET_PERCPU_BASE's site: RDPID when the CPU has it, else LSL.
      const rdpid = v.b.alternatives.filter((a) => a.feature === X86_FEATURE.RDPID);
      expect(rdpid.map((a) => a.patched)).toEqual([off === ""]);
      expect(v.m.cpus.map((c) => c.tscAux)).toEqual([0, 1]);
      // gsbase is task 2: it runs on CPU 1.
      expect(nmiInWindow(v, 1, "entry").gsBase).toBe(
        Number(BigInt.asIntN(64, v.b.cpus[1]!.percpu)),
      );
      const r = v.m.run();
      // The two CPUs' lines interleave on the one UART: read the events instead.
      const nmis = v.records.filter((x) => x.kind === "deliver" && x.vector === VEC_NMI);
      expect(nmis.map((x) => x.cpu)).toEqual([1]);
      expect(v.records.some((x) => x.kind === "page-fault" || x.kind === "double-fault")).toBe(false); // prettier-ignore
      expect(r.exitStatus).toBe(status(0));
    });
  }
});

describe("paranoid_entry's MSR test alone, with FSGSBASE (the patch)", () => {
  for (const window of ["entry", "exit"] as const) {
    it(`takes the user's GS base for the kernel's in the ${window} window, and never recovers`, () => {
      const v = bootUsers(patchedKernel([MSR_TEST_ONLY]), ["gsbase"]);
      expect(nmiInWindow(v, 0, window).gsBase).toBe(USER_GSBASE);
      const r = v.m.run();
      // The handler's first per-CPU access faults at the user's base plus the variable's offset;
      // the #PF handler's own per-CPU reads fault again, nested, down the NMI stack to its guard
      // page; the double fault's paranoid_entry trusts the same GS base, and so on.
      const faults = v.records.filter((x) => x.kind === "page-fault");
      const user = (a: bigint) => a >= 0xffff800000000000n && a < 0xffff800000100000n;
      expect(faults.length).toBeGreaterThan(10);
      expect(faults.filter((x) => x.kind === "page-fault" && user(x.address)).length).toBeGreaterThan(10); // prettier-ignore
      expect(v.records.filter((x) => x.kind === "double-fault").length).toBeGreaterThan(1);
      expect(r.reason).toBe("limit");
      expect(v.output()).not.toContain("gsbase:");
    });
  }

  it("is harmless while user space cannot set GS base (--features -fsgsbase): same instructions", () => {
    const features = parseFeatures("-fsgsbase") as Features;
    const mnemonics = (k: KernelBuild) => {
      const v = bootUsers(k, ["getpid"], { features }, "insn");
      // In the kernel, so that the NMI takes paranoid_entry.
      const target = kernelSym(k, "do_syscall_64");
      expect(stepUntil(v, () => v.m.cpus[0]!.rip === target)).toBeUndefined();
      v.m.inject({ kind: "nmi", cpu: 0, at: 0 });
      const r = v.m.run();
      expect(r.exitStatus).toBe(status(0));
      expect(v.output()).toContain("NMI 1 on CPU 0\n");
      return v.records.flatMap((x) => (x.kind === "insn" ? [x.text.split(" ")[0]] : []));
    };
    const now = mnemonics(patchedKernel([]));
    expect(now.length).toBeGreaterThan(1000);
    expect(now).toContain("rdmsr");
    expect(now).not.toContain("rdgsbase");
    expect(now).toEqual(mnemonics(patchedKernel([MSR_TEST_ONLY])));
  });
});

describe("the FSGSBASE alternatives of paranoid_entry and paranoid_exit", () => {
  /** The first instruction at each FSGSBASE site, and where a JMP there lands. */
  function sites(features?: Features) {
    const v = bootUsers(patchedKernel([]), ["getpid"], { features });
    const mem = v.m.mem;
    const at = (va: bigint) => {
      const pa = imagePhys(v.k.image, va)!;
      return decode(mem.u8.slice(pa, pa + 16), 0)!;
    };
    return v.b.alternatives
      .filter((a) => a.feature === X86_FEATURE.FSGSBASE)
      .map((a) => {
        const insn = at(a.site);
        const op = insn.operands[0];
        const target = op?.kind === "rel" ? a.site + BigInt(insn.length + Number(op.value)) : undefined; // prettier-ignore
        return { patched: a.patched, first: insn.form.mnemonic, lands: target === undefined ? undefined : at(target).form.mnemonic }; // prettier-ignore
      });
  }

  it("re-aims the replacement's JMP at the site, to RDGSBASE and WRGSBASE", () => {
    expect(sites()).toEqual([
      { patched: true, first: "jmp", lands: "rdgsbase" },
      { patched: true, first: "jmp", lands: "wrgsbase" },
    ]);
  });

  it("leaves the MSR test's first instructions in place without FSGSBASE", () => {
    expect(sites(parseFeatures("-fsgsbase") as Features).map((x) => [x.patched, x.first])).toEqual([
      [false, "mov"],
      [false, "test"],
    ]);
  });
});
