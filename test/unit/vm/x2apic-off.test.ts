// x2APIC turned off (--features -x2apic): CPUID.1:ECX.x2APIC reads 0 and the x2APIC MSRs
// (IA32_APIC_BASE 0x1B and 0x800–0x8FF) do not exist: RDMSR/WRMSR raise #GP(0) (SDM 10.12.1.2,
// vol. 2 RDMSR/WRMSR). With no IDT the #GP escalates to a triple fault whose chain starts with it.
import { describe, expect, it } from "vitest";
import { boot, i, r } from "./asm.js";
import { parseFeatures } from "../../../src/vm/index.js";
import type { Features } from "../../../src/vm/index.js";

const RAX = 0;
const RCX = 1;
const X2APIC_ID = 0x802;
const X2APIC_LAST = 0x8ff;
const APIC_BASE = 0x1b;
const CPUID_1_ECX_X2APIC = 1 << 21;
const off = parseFeatures("-x2apic") as Features;

function rdmsr(msr: number, features?: Features) {
  return boot([["movEdId", i(msr), r(RCX)], ["rdmsr"], ["cli"], ["hlt"]], { features }).run();
}

describe("x2APIC off", () => {
  it("CPUID leaf 1 reports x2APIC only when the feature is on", () => {
    const prog = (feat?: Features) =>
      boot([["movEdId", i(1), r(RAX)], ["cpuid"], ["cli"], ["hlt"]], { features: feat }).run();
    expect(Number(prog().cpu.regs.rcx) & CPUID_1_ECX_X2APIC).toBe(CPUID_1_ECX_X2APIC);
    expect(Number(prog(off).cpu.regs.rcx) & CPUID_1_ECX_X2APIC).toBe(0);
  });
  it("RDMSR of an x2APIC register raises #GP(0); with the feature on it reads", () => {
    expect(rdmsr(X2APIC_ID).reason).toBe("halt");
    for (const msr of [APIC_BASE, X2APIC_ID, X2APIC_LAST]) {
      const res = rdmsr(msr, off);
      expect(res.reason).toBe("triple-fault");
      expect(res.faultChain![0]).toMatchObject({ name: "#GP", errorCode: 0 });
    }
  });
  it("WRMSR to an x2APIC register raises #GP(0)", () => {
    const res = boot(
      [["movEdId", i(0x80b), r(RCX)], ["xorEdGd", r(RAX), r(RAX)], ["wrmsr"], ["hlt"]],
      { features: off },
    ).run();
    expect(res.faultChain![0]).toMatchObject({ name: "#GP", errorCode: 0 });
    expect(res.faultChain![0]!.rip).toBe(res.faultChain![1]!.rip);
  });
});
