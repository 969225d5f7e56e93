// Nested NMIs (programs/entry/entry_64.S, asm_exc_nmi): booted with KernelConfig.nmiInt3, the
// stub's calls go to exc_nmi_int3, which runs exc_nmi and then an INT3, and the #BP handler's
// IRETQ ends NMI blocking (SDM vol. 3A 6.7.1) while the first NMI still runs on the NMI IST
// stack. The test steps CPU 0 into the kernel (do_syscall_64), raises an NMI there, and raises a
// second one right after that IRETQ:
//   - with the nested-NMI protection, the second NMI only points the first's iret frame at
//     repeat_nmi; the first NMI's exit then runs the handler again, and finally returns to
//     do_syscall_64 with every register as it was; both NMIs are counted and the run ends cleanly;
//   - without it (programs/patches/nmi-0001-..., the old stub), the second NMI's frame and
//     handler land on the first's; the first's IRETQ returns into the handler, again and again,
//     never to do_syscall_64, until the run's instruction limit.
// Off by default, and then the kernel runs exactly the code it was linked with.
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import { bootKernel, traceImage } from "../../../src/kernel-rt/index.js";
import { TraceRecorder, checkTrace } from "../../../src/trace/index.js";
import type { CheckResult } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import type { KernelBuild } from "../../../src/kernel-rt/index.js";
import { SEG_CS, SEG_GS, SEG_SS } from "../../../src/isa/index.js";
import type { Machine, RunResult } from "../../../src/vm/index.js";
import { readFlags } from "../../../src/vm/flags.js";
import { read64 } from "../../../src/kernel-rt/boot/image-access.js";
import { kernelSym, patchedKernel, program, PTI_ON } from "./helpers.js";

const NO_NESTED_PROTECTION = "programs/patches/nmi-0001-x86-nmi-drop-the-nested-nmi-frames-wrong.patch"; // prettier-ignore
/** isa-debug-exit statuses: (v << 1) | 1. */
const status = (v: number) => (v << 1) | 1;
const GPRS = 16;
const MAX_INSNS = 2_000_000;
const VEC_BP = 3;
const VEC_NMI = 2;
/** callJd (docs/bytecode.md): two opcode bytes, then the rel32. */
const CALL_JD_REL = 2;
const CALL_JD_LENGTH = 6;
/** Enough steps for any phase here: an NMI's whole handler with its printk is a few thousand. */
const STEP_LIMIT = 200_000;
/** The labels whose order shows the path taken. */
const PATH = ["asm_exc_nmi", "first_nmi", "nested_nmi", "repeat_nmi", "exc_nmi", "exc_int3"];

interface Booted {
  m: Machine;
  output: () => string;
  records: readonly TraceRecord[];
}

function bootGetpid(k: KernelBuild, nmiInt3: boolean): Booted {
  const diags = new DiagnosticBag();
  let out = "";
  const rec = new TraceRecorder({ image: traceImage(k.image, []), level: "system" });
  const users = [{ name: "getpid", image: program("getpid") }];
  const b = bootKernel(
    k,
    users,
    { ...PTI_ON, nmiInt3 },
    {
      diags,
      machine: { maxInsns: MAX_INSNS, events: rec, output: (bytes) => (out += new TextDecoder().decode(bytes)) }, // prettier-ignore
    },
  );
  if (!b) throw new Error(diags.items.map((d) => `${d.code} ${d.message}`).join("\n"));
  rec.addRegions(b.regions);
  return { m: b.machine, output: () => out, records: rec.records };
}

/** Where each IRETQ of the trace returned to, by symbol, from the record at `from` on. */
function iretTargets(k: KernelBuild, records: readonly TraceRecord[], from: number): string[] {
  const names = new Map(k.image.symbols.map((x) => [BigInt.asUintN(64, x.value), x.name]));
  return records
    .slice(from)
    .flatMap((r) => (r.kind === "iret" ? [names.get(r.frame.rip) ?? `0x${r.frame.rip.toString(16)}`] : [])); // prettier-ignore
}

