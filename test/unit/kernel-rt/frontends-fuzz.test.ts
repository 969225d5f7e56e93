// The kernel's two text front ends, fuzzed: the patch applier and the scenario parser take the
// repository's real patch series and scenarios, mutated (bytes replaced, deleted or duplicated,
// lines dropped, swapped or cut short). Whatever comes in, they either succeed or report at least
// one diagnostic with an E9xxx code and a location inside the text — never an exception, never a
// silent failure. Raise CASES to run longer.
import { readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { applyPatches, parseScenario } from "../../../src/kernel-rt/index.js";
import { prng } from "../../support/prng.js";
import { host } from "./helpers.js";

const CASES = 2000;
const PATCHES = readdirSync("programs/patches")
  .map((f) => `programs/patches/${f}`)
  .sort();
const SCENARIOS = readdirSync("programs/scenarios")
  .map((f) => `programs/scenarios/${f}`)
  .sort();
const NOISE = ["\n", " ", "@", "-", "+", "\\", "{", "}", '"', ",", ":", "0", "9", "a", "\t", "\u00e9", "@@ -1,3 +1,4 @@", "diff --git a/x b/x", "true", "[]", "null"]; // prettier-ignore

/** One random edit of `text`. */
function mutate(text: string, rnd: () => number): string {
  const at = Math.floor(rnd() * (text.length + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const lines = text.split("\n");
  const line = Math.floor(rnd() * lines.length);
  switch (Math.floor(rnd() * 6)) {
    case 0:
      return text.slice(0, at) + pick(NOISE) + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + text.slice(at + 1 + Math.floor(rnd() * 40));
    case 2:
      return text.slice(0, at) + text.slice(at, at + 30) + text.slice(at);
    case 3:
      return lines.filter((_, i) => i !== line).join("\n");
    case 4: {
      const other = Math.floor(rnd() * lines.length);
      [lines[line], lines[other]] = [lines[other]!, lines[line]!];
      return lines.join("\n");
    }
    default:
      return text.slice(0, at);
  }
}

function expectDiagnosed(diags: DiagnosticBag, sources: SourceManager): void {
  expect(diags.hasErrors).toBe(true);
  for (const d of diags.items) {
    expect(d.code).toMatch(/^E9\d{3}$/);
    if (d.loc && d.loc.file >= 0) {
      const f = sources.get(d.loc.file);
      expect(d.loc.start).toBeGreaterThanOrEqual(0);
      expect(d.loc.end).toBeLessThanOrEqual(f.text.length + 1);
    }
  }
}

describe("fuzzed front ends of the model kernel", () => {
  it(`patch series: ${CASES} mutations of programs/patches apply or are diagnosed`, () => {
    const rnd = prng(0x9a7c5);
    const texts = PATCHES.map((p) => readFileSync(p, "latin1"));
    let failed = 0;
    for (let i = 0; i < CASES; i++) {
      const k = Math.floor(rnd() * texts.length);
      let text = texts[k]!;
      for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) text = mutate(text, rnd);
      // Patches 2 and 3 sit on patch 1: apply the mutated one after the real patch 1.
      const series = k === 0 ? [{ name: PATCHES[0]!, text }] : [{ name: PATCHES[0]!, text: texts[0]! }, { name: PATCHES[k]!, text }]; // prettier-ignore
      const sources = new SourceManager();
      const diags = new DiagnosticBag();
      const r = applyPatches((p) => host.readFile(p), series, { sources, diags });
      if (r === undefined) {
        failed++;
        expectDiagnosed(diags, sources);
      } else expect(diags.hasErrors).toBe(false);
    }
    // Most mutations break a hunk or the format; some (in the message, say) are harmless.
    expect(failed).toBeGreaterThan(CASES / 4);
    expect(failed).toBeLessThan(CASES);
  });

  it(`scenarios: ${CASES} mutations of programs/scenarios parse or are diagnosed`, () => {
    const rnd = prng(0x5ce7a);
    const texts = SCENARIOS.map((p) => readFileSync(p, "utf8"));
    let failed = 0;
    for (let i = 0; i < CASES; i++) {
      const k = Math.floor(rnd() * texts.length);
      let text = texts[k]!;
      for (let n = 1 + Math.floor(rnd() * 2); n > 0; n--) text = mutate(text, rnd);
      const sources = new SourceManager();
      const diags = new DiagnosticBag();
      const s = parseScenario(SCENARIOS[k]!, text, { sources, diags });
      if (s === undefined) {
        failed++;
        expectDiagnosed(diags, sources);
      } else expect(diags.hasErrors).toBe(false);
    }
    expect(failed).toBeGreaterThan(CASES / 4);
    expect(failed).toBeLessThan(CASES);
  });
});
