// Patches 2 and 3 of programs/patches, each on top of patch 1: the per-task PTI stack (each
// task's kernel stack top mapped in its own user page table, TSS.sp0 following the task) runs
// tasks that sleep in the kernel with no use of the per-CPU entry stack; the wrong-on-purpose
// patch (the system call left on the entry stack) runs tasks that never sleep, and crashes, as
// its description says, when two tasks block in the kernel on one CPU.
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import { bootKernel, traceImage, type KernelConfig } from "../../../src/kernel-rt/index.js";
import { checkTrace, TraceRecorder } from "../../../src/trace/index.js";
import { mappedRanges } from "../../../src/vm/index.js";
import { PATCH1, PATCH2, PATCH3, PATCH4, patchedKernel, program } from "./helpers.js";

/** The first step the reviewers agreed on: the CR3 switch in C on both ways in and out. */
const STEP1 = [PATCH1, PATCH2];
const CLEAN_EXIT = 1;
/** fault.c: the status of a kernel page-fault oops, (0x70 << 1) | 1. */
const OOPS_EXIT = (0x70 << 1) | 1;
const THREAD_SIZE = 0x4000;
const PAGE_SIZE = 0x1000;
const PINGPONG = ["pingpong: pid 1 round 0", "pingpong: pid 2 round 0", "pingpong: pid 1 round 1", "pingpong: pid 2 round 1", "pingpong: pid 1 round 2", "pingpong: pid 2 round 2"].map((l) => `${l}\n`).join(""); // prettier-ignore

const kernel = patchedKernel;

function run(
  patches: string[],
  names: string[],
  config: KernelConfig = { pti: true, pcid: true },
  cpus = 1,
  trace = false,
) {
  const k = kernel(patches);
  const users = names.map((name) => ({ name, image: program(name) }));
  let output = "";
  const diags = new DiagnosticBag();
  // The system level: RSP is looked at on each system record, often enough to see a stack in use.
  const rec = trace ? new TraceRecorder({ image: traceImage(k.image, []), level: "system" }) : undefined; // prettier-ignore
  const machine = { cpus, maxInsns: 3_000_000, events: rec, output: (b: Uint8Array) => (output += new TextDecoder().decode(b)) }; // prettier-ignore
  const b = bootKernel(k, users, config, { diags, machine });
  if (!b) throw new Error(diags.items.map((d) => d.message).join("\n"));
  rec?.addRegions(b.regions);
  const result = b.machine.run();
  return { result, output, boot: b, records: rec?.records ?? [] };
}

/** The stack regions a trace's `stack` records name. */
function stackRegions(records: readonly { kind: string }[]): Set<string> {
  const out = new Set<string>();
  for (const r of records) if (r.kind === "stack") for (const k of ["from", "to"] as const) out.add((r as unknown as Record<string, string>)[k]!); // prettier-ignore
  return out;
}

describe("patch 2: the CR3 switch in C on the idtentry paths", () => {
  it("runs interrupts, exceptions and the IRET exit with the same results as the baseline", () => {
    for (const config of [
      { pti: true, pcid: true },
      { pti: true, pcid: false },
      { pti: false, pcid: false },
    ]) {
      // prettier-ignore
      const base = run([], ["spinner", "spinner", "pftouch", "segv"], { ...config, tick: 20_000 });
      const r = run(STEP1, ["spinner", "spinner", "pftouch", "segv"], { ...config, tick: 20_000 });
      const sorted = (out: string) => out.split("\n").sort().join("\n");
      expect(sorted(r.output)).toBe(sorted(base.output));
      expect(r.output).toContain("segv[4]: segfault at 10 ");
      expect(r.result.exitStatus).toBe(base.result.exitStatus);
    }
  });

  it("writes CR3 for interrupts from user mode in the C helpers, on the entry stack", () => {
    const r = run(STEP1, ["spinner"], { pti: true, pcid: true, tick: 20_000 }, 1, true);
    const writes = r.records.filter((x) => x.kind === "cr" && x.reg === "cr3") as { sym?: string }[]; // prettier-ignore
    const where = new Set(writes.map((w) => w.sym?.replace(/\+0x[0-9a-f]+$/, "")));
    // The timer's entries and IRET exits switch only in C: no assembly switch is left on them.
    expect(where.has("user_pagetable_escape")).toBe(true);
    expect(where.has("user_pagetable_return")).toBe(true);
    expect([...where].filter((w) => w && /error_entry|swapgs_restore|common_interrupt_return/.test(w))).toEqual([]); // prettier-ignore
  });
});

