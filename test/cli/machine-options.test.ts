// `entrylab run` machine options end to end on the built CLI: each option changes what a small
// bare-metal program prints or how its run ends, and a bad value is a usage error (status 2,
// E0001 naming the option, no stack trace). And `entrylab pt IMAGE [--cr3 V] [--run]`: the
// ptdump-like map, the TLB after a run, and its errors.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, scratch } from "./helpers.js";

const OUT = "\tmov $0x3f8, %dx\n\tout %al, %dx\n";
const PROGRAMS = {
  // Every CPU prints its x2APIC ID as a letter five times, then halts with IF = 0.
  "ids.S": `\t.globl _start\n_start:\n\tmov $0x802, %ecx\n\trdmsr\n\tmov %eax, %ebx\n\tmov $5, %esi\n1:\tlea 'a'(%rbx), %eax\n${OUT}\tdec %esi\n\tjnz 1b\n\tcli\n\thlt\n`,
  // Read through flat64's 2 MiB page at 0x200000 (cached), repoint its PDE at 0x400000 without a
  // flush, read again: 'O' through a kept translation, 'N' through a new walk.
  "tlb.S": `\t.globl _start\n_start:\n\tmovb $'O', 0x200000\n\tmovb $'N', 0x400000\n\tmov 0x200000, %al\n\tmovq $(0x400000 | 0x83), 0x3008\n\tmov 0x200000, %al\n${OUT}\tcli\n\thlt\n`,
  // CPUID 0's vendor string, then CPUID.1:ECX.x2APIC as '0' or '1'.
  "cpuid.S": `\t.globl _start\n_start:\n\txor %eax, %eax\n\tcpuid\n\tmov %ebx, %r8d\n\tmov %edx, %r9d\n\tmov %ecx, %r10d\n\t.irp r, %r8d, %r9d, %r10d\n\tmov \\r, %eax\n\t.rept 4\n${OUT}\tshr $8, %eax\n\t.endr\n\t.endr\n\tmov $1, %eax\n\tcpuid\n\tshr $21, %ecx\n\tand $1, %ecx\n\tlea '0'(%rcx), %eax\n${OUT}\tcli\n\thlt\n`,
  // IF = 1, spin 10000 iterations, exit through isa-debug-exit (status 1). flat64 has no IDT,
  // so an injected NMI or interrupt escalates to a triple fault (status 6).
  "spin.S": `\t.globl _start\n_start:\n\tsti\n\tmov $10000, %ecx\n1:\tdec %ecx\n\tjnz 1b\n\txor %eax, %eax\n\tout %al, $0xf4\n`,
};
const dir = scratch(PROGRAMS);
const prog = (name: keyof typeof PROGRAMS) => join(dir, name);
const run = (...args: string[]) => entrylab(["run", ...args]);

