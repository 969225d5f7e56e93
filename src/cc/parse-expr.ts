// Expressions (C11 6.5), one function per precedence level with its grammar rule above it, as in
// chibicc. Compound assignment and ++/-- are rewritten into plain assignments through a temporary
// pointer, so the code generator needs no special cases for them.
import type { Loc } from "../diag/index.js";
import { CC } from "../diag/codes/cc.js";
import { Node, type NodeKind, type Obj } from "./ast.js";
import { ParserSema } from "./parse-sema.js";
import {
  arrayOf, isInteger, pointerTo, promote, ty, typeName, unqual, usualArith, withConst, withoutConst, type Member,
  type Type,
} from "./types.js"; // prettier-ignore

const COMPOUND: Record<string, [NodeKind, string]> = {
  "+=": ["add", "+"], "-=": ["sub", "-"], "*=": ["mul", "*"], "/=": ["div", "/"],
  "%=": ["mod", "%"], "&=": ["bitand", "&"], "|=": ["bitor", "|"], "^=": ["bitxor", "^"],
  "<<=": ["shl", "<<"], ">>=": ["shr", ">>"],
}; // prettier-ignore

export abstract class ParserExpr extends ParserSema {
  protected abstract compoundStmt(loc: Loc): Node;
  protected abstract inlineAsm(loc: Loc): Node;
  /** `( type-name ) { initializer-list }` (6.5.2.5), after the `)`; see ./parse-init.ts. */
  protected abstract compoundLiteral(t: Type, loc: Loc): Node;

  // expr = assign ("," expr)?
  protected expr(): Node {
    const n = this.assign();
    if (!this.is(",")) return n;
    const loc = this.next().loc;
    const rhs = this.expr();
    return this.binaryNode("comma", n, rhs, loc, rhs.type!);
  }

  protected constExpr(): bigint {
    return this.evalInteger(this.conditional());
  }

  // assign = conditional (assign-op assign)?
  // assign-op = "=" | "+=" | "-=" | "*=" | "/=" | "%=" | "&=" | "|=" | "^=" | "<<=" | ">>="
  protected assign(): Node {
    this.enter();
    const lhs = this.conditional();
    let n = lhs;
    if (this.is("=")) {
      const loc = this.next().loc;
      n = this.assignNode(lhs, this.assign(), loc);
    } else if (this.tok.kind === "punct" && COMPOUND[this.tok.text]) {
      const [kind, op] = COMPOUND[this.tok.text]!;
      const loc = this.next().loc;
      n = this.compoundAssign(kind, op, lhs, this.assign(), loc);
    }
    this.leave();
    return n;
  }

  /** `A op= B` → `tmp = &A, *tmp = *tmp op B` (A evaluated once, 6.5.16.2p3). */
  protected compoundAssign(kind: NodeKind, op: string, lhs: Node, rhs: Node, loc: Loc): Node {
    if (!this.requireLvalue(lhs, `'${op}='`)) return rhs;
    const [setTmp, target] = this.lvalueOnce(lhs, loc);
    const value = this.binaryOp(kind, op, target(), rhs, loc);
    const store = this.assignNode(target(), value, loc);
    return this.binaryNode("comma", setTmp, store, loc, store.type!);
  }

  /**
   * Evaluate an lvalue's address once: `tmp = &A` and a maker of `*tmp`. A bit-field has no
   * address, so the structure holding it is pinned instead: `tmp = &S`, `tmp->bf`.
   */
  private lvalueOnce(lhs: Node, loc: Loc): [Node, () => Node] {
    const bf = lhs.kind === "member" && lhs.member!.bitWidth !== undefined ? lhs : undefined;
    const pinned = bf ? bf.lhs! : lhs;
    const ptrType = pointerTo(pinned.type!);
    const tmp = this.newLocal("", ptrType, loc);
    const setTmp = this.binaryNode("assign", this.varNode(tmp, loc), this.unary("addr", pinned, loc, ptrType), loc, ptrType); // prettier-ignore
    const at = (): Node => this.unary("deref", this.varNode(tmp, loc), loc, pinned.type!);
    if (!bf) return [setTmp, at];
    return [setTmp, () => this.memberNode(at(), bf.member!, loc, bf.type!.isConst)];
  }

