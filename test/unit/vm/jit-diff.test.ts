// The block compiler against the interpreter, the reference: seeded random programs (and the same
// programs stopped by random instruction limits) run on a machine with the compiler forced on and
// on one without it; the final architectural state, the run ending, the fault chain, the
// instruction count and guest memory must be identical.
import { describe, expect, it } from "vitest";
import { FLAT64_IMAGE_BASE } from "../../../src/vm/index.js";
import type { Machine, RunResult } from "../../../src/vm/index.js";
import { boot } from "./asm.js";
import type { Insn } from "./asm.js";
import { DATA_OFFSET, randomProgram } from "./random-program.js";
import { prng } from "../../support/prng.js";

const MEM_SIZE = 4 * 1024 * 1024;
/** Guest memory compared after a run: low memory (page tables, stack) and the image with data. */
const COMPARED_BYTES = 2 * 1024 * 1024;

interface Outcome {
  res: RunResult;
  mem: Uint8Array;
  mc: Machine;
}

function runOn(
  prog: Insn[],
  data: Uint8Array,
  jit: boolean,
  maxInsns: number,
  threshold = 0,
): Outcome {
  const mc = boot(prog, { memSize: MEM_SIZE, maxInsns, jit, jitThreshold: threshold });
  mc.mem.u8.set(data, FLAT64_IMAGE_BASE + DATA_OFFSET);
  const res = mc.run();
  return { res, mem: mc.mem.u8.slice(0, COMPARED_BYTES), mc };
}

function expectSame(a: Outcome, b: Outcome, what: string): void {
  expect(b.res, what).toEqual(a.res);
  expect(Buffer.compare(Buffer.from(a.mem), Buffer.from(b.mem)), `${what}: memory`).toBe(0);
}

describe("compiled blocks against the interpreter", () => {
  it("agree on random programs: state, ending, fault chain, count and memory", () => {
    const SEEDS = 400;
    let compiled = 0;
    let faulted = 0;
    let halted = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const { prog, data } = randomProgram(seed, 8 + (seed % 40), 3 + (seed % 20));
      const ref = runOn(prog, data, false, 200_000);
      const jit = runOn(prog, data, true, 200_000, seed % 3);
      expectSame(ref, jit, `seed ${seed}`);
      compiled += jit.mc.blocksCompiled;
      if (ref.res.reason === "triple-fault") faulted++;
      if (ref.res.reason === "halt") halted++;
    }
    // The programs must exercise both outcomes and really run compiled code.
    expect(faulted).toBeGreaterThan(SEEDS / 10);
    expect(halted).toBeGreaterThan(SEEDS / 10);
    expect(compiled).toBeGreaterThan(SEEDS);
  });

  it("agree when a random instruction limit stops the run, mid-block included", () => {
    const rnd = prng(99);
    for (let seed = 1000; seed < 1150; seed++) {
      const { prog, data } = randomProgram(seed, 10 + (seed % 30), 10);
      const full = runOn(prog, data, false, 200_000);
      const limit = 1 + Math.floor(rnd() * full.res.insns);
      const ref = runOn(prog, data, false, limit);
      const jit = runOn(prog, data, true, limit);
      expectSame(ref, jit, `seed ${seed} limit ${limit}`);
      if (ref.res.reason === "limit") expect(jit.res.insns).toBe(limit);
    }
  });
});
