// The reader: turns logical source lines into statement lines for the statement processor,
// doing everything gas does on raw text before parsing — `.macro`/`.endm` definitions and
// invocations, `.rept`/`.irp`/`.irpc`, the `.if` family, `.include`, `.error`/`.warning`/`.print`,
// `.exitm`, `.purgem` and `.end`. Expanded lines carry their expansion chain (./source-line.ts).
import type { DiagnosticBag, Host, Loc, SourceManager } from "../diag/index.js";
import { dirname, joinPath } from "../diag/index.js";
import { ASM } from "../diag/codes/asm.js";
import { bindArgs, isBlank, parseMacroParams, substitute, type MacroDef } from "./macros.js";
import {
  firstWord,
  splitMacroArgs,
  splitStatements,
  splitTwoStrings,
  type FirstWord,
} from "./scan.js";
import {
  ExpandedLine,
  FileLines,
  SliceLine,
  fileLines,
  pushChain,
  type LineList,
  type SourceLine,
} from "./source-line.js";

/** What the reader needs from the statement processor. */
export interface ReaderSink {
  /** Statements in [start, end) of the line's text (possibly several, `;`-separated). */
  statements(line: SourceLine, start: number, end: number): void;
  /** The constant value of the first argument of the directive in [start, end) (`.if 1+1`). */
  directiveValue(line: SourceLine, start: number, end: number): bigint | undefined;
  /** For `.ifdef`: is the symbol defined (or referenced, as gas counts it)? */
  isDefined(name: string): boolean;
}

export interface ReaderOptions {
  host: Host;
  sources: SourceManager;
  diags: DiagnosticBag;
  includePaths: string[];
  /** Nesting limit of macro/.rept expansions (gas: 100). */
  maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 100;
/** Refuse repeat counts that could only be a mistake (and would hang the run). */
const MAX_REPEAT = 1 << 20;
/**
 * What all expansions (macros, .rept, .irp, .include) of one run may produce, in lines (an empty
 * repetition counts as one) and characters: recursion that fans out (a macro invoking itself
 * twice) or nested repeats stop with a diagnostic instead of running for ever.
 */
const MAX_EXPANDED_LINES = 1 << 21;
const MAX_EXPANDED_CHARS = 1 << 24;

interface Cond {
  /** Lines are being assembled. */
  active: boolean;
  /** Some branch was taken already (or the enclosing region is inactive). */
  done: boolean;
  sawElse: boolean;
  loc: Loc;
}

type Flow = "next" | "exitm" | "end";

const DOT = 46;
const BLOCK_OPENERS = new Set([".rept", ".irp", ".irpc", ".macro"]);
const IF_DIRECTIVES = new Set([
  ".if", ".ifdef", ".ifndef", ".ifnotdef", ".ifb", ".ifnb", ".ifc", ".ifnc", ".ifeqs", ".ifnes",
  ".ifeq", ".ifne", ".ifge", ".ifgt", ".ifle", ".iflt",
]); // prettier-ignore
const READER_DIRECTIVES = new Set([
  ...IF_DIRECTIVES, ".else", ".elseif", ".endif", ".macro", ".endm", ".rept", ".irp", ".irpc",
  ".endr", ".exitm", ".purgem", ".include", ".end", ".error", ".warning", ".err", ".print",
]); // prettier-ignore

export class Reader {
  private readonly macros = new Map<string, MacroDef>();
  /**
   * Per character code below 128: some macro name (lower case) starts with it; index 0 stands
   * for any other first character. Never cleared by `.purgem`: it only lets words skip lookups.
   */
  private readonly macroFirst = new Uint8Array(128);
  private readonly conds: Cond[] = [];
  private counter = 0;
  private depth = 0;
  private readonly maxDepth: number;
  private expandedLines = 0;
  private expandedChars = 0;
  private exhausted = false;

