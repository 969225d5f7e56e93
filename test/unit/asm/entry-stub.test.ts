// The entry stub programs/entry/entry_64.S, with the kernel-style headers, through entrylab's own
// assembler in every kernel configuration the kernel-rt tests build: no diagnostic at all, and
// every instruction of .entry.text has a line-table entry whose source line (or an expansion
// site of it: a gas macro invocation, a cpp macro use) spells that instruction, with the
// outermost site in entry_64.S.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../../src/diag/index.js";
import type { Host } from "../../../src/diag/index.js";
import { assemble } from "../../../src/asm/index.js";
import { decode, disassemble, NOP1_BYTE } from "../../../src/isa/index.js";
import type { LineEntry, ObjectFile } from "../../../src/obj/index.js";
import { KERNEL_INCLUDE, ROOT } from "../../asm-oracle/corpus.js";

const ENTRY = join(ROOT, "programs/entry/entry_64.S");

/** The kernel configurations of test/unit/kernel-rt, as -D names. */
const CONFIGS: Record<string, string[]> = {
  "UP, no PTI": [],
  SMP: ["CONFIG_SMP"],
  "SMP + PTI": ["CONFIG_SMP", "CONFIG_PAGE_TABLE_ISOLATION"],
  "SMP + PTI + DEBUG_ENTRY": ["CONFIG_SMP", "CONFIG_PAGE_TABLE_ISOLATION", "CONFIG_DEBUG_ENTRY"],
};

/** Directives that pad with NOPs. */
const PADDING = /\.(skip|space|fill|p2align|balign|align)\b/;

const nodeHost: Host = {
  readFile: (path) => (existsSync(path) ? readFileSync(path, "utf8") : undefined),
};

function build(config: string[]) {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const result = assemble(ENTRY, {
    host: nodeHost,
    sources,
    diags,
    includePaths: [KERNEL_INCLUDE],
    defines: ["__ASSEMBLY__", ...config].map((name) => ({ name })),
  });
  return { result, diags, report: renderDiagnostics(diags.items, sources) };
}

/** Line `n` (1-based) of a file, read from disk. */
const fileText = new Map<string, string[]>();
function lineOf(file: string, n: number): string {
  let lines = fileText.get(file);
  if (!lines) fileText.set(file, (lines = readFileSync(file, "utf8").split("\n")));
  return lines[n - 1] ?? "";
}

/** Whether `source` spells an instruction disassembled as `mnemonic` (suffixes, aliases). */
function spells(source: string, mnemonic: string): boolean {
  const words = source.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? [];
  const stem = mnemonic.replace(/^(lock|rep|repz|repnz) /, "");
  // jcc aliases (jz/je) and conditional moves share their first letters only.
  const want =
    stem.startsWith("j") || stem.startsWith("cmov") || stem.startsWith("set")
      ? stem.slice(0, stem.startsWith("j") ? 1 : stem.startsWith("set") ? 3 : 4)
      : stem.replace(/[bwlq]$/, "");
  return words.some((w) => w.startsWith(want) || want.startsWith(w.replace(/[bwlq]$/, "")) && w.length >= 3); // prettier-ignore
}

/** Every text the entry's source line and its expansion sites show, innermost first. */
function siteTexts(e: LineEntry): string[] {
  return [lineOf(e.file, e.line), ...e.chain.map((s) => lineOf(s.file, s.line))];
}

function entryText(obj: ObjectFile) {
  const index = obj.sections.findIndex((s) => s.name === ".entry.text");
  expect(index).toBeGreaterThanOrEqual(0);
  const lines = new Map<number, LineEntry>();
  for (const l of obj.lines) if (l.section === index) lines.set(l.offset, l);
  return { section: obj.sections[index]!, lines };
}

describe("programs/entry/entry_64.S through entrylab's assembler", () => {
  it.each(Object.entries(CONFIGS))("%s: assembles without any diagnostic", (_name, config) => {
    const { result, diags, report } = build(config);
    expect(diags.items, report).toEqual([]);
    expect(result.object).toBeDefined();
  });

  it.each(Object.entries(CONFIGS))(
    "%s: every .entry.text instruction has a line entry naming its source",
    (_name, config) => {
      const obj = build(config).result.object!;
      const { section, lines } = entryText(obj);
      let count = 0;
      for (let at = 0; at < section.size;) {
        const insn = decode(section.data, at);
        expect(insn, `no instruction at 0x${at.toString(16)}`).toBeDefined();
        const entry = lines.get(at);
        // Padding (NOP bytes) from alignment or a `.skip ..., 0x90` is not an instruction of
        // the source: it has no entry or the entry of its padding directive.
        const padding = !entry || PADDING.test(lineOf(entry.file, entry.line));
        if (padding && section.data[at] === NOP1_BYTE) {
          at += insn!.length;
          continue;
        }
        const text = disassemble(insn!);
        expect(entry, `0x${at.toString(16)} ${text}: no line entry`).toBeDefined();
        const sites = siteTexts(entry!);
        const outer = entry!.chain.length ? entry!.chain[entry!.chain.length - 1]!.file : entry!.file; // prettier-ignore
        expect(outer, `0x${at.toString(16)} ${text}`).toBe(ENTRY);
        const mnemonic = text.split(/\s+/)[0]!;
        expect(
          sites.some((s) => spells(s, text.startsWith("lock") ? text.split(/\s+/)[1]! : mnemonic)),
          `0x${at.toString(16)} ${text} ← ${sites.join(" | ")}`,
        ).toBe(true);
        count++;
        at += insn!.length;
      }
      expect(count).toBeGreaterThan(100);
    },
  );
});
