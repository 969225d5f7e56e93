// The self-checking assembly tests (test/asm/*.S, Blink's manner): each file is assembled and
// linked by entrylab and run on the VM, built with gcc and run natively on this host (when it is
// x86-64 Linux with gcc), and both outputs must be identical. The VM's output is also compared with
// test/asm/expected/NAME.txt, so the VM stays checked on hosts without gcc; `UPDATE_GOLDEN=1`
// rewrites those files from the native run.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ASM_DIR, hostVendor, hostVendorOption, nativeUnavailable, runNative, runOnVm } from "./build.js"; // prettier-ignore

/** The CPU the expected files and the VM's undefined-flag choices come from (docs/machine.md). */
const REFERENCE_VENDOR = "AuthenticAMD";
const EXPECTED_DIR = join(ASM_DIR, "expected");
/** ASM_ONLY=name[,name] runs only those files (while writing a test). */
const only = process.env.ASM_ONLY?.split(",");
const files = readdirSync(ASM_DIR)
  .filter((f) => f.endsWith(".S") && (!only || only.includes(f.replace(/\.S$/, ""))))
  .sort();
const whyNoNative = nativeUnavailable();
const work = mkdtempSync(join(tmpdir(), "entrylab-asm-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

if (whyNoNative) console.log(`test/asm: native half skipped: ${whyNoNative}`);

/**
 * On a CPU other than the reference one, undefined flags (small letters / '_' in the flags lines,
 * see harness.h) may legitimately differ: compare only the defined ones.
 */
function maskUndefined(text: string): string {
  return text.replace(/^flags=(.*)$/gm, (_, f: string) => `flags=${f.replace(/[a-z_]/g, "?")}`);
}

describe.each(files)("%s", (file) => {
  const src = join(ASM_DIR, file);
  const name = file.replace(/\.S$/, "");
  let vmOut = "";

  it("runs on the VM to the debug-exit port", () => {
    const { output, result } = runOnVm(src, readFileSync(src, "latin1"));
    vmOut = output;
    expect(result.faultChain, "the VM faulted").toBeUndefined();
    expect(result.reason).toBe("exit");
    expect(result.exitStatus).toBe(1);
    expect(output.endsWith("done\n")).toBe(true);
  });

  it.skipIf(whyNoNative !== undefined)("prints what the host CPU prints", () => {
    const native = runNative(src, join(work, name));
    expect(native.endsWith("done\n")).toBe(true);
    if (process.env.UPDATE_GOLDEN) writeFileSync(join(EXPECTED_DIR, `${name}.txt`), native);
    if (hostVendor() === REFERENCE_VENDOR) expect(vmOut).toBe(native);
    else {
      // Model the host's vendor where Intel and AMD define different results (CMPXCHG).
      const vm = runOnVm(src, readFileSync(src, "latin1"), { vendor: hostVendorOption() }).output;
      expect(maskUndefined(vm)).toBe(maskUndefined(native));
    }
  });

  it("prints the expected output", () => {
    const expected = readFileSync(join(EXPECTED_DIR, `${name}.txt`), "latin1");
    expect(vmOut).toBe(expected);
  });
});