  constructor(
    private readonly sink: ReaderSink,
    private readonly opts: ReaderOptions,
  ) {
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** Read a whole file's lines; reports unterminated conditionals at the end. */
  run(lines: LineList): void {
    this.process(lines, undefined);
    for (const c of this.conds)
      this.error(ASM.UNTERMINATED_IF, c.loc, "missing .endif for this .if");
    this.conds.length = 0;
  }

  private get active(): boolean {
    const n = this.conds.length;
    return n === 0 || this.conds[n - 1]!.active;
  }

  /** Process a list of lines; `inMacro` is set inside a macro expansion (for .exitm). */
  private process(input: LineList, inMacro: string | undefined): Flow {
    const lines = splitBlockLines(input);
    for (let i = 0; i < lines.length; i++) {
      const line = lines.at(i)!;
      if (!this.active) {
        this.skipLine(line);
        continue;
      }
      const head = firstWord(line.text, 0, line.text.length);
      // Only a `.` word or one a macro name could start with is sliced and looked up (in lower
      // case): most lines' first word is a mnemonic no macro name starts like.
      const lw = this.maySpecial(head.firstChar) ? head.word.toLowerCase() : "";
      if (lw.length > 0 && BLOCK_OPENERS.has(lw)) {
        const wordStart = head.wordStart; // `head` is shared: collectBlock reads other lines
        if (head.hasLabels) this.sink.statements(line, 0, wordStart);
        const end = this.collectBlock(lines, i, lw);
        this.block(lines, i, end, wordStart, lw);
        i = end;
        continue;
      }
      const flow = this.line(line, inMacro, head, lw);
      if (flow !== "next") return flow;
    }
    return "next";
  }

  /** Whether a word starting with character `c` (-1: no word) could be a reader directive, block opener or macro name. */
  private maySpecial(c: number): boolean {
    if (c < 0) return false;
    if (c === DOT) return true;
    if (c >= 128) return this.macroFirst[0] === 1;
    // Macro names are kept in lower case; a word may be spelled in upper case.
    return this.macroFirst[c] === 1 || this.macroFirst[c | 0x20] === 1 || this.macroFirst[0] === 1;
  }

  /** In an inactive conditional region: only track nesting. */
  private skipLine(line: SourceLine): void {
    const ranges = splitStatements(line.text);
    for (let r = 0; r < ranges.length; r += 2) {
      const head = firstWord(line.text, ranges[r]!, ranges[r + 1]!);
      const w = head.word.toLowerCase();
      if (IF_DIRECTIVES.has(w)) {
        this.conds.push({
          active: false,
          done: true,
          sawElse: false,
          loc: line.spanLoc(head.wordStart, head.wordEnd),
        });
      } else if (w === ".else" || w === ".elseif" || w === ".endif") {
        this.conditional(line, w, head.wordStart, head.wordEnd, ranges[r + 1]!);
      }
    }
  }

  /** One line that is not a block opener: split into statements and act on reader directives. */
  private line(
    line: SourceLine,
    inMacro: string | undefined,
    wholeHead: FirstWord,
    wholeWord: string,
  ): Flow {
    const text = line.text;
    // A one-statement line's ranges are shared (scan.ts): a macro or `.include` read below
    // splits other lines, so what is needed after one is read first.
    const ranges = splitStatements(text);
    const count = ranges.length;
    const lastEnd = ranges[count - 1]!;
    // The usual line is one statement running to its end: its first word is the one `process`
    // found already (same range), so it is not scanned again.
    const whole = count === 2 && ranges[0] === 0 && ranges[1] === text.length;
    let pending = -1; // start of statements not yet handed to the sink
    for (let r = 0; r < count; r += 2) {
      const start = ranges[r]!;
      const end = ranges[r + 1]!;
      if (!this.active) {
        pending = this.flush(line, pending, start);
        this.skipRange(line, start, end);
        continue;
      }
      const head = whole ? wholeHead : firstWord(text, start, end);
      const lw = whole ? wholeWord : head.word.toLowerCase();
      const special =
        READER_DIRECTIVES.has(lw) ||
        (lw.length > 0 && this.macros.has(lw) && !isAssignment(text, head.wordEnd, end));
      if (!special) {
        if (pending < 0) pending = start;
        continue;
      }
      // Labels before a macro invocation or directive are statements of their own.
      pending = this.flush(line, pending, start);
      if (head.hasLabels) this.sink.statements(line, start, head.restStart);
      const flow = this.special(line, lw, head.wordStart, head.wordEnd, end, inMacro);
      if (flow !== "next") return flow;
    }
    this.flush(line, pending, lastEnd);
    return "next";
  }

  private skipRange(line: SourceLine, start: number, end: number): void {
    const head = firstWord(line.text, start, end);
    const w = head.word.toLowerCase();
    if (IF_DIRECTIVES.has(w)) {
      this.conds.push({
        active: false,
        done: true,
        sawElse: false,
        loc: line.spanLoc(head.wordStart, head.wordEnd),
      });
    } else if (w === ".else" || w === ".elseif" || w === ".endif") {
      this.conditional(line, w, head.wordStart, head.wordEnd, end);
    }
  }

  private flush(line: SourceLine, pending: number, end: number): number {
    if (pending >= 0) {
      let e = end;
      while (e > pending && line.text.charCodeAt(e - 1) === 59) e--; // drop the `;` itself
      if (e > pending) this.sink.statements(line, pending, e);
    }
    return -1;
  }

  /** A reader directive or macro invocation in [ws, end) of the line. */
  private special(
    line: SourceLine,
    w: string,
    ws: number,
    we: number,
    end: number,
    inMacro: string | undefined,
  ): Flow {
    const loc = line.spanLoc(ws, we);
    if (IF_DIRECTIVES.has(w) || w === ".else" || w === ".elseif" || w === ".endif") {
      this.conditional(line, w, ws, we, end);
      return "next";
    }
    switch (w) {
      case ".endm":
      case ".endr":
        // gas only warns about a stray closer and goes on.
        this.opts.diags.warning(
          ASM.STRAY_END,
          loc,
          `${w} encountered without preceding ${w === ".endm" ? ".macro" : ".rept, .irp, or .irpc"}`,
        );
        return "next";
      case ".macro":
      case ".rept":
      case ".irp":
      case ".irpc":
        // Only reached when the opener is not the first statement of its line.
        this.error(ASM.BAD_ARGS, loc, `${w} must start its line`);
        return "next";
      case ".exitm":
        if (inMacro === undefined) {
          this.opts.diags.warning(
            ASM.STRAY_END,
            loc,
            "ignoring macro exit outside a macro definition",
          );
          return "next";
        }
        return "exitm";
      case ".end":
        return "end";
      case ".purgem": {
        const name = line.text.slice(we, end).trim().toLowerCase();
        if (!this.macros.delete(name))
          this.error(ASM.PURGEM_UNKNOWN, loc, `macro '${name}' is not defined`);
        return "next";
      }
      case ".include":
        return this.include(line, we, end);
      case ".error":
      case ".warning":
      case ".print":
      case ".err":
        this.message(line, w, ws, we, end);
        return "next";
      default:
        return this.invoke(line, this.macros.get(w)!, ws, we, end);
    }
  }

  private message(line: SourceLine, w: string, ws: number, we: number, end: number): void {
    const loc = line.spanLoc(ws, end);
    const raw = line.text.slice(we, end).trim();
    const text =
      raw.startsWith('"') && raw.endsWith('"') && raw.length >= 2 ? raw.slice(1, -1) : raw;
    if (w === ".err") this.error(ASM.ERR_DIRECTIVE, loc, ".err encountered");
    else if (w === ".error")
      this.error(ASM.ERROR_DIRECTIVE, loc, text || ".error directive invoked in source file");
    else if (w === ".warning")
      this.opts.diags.warning(
        ASM.WARNING_DIRECTIVE,
        loc,
        text || ".warning directive invoked in source file",
      );
    else this.opts.diags.add({ severity: "note", code: ASM.PRINT, message: text, loc });
  }

  private include(line: SourceLine, we: number, end: number): Flow {
    const raw = line.text.slice(we, end).trim();
    const argStart = line.text.indexOf(raw, we);
    const loc = line.spanLoc(argStart, argStart + raw.length);
    const name = raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
    const here = this.opts.sources.get(line.locAt(0).file).name;
    const candidates = [
      joinPath(dirname(here), name),
      ...this.opts.includePaths.map((d) => joinPath(d, name)),
      name,
    ];
    for (const path of candidates) {
      const text = this.opts.host.readFile(path);
      if (text === undefined) continue;
      if (this.depth >= this.maxDepth) {
        this.error(ASM.MACRO_DEPTH, loc, `.include nested too deeply (limit ${this.maxDepth})`);
        return "next";
      }
      if (!this.spend(1, text.length, loc)) return "next";
      const file = this.opts.sources.add(path, text);
      const chain = { site: { kind: "include" as const, name: path, loc }, parent: loc.chain };
      this.depth++;
      const flow = this.process(fileLines(file, chain), undefined);
      this.depth--;
      return flow === "end" ? "end" : "next";
    }
    this.error(ASM.INCLUDE_NOT_FOUND, loc, `can't open ${name} for reading: no such file`);
    return "next";
  }

  // ---- conditionals -------------------------------------------------------------------------

  private conditional(line: SourceLine, w: string, ws: number, we: number, end: number): void {
    const loc = line.spanLoc(ws, we);
    const top = this.conds[this.conds.length - 1];
    if (w === ".endif") {
      if (!top) this.error(ASM.IF_MISMATCH, loc, ".endif without .if");
      else this.conds.pop();
      return;
    }
    if (w === ".else" || w === ".elseif") {
      if (!top) return this.error(ASM.IF_MISMATCH, loc, `${w} without .if`);
      if (top.sawElse) return this.error(ASM.IF_MISMATCH, loc, `${w} after .else`);
      if (w === ".else") {
        top.sawElse = true;
        top.active = !top.done;
        top.done = true;
        return;
      }
      if (top.done) {
        top.active = false;
        return;
      }
      const value = this.sink.directiveValue(line, ws, end);
      top.active = value !== undefined && value !== 0n;
      top.done = top.active;
      return;
    }
    const enclosing = this.active;
    const truth = enclosing ? this.truth(line, w, ws, we, end) : false;
    this.conds.push({ active: enclosing && truth, done: !enclosing || truth, sawElse: false, loc });
  }

  /** The condition of an `.if`-family directive in [ws, end). */
  private truth(line: SourceLine, w: string, ws: number, we: number, end: number): boolean {
    const rest = line.text.slice(we, end).trim();
    switch (w) {
      case ".ifdef":
        return this.sink.isDefined(rest);
      case ".ifndef":
      case ".ifnotdef":
        return !this.sink.isDefined(rest);
      case ".ifb":
        return isBlank(rest);
      case ".ifnb":
        return !isBlank(rest);
      case ".ifc":
      case ".ifnc":
      case ".ifeqs":
      case ".ifnes": {
        const pair = splitTwoStrings(rest);
        if (!pair) {
          this.error(
            ASM.BAD_ARGS,
            line.spanLoc(we, end),
            `${w} needs two strings separated by a comma`,
          );
          return false;
        }
        const same = pair[0] === pair[1];
        return w === ".ifc" || w === ".ifeqs" ? same : !same;
      }
    }
    const v = this.sink.directiveValue(line, ws, end);
    if (v === undefined) return false;
    switch (w) {
      case ".ifeq":
        return v === 0n;
      case ".ifge":
        return v >= 0n;
      case ".ifgt":
        return v > 0n;
      case ".ifle":
        return v <= 0n;
      case ".iflt":
        return v < 0n;
      default: // .if, .ifne
        return v !== 0n;
    }
  }

  // ---- blocks: .macro, .rept, .irp, .irpc ---------------------------------------------------

  /** Index of the line closing the block opened at lines[at] (lines.length if none). */
  private collectBlock(lines: LineList, at: number, opener: string): number {
    const closer = opener === ".macro" ? ".endm" : ".endr";
    let depth = 1;
    for (let i = at + 1; i < lines.length; i++) {
      const t = lines.at(i)!.text;
      const w = firstWord(t, 0, t.length).word.toLowerCase();
      if (w === closer) {
        if (--depth === 0) return i;
      } else if (
        opener === ".macro" ? w === ".macro" : w === ".rept" || w === ".irp" || w === ".irpc"
      ) {
        depth++;
      }
    }
    return lines.length;
  }

  private block(lines: LineList, at: number, end: number, ws: number, opener: string): void {
    const line = lines.at(at)!;
    const we = ws + opener.length;
    const loc = line.spanLoc(ws, we);
    if (end >= lines.length) {
      if (opener === ".macro")
        this.error(ASM.UNTERMINATED_MACRO, loc, ".macro without matching .endm");
      else this.error(ASM.UNTERMINATED_REPT, loc, `${opener} without matching .endr`);
      return;
    }
    const body = lines.slice(at + 1, end);
    if (opener === ".macro") return this.define(line, we, body, loc);
    if (opener === ".rept") return this.rept(line, ws, body, loc);
    this.irp(line, we, body, loc, opener === ".irpc");
  }

  private define(line: SourceLine, we: number, body: SourceLine[], loc: Loc): void {
    const text = line.text;
    const head = firstWord(text, we, text.length);
    const name = head.word.toLowerCase();
    if (!name) return this.error(ASM.BAD_MACRO_PARAM, loc, ".macro needs a name");
    let pstart = head.wordEnd;
    const comma = text.slice(pstart).match(/^\s*,/);
    if (comma) pstart += comma[0].length;
    const params = parseMacroParams(
      text,
      pstart,
      splitStatements(text)[1]!,
      this.reporter(line),
      ASM.BAD_MACRO_PARAM,
    );
    if (!params) return;
    if (this.macros.has(name)) {
      return this.error(
        ASM.MACRO_REDEFINED,
        line.spanLoc(head.wordStart, head.wordEnd),
        `macro '${head.word}' was already defined`,
      );
    }
    this.macros.set(name, { name: head.word, params, body, loc });
    const c = name.charCodeAt(0);
    this.macroFirst[c < 128 ? c : 0] = 1;
  }

  private rept(line: SourceLine, ws: number, body: SourceLine[], loc: Loc): void {
    const end = splitStatements(line.text)[1]!;
    const count = this.sink.directiveValue(line, ws, end);
    if (count === undefined) return;
    if (count < 0n || count > BigInt(MAX_REPEAT)) {
      return this.error(ASM.BAD_COUNT, line.spanLoc(ws, end), `bad .rept count ${count}`);
    }
    if (!this.enter(loc)) return;
    const chain = pushChain("rept", ".rept", loc);
    const expanded = body.map((b) => new ExpandedLine(b.text, b, b.text.length, chain));
    for (let k = 0n; k < count; k++) {
      if (!this.spend(body.length, 0, loc)) break;
      if (this.process(expanded, undefined) === "end") break;
    }
    this.depth--;
  }

  private irp(line: SourceLine, we: number, body: SourceLine[], loc: Loc, perChar: boolean): void {
    const text = line.text;
    const end = splitStatements(text)[1]!;
    const head = firstWord(text, we, end);
    const param = head.word;
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(param)) {
      return this.error(
        ASM.BAD_ARGS,
        line.spanLoc(we, end),
        `${perChar ? ".irpc" : ".irp"} needs a parameter name`,
      );
    }
    let i = head.wordEnd;
    while (i < end && (text[i] === " " || text[i] === "\t")) i++;
    if (text[i] === ",") i++;
    let items: string[];
    if (perChar) items = [...text.slice(i, end).trim()];
    else {
      // Items split as macro arguments do; a trailing comma adds no empty item (gas).
      items = splitMacroArgs(text, i, end).map((a) =>
        a.keyword !== undefined ? text.slice(a.start, a.end) : a.text,
      );
      if (items.length > 1 && items[items.length - 1] === "") items.pop();
    }
    if (items.length === 0) items = [""];
    if (!this.enter(loc)) return;
    const chain = pushChain("irp", perChar ? ".irpc" : ".irp", loc);
    for (const item of items) {
      const values = new Map([[param, item]]);
      const lines = this.expand(body, values, chain);
      if (!this.spend(lines.length, textLength(lines), loc)) break;
      if (this.process(lines, undefined) === "end") break;
    }
    this.depth--;
  }

