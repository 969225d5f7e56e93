// The assembler fuzzer's core, shared by the CI test (./fuzz.test.ts) and the long run
// (bench/fuzz.mjs, which bundles this file with esbuild): valid sources — the GNU as oracle
// corpus, entry_64.S with the kernel-style headers, generated compiler-like code — mutated with a
// seeded PRNG (deletions, duplications and swaps of lines, tokens and characters; inserted
// directives, macro keywords and metacharacters), then assembled. A case fails if anything but
// diagnostics comes out: an exception (from assembling or rendering), an object despite errors,
// no object without an error, or a diagnostic without a location.
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { DiagnosticBag, SourceManager, memoryHost, renderDiagnostics } from "../../../src/diag/index.js"; // prettier-ignore
import { assembleText } from "../../../src/asm/index.js";
import { writeObject, type ObjectFile } from "../../../src/obj/index.js";
import { prng } from "../../support/prng.js";

export interface FuzzSource {
  name: string;
  text: string;
  /** Files the source may include, by path (headers under `inc/`). */
  files: Record<string, string>;
}

export interface FuzzFailure {
  source: string;
  seed: number;
  error: string;
  /** The mutated text, to reproduce the case. */
  text: string;
}

const INCLUDE_DIR = "inc";
/** Cases also assembled without instruction recipes and compared. */
const COMPARE_SHARE = 0.3;
const GENERATED_LINES = 300;
const GENERATED_VARIANTS = 4;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** The sources to mutate, read from the repository at `root`. */
export function fuzzSources(root: string): FuzzSource[] {
  const headers: Record<string, string> = {};
  const kernel = join(root, "src/kernel-rt/include");
  for (const path of filesUnder(kernel))
    headers[`${INCLUDE_DIR}/${relative(kernel, path)}`] = readFileSync(path, "utf8");
  const out: FuzzSource[] = [];
  const corpus = join(root, "test/asm-oracle/corpus");
  for (const name of readdirSync(corpus).sort()) {
    if (!/\.[sS]$/.test(name)) continue;
    out.push({ name, text: readFileSync(join(corpus, name), "utf8"), files: headers });
  }
  const entry = readFileSync(join(root, "programs/entry/entry_64.S"), "utf8");
  out.push({ name: "entry_64.S", text: entry, files: headers });
  for (let seed = 1; seed <= GENERATED_VARIANTS; seed++) {
    const gen = spawnSync("node", [join(root, "bench/gen-asm.mjs"), String(GENERATED_LINES), String(seed)], { encoding: "utf8" }); // prettier-ignore
    if (gen.status === 0) out.push({ name: `generated-${seed}.s`, text: gen.stdout, files: {} });
  }
  return out;
}

/** Lines inserted by the mutator: block and conditional directives, layout edge cases. */
const INSERTED_LINES = [
  ".endr", ".endm", ".endif", ".else", ".elseif 1", ".if 1", ".if 0", ".ifdef x", ".ifb", ".ifc a,b",
  ".rept 3", ".rept 1000", ".rept -1", ".rept 1f", ".macro m x=1, y:req, z:vararg", ".macro m",
  ".exitm", ".irp x,1,,2", ".irpc c,abc", ".purgem m", ".include \"missing.s\"", ".end",
  ".section .foo,\"ax\"", ".pushsection .bar,\"a\"", ".popsection", ".previous", ".text", ".data",
  ".bss", ". = 0x10", ". = . - 1", ".org 4", ".skip -1", ".skip 1f - 0b", ".align 3", ".p2align 40",
  ".fill 2, 3, 4", ".fill 1f, 9, 1", ".byte 1b - 1f", ".long 1 +", ".quad 0x1ffffffffffffffff",
  "1:", "0:", "jmp 1f", "jmp 1b", "call x", ".set x, x + 1", "x = .", ".equiv x, 1", ".quad .",
  ".globl x", ".weak y", ".type x, @function", ".size x, . - x", ".error \"boom\"", ".warning",
  "m", "m 1 2 3 4", "m y=", "lock", "rep", ".code32", ".cfi_startproc", ".ascii \"\\q\"",
  ".skip 0x7fffffff", ".rept 100000", "mov %rax, %cr9", "movq (%eax), %rax", "int $300",
  ".ALTERNATIVE", "ALTERNATIVE \"\", \"nop\", 0", ".if \\x == %rsp", "#define X(", "#if", "#endif",
  "#include <none.h>", "#include \"asm/percpu.h\"", "# 100 \"f.S\"", "#line 5",
]; // prettier-ignore

/** Fragments inserted inside a line: macro syntax and metacharacters. */
const INSERTED_TEXT = [
  "\\", "\\@", "\\()", "\\x", "\"", "'", "(", ")", "%", "$", "#", ";", "/*", "*/", ":", "=", ",",
  " ", "*", "-", "<<", ">>", "!", "~", "1b", "2f", ".L0", "%rip", "%gs:", ":req", ":vararg", "@",
  "\\\\", "0x", "09", "'\\", "1:", "\t",
]; // prettier-ignore

const TOKEN = /[A-Za-z_.$%\\][\w.$@]*|0x[0-9a-fA-F]+|\d+|"(?:[^"\\]|\\.)*"|\s+|./g;

function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)]!;
}

