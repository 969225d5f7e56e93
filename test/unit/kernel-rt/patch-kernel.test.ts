// Patch 1 of programs/patches (the CR3 switch in C on the syscall path) against the current
// tree: it applies, the patched kernel runs the same workloads with the same output as the
// baseline, and its trace shows where the CR3 writes went.
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import { bootKernel, traceImage, type KernelBuild, type KernelConfig } from "../../../src/kernel-rt/index.js"; // prettier-ignore
import { TraceRecorder, checkTrace, diffTraces } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { PATCH1, patchedKernel, program, theKernel } from "./helpers.js";

const GETPID_OUT = "getpid: pid 1 after 10 calls\n";
const CLEAN_EXIT = 1;
const NR_GETPID = 39n;

function runPatched(config: KernelConfig, level?: "system" | "insn", names = ["getpid"], cpus = 1) {
  const k = patchedKernel([PATCH1]);
  const users = names.map((name) => ({ name, image: program(name) }));
  let out = "";
  const diags = new DiagnosticBag();
  const machine = { cpus, maxInsns: 2_000_000, output: (b: Uint8Array) => (out += new TextDecoder().decode(b)) }; // prettier-ignore
  const first = bootKernel(k, users, config, { diags, machine })!;
  const rec = level ? new TraceRecorder({ image: traceImage(k.image, first.regions), level, auditTlb: true }) : undefined; // prettier-ignore
  out = "";
  const b = bootKernel(k, users, config, { diags, machine: { ...machine, events: rec } })!;
  const result = b.machine.run();
  return { result, output: out, records: rec?.records ?? [], boot: b };
}

describe("patch 1", () => {
  it("applies to the current tree", () => {
    const k = patchedKernel([PATCH1]);
    expect(k.patches.map((p) => p.title)).toEqual(["x86/pti: Switch CR3 in C on the syscall path"]);
    expect(new Set(k.applied.map((a) => a.file))).toEqual(new Set(["programs/entry/entry_64.S", "src/kernel-rt/runtime/include/asm/entry-common.h", "src/kernel-rt/runtime/syscall.c"])); // prettier-ignore
  });

  for (const pti of [true, false])
    for (const pcid of [true, false])
      it(`runs getpid ×10, a write and exit as the baseline does (pti ${pti ? "on" : "off"}, pcid ${pcid ? "on" : "off"})`, () => {
        const r = runPatched({ pti, pcid });
        expect(r.result.faultChain ?? []).toEqual([]);
        expect(r.output).toBe(GETPID_OUT);
        expect(r.result.reason).toBe("exit");
        expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      });
});

/** Each getpid episode (SYSCALL … SYSRET) of a trace. */
function episodes(records: readonly TraceRecord[]): TraceRecord[][] {
  const out: TraceRecord[][] = [];
  let cur: TraceRecord[] | undefined;
  for (const r of records) {
    if (r.kind === "syscall") cur = r.rax === NR_GETPID ? [] : undefined;
    cur?.push(r);
    if (r.kind === "sysret" && cur) [out[out.length], cur] = [cur, undefined];
  }
  return out;
}

const PTI_USER_BIT = 1n << 12n;
const fn = (r: TraceRecord): string => (r.sym ?? "").replace(/\+0x[0-9a-f]+$/, "");

/** Instructions retired on the user CR3 at CPL 0 in an episode, by function. */
function userCr3Kernel(ep: TraceRecord[]): string[] {
  let cr3 = -1n;
  const out: string[] = [];
  for (const r of ep) {
    if (r.kind === "syscall") cr3 = PTI_USER_BIT; // SYSCALL arrives on the user CR3 under PTI
    if (r.kind === "insn" && r.rip >= 0xffff800000000000n && (cr3 & PTI_USER_BIT) !== 0n) out.push(fn(r)); // prettier-ignore
    if (r.kind === "cr" && r.reg === "cr3") cr3 = r.new;
  }
  return out;
}

describe("the patched kernel with tasks that schedule inside a system call", () => {
  it("interleaves two yielding tasks as the baseline does: nothing stays on the entry stack", () => {
    const r = runPatched({ pti: true, pcid: true }, undefined, ["yield", "yield"]);
    const expected = [0, 1, 2].flatMap((n) => [1, 2].map((p) => `yield: pid ${p} round ${n}\n`)).join(""); // prettier-ignore
    expect([r.output, r.result.exitStatus]).toEqual([expected, CLEAN_EXIT]);
  });

  it("runs tasks on two CPUs, each with its own entry stack", () => {
    const r = runPatched({ pti: true, pcid: true }, undefined, ["getpid", "yield", "getpid"], 2);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    const yields = [0, 1, 2].map((n) => `yield: pid 2 round ${n}\n`).join("");
    const all = `getpid: pid 1 after 10 calls\ngetpid: pid 3 after 10 calls\n${yields}`;
    expect([...r.output].sort().join("")).toBe([...all].sort().join(""));
  });
});

