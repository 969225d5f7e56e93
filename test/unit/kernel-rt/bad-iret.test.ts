// The bad-IRET path (error_entry → fixup_bad_iret): an IRETQ back to user mode that faults at
// native_irq_return_iret, in kernel mode but after the exit's SWAPGS and (PTI) its switch to the
// user CR3, must be reported as the user task's fault. rt_sigreturn builds one bad SS only
// (signals.test.ts, badsigreturn); for every other kind the test steps CPU 0 to the IRETQ
// that returns from a user-mode page fault (or tick), corrupts the frame in guest memory as a
// sigreturn with a bad frame would, and runs on: the task is killed with Linux's report and
// signal, the kernel does not oops, the next task runs, the C handler sees the user frame on the
// task's stack with the kernel GS base and CR3, and the trace's checks pass. Each case runs with
// PTI off, PTI on (pti+pcid), and patches 1–2 and 1–3 (patch 2 switches this exit's CR3 in C).
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import { bootKernel, traceImage, KERNEL_CS, KERNEL_DS, USER_CS, USER_DS } from "../../../src/kernel-rt/index.js"; // prettier-ignore
import type { BootedKernel, KernelBuild } from "../../../src/kernel-rt/index.js";
import { TraceRecorder, checkTrace } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { FLAT64_GDT_ENTRIES, mappedRanges } from "../../../src/vm/index.js";
import type { Machine } from "../../../src/vm/index.js";
import { RDI, RSI, RSP, SEG_GS } from "../../../src/isa/index.js";
import { DESIGNS, patchedKernel, program, type Design } from "./helpers.js";

/** isa-debug-exit statuses: (v << 1) | 1. */
const status = (v: number) => (v << 1) | 1;
/** traps.c: a kernel-mode exception ends the run with 0x40 + vector. */
const DIE_EXIT_BASE = 0x40;
const SIGBUS = 7;
const SIGSEGV = 11;
const VEC_NP = 11;
const VEC_SS = 12;
const VEC_GP = 13;
const PAGE_SIZE = 4096;
const THREAD_SIZE = 0x4000;
/** CR3 bit 12 selects the user half of a PTI PGD pair. */
const PTI_USER_PGD = 0x1000;
const RPL_MASK = 3;
const USER_RPL = 3;
/** asm/segment.h: the TLS slots a task may fill with set_thread_area (GDT_ENTRY_TLS_MIN..). */
const GDT_ENTRY_TLS_MIN = 12;
/** A descriptor's P bit, in its high dword (SDM 3.4.5). */
const DESC_HI_P = 1 << 15;
/** Past the canonical range (SDM 3.3.7.1): bit 47 clear, bit 48 set. */
const NON_CANONICAL = 0x0001_0000_0000_0000n;
/** A GDT slot's selector index. */
const SELECTOR_SHIFT = 3;
/** The user code or data descriptor with P = 0, as set_thread_area's seg_not_present writes it. */
function notPresent(sel: number): [number, number] {
  const [lo, hi] = FLAT64_GDT_ENTRIES[sel >> SELECTOR_SHIFT]!;
  return [lo, hi & ~DESC_HI_P];
}

const kernel = patchedKernel;

/** A kernel symbol as the CPU holds addresses: a signed double. */
function sym(k: KernelBuild, name: string): number {
  const s = k.image.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return Number(BigInt.asIntN(64, s.value));
}

/** Physical address of `va` under the CPU's current CR3 (a probe: no A/D bits, no TLB fill). */
function physOf(m: Machine, va: number): number {
  const c = m.cpus[0]!;
  const pgd = c.cr3 - (c.cr3 % PAGE_SIZE);
  const r = mappedRanges(m.mem, pgd).find((x) => x.start <= va && va < x.end);
  if (!r) throw new Error(`${va.toString(16)} is not mapped`);
  return r.phys + (va - r.start);
}

function read64(m: Machine, pa: number): bigint {
  return (BigInt(m.mem.read32(pa + 4) >>> 0) << 32n) | BigInt(m.mem.read32(pa) >>> 0);
}
function write64(m: Machine, pa: number, v: bigint): void {
  m.mem.write32(pa, Number(v & 0xffffffffn) | 0);
  m.mem.write32(pa + 4, Number(v >> 32n) | 0);
}

/** The IRET frame as the stack holds it, lowest address first (SDM figure 6-9). */
interface Frame {
  rip: bigint;
  cs: bigint;
  rflags: bigint;
  rsp: bigint;
  ss: bigint;
}
const FRAME_FIELDS = ["rip", "cs", "rflags", "rsp", "ss"] as const;

