// Bad input is a diagnostic, never an exception: random soups of directives, macros, quotes,
// comments and splices (from a fixed seed, so runs are reproducible) must all preprocess.
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";

const PIECES = [
  "#define F(a, ...) a ## __VA_ARGS__ #a",
  "#define G F(",
  "#define H(x) x H(x)",
  "#undef F",
  "#if",
  "#if F(1,2)",
  "#ifdef G",
  "#elif 1/0",
  "#else",
  "#endif",
  '#include "x.h"',
  "#include <",
  "#line",
  '# 3 "m.S" 1',
  '# 4 "m.S" 2',
  "#error e",
  "#",
  "#pragma once",
  "##",
  "#x",
  "F(",
  ")",
  "(",
  ",",
  "G",
  "H(1)",
  "F",
  "'",
  '"',
  "$'a",
  "/*",
  "*/",
  "//",
  "\\",
  "\\\n",
  "\n",
  "\n",
  "\n",
  " ",
  "\t",
  "movq $1, %rax",
  "__LINE__",
  "__FILE__",
  "defined",
  "0x",
  "1e+",
];

function soup(seed: number, length: number): string {
  let s = seed;
  const next = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s >>> 8;
  };
  let out = "";
  for (let i = 0; i < length; i++)
    out += PIECES[next() % PIECES.length] + (next() % 3 === 0 ? "\n" : " ");
  return out;
}

describe("cpp robustness", () => {
  it("never throws on random input, in both modes", () => {
    const files = { "x.h": '#include "x.h"\nF(' };
    for (let seed = 1; seed <= 150; seed++) {
      for (const mode of ["asm", "c"] as const) {
        const src = soup(seed, 60);
        let r: ReturnType<typeof run> | undefined;
        expect(
          () => (r = run(src, { mode, files, maxIncludeDepth: 8 })),
          `seed ${seed} ${mode}`,
        ).not.toThrow();
        for (const line of r!.result.lines) {
          expect(line.text.includes("\n")).toBe(false);
          for (let col = 0; col <= line.text.length; col++)
            expect(() => r!.sources.format(line.locAt(col))).not.toThrow();
        }
      }
    }
  });
});
