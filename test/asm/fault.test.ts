// #DE, which the self-checking files cannot print (natively it is SIGFPE): on the flat64 machine,
// with no IDT loaded, delivering #DE fails with #GP (a contributory pair → #DF, SDM 6.15), whose
// own delivery fails again → triple fault; the first record of
// the fault chain names the vector and the faulting instruction's RIP (SDM vol. 2 DIV/IDIV: #DE on
// a zero divisor and on a quotient too large for the destination).
import { describe, expect, it } from "vitest";
import { runOnVm } from "./build.js";

const VEC_DE = 0;
const VEC_DF = 8;
const VEC_GP = 13;

function divFault(body: string): ReturnType<typeof runOnVm>["result"] {
  const text = `#include "harness.h"
TEST_BEGIN
${body}
        SAY(not reached)
TEST_END
`;
  const { output, result } = runOnVm("de.S", text);
  expect(output).toBe("");
  return result;
}

describe("#DE on the VM", () => {
  it.each([
    ["div by zero, 8-bit", "mov $1, %eax\n xor %ecx, %ecx\n div %cl"],
    ["div by zero, 64-bit", "mov $1, %eax\n xor %ecx, %ecx\n div %rcx"],
    ["idiv by zero, 32-bit memory", "mov $1, %eax\n movl $0, -8(%rsp)\n idivl -8(%rsp)"],
    ["div quotient overflow, 8-bit", "mov $0x1234, %eax\n mov $7, %cl\n div %cl"],
    ["div quotient overflow, 64-bit", "mov $1, %edx\n xor %eax, %eax\n mov $1, %ecx\n div %rcx"],
    ["idiv -2^7 / -1", "mov $0xff80, %eax\n mov $-1, %cl\n idiv %cl"],
    ["idiv -2^15 / -1", "mov $0x8000, %eax\n mov $0xffff, %edx\n mov $-1, %cx\n idiv %cx"],
    ["idiv -2^31 / -1", "mov $0x80000000, %eax\n cltd\n mov $-1, %ecx\n idiv %ecx"],
    ["idiv -2^63 / -1", "movabs $0x8000000000000000, %rax\n cqto\n mov $-1, %rcx\n idiv %rcx"],
    ["idiv positive overflow", "mov $0x4000, %eax\n xor %edx, %edx\n mov $0x40, %cl\n idiv %cl"],
  ])("%s", (_, body) => {
    const r = divFault(body);
    expect(r.reason).toBe("triple-fault");
    expect(r.faultChain?.[0]?.vector).toBe(VEC_DE);
    expect(r.faultChain?.map((f) => f.vector)).toEqual([VEC_DE, VEC_DF, VEC_GP]);
  });

  it("leaves the dividend registers unchanged", () => {
    const r = divFault("movabs $0x1122334455667788, %rax\n mov $3, %edx\n mov $2, %ecx\n div %ecx");
    expect(r.faultChain?.[0]?.vector).toBe(VEC_DE);
    expect(r.cpu.regs.rax).toBe("0x1122334455667788");
    expect(r.cpu.regs.rdx).toBe("0x0000000000000003");
  });

  it("does not fault on the largest quotients that fit", () => {
    const { output, result } = runOnVm(
      "nofault.S",
      `#include "harness.h"
TEST_BEGIN
        mov $0x7f00, %eax
        mov $0x80, %cl
        div %cl
        PR(%rax)
        mov $0xff81, %eax
        mov $-1, %cl
        idiv %cl
        PR(%rax)
TEST_END
`,
    );
    expect(result.reason).toBe("exit");
    expect(output).toBe("%rax=00000000000000fe\n%rax=000000000000007f\ndone\n");
  });
});
