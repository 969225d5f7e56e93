// Builds the ObjectFile from the laid-out sections: section bytes (variable parts filled in),
// the symbol table (section symbols, locals, then globals/weak/undefined, as gas orders them),
// relocations numbered against it, and the line table with expansion chains.
import type { ExpansionChain, Loc, SourceFile, SourceManager } from "../diag/index.js";
import type { LineEntry, LineSite, ObjectFile, Reloc, Section, Symbol } from "../obj/index.js";
import type { Assembler } from "./assembler.js";
import type { PendingReloc } from "./layout.js";
import type { AsmSection } from "./sections.js";
import { isLocalName, type AsmSymbol } from "./symbols.js";
import { ASM } from "../diag/codes/asm.js";

/** The section's final bytes: fixed fragments with their variable parts expanded. */
export function sectionBytes(s: AsmSection): Uint8Array {
  if (s.exact) return s.data.slice(0, s.size);
  const out = new Uint8Array(s.totalSize);
  for (let k = 0; k < s.fragStart.length; k++) {
    const start = s.fragStart[k]!;
    const end = k + 1 < s.fragStart.length ? s.fragStart[k + 1]! : s.size;
    const at = s.fragAddr[k]!;
    out.set(s.data.subarray(start, end), at);
    const part = s.vars[k];
    if (!part || part.size === 0) continue;
    const from = at + end - start;
    if (part.kind === "skip") {
      for (let i = 0; i < part.size; i++) out[from + i] = part.pattern[i % part.pattern.length]!;
    } else out.fill(part.fill, from, from + part.size);
  }
  return out;
}

export function buildObject(
  a: Assembler,
  name: string,
  relocs: Map<AsmSection, PendingReloc[]>,
  sources: SourceManager,
): ObjectFile {
  const symbols: Symbol[] = [];
  const index = new Map<string, number>();
  const sectionSym: number[] = [];
  for (const s of a.sections) {
    sectionSym.push(symbols.length);
    symbols.push({
      name: s.name,
      section: s.index,
      value: 0n,
      size: 0n,
      binding: "local",
      type: "section",
      visibility: "default",
    });
  }
  const globals: AsmSymbol[] = [];
  for (const sym of a.symbols.map.values()) {
    if (isLocalName(sym.name)) continue;
    if (sym.binding === "global" || sym.binding === "weak" || !sym.def) {
      if (sym.def || sym.refLoc || sym.binding) globals.push(sym);
      continue;
    }
    const entry = objectSymbol(a, sym);
    if (entry) {
      index.set(sym.name, symbols.length);
      symbols.push(entry);
    }
  }
  for (const sym of globals) {
    const entry = objectSymbol(a, sym);
    if (!entry) continue;
    index.set(sym.name, symbols.length);
    symbols.push(entry);
  }
  const sections: Section[] = a.sections.map((s) => {
    const bytes = sectionBytes(s);
    const nobits = s.type === "nobits";
    return {
      name: s.name, type: s.type, alloc: s.alloc, write: s.write, exec: s.exec, align: s.align,
      data: nobits ? new Uint8Array(0) : bytes, size: bytes.length, addr: 0n,
      relocs: (relocs.get(s) ?? []).map((r) => objectReloc(a, s, r, sectionSym, index, symbols)),
    }; // prettier-ignore
  });
  return {
    kind: "rel",
    name,
    sections,
    symbols,
    lines: lineTable(a, sources),
    entry: 0n,
    segments: [],
  };
}

function objectSymbol(a: Assembler, sym: AsmSymbol): Symbol | undefined {
  const binding =
    sym.binding === "weak" ? "weak" : sym.binding === "global" || !sym.def ? "global" : "local";
  const base = { name: sym.name, size: symbolSize(a, sym), binding, type: sym.type ?? "notype", visibility: sym.hidden ? "hidden" : "default" } as const; // prettier-ignore
  const def = sym.def;
  if (!def) return { ...base, section: "undef", value: 0n, size: 0n };
  if (def.kind === "label")
    return { ...base, section: def.sec.index, value: BigInt(def.sec.addr(def.frag, def.off)) };
  const v = a.evaluator.run(def.expr, false);
  if ("error" in v) return undefined;
  if (!v.add && !v.sub) return { ...base, section: "abs", value: v.addend };
  if (v.add?.kind === "section" && !v.sub)
    return { ...base, section: v.add.section, value: v.addend };
  return undefined; // an alias of an undefined symbol: gas resolves it through the relocation
}

