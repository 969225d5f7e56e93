// The differential fuzzer (see fuzz.ts): deterministic seeds, a batch of random instruction
// sequences run on the VM and natively, every final register, flag and buffer byte compared.
// The longer mode is `node bench/vm-fuzz.mjs N [SEED]` (FUZZ_SEQS / FUZZ_SEED here).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hostVendor, hostVendorOption, nativeUnavailable, runNative, runOnVm } from "./build.js";
import { fuzzForms, Prng, programText, randomSeq, splitSeqs } from "./fuzz.js";
import type { FuzzSeq } from "./fuzz.js";

const REFERENCE_VENDOR = "AuthenticAMD";
const SEQS = Number(process.env.FUZZ_SEQS ?? 1200);
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);
const BATCH = 600;
const MAX_LEN = 8;
const SHOW = 8;
const whyNoNative = nativeUnavailable();
const work = mkdtempSync(join(tmpdir(), "entrylab-fuzz-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function maskFlags(text: string): string {
  return text.replace(/^flags=(.*)$/gm, (_, f: string) => `flags=${f.replace(/[a-z_]/g, "?")}`);
}

function describeSeq(s: FuzzSeq): string {
  const regs = s.regs.map((v, i) => `r${i}=${v.toString(16)}`).join(" ");
  return `  flags=${s.flags.toString(16)} ${regs}\n${s.insns.map((i) => `    ${i.text}`).join("\n")}`;
}

function firstDiff(a: string, b: string): string {
  const x = a.split("\n");
  const y = b.split("\n");
  const i = x.findIndex((l, k) => l !== y[k]);
  return `    vm:     ${x[i]}\n    native: ${y[i]}`;
}

describe.skipIf(whyNoNative !== undefined)("differential fuzzing against the host CPU", () => {
  const batches = Math.ceil(SEQS / BATCH);
  it.each(Array.from({ length: batches }, (_, b) => b))("batch %i", (b) => {
    const seed = FIRST_SEED + b;
    const r = new Prng(seed);
    const forms = fuzzForms();
    const n = Math.min(BATCH, SEQS - b * BATCH);
    const seqs = Array.from({ length: n }, () => randomSeq(r, forms, MAX_LEN));
    const text = programText(seqs);
    const src = join(work, `fuzz-${seed}.S`);
    writeFileSync(src, text);
    const vm = runOnVm(src, text, { maxInsns: 200_000_000, vendor: hostVendorOption() });
    expect(vm.result.faultChain, "the VM faulted").toBeUndefined();
    expect(vm.result.reason).toBe("exit");
    const native = runNative(src, join(work, `fuzz-${seed}`));
    const vmParts = splitSeqs(vm.output);
    const nativeParts = splitSeqs(native);
    expect(vmParts.length).toBe(n);
    expect(nativeParts.length).toBe(n);
    const exact = hostVendor() === REFERENCE_VENDOR;
    const failures: string[] = [];
    let compared = 0;
    let insns = 0;
    seqs.forEach((s, k) => {
      if (!exact && s.readsUndefined) return;
      compared++;
      insns += s.insns.length;
      const v = exact ? vmParts[k]! : maskFlags(vmParts[k]!);
      const w = exact ? nativeParts[k]! : maskFlags(nativeParts[k]!);
      if (v !== w) failures.push(`seed ${seed} seq ${k}:\n${describeSeq(s)}\n${firstDiff(v, w)}`);
    });
    console.log(
      `fuzz seed ${seed}: ${compared} sequences, ${insns} instructions compared` +
        `${exact ? "" : " (undefined flags masked)"}; ${failures.length} mismatches`,
    );
    expect(failures.slice(0, SHOW).join("\n\n")).toBe("");
  });
});

if (whyNoNative) {
  describe("differential fuzzing", () => {
    it("generates valid sequences without a host CPU to compare with", () => {
      console.log(`test/asm/fuzz: native comparison skipped: ${whyNoNative}`);
      const r = new Prng(FIRST_SEED);
      const text = programText(
        Array.from({ length: 50 }, () => randomSeq(r, fuzzForms(), MAX_LEN)),
      );
      const vm = runOnVm("fuzz.S", text);
      expect(vm.result.reason).toBe("exit");
    });
  });
}
