// Fuzzing the assembler front end (issue 2, "Bad input"): thousands of mutated valid sources
// (./fuzz-core.ts) must produce diagnostics only — no exception, no hang (every expansion and
// layout loop is bounded), an object exactly when there is no error. `npm run fuzz [cases]`
// runs the same cases for longer (bench/fuzz.mjs).
import { describe, expect, it } from "vitest";
import { ROOT } from "../../asm-oracle/corpus.js";
import { check, fuzz, fuzzSources, mutate } from "./fuzz-core.js";
import { prng } from "../../support/prng.js";

/** Cases per CI run: enough to reach every source many times, under ~20 s on 2 cores. */
const CASES = 5000;
/** A case slower than this is a near-hang (the expansion budget should stop it sooner). */
const SLOW_MS = 5000;
const SEED = 1;

describe("assembler fuzzing", () => {
  const sources = fuzzSources(ROOT);

  it("mutates reproducibly: the same seed gives the same text", () => {
    const text = sources[0]!.text;
    expect(mutate(prng(7), text)).toBe(mutate(prng(7), text));
    expect(mutate(prng(7), text)).not.toBe(text);
  });

  it("starts from sources that assemble cleanly or are rejected with diagnostics", () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.map((s) => s.name)).toContain("entry_64.S");
    for (const s of sources) expect(check(s.name, s.text, s.files, false), s.name).toBeUndefined();
  });

  it(`gets only diagnostics from ${CASES} mutated sources`, () => {
    const stats = fuzz(sources, SEED, CASES, () => performance.now());
    const report = stats.failures
      .slice(0, 3)
      .map((f) => `${f.source} seed ${f.seed}: ${f.error}`)
      .join("\n");
    expect(stats.failures.length, report).toBe(0);
    expect(stats.cases).toBe(CASES);
    expect(stats.slowest.ms, `${stats.slowest.source} seed ${stats.slowest.seed}`).toBeLessThan(SLOW_MS); // prettier-ignore
  }, 120_000);
});