  private invoke(line: SourceLine, def: MacroDef, ws: number, we: number, end: number): Flow {
    const loc = line.spanLoc(ws, we);
    const values = bindArgs(def, line.text, we, end, this.reporter(line), {
      missing: ASM.MISSING_ARG,
      unknownKeyword: ASM.UNKNOWN_KEYWORD,
      tooMany: ASM.TOO_MANY_ARGS,
    });
    if (!values) return "next";
    if (!this.enter(loc)) return "next";
    const chain = pushChain("gas-macro", def.name, loc);
    const expanded = this.expand(def.body, values, chain);
    if (!this.spend(expanded.length, textLength(expanded), loc)) {
      this.depth--;
      return "next";
    }
    this.counter++;
    const depthConds = this.conds.length;
    const flow = this.process(expanded, def.name);
    // `.exitm` may leave conditionals of this expansion open: close them as gas does.
    if (flow === "exitm") this.conds.length = Math.min(this.conds.length, depthConds);
    this.depth--;
    return flow === "end" ? "end" : "next";
  }

  private expand(
    body: readonly SourceLine[],
    values: ReadonlyMap<string, string>,
    chain: Loc["chain"] & object,
  ): SourceLine[] {
    const counter = this.counter;
    return body.map((b) => {
      const s = substitute(b.text, values, counter);
      return s
        ? new ExpandedLine(s.text, b, s.sameUpTo, chain)
        : new ExpandedLine(b.text, b, b.text.length, chain);
    });
  }

