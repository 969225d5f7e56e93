// Statements (C11 6.8), block-scope declarations, GNU extended asm, and the translation unit:
// function definitions and global objects (tentative definitions, extern, static, attributes).
import type { Loc } from "../diag/index.js";
import { CC } from "../diag/codes/cc.js";
import { newObj, Node, type AsmOperand, type Obj } from "./ast.js";
import type { Attrs, DeclSpec, Declarator } from "./parse-decl.js";
import { ParserInit } from "./parse-init.js";
import type { CToken } from "./tokenize.js";
import { classify, isRecord } from "./abi.js";
import {
  compatible,
  funcType,
  isInteger,
  pointerTo,
  ty,
  type Type,
  typeName,
  valueBits,
} from "./types.js";

/** Constraint letters of GCC's x86 machine description that handler-C supports. */
export const ASM_REG_LETTERS = "rabcdSDq";
const OUTPUT_LETTERS = /^[=+]&?[rabcdSDqm]+$/;
const INPUT_LETTERS = /^([rabcdSDqmin]+|[0-9])$/;

interface LoopLabels {
  brk: string;
  cont: string | undefined;
}

export abstract class ParserStmt extends ParserInit {
  /** File-scope `asm("...")` statements, in order. */
  readonly topLevelAsm: string[] = [];
  private labelId = 0;
  private loops: LoopLabels[] = [];
  private switches: Node[] = [];
  private gotos: Node[] = [];
  private labels = new Map<string, Node>();

  protected oldStyleInt(): Type {
    const t = funcType(ty.int);
    t.oldStyle = true;
    return t;
  }

  /** A label named after the function and the construct: `.Lmain.while.3`. */
  private newLabel(kind: string): string {
    return `.L${this.fn?.name ?? "file"}.${kind}.${this.labelId++}`;
  }

  // stmt = see the cases below
  protected stmt(): Node {
    this.enter();
    const n = this.stmt1();
    this.leave();
    return n;
  }

  private stmt1(): Node {
    const t = this.tok;
    const loc = t.loc;
    if (t.kind === "ident" && this.isAt(1, ":")) return this.labeled();
    if (t.kind === "punct" && t.text === "{") {
      this.next();
      this.enterScope();
      const n = this.compoundBody(loc);
      this.leaveScope();
      return n;
    }
    if (t.kind === "punct" && t.text === ";") {
      this.next();
      return new Node("null", loc);
    }
    if (t.kind === "keyword") {
      switch (t.text) {
        case "return": return this.returnStmt();
        case "if": return this.ifStmt();
        case "switch": return this.switchStmt();
        case "case": return this.caseStmt();
        case "default": return this.defaultStmt();
        case "for": return this.forStmt();
        case "while": return this.whileStmt();
        case "do": return this.doStmt();
        case "goto": return this.gotoStmt();
        case "break": return this.breakStmt();
        case "continue": return this.continueStmt();
        case "asm": case "__asm__": case "__asm": {
          this.next();
          const n = this.inlineAsm(loc);
          this.skip(";");
          return n;
        }
      } // prettier-ignore
    }
    return this.exprStmt();
  }

  // expr-stmt = expr? ";"
  private exprStmt(): Node {
    if (this.is(";")) return new Node("null", this.next().loc);
    const n = new Node("exprstmt", this.tok.loc);
    n.lhs = this.expr();
    this.skip(";");
    return n;
  }

  // "return" expr? ";"
  private returnStmt(): Node {
    const n = new Node("return", this.next().loc);
    const ret = this.fn!.type.ret!;
    if (this.consume(";")) return n;
    const e = this.expr();
    this.skip(";");
    if (ret.kind === "void") {
      if (e.type!.kind !== "void") this.error(CC.BAD_RETURN, e.loc, `void function '${this.fn!.name}' should not return a value`); // prettier-ignore
      n.lhs = e;
      return n;
    }
    n.lhs = this.convertForAssign(ret, e, e.loc, "returning");
    return n;
  }

  // "if" "(" expr ")" stmt ("else" stmt)?
  private ifStmt(): Node {
    const n = new Node("if", this.next().loc);
    n.cond = this.condition();
    n.then = this.stmt();
    if (this.consume("else")) n.els = this.stmt();
    n.label = this.newLabel("if");
    return n;
  }

