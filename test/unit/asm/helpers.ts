// Shared helpers for the assembler tests: assemble a source held in memory, render diagnostics.
import {
  DiagnosticBag,
  SourceManager,
  memoryHost,
  renderDiagnostics,
} from "../../../src/diag/index.js";
import { assembleText, type AssembleResult } from "../../../src/asm/index.js";
import type { ObjectFile } from "../../../src/obj/index.js";

export interface Run extends AssembleResult {
  diags: DiagnosticBag;
  sources: SourceManager;
  rendered: string;
}

export function asm(
  text: string,
  files: Record<string, string> = {},
  listing = false,
  name = "t.s",
): Run {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const r = assembleText(name, text, {
    host: memoryHost(files),
    sources,
    diags,
    listing,
    includePaths: ["inc"],
  });
  return { ...r, diags, sources, rendered: renderDiagnostics(diags.items, sources) };
}

/** Assemble and insist on no errors. */
export function ok(text: string, files: Record<string, string> = {}): ObjectFile {
  const r = asm(text, files);
  if (!r.object) throw new Error(`unexpected errors:\n${r.rendered}`);
  return r.object;
}

export function bytes(o: ObjectFile, name: string): number[] {
  const s = o.sections.find((x) => x.name === name);
  if (!s) throw new Error(`no section ${name}`);
  return [...s.data];
}

export function sym(o: ObjectFile, name: string) {
  return o.symbols.find((s) => s.name === name && s.type !== "section");
}
