// Directives (C11 6.10): conditionals, #define/#undef, #include, #line and line markers,
// #error/#warning, #pragma. The state shared with the line loop (macros, output, files) lives
// here; the line loop in ./preprocess.ts extends this class and supplies processFile.
import {
  dirname,
  joinPath,
  type DiagnosticBag,
  type Loc,
  type SourceFile,
  type SourceManager,
} from "../diag/index.js";
import { evaluateIf } from "./expr.js";
import { Expander, isPunct } from "./expand.js";
import type { LexedLine } from "./lexer.js";
import { checkMacroName, MacroTable, parseDefine, sameDefinition } from "./macros.js";
import type { OutLine } from "./output.js";
import { BUILTIN_MACROS } from "./predefined.js";
import { FileReader } from "./reader.js";
import { Token } from "./token.js";
import type { CppOptions, Mode } from "./types.js";

/** gcc's default limit on #include nesting. */
export const DEFAULT_MAX_INCLUDE_DEPTH = 200;

const HAS_INCLUDE = "__has_include";

/** The value of one `__has_include (...)` and the index of its `)`. */
interface HasInclude {
  found: boolean;
  last: number;
}

const CONDITIONALS = new Set([
  "if",
  "ifdef",
  "ifndef",
  "elif",
  "elifdef",
  "elifndef",
  "else",
  "endif",
]);

/** Line-marker flags (gcc -E): 1 = entering a file, 2 = returning to one; 3, 4 = system/extern C. */
const FLAG_ENTER = 1;
const FLAG_RETURN = 2;
const MAX_MARKER_FLAG = 4;

export abstract class DirectiveProcessor {
  protected readonly mode: Mode;
  protected readonly sources: SourceManager;
  protected readonly diags: DiagnosticBag;
  protected readonly macros = new MacroTable();
  protected readonly expander: Expander;
  protected lines: OutLine[] = [];
  protected readonly files: string[] = [];
  protected readonly readers: FileReader[] = [];
  private readonly fileCache = new Map<string, SourceFile>();
  private readonly onceFiles = new Set<number>();
  private counter = 0;
  private baseFile = "";

  constructor(protected readonly opts: CppOptions) {
    this.mode = opts.mode;
    this.sources = opts.sources;
    this.diags = opts.diags;
    this.expander = new Expander({
      macros: this.macros,
      diags: this.diags,
      mode: this.mode,
      sources: this.sources,
      nextCounter: () => this.counter++,
      includeLevel: () => Math.max(0, this.readers.length - 1),
      baseFile: () => this.baseFile,
    });
    for (const [name, builtin] of BUILTIN_MACROS) {
      this.macros.define({
        name,
        variadic: false,
        body: [],
        loc: { file: 0, start: 0, end: 0 },
        builtin,
      });
    }
  }

  protected abstract processFile(reader: FileReader): void;
  /** Set by a fatal error: every open file stops being read. */
  protected stopped = false;

  protected setMainFile(file: SourceFile): void {
    this.baseFile = file.name;
    this.fileCache.set(file.name, file);
    this.files.push(file.name);
  }

  /**
   * Run the directive on a line whose first token is `#`. Returns false when the line is not a
   * directive after all (asm mode: an unknown `# ...` line is a gas comment and passes through).
   */
  protected directive(reader: FileReader, line: LexedLine): boolean {
    const toks = line.tokens;
    const nameTok = toks[1];
    const name = nameTok?.kind === "ident" ? nameTok.text : "";
    const loc = directiveLoc(toks);
    if (reader.skipping && !CONDITIONALS.has(name)) return true;
    if (CONDITIONALS.has(name)) {
      this.conditional(reader, name, toks.slice(2), loc);
      reader.updateSkipping();
      return true;
    }
    const args = toks.slice(2);
    switch (name) {
      case "define":
        this.define(args, loc);
        return true;
      case "undef":
        this.undef(args, loc);
        return true;
      case "include":
      case "include_next":
      case "import":
        this.include(reader, args, loc);
        return true;
      case "line":
        this.lineDirective(reader, this.expander.expandList(args), loc, line.end);
        return true;
      case "error":
      case "warning":
        this.message(name, toks, loc);
        return true;
      case "pragma":
        if (args[0]?.text === "once" && args.length === 1) this.onceFiles.add(reader.file.id);
        return true;
      case "ident":
      case "sccs":
        return true;
      default:
        return this.otherDirective(reader, toks, loc, line.end);
    }
  }

