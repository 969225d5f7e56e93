// Logical source lines as the assembler reads them, each able to map a column of its text back to
// a source Loc. Lines come from cpp output (CppLine), straight from a `.s` file, or from a gas
// macro / .rept / .irp expansion, in which case the Loc carries the expansion chain.
import type { ExpansionChain, Loc, SourceFile } from "../diag/index.js";

export interface SourceLine {
  readonly text: string;
  /** The Loc of a 0-based column of `text` (end = start + 1). */
  locAt(col: number): Loc;
  /** The Loc of [start, end) of `text`. */
  spanLoc(start: number, end: number): Loc;
}

/** What cpp produces per line (see src/cpp): the subset the assembler relies on. */
export interface CppLineLike {
  text: string;
  origin: Loc;
  locAt(col: number): Loc;
}

/** A line whose text is verbatim from a file at a known offset (a `.s` file, no cpp). */
export class FileLine implements SourceLine {
  constructor(
    readonly text: string,
    readonly file: number,
    readonly offset: number,
    readonly chain: ExpansionChain | undefined,
  ) {}
  locAt(col: number): Loc {
    return this.spanLoc(col, col + 1);
  }
  spanLoc(start: number, end: number): Loc {
    const c = Math.min(start, this.text.length);
    const e = Math.max(c, Math.min(end, this.text.length));
    return { file: this.file, start: this.offset + c, end: this.offset + e, chain: this.chain };
  }
}

/** Wraps a cpp output line; a span maps to its first column's Loc, widened when contiguous. */
export class CppSourceLine implements SourceLine {
  constructor(private readonly line: CppLineLike) {}
  get text(): string {
    return this.line.text;
  }
  locAt(col: number): Loc {
    return this.line.locAt(col);
  }
  spanLoc(start: number, end: number): Loc {
    const a = this.line.locAt(start);
    if (end <= start + 1) return a;
    const b = this.line.locAt(end - 1);
    // Widen only when both ends are verbatim text of the same file (the common case).
    if (b.file === a.file && b.chain === a.chain && b.start - a.start === end - 1 - start) {
      return { file: a.file, start: a.start, end: b.end, chain: a.chain };
    }
    return a;
  }
}

/**
 * A line produced by substituting a macro body line: columns before the first substitution map
 * to the body line's own text; later columns map to the whole body line. Every Loc carries the
 * expansion chain of the invocation.
 */
export class ExpandedLine implements SourceLine {
  constructor(
    readonly text: string,
    private readonly body: SourceLine,
    /** Length of the prefix of `text` identical to the body line's text. */
    private readonly sameUpTo: number,
    private readonly chain: ExpansionChain,
  ) {}
  locAt(col: number): Loc {
    return this.spanLoc(col, col + 1);
  }
  spanLoc(start: number, end: number): Loc {
    const base =
      end <= this.sameUpTo
        ? this.body.spanLoc(start, end)
        : this.body.spanLoc(0, this.body.text.length);
    return { file: base.file, start: base.start, end: base.end, chain: this.chain };
  }
}

/** The statement [start, end) of another line, as a line of its own (`a; .rept 2; b`). */
export class SliceLine implements SourceLine {
  readonly text: string;
  constructor(
    private readonly line: SourceLine,
    private readonly start: number,
    end: number,
  ) {
    this.text = line.text.slice(start, end);
  }
  locAt(col: number): Loc {
    return this.line.locAt(this.start + col);
  }
  spanLoc(start: number, end: number): Loc {
    return this.line.spanLoc(this.start + start, this.start + end);
  }
}

/**
 * An indexed list of lines: arrays are one, and so are a file's lines (FileLines), which are
 * created only when asked for.
 */
export interface LineList {
  readonly length: number;
  at(i: number): SourceLine | undefined;
  slice(start: number, end: number): SourceLine[];
}

/**
 * A file's lines, each made when the reader reaches it: building 200,000 line objects and text
 * slices up front kept them all alive through every young-generation GC of the run. Only the
 * start offset of each line is stored.
 */
export class FileLines implements LineList {
  /** Start offset of line i, and starts[length] = one past the last line's newline. */
  private readonly starts: Int32Array;
  readonly length: number;

  constructor(
    private readonly file: SourceFile,
    private readonly chain: ExpansionChain | undefined,
  ) {
    const text = file.text;
    let n = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", nl + 1)) n++;
    // No empty line after a final newline; a last line without one still counts.
    if (text.length > 0 && text.charCodeAt(text.length - 1) !== NEWLINE) n++;
    const starts = new Int32Array(n + 1);
    let at = 0;
    for (let i = 0; i < n; i++) {
      starts[i] = at;
      const nl = text.indexOf("\n", at);
      at = nl < 0 ? text.length + 1 : nl + 1;
    }
    starts[n] = at;
    this.starts = starts;
    this.length = n;
  }

  at(i: number): SourceLine | undefined {
    if (i < 0 || i >= this.length) return undefined;
    const text = this.file.text;
    const start = this.starts[i]!;
    let end = Math.min(this.starts[i + 1]! - 1, text.length);
    if (end > start && text.charCodeAt(end - 1) === CR) end--; // CRLF
    return new FileLine(text.slice(start, end), this.file.id, start, this.chain);
  }

  slice(start: number, end: number): SourceLine[] {
    const out: SourceLine[] = [];
    for (let i = Math.max(0, start); i < Math.min(end, this.length); i++) out.push(this.at(i)!);
    return out;
  }

  /** Whether some line holding `needle` also matches `re` (lines without `needle` are skipped). */
  someLineWith(needle: string, re: RegExp): boolean {
    const text = this.file.text;
    for (let k = text.indexOf(needle); k >= 0;) {
      const from = text.lastIndexOf("\n", k) + 1;
      let to = text.indexOf("\n", k);
      if (to < 0) to = text.length;
      if (re.test(text.slice(from, to))) return true;
      k = text.indexOf(needle, to);
    }
    return false;
  }
}

const NEWLINE = 10;
const CR = 13;

/** Split a file's text into FileLines (for `.s` files and `.include`d files). */
export function fileLines(file: SourceFile, chain?: ExpansionChain): FileLines {
  return new FileLines(file, chain);
}

/** The expansion chain with `site` pushed innermost. */
export function pushChain(
  kind: "gas-macro" | "rept" | "irp",
  name: string,
  at: Loc,
): ExpansionChain {
  return { site: { kind, name, loc: at }, parent: at.chain };
}
