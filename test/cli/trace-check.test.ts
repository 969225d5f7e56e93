// `entrylab trace check` end to end: a clean trace passes every check (status 0), a trace that
// breaks one reports it with its context (status 1), a bad trace file is trouble (status 2).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, scratch, traceWithoutExitSwapgs } from "./helpers.js";
import { CHECKS } from "../../src/trace/index.js";

const SYS = "test/system";
const ROUNDTRIP = "test/unit/trace/roundtrip.S";

describe("entrylab trace check", () => {
  const dir = scratch();

  it("passes the SYSCALL, #PF and IST test program at the insn level", () => {
    const t = join(dir, "rt.jsonl");
    expect(entrylab(["run", "-I", SYS, ROUNDTRIP, "--trace", t, "--trace-level", "insn"]).status).toBe(1); // prettier-ignore
    const r = entrylab(["trace", "check", t]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok {7}user-return-with-kernel-cr3: /m);
    expect(r.stdout).toMatch(/^ok {7}swapgs-balance: /m);
    // No image given: the entry text is unknown, so that check says why it did not run.
    expect(r.stdout).toMatch(/^skipped  kernel-code-on-user-cr3: .*__entry_text_start/m);
  });

  it("reports a SWAPGS missing on the way out, with the records before it", () => {
    // Drop the exit path's SWAPGS: the return to user mode keeps the kernel's GS base.
    const broken = traceWithoutExitSwapgs(dir);
    const r = entrylab(["trace", "check", broken]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^violated swapgs-balance: /m);
    expect(r.stdout).toMatch(/swapgs-balance: return to user mode with GS base 0x[0-9a-f]+; it was 0x0 at the entry/); // prettier-ignore
    expect(r.stdout).toMatch(/ {2}> 0 \d+ [0-9a-f]{16} sysret /);
  });

  it("passes the model kernel's PTI syscalls, entry text included, with --image", () => {
    const t = join(dir, "k.jsonl");
    const img = join(dir, "vmlinux");
    expect(entrylab(["kernel", "run", "--user", "getpid", "--trace", t, "--trace-level", "insn", "--audit-tlb"]).status).toBe(1); // prettier-ignore
    expect(entrylab(["kernel", "build", "-o", img]).status).toBe(0);
    const r = entrylab(["trace", "check", t, "--image", img]);
    expect(r.stdout.split("\n").filter((l) => l !== "").map((l) => l.split(/ +/)[0])).toEqual(CHECKS.map(() => "ok")); // prettier-ignore
    expect(r.status).toBe(0);
    // The same trace against an image whose entry text is elsewhere: the entry stub's first
    // instructions (on the user CR3) are then outside it, and the first one is reported.
    const src = join(dir, "elsewhere.S");
    writeFileSync(src, "\t.globl _start\n_start:\thlt\n"); // flat64 puts its (empty) entry text at 1 MiB
    const other = join(dir, "elsewhere.img");
    expect(entrylab(["link", src, "-o", other]).status).toBe(0);
    const v = entrylab(["trace", "check", t, "--image", other]);
    expect(v.status).toBe(1);
    expect(v.stdout).toMatch(/^kernel-code-on-user-cr3: kernel instruction at 0xffffffff81[0-9a-f]+ ran with the user page table/m); // prettier-ignore
  });

  it("with run --audit-tlb: names the stale translation, the PTE store and the missing INVLPG", () => {
    const t = join(dir, "stale.jsonl");
    const src = join(SYS, "stale-tlb.S");
    const run = entrylab(["run", "-I", SYS, "-D", "CASE_NOFLUSH", src, "--trace", t, "--audit-tlb"]); // prettier-ignore
    expect(run.status).toBe(1); // the guest's own checks pass: the VM still uses the stale entry
    const r = entrylab(["trace", "check", t]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^violated stale-translation: /m);
    expect(r.stdout).toMatch(/^stale-translation: stale translation: read of 0x40000000 at icount \d+ \(test_main\+0x[0-9a-f]+\) \(PCID 0\): the TLB gave frame 0x[0-9a-f]+ \(W\), the page tables now give frame 0x[0-9a-f]+ \(W\); the PTE at 0x[0-9a-f]+ mapping 0x40000000 changed from 0x[0-9a-f]+ to 0x[0-9a-f]+ at icount \d+ \(test_main\+0x[0-9a-f]+\), and no INVLPG of 0x40000000 or CR3 write came after it$/m); // prettier-ignore
    expect(r.stdout).toMatch(/ {2}> 0 \d+ [0-9a-f]{16} stale-tlb /);
    // The same run with the INVLPG: the audit is on and finds nothing.
    const t2 = join(dir, "flushed.jsonl");
    entrylab(["run", "-I", SYS, "-D", "CASE_INVLPG", src, "--trace", t2, "--audit-tlb"]);
    expect(entrylab(["trace", "check", t2]).stdout).toMatch(/^ok {7}stale-translation: /m);
  });

  it("without --audit-tlb the check is skipped and says how to record it; --audit-tlb needs --trace", () => {
    const t = join(dir, "plain.jsonl");
    entrylab(["run", "-I", SYS, "-D", "CASE_NOFLUSH", join(SYS, "stale-tlb.S"), "--trace", t]);
    const r = entrylab(["trace", "check", t]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^skipped  stale-translation: .*\(needs a trace recorded with --audit-tlb/m); // prettier-ignore
    const bad = entrylab(["run", "-I", SYS, join(SYS, "stale-tlb.S"), "--audit-tlb"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--audit-tlb needs --trace FILE");
    expect(entrylab(["run", "--help"]).stdout).toContain("--audit-tlb");
    expect(entrylab(["kernel", "run", "--help"]).stdout).toContain("--audit-tlb");
  });

  it("treats an unreadable trace as trouble (2), not as a violation", () => {
    const bad = join(dir, "bad.jsonl");
    writeFileSync(bad, '{"kind":"syscall"\n');
    const r = entrylab(["trace", "check", bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl:1:\d+: error\[E80\d\d\]/);
  });
});