interface Snapshot {
  rip: number;
  rflags: number;
  cs: number;
  ss: number;
  gsBase: number;
  cr3: number;
  gprs: number[];
}

function snapshot(m: Machine): Snapshot {
  const c = m.cpus[0]!;
  const gprs = Array.from({ length: GPRS }, (_, r) => c.regAsNumber(r));
  const [cs, ss] = [c.segSel[SEG_CS]!, c.segSel[SEG_SS]!];
  return { rip: c.rip, rflags: readFlags(c), cs, ss, gsBase: c.segBase[SEG_GS]!, cr3: c.cr3, gprs };
}

interface Nested {
  /** The labels of PATH reached from the first NMI on, in order. */
  path: string[];
  /** The state when the first NMI came back to do_syscall_64, if it did. */
  back?: Snapshot;
  before: Snapshot;
  /** How the run ended when it did not come back. */
  end?: RunResult;
  /** The trace record index when the first NMI was raised. */
  mark: number;
  b: Booted;
}

/**
 * Step CPU 0 to do_syscall_64, raise an NMI, step to the IRETQ of exc_nmi's #BP, raise a second
 * NMI, and step until the first NMI is back at do_syscall_64 (or the run ends).
 */
function nestTwoNmis(k: KernelBuild): Nested {
  const b = bootGetpid(k, true);
  const { m } = b;
  const c = m.cpus[0]!;
  const present = PATH.filter((name) => k.image.symbols.some((s) => s.name === name));
  const labels = new Map(present.map((name) => [kernelSym(k, name), name]));
  const path: string[] = [];
  const step = (done: () => boolean): RunResult | undefined => {
    for (let n = 0; n < STEP_LIMIT; n++) {
      if (done()) return undefined;
      const end = m.debugStep(0);
      if (end !== undefined) return end;
      const at = labels.get(c.rip);
      if (at !== undefined) path.push(at);
    }
    return m.run(); // lost: let the run end as it will
  };
  const target = kernelSym(k, "do_syscall_64");
  expect(step(() => c.rip === target)).toBeUndefined();
  path.length = 0;
  const before = snapshot(m);
  const mark = b.records.length;
  m.inject({ kind: "nmi", cpu: 0, at: 0 });
  const int3Ret = kernelSym(k, "nmi_int3_ret");
  expect(step(() => c.rip === int3Ret && !c.nmiBlocked)).toBeUndefined();
  m.inject({ kind: "nmi", cpu: 0, at: 0 });
  const end = step(() => c.rip === target);
  return { path, before, b, mark, ...(end === undefined ? { back: snapshot(m) } : { end }) };
}

/** trace check's nmi-nesting result on a run's records. */
function nmiNesting(records: readonly TraceRecord[]): CheckResult {
  return checkTrace(records).find((c) => c.name === "nmi-nesting")!;
}

