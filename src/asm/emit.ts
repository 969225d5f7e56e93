// Builds the ObjectFile from the laid-out sections: section bytes (variable parts filled in),
// the symbol table (the unit's file symbol, section symbols, locals, then globals/weak/undefined, as gas orders them),
// relocations numbered against it, and the line table with expansion chains.
import type { ExpansionChain, SourceManager } from "../diag/index.js";
import { LineTable, withLineTable } from "../obj/index.js";
import type { ObjectFile, Reloc, Section, Symbol } from "../obj/index.js";
import type { Assembler } from "./assembler.js";
import { ABS_TARGET, type SectionRelocs } from "./layout.js";
import type { AsmSection } from "./sections.js";
import { isLocalName, type AsmSymbol } from "./symbols.js";
import { ASM } from "../diag/codes/asm.js";

/** The section's final bytes: fixed fragments with their variable parts expanded. */
export function sectionBytes(s: AsmSection): Uint8Array {
  // A view, not a copy: nothing writes to the section once it is laid out.
  if (s.exact) return s.data.subarray(0, s.size);
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
  relocs: Map<AsmSection, SectionRelocs>,
  sources: SourceManager,
): ObjectFile {
  const symbols: Symbol[] = [];
  const index = new Map<string, number>();
  const sectionSym: number[] = [];
  // As gas does: a local STT_FILE symbol naming the unit (`.file "name"`, else the source file)
  // comes first, before the unit's local symbols (gABI "Symbol Table", STT_FILE); SHN_ABS.
  symbols.push({ name: a.unitName ?? name, section: "abs", value: 0n, size: 0n, binding: "local", type: "file", visibility: "default" }); // prettier-ignore
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
      relocs: numberRelocs(relocs.get(s), sectionSym, index, symbols),
    }; // prettier-ignore
  });
  return withLineTable(
    { kind: "rel", name, sections, symbols, entry: 0n, segments: [] },
    lineTable(a, sources),
  );
}

function objectSymbol(a: Assembler, sym: AsmSymbol): Symbol | undefined {
  const binding =
    sym.binding === "weak" ? "weak" : sym.binding === "global" || !sym.def ? "global" : "local";
  // Sized first, whatever follows: a bad `.size` is reported even for an undefined symbol.
  const size = symbolSize(a, sym);
  const def = sym.def;
  if (!def) return objSymbol(sym, binding, "undef", 0n, 0n);
  if (def.kind === "label")
    return objSymbol(sym, binding, def.sec.index, BigInt(def.sec.addr(def.frag, def.off)), size);
  const v = a.evaluator.run(def.expr, false);
  if ("error" in v) return undefined;
  if (!v.add && !v.sub) return objSymbol(sym, binding, "abs", v.addend, size);
  if (v.add?.kind === "section" && !v.sub)
    return objSymbol(sym, binding, v.add.section, v.addend, size);
  return undefined; // an alias of an undefined symbol: gas resolves it through the relocation
}

