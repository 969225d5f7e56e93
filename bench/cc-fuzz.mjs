// The long differential run of the handler-C compiler against gcc: `npm run fuzz:cc [-- cases
// [first-seed]]` (default 300 cases from seed 1). Bundles the fuzzer core (test/c/random/fuzz.ts,
// shared with test/c/random.test.ts) with esbuild into dist/, then for each seed generates a
// random handler-C program, runs it on the VM and natively (gcc -O0 with UBSan, and -O2 as a
// check on the generator) and compares. A program that differs is shrunk; the seed, the first
// differing line and the shrunk program are printed and the program is kept in
// dist/cc-fuzz-<seed>.c. Exit status: 0 when every case agreed, 1 otherwise, 2 on bad usage or
// without gcc on x86-64 Linux.
import { ROOT, caseArgs, importBundle } from "./lib.mjs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const DEFAULT_CASES = 300;
const PROGRESS_EVERY = 25;
/** Build-and-run trials the shrinker may spend on one failure. */
const SHRINK_TRIALS = 600;

const { cases, firstSeed } = caseArgs("bench/cc-fuzz.mjs", DEFAULT_CASES);
const { runSeed, firstDifference, minimise, optimisedAgrees, GccCrash, nativeUnavailable } = await importBundle("cc-fuzz-core", { file: "test/c/random/fuzz.ts", external: true }); // prettier-ignore
const whyNot = nativeUnavailable();
if (whyNot) {
  console.error(`fuzz:cc needs gcc as its oracle: ${whyNot}`);
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), "entrylab-cc-fuzz-"));
console.log(`fuzzing handler-C against gcc: ${cases} programs from seed ${firstSeed}`);
const t0 = performance.now();
let failures = 0;
let gccCrashes = 0;
for (let seed = firstSeed; seed < firstSeed + cases; seed++) {
  let r;
  try {
    r = runSeed(seed, work);
    if (!optimisedAgrees(r, work)) throw new Error("gcc -O0 and -O2 disagree");
  } catch (e) {
    if (e instanceof GccCrash) {
      // Not entrylab's bug nor the generator's: gcc had no answer to compare with.
      gccCrashes++;
      console.log(`seed ${seed}: skipped, gcc crashed (internal compiler error)`);
      continue;
    }
    failures++;
    console.log(`seed ${seed}: generator bug: ${e.message.split("\n").slice(0, 3).join(" ")}`);
    continue;
  }
  if (!r.outcome.same) {
    failures++;
    console.log(`seed ${seed}: DIFFERS, ${firstDifference(r.outcome)}; shrinking...`);
    const small = minimise(seed, work, SHRINK_TRIALS);
    const saved = join(ROOT, `dist/cc-fuzz-${seed}.c`);
    writeFileSync(saved, small);
    console.log(`--- seed ${seed}, shrunk (${saved}) ---\n${small}--- end of seed ${seed} ---`);
  }
  const done = seed - firstSeed + 1;
  if (done % PROGRESS_EVERY === 0) {
    const rate = (done / ((performance.now() - t0) / 1000)).toFixed(1);
    console.log(`  ${done} programs, ${failures} failures, ${rate} programs/s`);
  }
}
rmSync(work, { recursive: true, force: true });
const seconds = ((performance.now() - t0) / 1000).toFixed(1);
console.log(`${cases} programs in ${seconds} s, ${failures} failures, ${gccCrashes} skipped (gcc crashed)`); // prettier-ignore
process.exit(failures === 0 ? 0 : 1);
