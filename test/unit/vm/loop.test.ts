// The calibration loop (../shared/bench/loop.S) hand-encoded: runs under flat64 with paging on,
// prints its checksum on COM1 and exits through port 0xf4. The expected checksum is computed here
// with BigInt arithmetic, independently of the VM.
import { describe, expect, it } from "vitest";
import { asm, boot } from "./asm.js";
import { loopProgram } from "./loop-program.js";

function expected(iters: number): string {
  const M = (1n << 64n) - 1n;
  let rax = 0n, rbx = 1n, rdx = 0x12345n, rdi = 0n, mem = 7n; // prettier-ignore
  for (let rcx = 0n; rcx < BigInt(iters); rcx++) {
    rax = (rax + rcx) & M;
    rdx ^= rax;
    rbx = (rbx + mem) & M;
    mem = rbx;
    rdi ^= rbx;
  }
  return (rax ^ rbx ^ rdx ^ rdi).toString(16).padStart(16, "0");
}

describe("calibration loop", () => {
  it("prints the checksum and exits with status 1 through port 0xf4", () => {
    let out = "";
    const mc = boot(loopProgram(1000), { output: (b) => (out += new TextDecoder().decode(b)) });
    const res = mc.run();
    expect(res.reason).toBe("exit");
    expect(res.exitStatus).toBe(1);
    expect(out).toBe(expected(1000) + "\n");
    expect(res.insns).toBe(
      9 + 10 * 1000 + 6 + 16 * 9 - 0 + 0 + 4 + countAddBranches(expected(1000)),
    );
  });
  it("assembles to a non-empty program", () => {
    expect(asm(loopProgram(1)).length).toBeGreaterThan(100);
  });
});

/** The digit loop runs `add $39` only for hex digits a–f. */
function countAddBranches(hex: string): number {
  return [...hex].filter((d) => d >= "a").length;
}
