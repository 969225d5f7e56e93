// The core of the random-program differential fuzzer, shared by test/c/random.test.ts (a fixed
// set of seeds) and `npm run fuzz:cc` (bench/cc-fuzz.mjs, many more): generate the program for
// each seed, run it under entrylab and gcc, and on a difference shrink it (./reduce.ts) to a
// small program that still differs.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { nativeSide, runBoth, type Outcome } from "./diff.js";
import { generate, printProgram } from "./gen.js";
import { reduce } from "./reduce.js";

export { generateText } from "./gen.js";
export { GccCrash, runBoth } from "./diff.js";
export { nativeUnavailable } from "../build.js";

export interface SeedResult {
  seed: number;
  outcome: Outcome;
  text: string;
}

/** Run one seed's program both ways. */
export function runSeed(seed: number, work: string): SeedResult {
  const text = printProgram(generate(seed));
  return { seed, text, outcome: runBoth(text, work, `seed${seed}`) };
}

/** The first line where the two outputs part, for a one-line report. */
export function firstDifference(o: Outcome): string {
  const a = o.vm.split("\n");
  const b = o.native.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if (a[i] !== b[i]) return `line ${i + 1}: entrylab "${a[i]?.slice(0, 200)}", gcc "${b[i]}"`;
  return "no difference";
}

/** Shrink a differing seed's program; returns the smallest text that still differs. */
export function minimise(seed: number, work: string, trials?: number): string {
  const prog = generate(seed);
  let n = 0;
  // Keep the kind of failure: a program entrylab rejects stays one, a wrong answer stays one.
  const rejects = (o: Outcome): boolean => o.vm.startsWith("[entrylab failed");
  const original = rejects(runBoth(printProgram(prog), work, `min${seed}`));
  const fails = (text: string): boolean => {
    try {
      const o = runBoth(text, work, `min${seed}-${n++}`);
      return !o.same && rejects(o) === original;
    } catch {
      return false; // gcc rejected the edit or it ran badly: not the same bug
    }
  };
  return reduce(prog, fails, trials);
}

/**
 * Whether gcc -O2 prints what gcc -O0 printed. A program whose meaning depends on evaluation
 * order or other unspecified behaviour may differ: that is a generator bug, not entrylab's.
 */
export function optimisedAgrees(r: SeedResult, work: string): boolean {
  const file = join(work, `seed${r.seed}.c`);
  writeFileSync(file, r.text);
  return nativeSide(file, join(work, `seed${r.seed}-O2`), "-O2") === r.outcome.native;
}
