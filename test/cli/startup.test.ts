// Start-up: the V8 code cache that scripts/build.mjs saves beside the bundle and bin/entrylab.js
// loads, the CLI without a usable cache (missing, corrupt, stale), and the command modules that
// src/cli/main.ts loads only when a command line names them.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { COMMAND_MODULES, buildProgram } from "../../src/cli/main.js";
import { entrylab, ROOT, scratch } from "./helpers.js";

const SCRIPT = join(ROOT, "dist/entrylab.vm.js");
const CACHE = join(ROOT, "dist/entrylab.vm.cache");
const KEY_PREFIX = "//# entrylab-build-key=";
const SOURCE = "\t.globl _start\n_start:\n\tmovq 8(%rsp), %rax\n\tjmp _start\n";

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs a bin/entrylab.js with the code cache report on. */
function run(bin: string, args: string[]): Run {
  const env = { ...process.env, ENTRYLAB_DEBUG_CACHE: "1" };
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "latin1", env });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** bin/ as in the repository: the command and the package.json that makes it CommonJS. */
function copyBin(dir: string): void {
  mkdirSync(join(dir, "bin"));
  for (const f of ["entrylab.js", "package.json"]) copyFileSync(join(ROOT, "bin", f), join(dir, "bin", f)); // prettier-ignore
}

/** A copy of the CLI (bin + script) in a temp dir, with `cache` as its code cache if given. */
function install(script: string, cache?: Uint8Array): string {
  const dir = scratch();
  copyBin(dir);
  mkdirSync(join(dir, "dist"));
  writeFileSync(join(dir, "dist/entrylab.vm.js"), script);
  if (cache) writeFileSync(join(dir, "dist/entrylab.vm.cache"), cache);
  return join(dir, "bin/entrylab.js");
}

/** SOURCE in one place for every run: the object names its source file. */
const sourceDir = scratch({ "a.s": SOURCE });

/** The object `bin` assembles from SOURCE, and what it said about the cache. */
function assembleWith(bin: string): { object: Buffer; stderr: string } {
  const dir = sourceDir;
  const r = run(bin, ["as", join(dir, "a.s"), "-o", join(dir, "a.o")]);
  expect(r.status).toBe(0);
  return { object: readFileSync(join(dir, "a.o")), stderr: r.stderr };
}

const realBin = join(ROOT, "bin/entrylab.js");
const script = (): string => readFileSync(SCRIPT, "utf8");