  private condition(): Node {
    this.skip("(");
    const c = this.expr();
    this.skip(")");
    this.requireScalar(c, "a condition");
    return c;
  }

  // "switch" "(" expr ")" stmt
  private switchStmt(): Node {
    const n = new Node("switch", this.next().loc);
    n.cond = this.condition();
    if (!isInteger(n.cond.type!))
      this.error(CC.BAD_OPERANDS, n.cond.loc, "statement requires expression of integer type"); // prettier-ignore
    else n.cond = this.cast(n.cond, this.promoteType(n.cond.type!));
    n.brkLabel = this.newLabel("switch.end");
    this.switches.push(n);
    this.loops.push({ brk: n.brkLabel, cont: this.loops[this.loops.length - 1]?.cont });
    n.then = this.stmt();
    this.loops.pop();
    this.switches.pop();
    return n;
  }

  private promoteType(t: Type): Type {
    return t.size < ty.int.size || t.kind === "enum" || t.kind === "bool" ? ty.int : t;
  }

  // "case" const-expr ("..." const-expr)? ":" stmt
  private caseStmt(): Node {
    const loc = this.next().loc;
    const sw = this.switches[this.switches.length - 1];
    const lo = this.constExpr();
    const hi = this.consume("...") ? this.constExpr() : lo;
    this.skip(":");
    const n = new Node("case", loc);
    n.label = this.newLabel("case");
    if (!sw) this.error(CC.CASE_OUTSIDE, loc, "'case' statement not in switch statement");
    else {
      const t = sw.cond!.type!;
      n.lo = normalizeCase(lo, t);
      n.hi = normalizeCase(hi, t);
      const dup = sw.cases.find((c) => c.lo <= n.hi && n.lo <= c.hi);
      if (dup) this.error(CC.DUPLICATE_CASE, loc, `duplicate case value '${n.lo}'`);
      sw.cases.push(n);
    }
    n.lhs = this.stmt();
    return n;
  }

  // "default" ":" stmt
  private defaultStmt(): Node {
    const loc = this.next().loc;
    this.skip(":");
    const n = new Node("case", loc);
    n.label = this.newLabel("default");
    const sw = this.switches[this.switches.length - 1];
    if (!sw) this.error(CC.CASE_OUTSIDE, loc, "'default' statement not in switch statement");
    else if (sw.defaultCase)
      this.error(CC.DUPLICATE_CASE, loc, "multiple default labels in one switch"); // prettier-ignore
    else sw.defaultCase = n;
    n.lhs = this.stmt();
    return n;
  }

  // "for" "(" (declaration | expr-stmt) expr? ";" expr? ")" stmt
  private forStmt(): Node {
    const n = new Node("for", this.next().loc);
    this.skip("(");
    this.enterScope();
    if (this.isTypename()) n.init = this.declaration(this.declspec(true));
    else if (!this.consume(";")) n.init = this.exprStmt();
    if (!this.is(";")) {
      n.cond = this.expr();
      this.requireScalar(n.cond, "a condition");
    }
    this.skip(";");
    if (!this.is(")")) n.inc = this.expr();
    this.skip(")");
    n.then = this.loopBody(n, "for");
    this.leaveScope();
    return n;
  }

  private loopBody(n: Node, kind: string): Node {
    n.brkLabel = this.newLabel(`${kind}.end`);
    n.contLabel = this.newLabel(`${kind}.next`);
    n.label = this.newLabel(kind);
    this.loops.push({ brk: n.brkLabel, cont: n.contLabel });
    const body = this.stmt();
    this.loops.pop();
    return body;
  }

  // "while" "(" expr ")" stmt
  private whileStmt(): Node {
    const n = new Node("for", this.next().loc);
    n.cond = this.condition();
    n.then = this.loopBody(n, "while");
    return n;
  }

  // "do" stmt "while" "(" expr ")" ";"
  private doStmt(): Node {
    const n = new Node("do", this.next().loc);
    n.then = this.loopBody(n, "do");
    this.skip("while");
    n.cond = this.condition();
    this.skip(";");
    return n;
  }

  // "goto" ident ";"
  private gotoStmt(): Node {
    const n = new Node("goto", this.next().loc);
    const name = this.ident();
    n.name = name.text;
    this.skip(";");
    this.gotos.push(n);
    return n;
  }