  private binaryOp(kind: NodeKind, op: string, lhs: Node, rhs: Node, loc: Loc): Node {
    if (kind === "add") return this.add(lhs, rhs, loc);
    if (kind === "sub") return this.sub(lhs, rhs, loc);
    if (kind === "shl" || kind === "shr") return this.shift(kind, op, lhs, rhs, loc);
    return this.arith(kind, op, lhs, rhs, loc);
  }

  // conditional = logor ("?" expr? ":" conditional)?
  protected conditional(): Node {
    const cond = this.logor();
    if (!this.is("?")) return cond;
    const loc = this.next().loc;
    this.requireScalar(cond, "'?:'");
    // GNU `a ?: b`: a is evaluated once and is the result when nonzero.
    if (this.is(":")) {
      this.next();
      const els = this.conditional();
      // The temporary holds a's value, which is never const (6.3.2.1p2).
      const tmp = this.newLocal("", withoutConst(this.valueType(cond.type!)), loc);
      const set = this.assignNode(this.varNode(tmp, loc), cond, loc);
      const pick = this.condNode(this.varNode(tmp, loc), this.varNode(tmp, loc), els, loc);
      return this.binaryNode("comma", set, pick, loc, pick.type!);
    }
    const then = this.expr();
    this.skip(":");
    return this.condNode(cond, then, this.conditional(), loc);
  }

  /** 6.5.15p3-6: the result type of `?:`. */
  private condNode(cond: Node, then: Node, els: Node, loc: Loc): Node {
    const n = new Node("cond", loc);
    n.cond = cond;
    const a = this.valueType(then.type!);
    const b = this.valueType(els.type!);
    if (isInteger(a) && isInteger(b)) {
      const t = usualArith(a, b);
      n.then = this.cast(then, t);
      n.els = this.cast(els, t);
      n.type = t;
      return n;
    }
    n.then = then;
    n.els = els;
    if (a.kind === "void" || b.kind === "void") n.type = ty.void;
    else if (a.kind === "ptr") n.type = b.kind === "ptr" && a.base!.kind === "void" ? b : a;
    else if (b.kind === "ptr") n.type = b;
    else {
      if (unqual(a) !== unqual(b)) this.badOperands("?:", then, els, loc);
      n.type = a;
    }
    return n;
  }

  // logor = logand ("||" logand)*
  private logor(): Node {
    let n = this.logand();
    while (this.is("||")) {
      const loc = this.next().loc;
      const rhs = this.logand();
      this.requireScalar(n, "'||'");
      this.requireScalar(rhs, "'||'");
      n = this.binaryNode("logor", n, rhs, loc, ty.int);
    }
    return n;
  }

  // logand = bitor ("&&" bitor)*
  private logand(): Node {
    let n = this.bitor();
    while (this.is("&&")) {
      const loc = this.next().loc;
      const rhs = this.bitor();
      this.requireScalar(n, "'&&'");
      this.requireScalar(rhs, "'&&'");
      n = this.binaryNode("logand", n, rhs, loc, ty.int);
    }
    return n;
  }

  // bitor = bitxor ("|" bitxor)*
  private bitor(): Node {
    let n = this.bitxor();
    while (this.is("|")) {
      const loc = this.next().loc;
      n = this.arith("bitor", "|", n, this.bitxor(), loc);
    }
    return n;
  }

  // bitxor = bitand ("^" bitand)*
  private bitxor(): Node {
    let n = this.bitand();
    while (this.is("^")) {
      const loc = this.next().loc;
      n = this.arith("bitxor", "^", n, this.bitand(), loc);
    }
    return n;
  }

