// Build a bare-metal system test (test/system/*.S with sys.h) with entrylab's assembler and
// linker for flat64, run it on the VM with the given machine options, and return COM1's output
// and the run result.
import { readFileSync } from "node:fs";
import { assembleText } from "../../src/asm/index.js";
import { DiagnosticBag, SourceManager } from "../../src/diag/index.js";
import { link } from "../../src/link/index.js";
import { createMachine } from "../../src/vm/index.js";
import type { Machine, MachineOptions, RunResult } from "../../src/vm/index.js";
import type { ObjectFile } from "../../src/obj/index.js";
import { fileHost } from "../support/host.js";

export const SYSTEM_DIR = new URL(".", import.meta.url).pathname;

const host = fileHost;

export interface SystemRun {
  output: string;
  result: RunResult;
  machine: Machine;
}

/** Assemble and link `file` (in test/system) with `defines`; run it with `opts`. */
export function runSystem(
  file: string,
  opts: MachineOptions = {},
  defines: string[] = [],
): SystemRun {
  return runImage(buildSystem(file, defines), opts);
}

/** Assemble and link `file` (in test/system) with `defines`. */
export function buildSystem(file: string, defines: string[] = []): ObjectFile {
  const path = SYSTEM_DIR + file;
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const r = assembleText(path, readFileSync(path, "latin1"), {
    host,
    sources,
    diags,
    includePaths: [SYSTEM_DIR],
    defines: defines.map((d) => ({ name: d })),
  });
  const image = r.object && link([r.object], { diags });
  if (!image || diags.hasErrors) {
    const text = diags.items.map((d) => `${d.code} ${d.message} ${JSON.stringify(d.loc)}`);
    throw new Error(`build of ${file} failed:\n${text.join("\n")}`);
  }
  return image;
}

/** Load a linked flat64 image into a new machine with `opts` and run it, collecting the UART. */
export function runImage(image: ObjectFile, opts: MachineOptions = {}): SystemRun {
  let output = "";
  const decoder = new TextDecoder("latin1");
  const machine = createMachine({
    maxInsns: 5_000_000,
    ...opts,
    output: (b) => (output += decoder.decode(b)),
  });
  const problems = machine.loadFlat64(image);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join("; "));
  const result = machine.run();
  return { output, result, machine };
}