function readFrame(m: Machine, pa: number): Frame {
  const f = {} as Frame;
  FRAME_FIELDS.forEach((n, i) => (f[n] = read64(m, pa + i * 8)));
  return f;
}
function writeFrame(m: Machine, pa: number, f: Frame): void {
  FRAME_FIELDS.forEach((n, i) => write64(m, pa + i * 8, f[n]));
}

/** Write GDT entry `index` of CPU 0 (through its physical page: the mapping is read-only). */
function writeGdtEntry(m: Machine, index: number, lo: number, hi: number): void {
  const pa = physOf(m, m.cpus[0]!.gdtrBase + index * 8);
  m.mem.write32(pa, lo);
  m.mem.write32(pa + 4, hi);
}

/** One way sigreturn (or modify_ldt, set_thread_area) can leave a frame IRETQ refuses. */
interface BadFrame {
  name: string;
  corrupt(f: Frame, m: Machine): void;
  vector: number;
  /** The error code the fault pushes (a selector with RPL cleared, or 0). */
  error: (m: Machine) => number;
}

const selector = (v: number) => v & ~RPL_MASK;
const TRAP_NAMES: Record<number, [string, number]> = {
  [VEC_GP]: ["general protection", SIGSEGV],
  [VEC_NP]: ["segment not present", SIGBUS],
  [VEC_SS]: ["stack segment", SIGBUS],
};

// SDM vol. 2, IRET (IA-32e mode, return to an outer privilege level) gives each its fault.
const BAD_FRAMES: BadFrame[] = [
  {
    name: "SS beyond the GDT limit → #GP(SS)",
    corrupt: (f, m) => (f.ss = BigInt((m.cpus[0]!.gdtrLimit + 1) | USER_RPL)),
    vector: VEC_GP,
    error: (m) => m.cpus[0]!.gdtrLimit + 1,
  },
  {
    name: "SS with RPL 2 ≠ CS RPL → #GP(SS)",
    corrupt: (f) => (f.ss = BigInt(selector(USER_DS) | 2)),
    vector: VEC_GP,
    error: () => selector(USER_DS),
  },
  {
    name: "SS = kernel data with RPL 3 (DPL 0) → #GP(SS)",
    corrupt: (f) => (f.ss = BigInt(KERNEL_DS | USER_RPL)),
    vector: VEC_GP,
    error: () => KERNEL_DS,
  },
  {
    name: "SS null with RPL 3 → #GP(0)",
    corrupt: (f) => (f.ss = BigInt(USER_RPL)),
    vector: VEC_GP,
    error: () => 0,
  },
  {
    name: "CS = kernel code with RPL 3 (DPL 0) → #GP(CS)",
    corrupt: (f) => (f.cs = BigInt(KERNEL_CS | USER_RPL)),
    vector: VEC_GP,
    error: () => KERNEL_CS,
  },
  {
    name: "CS = a data segment → #GP(CS)",
    corrupt: (f) => (f.cs = BigInt(USER_DS)),
    vector: VEC_GP,
    error: () => selector(USER_DS),
  },
  {
    name: "RIP not canonical → #GP(0)",
    corrupt: (f) => (f.rip = NON_CANONICAL),
    vector: VEC_GP,
    error: () => 0,
  },
  {
    name: "CS not present (a TLS slot) → #NP(CS)",
    corrupt: (f, m) => {
      writeGdtEntry(m, GDT_ENTRY_TLS_MIN, ...notPresent(USER_CS));
      f.cs = BigInt((GDT_ENTRY_TLS_MIN << SELECTOR_SHIFT) + USER_RPL);
    },
    vector: VEC_NP,
    error: () => GDT_ENTRY_TLS_MIN << SELECTOR_SHIFT,
  },
  {
    name: "SS not present (a TLS slot) → #SS(SS)",
    corrupt: (f, m) => {
      writeGdtEntry(m, GDT_ENTRY_TLS_MIN + 1, ...notPresent(USER_DS));
      f.ss = BigInt(((GDT_ENTRY_TLS_MIN + 1) << SELECTOR_SHIFT) + USER_RPL);
    },
    vector: VEC_SS,
    error: () => (GDT_ENTRY_TLS_MIN + 1) << SELECTOR_SHIFT,
  },
];

/** The CPU's GS bases and CR3 just before the IRETQ: the user's GS, the kernel's in KERNEL_GS_BASE. */
interface AtIret {
  gs: number;
  kernelGs: number;
  cr3: number;
}

const badFrame = (name: string) => BAD_FRAMES.find((b) => b.name.startsWith(name))!;