function symbolSize(a: Assembler, sym: AsmSymbol): bigint {
  if (!sym.size) return 0n;
  const v = a.evaluator.run(sym.size.expr, false);
  if ("error" in v) {
    a.evalError(v, sym.size.loc);
    return 0n;
  }
  if (v.add || v.sub) {
    a.diags.error(
      ASM.NOT_CONSTANT,
      sym.size.loc,
      `.size expression for '${sym.name}' does not evaluate to a constant`,
    );
    return 0n;
  }
  return v.addend;
}

function objectReloc(
  a: Assembler,
  s: AsmSection,
  r: PendingReloc,
  sectionSym: number[],
  index: Map<string, number>,
  symbols: Symbol[],
): Reloc {
  let symbol: number;
  if (r.target.kind === "section") symbol = sectionSym[r.target.index]!;
  else if (r.target.kind === "abs") symbol = absoluteSymbol(index, symbols);
  else {
    const name = r.target.name;
    let i = index.get(name);
    if (i === undefined) {
      // An undefined symbol met only through an equate: make it an undefined global.
      i = symbols.length;
      index.set(name, i);
      symbols.push({
        name,
        section: "undef",
        value: 0n,
        size: 0n,
        binding: "global",
        type: "notype",
        visibility: "default",
      });
      a.symbols.intern(name);
    }
    symbol = i;
  }
  return { offset: s.addr(r.frag, r.off), type: r.type, symbol, addend: r.addend };
}

/** Key of the nameless absolute symbol in `index` (no real name can be empty). */
const ABS_KEY = "";

/** A nameless local absolute symbol of value 0: the `*ABS*` that gas relocates against. */
function absoluteSymbol(index: Map<string, number>, symbols: Symbol[]): number {
  let i = index.get(ABS_KEY);
  if (i !== undefined) return i;
  i = symbols.length;
  index.set(ABS_KEY, i);
  symbols.push({ name: "", section: "abs", value: 0n, size: 0n, binding: "local", type: "notype", visibility: "default" }); // prettier-ignore
  return i;
}

function lineTable(a: Assembler, sources: SourceManager): LineEntry[] {
  const out: LineEntry[] = [];
  const chains = new Map<ExpansionChain, LineSite[]>();
  const cursor = new LineCursor();
  for (const s of a.sections) {
    const pending = a.lines.get(s)!;
    const n = pending.nums;
    for (let i = 0; i < pending.length; i++) {
      const k = i * 4;
      const f = sources.get(n[k + 2]!);
      const start = n[k + 3]!;
      const line = cursor.line(f, start);
      out.push({
        section: s.index,
        offset: s.addr(n[k]!, n[k + 1]!),
        file: f.name,
        line,
        col: start - f.lineStart(line) + 1,
        chain: chainSites(pending.chains[i], sources, chains),
      });
    }
  }
  return out;
}

/** How far ahead LineCursor steps line by line before it searches. */
const CURSOR_STEPS = 4;

/**
 * The 1-based line of an offset, for offsets that mostly move forward a line or two within one
 * file (as line-table entries do): checks the previous answer and the next few lines before a
 * binary search (`lineCol`), which every entry would otherwise pay for.
 */
class LineCursor {
  private file: SourceFile | undefined;
  private at = 1;

  line(f: SourceFile, offset: number): number {
    if (f === this.file && offset >= f.lineStart(this.at)) {
      const last = f.lineCount;
      for (let l = this.at, n = 0; n < CURSOR_STEPS; l++, n++) {
        if (l >= last || offset < f.lineStart(l + 1)) return (this.at = l);
      }
    }
    this.file = f;
    return (this.at = f.lineCol(offset).line);
  }
}

function position(loc: Loc, sources: SourceManager): { file: string; line: number; col: number } {
  const f = sources.get(loc.file);
  const { line, col } = f.lineCol(loc.start);
  return { file: f.name, line, col };
}

/** The chain of every line outside expansions: one shared empty array, not one per entry. */
const NO_SITES: LineSite[] = [];

function chainSites(
  chain: ExpansionChain | undefined,
  sources: SourceManager,
  cache: Map<ExpansionChain, LineSite[]>,
): LineSite[] {
  if (!chain) return NO_SITES;
  let sites = cache.get(chain);
  if (!sites) {
    sites = [
      { kind: chain.site.kind, name: chain.site.name, ...position(chain.site.loc, sources) },
      ...chainSites(chain.parent, sources, cache),
    ];
    cache.set(chain, sites);
  }
  return sites;
}
