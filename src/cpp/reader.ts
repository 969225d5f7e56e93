// One file being preprocessed: its cursor, its #if stack, its include chain, and the presumed
// location set by #line and line markers. A marker maps the following text onto a synthetic
// SourceFile named after the presumed file, padded with blank lines so that offsets in it fall
// on the presumed line numbers: diagnostics then print `x.S:12` with the right source text.
import type {
  DiagnosticBag,
  ExpansionChain,
  Loc,
  SourceFile,
  SourceManager,
} from "../diag/index.js";
import type { LineSource } from "./expand.js";
import type { LineContext } from "./output.js";
import { lexLine, type LexedLine, type LexSource } from "./lexer.js";
import type { Mode, Token } from "./types.js";

/** One open #if group (C11 6.10.1). */
export interface CondFrame {
  /** Text of the current branch is skipped. */
  skipping: boolean;
  /** A branch was taken (or the whole group is inside a skipped one): later branches skip. */
  taken: boolean;
  /** The #else, once seen. */
  elseLoc?: Loc;
  /** The opening directive, for "unterminated" errors. */
  loc: Loc;
  directive: string;
}

/** Lines that may be a #line directive or a line marker: where a presumed mapping must stop. */
const LINE_DIRECTIVE_RE = /^[ \t]*#[ \t]*(?:line\b|[0-9])/gm;

export class FileReader implements LineSource, LexSource {
  readonly text: string;
  pos = 0;
  /** The SourceFile Locs point into, and the offset shift into it (#line mapping). */
  mapFile: number;
  delta = 0;
  /** Raw offset where the current synthetic mapping's text ends. */
  mapEnd = Infinity;
  readonly conds: CondFrame[] = [];
  /** Include levels pushed by line markers with flag 1 in this file. */
  markerDepth = 0;
  private cache: { pos: number; line: LexedLine } | undefined;
  private context: LineContext;
  private readonly quiet: LexSource;

  constructor(
    readonly file: SourceFile,
    readonly mode: Mode,
    readonly diags: DiagnosticBag,
    public chain: ExpansionChain | undefined,
    readonly depth: number,
  ) {
    this.text = file.text;
    this.mapFile = file.id;
    this.context = { file: file.id, chain };
    this.quiet = { text: this.text, mode, diags: undefined, locOf: (s, e) => this.locOf(s, e) };
  }

  /** What verbatim lines share: rebuilt only when a marker changes the file or the chain. */
  get lineContext(): LineContext {
    const c = this.context;
    if (c.file === this.mapFile && c.chain === this.chain) return c;
    return (this.context = { file: this.mapFile, chain: this.chain });
  }

  /** Whether the innermost #if group skips its text: a field, read once per line. */
  skipping = false;

  /** Call after changing `conds`. */
  updateSkipping(): void {
    this.skipping = this.conds[this.conds.length - 1]?.skipping ?? false;
  }

  locOf(start: number, end: number): Loc {
    return {
      file: this.mapFile,
      start: start + this.delta,
      end: end + this.delta,
      chain: this.chain,
    };
  }

  /** Lex the logical line at pos; the last result is cached so a failed look-ahead costs nothing. */
  lexAt(pos: number, quiet: boolean): LexedLine {
    if (quiet) return lexLine(this.quiet, pos);
    if (this.cache?.pos === pos) return this.cache.line;
    const line = lexLine(this, pos);
    this.cache = { pos, line };
    return line;
  }

  fetchLine(): Token[] | undefined {
    if (this.pos >= this.text.length) return undefined;
    const line = this.lexAt(this.pos, false);
    const first = line.tokens[0];
    if (first && first.kind === "punct" && first.text === "#") return undefined;
    this.pos = line.end;
    return line.tokens;
  }

  mark(): number {
    return this.pos;
  }

  reset(mark: number): void {
    this.pos = mark;
  }

  /** The text from raw offset `from` is line `line` of `name` (a #line or a line marker). */
  setPresumed(sources: SourceManager, line: number, name: string, from: number): void {
    // The mapping always covers the line at `from`, so it never ends where it starts.
    const nl = this.text.indexOf("\n", from);
    LINE_DIRECTIVE_RE.lastIndex = nl < 0 ? this.text.length : nl + 1;
    const next = LINE_DIRECTIVE_RE.exec(this.text);
    const stop = next ? next.index : this.text.length;
    const pad = Math.max(line, 1) - 1;
    const synthetic = sources.add(name, "\n".repeat(pad) + this.text.slice(from, stop));
    this.mapFile = synthetic.id;
    this.delta = pad - from;
    this.mapEnd = stop;
  }

  /** Past the end of a synthetic mapping without a new marker: continue it from here. */
  extendPresumed(sources: SourceManager): void {
    const current = sources.get(this.mapFile);
    this.setPresumed(sources, current.lineCount, current.name, this.pos);
  }

  /** The presumed file name (what __FILE__ and line markers say). */
  presumedName(sources: SourceManager): string {
    return sources.get(this.mapFile).name;
  }
}