  private conditional(reader: FileReader, name: string, args: Token[], loc: Loc): void {
    switch (name) {
      case "if":
      case "ifdef":
      case "ifndef":
        return this.openIf(reader, name, args, loc);
      case "elif":
      case "elifdef":
      case "elifndef":
        return this.elif(reader, name, args, loc);
      case "else":
        return this.else(reader, args, loc);
      default:
        if (!reader.conds.pop()) this.diags.error("E1005", loc, "#endif without #if");
        this.extraTokens(args, "#endif");
    }
  }

  /** `#` alone, a line marker `# N "file" flags`, or an unknown directive. */
  private otherDirective(reader: FileReader, toks: Token[], loc: Loc, next: number): boolean {
    const second = toks[1];
    if (!second) return true; // the null directive (6.10.7)
    // gcc -x assembler-with-cpp passes `# N "file"` through as a gas comment without renumbering
    // (only #line renumbers); markers count in C and in already-preprocessed (.i) input.
    const marker = this.mode !== "asm" || reader.file.name.endsWith(".i");
    if (second.kind === "number" && marker && this.lineMarker(reader, toks.slice(1), loc, next))
      return true;
    if (this.mode === "asm") return false;
    if (second.kind === "number") {
      this.diags.error("E1022", second.loc, `invalid line marker`);
      return true;
    }
    this.diags.error("E1010", second.loc, `invalid preprocessing directive #${second.text}`);
    return true;
  }

  // if-group: # if expr | # ifdef name | # ifndef name
  private openIf(reader: FileReader, kind: string, args: Token[], loc: Loc): void {
    if (reader.skipping) {
      reader.conds.push({ skipping: true, taken: true, loc, directive: `#${kind}` });
      return;
    }
    const value = this.condition(reader, kind, args, loc);
    reader.conds.push({ skipping: !value, taken: value, loc, directive: `#${kind}` });
  }

  private elif(reader: FileReader, kind: string, args: Token[], loc: Loc): void {
    const top = reader.conds[reader.conds.length - 1];
    if (!top) return this.diags.error("E1007", loc, `#${kind} without #if`);
    if (top.elseLoc) {
      const notes = [{ message: "the #else is here", loc: top.elseLoc }];
      return this.diags.error("E1004", loc, `#${kind} after #else`, notes);
    }
    // A taken group skips every later branch unevaluated (gcc does not evaluate them either).
    if (top.taken) {
      top.skipping = true;
      return;
    }
    const value = this.condition(reader, kind.replace("el", ""), args, loc);
    top.skipping = !value;
    top.taken = value;
  }

  private else(reader: FileReader, args: Token[], loc: Loc): void {
    const top = reader.conds[reader.conds.length - 1];
    if (!top) return this.diags.error("E1006", loc, "#else without #if");
    if (top.elseLoc) {
      const notes = [{ message: "the first #else is here", loc: top.elseLoc }];
      return this.diags.error("E1003", loc, "#else after #else", notes);
    }
    top.elseLoc = loc;
    top.skipping = top.taken;
    top.taken = true;
    this.extraTokens(args, "#else");
  }

  private condition(reader: FileReader, kind: string, args: Token[], loc: Loc): boolean {
    if (kind === "if") {
      const replaced = this.replaceOperators(reader, args);
      return replaced ? evaluateIf(this.expander.expandList(replaced), loc, this.diags) : false;
    }
    const name = args[0];
    if (!checkMacroName(name, `#${kind}`, loc, this.diags)) return false;
    this.extraTokens(args.slice(1), `#${kind}`);
    return this.isDefined(name.text) === (kind === "ifdef");
  }

  /** `__has_include` counts as defined, as in gcc, so headers can test for it. */
  private isDefined(name: string): boolean {
    return this.macros.has(name) || name === HAS_INCLUDE;
  }

  /**
   * `defined X`, `defined ( X )` (6.10.1p1) and `__has_include ( header-name )` (C23 6.10.1)
   * become 1 or 0 before macro expansion. Undefined after an error (already reported).
   */
  private replaceOperators(reader: FileReader, args: Token[]): Token[] | undefined {
    const out: Token[] = [];
    for (let i = 0; i < args.length; i++) {
      const t = args[i]!;
      if (t.kind === "ident" && t.text === HAS_INCLUDE) {
        const r = this.hasInclude(reader, args, i);
        if (!r) return undefined;
        out.push(new Token("number", r.found ? "1" : "0", t.loc, t.ws));
        i = r.last;
        continue;
      }
      if (t.kind !== "ident" || t.text !== "defined") {
        out.push(t);
        continue;
      }
      const paren = args[i + 1] && isPunct(args[i + 1]!, "(");
      const name = args[paren ? i + 2 : i + 1];
      if (!name || name.kind !== "ident") {
        this.diags.error("E1018", (name ?? t).loc, `operator "defined" requires an identifier`);
        return undefined;
      }
      if (paren && !(args[i + 3] && isPunct(args[i + 3]!, ")"))) {
        this.diags.error("E1018", name.loc, `missing ')' after "defined"`);
        return undefined;
      }
      const value = this.isDefined(name.text) ? "1" : "0";
      out.push(new Token("number", value, t.loc, t.ws));
      i += paren ? 3 : 1;
    }
    return out;
  }