describe("nested NMIs, with exc_nmi taking a #BP (KernelConfig.nmiInt3)", () => {
  it("each NMI's handler takes its #BP and the run goes on as without it", () => {
    const quiet = bootGetpid(patchedKernel([]), false);
    const total = quiet.m.run().insns;
    for (const nmiInt3 of [false, true]) {
      const b = bootGetpid(patchedKernel([]), nmiInt3);
      for (const at of [Math.floor(total / 3), Math.floor(total / 2)]) b.m.inject({ kind: "nmi", cpu: 0, at }); // prettier-ignore
      const r = b.m.run();
      const bps = b.records.filter((x) => x.kind === "deliver" && x.vector === VEC_BP);
      expect(bps).toHaveLength(nmiInt3 ? 2 : 0);
      expect(b.output()).toBe("NMI 1 on CPU 0\nNMI 2 on CPU 0\ngetpid: pid 1 after 10 calls\n");
      expect(r.exitStatus).toBe(status(0));
    }
  });

  it("retargets only the stub's two calls, and only when asked for", () => {
    const k = patchedKernel([]);
    const phys = (va: bigint): number => {
      const seg = k.image.segments.find((g) => va >= g.vaddr && va < g.vaddr + g.memSize)!;
      return Number(seg.paddr + (va - seg.vaddr));
    };
    const value = (name: string): bigint => k.image.symbols.find((x) => x.name === name)!.value;
    const [start, end] = [phys(value("__entry_text_start")), phys(value("__entry_text_end"))];
    const [off, on] = [false, true].map((nmiInt3) => bootGetpid(k, nmiInt3).m.mem);
    const table = phys(value("nmi_handler_calls"));
    const sites = [0, 1].map((i) => phys(read64(off!, table + 8 * i)));
    expect(read64(off!, table + 16)).toBe(0n); // two sites, then the 0 that ends the list
    const differ = [];
    for (let pa = start; pa < end; pa++) if (off!.read8(pa) !== on!.read8(pa)) differ.push(pa);
    // Only displacement bytes (callJd: 2 opcode bytes, then rel32) of the two sites, both changed.
    const inRel = (pa: number): number => sites.findIndex((s) => pa >= s + CALL_JD_REL && pa < s + CALL_JD_LENGTH); // prettier-ignore
    expect(differ.map(inRel).filter((i) => i < 0)).toEqual([]);
    expect(new Set(differ.map(inRel))).toEqual(new Set([0, 1]));
  });

  it("the nested NMI is repeated by the first, which returns with its registers intact", () => {
    const k = patchedKernel([]);
    const v = nestTwoNmis(k);
    expect(v.end).toBeUndefined();
    // The first NMI: first_nmi, the handler and its #BP; the second, delivered after the #BP's
    // IRETQ, takes nested_nmi; then the first's exit IRETs to repeat_nmi and the handler runs again.
    expect(v.path).toEqual([
      "asm_exc_nmi", "first_nmi", "repeat_nmi", "exc_nmi", "exc_int3",
      "asm_exc_nmi", "nested_nmi",
      "repeat_nmi", "exc_nmi", "exc_int3",
    ]); // prettier-ignore
    expect(v.back).toEqual(v.before);
    // The #BP's IRETQ, the nested NMI's (to the interrupted handler), the first NMI's exit to
    // repeat_nmi, the second #BP's, and the last one back to do_syscall_64.
    expect(iretTargets(k, v.b.records, v.mark)).toEqual(["nmi_int3_ret", "nmi_int3_ret", "repeat_nmi", "nmi_int3_ret", "do_syscall_64"]); // prettier-ignore
    const r = v.b.m.run();
    expect(v.b.output()).toBe("NMI 1 on CPU 0\nNMI 2 on CPU 0\ngetpid: pid 1 after 10 calls\n");
    expect(r.exitStatus).toBe(status(0));
    // trace check: the first NMI did return where it was, so the nesting did no harm.
    expect(nmiNesting(v.b.records).status).toBe("ok");
  });

  it("without the protection, the second NMI overwrites the first's frame, which never returns", () => {
    const k = patchedKernel([NO_NESTED_PROTECTION]);
    const v = nestTwoNmis(k);
    expect(v.path).toEqual(["asm_exc_nmi", "exc_nmi", "exc_int3", "asm_exc_nmi", "exc_nmi", "exc_int3"]); // prettier-ignore
    // The second NMI's hardware frame went where the first's pt_regs frame was: the first NMI's
    // IRETQ returns to the interrupted handler (nmi_int3_ret) instead of do_syscall_64, and
    // keeps doing so: the kernel never leaves the NMI handler, and the run ends at its limit.
    expect(v.back).toBeUndefined();
    expect(v.end?.reason).toBe("limit");
    const targets = iretTargets(k, v.b.records, v.mark);
    expect(targets.length).toBeGreaterThan(2);
    expect(new Set(targets)).toEqual(new Set(["nmi_int3_ret"]));
    expect(v.b.output()).not.toContain("getpid: pid 1");
    // trace check names the harm: the first NMI never came back, at the second's delivery.
    const check = nmiNesting(v.b.records);
    expect(check.status).toBe("violated");
    expect(check.violation!.at).toBe(v.b.records.filter((x) => x.kind === "deliver" && x.vector === VEC_NMI)[1]); // prettier-ignore
  });
});
