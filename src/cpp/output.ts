// Output lines and their origin maps. A line passed through verbatim maps column c to its
// line start + c (no per-character data); a line built from tokens keeps a few segments, each
// mapping a run of columns either exactly (verbatim text, macro arguments) or to one fixed Loc
// (text from a macro body, which maps to its invocation site). formatPreprocessed prints the
// lines as `gcc -E` does, with `# N "file"` line markers.
import type { ExpansionChain, Loc, SourceManager } from "../diag/index.js";
import { PUNCT_PREFIXES } from "./lexer.js";
import type { CppLine, CppResult, Token } from "./types.js";

interface Segment {
  col: number;
  loc: Loc;
  /** Exact: col maps to loc.start + (col - this.col). Otherwise every col maps to loc. */
  exact: boolean;
}

/** The file and include chain shared by consecutive lines (one object per file mapping). */
export interface LineContext {
  readonly file: number;
  readonly chain: ExpansionChain | undefined;
}

/**
 * A line passed through unchanged: column c is line start + c. Three fields and no closure,
 * because a big .S makes hundreds of thousands of these.
 */
export class OutLine implements CppLine {
  constructor(
    readonly text: string,
    protected readonly ctx: LineContext,
    protected readonly offset: number,
  ) {}

  get origin(): Loc {
    return { file: this.ctx.file, start: this.offset, end: this.offset, chain: this.ctx.chain };
  }

  locAt(col: number): Loc {
    return point(this.ctx.file, this.offset + Math.max(0, col), this.ctx.chain);
  }
}

/** A line built from tokens: columns map through segments. */
class MappedLine extends OutLine {
  constructor(
    text: string,
    ctx: LineContext,
    offset: number,
    private readonly segments: Segment[],
  ) {
    super(text, ctx, offset);
  }

  override locAt(col: number): Loc {
    const c = Math.max(0, col);
    const segs = this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid]!.col <= c) lo = mid;
      else hi = mid - 1;
    }
    const s = segs[lo]!;
    return s.exact ? point(s.loc.file, s.loc.start + (c - s.col), s.loc.chain) : s.loc;
  }
}

function point(file: number, start: number, chain: ExpansionChain | undefined): Loc {
  return { file, start, end: start + 1, chain };
}

/** Build an output line from tokens; `origin` is where the line starts in its file. */
export function buildLine(tokens: readonly Token[], origin: Loc): OutLine {
  let text = "";
  const segs: Segment[] = [{ col: 0, loc: origin, exact: true }];
  let prev: Token | undefined;
  for (const tok of tokens) {
    if (tok.kind === "placemarker") continue;
    let ws = tok.ws;
    if (ws === "" && prev && !tok.glued && !adjacentInSource(prev, tok) && wouldPaste(prev, tok)) {
      ws = " ";
    }
    text += ws;
    addSegment(segs, text.length, tok);
    text += tok.text;
    prev = tok;
  }
  return new MappedLine(text, { file: origin.file, chain: origin.chain }, origin.start, segs);
}

function addSegment(segs: Segment[], col: number, tok: Token): void {
  const last = segs[segs.length - 1]!;
  if (tok.expanded) {
    if (!last.exact && last.loc === tok.loc) return;
    segs.push({ col, loc: tok.loc, exact: false });
    return;
  }
  const l = tok.loc;
  const continues =
    last.exact &&
    last.loc.file === l.file &&
    last.loc.chain === l.chain &&
    last.loc.start + (col - last.col) === l.start;
  if (!continues) segs.push({ col, loc: l, exact: true });
}

function adjacentInSource(a: Token, b: Token): boolean {
  return !a.expanded && !b.expanded && a.loc.file === b.loc.file && a.loc.end === b.loc.start;
}

/** Would printing a and b with nothing between them lex differently? (gcc's avoid_paste) */
function wouldPaste(a: Token, b: Token): boolean {
  const wordA = a.kind === "ident" || a.kind === "number";
  const wordB = b.kind === "ident" || b.kind === "number";
  if (wordA && wordB) return true;
  if (a.kind === "number" && (b.text === "." || b.text === "+" || b.text === "-")) return true;
  if (a.kind === "punct" && b.kind === "punct") return PUNCT_PREFIXES.has(a.text + b.text[0]);
  if (a.text === "/" && b.text.startsWith("*")) return true;
  return a.text === "." && b.kind === "number";
}

/** The number of #include levels in a chain. */
function includeDepth(chain: ExpansionChain | undefined): number {
  let n = 0;
  for (let c = chain; c; c = c.parent) if (c.site.kind === "include") n++;
  return n;
}

/** gcc prints up to this many blank lines; a longer run becomes a line marker. */
const MAX_BLANK_RUN = 8;

/**
 * `gcc -E` text: the lines, with `# N "file" [1|2]` markers wherever the next line is not the
 * one after the previous in the same file (flag 1 entering an include, 2 returning).
 */
export function formatPreprocessed(result: CppResult, sources: SourceManager): string {
  const out: string[] = [];
  let file = -1;
  let expected = 0;
  let depth = 0;
  let blanks = 0;
  const first = result.lines[0]?.origin;
  if (first) {
    // Start as gcc does, at the first line of the main file, even if it prints blank.
    const f = sources.get(first.file);
    file = first.file;
    expected = f.lineCol(first.start).line;
    out.push(`# ${expected} ${quoteName(f.name)}`);
  }
  for (const line of result.lines) {
    const o = line.origin;
    const f = sources.get(o.file);
    const ln = f.lineCol(o.start).line;
    if (line.text === "") {
      if (o.file === file && ln === expected) {
        expected++;
        blanks++;
      }
      continue;
    }
    const d = includeDepth(o.chain);
    if (o.file !== file || ln !== expected || blanks > MAX_BLANK_RUN) {
      const flag = file < 0 || d === depth ? "" : d > depth ? " 1" : " 2";
      out.push(`# ${ln} ${quoteName(f.name)}${flag}`);
    } else {
      for (let k = 0; k < blanks; k++) out.push("");
    }
    out.push(line.text);
    file = o.file;
    expected = ln + 1;
    depth = d;
    blanks = 0;
  }
  return out.length > 0 ? out.join("\n") + "\n" : "";
}

function quoteName(name: string): string {
  return `"${name.replace(/[\\"]/g, "\\$&")}"`;
}