  // "break" ";"
  private breakStmt(): Node {
    const n = new Node("goto", this.next().loc);
    this.skip(";");
    const l = this.loops[this.loops.length - 1];
    if (!l)
      this.error(CC.BREAK_OUTSIDE, n.loc, "'break' statement not in loop or switch statement");
    n.label = l?.brk ?? "";
    return n;
  }

  // "continue" ";"
  private continueStmt(): Node {
    const n = new Node("goto", this.next().loc);
    this.skip(";");
    const l = this.loops[this.loops.length - 1];
    if (!l?.cont) this.error(CC.CONTINUE_OUTSIDE, n.loc, "'continue' statement not in loop statement"); // prettier-ignore
    n.label = l?.cont ?? "";
    return n;
  }

  // ident ":" stmt
  private labeled(): Node {
    const name = this.next();
    this.next();
    const n = new Node("label", name.loc);
    n.name = name.text;
    n.label = `.L${this.fn!.name}.label.${name.text}`;
    if (this.labels.has(name.text)) this.error(CC.REDEFINED, name.loc, `redefinition of label '${name.text}'`); // prettier-ignore
    this.labels.set(name.text, n);
    n.lhs = this.is("}") ? new Node("null", name.loc) : this.stmt();
    return n;
  }

  // compound-stmt = "{" (declaration | stmt)* "}"
  protected compoundStmt(loc: Loc): Node {
    this.skip("{");
    this.enterScope();
    const n = this.compoundBody(loc);
    this.leaveScope();
    return n;
  }

  private compoundBody(loc: Loc): Node {
    const n = new Node("block", loc);
    while (!this.consume("}")) {
      if (this.tok.kind === "eof") this.syntax("expected '}'");
      if (this.isTypename() && !this.isAt(1, ":")) {
        const spec = this.declspec(true);
        if (spec.isTypedef) {
          this.typedefDecl(spec);
          continue;
        }
        n.body.push(this.declaration(spec));
        continue;
      }
      n.body.push(this.stmt());
    }
    return n;
  }

  // declaration = declspec (declarator ("=" initializer)? ("," declarator ("=" initializer)?)*)? ";"
  private declaration(spec: DeclSpec): Node {
    const block = new Node("block", this.tok.loc);
    let first = true;
    while (!this.consume(";")) {
      if (!first) this.skip(",");
      first = false;
      const attrs: Attrs = { names: new Set(spec.attrs.names), section: spec.attrs.section, aligned: spec.attrs.aligned }; // prettier-ignore
      const d = this.declarator(spec.type, attrs);
      if (!d.name) this.syntax("expected an identifier in declaration", d.tok);
      if (d.type.kind === "func") {
        this.declareFunction(d, spec, attrs);
        continue;
      }
      if (spec.isExtern) {
        this.declareExtern(d);
        continue;
      }
      if (spec.isStatic) {
        this.staticLocal(d, spec, attrs);
        continue;
      }
      const stmt = this.localVar(d, spec, attrs);
      if (stmt) block.body.push(stmt);
    }
    return block;
  }

  private localVar(d: Declarator, spec: DeclSpec, attrs: Attrs): Node | undefined {
    if (d.type.kind === "void") this.error(CC.INCOMPLETE_TYPE, d.tok.loc, `variable '${d.name}' has incomplete type 'void'`); // prettier-ignore
    const prev = this.declaredHere(d.name);
    if (prev) this.error(CC.REDEFINED, d.tok.loc, `redefinition of '${d.name}'`);
    let type = d.type;
    let init;
    if (this.consume("=")) {
      init = this.initializer(type);
      type = init.type;
    }
    if (type.incomplete || (type.kind === "array" && type.len < 0)) this.error(CC.INCOMPLETE_TYPE, d.tok.loc, `variable '${d.name}' has incomplete type '${typeName(type)}'`); // prettier-ignore
    const v = this.newLocal(d.name, type, d.tok.loc);
    v.align = Math.max(type.align, spec.align, attrs.aligned ?? 0);
    if (!init) return undefined;
    const n = new Node("exprstmt", d.tok.loc);
    n.lhs = this.localInit(v, init, d.tok.loc);
    return n;
  }