describe("the patched kernel's trace", () => {
  const config = { pti: true, pcid: true };
  it("switches CR3 in C: SYSCALL → entry text and C prologue on the user CR3 → escape → … → return → SYSRET", () => {
    const { records, boot } = runPatched(config, "insn");
    const pgd = boot.tasks[0]!.pgd;
    const eps = episodes(records);
    expect(eps).toHaveLength(10);
    for (const ep of eps) {
      const writes = ep.filter((r) => r.kind === "cr" && r.reg === "cr3");
      expect(writes.map((w) => [fn(w), w.kind === "cr" && [w.pgd, w.pcid, w.noflush]])).toEqual([
        ["user_pagetable_escape", [BigInt(pgd), 1, true]],
        ["user_pagetable_return", [BigInt(pgd + 0x1000), 0x801, true]],
      ]);
      // Symbol+offset names the writing instruction, inside the C helper.
      expect(writes[0]!.sym).toMatch(/^user_pagetable_escape\+0x[0-9a-f]+$/);
      // entry_SYSCALL_64's first instructions are named after it, not after __entry_text_start,
      // the section marker at the same address.
      const onUser = new Set(userCr3Kernel(ep));
      expect(onUser).toEqual(new Set(["entry_SYSCALL_64", "entry_SYSCALL_64_safe_stack", "entry_SYSCALL_64_after_hwframe", "syscall_enter_from_user_pti", "user_pagetable_escape", "user_pagetable_return", "syscall_exit_to_user_pti", "syscall_return_via_sysret"])); // prettier-ignore
    }
  });

  it("runs more kernel instructions on the user CR3 than the baseline, and passes trace check", () => {
    const patchedRun = runPatched(config, "insn");
    const base = baselineRecords(config);
    const count = (rs: readonly TraceRecord[]): number[] => episodes(rs).map((e) => userCr3Kernel(e).length); // prettier-ignore
    const [a, b] = [count(base), count(patchedRun.records)];
    expect(a).toHaveLength(10);
    for (let i = 0; i < 10; i++) expect(b[i]!).toBeGreaterThan(a[i]!);
    for (const [records, k] of [
      [base, theKernel()],
      [patchedRun.records, patchedKernel([PATCH1])],
    ] as const) {
      const entryText = { start: symbol(k, "__entry_text_start"), end: symbol(k, "__entry_text_end") }; // prettier-ignore
      const results = checkTrace(records, { entryText });
      expect(results.map((c) => `${c.name} ${c.status}`)).toEqual(results.map((c) => `${c.name} ok`)); // prettier-ignore
      expect(results.find((c) => c.name === "kernel-code-on-user-cr3")!.status).toBe("ok");
    }
  });

  it("diffs against the baseline: the first divergence is the kernel-bound CR3 write", () => {
    const base = baselineRecords(config, "system");
    const { records } = runPatched(config, "system");
    const d = diffTraces(base, records);
    expect(d.equivalent).toBe(false);
    // The first divergence: the same kernel-bound CR3 write, in C and later in the episode.
    const first = d.first!;
    expect(first.unit.a).toMatchObject({ kind: "episode", trigger: "syscall 39", ordinal: 1 });
    const ev = first.event!;
    expect(ev.what).toBe("changed");
    expect([ev.a!.kind, ev.a!.fields.to, ev.b!.fields.to]).toEqual(["cr", "kernel", "kernel"]);
    expect(ev.a!.fields.fn).toMatch(/^(entry_SYSCALL_64|__entry_text_start)$/);
    expect(ev.b!.fields.fn).toBe("user_pagetable_escape");
    expect(ev.b!.offset).toBeGreaterThan(ev.a!.offset);
    // Per episode: as many CR3 writes, more instructions on the user CR3.
    const row = d.summary.find((r) => r.trigger === "syscall 39")!;
    expect([row.a.episodes, row.b.episodes]).toEqual([10, 10]);
    expect(row.b.cr3Writes).toBe(row.a.cr3Writes);
    expect(row.b.userCr3Instructions / 10).toBeGreaterThan(row.a.userCr3Instructions / 10);
    expect(d.end.same).toBe(true);
  });
});

function symbol(k: KernelBuild, name: string): bigint {
  return k.image.symbols.find((s) => s.name === name)!.value;
}

function baselineRecords(config: KernelConfig, level: "system" | "insn" = "insn"): TraceRecord[] {
  const users = [{ name: "getpid", image: program("getpid") }];
  const diags = new DiagnosticBag();
  const first = bootKernel(theKernel(), users, config, { diags, machine: {} })!;
  const rec = new TraceRecorder({ image: traceImage(theKernel().image, first.regions), level, auditTlb: true }); // prettier-ignore
  const b = bootKernel(theKernel(), users, config, { diags, machine: { maxInsns: 2_000_000, events: rec } })!; // prettier-ignore
  expect(b.machine.run().exitStatus).toBe(CLEAN_EXIT);
  return rec.records;
}