  // __has_include ( "file" ) | __has_include ( <file> )
  private hasInclude(reader: FileReader, args: Token[], at: number): HasInclude | undefined {
    const open = args[at + 1];
    const close = args.findIndex((t, k) => k > at && isPunct(t, ")"));
    const inner = args.slice(at + 2, close);
    const ok = open && isPunct(open, "(") && close > at + 2;
    const spec = ok ? this.headerName(inner, open.loc) : undefined;
    if (!spec) {
      const msg = `${HAS_INCLUDE} requires a header name in parentheses`;
      this.diags.error("E1018", args[at]!.loc, msg);
      return undefined;
    }
    const file = this.findInclude(spec.name, this.searchDirs(reader, spec.quoted));
    return { found: file !== undefined, last: close };
  }

  private define(args: Token[], loc: Loc): void {
    const m = parseDefine(args, loc, this.mode, this.diags);
    if (!m) return;
    const old = this.macros.get(m.name);
    if (old && sameDefinition(old, m)) return; // keep the first for "previous definition" notes
    if (old) {
      const notes = old.loc.file === 0 ? [] : [{ message: "previous definition", loc: old.loc }];
      const what = old.builtin ? `redefining builtin macro "${m.name}"` : `"${m.name}" redefined`;
      this.diags.warning("W1001", m.loc, what, notes);
    }
    this.macros.define(m);
  }

  private undef(args: Token[], loc: Loc): void {
    const name = args[0];
    if (!checkMacroName(name, "#undef", loc, this.diags)) return;
    if (this.macros.get(name.text)?.builtin) {
      this.diags.warning("W1006", name.loc, `undefining "${name.text}"`);
    }
    this.macros.undef(name.text);
    this.extraTokens(args.slice(1), "#undef");
  }

  private extraTokens(rest: Token[], directive: string): void {
    const t = rest[0];
    if (t) this.diags.warning("W1003", t.loc, `extra tokens at end of ${directive} directive`);
  }

  private message(name: string, toks: Token[], loc: Loc): void {
    const text = spell(toks.slice(2));
    if (name === "error") this.diags.error("E1013", loc, `#error ${text}`);
    else this.diags.warning("W1002", loc, `#warning ${text}`);
  }

  // # include "q-char-sequence" | # include <h-char-sequence> | # include pp-tokens (6.10.2)
  private include(reader: FileReader, args: Token[], loc: Loc): void {
    const spec = this.headerName(args, loc);
    if (!spec) return;
    const depth = reader.depth + 1;
    const max = this.opts.maxIncludeDepth ?? DEFAULT_MAX_INCLUDE_DEPTH;
    if (depth > max) {
      this.diags.error("E1014", loc, `#include nested depth ${depth} exceeds maximum of ${max}`);
      return;
    }
    const file = this.findInclude(spec.name, this.searchDirs(reader, spec.quoted));
    if (!file) {
      this.diags.error("E1009", spec.loc, `${spec.name}: No such file or directory`);
      this.stopped = true; // fatal, as in gcc: what follows would only cascade
      return;
    }
    if (this.onceFiles.has(file.id)) return;
    const chain = {
      site: { kind: "include" as const, name: file.name, loc },
      parent: reader.chain,
    };
    const inner = new FileReader(file, this.mode, this.diags, chain, depth);
    this.processFile(inner);
  }

  /** "..." looks next to the including file first (6.10.2p3); <...> only in -I paths. */
  private searchDirs(reader: FileReader, quoted: boolean): string[] {
    const paths = this.opts.includePaths;
    return quoted ? [dirname(reader.file.name), ...paths] : paths;
  }

