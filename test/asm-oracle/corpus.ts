// The oracle corpus: small .s/.S files under ./corpus, each opening with a header line
// `// expect: accept` or `// expect: reject` that states what GNU as does with it, and the
// recorded GNU as observations under ./expected (one JSON golden per file, rewritten by
// UPDATE_GOLDEN=1 and reviewed as a diff).
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import type { Observation } from "./observation.js";

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, "../..");
export const CORPUS_DIR = join(HERE, "corpus");
export const EXPECTED_DIR = join(HERE, "expected");
/** The kernel-style headers .S corpus files may include. */
export const KERNEL_INCLUDE = join(ROOT, "src/kernel-rt/include");
/** What the kernel build passes to every .S file. */
export const ASM_DEFINES = ["__ASSEMBLY__"];

export type Expectation = "accept" | "reject";

export function corpusFiles(): string[] {
  return readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith(".s") || f.endsWith(".S"))
    .sort();
}

export function corpusPath(file: string): string {
  return join(CORPUS_DIR, file);
}

/** The `// expect:` header of a corpus file, or undefined when it is missing or malformed. */
export function expectation(file: string): Expectation | undefined {
  const first = readFileSync(corpusPath(file), "utf8").split("\n", 1)[0] ?? "";
  const m = /^\/\/ expect: (accept|reject)$/.exec(first);
  return m ? (m[1] as Expectation) : undefined;
}

/**
 * What the entrylab half compares for a file: everything, or only acceptance when the second
 * line says `// compare: acceptance` (files whose data records code lengths).
 */
export function compareMode(file: string): "all" | "acceptance" {
  const second = readFileSync(corpusPath(file), "utf8").split("\n", 2)[1] ?? "";
  return second === "// compare: acceptance" ? "acceptance" : "all";
}

function goldenPath(file: string): string {
  return join(EXPECTED_DIR, `${file}.json`);
}

export function readGolden(file: string): Observation | undefined {
  const path = goldenPath(file);
  return existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as Observation) : undefined;
}

/** Write a golden, formatted as prettier would so that `npm run format:check` stays clean. */
export async function writeGolden(obs: Observation): Promise<void> {
  const path = goldenPath(obs.file);
  const config = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(JSON.stringify(obs), { ...config, parser: "json" }));
}

export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === "1";