describe("patch 3: the per-task PTI stack", () => {
  it("applies on top of patches 1 and 2", () => {
    const k = kernel([...STEP1, PATCH3]);
    expect(k.patches.map((p) => p.title)).toEqual(["x86/pti: Switch CR3 in C on the syscall path", "x86/pti: Switch CR3 in C on the idtentry paths", "x86/pti: Give each task a PTI stack mapped in its user page table"]); // prettier-ignore
  });

  for (const cpus of [1, 2])
    for (const config of [
      { pti: true, pcid: true },
      { pti: true, pcid: false },
      { pti: false, pcid: true },
    ])
      it(`runs two tasks that sleep in the kernel (${cpus} CPU(s), pti ${config.pti}, pcid ${config.pcid})`, () => {
        const r = run([...STEP1, PATCH3], ["pingpong", "pingpong"], config, cpus);
        expect(r.output).toBe(PINGPONG);
        expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      });

  it("takes interrupts and exceptions from user mode on the task's stack: the tick, a page fault", () => {
    const r = run([...STEP1, PATCH3], ["spinner", "spinner", "pftouch"], { pti: true, pcid: true, tick: 20_000 }); // prettier-ignore
    // Counted in the text, not by line: pftouch prints its line in pieces, which a tick may split.
    expect(r.output.match(/spinner: pid \d+ round \d+\n/g)).toHaveLength(8);
    expect(r.output).toContain("pftouch: pid 3");
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });

  it("never puts a frame on the per-CPU entry stack: entries land on the task's own stack", () => {
    const base = run(STEP1, ["pingpong", "pingpong"], undefined, 1, true);
    // Patches 1 and 2 build pt_regs on the entry stack and move it to the task's stack.
    expect([...stackRegions(base.records)]).toContain("entry stack of CPU 0");
    const r = run([...STEP1, PATCH3], ["pingpong", "pingpong"], undefined, 1, true);
    expect(r.output).toBe(PINGPONG);
    const regions = [...stackRegions(r.records)];
    expect(regions.filter((n) => n.startsWith("entry stack"))).toEqual([]);
    expect(regions).toContain("kernel stack of pid 1");
    expect(regions).toContain("kernel stack of pid 2");
  });

  it("maps each task's stack top in its own user page table only, supervisor and NX", () => {
    const r = run([...STEP1, PATCH3], ["pingpong", "pingpong"]);
    const mem = r.boot.machine.mem;
    const userRanges = (pgd: number) => mappedRanges(mem, pgd + PAGE_SIZE);
    const covers = (pgd: number, va: bigint) => userRanges(pgd).find((m) => BigInt.asUintN(64, BigInt(m.start)) <= va && va < BigInt.asUintN(64, BigInt(m.end))); // prettier-ignore
    for (const t of r.boot.tasks) {
      const top = t.stack + BigInt(THREAD_SIZE);
      const page = covers(t.pgd, top - 8n);
      expect(page).toMatchObject({ user: false, writable: true, nx: true, global: false });
      // The rest of the kernel stack stays unmapped on the user page table.
      expect(covers(t.pgd, top - BigInt(PAGE_SIZE) - 8n)).toBeUndefined();
      for (const other of r.boot.tasks.filter((o) => o !== t)) expect(covers(other.pgd, top - 8n)).toBeUndefined(); // prettier-ignore
      expect(covers(r.boot.swapper.kernel, top - 8n)).toBeUndefined();
    }
  });
});

describe("patch 4: the system call on the entry stack (wrong on purpose)", () => {
  it("applies on top of patches 1 and 2 and runs tasks that never sleep in the kernel", () => {
    const r = run([...STEP1, PATCH4], ["getpid", "spinner"]);
    expect(r.output).toContain("getpid: pid 1 after 10 calls\n");
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });

  it("crashes when two tasks block in the kernel on one CPU: the second overwrote the first's frame", () => {
    const r = run([...STEP1, PATCH4], ["pingpong", "pingpong"]);
    expect(r.output).toContain("BUG: unable to handle page fault for address:");
    // The oops happened on the per-CPU entry stack, in the cpu_entry_area.
    expect(r.output).toMatch(/Oops: RIP: ffffffff81[0-9a-f]+ RSP: fffffe00000[0-9a-f]+ CS: 10/);
    expect(r.result.exitStatus).toBe(OOPS_EXIT);
    expect(r.output).not.toContain("pingpong: pid 1 round 2");
  });
});

describe("trace check switch-on-user-cr3 on the kernel and patches 1-3", () => {
  const SERIES: [string, string[]][] = [["the baseline", []], ["patch 1", [PATCH1]], ["patches 1 and 2", STEP1], ["patches 1 to 3", [...STEP1, PATCH3]]]; // prettier-ignore
  for (const [name, patches] of SERIES)
    it(`finds every context switch and sleep on the kernel page table: ${name}`, () => {
      for (const cpus of [1, 2]) {
        const r = run(patches, ["pingpong", "pingpong"], { pti: true, pcid: true }, cpus, true);
        expect(r.result.exitStatus).toBe(CLEAN_EXIT);
        const switches = r.records.filter((x) => x.kind === "sched-switch");
        expect(switches.some((x) => x.kind === "sched-switch" && x.prevState === "sleeping")).toBe(true); // prettier-ignore
        expect(checkTrace(r.records).find((c) => c.name === "switch-on-user-cr3")).toMatchObject({ status: "ok" }); // prettier-ignore
      }
    }, 60_000);
});