  // bitand = equality ("&" equality)*
  private bitand(): Node {
    let n = this.equality();
    while (this.is("&")) {
      const loc = this.next().loc;
      n = this.arith("bitand", "&", n, this.equality(), loc);
    }
    return n;
  }

  // equality = relational ("==" relational | "!=" relational)*
  private equality(): Node {
    let n = this.relational();
    for (;;) {
      const op = this.tok.text;
      if (this.tok.kind !== "punct" || (op !== "==" && op !== "!=")) return n;
      const loc = this.next().loc;
      n = this.compare(op === "==" ? "eq" : "ne", op, n, this.relational(), loc);
    }
  }

  // relational = shift ("<" shift | "<=" shift | ">" shift | ">=" shift)*
  private relational(): Node {
    let n = this.shiftExpr();
    for (;;) {
      const op = this.tok.text;
      if (this.tok.kind !== "punct" || !["<", "<=", ">", ">="].includes(op)) return n;
      const loc = this.next().loc;
      const rhs = this.shiftExpr();
      // a > b is b < a: the code generator only knows lt and le.
      if (op === "<") n = this.compare("lt", op, n, rhs, loc);
      else if (op === "<=") n = this.compare("le", op, n, rhs, loc);
      else if (op === ">") n = this.compare("lt", op, rhs, n, loc);
      else n = this.compare("le", op, rhs, n, loc);
    }
  }

  // shift = add ("<<" add | ">>" add)*
  private shiftExpr(): Node {
    let n = this.additive();
    for (;;) {
      const op = this.tok.text;
      if (this.tok.kind !== "punct" || (op !== "<<" && op !== ">>")) return n;
      const loc = this.next().loc;
      n = this.shift(op === "<<" ? "shl" : "shr", op, n, this.additive(), loc);
    }
  }

  // add = mul ("+" mul | "-" mul)*
  private additive(): Node {
    let n = this.mul();
    for (;;) {
      const op = this.tok.text;
      if (this.tok.kind !== "punct" || (op !== "+" && op !== "-")) return n;
      const loc = this.next().loc;
      n = op === "+" ? this.add(n, this.mul(), loc) : this.sub(n, this.mul(), loc);
    }
  }

  // mul = cast ("*" cast | "/" cast | "%" cast)*
  private mul(): Node {
    let n = this.castExpr();
    for (;;) {
      const op = this.tok.text;
      if (this.tok.kind !== "punct" || !["*", "/", "%"].includes(op)) return n;
      const loc = this.next().loc;
      const kind: NodeKind = op === "*" ? "mul" : op === "/" ? "div" : "mod";
      n = this.arith(kind, op, n, this.castExpr(), loc);
    }
  }

  // cast = "(" typename ")" cast | unary
  protected castExpr(): Node {
    if (!this.is("(") || !this.isTypename(this.peek())) return this.unaryExpr();
    const loc = this.next().loc;
    const t = this.typename();
    this.skip(")");
    if (this.is("{")) return this.postfixOps(this.compoundLiteral(t, loc));
    this.enter();
    const operand = this.castExpr();
    this.leave();
    return this.castTo(operand, t, loc);
  }

  /** 6.5.4p2: only scalar types (or void) can be cast to and from. */
  private castTo(n: Node, t: Type, loc: Loc): Node {
    const from = this.valueType(n.type!);
    if (t.kind === "void") return this.unary("cast", n, loc, ty.void);
    if (t.kind === "struct" || t.kind === "union" || t.kind === "array" || t.kind === "func") {
      this.error(CC.BAD_CONVERSION, loc, `cast to '${typeName(t)}' is not allowed (not a scalar type)`); // prettier-ignore
      return n;
    }
    if (from.kind === "struct" || from.kind === "union" || from.kind === "void") {
      this.error(CC.BAD_CONVERSION, loc, `cannot cast '${typeName(n.type!)}' to '${typeName(t)}'`);
      return this.num(0n, loc, t);
    }
    return this.unary("cast", n, loc, t);
  }