  /** Charge an expansion to the run's budget; false (after one diagnostic) once it is spent. */
  private spend(lines: number, chars: number, loc: Loc): boolean {
    if (this.exhausted) return false;
    this.expandedLines += Math.max(1, lines);
    this.expandedChars += chars;
    if (this.expandedLines <= MAX_EXPANDED_LINES && this.expandedChars <= MAX_EXPANDED_CHARS)
      return true;
    this.exhausted = true;
    this.error(
      ASM.EXPANSION_LIMIT,
      loc,
      `expansions exceed ${MAX_EXPANDED_LINES} lines or ${MAX_EXPANDED_CHARS} characters: runaway macro or repeat?`,
    );
    return false;
  }

  private enter(loc: Loc): boolean {
    if (this.exhausted) return false;
    if (this.depth >= this.maxDepth) {
      // One report, then no more expansion: a fanning-out recursion would hit the limit again
      // at every leaf.
      this.exhausted = true;
      this.error(
        ASM.MACRO_DEPTH,
        loc,
        `macros nested too deeply (limit ${this.maxDepth}): recursive macro without end?`,
      );
      return false;
    }
    this.depth++;
    return true;
  }

  private reporter(line: SourceLine) {
    return (message: string, start: number, end: number, code: string) =>
      this.opts.diags.error(code, line.spanLoc(start, end), message);
  }