interface Victim {
  boot: BootedKernel;
  output: () => string;
  records: TraceRecord[];
  /** The frame as the kernel built it, and as corrupted. */
  good: Frame;
  bad: Frame;
  at: AtIret;
}

const pgdOf = (cr3: number) => cr3 - (cr3 % PAGE_SIZE);

/**
 * Boot `names` on one CPU and step CPU 0 to the IRETQ at native_irq_return_iret that returns from
 * the first exception or interrupt taken from user mode (not a SYSCALL) to the instruction and
 * address space it interrupted; corrupt that frame in guest memory and stop there.
 */
function stopAtIret(
  design: Design,
  names: string[],
  tick: number,
  bad: BadFrame,
  trace?: "system" | "insn",
): Victim {
  const k = kernel(design.patches);
  let out = "";
  const diags = new DiagnosticBag();
  const rec = trace ? new TraceRecorder({ image: traceImage(k.image, []), level: trace, auditTlb: true }) : undefined; // prettier-ignore
  const users = names.map((name) => ({ name, image: program(name) }));
  const machine = { maxInsns: 3_000_000, events: rec, output: (b: Uint8Array) => (out += new TextDecoder().decode(b)) }; // prettier-ignore
  const b = bootKernel(k, users, { ...design.config, tick }, { diags, machine });
  if (!b) throw new Error(diags.items.map((d) => d.message).join("\n"));
  rec?.addRegions(b.regions);
  const m = b.machine;
  const c = m.cpus[0]!;
  const [iret, syscall] = [sym(k, "native_irq_return_iret"), sym(k, "entry_SYSCALL_64")];
  let entry: { rip: number; pgd: number } | undefined;
  for (;;) {
    const [cpl, rip, pgd] = [c.cpl, c.rip, pgdOf(c.cr3)];
    if (m.step()) throw new Error(`the run ended before the IRET:\n${out}`);
    if (!entry && cpl === USER_RPL && c.cpl === 0 && c.rip !== syscall) entry = { rip, pgd };
    if (!entry || c.rip !== iret || pgdOf(c.cr3) !== entry.pgd) continue;
    const pa = physOf(m, c.regAsNumber(RSP));
    const good = readFrame(m, pa);
    if ((Number(good.cs) & RPL_MASK) !== USER_RPL || Number(good.rip) !== entry.rip) continue;
    const corrupted = { ...good };
    bad.corrupt(corrupted, m);
    writeFrame(m, pa, corrupted);
    const at = { gs: c.segBase[SEG_GS]!, kernelGs: c.kernelGsBase, cr3: c.cr3 };
    return { boot: b, output: () => out, records: rec?.records ?? [], good, bad: corrupted, at };
  }
}

const hex = (v: bigint | number) => BigInt.asUintN(64, BigInt(v)).toString(16);

/** Linux's report of a user-mode trap, as traps.c prints it. */
function trapLine(comm: string, pid: number, bad: BadFrame, frame: Frame, m: Machine): string {
  return `${comm}[${pid}] trap ${TRAP_NAMES[bad.vector]![0]} ip:${hex(frame.rip)} sp:${hex(frame.rsp)} error:${hex(bad.error(m))}\n`; // prettier-ignore
}

/** The checks a bad IRET could break: GS base and CR3 at every later return to user mode. */
function traceChecks(records: readonly TraceRecord[], k: KernelBuild): Record<string, string> {
  const entryText = { start: BigInt.asUintN(64, BigInt(sym(k, "__entry_text_start"))), end: BigInt.asUintN(64, BigInt(sym(k, "__entry_text_end"))) }; // prettier-ignore
  return Object.fromEntries(checkTrace(records, { entryText }).map((r) => [r.name, r.status]));
}

describe("a bad IRET frame on the return to user mode", () => {
  for (const design of DESIGNS)
    for (const bad of BAD_FRAMES)
      it(`${design.name}: ${bad.name}: the task gets the signal, the kernel and the next task run on`, () => {
        const v = stopAtIret(design, ["pftouch", "getpid"], 0, bad, "system");
        expect([v.good.cs, v.good.ss]).toEqual([BigInt(USER_CS), BigInt(USER_DS)]);
        const m = v.boot.machine;
        const result = m.run();
        const out = v.output();
        const [, signal] = TRAP_NAMES[bad.vector]!;
        expect(out).toContain(trapLine("pftouch", 1, bad, v.bad, m));
        expect(out).not.toContain("oops");
        expect(out).not.toContain("pftouch: pid 1");
        expect(out).toContain("getpid: pid 2 after 10 calls\n");
        expect(result.reason).toBe("exit");
        expect(result.exitStatus).toBe(status(signal));
        // The fault came from the IRETQ itself, in kernel mode, and was delivered once.
        const iretSym = "native_irq_return_iret";
        const faults = v.records.filter((r) => r.kind === "deliver" && r.sym === iretSym);
        expect(faults.map((r) => r.kind === "deliver" && [r.vector, r.fromCpl, r.frame.errorCode])).toEqual([[bad.vector, 0, bad.error(m)]]); // prettier-ignore
        const checks = traceChecks(v.records, kernel(design.patches));
        expect([checks["swapgs-balance"], checks["user-return-with-kernel-cr3"]]).toEqual(["ok", "ok"]); // prettier-ignore
      });
});