  // unary = ("+" | "-" | "*" | "&" | "!" | "~") cast | ("++" | "--") unary | postfix
  //       | "sizeof" unary | "sizeof" "(" typename ")" | "_Alignof" "(" typename ")"
  protected unaryExpr(): Node {
    const t = this.tok;
    const loc = t.loc;
    if (t.kind === "punct") {
      switch (t.text) {
        case "+":
        case "-":
        case "~":
        case "!":
        case "*":
        case "&": {
          this.next();
          this.enter();
          const operand = this.castExpr();
          this.leave();
          return this.prefixOp(t.text, operand, loc);
        }
        case "++":
        case "--": {
          this.next();
          const operand = this.unaryExpr();
          return this.compoundAssign(t.text === "++" ? "add" : "sub", t.text[0]!, operand, this.num(1n, loc), loc); // prettier-ignore
        }
      }
    }
    if (t.kind === "keyword") {
      if (t.text === "sizeof") return this.sizeofExpr();
      if (t.text === "_Alignof" || t.text.startsWith("__alignof")) {
        this.next();
        this.skip("(");
        const at = this.isTypename() ? this.typename() : this.expr().type!;
        this.skip(")");
        return this.num(BigInt(at.align), loc, ty.ulong);
      }
      if (t.text === "__extension__") {
        this.next();
        return this.castExpr();
      }
    }
    return this.postfix();
  }

  private prefixOp(op: string, n: Node, loc: Loc): Node {
    switch (op) {
      case "+":
        if (!this.requireInteger(n, "unary +")) return n;
        return this.cast(n, promote(n.type!));
      case "-": {
        if (!this.requireInteger(n, "unary -")) return n;
        const t = promote(n.type!);
        return this.unary("neg", this.cast(n, t), loc, t);
      }
      case "~": {
        if (!this.requireInteger(n, "~")) return n;
        const t = promote(n.type!);
        return this.unary("bitnot", this.cast(n, t), loc, t);
      }
      case "!":
        this.requireScalar(n, "'!'");
        return this.unary("not", n, loc, ty.int);
      case "*":
        return this.deref(n, loc);
      default:
        return this.addressOf(n, loc);
    }
  }

  /** 6.5.3.2p1: `&` needs a function designator or an lvalue. */
  private addressOf(n: Node, loc: Loc): Node {
    if (isBitField(n)) {
      this.error(CC.BITFIELD_ADDRESS, loc, `cannot take the address of bit-field '${n.member!.name}'`); // prettier-ignore
      return this.num(0n, loc, pointerTo(n.type!));
    }
    if (!this.isLvalue(n) && n.type!.kind !== "func") {
      this.error(CC.NOT_LVALUE, n.loc, "cannot take the address of an rvalue");
      return this.num(0n, loc, pointerTo(n.type!));
    }
    return this.unary("addr", n, loc, pointerTo(n.type!));
  }

  // "sizeof" unary | "sizeof" "(" typename ")"
  private sizeofExpr(): Node {
    const loc = this.next().loc;
    let t: Type;
    if (this.is("(") && this.isTypename(this.peek())) {
      const open = this.next().loc;
      t = this.typename();
      this.skip(")");
      // `sizeof (int[]){1, 2}` is the size of a compound literal (and its postfix uses).
      if (this.is("{")) t = this.postfixOps(this.compoundLiteral(t, open)).type!;
    } else {
      const e = this.unaryExpr();
      if (isBitField(e)) this.error(CC.BITFIELD_ADDRESS, loc, `invalid application of 'sizeof' to bit-field '${e.member!.name}'`); // prettier-ignore
      t = e.type!;
    }
    if (t.incomplete || (t.kind === "array" && t.len < 0) || t.kind === "void" || t.kind === "func")
      this.error(CC.INCOMPLETE_TYPE, loc, `invalid application of 'sizeof' to an incomplete type '${typeName(t)}'`); // prettier-ignore
    return this.num(BigInt(t.size), loc, ty.ulong);
  }

