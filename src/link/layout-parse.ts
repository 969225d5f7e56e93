// parseLayout: the layout language's text → LayoutSpec. One statement per line, `#` starts a
// comment (docs/linker.md has the grammar):
//
//   statement := "entry" NAME | "align" NUMBER | "at" expr | NAME "=" expr | "." "=" expr
//              | NAME ":" PATTERN+
//   expr      := primary (("+" | "-") primary)*
//   primary   := NUMBER | "." | NAME | "(" expr ")"
//   NUMBER    := decimal | 0x hex | 0b binary, optionally followed by K or M (× 1024, × 1024²)
//
// Errors become diagnostics at file:line:col of the layout text; the parser never throws.
import type { DiagnosticBag, Loc } from "../diag/index.js";
import { LINK } from "../diag/codes/link.js";
import type { LayoutExpr, LayoutSpec, LayoutStmt } from "./layout-spec.js";

export interface ParseLayoutOptions {
  diags: DiagnosticBag;
  /** SourceManager id of the layout text, for locations (0, the command line, if not given). */
  file?: number;
}

interface Token {
  kind: "word" | "num" | "punct";
  text: string;
  start: number;
  end: number;
}

const WORD_START = /[A-Za-z_.$*?[\]]/;
const WORD_CHAR = /[A-Za-z0-9_.$*?[\]]/;
const NUM_CHAR = /[A-Za-z0-9_]/;
const PUNCT = "=:+-()";
const SYMBOL_NAME = /^[A-Za-z_.$][A-Za-z0-9_.$]*$/;
const KIB = 1024n;
const MIB = 1024n * 1024n;

/** Parse a layout; undefined (with errors in `diags`) when the text has any error. */
export function parseLayout(text: string, opts: ParseLayoutOptions): LayoutSpec | undefined {
  const p = new LayoutParser(opts.diags, opts.file ?? 0);
  let lineStart = 0;
  for (const line of text.split("\n")) {
    p.parseLine(line, lineStart);
    lineStart += line.length + 1;
  }
  return p.failed ? undefined : p.spec;
}

class LayoutParser {
  readonly spec: LayoutSpec = { statements: [] };
  failed = false;
  private outputs = new Set<string>();
  private symbols = new Set<string>();
  private toks: Token[] = [];
  private pos = 0;
  private lineEnd = 0;

  constructor(
    private readonly diags: DiagnosticBag,
    private readonly file: number,
  ) {}

  parseLine(line: string, base: number): void {
    const hash = line.indexOf("#");
    const body = hash >= 0 ? line.slice(0, hash) : line;
    this.lineEnd = base + body.trimEnd().length;
    const toks = this.scan(body, base);
    if (!toks || toks.length === 0) return;
    this.toks = toks;
    this.pos = 0;
    const stmt = this.statement();
    if (stmt && this.pos < this.toks.length) {
      this.error(
        LINK.LAYOUT_SYNTAX,
        this.peek()!,
        `unexpected '${this.peek()!.text}' after the statement`,
      );
      return;
    }
    if (stmt) this.spec.statements.push(stmt);
  }

  private scan(body: string, base: number): Token[] | undefined {
    const out: Token[] = [];
    let i = 0;
    while (i < body.length) {
      const c = body[i]!;
      if (c === " " || c === "\t" || c === "\r") i++;
      else if (PUNCT.includes(c)) out.push(this.tok("punct", body, base, i, ++i));
      else if (/[0-9]/.test(c)) i = this.run(out, "num", NUM_CHAR, body, base, i);
      else if (WORD_START.test(c)) i = this.run(out, "word", WORD_CHAR, body, base, i);
      else {
        this.error(
          LINK.LAYOUT_SYNTAX,
          this.at(base + i, base + i + 1),
          `unexpected character '${c}'`,
        );
        return undefined;
      }
    }
    return out;
  }

  private run(
    out: Token[],
    kind: Token["kind"],
    re: RegExp,
    body: string,
    base: number,
    i: number,
  ): number {
    let j = i + 1;
    while (j < body.length && re.test(body[j]!)) j++;
    out.push(this.tok(kind, body, base, i, j));
    return j;
  }

  private tok(kind: Token["kind"], body: string, base: number, i: number, j: number): Token {
    return { kind, text: body.slice(i, j), start: base + i, end: base + j };
  }

  // statement := "entry" NAME | "align" NUMBER | "at" expr | NAME "=" expr | NAME ":" PATTERN+
  private statement(): LayoutStmt | undefined {
    const first = this.next()!;
    const second = this.peek();
    if (first.kind === "word" && second?.text === "=") return this.assignment(first);
    if (first.kind === "word" && second?.text === ":") return this.output(first);
    if (first.text === "entry") return this.entry();
    if (first.text === "align") return this.align(first);
    if (first.text === "at") {
      const expr = this.expr();
      return expr && { kind: "at", expr, loc: this.span(first, expr.loc) };
    }
    this.error(
      LINK.LAYOUT_SYNTAX,
      first,
      `expected a statement ('NAME = EXPR', 'NAME : PATTERN...', 'align N', 'at EXPR' or 'entry NAME'), found '${first.text}'`,
    );
    return undefined;
  }