const u64 = (v: number) => BigInt.asUintN(64, BigInt(v));

describe("fixup_bad_iret", () => {
  const bad = badFrame("SS with RPL 2");
  for (const design of DESIGNS)
    it(`${design.name}: hands the C handler the user frame on the task's stack, with the kernel GS base and CR3`, () => {
      const v = stopAtIret(design, ["pftouch", "getpid"], 0, bad);
      const k = kernel(design.patches);
      const m = v.boot.machine;
      const c = m.cpus[0]!;
      const handler = sym(k, "exc_general_protection");
      while (c.rip !== handler) if (m.step()) throw new Error(`no #GP handler:\n${v.output()}`);
      // error_entry did the SWAPGS and the CR3 switch that the IRETQ's fault skipped.
      expect([c.segBase[SEG_GS], c.kernelGsBase]).toEqual([v.at.kernelGs, v.at.gs]);
      expect(pgdOf(c.cr3)).toBe(pgdOf(v.at.cr3) & ~PTI_USER_PGD);
      if (design.config.pti) expect(v.at.cr3 & PTI_USER_PGD).toBe(PTI_USER_PGD);
      // pt_regs at the top of pid 1's kernel stack, where any entry from user mode puts it.
      const top = v.boot.tasks[0]!.stack + BigInt(THREAD_SIZE);
      const regs = c.regAsNumber(RDI);
      expect(u64(regs)).toBe(top - BigInt(k.offsets.get("PTREGS_SIZE")!));
      expect(u64(c.regAsNumber(RSP)) < u64(regs)).toBe(true);
      const field = (name: string) =>
        read64(m, physOf(m, regs + k.offsets.get(`pt_regs_${name}`)!));
      const seen = { rip: field("ip"), cs: field("cs"), rflags: field("flags"), rsp: field("sp"), ss: field("ss") }; // prettier-ignore
      expect(seen).toEqual(v.bad);
      expect(c.regAsNumber(RSI)).toBe(bad.error(m));
    });
});

describe("a bad IRET frame on the return from the tick", () => {
  const bad = badFrame("CS = kernel code");
  for (const design of DESIGNS)
    it(`${design.name}: the preempted spinner is killed, getpid runs, the trace checks pass`, () => {
      const k = kernel(design.patches);
      const v = stopAtIret(design, ["spinner", "getpid"], 20_000, bad, "insn");
      const m = v.boot.machine;
      const result = m.run();
      const out = v.output();
      expect(out).toContain(trapLine("spinner", 1, bad, v.bad, m));
      expect(out).toContain("getpid: pid 2 after 10 calls\n");
      expect(out).not.toContain("spinner: pid 1 round 3");
      expect(result.exitStatus).toBe(status(SIGSEGV));
      // Every check, kernel code on the user CR3 included (insn level, the entry text known).
      const checks = traceChecks(v.records, k);
      expect(Object.entries(checks).filter(([, s]) => s !== "ok")).toEqual([]);
    });
});

describe("a bad IRET frame that is not user mode", () => {
  it("is an oops: Linux's sigreturn never builds one, and its fixup_bad_iret BUGs on it", () => {
    // The user code segment with RPL 0: a return to the same level whose DPL ≠ RPL → #GP(CS).
    const bad: BadFrame = {
      name: "CS RPL 0",
      corrupt: (f) => (f.cs = BigInt(selector(USER_CS))),
      vector: VEC_GP,
      error: () => selector(USER_CS),
    };
    const v = stopAtIret(DESIGNS[1]!, ["pftouch", "getpid"], 0, bad);
    const result = v.boot.machine.run();
    expect(v.output()).toContain(`entrylab kernel: oops: general protection: error ${hex(selector(USER_CS))} on CPU 0\n`); // prettier-ignore
    expect(v.output()).toContain("task: pftouch[1]\n");
    expect(result.exitStatus).toBe(status(DIE_EXIT_BASE + VEC_GP));
  });
});