describe("entrylab run machine options", () => {
  it("--cpus N runs N CPUs from the entry point", () => {
    expect(run(prog("ids.S"))).toMatchObject({ status: 0, stdout: "aaaaa" });
    expect(run("--cpus", "2", prog("ids.S"))).toMatchObject({ status: 0, stdout: "aaaaabbbbb" });
  });

  it("--quantum N changes the interleaving", () => {
    const r = run("--cpus", "2", "--quantum", "1", prog("ids.S"));
    expect(r).toMatchObject({ status: 0, stdout: "ababababab" });
  });

  it("--tlb strict and finite keep a translation until a flush; off walks every access", () => {
    expect(run(prog("tlb.S")).stdout).toBe("O");
    expect(run("--tlb", "strict", prog("tlb.S")).stdout).toBe("O");
    expect(run("--tlb", "finite", prog("tlb.S")).stdout).toBe("O");
    expect(run("--tlb", "off", prog("tlb.S")).stdout).toBe("N");
  });

  it("--vendor and --features change CPUID", () => {
    expect(run(prog("cpuid.S")).stdout).toBe("GenuineIntel1");
    expect(run("--vendor", "amd", prog("cpuid.S")).stdout).toBe("AuthenticAMD1");
    expect(run("--features=-x2apic", prog("cpuid.S")).stdout).toBe("GenuineIntel0");
    expect(run("--features=-x2apic,+x2apic", prog("cpuid.S")).stdout).toBe("GenuineIntel1");
    expect(run("--features", "nx,pge", prog("cpuid.S")).stdout).toBe("GenuineIntel0");
  });

  it("--inject posts an NMI or an interrupt at an instruction count", () => {
    expect(run(prog("spin.S")).status).toBe(1);
    const nmi = run("--inject", "nmi@0:100", prog("spin.S"));
    expect(nmi.status).toBe(6);
    expect(nmi.stderr).toMatch(/triple fault \(shutdown\) after 10\d instructions/);
    expect(nmi.stderr).toMatch(/fault NMI at .*\n {2}fault #GP error 0x13 /); // vector 2: IDT|EXT
    const irq = run("--inject", "irq:0x40@0:100", prog("spin.S"));
    expect(irq.status).toBe(6);
    expect(irq.stderr).toMatch(/fault vector 64 at .*\n {2}fault #GP error 0x203 /);
  });

  it("--pt-out writes the page tables and every CPU's TLB", () => {
    const out = join(scratch(), "pt.txt");
    expect(run("--cpus", "2", "--tlb", "off", "--pt-out", out, prog("ids.S")).status).toBe(0);
    const text = readFileSync(out, "latin1");
    expect(text).toMatch(/^page tables at CR3 0x1000 \(PML4 0x1000\):\n0x0+-0x0+40000000 +1G +2M pages +RW +sup +x +-> 0x0+\n/); // prettier-ignore
    expect(text).toMatch(/^CPU 0 TLB \(off\): \d+ hits, \d+ misses, \d+ fills$/m);
    expect(text).toMatch(/^CPU 1 TLB \(off\): /m);
    expect(text.match(/^page tables/gm)).toHaveLength(1); // CPU 0's tables only
  });

  it.each([
    [["--cpus", "0"], /--cpus/],
    [["--cpus", "33"], /--cpus: '33' is not 1-32/],
    [["--quantum", "fast"], /--quantum/],
    [["--tlb", "lru"], /--tlb: 'lru' is not one of strict, finite, off/],
    [["--vendor", "via"], /--vendor: 'via' is not one of intel, amd/],
    [["--features", "+smep,nx"], /--features: .*mix of/],
    [["--features=-avx512"], /--features: unknown feature 'avx512'/],
    [["--inject", "nmi@0"], /--inject: 'nmi@0' is not nmi@CPU:ICOUNT/],
    [["--inject", "irq:3@0:10"], /--inject: 'irq:3@0:10': vector must be 16-255/],
    [["--inject", "nmi@1:10"], /CPU 1 does not exist \(--cpus 1\)/],
  ])("rejects %j as a usage error", (args, message) => {
    const r = run(...(args as string[]), prog("spin.S"));
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^entrylab: error\[E0001\]: /);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});

describe("entrylab pt", () => {
  it("prints the loaded image's page tables as ranges (default CR3: flat64's PML4)", () => {
    const r = entrylab(["pt", prog("tlb.S")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      "page tables at CR3 0x1000 (PML4 0x1000):\n" +
        "0x0000000000000000-0x0000000040000000      1G  2M pages   RW  sup  x        -> 0x0000000000000000\n",
    );
  });

  it("--cr3 reads another table: flat64's PDPT read as a PML4 maps 1 GiB pages", () => {
    const r = entrylab(["pt", "--cr3", "0x2000", prog("tlb.S")]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^page tables at CR3 0x2000 \(PML4 0x2000\):\n/);
    expect(r.stdout).toMatch(/^0x0+-0x0+40000000 +1G +1G pages +RW +sup +x +-> 0x0+$/m);
  });

  it("--run runs the image first, then shows the final tables and the TLB by PCID", () => {
    const r = entrylab(["pt", "--run", prog("tlb.S")]);
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toMatch(/^run ended: halt after 9 instructions$/);
    // The repointed PDE shows in the final tables: 0x200000 now maps 0x400000.
    expect(r.stdout).toMatch(/^0x0+200000-0x0+400000 +2M +2M pages .*-> 0x0+400000$/m);
    expect(r.stdout).toMatch(/^CPU 0 TLB \(strict\): \d+ hits, \d+ misses, \d+ fills$/m);
    expect(r.stdout).toMatch(/^ {2}pcid 0: \d+ entries$/m);
    // The kept (stale) translation of 0x200000 still points at the old frame.
    expect(r.stdout).toMatch(/^ {4}0x0+200000 -> 0x0+200000 /m);
  });

  it("rejects a bad --cr3 (status 2) and a missing image (status 3)", () => {
    const bad = entrylab(["pt", "--cr3", "zz", prog("tlb.S")]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^entrylab: error\[E0001\]: --cr3: 'zz' is not a number/);
    const missing = entrylab(["pt", join(dir, "nothing.img")]);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toMatch(/error\[E0002\]: cannot read/);
    for (const r of [bad, missing]) expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
