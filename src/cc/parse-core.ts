// The parser's foundation: the token cursor, block scopes (identifiers, typedefs, enum constants
// and struct/union/enum tags in separate name spaces, C11 6.2.3), error reporting and the state
// of the function being parsed. The grammar itself is in ./parse-decl.ts (declarations and types),
// ./parse-expr.ts (expressions), ./parse-init.ts (initialisers) and ./parse-stmt.ts (statements
// and the translation unit), each extending the class before it.
import type { DiagnosticBag, Loc } from "../diag/index.js";
import { CC } from "../diag/codes/cc.js";
import { newObj, type Obj } from "./ast.js";
import type { CToken } from "./tokenize.js";
import { alignTo, type Type } from "./types.js";

export interface VarEntry {
  obj?: Obj;
  typedef?: Type;
  enumVal?: bigint;
  enumType?: Type;
}

class Scope {
  vars = new Map<string, VarEntry>();
  tags = new Map<string, Type>();
}

/** Nesting beyond this is reported instead of overflowing the JS stack. */
export const MAX_NESTING = 256;

export class ParserCore {
  protected pos = 0;
  protected scopes: Scope[] = [new Scope()];
  /** Every global object (functions and variables), in definition order. */
  readonly globals: Obj[] = [];
  /** The function being parsed, its locals and its label counter. */
  protected fn: Obj | undefined;
  protected locals: Obj[] = [];
  private uniqueId = 0;
  protected depth = 0;

  constructor(
    protected readonly toks: CToken[],
    protected readonly diags: DiagnosticBag,
  ) {}

  protected get tok(): CToken {
    return this.toks[this.pos]!;
  }

  protected peek(n = 1): CToken {
    return this.toks[Math.min(this.pos + n, this.toks.length - 1)]!;
  }

  protected next(): CToken {
    const t = this.tok;
    if (t.kind !== "eof") this.pos++;
    return t;
  }

  protected is(text: string): boolean {
    const t = this.tok;
    return t.text === text && (t.kind === "punct" || t.kind === "keyword");
  }

  protected isAt(n: number, text: string): boolean {
    const t = this.peek(n);
    return t.text === text && (t.kind === "punct" || t.kind === "keyword");
  }

  protected consume(text: string): boolean {
    if (!this.is(text)) return false;
    this.pos++;
    return true;
  }

  protected skip(text: string): CToken {
    if (!this.is(text)) this.syntax(`expected '${text}'`);
    return this.next();
  }

  /** A syntax error ends the parse (the bag keeps it; compile() turns it into a result). */
  protected syntax(what: string, at: CToken = this.tok): never {
    const found = at.kind === "eof" ? "end of input" : `'${at.text}'`;
    return this.diags.fatal(CC.SYNTAX, at.loc, `${what} before ${found}`);
  }

  protected error(code: string, loc: Loc, message: string): void {
    this.diags.error(code, loc, message);
  }

  protected ident(): CToken {
    if (this.tok.kind !== "ident") this.syntax("expected an identifier");
    return this.next();
  }

  /** Guard a recursive rule against input nested deeper than MAX_NESTING. */
  protected enter(): void {
    if (++this.depth > MAX_NESTING)
      this.diags.fatal(CC.TOO_DEEP, this.tok.loc, "expression or statement nested too deeply");
  }

  protected leave(): void {
    this.depth--;
  }

  // ---- scopes

  protected enterScope(): void {
    this.scopes.push(new Scope());
  }

  protected leaveScope(): void {
    this.scopes.pop();
  }

  protected get atFileScope(): boolean {
    return this.scopes.length === 1;
  }

  protected findVar(name: string): VarEntry | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const e = this.scopes[i]!.vars.get(name);
      if (e) return e;
    }
    return undefined;
  }

  protected findTag(name: string, currentOnly = false): Type | undefined {
    if (currentOnly) return this.scopes[this.scopes.length - 1]!.tags.get(name);
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const t = this.scopes[i]!.tags.get(name);
      if (t) return t;
    }
    return undefined;
  }

  protected declareVar(name: string, entry: VarEntry): void {
    this.scopes[this.scopes.length - 1]!.vars.set(name, entry);
  }

  protected declaredHere(name: string): VarEntry | undefined {
    return this.scopes[this.scopes.length - 1]!.vars.get(name);
  }

  protected declareTag(name: string, t: Type): void {
    this.scopes[this.scopes.length - 1]!.tags.set(name, t);
  }

  protected findTypedef(t: CToken): Type | undefined {
    return t.kind === "ident" ? this.findVar(t.text)?.typedef : undefined;
  }

  // ---- objects

  protected newLocal(name: string, type: Type, loc: Loc): Obj {
    const o = newObj(name, type, loc);
    o.isLocal = true;
    this.locals.push(o);
    if (name) this.declareVar(name, { obj: o });
    return o;
  }

  protected newGlobal(name: string, type: Type, loc: Loc): Obj {
    const o = newObj(name, type, loc);
    this.globals.push(o);
    this.scopes[0]!.vars.set(name, { obj: o });
    return o;
  }

  protected uniqueName(prefix: string): string {
    return `${prefix}.${this.uniqueId++}`;
  }

  /** An anonymous read-only global holding a string literal (6.4.5p6: static storage). */
  protected stringLiteral(bytes: number[], type: Type, loc: Loc): Obj {
    const o = newObj("", type, loc);
    o.asmName = this.uniqueName(".L.str");
    o.isStatic = true;
    o.isDefinition = true;
    o.section = ".rodata";
    const data = new Uint8Array(type.size);
    data.set(bytes.slice(0, type.size));
    o.initData = data;
    this.globals.push(o);
    return o;
  }

  /** Lay out a function's locals below %rbp, each at its own alignment. */
  protected assignOffsets(fn: Obj): void {
    let offset = 0;
    for (const v of [...fn.params, ...fn.locals.filter((l) => !fn.params.includes(l))]) {
      offset = alignTo(offset + v.type.size, Math.max(v.align, 1));
      v.offset = -offset;
    }
    fn.stackSize = alignTo(offset, 16);
  }
}
