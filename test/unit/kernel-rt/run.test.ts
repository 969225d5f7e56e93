// The model kernel end to end: boot, user tasks making system calls through the baseline
// entry_SYSCALL_64, exit through isa-debug-exit — with PTI and PCID on and off, one and two
// tasks, several CPUs; and the trace of each syscall's CR3 switches.
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import { bootKernel, traceImage } from "../../../src/kernel-rt/index.js";
import { TraceRecorder } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { boot, program, run, theKernel } from "./helpers.js";

const GETPID_OUT = "getpid: pid 1 after 10 calls\n";
/** isa-debug-exit: the kernel writes 0 when every task exited with 0; status (0 << 1) | 1. */
const CLEAN_EXIT = 1;
const NR_GETPID = 39n;

describe("one getpid task", () => {
  for (const pti of [true, false])
    for (const pcid of [true, false])
      it(`runs 10 getpid, a write and exit (pti ${pti ? "on" : "off"}, pcid ${pcid ? "on" : "off"})`, () => {
        const r = run(["getpid"], { pti, pcid });
        expect(r.output).toBe(GETPID_OUT);
        expect(r.result.reason).toBe("exit");
        expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      });

  it("runs without SMAP, SMEP, PGE and NX too (the alternatives leave STAC/CLAC out)", () => {
    const r = run(["getpid"], { pti: true, pcid: true }, { features: { pcid: true, invpcid: false, smep: false, smap: false, fsgsbase: false, nx: false, gbpages: true, pge: false, x2apic: true, syscall: true, rdtscp: true, rdpid: false } }); // prettier-ignore
    expect(r.output).toBe(GETPID_OUT);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });
});

describe("several tasks", () => {
  it("interleaves two yielding tasks round by round, the same way every run", () => {
    const a = run(["yield", "yield"], { pti: true, pcid: true });
    const expected = [0, 1, 2].flatMap((r) => [1, 2].map((p) => `yield: pid ${p} round ${r}\n`)).join(""); // prettier-ignore
    expect(a.output).toBe(expected);
    expect(a.result.exitStatus).toBe(CLEAN_EXIT);
    expect(run(["yield", "yield"], { pti: true, pcid: true }).result.insns).toBe(a.result.insns);
  });

  it("runs tasks on several CPUs and ends when the last one exits", () => {
    const r = run(["getpid", "yield", "getpid"], { pti: true, pcid: true }, { cpus: 2 });
    expect(r.result.reason).toBe("exit");
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    // Each write() is whole on the UART, but the CPUs' writes interleave: compare the characters.
    const yields = [0, 1, 2].map((n) => `yield: pid 2 round ${n}\n`).join("");
    const all = `getpid: pid 1 after 10 calls\ngetpid: pid 3 after 10 calls\n${yields}`;
    expect([...r.output].sort().join("")).toBe([...all].sort().join(""));
    expect(r.boot.tasks.map((t) => t.cpu)).toEqual([0, 1, 0]);
  });
});

/** A system-level trace of a run, with the boot builder's regions. */
function traced(
  pti: boolean,
  pcid: boolean,
  level: "system" | "insn" = "system",
): { records: TraceRecord[]; pgd: number } {
  // prettier-ignore
  const diags = new DiagnosticBag();
  const users = [{ name: "getpid", image: program("getpid") }];
  const booted = boot(["getpid"], { pti, pcid }); // for the regions
  const rec = new TraceRecorder({ image: traceImage(theKernel().image, booted.boot.regions), level }); // prettier-ignore
  const b = bootKernel(theKernel(), users, { pti, pcid }, { diags, machine: { maxInsns: 1_000_000, events: rec } }); // prettier-ignore
  expect(b!.machine.run().exitStatus).toBe(CLEAN_EXIT);
  return { records: rec.records, pgd: b!.tasks[0]!.pgd };
}

/** Each getpid syscall's records from SYSCALL to SYSRET, as short strings. */
function getpidEpisodes(records: TraceRecord[]): string[][] {
  const out: string[][] = [];
  let cur: string[] | undefined;
  for (const r of records) {
    if (r.kind === "syscall") cur = r.rax === NR_GETPID ? [] : undefined;
    if (!cur) continue;
    if (r.kind === "cr" && r.reg === "cr3")
      cur.push(`cr3 pgd=${r.pgd!.toString(16)} pcid=${r.pcid!.toString(16)} noflush=${r.noflush}`); // prettier-ignore
    else if (r.kind === "syscall" || r.kind === "sysret") cur.push(r.kind);
    if (r.kind === "sysret") {
      out.push(cur);
      cur = undefined;
    }
  }
  return out;
}

describe("trace of the syscall path", () => {
  it("shows SYSCALL → kernel CR3 (PCID asid+1) → user CR3 (user PCID, no flush) → SYSRET under PTI", () => {
    const { records, pgd } = traced(true, true);
    const eps = getpidEpisodes(records);
    expect(eps).toHaveLength(10);
    const kernel = `cr3 pgd=${pgd.toString(16)} pcid=1 noflush=true`;
    const user = `cr3 pgd=${(pgd + 0x1000).toString(16)} pcid=801 noflush=true`;
    for (const e of eps) expect(e).toEqual(["syscall", kernel, user, "sysret"]);
  });

  it("flushes the user PCID once, at the first return to user mode (ret_from_fork's IRET)", () => {
    const { records, pgd } = traced(true, true);
    const userWrites = records.filter((r) => r.kind === "cr" && r.reg === "cr3" && r.pgd === BigInt(pgd + 0x1000)); // prettier-ignore
    expect(userWrites[0]).toMatchObject({ pcid: 0x801, noflush: false });
    expect(userWrites.slice(1).every((r) => r.kind === "cr" && r.noflush)).toBe(true);
  });

  it("names the stacks of a syscall: RSP as CR3 scratch, the task's stack, the entry stack", () => {
    const { records } = traced(true, true, "insn");
    const i = records.findIndex((r) => r.kind === "syscall" && r.rax === NR_GETPID);
    const stacks = records.slice(i).filter((r) => r.kind === "stack").slice(0, 4).map((r) => (r.kind === "stack" ? r.to : "")); // prettier-ignore
    expect(stacks).toEqual(["-", "kernel stack of pid 1", "entry stack of CPU 0", "user stack of pid 1"]); // prettier-ignore
  });

  it("has no CR3 write on syscalls without PTI", () => {
    const { records } = traced(false, true);
    const eps = getpidEpisodes(records);
    expect(eps).toHaveLength(10);
    for (const e of eps) expect(e).toEqual(["syscall", "sysret"]);
  });
});
