// The calibration loop ../shared/bench/loop.S, assembled by entrylab with a small ITERS and run on
// the VM, must print the checksum the same source prints when built natively (test/asm/native/
// loop-native.S maps its port I/O to Linux write/exit). The full ITERS=1e8 run is the CLI's test.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ASM_DIR, nativeUnavailable, runNative, runOnVm } from "./build.js";

const LOOP = join(ASM_DIR, "../../../shared/bench/loop.S");
const ITERS = 1000;
const INSNS_PER_ITER = 10;
const whyNoNative = nativeUnavailable();
const work = mkdtempSync(join(tmpdir(), "entrylab-loop-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
if (whyNoNative) console.log(`test/asm/loop: native half skipped: ${whyNoNative}`);

describe("the calibration loop with ITERS=1000", () => {
  let vmOut = "";
  it("prints a checksum on the VM and exits with status 1", () => {
    const { output, result } = runOnVm(LOOP, readFileSync(LOOP, "latin1"), {
      defines: [{ name: "ITERS", value: String(ITERS) }],
    });
    vmOut = output;
    expect(result.reason).toBe("exit");
    expect(result.exitStatus).toBe(1);
    expect(output).toMatch(/^[0-9a-f]{16}\n$/);
    expect(result.insns).toBeGreaterThan(ITERS * INSNS_PER_ITER);
  });

  it.skipIf(whyNoNative !== undefined)("prints what the native build prints", () => {
    const native = runNative(join(ASM_DIR, "native/loop-native.S"), join(work, "loop"), [
      `-I${dirname(LOOP)}`,
      `-DITERS=${ITERS}`,
    ]);
    expect(native).toMatch(/^[0-9a-f]{16}\n$/);
    expect(vmOut).toBe(native);
  });
});
