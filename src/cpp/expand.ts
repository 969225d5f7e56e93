// Macro expansion (C11 6.10.3): argument collection, substitution with `#` and `##`, and
// rescanning, with Prosser's hide sets so that a macro is never re-expanded inside its own
// expansion ("blue paint", 6.10.3.4p2). The expansion is pushed back onto the input stream,
// so a function-like macro name at the end of an expansion may take its `(` from the text
// that follows, even from the next source line (the stream can fetch more lines).
import type { DiagnosticBag, ExpansionChain, Loc, SourceManager } from "../diag/index.js";
import { lexFragment } from "./lexer.js";
import { isPaste, paramIndex, type Macro, type MacroTable } from "./macros.js";
import { expandedToken, Token } from "./token.js";
import type { Mode, TokKind } from "./types.js";

/** Where a stream gets more source lines from when a macro call spans lines. */
export interface LineSource {
  /** Tokens of the next logical line, or undefined at end of file or at a directive line. */
  fetchLine(): Token[] | undefined;
  mark(): number;
  reset(mark: number): void;
}

/** Input tokens, as a stack (next token last), optionally refilled from source lines. */
export class TokenStream {
  private readonly stack: Token[];

  constructor(
    tokens: readonly Token[],
    private readonly lines?: LineSource,
  ) {
    this.stack = tokens.slice().reverse();
  }

  next(): Token | undefined {
    return this.stack.pop();
  }

  unshift(tokens: readonly Token[]): void {
    for (let i = tokens.length - 1; i >= 0; i--) this.stack.push(tokens[i]!);
  }

  /** Next token, crossing into the following source lines if needed (inside macro arguments). */
  nextAcrossLines(): Token | undefined {
    while (this.stack.length === 0) {
      const more = this.lines?.fetchLine();
      if (!more) return undefined;
      this.pushLine(more);
    }
    return this.stack.pop();
  }

  /** Whether `(` comes next, looking past blank lines; consumes nothing if not. */
  peekLParen(): boolean {
    const top = this.stack[this.stack.length - 1];
    if (top) return isPunct(top, "(");
    if (!this.lines) return false;
    const mark = this.lines.mark();
    for (;;) {
      const more = this.lines.fetchLine();
      if (!more) break;
      if (more.length === 0) continue;
      if (isPunct(more[0]!, "(")) {
        this.pushLine(more);
        return true;
      }
      break;
    }
    this.lines.reset(mark);
    return false;
  }

  /** A newline inside a macro call is whitespace (C11 6.10.3p10). */
  private pushLine(tokens: Token[]): void {
    const first = tokens[0];
    if (first && first.ws === "") tokens = [first.withWs(" "), ...tokens.slice(1)];
    this.unshift(tokens);
  }
}

export interface ExpandContext {
  macros: MacroTable;
  diags: DiagnosticBag;
  mode: Mode;
  sources: SourceManager;
  nextCounter(): number;
  includeLevel(): number;
  baseFile(): string;
}

interface Call {
  args: Token[][];
  rparen: Token;
}

export class Expander {
  constructor(private readonly ctx: ExpandContext) {}

  /** Expand everything in the stream (until it runs dry without crossing lines). */
  expand(stream: TokenStream): Token[] {
    const out: Token[] = [];
    for (let tok = stream.next(); tok; tok = stream.next()) {
      const m = tok.kind === "ident" && !tok.noexpand ? this.ctx.macros.get(tok.text) : undefined;
      if (!m) out.push(tok);
      else if (tok.hide?.has(m.name)) out.push(painted(tok));
      else if (m.builtin) out.push(this.builtin(m, tok));
      else if (!m.params) stream.unshift(this.subst(m, tok, [], withName(tok.hide, m)));
      else if (!stream.peekLParen()) out.push(tok);
      else {
        const call = this.collectArgs(stream, m, tok);
        if (!call) {
          out.push(tok);
          continue;
        }
        // Prosser: HS(name) ∩ HS(rparen) ∪ {name}.
        const hs = withName(intersect(tok.hide, call.rparen.hide), m);
        stream.unshift(this.subst(m, tok, call.args, hs, call.rparen));
      }
    }
    return out;
  }

  /** Expand a token list on its own (macro arguments, directive operands). */
  expandList(tokens: readonly Token[]): Token[] {
    return this.expand(new TokenStream(tokens));
  }

