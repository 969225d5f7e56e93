// The handler-C programs (test/c/*.c, chibicc's manner): each is compiled by entrylab, linked
// with the flat64 C runtime and run on the VM; built with gcc and run natively on this host
// (when it is x86-64 Linux with gcc); both outputs must be identical. The VM's output is also
// compared with test/c/expected/NAME.txt so the VM stays checked without gcc; UPDATE_GOLDEN=1
// rewrites those files from the native run. A NAME.S next to NAME.c is built into both.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { C_DIR, nativeUnavailable, runNative, runOnVm } from "./build.js";

const EXPECTED_DIR = join(C_DIR, "expected");
/** C_ONLY=name[,name] runs only those programs (while writing a test). */
const only = process.env.C_ONLY?.split(",");
const programs = readdirSync(C_DIR)
  .filter((f) => f.endsWith(".c") && (!only || only.includes(f.replace(/\.c$/, ""))))
  .sort();
const whyNoNative = nativeUnavailable();
const work = mkdtempSync(join(tmpdir(), "entrylab-c-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

if (whyNoNative) console.log(`test/c: native half skipped: ${whyNoNative}`);

function sourcesOf(file: string): string[] {
  const base = join(C_DIR, file.replace(/\.c$/, ""));
  return existsSync(`${base}.S`) ? [`${base}.c`, `${base}.S`] : [`${base}.c`];
}

describe.each(programs)("%s", (file) => {
  const name = file.replace(/\.c$/, "");
  const srcs = sourcesOf(file);
  let vmOut = "";

  it("runs on the VM and main returns 0", () => {
    const { output, result } = runOnVm(srcs.map((p) => ({ name: p, text: readFileSync(p, "latin1") }))); // prettier-ignore
    vmOut = output;
    expect(result.faultChain, `the VM faulted; output:\n${output}`).toBeUndefined();
    expect(result.reason).toBe("exit");
    expect(output.endsWith("\n") && /^OK \d+$/m.test(output), output).toBe(true);
    expect(result.exitStatus, output).toBe(1); // isa-debug-exit: (0 << 1) | 1
  });

  it.skipIf(whyNoNative !== undefined)("prints what gcc's build prints", () => {
    const native = runNative(srcs, join(work, name));
    expect(native.status).toBe(0);
    if (process.env.UPDATE_GOLDEN) writeFileSync(join(EXPECTED_DIR, `${name}.txt`), native.output);
    expect(vmOut).toBe(native.output);
  });

  it("prints the expected output", () => {
    const expected = readFileSync(join(EXPECTED_DIR, `${name}.txt`), "latin1");
    expect(vmOut).toBe(expected);
  });
});