  // postfix = primary ("[" expr "]" | "." ident | "->" ident | "++" | "--" | func-args)*
  private postfix(): Node {
    return this.postfixOps(this.primary());
  }

  private postfixOps(n: Node): Node {
    for (;;) {
      const loc = this.tok.loc;
      if (this.consume("[")) {
        const idx = this.expr();
        this.skip("]");
        n = this.deref(this.add(n, idx, loc), loc);
      } else if (this.consume(".")) {
        n = this.memberAccess(n, loc);
      } else if (this.consume("->")) {
        n = this.memberAccess(this.deref(n, loc), loc);
      } else if (this.is("++") || this.is("--")) {
        const op = this.next().text;
        n = this.postIncDec(n, op === "++" ? 1n : -1n, loc);
      } else if (this.is("(")) {
        n = this.call(n, loc);
      } else return n;
    }
  }

  /** `a++` → `(typeof a)((a += 1) - 1)`, as chibicc does. */
  private postIncDec(n: Node, delta: bigint, loc: Loc): Node {
    if (!this.requireLvalue(n, delta > 0n ? "'++'" : "'--'")) return n;
    if (n.kind === "member" && n.member!.bitWidth !== undefined) return this.postIncDecBits(n, delta, loc); // prettier-ignore
    // A _Bool does not wrap (6.3.1.2): `(b -= 1) + 1` is 2, not b's old 0. Keep the old value.
    if (n.type!.kind === "bool") return this.cast(this.postIncDecBits(n, delta, loc), n.type!, loc);
    const step = this.compoundAssign("add", "+", n, this.num(delta, loc), loc);
    const back = this.add(step, this.num(-delta, loc), loc);
    return this.cast(back, n.type!, loc);
  }

  /** A bit-field's (or a _Bool's) `b++`: `(p = &s, old = p->b, p->b = old + 1, old)` — the
   *  old value wraps to the field's width, which `(b += 1) - 1` would not give back. */
  private postIncDecBits(n: Node, delta: bigint, loc: Loc): Node {
    const [setTmp, target] = this.lvalueOnce(n, loc);
    const oldType = promote(n.type!);
    const old = this.newLocal("", oldType, loc);
    const save = this.assignNode(this.varNode(old, loc), target(), loc);
    const store = this.assignNode(target(), this.add(this.varNode(old, loc), this.num(delta, loc), loc), loc); // prettier-ignore
    const seq = this.binaryNode("comma", setTmp, this.binaryNode("comma", save, store, loc, store.type!), loc, store.type!); // prettier-ignore
    return this.binaryNode("comma", seq, this.varNode(old, loc), loc, oldType);
  }

  private memberAccess(n: Node, loc: Loc): Node {
    const name = this.ident();
    const t = n.type!;
    if (t.kind !== "struct" && t.kind !== "union") {
      this.error(CC.NO_MEMBER, name.loc, `member reference base type '${typeName(t)}' is not a structure or union`); // prettier-ignore
      return this.num(0n, loc);
    }
    if (t.incomplete) this.error(CC.INCOMPLETE_TYPE, name.loc, `incomplete definition of type '${typeName(t)}'`); // prettier-ignore
    const path = findMember(t, name.text);
    if (!path) {
      if (!t.incomplete) this.error(CC.NO_MEMBER, name.loc, `no member named '${name.text}' in '${typeName(t)}'`); // prettier-ignore
      return this.num(0n, loc);
    }
    for (const m of path) n = this.memberNode(n, m, loc, t.isConst);
    return n;
  }

  protected memberNode(n: Node, m: Member, loc: Loc, isConst = false): Node {
    const r = new Node("member", loc);
    r.lhs = n;
    r.member = m;
    // 6.5.2.3p3: a member of a const-qualified structure is const.
    r.type = isConst ? withConst(m.type) : m.type;
    return r;
  }

