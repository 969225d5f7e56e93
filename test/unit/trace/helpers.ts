// Build the trace tests' bare-metal programs (here and in test/system, on sys.h) for flat64 and
// run them with an event sink: like test/system/run.ts, but keeping the image for its symbols.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { assembleText } from "../../../src/asm/index.js";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { link } from "../../../src/link/index.js";
import type { ObjectFile } from "../../../src/obj/index.js";
import type { Machine, MachineOptions, RunResult } from "../../../src/vm/index.js";
import { fileHost } from "../../support/host.js";
import { runImage } from "../../system/run.js";

export const TRACE_DIR = new URL(".", import.meta.url).pathname;
export const SYSTEM_DIR = new URL("../../system/", import.meta.url).pathname;

const host = fileHost;

export interface Run {
  output: string;
  result: RunResult;
  machine: Machine;
  image: ObjectFile;
}

const images = new Map<string, ObjectFile>();

/** `file`: a name in test/unit/trace, or `system/NAME` for test/system/NAME. */
export function buildProgram(file: string, defines: string[] = []): ObjectFile {
  const key = `${file} ${defines.join(" ")}`;
  const cached = images.get(key);
  if (cached) return cached;
  // Relative to the repository root, so line-table names (and golden traces) do not depend on it.
  const path = relative(process.cwd(), file.startsWith("system/") ? SYSTEM_DIR + file.slice(7) : TRACE_DIR + file); // prettier-ignore
  const diags = new DiagnosticBag();
  const r = assembleText(path, readFileSync(path, "latin1"), {
    host,
    sources: new SourceManager(),
    diags,
    includePaths: [relative(process.cwd(), SYSTEM_DIR)],
    defines: defines.map((d) => ({ name: d })),
  });
  const image = r.object && link([r.object], { diags });
  if (!image || diags.hasErrors)
    throw new Error(`build of ${file} failed:\n${diags.items.map((d) => d.message).join("\n")}`);
  images.set(key, image);
  return image;
}

export function runProgram(file: string, opts: MachineOptions = {}, defines: string[] = []): Run {
  const image = buildProgram(file, defines);
  return { ...runImage(image, opts), image };
}

/** The user-mode address of `name` in a program that maps user_code at WIN + 10 pages. */
export function userAddress(image: ObjectFile, name: string): bigint {
  return USER_CODE_VA + symbolValue(image, name) - symbolValue(image, "user_code");
}
export const USER_CODE_VA = 0x4000a000n;

export function symbolValue(image: ObjectFile, name: string): bigint {
  const s = image.symbols.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no symbol ${name}`);
  return s.value;
}