describe("the V8 code cache", () => {
  it("is written by the build, keyed by the script's last line, and accepted by this Node", () => {
    const text = script();
    const keyLine = text.slice(text.lastIndexOf(KEY_PREFIX));
    expect(keyLine).toMatch(/^\/\/# entrylab-build-key=[0-9a-f]{64}\n$/);
    expect(readFileSync(CACHE).subarray(0, keyLine.length).toString("latin1")).toBe(keyLine);
    const r = run(realBin, ["--version"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^entrylab \d+\.\d+\.\d+ \(bytecode v\d+\)\n$/);
    expect(r.stderr).toBe("entrylab: code cache accepted\n");
    expect(assembleWith(realBin).stderr).toBe("entrylab: code cache accepted\n");
  });

  it("is not needed: without it the CLI gives the same results", () => {
    const bin = install(script());
    const withCache = assembleWith(realBin);
    const without = assembleWith(bin);
    expect(without.stderr).toBe("entrylab: code cache none\n");
    expect(without.object.equals(withCache.object)).toBe(true);
    expect(run(bin, ["--version"]).stdout).toBe(run(realBin, ["--version"]).stdout);
  });

  it("is rejected by V8 when its code is corrupt, and the CLI still works", () => {
    const text = script();
    const keyLine = text.slice(text.lastIndexOf(KEY_PREFIX));
    const real = readFileSync(CACHE);
    const garbage = Buffer.alloc(real.length - keyLine.length, 0x5a);
    const bin = install(text, Buffer.concat([Buffer.from(keyLine, "latin1"), garbage]));
    const r = assembleWith(bin);
    expect(r.stderr).toBe("entrylab: code cache rejected\n");
    expect(r.object.equals(assembleWith(realBin).object)).toBe(true);
  });

  it("is ignored when cut short or empty", () => {
    for (const cache of [readFileSync(CACHE).subarray(0, 10), new Uint8Array(0)]) {
      const r = run(install(script(), cache), ["codes", "E0001"]);
      expect(r.status).toBe(0);
      expect(r.stdout).toMatch(/^E0001 {2}\S/);
      expect(r.stderr).toBe("entrylab: code cache none\n");
    }
  });

  it("is never used for another build's script, even one of the same length", () => {
    // V8 checks only the source's length: an edited script of the same length would run the old
    // code. A rebuild writes a new key, so bin/entrylab.js drops the stale cache instead.
    const text = script();
    const version = run(realBin, ["--version"]).stdout.trim();
    const changed = version.replace(/^entrylab/, "ENTRYLAB");
    const at = text.indexOf("(bytecode v"); // the version text's one copy
    expect(text.indexOf("(bytecode v", at + 1)).toBe(-1);
    const start = text.lastIndexOf("entrylab ", at);
    const end = text.lastIndexOf(KEY_PREFIX);
    const body = `${text.slice(0, start)}ENTRYLAB${text.slice(start + "ENTRYLAB".length, end)}`;
    const edited = `${body}${KEY_PREFIX}${"0".repeat(64)}\n`;
    expect(edited.length).toBe(text.length);
    const r = run(install(edited, readFileSync(CACHE)), ["--version"]);
    expect(r.stdout).toBe(`${changed}\n`);
    expect(r.stderr).toBe("entrylab: code cache none\n");
  });

  it("is not looked for when the script has no key line", () => {
    const text = script();
    const r = run(install(text.slice(0, text.lastIndexOf(KEY_PREFIX)), readFileSync(CACHE)), ["--version"]); // prettier-ignore
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("entrylab: code cache none\n");
  });

  it("runs through dist/entrylab.mjs too", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "dist/entrylab.mjs"), "--version"], { encoding: "utf8" }); // prettier-ignore
    expect(r.stdout).toBe(run(realBin, ["--version"]).stdout);
  });

  it("says how to build when the script is missing", () => {
    const dir = scratch();
    copyBin(dir);
    const r = run(join(dir, "bin/entrylab.js"), ["--version"]);
    expect(r.status).toBe(70);
    expect(r.stderr).toMatch(/entrylab\.vm\.js is missing; run `npm run build`/);
  });
});

describe("lazily loaded command modules", () => {
  it("each module registers exactly the commands listed for it, in help order", async () => {
    const all: string[] = [];
    for (const m of COMMAND_MODULES) {
      const program = new Command();
      (await m.load())(program);
      expect(program.commands.map((c) => c.name())).toEqual(m.names);
      all.push(...m.names);
    }
    const program = await buildProgram();
    expect(program.commands.map((c) => c.name())).toEqual(all);
  });

  it("loads only the named command's module, none for --version, all for help", async () => {
    const names = async (argv: string[]): Promise<string[]> =>
      (await buildProgram(argv)).commands.map((c) => c.name());
    expect(await names(["--version"])).toEqual([]);
    expect(await names(["asm-offsets", "x.h"])).toEqual(["cc", "asm-offsets"]);
    expect(await names(["run", "x.S"])).toEqual(["run"]);
    const all = COMMAND_MODULES.flatMap((m) => m.names);
    for (const argv of [[], ["--help"], ["help", "as"], ["-V", "as"], ["frobnicate"]]) {
      expect(await names(argv)).toEqual(all);
    }
  });

  it("still lists every command in the main help", () => {
    const r = entrylab(["--help"]);
    expect(r.status).toBe(0);
    for (const name of COMMAND_MODULES.flatMap((m) => m.names)) {
      expect(r.stdout).toMatch(new RegExp(`^  ${name}\\b`, "m"));
    }
  });
});
