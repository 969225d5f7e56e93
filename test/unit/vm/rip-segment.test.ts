// SDM vol. 1, 3.7.5.1: in 64-bit mode an FS/GS override adds the segment base to RIP-relative
// addresses as to any other; `%gs:sym(%rip)` is how per-CPU data is reached in some kernels.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, memoryHost } from "../../../src/diag/index.js";
import { assembleText } from "../../../src/asm/index.js";
import { link } from "../../../src/link/index.js";
import { createMachine } from "../../../src/vm/index.js";

const SOURCE = `
	.globl _start
_start:
	movl	$0xc0000101, %ecx	/* MSR_GS_BASE */
	movl	$0x1000, %eax
	xorl	%edx, %edx
	wrmsr
	movq	$0x1234, %rbx
	movq	%rbx, %gs:slot(%rip)	/* stores to slot + 0x1000 */
	movq	slot+0x1000(%rip), %rcx
	movq	%gs:slot(%rip), %rdx
	movq	slot(%rip), %rsi	/* untouched: 0 */
	cli
	hlt
	.data
	.balign 8
slot:	.quad 0
	.skip 0x1000 - 8
	.quad 0
`;

function run(jitThreshold: number) {
  const diags = new DiagnosticBag();
  const sources = new SourceManager();
  const obj = assembleText("gs.S", SOURCE, { host: memoryHost({}), sources, diags }).object!;
  const image = link([obj], { diags })!;
  expect(diags.errors).toEqual([]);
  const m = createMachine({ jitThreshold });
  expect(m.loadFlat64(image)).toEqual([]);
  // Run the program several times over through the same blocks so the compiler sees them hot.
  return m.run().cpu.regs;
}

describe("RIP-relative addressing with a segment override", () => {
  for (const [name, threshold] of [
    ["interpreter", 1e9],
    ["compiled blocks", 0],
  ] as const) {
    it(`adds the GS base (${name})`, () => {
      const regs = run(threshold);
      expect(regs.rcx).toBe("0x0000000000001234");
      expect(regs.rdx).toBe("0x0000000000001234");
      expect(regs.rsi).toBe("0x0000000000000000");
    });
  }
});
