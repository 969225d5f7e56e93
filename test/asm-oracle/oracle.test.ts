// The GNU as oracle. For every corpus file:
//   1. GNU as half: assemble with the host's gcc/as, check acceptance against the file's
//      `// expect:` header, and check the observation (symbol values and section bytes outside
//      code) against the recorded golden in ./expected (UPDATE_GOLDEN=1 rewrites it). Skipped,
//      with the reason printed, when gcc/as are missing.
//   2. entrylab half: assemble with src/asm's `assemble` and require the same observation as
//      the golden: same acceptance, same symbol values, same data bytes and relocations. This
//      half needs no GNU tools, only the goldens.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../src/diag/index.js";
import type { Host, Loc } from "../../src/diag/index.js";
import {
  ASM_DEFINES,
  compareMode,
  KERNEL_INCLUDE,
  UPDATE_GOLDEN,
  corpusFiles,
  corpusPath,
  expectation,
  readGolden,
  writeGolden,
} from "./corpus.js";
import { gasCommand, gasMessages, gasMissingReason, runGas } from "./gas.js";
import { diffObservations, hexValue, observe, type Observation } from "./observation.js";

const FILES = corpusFiles();
const GAS_OPTS = { includePaths: [KERNEL_INCLUDE], defines: ASM_DEFINES };
const GAS_MISSING = gasMissingReason();
if (GAS_MISSING) console.warn(`asm-oracle: skipping the GNU as half: ${GAS_MISSING}`);

describe("the corpus", () => {
  it("holds at least 40 files, accepted and rejected ones", () => {
    expect(FILES.length).toBeGreaterThanOrEqual(40);
    const kinds = new Set(FILES.map(expectation));
    expect(kinds).toEqual(new Set(["accept", "reject"]));
  });

  it.each(FILES)("%s opens with an `// expect: accept|reject` header", (file) => {
    expect(expectation(file)).toBeDefined();
  });

  it("marks only files with code-length data as compared on acceptance alone", () => {
    expect(FILES.filter((f) => compareMode(f) === "acceptance")).toEqual(["calling-macros.S"]);
  });

  it.each(FILES)("%s has a golden that agrees with its header", (file) => {
    const golden = readGolden(file);
    expect(golden, `no golden for ${file}: run with UPDATE_GOLDEN=1`).toBeDefined();
    expect(golden!.accepted ? "accept" : "reject").toBe(expectation(file));
  });
});

describe.skipIf(GAS_MISSING !== undefined)("GNU as", () => {
  it.each(FILES)("%s: GNU as does what the header says and matches the golden", async (file) => {
    const run = runGas(corpusPath(file), GAS_OPTS);
    expect(run.accepted ? "accept" : "reject", run.stderr).toBe(expectation(file));
    const obs: Observation = run.object
      ? observe(file, run.object, run.messages)
      : { file, accepted: false, messages: run.messages };
    if (!run.accepted)
      expect(run.messages.some((m) => /: (Error|Fatal error): /.test(m))).toBe(true);
    if (UPDATE_GOLDEN) await writeGolden(obs);
    const golden = readGolden(file);
    expect(golden, `no golden for ${file}: run with UPDATE_GOLDEN=1`).toBeDefined();
    // Messages are informative: their wording changes between binutils releases.
    expect({ ...obs, messages: undefined }).toEqual({ ...golden!, messages: undefined });
  });

  it("the ELF reader agrees with readelf -sW on symbol values", () => {
    for (const file of ["pcrel-data.s", "symbols-set.s", "sections.s"]) {
      const run = runGas(corpusPath(file), GAS_OPTS);
      expect(run.object).toBeDefined();
      const ours = run
        .object!.symbols.filter((s) => s.name !== "" && s.type !== "section" && s.type !== "file")
        .map((s) => `${s.name}=${hexValue(BigInt.asUintN(64, s.value))}`)
        .sort();
      expect(ours).toEqual(readelfSymbols(file));
    }
  });

  it("reads gas messages as line, kind and text", () => {
    const stderr = "x.s: Assembler messages:\nx.s:3: Error: bad thing\nx.s:4:  Info: from here\n";
    expect(gasMessages(stderr)).toEqual(["3: Error: bad thing"]);
  });
});

