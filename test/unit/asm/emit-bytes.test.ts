// The object bytes of real inputs must not change when the object path (src/asm/emit.ts,
// src/obj) is reworked for speed: programs/entry/entry_64.S in four kernel configurations, every
// file of the GNU as corpus that assembles, the bare programs and a generated compiler-style
// file. Their SHA-256 digests are recorded in ./emit-bytes.digests.json (UPDATE_GOLDEN=1
// rewrites it: do so only for a change that is meant to change the bytes, and say why). Each
// object is also written a second time from plain LineEntry objects, which must give the same
// bytes as the packed line table the assembler hands over.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, type Host } from "../../../src/diag/index.js";
import { assemble, assembleText } from "../../../src/asm/index.js";
import { writeObject, type ObjectFile } from "../../../src/obj/index.js";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../../..");
const DIGESTS = join(HERE, "emit-bytes.digests.json");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
/** Paths are given relative to the repository, so the objects do not depend on where it is. */
const host: Host = {
  readFile: (path) => {
    const full = join(ROOT, path);
    return existsSync(full) ? readFileSync(full, "utf8") : undefined;
  },
};
const KERNEL = { includePaths: ["src/kernel-rt/include"], defines: [{ name: "__ASSEMBLY__" }] };
const CONFIGS: Record<string, string[]> = {
  up: [],
  smp: ["CONFIG_SMP"],
  pti: ["CONFIG_SMP", "CONFIG_PAGE_TABLE_ISOLATION"],
  debug: ["CONFIG_SMP", "CONFIG_PAGE_TABLE_ISOLATION", "CONFIG_DEBUG_ENTRY"],
};
/** The generated input: `node bench/gen-asm.mjs LINES SEED`. */
const GEN_ARGS = ["3000", "7"];

interface Input {
  name: string;
  build: (sources: SourceManager, diags: DiagnosticBag) => ObjectFile | undefined;
}

function fromFile(path: string, opts: Partial<typeof KERNEL> = KERNEL): Input["build"] {
  return (sources, diags) => assemble(path, { host, sources, diags, ...opts }).object;
}

function inputs(): Input[] {
  const out: Input[] = Object.entries(CONFIGS).map(([config, names]) => ({
    name: `entry_64.S/${config}`,
    build: fromFile("programs/entry/entry_64.S", {
      ...KERNEL,
      defines: [...KERNEL.defines, ...names.map((name) => ({ name }))],
    }),
  }));
  for (const f of readdirSync(join(ROOT, "test/asm-oracle/corpus")).sort())
    out.push({ name: f, build: fromFile(`test/asm-oracle/corpus/${f}`) });
  for (const f of ["hello.S", "no-idt.S"])
    out.push({ name: `bare/${f}`, build: fromFile(`programs/bare/${f}`) });
  out.push({ name: "gen-asm", build: (sources, diags) => generated(sources, diags) });
  return out;
}

let genText: string | undefined;
function generated(sources: SourceManager, diags: DiagnosticBag): ObjectFile | undefined {
  genText ??= execFileSync(process.execPath, [join(ROOT, "bench/gen-asm.mjs"), ...GEN_ARGS], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  return assembleText("gen.s", genText, { host, sources, diags }).object;
}

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

const recorded: Record<string, string> = existsSync(DIGESTS)
  ? (JSON.parse(readFileSync(DIGESTS, "utf8")) as Record<string, string>)
  : {};
const seen: Record<string, string> = {};

describe("object bytes", () => {
  const all = inputs();

  it.each(all.map((i) => [i.name, i] as const))("%s", (name, input) => {
    const sources = new SourceManager();
    const diags = new DiagnosticBag();
    const obj = input.build(sources, diags);
    if (!obj) {
      // A corpus file GNU as rejects: entrylab rejects it too, so there are no bytes.
      expect(name).toMatch(/^reject-/);
      return;
    }
    const bytes = writeObject(obj);
    seen[name] = sha256(bytes);
    // The same object with `lines` as plain LineEntry objects (reading it makes them).
    expect(writeObject({ ...obj, lines: obj.lines })).toEqual(bytes);
    if (name === "gen-asm") seen["gen-asm input"] = sha256(genText!);
    if (UPDATE) return;
    if (name === "gen-asm")
      expect(seen["gen-asm input"], "bench/gen-asm.mjs now writes another file").toBe(
        recorded["gen-asm input"],
      );
    expect(seen[name], `digest of ${name}'s object`).toBe(recorded[name]);
  });

  it("covers every recorded input", () => {
    if (UPDATE) {
      writeFileSync(DIGESTS, `${JSON.stringify(seen, undefined, 2)}\n`);
      return;
    }
    expect(Object.keys(seen).sort()).toEqual(Object.keys(recorded).sort());
  });
});