function index(rand: () => number, n: number): number {
  return Math.floor(rand() * n);
}

/** One random edit of `lines` (in place). */
function mutateOnce(rand: () => number, lines: string[]): void {
  const n = lines.length;
  const at = index(rand, Math.max(1, n));
  const line = lines[at] ?? "";
  switch (index(rand, 11)) {
    case 0: // delete a line
      lines.splice(at, 1);
      return;
    case 1: // duplicate a line
      lines.splice(at, 0, line);
      return;
    case 2: {
      // swap two lines
      const b = index(rand, Math.max(1, n));
      lines[at] = lines[b] ?? "";
      lines[b] = line;
      return;
    }
    case 3:
    case 4:
      lines.splice(at, 0, pick(rand, INSERTED_LINES));
      return;
    case 5: {
      // insert a fragment into a line
      const col = index(rand, line.length + 1);
      lines[at] = line.slice(0, col) + pick(rand, INSERTED_TEXT) + line.slice(col);
      return;
    }
    default:
      lines[at] = mutateTokens(rand, line);
  }
}

/** Delete, duplicate or swap tokens or characters of one line. */
function mutateTokens(rand: () => number, line: string): string {
  const byChar = rand() < 0.3;
  const parts = byChar ? [...line] : (line.match(TOKEN) ?? []);
  if (parts.length === 0) return line;
  const i = index(rand, parts.length);
  const j = index(rand, parts.length);
  switch (index(rand, 3)) {
    case 0:
      parts.splice(i, 1);
      break;
    case 1:
      parts.splice(i, 0, parts[j]!);
      break;
    default:
      [parts[i], parts[j]] = [parts[j]!, parts[i]!];
  }
  return parts.join("");
}

/** `source` mutated by 1–4 random edits. */
export function mutate(rand: () => number, text: string): string {
  const lines = text.split("\n");
  const edits = 1 + index(rand, 4);
  for (let k = 0; k < edits; k++) mutateOnce(rand, lines);
  return lines.join("\n");
}

/**
 * Assemble one text; a description of what went wrong, or undefined if only diagnostics. With
 * `compare`, also assemble it without instruction recipes (src/asm/insn-recipe.ts, a speed path)
 * and insist on the same object bytes and diagnostics.
 */
export function check(name: string, text: string, files: Record<string, string>, listing: boolean, compare = false): string | undefined {
  try {
    const one = assembleOnce(name, text, files, listing, true);
    const { r, diags } = one;
    if (diags.hasErrors && r.object) return "an object despite errors";
    if (!diags.hasErrors && !r.object) return "no object and no error";
    const lost = diags.items.find((d) => d.loc === undefined);
    if (lost) return `a diagnostic without a location: ${lost.code} ${lost.message}`;
    if (compare) {
      const slow = assembleOnce(name, text, files, listing, false);
      if (slow.rendered !== one.rendered) return `recipes changed the diagnostics:\n${one.rendered}\n---\n${slow.rendered}`; // prettier-ignore
      if (objectHex(slow.r.object) !== objectHex(r.object)) return "recipes changed the object";
    }
    return undefined;
  } catch (e) {
    return `exception: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
} // prettier-ignore

function assembleOnce(
  name: string,
  text: string,
  files: Record<string, string>,
  listing: boolean,
  recipes: boolean,
) {
  // prettier-ignore
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const r = assembleText(name, text, {
    host: memoryHost(files), sources, diags, listing, recipes, includePaths: [INCLUDE_DIR],
    defines: [{ name: "__ASSEMBLY__" }, { name: "CONFIG_SMP" }, { name: "CONFIG_PAGE_TABLE_ISOLATION" }],
  }); // prettier-ignore
  return { r, diags, rendered: renderDiagnostics(diags.items, sources) };
}

function objectHex(o: ObjectFile | undefined): string {
  return o === undefined ? "none" : Buffer.from(writeObject(o)).toString("hex");
}

export interface FuzzStats {
  cases: number;
  failures: FuzzFailure[];
  /** The slowest case, in ms, and which. */
  slowest: { ms: number; source: string; seed: number };
}

/**
 * Run `cases` cases from `firstSeed` on, cycling through the sources; `now` measures time (the
 * caller passes performance.now), `onProgress` is called every `progressEvery` cases.
 */
export function fuzz(
  sources: readonly FuzzSource[],
  firstSeed: number,
  cases: number,
  now: () => number,
  onProgress?: (done: number, stats: FuzzStats) => void,
  progressEvery = 1000,
): FuzzStats {
  const stats: FuzzStats = { cases: 0, failures: [], slowest: { ms: 0, source: "", seed: 0 } };
  for (let k = 0; k < cases; k++) {
    const seed = firstSeed + k;
    const rand = prng(seed);
    const src = sources[seed % sources.length]!;
    const text = mutate(rand, src.text);
    const t0 = now();
    const listing = rand() < 0.1;
    const error = check(src.name, text, src.files, listing, !listing && rand() < COMPARE_SHARE);
    const ms = now() - t0;
    if (ms > stats.slowest.ms) stats.slowest = { ms, source: src.name, seed };
    if (error) stats.failures.push({ source: src.name, seed, error, text });
    stats.cases++;
    if (onProgress && (k + 1) % progressEvery === 0) onProgress(k + 1, stats);
  }
  return stats;
}