  /** A block-scope static: a global named `name.N`, visible in this scope only. */
  private staticLocal(d: Declarator, spec: DeclSpec, attrs: Attrs): void {
    const v = newObj(d.name, d.type, d.tok.loc);
    this.globals.push(v);
    this.declareVar(d.name, { obj: v });
    v.asmName = this.uniqueName(`${d.name}`);
    v.isStatic = true;
    v.isDefinition = true;
    v.align = Math.max(d.type.align, spec.align, attrs.aligned ?? 0);
    if (attrs.section) v.section = attrs.section;
    if (this.consume("=")) {
      const init = this.initializer(d.type);
      v.type = init.type;
      this.staticInit(v, init);
    }
  }

  private declareExtern(d: Declarator): void {
    const global = this.scopes[0]!.vars.get(d.name)?.obj;
    if (global) {
      this.declareVar(d.name, { obj: global });
      return;
    }
    const v = this.newGlobal(d.name, d.type, d.tok.loc);
    this.declareVar(d.name, { obj: v });
  }

  private typedefDecl(spec: DeclSpec): void {
    let first = true;
    while (!this.consume(";")) {
      if (!first) this.skip(",");
      first = false;
      const attrs: Attrs = { names: new Set(), aligned: spec.attrs.aligned };
      const d = this.declarator(spec.type, attrs);
      if (!d.name) this.syntax("typedef name omitted", d.tok);
      this.declareVar(d.name, { typedef: this.typedefType(d.type, attrs) });
    }
  }

  // asm-stmt = "asm" qualifier* "(" string (":" operands? (":" operands? (":" clobbers?)?)?)? ")"
  protected inlineAsm(loc: Loc): Node {
    while (["volatile", "__volatile__", "__volatile", "inline", "__inline__"].includes(this.tok.text)) this.next(); // prettier-ignore
    if (this.is("goto")) this.diags.fatal(CC.UNSUPPORTED, this.tok.loc, "asm goto is not supported in handler-C"); // prettier-ignore
    this.skip("(");
    const template = this.stringText();
    const n = new Node("asm", loc);
    n.type = ty.void;
    n.asm = { template, outputs: [], inputs: [], clobbers: [] };
    if (this.consume(":")) {
      n.asm.outputs = this.asmOperands(true);
      if (this.consume(":")) {
        n.asm.inputs = this.asmOperands(false);
        if (this.consume(":")) n.asm.clobbers = this.asmClobbers();
      }
    }
    this.skip(")");
    if (!this.fn) this.topLevelAsm.push(template);
    return n;
  }

  private stringText(): string {
    if (this.tok.kind !== "str") this.syntax("expected a string literal");
    return String.fromCharCode(...this.next().bytes!);
  }

  // operands = operand ("," operand)*
  // operand  = ("[" ident "]")? string "(" expr ")"
  private asmOperands(output: boolean): AsmOperand[] {
    const ops: AsmOperand[] = [];
    while (this.tok.kind === "str" || this.is("[")) {
      let name = "";
      if (this.consume("[")) {
        name = this.ident().text;
        this.skip("]");
      }
      const ctok = this.tok;
      const constraint = this.stringText();
      this.skip("(");
      const expr = this.expr();
      this.skip(")");
      this.checkConstraint(constraint, expr, output, ctok);
      ops.push({ constraint, name, expr, loc: ctok.loc });
      if (!this.consume(",")) break;
    }
    return ops;
  }

  private checkConstraint(c: string, e: Node, output: boolean, at: CToken): void {
    const ok = output ? OUTPUT_LETTERS.test(c) : INPUT_LETTERS.test(c);
    if (!ok) {
      const why = output && !/^[=+]/.test(c) ? "output operand constraint lacks '=' or '+'" : `invalid ${output ? "output" : "input"} constraint '${c}' (handler-C supports r a b c d S D q m${output ? "" : " i n and matching digits"})`; // prettier-ignore
      this.error(CC.BAD_ASM_CONSTRAINT, at.loc, why);
      return;
    }
    if (output && !this.requireLvalue(e, "an asm output")) return;
    if (/[in]/.test(c) && !/[rabcdSDqm]/.test(c) && this.tryEval(e) === undefined)
      this.error(CC.BAD_ASM_CONSTRAINT, e.loc, `impossible constraint '${c}': operand is not an integer constant`); // prettier-ignore
    if (/m/.test(c) && !this.isLvalue(e)) this.error(CC.BAD_ASM_CONSTRAINT, e.loc, "memory input must be an lvalue"); // prettier-ignore
    const t = this.valueType(e.type!);
    if (t.kind === "struct" || t.kind === "union") {
      if (!/^[=+]?m$/.test(c)) this.error(CC.BAD_ASM_CONSTRAINT, e.loc, `a '${typeName(t)}' operand needs the 'm' constraint`); // prettier-ignore
    }
  }

