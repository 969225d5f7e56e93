// The long assembler fuzz run: `npm run fuzz:asm [-- cases [first-seed]]` (default 100000 cases
// from seed 1; `npm run fuzz` runs it, then the VM's differential fuzzer). Bundles the fuzzer
// core (test/unit/asm/fuzz-core.ts, shared with the CI test)
// and the src it imports with esbuild into dist/, then runs the cases: mutated valid sources
// must give diagnostics only. Prints progress, the slowest case, and every failure with the seed
// that reproduces it (the mutated text of the first few goes to dist/fuzz-failure-<seed>.s).
// Exit status: 0 when every case passed, 1 otherwise, 2 on bad usage.
import { ROOT, caseArgs, importBundle } from "./lib.mjs";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const DEFAULT_CASES = 100000;
const PROGRESS_EVERY = 5000;
const SAVED_FAILURES = 5;

const { cases, firstSeed } = caseArgs("bench/fuzz.mjs", DEFAULT_CASES);
const { fuzz, fuzzSources } = await importBundle("fuzz-core", { file: "test/unit/asm/fuzz-core.ts", external: true }); // prettier-ignore

const sources = fuzzSources(ROOT);
console.log(
  `fuzzing the assembler: ${cases} cases from seed ${firstSeed}, ${sources.length} sources`,
);
const t0 = performance.now();
const stats = fuzz(
  sources,
  firstSeed,
  cases,
  () => performance.now(),
  (done, s) => {
    const rate = Math.round(done / ((performance.now() - t0) / 1000));
    console.log(`  ${done} cases, ${s.failures.length} failures, ${rate} cases/s`);
  },
  PROGRESS_EVERY,
);
const seconds = ((performance.now() - t0) / 1000).toFixed(1);
console.log(
  `${stats.cases} cases in ${seconds} s; slowest ${stats.slowest.ms.toFixed(0)} ms ` +
    `(${stats.slowest.source}, seed ${stats.slowest.seed})`,
);
for (const [i, f] of stats.failures.entries()) {
  console.log(`FAIL ${f.source} seed ${f.seed}: ${f.error.split("\n")[0]}`);
  if (i < SAVED_FAILURES) writeFileSync(join(ROOT, `dist/fuzz-failure-${f.seed}.s`), f.text);
}
process.exit(stats.failures.length === 0 ? 0 : 1);
