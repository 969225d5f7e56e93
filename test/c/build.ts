// Helpers for the handler-C tests: build a .c program with entrylab (compile, assemble, link with
// the flat64 C runtime) and run it on the VM; build the same program with the host's gcc and run
// it natively. test/c/c.test.ts compares the two outputs.
import { execFileSync, spawnSync } from "node:child_process";
import { arch, platform } from "node:os";
import { assembleText } from "../../src/asm/index.js";
import { compileText } from "../../src/cc/index.js";
import { DiagnosticBag, SourceManager, type Host } from "../../src/diag/index.js";
import { buildCrt } from "../../src/kernel-rt/crt/index.js";
import { link } from "../../src/link/index.js";
import type { ObjectFile } from "../../src/obj/index.js";
import { createMachine, type Machine, type RunResult } from "../../src/vm/index.js";
import { fileHost } from "../support/host.js";

export const C_DIR = new URL(".", import.meta.url).pathname;
export const C_INCLUDE = `${C_DIR}include`;

export const nodeHost: Host = fileHost;

export interface VmOutcome {
  output: string;
  result: RunResult;
  machine: Machine;
  asm: string;
}

export function report(diags: DiagnosticBag, sources: SourceManager): string {
  return diags.items
    .map((d) => `${d.loc ? sources.format(d.loc) : ""}: ${d.severity} ${d.code}: ${d.message}`)
    .join("\n");
}

/** Compile or assemble each file (by extension) into objects; throws with the diagnostics. */
export function buildObjects(files: { name: string; text: string }[]): {
  objects: ObjectFile[];
  asm: string;
} {
  // prettier-ignore
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const objects: ObjectFile[] = [];
  let asm = "";
  const opts = { host: nodeHost, sources, diags, includePaths: [C_INCLUDE] };
  for (const f of files) {
    if (f.name.endsWith(".c")) {
      const r = compileText(f.name, f.text, opts);
      if (r.asm === undefined) continue;
      asm += r.asm;
      const o = assembleText(`${f.name}.s`, r.asm, opts);
      if (o.object) objects.push(o.object);
    } else {
      const o = assembleText(f.name, f.text, opts);
      if (o.object) objects.push(o.object);
    }
  }
  objects.push(...buildCrt(sources, diags));
  if (diags.hasErrors) throw new Error(`entrylab build failed:\n${report(diags, sources)}`);
  return { objects, asm };
}

/** Build the files with the C runtime, link for flat64 and run on the VM. */
export function runOnVm(
  files: { name: string; text: string }[],
  maxInsns = 200_000_000,
): VmOutcome {
  // prettier-ignore
  const { objects, asm } = buildObjects(files);
  const diags = new DiagnosticBag();
  const image = link(objects, { diags });
  if (!image || diags.hasErrors) throw new Error(`link failed:\n${report(diags, new SourceManager())}`); // prettier-ignore
  let output = "";
  const decoder = new TextDecoder("latin1");
  const machine = createMachine({ output: (b) => (output += decoder.decode(b)), maxInsns });
  const problems = machine.loadFlat64(image);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join("; "));
  const result = machine.run();
  return { output, result, machine, asm };
}

/** Why the native half cannot run here, or undefined when it can (x86-64 Linux with gcc). */
export function nativeUnavailable(): string | undefined {
  if (platform() !== "linux" || arch() !== "x64")
    return `host is ${platform()}/${arch()}, not x86-64 Linux`;
  const gcc = spawnSync("gcc", ["--version"], { encoding: "utf8" });
  if (gcc.status !== 0) return "gcc not found";
  return undefined;
}

/** Build the sources with gcc for the host and run; returns stdout and the exit status. */
export function runNative(srcs: string[], exe: string): { output: string; status: number } {
  execFileSync("gcc", ["-w", "-O0", "-fno-pie", "-no-pie", `-I${C_INCLUDE}`, "-o", exe, ...srcs], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  const r = spawnSync(exe, { encoding: "latin1", maxBuffer: 64 << 20 });
  return { output: r.stdout, status: r.status ?? -1 };
}