  private headerName(
    args: Token[],
    loc: Loc,
  ): { name: string; quoted: boolean; loc: Loc } | undefined {
    let toks = args;
    if (toks[0]?.kind !== "header" && toks[0]?.kind !== "string")
      toks = this.expander.expandList(args);
    const first = toks[0];
    let result: { name: string; quoted: boolean; loc: Loc } | undefined;
    let rest: Token[] = [];
    if (first?.kind === "header" || (first?.kind === "string" && first.text.startsWith('"'))) {
      result = { name: first.text.slice(1, -1), quoted: first.kind === "string", loc: first.loc };
      rest = toks.slice(1);
    } else if (first && isPunct(first, "<")) {
      const close = toks.findIndex((t) => isPunct(t, ">"));
      if (close > 0) {
        result = { name: spell(toks.slice(1, close)), quoted: false, loc: first.loc };
        rest = toks.slice(close + 1);
      }
    }
    if (!result || result.name === "") {
      this.diags.error("E1020", first?.loc ?? loc, `#include expects "FILENAME" or <FILENAME>`);
      return undefined;
    }
    this.extraTokens(rest, "#include");
    return result;
  }

  private findInclude(name: string, dirs: string[]): SourceFile | undefined {
    const candidates = name.startsWith("/") ? [name] : dirs.map((d) => joinPath(d, name));
    for (const path of candidates) {
      const cached = this.fileCache.get(path);
      if (cached) return cached;
      const text = this.opts.host.readFile(path);
      if (text === undefined) continue;
      const file = this.sources.add(path, text);
      this.fileCache.set(path, file);
      this.files.push(path);
      return file;
    }
    return undefined;
  }

  // # line digit-sequence ["s-char-sequence"]   (6.10.4)
  private lineDirective(reader: FileReader, toks: Token[], loc: Loc, next: number): void {
    const num = toks[0];
    if (!num || num.kind !== "number" || !/^[0-9]+$/.test(num.text)) {
      const what = num
        ? `"${num.text}" after #line is not a positive integer`
        : "#line directive requires a line number";
      this.diags.error("E1022", num?.loc ?? loc, what);
      return;
    }
    const name = toks[1];
    if (name && (name.kind !== "string" || !name.text.startsWith('"'))) {
      this.diags.error("E1022", name.loc, `invalid filename "${name.text}"`);
      return;
    }
    this.extraTokens(toks.slice(2), "#line");
    const file = name ? unquote(name.text) : reader.presumedName(this.sources);
    reader.setPresumed(this.sources, Number(num.text), file, next);
  }

  /** `# N "file" flags` as gcc -E writes it; false if the line is not a valid marker. */
  private lineMarker(reader: FileReader, toks: Token[], loc: Loc, next: number): boolean {
    const [num, name, ...flags] = toks;
    if (!num || !/^[0-9]+$/.test(num.text)) return false;
    if (name && (name.kind !== "string" || !name.text.startsWith('"'))) return false;
    const flagValues = flags.map((f) => (/^[0-9]$/.test(f.text) ? Number(f.text) : -1));
    if (flagValues.some((f) => f < 1 || f > MAX_MARKER_FLAG)) return false;
    const file = name ? unquote(name.text) : reader.presumedName(this.sources);
    if (flagValues.includes(FLAG_ENTER)) {
      reader.chain = { site: { kind: "include", name: file, loc }, parent: reader.chain };
      reader.markerDepth++;
    } else if (flagValues.includes(FLAG_RETURN) && reader.markerDepth > 0) {
      reader.chain = reader.chain?.parent;
      reader.markerDepth--;
    }
    reader.setPresumed(this.sources, Number(num.text), file, next);
    return true;
  }

  /** Report #if groups left open at the end of a file (6.10.1: a group ends in its file). */
  protected closeFile(reader: FileReader): void {
    for (const c of reader.conds) this.diags.error("E1002", c.loc, `unterminated ${c.directive}`);
    reader.conds.length = 0;
    reader.updateSkipping();
  }
}

/** From the `#` to the end of the directive's last token. */
function directiveLoc(toks: Token[]): Loc {
  const hash = toks[0]!.loc;
  const last = toks[toks.length - 1]!.loc;
  const sameSpelling =
    last.file === hash.file && last.chain === hash.chain && last.end >= hash.start;
  return {
    file: hash.file,
    start: hash.start,
    end: sameSpelling ? last.end : hash.end,
    chain: hash.chain,
  };
}

/** Tokens as text, one space where there was whitespace (for messages and <...> names). */
function spell(toks: Token[]): string {
  return toks.map((t, k) => (k > 0 && t.ws !== "" ? " " : "") + t.text).join("");
}

function unquote(s: string): string {
  return s.slice(1, -1).replace(/\\(.)/g, "$1");
}