  // clobbers = string ("," string)*
  private asmClobbers(): string[] {
    const out: string[] = [];
    while (this.tok.kind === "str") {
      out.push(this.stringText());
      if (!this.consume(",")) break;
    }
    return out;
  }

  // ---- the translation unit

  // program = (typedef | function-definition | global-variable | asm-stmt ";" | ";")*
  parseProgram(): void {
    while (this.tok.kind !== "eof") {
      if (this.consume(";")) continue;
      if (this.is("asm") || this.is("__asm__") || this.is("__asm")) {
        this.inlineAsm(this.next().loc);
        this.skip(";");
        continue;
      }
      if (this.is("_Static_assert")) {
        this.staticAssert();
        continue;
      }
      const spec = this.declspec(true);
      if (spec.isTypedef) {
        this.typedefDecl(spec);
        continue;
      }
      this.globalDeclaration(spec);
    }
    // 6.9.2p3: a tentative definition's type must be complete by the end of the unit.
    for (const g of this.globals) {
      const t = g.type;
      if (!g.isFunction && g.isDefinition && (t.incomplete || (t.kind === "array" && t.base!.incomplete))) // prettier-ignore
        this.error(CC.INCOMPLETE_TYPE, g.loc, `storage size of '${g.name}' isn't known (incomplete type '${typeName(t)}')`); // prettier-ignore
    }
  }

  // "_Static_assert" "(" const-expr ("," string)? ")" ";"
  private staticAssert(): void {
    const loc = this.next().loc;
    this.skip("(");
    const v = this.constExpr();
    let msg = "static assertion failed";
    if (this.consume(",")) msg = `static assertion failed: "${this.stringText()}"`;
    this.skip(")");
    this.skip(";");
    if (v === 0n) this.error(CC.NOT_CONSTANT, loc, msg);
  }

  private globalDeclaration(spec: DeclSpec): void {
    for (let i = 0; !this.consume(";"); i++) {
      if (i > 0) this.skip(",");
      const attrs: Attrs = { names: new Set(spec.attrs.names), section: spec.attrs.section, aligned: spec.attrs.aligned }; // prettier-ignore
      const d = this.declarator(spec.type, attrs);
      if (!d.name) this.syntax("expected an identifier in declaration", d.tok);
      if (d.type.kind === "func") {
        const f = this.declareFunction(d, spec, attrs);
        if (this.is("{")) {
          if (i > 0) this.syntax("function definition is not allowed here");
          this.functionBody(f, d);
          return;
        }
        continue;
      }
      this.globalVariable(d, spec, attrs);
    }
  }

  private declareFunction(d: Declarator, spec: DeclSpec, attrs: Attrs): Obj {
    const prev = this.scopes[0]!.vars.get(d.name);
    let f = prev?.obj;
    if (prev && (!f || !f.isFunction)) this.error(CC.REDEFINED, d.tok.loc, `'${d.name}' redeclared as a different kind of symbol`); // prettier-ignore
    if (f && f.isFunction && !f.type.oldStyle && !d.type.oldStyle && !sameSignature(f.type, d.type)) this.error(CC.REDEFINED, d.tok.loc, `conflicting types for '${d.name}'`); // prettier-ignore
    if (!f || !f.isFunction) {
      f = this.newGlobal(d.name, d.type, d.tok.loc);
      f.isFunction = true;
      f.isStatic = spec.isStatic || (spec.isInline && !spec.isExtern);
    } else if (!d.type.oldStyle) f.type = d.type;
    if (!this.atFileScope) this.declareVar(d.name, { obj: f });
    for (const a of attrs.names) f.attrs.add(a);
    if (spec.isInline) f.attrs.add("inline");
    if (attrs.section) f.section = attrs.section;
    return f;
  }

