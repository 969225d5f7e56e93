// `entrylab demo` (npm start): both scenarios run with the same UART output, the diff names the
// moved CR3 write and the user-CR3 delta, and trace check passes on both; then the futex
// ping-pong under patches 1-2, 1-2 + 4 and 1-3, where only the wrong-on-purpose patch 4 oopses
// and fails the task checks.
import { existsSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab } from "./helpers.js";

describe("entrylab demo (npm start)", () => {
  const r = entrylab(["demo"]);

  it("runs the baseline and patch 1 scenarios with the same output", () => {
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("$ entrylab kernel run --scenario baseline-getpid --trace ");
    expect(r.stdout).toContain("$ entrylab kernel run --scenario pti-c-getpid --trace ");
    // Recorded with the TLB audit: trace check's stale-translation runs on every scenario.
    expect(r.stdout.match(/^ {2}ok {7}stale-translation: /gm)?.length).toBeGreaterThanOrEqual(5);
    expect(r.stdout.match(/^ {2}getpid: pid 1 after 10 calls$/gm)).toHaveLength(2);
  });

  it("shows the stats, the first divergence at the kernel-bound CR3 write and the delta", () => {
    expect(r.stdout.match(/^ {2}cpu 0: \d+ instructions, \d+ on the user CR3/gm)).toHaveLength(2);
    expect(r.stdout).toMatch(/^ {4}B \+\d+ +cr +user_pagetable_escape\+0x[0-9a-f]+ reg=cr3 to=kernel/m); // prettier-ignore
    const m = /each getpid runs (\d+) more kernel instructions on the user CR3 \((\d+) \S+ (\d+)\)/.exec(r.stdout); // prettier-ignore
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBe(Number(m![3]) - Number(m![2]));
    expect(Number(m![1])).toBeGreaterThan(0);
  });

  it("records each scenario once and diffs the insn-level traces at the system level", () => {
    const files = [...r.stdout.matchAll(/--trace (\S+\.jsonl)(?: --audit-tlb)?$/gm)].map(
      (x) => x[1]!,
    );
    expect(files).toHaveLength(5);
    expect(r.stdout).not.toContain("--trace-level");
    expect(r.stdout).toContain(`$ entrylab trace diff --level system ${files[0]} ${files[1]}\n`);
    expect(readdirSync(dirname(files[0]!)).filter((f) => f.endsWith(".jsonl")).sort()).toEqual(["baseline-getpid.jsonl", "pti-c-getpid.jsonl", "pti-c-pingpong.jsonl", "pti-task-stack-pingpong.jsonl", "pti-wrong-sleep-pingpong.jsonl"]); // prettier-ignore
    expect(r.stdout).toMatch(/^ {4}A \+\d+ +cr +entry_SYSCALL_64\+0x[0-9a-f]+ +reg=cr3 to=kernel/m);
    // At their own level the traces part earlier, at an artefact of the patch's layout (a page
    // walk where code crossed a page, or the ALTERNATIVE padding): the reason for --level.
    const insn = entrylab(["trace", "diff", files[0]!, files[1]!]);
    expect(insn.status).toBe(1);
    const first = /^first divergence: .*\n {2}[AB] \+\d+ +(\S+)/m.exec(insn.stdout);
    expect(["walk", "tlb-fill", "insn"]).toContain(first?.[1]);
  });

  it("passes trace check on both getpid traces, and leaves the files it names", () => {
    const act1 = r.stdout.slice(0, r.stdout.indexOf("Sleeping in the kernel"));
    expect(act1.match(/^ {2}ok {7}kernel-code-on-user-cr3:/gm)).toHaveLength(2);
    expect(act1).not.toMatch(/^ {2}violated/m);
    const files = [...r.stdout.matchAll(/--trace (\S+\.jsonl)/g)].map((x) => x[1]!);
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(existsSync(f)).toBe(true);
  });

  it("runs the ping-pong under patches 1-2, 4 and 3: only the wrong one oopses, and its check names the frame", () => {
    const act2 = r.stdout.slice(r.stdout.indexOf("Sleeping in the kernel"));
    expect(act2.match(/^ {2}pingpong: pid 2 round 2$/gm)).toHaveLength(2);
    expect(act2).toMatch(/^ {2}Oops: RIP: ffffffff81[0-9a-f]+ RSP: fffffe00000[0-9a-f]+ CS: 10/m);
    expect(act2).toContain("(exit, status 225, ");
    // Exactly the three task checks fail, on the wrong variant's trace only.
    expect(act2.match(/^ {2}violated (\S+):/gm)).toEqual(["  violated schedule-on-entry-stack:", "  violated switch-on-entry-stack:", "  violated entry-stack-overwrite:"]); // prettier-ignore
    expect(act2).toMatch(/entry-stack-overwrite: pid 2's IRET exit at icount \d+ on CPU 0 wrote over pid 1's frame, left on the entry stack when pid 1 was switched out/); // prettier-ignore
    const rows = [...act2.matchAll(/^ {2}\((\d+) moves onto the entry stack of CPU 0; pid 1's user page table maps (\d+) KiB of kernel addresses\)$/gm)]; // prettier-ignore
    const moves = rows.map((m) => Number(m[1]));
    expect(moves).toHaveLength(3);
    expect(moves[0]).toBeGreaterThan(0);
    expect(moves[2]).toBe(0); // patch 3: every entry lands on the task's own stack
    // ... at the price of its stack's top page in the user page table.
    const kib = rows.map((m) => Number(m[2]));
    expect(kib[2]! - kib[0]!).toBe(4);
    expect(kib[1]).toBe(kib[0]);
  });

  it("ends with the trace report command for its two getpid runs, which writes the page", () => {
    const m = /All of it on one page:\n {2}entrylab (trace report .*) -o report\.html$/m.exec(
      r.stdout,
    );
    expect(m).not.toBeNull();
    const page = entrylab([...m![1]!.split(" "), "-o", join(dirname(m![1]!.split(" ")[2]!), "report.html")]); // prettier-ignore
    expect(page.stderr).toBe("");
    expect(page.status).toBe(0);
  });
});
