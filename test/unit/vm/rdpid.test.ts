// RDPID (SDM vol. 2 "RDPID"): the destination gets IA32_TSC_AUX, zero-extended to 64 bits, flags
// unchanged; #UD when CPUID.(EAX=07H,ECX=0):ECX.RDPID[bit 22] is 0 (--features -rdpid). The MSR
// exists when RDTSCP or RDPID does (SDM vol. 4, table 2-2), else RDMSR/WRMSR raise #GP(0). With no
// IDT a fault escalates to a triple fault whose chain starts with it.
import { describe, expect, it } from "vitest";
import { boot, i, r } from "./asm.js";
import { parseFeatures } from "../../../src/vm/index.js";
import type { Features } from "../../../src/vm/index.js";

const RAX = 0;
const RCX = 1;
const RDX = 2;
const R8 = 8;
const MSR_TSC_AUX = 0xc0000103;
const CPUID_7_ECX_RDPID = 1 << 22;
const AUX = 0x1005; // node 1, CPU 5 in Linux's encoding (cpu | node << 12)

/** WRMSR IA32_TSC_AUX := AUX, then RDPID into R8 (first set to all ones). */
function rdpidProgram(features?: Features) {
  return boot(
    [
      ["movEqId", i(-1), r(R8)],
      ["movEdId", i(MSR_TSC_AUX), r(RCX)],
      ["movEdId", i(AUX), r(RAX)],
      ["xorEdGd", r(RDX), r(RDX)],
      ["wrmsr"],
      ["rdpidGq", r(R8)],
      ["cli"],
      ["hlt"],
    ],
    { features },
  ).run();
}

describe("RDPID", () => {
  it("reads IA32_TSC_AUX into the whole 64-bit register", () => {
    const res = rdpidProgram();
    expect(res.reason).toBe("halt");
    expect(BigInt(res.cpu.regs.r8!)).toBe(BigInt(AUX));
  });
  it("raises #UD without the feature, at the RDPID", () => {
    const res = rdpidProgram(parseFeatures("-rdpid") as Features);
    expect(res.reason).toBe("triple-fault");
    expect(res.faultChain![0]).toMatchObject({ name: "#UD" });
  });
  it("keeps IA32_TSC_AUX with RDPID alone, and drops it with neither RDTSCP nor RDPID", () => {
    expect(rdpidProgram(parseFeatures("-rdtscp") as Features).reason).toBe("halt");
    const res = rdpidProgram(parseFeatures("-rdtscp,-rdpid") as Features);
    expect(res.faultChain![0]).toMatchObject({ name: "#GP", errorCode: 0 });
  });
  it("is reported by CPUID leaf 7 ECX bit 22 only when on", () => {
    const leaf7 = (feat?: Features) =>
      boot([["movEdId", i(7), r(RAX)], ["xorEdGd", r(RCX), r(RCX)], ["cpuid"], ["cli"], ["hlt"]], {
        features: feat,
      }).run();
    expect(Number(leaf7().cpu.regs.rcx) & CPUID_7_ECX_RDPID).toBe(CPUID_7_ECX_RDPID);
    expect(Number(leaf7(parseFeatures("-rdpid") as Features).cpu.regs.rcx)).toBe(0);
  });
});