  // func-args = "(" (assign ("," assign)*)? ")"
  private call(fn: Node, loc: Loc): Node {
    this.skip("(");
    const args: Node[] = [];
    while (!this.is(")")) {
      args.push(this.assign());
      if (!this.consume(",")) break;
    }
    this.skip(")");
    const t = this.valueType(fn.type!);
    const ft = t.kind === "ptr" && t.base!.kind === "func" ? t.base! : undefined;
    if (!ft) {
      this.error(CC.NOT_FUNCTION, fn.loc, `called object type '${typeName(fn.type!)}' is not a function or function pointer`); // prettier-ignore
      return this.num(0n, loc);
    }
    const n = new Node("call", loc);
    n.lhs = fn;
    n.funcType = ft;
    n.type = ft.ret!;
    n.body = this.callArgs(ft, args, fn, loc);
    if (n.type.kind === "struct" || n.type.kind === "union") {
      if (n.type.incomplete) this.error(CC.INCOMPLETE_TYPE, loc, `calling a function returning incomplete type '${typeName(n.type)}'`); // prettier-ignore
      // psABI §3.2.3: the caller owns the result's storage (and passes it for MEMORY class).
      n.retBuf = this.newLocal("", n.type, loc);
    }
    return n;
  }

  private callArgs(ft: Type, args: Node[], fn: Node, loc: Loc): Node[] {
    const name = fn.kind === "var" ? `'${fn.obj!.name}'` : "function";
    const want = ft.params.length;
    if (!ft.oldStyle && (args.length < want || (args.length > want && !ft.variadic)))
      this.error(CC.ARG_COUNT, loc, `too ${args.length < want ? "few" : "many"} arguments to ${name}: expected ${want}${ft.variadic ? " or more" : ""}, have ${args.length}`); // prettier-ignore
    return args.map((a, i) => {
      const at = this.valueType(a.type!);
      if (at.incomplete) this.error(CC.INCOMPLETE_TYPE, a.loc, `argument has incomplete type '${typeName(at)}'`); // prettier-ignore
      const p = ft.params[i];
      if (p) return this.convertForAssign(p.type, a, a.loc, `passing argument ${i + 1} of ${name}: to`); // prettier-ignore
      // 6.5.2.2p7: arguments past the prototype get the default promotions.
      return isInteger(at) ? this.cast(a, promote(at)) : a;
    });
  }

  // primary = "(" "{" stmt+ "}" ")" | "(" expr ")" | ident | str | num | builtin | asm
  private primary(): Node {
    const t = this.tok;
    if (this.is("(") && this.isAt(1, "{")) {
      this.next();
      const n = this.stmtExpr(t.loc);
      this.skip(")");
      return n;
    }
    if (this.consume("(")) {
      this.enter();
      const n = this.expr();
      this.leave();
      this.skip(")");
      return n;
    }
    if (t.kind === "num") {
      this.next();
      return this.num(t.val, t.loc, t.type!);
    }
    if (t.kind === "str") {
      this.next();
      const type = arrayOf(ty.char, t.bytes!.length + 1);
      return this.varNode(this.stringLiteral(t.bytes!, type, t.loc), t.loc);
    }
    if (t.kind === "ident") return this.identifier();
    if (t.kind === "keyword") return this.keywordPrimary();
    return this.syntax("expected an expression");
  }

  private keywordPrimary(): Node {
    const t = this.tok;
    switch (t.text) {
      case "_Generic":
        return this.diags.fatal(CC.UNSUPPORTED, t.loc, "_Generic is not supported in handler-C");
      case "__builtin_offsetof":
        return this.offsetofExpr();
      case "asm":
      case "__asm__":
      case "__asm":
        this.next();
        return this.inlineAsm(t.loc);
    }
    return this.syntax("expected an expression");
  }

