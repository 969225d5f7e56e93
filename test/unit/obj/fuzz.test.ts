// Random byte mutations of valid files: the reader must never throw, never hit its internal-error
// safety net, and anything it accepts must survive another write → read unchanged.
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import { readObject, writeObject } from "../../../src/obj/index.js";
import { richImage, richObject } from "./fixtures.js";
import { prng } from "../../support/prng.js";

const ITERATIONS = 3000;
const INTERESTING = [0, 1, 2, 0x7f, 0x80, 0xff];

/** Mutate a few bytes; most mutations land in the headers, where the structure lives. */
function mutate(bytes: Uint8Array, rand: () => number): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const shoff = Number(view.getBigUint64(40, true));
  const count = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < count; i++) {
    const where = rand();
    const at =
      where < 0.25
        ? Math.floor(rand() * 64)
        : where < 0.6
          ? shoff + Math.floor(rand() * (out.length - shoff))
          : Math.floor(rand() * out.length);
    const value =
      rand() < 0.5
        ? INTERESTING[Math.floor(rand() * INTERESTING.length)]!
        : Math.floor(rand() * 256);
    out[at] = value;
  }
  const cut = rand() < 0.05 ? Math.floor(rand() * out.length) : out.length;
  return out.subarray(0, cut);
}

describe("reader fuzz", () => {
  it(`survives ${ITERATIONS} seeded mutations`, () => {
    const rand = prng(0x5eed);
    const originals = [writeObject(richObject()), writeObject(richImage())];
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < ITERATIONS; i++) {
      const bytes = mutate(originals[i % originals.length]!, rand);
      const diags = new DiagnosticBag();
      const obj = readObject(bytes, "fuzz.o", diags);
      expect(
        diags.items.map((d) => d.code),
        `iteration ${i}`,
      ).not.toContain("E4099");
      if (!obj) {
        expect(diags.hasErrors, `iteration ${i}`).toBe(true);
        rejected++;
        continue;
      }
      accepted++;
      const again = readObject(writeObject(obj), "fuzz.o", new DiagnosticBag());
      expect(again, `iteration ${i}`).toEqual(obj);
    }
    // Both outcomes occur, so the test exercises the reader's checks and its success path.
    expect(accepted).toBeGreaterThan(0);
    expect(rejected).toBeGreaterThan(0);
  });
});