  // arguments: ( [arg {, arg}] )  where commas nested in parentheses do not separate
  private collectArgs(stream: TokenStream, m: Macro, name: Token): Call | undefined {
    stream.next(); // the `(` peekLParen saw
    const params = m.params!;
    const args: Token[][] = [[]];
    let depth = 0;
    for (;;) {
      const t = stream.nextAcrossLines();
      if (!t) {
        this.ctx.diags.error(
          "E1008",
          name.loc,
          `unterminated argument list invoking macro "${m.name}"`,
        );
        return undefined;
      }
      if (t.kind === "punct") {
        if (t.text === ")" && depth === 0) return this.checkArity(m, name, args, t);
        if (t.text === "(") depth++;
        else if (t.text === ")") depth--;
        else if (t.text === "," && depth === 0 && !(m.variadic && args.length === params.length)) {
          args.push([]);
          continue;
        }
      }
      args[args.length - 1]!.push(t);
    }
  }

  private checkArity(m: Macro, name: Token, args: Token[][], rparen: Token): Call | undefined {
    const want = m.params!.length;
    if (want === 0 && args.length === 1 && args[0]!.length === 0) args = [];
    // GNU and C2x: the variadic argument may be left out entirely.
    if (m.variadic && args.length === want - 1) args.push([]);
    if (args.length === want) return { args, rparen };
    const given = args.length;
    const msg =
      given > want
        ? `macro "${m.name}" passed ${given} arguments, but takes just ${want}`
        : `macro "${m.name}" requires ${want} arguments, but only ${given} given`;
    this.ctx.diags.error("E1016", name.loc, msg, [{ message: "macro defined here", loc: m.loc }]);
    return undefined;
  }

  /** Replace the parameters of m's body by the arguments (6.10.3.1-3) and mark the result. */
  private subst(
    m: Macro,
    name: Token,
    args: Token[][],
    hs: ReadonlySet<string>,
    rparen?: Token,
  ): Token[] {
    const site = siteLoc(name, rparen);
    const bodyLoc = expansionLoc(m.name, site);
    const expanded: (Token[] | undefined)[] = [];
    const body = m.body;
    const out: Token[] = [];
    for (let i = 0; i < body.length; i++) {
      const t = body[i]!;
      const next = body[i + 1];
      if (m.params && isPunct(t, "#") && next && paramIndex(m, next) >= 0) {
        out.push(stringize(args[paramIndex(m, next)]!, t.ws, bodyLoc));
        i++;
      } else if (isPunct(t, ",") && isPaste(body[i + 1]) && this.isVaParam(m, body[i + 2])) {
        // GNU `, ## __VA_ARGS__`: the comma goes when the variable arguments are empty.
        const va = args[args.length - 1]!;
        // gcc keeps the spacing the variable arguments had at the call site.
        if (va.length > 0) out.push(bodyToken(t, bodyLoc), ...withWs(va, va[0]!.ws));
        i += 2;
      } else if (isPaste(t)) {
        const rhs = body[i + 1]!;
        const q = paramIndex(m, rhs);
        const rhsToks = q >= 0 ? withWs(args[q]!, rhs.ws) : [bodyToken(rhs, bodyLoc)];
        this.paste(out, rhsToks, bodyLoc);
        i++;
      } else if (paramIndex(m, t) >= 0) {
        const q = paramIndex(m, t);
        const raw = isPaste(body[i + 1]) || isPaste(body[i - 1]);
        const toks = raw ? args[q]! : (expanded[q] ??= this.expandList(args[q]!));
        if (toks.length === 0 && raw) out.push(placemarker(t, bodyLoc));
        else out.push(...withWs(toks, t.ws));
      } else out.push(bodyToken(t, bodyLoc));
    }
    const result: Token[] = [];
    for (const t of out) {
      if (t.kind === "placemarker") continue;
      const c = t.clone();
      c.hide = union(t.hide, hs);
      if (result.length === 0) c.ws = name.ws;
      result.push(c);
    }
    return result;
  }

  private isVaParam(m: Macro, t: Token | undefined): boolean {
    return m.variadic && t !== undefined && paramIndex(m, t) === m.params!.length - 1;
  }