  // "__builtin_offsetof" "(" typename "," ident ("." ident | "[" const-expr "]")* ")"
  private offsetofExpr(): Node {
    const loc = this.next().loc;
    this.skip("(");
    let t = this.typename();
    this.skip(",");
    let offset = 0;
    for (let first = true; first || this.is(".") || this.is("["); first = false) {
      if (!first && this.consume("[")) {
        if (t.kind !== "array")
          this.error(CC.BAD_OPERANDS, loc, "subscript of a non-array in offsetof");
        const i = Number(this.constExpr());
        this.skip("]");
        t = t.base ?? ty.int;
        offset += i * t.size;
        continue;
      }
      if (!first) this.next();
      const name = this.ident();
      const path = t.kind === "struct" || t.kind === "union" ? findMember(t, name.text) : undefined;
      if (!path) {
        this.error(CC.NO_MEMBER, name.loc, `no member named '${name.text}' in '${typeName(t)}'`);
        break;
      }
      for (const m of path) offset += m.offset;
      t = path[path.length - 1]!.type;
      if (path[path.length - 1]!.bitWidth !== undefined) this.error(CC.BITFIELD_ADDRESS, name.loc, `cannot apply 'offsetof' to bit-field '${name.text}'`); // prettier-ignore
    }
    this.skip(")");
    return this.num(BigInt(offset), loc, ty.ulong);
  }

  private identifier(): Node {
    const t = this.next();
    if (t.text === "__builtin_expect" && this.is("(")) return this.builtinExpect();
    if (t.text === "__func__" || t.text === "__FUNCTION__") {
      const name = this.fn?.name ?? "";
      const bytes = [...name].map((c) => c.charCodeAt(0));
      return this.varNode(this.stringLiteral(bytes, arrayOf(ty.char, bytes.length + 1), t.loc), t.loc); // prettier-ignore
    }
    const e = this.findVar(t.text);
    if (e?.obj) return this.varNode(e.obj, t.loc);
    if (e?.enumVal !== undefined) return this.num(e.enumVal, t.loc, ty.int);
    if (e?.typedef) return this.syntax(`unexpected type name '${t.text}': expected an expression`, t); // prettier-ignore
    if (this.is("(")) {
      this.error(CC.IMPLICIT_DECL, t.loc, `call to undeclared function '${t.text}'`);
      const ft = this.undeclaredFunction(t.text, t.loc);
      return this.varNode(ft, t.loc);
    }
    this.error(CC.UNDECLARED, t.loc, `use of undeclared identifier '${t.text}'`);
    return this.num(0n, t.loc);
  }

  /** After the error, an old-style `int name()` so the call still type-checks quietly. */
  private undeclaredFunction(name: string, loc: Loc): Obj {
    const f = this.newGlobal(name, this.oldStyleInt(), loc);
    f.isFunction = true;
    return f;
  }

  protected abstract oldStyleInt(): Type;

  // "__builtin_expect" "(" assign "," assign ")" — the value of the first argument.
  private builtinExpect(): Node {
    this.skip("(");
    const n = this.assign();
    this.skip(",");
    this.assign();
    this.skip(")");
    return n;
  }

  // stmt-expr = "{" stmt* "}" — the value is the last expression statement's (GNU).
  private stmtExpr(loc: Loc): Node {
    const block = this.compoundStmt(loc);
    const n = new Node("stmtexpr", loc);
    n.body = block.body;
    const last = block.body[block.body.length - 1];
    n.type = last && last.kind === "exprstmt" ? this.valueType(last.lhs!.type!) : ty.void;
    return n;
  }
}

export function isBitField(n: Node): boolean {
  return n.kind === "member" && n.member!.bitWidth !== undefined;
}

/** The member path to `name`, looking inside anonymous struct/union members (C11 6.7.2.1p13). */
export function findMember(t: Type, name: string): Member[] | undefined {
  for (const m of t.members) {
    if (m.name === name) return [m];
    if (m.name === "" && (m.type.kind === "struct" || m.type.kind === "union")) {
      const inner = findMember(m.type, name);
      if (inner) return [m, ...inner];
    }
  }
  return undefined;
}