  private functionBody(f: Obj, d: Declarator): void {
    if (f.isDefinition) this.error(CC.REDEFINED, d.tok.loc, `redefinition of '${d.name}'`);
    f.isDefinition = true;
    f.type = d.type;
    f.loc = d.tok.loc;
    if (d.type.variadic) this.error(CC.UNSUPPORTED, d.tok.loc, "defining variadic functions is not supported in handler-C"); // prettier-ignore
    const ret = d.type.ret!;
    if (ret.incomplete) this.error(CC.INCOMPLETE_TYPE, d.tok.loc, `return type '${typeName(ret)}' is incomplete`); // prettier-ignore
    this.fn = f;
    this.locals = [];
    this.labels = new Map();
    this.gotos = [];
    this.enterScope();
    f.params = d.params.map((p) => {
      if (p.type.incomplete) this.error(CC.INCOMPLETE_TYPE, p.loc, `parameter '${p.name}' has incomplete type '${typeName(p.type)}'`); // prettier-ignore
      if (!p.name) this.error(CC.SYNTAX, p.loc, "parameter name omitted");
      return this.newLocal(p.name, p.type, p.loc);
    });
    // psABI §3.2.3: a MEMORY-class result is written through the pointer the caller passes.
    if (isRecord(ret) && classify(ret).kind === "memory") f.retPtr = this.newLocal("", pointerTo(ret), d.tok.loc); // prettier-ignore
    f.body = this.compoundStmt(this.tok.loc);
    this.leaveScope();
    for (const g of this.gotos) {
      const l = this.labels.get(g.name);
      if (!l) this.error(CC.UNDEFINED_LABEL, g.loc, `use of undeclared label '${g.name}'`);
      else g.label = l.label;
    }
    f.locals = this.locals;
    this.assignOffsets(f);
    this.fn = undefined;
  }

  private globalVariable(d: Declarator, spec: DeclSpec, attrs: Attrs): void {
    const prev = this.scopes[0]!.vars.get(d.name);
    let v = prev?.obj;
    if (prev && (!v || v.isFunction)) {
      this.error(CC.REDEFINED, d.tok.loc, `'${d.name}' redeclared as a different kind of symbol`);
      v = undefined;
    }
    if (v && !compatible(v.type, d.type)) this.error(CC.REDEFINED, d.tok.loc, `conflicting types for '${d.name}'`); // prettier-ignore
    if (!v) v = this.newGlobal(d.name, d.type, d.tok.loc);
    else if (d.type.kind !== "array" || d.type.len >= 0) v.type = d.type;
    if (d.type.kind === "void") this.error(CC.INCOMPLETE_TYPE, d.tok.loc, `variable '${d.name}' has incomplete type 'void'`); // prettier-ignore
    v.isStatic ||= spec.isStatic;
    v.align = Math.max(v.type.align, spec.align, attrs.aligned ?? 0, v.align);
    if (attrs.section) v.section = attrs.section;
    for (const a of attrs.names) v.attrs.add(a);
    if (this.consume("=")) {
      if (v.isDefinition && !v.isTentative) this.error(CC.REDEFINED, d.tok.loc, `redefinition of '${d.name}'`); // prettier-ignore
      const init = this.initializer(v.type);
      v.type = init.type;
      v.isDefinition = true;
      v.isTentative = false;
      this.staticInit(v, init);
      return;
    }
    if (!spec.isExtern && !v.isDefinition) {
      // 6.9.2p2: a tentative definition; zero-initialised unless defined later.
      v.isDefinition = true;
      v.isTentative = true;
    }
  }
}

function sameSignature(a: Type, b: Type): boolean {
  if (!compatible(a.ret!, b.ret!) || a.params.length !== b.params.length || a.variadic !== b.variadic) return false; // prettier-ignore
  return a.params.every((p, i) => compatible(p.type, b.params[i]!.type));
}

/** Case labels convert to the promoted controlling type (6.8.4.2p5). */
function normalizeCase(v: bigint, t: Type): bigint {
  const bits = valueBits(t);
  return t.unsigned ? BigInt.asUintN(bits, v) : BigInt.asIntN(bits, v);
}