  private error(code: string, loc: Loc, message: string): void {
    this.opts.diags.error(code, loc, message);
  }
}

/** `name = ...` after a macro name means an assignment to a symbol of that name, not a call. */
function isAssignment(text: string, from: number, end: number): boolean {
  let i = from;
  while (i < end && (text[i] === " " || text[i] === "\t")) i++;
  return text[i] === "=" && text[i + 1] !== "=";
}

/** Block directives that gas recognises after a `;` as well as at the start of a line. */
const BLOCK_WORD = /\.(?:rept|irpc?|macro|endr|endm)\b/i;

/**
 * Lines holding a block directive in a `;`-separated statement (`.rept 2; .byte 1; .endr`) split
 * into one line per statement, so that blocks open and close at statement boundaries as in gas.
 * Returns `lines` itself when no line needs it (the common case).
 */
function splitBlockLines(lines: LineList): LineList {
  // A file's lines are made one at a time: look for a candidate in the file's text first.
  if (lines instanceof FileLines) {
    if (!lines.someLineWith(";", BLOCK_WORD)) return lines;
    lines = lines.slice(0, lines.length);
  }
  let out: SourceLine[] | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines.at(i)!;
    const t = line.text;
    const ranges = t.indexOf(";") >= 0 && BLOCK_WORD.test(t) ? splitStatements(t) : undefined;
    if (!ranges || ranges.length <= 2) {
      out?.push(line);
      continue;
    }
    out ??= lines.slice(0, i);
    for (let r = 0; r < ranges.length; r += 2)
      out.push(new SliceLine(line, ranges[r]!, ranges[r + 1]!));
  }
  return out ?? lines;
}

function textLength(lines: readonly SourceLine[]): number {
  let n = 0;
  for (const l of lines) n += l.text.length;
  return n;
}
