// A seeded fuzz test: mutated versions of the test/c programs (bytes deleted, duplicated,
// swapped, punctuation inserted) must compile or fail with diagnostics — never throw, never
// hang. The PRNG is seeded so every run checks the same inputs.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileText } from "../../../src/cc/index.js";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { C_DIR, C_INCLUDE, nodeHost } from "../../c/build.js";

const SEED = 0x5eed;
const ROUNDS_PER_FILE = 12;
const INSERTS = ["(", ")", "{", "}", "[", "]", ";", ",", "*", "&", "int ", "struct ", "=", "\"", "'", "asm(", ":", "...", "0x", "__attribute__((", "#"]; // prettier-ignore

/** xorshift32: small, seedable, deterministic. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

function mutate(text: string, rand: () => number): string {
  let t = text;
  const edits = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rand() * t.length);
    const len = 1 + Math.floor(rand() * 12);
    switch (Math.floor(rand() * 4)) {
      case 0:
        t = t.slice(0, at) + t.slice(at + len);
        break;
      case 1:
        t = t.slice(0, at) + t.slice(at, at + len) + t.slice(at);
        break;
      case 2:
        t = t.slice(0, at) + INSERTS[Math.floor(rand() * INSERTS.length)] + t.slice(at);
        break;
      default: {
        const other = Math.floor(rand() * t.length);
        t = t.slice(0, at) + t.slice(other, other + len) + t.slice(at + len);
      }
    }
  }
  return t;
}

const files = readdirSync(C_DIR)
  .filter((f) => f.endsWith(".c"))
  .sort();

describe("fuzzing the compiler with mutated programs", () => {
  it.each(files)("%s: mutants never throw", (file) => {
    const text = readFileSync(`${C_DIR}${file}`, "latin1");
    const rand = rng(SEED ^ (file.length * 7919));
    for (let i = 0; i < ROUNDS_PER_FILE; i++) {
      const src = mutate(text, rand);
      const diags = new DiagnosticBag();
      const r = compileText(file, src, { host: nodeHost, sources: new SourceManager(), diags, includePaths: [C_INCLUDE] }); // prettier-ignore
      // Either assembly or at least one error, never both and never neither.
      expect(r.asm === undefined, src).toBe(diags.hasErrors);
    }
  });

  it("survives absurd nesting", () => {
    const diags = new DiagnosticBag();
    const src = `int x = ${"(".repeat(5000)}1${")".repeat(5000)};\nint f(void) { ${"{".repeat(3000)} }`;
    const r = compileText("deep.c", src, { host: nodeHost, sources: new SourceManager(), diags });
    expect(r.asm).toBeUndefined();
    expect(diags.errors[0]!.code).toBe("E6027");
  });
});