  /** `##` (6.10.3.3): glue the last output token to the first of rhs; the rest follows. */
  private paste(out: Token[], rhs: Token[], loc: Loc): void {
    const lhs = out.pop();
    if (!lhs || lhs.kind === "placemarker" || rhs.length === 0) {
      if (lhs && (lhs.kind !== "placemarker" || rhs.length === 0)) out.push(lhs);
      out.push(...rhs);
      return;
    }
    const first = rhs[0]!;
    const text = lhs.text + first.text;
    const lexed = lexFragment(text, this.ctx.mode, loc);
    if (lexed && lexed.length === 1) {
      out.push(expandedToken(lexed[0]!.kind, text, loc, lhs.ws), ...rhs.slice(1));
      return;
    }
    // gcc accepts any paste in assembler-with-cpp mode and prints the two tokens glued.
    if (this.ctx.mode === "c") {
      const msg = `pasting "${lhs.text}" and "${first.text}" does not give a valid preprocessing token`;
      this.ctx.diags.error("E1012", lhs.loc, msg);
    }
    const glued = first.withWs("");
    glued.glued = true;
    out.push(lhs, glued, ...rhs.slice(1));
  }

  private builtin(m: Macro, tok: Token): Token {
    const loc = expansionLoc(m.name, tok.loc);
    const make = (kind: TokKind, text: string): Token => expandedToken(kind, text, loc, tok.ws);
    const file = this.ctx.sources.get(tok.loc.file);
    switch (m.builtin) {
      case "file":
        return make("string", quote(file.name));
      case "base-file":
        return make("string", quote(this.ctx.baseFile()));
      case "line":
        return make("number", String(tok.loc.file === 0 ? 0 : file.lineCol(tok.loc.start).line));
      case "counter":
        return make("number", String(this.ctx.nextCounter()));
      default:
        return make("number", String(this.ctx.includeLevel()));
    }
  }
}

/** The invocation: from the macro name to its `)` when both are spelled in the same place. */
function siteLoc(name: Token, rparen?: Token): Loc {
  const l = name.loc;
  const r = rparen?.loc;
  if (!r || r.file !== l.file || r.chain !== l.chain || r.end < l.start) return l;
  return { file: l.file, start: l.start, end: r.end, chain: l.chain };
}

function expansionLoc(name: string, site: Loc): Loc {
  const chain: ExpansionChain = {
    site: { kind: "cpp-macro", name, loc: site },
    parent: site.chain,
  };
  return { file: site.file, start: site.start, end: site.end, chain };
}

function bodyToken(t: Token, loc: Loc): Token {
  return expandedToken(t.kind, t.text, loc, t.ws === "" ? "" : " ");
}

function placemarker(t: Token, loc: Loc): Token {
  return new Token("placemarker", "", loc, t.ws === "" ? "" : " ");
}

/** An argument's first token takes the spacing of the parameter it replaces. */
function withWs(toks: Token[], ws: string): Token[] {
  if (toks.length === 0) return toks;
  const first = toks[0]!.withWs(ws === "" ? "" : " ");
  return [first, ...toks.slice(1)];
}

/** `#param` (6.10.3.2): spell the argument, one space where it had whitespace, `"` and `\` escaped. */
function stringize(arg: Token[], ws: string, loc: Loc): Token {
  let s = "";
  arg.forEach((t, k) => {
    if (k > 0 && t.ws !== "") s += " ";
    s += t.kind === "string" || t.kind === "char" ? t.text.replace(/[\\"]/g, "\\$&") : t.text;
  });
  return expandedToken("string", `"${s}"`, loc, ws === "" ? "" : " ");
}

export function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, "\\$&")}"`;
}

export function isPunct(t: Token, text: string): boolean {
  return t.kind === "punct" && t.text === text;
}

function withName(hs: ReadonlySet<string> | undefined, m: Macro): ReadonlySet<string> {
  if (!hs || hs.size === 0) return (m.selfHide ??= new Set([m.name]));
  if (hs.has(m.name)) return hs;
  const s = new Set(hs);
  s.add(m.name);
  return s;
}

function union(a: ReadonlySet<string> | undefined, b: ReadonlySet<string>): ReadonlySet<string> {
  if (!a || a === b) return b;
  let s: Set<string> | undefined;
  for (const n of a) {
    if (b.has(n)) continue;
    s ??= new Set(b);
    s.add(n);
  }
  return s ?? b;
}

function intersect(
  a: ReadonlySet<string> | undefined,
  b: ReadonlySet<string> | undefined,
): ReadonlySet<string> | undefined {
  if (!a || !b) return undefined;
  const s = new Set<string>();
  for (const n of a) if (b.has(n)) s.add(n);
  return s;
}

function painted(t: Token): Token {
  const c = t.clone();
  c.noexpand = true;
  return c;
}
