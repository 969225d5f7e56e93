// CMPXCHG with a 32-bit register destination that does not match the accumulator: Intel writes
// the destination back (SDM vol. 2 CMPXCHG), which zero-extends it like any 32-bit write; AMD
// (APM vol. 3) does not write a register destination. The machine's vendor option picks one.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, memoryHost } from "../../../src/diag/index.js";
import { assembleText } from "../../../src/asm/index.js";
import { link } from "../../../src/link/index.js";
import { createMachine } from "../../../src/vm/index.js";

const SOURCE = `
	.globl _start
_start:
	movabs	$0xaaaaaaaa11111111, %rbx
	movl	$0x22222222, %eax	/* accumulator differs from %ebx: no exchange */
	movl	$0x33333333, %ecx
	cmpxchgl %ecx, %ebx
	cli
	hlt
`;

function rbxAfter(vendor: "intel" | "amd"): string {
  const diags = new DiagnosticBag();
  const obj = assembleText("c.S", SOURCE, { host: memoryHost({}), sources: new SourceManager(), diags }).object!; // prettier-ignore
  const m = createMachine({ vendor });
  expect(m.loadFlat64(link([obj], { diags })!)).toEqual([]);
  const regs = m.run().cpu.regs;
  expect(regs.rax).toBe("0x0000000011111111");
  return regs.rbx!;
}

describe("CMPXCHG mismatch with a 32-bit register destination", () => {
  it("zero-extends the destination on Intel", () => {
    expect(rbxAfter("intel")).toBe("0x0000000011111111");
  });
  it("leaves the destination's upper half on AMD", () => {
    expect(rbxAfter("amd")).toBe("0xaaaaaaaa11111111");
  });
});
