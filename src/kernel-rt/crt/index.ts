// crt: the flat64 C runtime linked into every program that has C in it (`entrylab run x.c`):
// start-up code (./start.ts) and a small library (./lib.ts). buildCrt() turns the embedded
// sources into objects with the project's own compiler and assembler.
import type { DiagnosticBag, SourceManager } from "../../diag/index.js";
import { memoryHost } from "../../diag/index.js";
import { assembleText } from "../../asm/index.js";
import { compileText } from "../../cc/index.js";
import type { ObjectFile } from "../../obj/index.js";
import { CRT_START_S } from "./start.js";
import { CRT_LIB_C } from "./lib.js";

export { CRT_START_S, CRT_STACK_SIZE } from "./start.js";
export { CRT_LIB_C } from "./lib.js";

/** File names the runtime's sources are known by in diagnostics and the line table. */
export const CRT_START_NAME = "<crt>/crt0.s";
export const CRT_LIB_NAME = "<crt>/crt-lib.c";

/** The runtime objects: crt0 and the library. Errors here are bugs, reported in `diags`. */
export function buildCrt(sources: SourceManager, diags: DiagnosticBag): ObjectFile[] {
  const host = memoryHost({});
  const out: ObjectFile[] = [];
  const start = assembleText(CRT_START_NAME, CRT_START_S, { host, sources, diags });
  if (start.object) out.push(start.object);
  const lib = compileText(CRT_LIB_NAME, CRT_LIB_C, { host, sources, diags });
  if (lib.asm !== undefined) {
    const obj = assembleText(`${CRT_LIB_NAME}.s`, lib.asm, { host, sources, diags });
    if (obj.object) out.push(obj.object);
  }
  return out;
}