/** One object literal per symbol, its fields always in the same order (one hidden class). */
function objSymbol(
  sym: AsmSymbol,
  binding: Symbol["binding"],
  section: Symbol["section"],
  value: bigint,
  size: bigint,
): Symbol {
  return {
    name: sym.name,
    section,
    value,
    size,
    binding,
    type: sym.type ?? "notype",
    visibility: sym.hidden ? "hidden" : "default",
  };
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

/** The section's relocations with their symbols numbered. */
function numberRelocs(
  pending: SectionRelocs | undefined,
  sectionSym: readonly number[],
  index: Map<string, number>,
  symbols: Symbol[],
): Reloc[] {
  if (!pending) return [];
  const { relocs, targets } = pending;
  for (let i = 0; i < relocs.length; i++) {
    const t = targets[i]!;
    relocs[i]!.symbol =
      typeof t === "number"
        ? sectionSym[t]!
        : t === ABS_TARGET
          ? absoluteSymbol(index, symbols)
          : namedSymbol(t, index, symbols);
  }
  return relocs;
}

/**
 * The index of the symbol a relocation names; one met only in relocations (never defined,
 * declared or otherwise used) becomes an undefined global here.
 */
function namedSymbol(name: string, index: Map<string, number>, symbols: Symbol[]): number {
  let i = index.get(name);
  if (i === undefined) {
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
  }
  return i;
}

/** Key of the nameless absolute symbol in `index`, the name no real symbol can have. */
const ABS_KEY = ABS_TARGET;

/** A nameless local absolute symbol of value 0: the `*ABS*` that gas relocates against. */
function absoluteSymbol(index: Map<string, number>, symbols: Symbol[]): number {
  let i = index.get(ABS_KEY);
  if (i !== undefined) return i;
  i = symbols.length;
  index.set(ABS_KEY, i);
  symbols.push({ name: "", section: "abs", value: 0n, size: 0n, binding: "local", type: "notype", visibility: "default" }); // prettier-ignore
  return i;
}

/**
 * The line table, packed: the statement processor's pending entries (fragment, offset, file,
 * start per entry) become table rows without a LineEntry object each.
 */
function lineTable(a: Assembler, sources: SourceManager): LineTable {
  let total = 0;
  for (const s of a.sections) total += a.lines.get(s)!.length;
  const table = new LineTable(total);
  const files = new FileWalker(sources, table);
  const chains = new ChainRefs(sources, table, files);
  // The table has room for every entry: its columns are filled here directly.
  const { offset, file, line, col, chain } = table;
  let j = 0;
  let placeFile = -1;
  let p: FilePlace | undefined;
  for (const s of a.sections) {
    const pending = a.lines.get(s)!;
    const n = pending.nums;
    const pendingChains = pending.chains;
    // Until a section has a variable part, an entry's buffer offset is its offset.
    const exact = s.exact;
    table.section.fill(s.index, j, j + pending.length);
    for (let i = 0, k = 0; i < pending.length; i++, k += PENDING_NUMS, j++) {
      const c = pendingChains[i];
      chain[j] = c === undefined ? 0 : chains.ref(c);
      offset[j] = exact ? n[k + 1]! : s.addr(n[k]!, n[k + 1]!);
      const fileId = n[k + 2]!;
      const start = n[k + 3]!;
      if (fileId !== placeFile) {
        p = files.place(fileId);
        placeFile = fileId;
      }
      if (start >= p!.next || start < p!.begin) seek(p!, start);
      file[j] = p!.str;
      line[j] = p!.line;
      col[j] = start - p!.begin + 1;
    }
  }
  table.length = j;
  return table;
}

/** Numbers per pending entry in PendingLines.nums (./assembler.ts): frag, off, file, start. */
const PENDING_NUMS = 4;
/** How many lines FileWalker steps forward before it searches instead. */
const WALK_STEPS = 8;
/** Bytes per line a line-start index first makes room for (it doubles when short). */
const LINE_BYTES_GUESS = 24;

/** Where FileWalker stands in one file: its current line and that line's extent. */
interface FilePlace {
  /** Offset of each line's first character (line n at index n − 1), then one unused slot. */
  starts: Int32Array;
  lineCount: number;
  /** The file name's index in the table's strings. */
  str: number;
  line: number;
  /** Offsets of the current line's first character and of the next line's. */
  begin: number;
  next: number;
}

/**
 * Line and column of source offsets that mostly move forward a line or two within each file, as
 * line-table entries do (each section's entries are in source order, with includes and macro
 * bodies interleaved): one place per file that steps forward through the line starts, and
 * searches only after a jump back or far ahead. It indexes each file's line starts itself, in
 * an Int32Array: SourceFile's index is a number[] grown by push, several times slower to build
 * for a 200,000-line file. Lines and columns are those SourceFile.lineCol gives.
 */
class FileWalker {
  private readonly places: (FilePlace | undefined)[] = [];

  constructor(
    private readonly sources: SourceManager,
    private readonly table: LineTable,
  ) {}

  /** Line and column of `offset` in file `fileId`. */
  at(fileId: number, offset: number): { line: number; col: number } {
    const p = this.place(fileId);
    if (offset >= p.next || offset < p.begin) seek(p, offset);
    return { line: p.line, col: offset - p.begin + 1 };
  }

  /** The file's place (it moves with every seek: one object per file). */
  place(fileId: number): FilePlace {
    return this.places[fileId] ?? this.open(fileId);
  }

  private open(fileId: number): FilePlace {
    const file = this.sources.get(fileId);
    const { starts, count } = lineStarts(file.text);
    const p: FilePlace = {
      starts,
      lineCount: count,
      str: this.table.string(file.name),
      line: 1,
      begin: 0,
      next: 0,
    };
    moveTo(p, 1);
    this.places[fileId] = p;
    return p;
  }
}

/** Move `p` to the line holding `offset`. */
function seek(p: FilePlace, offset: number): void {
  const starts = p.starts;
  if (offset >= p.begin) {
    // Step forward line by line (the usual case: the next entry is a line or two further).
    let line = p.line;
    let next = p.next;
    for (let n = 0; n < WALK_STEPS && line < p.lineCount; n++) {
      const begin = next;
      line++;
      next = line < p.lineCount ? starts[line]! : Infinity;
      if (offset < next) {
        p.line = line;
        p.begin = begin;
        p.next = next;
        return;
      }
    }
  }
  // The last line whose start is at or before the offset.
  let lo = 0;
  let hi = p.lineCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  moveTo(p, lo + 1);
}

function moveTo(p: FilePlace, line: number): void {
  p.line = line;
  p.begin = p.starts[line - 1]!;
  // Past the last line start every offset belongs to the last line (as lineCol says).
  p.next = line < p.lineCount ? p.starts[line]! : Infinity;
}

/** Offsets where each line starts: 0 and one past every "\n". */
function lineStarts(text: string): { starts: Int32Array; count: number } {
  let starts = new Int32Array(Math.ceil(text.length / LINE_BYTES_GUESS) + 2);
  let count = 1;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) {
    if (count === starts.length) {
      const grown = new Int32Array(starts.length * 2);
      grown.set(starts);
      starts = grown;
    }
    starts[count++] = i + 1;
  }
  return { starts, count };
}

/** Table chain references of expansion chains, each chain's sites interned once. */
class ChainRefs {
  private readonly refs = new Map<ExpansionChain, number>();
  private last: ExpansionChain | undefined;
  private lastRef = 0;

  constructor(
    private readonly sources: SourceManager,
    private readonly table: LineTable,
    private readonly files: FileWalker,
  ) {}

  ref(chain: ExpansionChain): number {
    // Runs of entries from one macro body share their chain object.
    if (chain === this.last) return this.lastRef;
    let ref = this.refs.get(chain);
    if (ref === undefined) {
      const parent = chain.parent ? this.ref(chain.parent) : 0;
      const { kind, name, loc } = chain.site;
      const file = this.sources.get(loc.file).name;
      const { line, col } = this.files.at(loc.file, loc.start);
      ref = this.table.site({ kind, name, file, line, col }, parent);
      this.refs.set(chain, ref);
    }
    this.last = chain;
    this.lastRef = ref;
    return ref;
  }
}
