// Kernel-style inline asm headers (test/c/include/kernel) run at CPL 0 on the flat64 machine:
// CR3 writes, MSRs, swapgs, %gs-relative per-CPU accesses and cli/sti, checked through the
// program's own assertions and the machine's final state.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { C_DIR, runOnVm } from "../../c/build.js";

const FILE = `${C_DIR}kernel/kernel-mode.c`;
const X86_EFLAGS_IF = 0x200n;
const MSR_GS_BASE = "0xc0000101";

describe("kernel-mode handler-C", () => {
  const run = runOnVm([{ name: FILE, text: readFileSync(FILE, "latin1") }]);

  it("passes its own assertions and exits through the debug port", () => {
    expect(run.result.faultChain, run.output).toBeUndefined();
    expect(run.output).toMatch(/^OK \d+$/m);
    expect(run.result.exitStatus).toBe(1);
  });

  it("leaves CR3 at the copied PML4 and interrupts enabled", () => {
    const cpu = run.result.cpu;
    expect(BigInt(cpu.cr3)).not.toBe(0x1000n);
    expect(BigInt(cpu.cr3) % 4096n).toBe(0n);
    expect(BigInt(cpu.rflags) & X86_EFLAGS_IF).toBe(X86_EFLAGS_IF);
  });

  it("leaves GS base at CPU 1's per-CPU offset", () => {
    const gs = run.result.cpu.msrs[MSR_GS_BASE] ?? run.result.cpu.segments["gs"]?.base;
    expect(gs).toBeDefined();
    expect(BigInt(gs!)).not.toBe(0n);
  });

  it("compiles every header access to %gs-relative and control-register instructions", () => {
    expect(run.asm).toMatch(/movq %r\w+, %gs:cpu_number$/m);
    expect(run.asm).toMatch(/mov %r\w+, %cr3/);
    expect(run.asm).toContain("swapgs");
    expect(run.asm).toContain("wrmsr");
  });
});