/** Name=value pairs from readelf -sW for the object gas makes of a corpus file. */
function readelfSymbols(file: string): string[] {
  const out = `/tmp/entrylab-readelf-${process.pid}.o`;
  const [cmd, args] = gasCommand(corpusPath(file), out, GAS_OPTS);
  expect(spawnSync(cmd, args).status).toBe(0);
  const text = spawnSync("readelf", ["-sW", out], { encoding: "utf8" }).stdout;
  const pairs: string[] = [];
  for (const line of text.split("\n")) {
    // "   Num:    Value          Size Type    Bind   Vis      Ndx Name"
    const m = /^\s*\d+:\s+([0-9a-f]{16})\s+\d+\s+(\w+)\s+\w+\s+\w+\s+\w+\s+(\S+)$/.exec(line);
    if (!m || m[2] === "SECTION" || m[2] === "FILE") continue;
    pairs.push(`${m[3]}=0x${BigInt(`0x${m[1]}`).toString(16)}`);
  }
  return pairs.sort();
}

/** A Host over the real file system, for the tests only. */
const nodeHost: Host = {
  readFile: (path) => (existsSync(path) ? readFileSync(path, "utf8") : undefined),
};

type AssembleFn = typeof import("../../src/asm/index.js").assemble;

describe("entrylab agrees with GNU as", () => {
  let assemble: AssembleFn | undefined;
  let loadError = "";
  beforeAll(async () => {
    try {
      const mod = await import("../../src/asm/index.js");
      if (typeof mod.assemble === "function") assemble = mod.assemble;
      else loadError = "src/asm/index.ts does not export assemble()";
    } catch (e) {
      loadError = `src/asm/index.ts failed to load: ${String(e)}`;
    }
  });

  it.each(FILES)("%s", (file) => {
    expect(assemble, loadError).toBeDefined();
    const golden = readGolden(file);
    expect(golden, `no golden for ${file}`).toBeDefined();
    const sources = new SourceManager();
    const diags = new DiagnosticBag();
    const result = assemble!(corpusPath(file), {
      host: nodeHost,
      sources,
      diags,
      includePaths: [KERNEL_INCLUDE],
      defines: ASM_DEFINES.map((name) => ({ name })),
    });
    const accepted = !diags.hasErrors && result.object !== undefined;
    const actual: Observation = accepted
      ? observe(file, result.object!)
      : { file, accepted: false };
    const report = renderDiagnostics(diags.items, sources);
    if (compareMode(file) === "acceptance") expect(actual.accepted, report).toBe(golden!.accepted);
    else expect(diffObservations(golden!, actual), report).toEqual([]);
    if (!golden!.accepted) {
      // Rejected for the same reason, as far as a line number can tell: some entrylab error
      // (or a macro/include site in its chain) is on a line where GNU as reports an error.
      const gasLines = gasErrorLines(golden!);
      if (gasLines.size > 0) {
        const ours = errorLines(diags, sources, corpusPath(file));
        expect(
          [...ours].some((l) => gasLines.has(l)),
          `GNU as errors on lines ${[...gasLines]}\n${report}`,
        ).toBe(true);
      }
    }
  });
});

/** Lines of the corpus file where GNU as reports an error; empty if any error has no line. */
function gasErrorLines(golden: Observation): Set<number> {
  const lines = new Set<number>();
  for (const m of golden.messages ?? []) {
    const hit = /^(\d+|-): (?:Error|Fatal error): /.exec(m);
    if (!hit) continue;
    if (hit[1] === "-") return new Set();
    lines.add(Number(hit[1]));
  }
  return lines;
}

/** Lines of `path` that entrylab's errors point at, directly or through an expansion site. */
function errorLines(diags: DiagnosticBag, sources: SourceManager, path: string): Set<number> {
  const lines = new Set<number>();
  const add = (loc: Loc | undefined) => {
    if (!loc || loc.file === 0) return;
    const f = sources.get(loc.file);
    if (f.name === path) lines.add(f.lineCol(loc.start).line);
  };
  for (const d of diags.errors) {
    add(d.loc);
    for (let c = d.loc?.chain; c; c = c.parent) add(c.site.loc);
  }
  return lines;
}