  private assignment(name: Token): LayoutStmt | undefined {
    this.pos++; // "="
    if (name.text !== "." && !this.checkName(name, "symbol")) return undefined;
    const expr = this.expr();
    if (!expr) return undefined;
    const loc = this.span(name, expr.loc);
    if (name.text === ".") return { kind: "set-dot", expr, loc };
    if (this.symbols.has(name.text)) {
      this.error(
        LINK.LAYOUT_SYMBOL_DEFINED,
        name,
        `symbol '${name.text}' is assigned twice in the layout`,
      );
      return undefined;
    }
    this.symbols.add(name.text);
    return { kind: "assign", name: name.text, expr, loc };
  }

  private output(name: Token): LayoutStmt | undefined {
    this.pos++; // ":"
    if (!this.checkName(name, "output section")) return undefined;
    if (this.outputs.has(name.text)) {
      this.error(
        LINK.LAYOUT_DUPLICATE,
        name,
        `output section '${name.text}' is already in the layout`,
      );
      return undefined;
    }
    const patterns: string[] = [];
    for (let t = this.peek(); t; t = this.peek()) {
      if (t.kind === "punct") break;
      patterns.push(t.text);
      this.pos++;
    }
    if (patterns.length === 0) {
      this.expected("an input section pattern after ':'");
      return undefined;
    }
    this.outputs.add(name.text);
    return {
      kind: "output",
      name: name.text,
      patterns,
      loc: this.span(name, this.loc(this.toks[this.pos - 1]!)),
    };
  }

  private entry(): LayoutStmt | undefined {
    const name = this.peek();
    if (name?.kind !== "word") return this.expected("a symbol name after 'entry'");
    this.pos++;
    // `entry` sets a property of the spec and is not a statement of its own.
    if (this.checkName(name, "symbol")) this.spec.entry = name.text;
    return undefined;
  }

  private align(kw: Token): LayoutStmt | undefined {
    const t = this.peek();
    if (t?.kind !== "num") return this.expected("a number after 'align'");
    this.pos++;
    const align = this.number(t);
    if (align === undefined) return undefined;
    if (align <= 0n || (align & (align - 1n)) !== 0n) {
      this.error(LINK.LAYOUT_ALIGN, t, `alignment ${t.text} is not a power of two`);
      return undefined;
    }
    return { kind: "align", align, loc: this.span(kw, this.loc(t)) };
  }

  // expr := primary (("+" | "-") primary)*
  private expr(): LayoutExpr | undefined {
    let left = this.primary();
    while (left) {
      const op = this.peek();
      if (op?.text !== "+" && op?.text !== "-") break;
      this.pos++;
      const right = this.primary();
      if (!right) return undefined;
      left = { kind: "bin", op: op.text, left, right, loc: { ...left.loc, end: right.loc.end } };
    }
    return left;
  }

  // primary := NUMBER | "." | NAME | "(" expr ")"
  private primary(): LayoutExpr | undefined {
    const t = this.next();
    if (!t) return this.expected("an expression");
    if (t.kind === "num") {
      const value = this.number(t);
      return value === undefined ? undefined : { kind: "num", value, loc: this.loc(t) };
    }
    if (t.text === ".") return { kind: "dot", loc: this.loc(t) };
    if (t.text === "(") return this.paren();
    if (t.kind === "word" && this.checkName(t, "symbol")) {
      if (this.symbols.has(t.text)) return { kind: "sym", name: t.text, loc: this.loc(t) };
      this.error(
        LINK.LAYOUT_UNKNOWN_SYMBOL,
        t,
        `'${t.text}' is not a symbol assigned earlier in the layout`,
      );
      return undefined;
    }
    if (t.kind === "punct")
      this.error(LINK.LAYOUT_SYNTAX, t, `expected an expression, found '${t.text}'`);
    return undefined;
  }

  private paren(): LayoutExpr | undefined {
    const inner = this.expr();
    if (!inner) return undefined;
    if (this.peek()?.text !== ")") return this.expected("')'");
    this.pos++;
    return inner;
  }

  private number(t: Token): bigint | undefined {
    const m = /^(0x[0-9a-f]+|0b[01]+|[0-9]+)([km]?)$/i.exec(t.text);
    if (!m) {
      this.error(LINK.LAYOUT_NUMBER, t, `'${t.text}' is not a number`);
      return undefined;
    }
    const unit = m[2]!.toLowerCase();
    const scale = unit === "k" ? KIB : unit === "m" ? MIB : 1n;
    return BigInt(m[1]!) * scale;
  }

  private checkName(t: Token, what: string): boolean {
    if (SYMBOL_NAME.test(t.text) && t.text !== ".") return true;
    this.error(LINK.LAYOUT_NAME, t, `'${t.text}' is not a valid ${what} name`);
    return false;
  }

  private expected(what: string): undefined {
    const t = this.peek();
    if (t) this.error(LINK.LAYOUT_SYNTAX, t, `expected ${what}, found '${t.text}'`);
    else
      this.error(
        LINK.LAYOUT_SYNTAX,
        this.at(this.lineEnd, this.lineEnd),
        `expected ${what} at the end of the line`,
      );
    return undefined;
  }

  private next(): Token | undefined {
    return this.toks[this.pos++];
  }

  private peek(): Token | undefined {
    return this.toks[this.pos];
  }

  private loc(t: Token): Loc {
    return this.at(t.start, t.end);
  }

  private at(start: number, end: number): Loc {
    return { file: this.file, start, end };
  }

  private span(first: Token, last: Loc): Loc {
    return this.at(first.start, last.end);
  }

  private error(code: string, where: Token | Loc, message: string): void {
    this.failed = true;
    const loc = "kind" in where ? this.loc(where) : where;
    this.diags.error(code, loc, message);
  }
}
