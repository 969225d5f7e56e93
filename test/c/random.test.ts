// Differential testing of handler-C against gcc with random programs (test/c/random): each
// seed's program is built by entrylab and run on the VM, built by gcc (with UBSan) and run
// natively, and the two must print the same — every global, element and member, then a
// checksum of the functions' locals. `npm run fuzz:cc` runs many more seeds and shrinks any
// program that differs.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nativeUnavailable } from "./build.js";
import { generate, printProgram } from "./random/gen.js";
import { firstDifference, generateText, runSeed } from "./random/fuzz.js";
import { reduce } from "./random/reduce.js";

/** Enough seeds to take well under a minute on a loaded two-core machine. */
const SEEDS = Array.from({ length: 16 }, (_, i) => i + 1);
const whyNoNative = nativeUnavailable();
const work = mkdtempSync(join(tmpdir(), "entrylab-random-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

if (whyNoNative) console.log(`test/c/random: skipped, gcc is the oracle: ${whyNoNative}`);

describe("the random-program generator", () => {
  it("gives the same program for the same seed, and another for another", () => {
    expect(generateText(7)).toBe(generateText(7));
    expect(generateText(7)).not.toBe(generateText(8));
  });

  it("writes wide bit-fields, 2-D arrays, pointer arithmetic, sizeof and N-bit casts", () => {
    const text = Array.from({ length: 40 }, (_, i) => generateText(i + 1)).join("\n");
    const seen = (re: RegExp): boolean => re.test(text);
    expect(seen(/typedef __typeof__\(\(\(struct bf\d+ \*\)0\)->s \+ 0\) sbf\d+;/)).toBe(true);
    expect(seen(/\((u|s)bf\d+\)/)).toBe(true); // a cast to an N-bit type
    expect(seen(/^\w[\w ]* m\d+\[\d+\]\[\d+\] = /m)).toBe(true); // a 2-D global
    expect(seen(/\(&\w+\[\(.*\) & \d+\] - &\w+\[/)).toBe(true); // a pointer difference
    expect(seen(/ & \d+\)\[\w+\]\)/)).toBe(true); // i[a]
    expect(seen(/ \+ 1\)\[\(int\)\(\(/)).toBe(true); // (a + 1)[i - 1]
    expect(seen(/sizeof\((struct|union) \w+\)/) && seen(/sizeof\(\+?\(/)).toBe(true);
  });

  it("shrinks a program to what keeps a property", () => {
    const prog = generate(5);
    const before = printProgram(prog);
    // The property: one particular assignment of the original survives.
    const line = before
      .split("\n")
      .find((l) => /^\t\t\w+ = /.test(l))!
      .trim();
    const after = reduce(prog, (text) => text.includes(line), 400);
    expect(after).toContain(line);
    expect(after.split("\n").length).toBeLessThan(before.split("\n").length * 0.8);
    expect(after).toContain("int main(void)");
  });
});

describe.skipIf(whyNoNative !== undefined)(
  "random programs: entrylab prints what gcc prints",
  () => {
    it.each(SEEDS)("seed %d", (seed) => {
      const { outcome } = runSeed(seed, work);
      expect(outcome.same, `seed ${seed}: ${firstDifference(outcome)}; npm run fuzz:cc -- 1 ${seed} shrinks it`).toBe(true); // prettier-ignore
    });
  },
);
