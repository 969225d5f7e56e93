// Initialisers (C11 6.7.9): braces, brace elision, designators (`[i] =`, `.m =`, chained), string
// literals for char arrays, and arrays of unknown size. An initialiser is parsed into a tree that
// mirrors the object; a local becomes a zero-fill plus one assignment per initialised leaf, a
// static object becomes bytes plus relocations (address constants, 6.6p9).
import type { Loc } from "../diag/index.js";
import { CC } from "../diag/codes/cc.js";
import { newObj, Node, type Obj, type Relocation } from "./ast.js";
import { normalize } from "./eval.js";
import { ParserExpr } from "./parse-expr.js";
import { findMember } from "./parse-expr.js";
import { arrayOf, BITS_PER_BYTE, isInteger, type Member, type Type, typeName, unqual } from "./types.js"; // prettier-ignore

export class Initializer {
  expr: Node | undefined;
  children: Initializer[] = [];
  /** Unions: the member being initialised. */
  member: Member | undefined;
  constructor(
    public type: Type,
    /** An array of unknown size whose length the initialiser decides (6.7.9p22). */
    readonly flexible: boolean,
  ) {
    if (type.kind === "array" && type.len > 0)
      for (let i = 0; i < type.len; i++) this.children.push(new Initializer(type.base!, false));
    if (type.kind === "struct" || type.kind === "union")
      for (const m of type.members) this.children.push(new Initializer(m.type, false));
  }

  /** Element i of an array; grows an array of unknown size. */
  element(i: number): Initializer | undefined {
    if (this.flexible) while (this.children.length <= i) this.children.push(new Initializer(this.type.base!, false)); // prettier-ignore
    return this.children[i];
  }
}

/** Hard limit on designator indices of unknown-size arrays, so bad input cannot exhaust memory. */
const MAX_FLEXIBLE_ELEMENTS = 1 << 20;

export abstract class ParserInit extends ParserExpr {
  /** Parse the initialiser for an object of type `t`; the result's type has its final length. */
  protected initializer(t: Type): Initializer {
    const init = new Initializer(t, t.kind === "array" && t.len < 0);
    this.initializer2(init);
    if (init.flexible) init.type = arrayOf(t.base!, init.children.length);
    return init;
  }

  // initializer = string-initializer | array-initializer | struct-initializer
  //             | union-initializer | assign
  private initializer2(init: Initializer): void {
    this.enter();
    const t = init.type;
    if (t.kind === "array" && this.tok.kind === "str" && isCharLike(t.base!)) this.stringInit(init);
    else if (t.kind === "array" && this.is("{") && this.isAt(1, "}") === false && this.peek().kind === "str" && isCharLike(t.base!) && this.isAt(2, "}")) {
      this.next();
      this.stringInit(init);
      this.skip("}");
    } // prettier-ignore
    else if (t.kind === "array") this.is("{") ? this.arrayInit1(init) : this.arrayInit2(init, 0);
    else if ((t.kind === "struct" || t.kind === "union") && !this.is("{") && this.wholeObject(init)) return this.leave(); // prettier-ignore
    else if (t.kind === "struct") this.is("{") ? this.structInit1(init) : this.structInit2(init, 0); // prettier-ignore
    else if (t.kind === "union") this.unionInit(init);
    else if (this.consume("{")) {
      // 6.7.9p11: a scalar initialiser may be enclosed in braces.
      init.expr = this.assign();
      this.consume(",");
      this.skip("}");
    } else init.expr = this.assign();
    this.leave();
  }

  /**
   * 6.7.9p13: a structure may be initialised by an expression of its own type; otherwise the
   * tokens are re-read as the first member's initialiser (brace elision).
   */
  private wholeObject(init: Initializer): boolean {
    const start = this.pos;
    const e = this.assign();
    if (unqual(e.type!) === unqual(init.type)) {
      init.expr = e;
      return true;
    }
    this.pos = start;
    return false;
  }

  // string-initializer = string-literal
  private stringInit(init: Initializer): void {
    const tok = this.next();
    const bytes = [...tok.bytes!, 0];
    const n = init.flexible ? bytes.length : Math.min(init.type.len, bytes.length);
    for (let i = 0; i < n; i++) init.element(i)!.expr = this.num(BigInt(bytes[i]!), tok.loc);
  }

  // array-initializer1 = "{" (designation | initializer) ("," (designation | initializer))* ","? "}"
  private arrayInit1(init: Initializer): void {
    this.skip("{");
    let i = 0;
    let first = true;
    while (!this.endOfList(first)) {
      first = false;
      if (this.is("[")) {
        const [lo, hi] = this.arrayDesignator(init);
        this.designation(init.element(lo));
        this.repeat(init, lo, hi);
        i = hi + 1;
        continue;
      }
      const child = init.element(i);
      if (child) this.initializer2(child);
      else this.skipExcess(init);
      i++;
    }
  }

  // array-initializer2 = initializer ("," initializer)*   (brace elision, 6.7.9p20)
  private arrayInit2(init: Initializer, start: number): void {
    const len = init.flexible ? Infinity : init.type.len;
    for (let i = start; i < len && !this.is("}"); i++) {
      if (i > start && !this.consumeCommaBeforeElement()) return;
      if (this.is("[") || this.is(".")) return;
      this.initializer2(init.element(i)!);
    }
  }

  // struct-initializer1 = "{" (designation | initializer) ("," ...)* ","? "}"
  private structInit1(init: Initializer): void {
    this.skip("{");
    let i = 0;
    let first = true;
    while (!this.endOfList(first)) {
      first = false;
      if (this.is(".")) {
        const path = this.memberDesignator(init.type);
        if (!path) continue;
        i = init.type.members.indexOf(path[0]!);
        this.designatePath(init.children[i]!, path.slice(1));
        i++;
        continue;
      }
      const child = init.children[i];
      if (child) this.initializer2(child);
      else this.skipExcess(init);
      i++;
    }
  }

  // struct-initializer2 = initializer ("," initializer)*   (brace elision)
  private structInit2(init: Initializer, start: number): void {
    for (let i = start; i < init.children.length && !this.is("}"); i++) {
      if (i > start && !this.consumeCommaBeforeElement()) return;
      if (this.is("[") || this.is(".")) return;
      this.initializer2(init.children[i]!);
    }
  }

  // union-initializer = "{" ("." ident "=")? initializer ","? "}" | initializer
  private unionInit(init: Initializer): void {
    const members = init.type.members;
    if (!this.is("{")) {
      init.member = members[0];
      if (init.member) this.initializer2(init.children[0]!);
      return;
    }
    this.next();
    if (this.is(".")) {
      const path = this.memberDesignator(init.type);
      if (path) {
        const i = members.indexOf(path[0]!);
        init.member = members[i];
        this.designatePath(init.children[i]!, path.slice(1));
      }
    } else if (!this.is("}")) {
      init.member = members[0];
      if (init.member) this.initializer2(init.children[0]!);
    }
    this.consume(",");
    this.skip("}");
  }

  /** Handles `,` between elements and the closing `}`; true at the end of the list. */
  private endOfList(first: boolean): boolean {
    if (this.consume("}")) return true;
    if (!first) {
      this.skip(",");
      if (this.consume("}")) return true;
    }
    if (this.tok.kind === "eof") this.syntax("expected '}'");
    return false;
  }

  /** Inside brace elision: a `,` followed by another element (not `}`) continues the list. */
  private consumeCommaBeforeElement(): boolean {
    if (!this.is(",") || this.isAt(1, "}")) return false;
    this.next();
    return true;
  }

  private skipExcess(init: Initializer): void {
    this.diags.warning(CC.INT_CONVERSION, this.tok.loc, `excess elements in ${init.type.kind} initializer`); // prettier-ignore
    const dummy = new Initializer(init.type.kind === "array" ? init.type.base! : init.type, false);
    this.initializer2(dummy);
  }

  // "[" const-expr ("..." const-expr)? "]"   (the range form is GNU's)
  private arrayDesignator(init: Initializer): [number, number] {
    const open = this.skip("[");
    const lo = this.designatorIndex(init, open.loc);
    const hi = this.consume("...") ? this.designatorIndex(init, open.loc) : lo;
    this.skip("]");
    if (hi < lo) this.error(CC.BAD_INITIALIZER, open.loc, "empty index range in initializer");
    return [lo, Math.max(lo, hi)];
  }

  private designatorIndex(init: Initializer, loc: Loc): number {
    const i = Number(BigInt.asIntN(64, this.constExpr()));
    const limit = init.flexible ? MAX_FLEXIBLE_ELEMENTS : init.type.len;
    if (i >= 0 && i < limit) return i;
    this.error(CC.BAD_INITIALIZER, loc, `array index ${i} in initializer exceeds array bounds`);
    return init.flexible ? 0 : Math.max(0, limit - 1);
  }

  /** `[lo ... hi] = x`: every element of the range gets element lo's initialiser. */
  private repeat(init: Initializer, lo: number, hi: number): void {
    const first = init.element(lo);
    for (let i = lo + 1; i <= hi && first; i++) {
      const target = init.element(i);
      if (target) copyInit(first, target);
    }
  }

  // "." ident — the member path (through anonymous members)
  private memberDesignator(t: Type): Member[] | undefined {
    this.skip(".");
    const name = this.ident();
    const path = findMember(t, name.text);
    if (!path) this.error(CC.NO_MEMBER, name.loc, `no member named '${name.text}' in '${typeName(t)}'`); // prettier-ignore
    return path;
  }

  /** Walk anonymous members of a designator path, then the designation proper. */
  private designatePath(init: Initializer, rest: Member[]): void {
    let cur = init;
    for (const m of rest) {
      const idx = cur.type.members.indexOf(m);
      if (cur.type.kind === "union") cur.member = m;
      cur = cur.children[idx]!;
    }
    this.designation(cur);
  }

  // designation = ("[" const-expr "]" | "." ident)* "="? initializer
  private designation(init: Initializer | undefined): void {
    if (!init) return this.syntax("bad designator");
    if (this.is("[")) {
      if (init.type.kind !== "array") this.syntax("array index in non-array initializer");
      const [lo, hi] = this.arrayDesignator(init);
      this.designation(init.element(lo));
      this.repeat(init, lo, hi);
      this.arrayInit2(init, hi + 1);
      return;
    }
    if (this.is(".")) {
      if (init.type.kind !== "struct" && init.type.kind !== "union") this.syntax("field name not in record or union initializer"); // prettier-ignore
      const path = this.memberDesignator(init.type);
      if (!path) return;
      const i = init.type.members.indexOf(path[0]!);
      if (init.type.kind === "union") init.member = path[0];
      this.designatePath(init.children[i]!, path.slice(1));
      if (init.type.kind === "struct") this.structInit2(init, i + 1);
      return;
    }
    this.skip("=");
    this.initializer2(init);
  }

  // ---- locals: zero-fill, then one assignment per initialised leaf

  protected localInit(v: Obj, init: Initializer, loc: Loc): Node {
    const zero = new Node("memzero", loc);
    zero.obj = v;
    zero.type = v.type;
    const assigns: Node[] = [];
    this.leafAssigns(init, () => this.varNode(v, loc), assigns, loc);
    let n = zero;
    for (const a of assigns) n = this.binaryNode("comma", n, a, loc, a.type!);
    return n;
  }

  private leafAssigns(init: Initializer, target: () => Node, out: Node[], loc: Loc): void {
    const t = init.type;
    if (t.kind === "array") {
      init.children.forEach((c, i) => this.leafAssigns(c, () => this.deref(this.add(target(), this.num(BigInt(i), loc), loc), loc), out, loc)); // prettier-ignore
      return;
    }
    if (t.kind === "struct" || t.kind === "union") {
      if (init.expr) {
        out.push(this.assignNode(target(), init.expr, loc, true));
        return;
      }
      t.members.forEach((m, i) => {
        if (t.kind === "union" && m !== init.member) return;
        this.leafAssigns(init.children[i]!, () => this.memberNode(target(), m, loc), out, loc);
      });
      return;
    }
    if (init.expr) out.push(this.assignNode(target(), init.expr, loc, true));
  }

  // ---- compound literals (6.5.2.5)

  /**
   * `( type ) { ... }` after the `)`: an unnamed object initialised by the list — automatic in
   * a function (initialised each time it is evaluated), static at file scope (6.5.2.5p5). The
   * node is an lvalue whose address is the object's.
   */
  protected compoundLiteral(t: Type, loc: Loc): Node {
    if (t.kind === "func" || t.kind === "void" || t.incomplete)
      this.error(CC.BAD_INITIALIZER, loc, `compound literal has invalid type '${typeName(t)}'`); // prettier-ignore
    const init = this.initializer(t);
    const n = new Node("complit", loc);
    n.type = init.type;
    if (!this.fn) {
      const v = newObj(this.uniqueName("__compound_literal"), init.type, loc);
      v.asmName = `.L${v.name}`;
      v.isStatic = true;
      v.isDefinition = true;
      this.globals.push(v);
      this.staticInit(v, init);
      n.rhs = this.varNode(v, loc);
      return n;
    }
    const v = this.newLocal("", init.type, loc);
    n.lhs = this.localInit(v, init, loc);
    n.rhs = this.varNode(v, loc);
    return n;
  }

  // ---- static objects: bytes and relocations

  protected staticInit(v: Obj, init: Initializer): void {
    const buf = new Uint8Array(v.type.size);
    const relocs: Relocation[] = [];
    this.writeData(init, buf, 0, relocs);
    v.initData = buf;
    v.relocs = relocs;
  }

  private writeBits(init: Initializer, m: Member, buf: Uint8Array, at: number): void {
    if (!init.expr) return;
    const e = this.convertForAssign(m.type, init.expr, init.expr.loc, "initializing");
    const v = this.evalConstant(e);
    if (!v) return;
    if (v.label !== undefined) {
      this.error(CC.NOT_CONSTANT, e.loc, "initializer element is not computable at load time");
      return;
    }
    mergeBits(buf, at, m, v.val);
  }

  private writeData(
    init: Initializer,
    buf: Uint8Array,
    offset: number,
    relocs: Relocation[],
  ): void {
    const t = init.type;
    if (t.kind === "array") {
      init.children.forEach((c, i) => this.writeData(c, buf, offset + i * t.base!.size, relocs));
      return;
    }
    if ((t.kind === "struct" || t.kind === "union") && !init.expr) {
      t.members.forEach((m, i) => {
        if (t.kind === "union" && m !== init.member) return;
        const child = init.children[i]!;
        if (m.bitWidth !== undefined) this.writeBits(child, m, buf, offset + m.offset);
        else this.writeData(child, buf, offset + m.offset, relocs);
      });
      return;
    }
    if (!init.expr) return;
    if (t.kind === "struct" || t.kind === "union") {
      // GNU: a file-scope compound literal of the same type initialises a static structure.
      const lit = init.expr.kind === "complit" && !init.expr.lhs ? init.expr.rhs!.obj! : undefined;
      if (!lit || unqual(lit.type) !== unqual(t) || !lit.initData) {
        this.error(CC.NOT_CONSTANT, init.expr.loc, "initializer element is not a compile-time constant"); // prettier-ignore
        return;
      }
      buf.set(lit.initData.subarray(0, t.size), offset);
      for (const r of lit.relocs) relocs.push({ ...r, offset: r.offset + offset });
      return;
    }
    const e = this.convertForAssign(t, init.expr, init.expr.loc, "initializing");
    const v = this.evalConstant(e);
    if (!v) return;
    if (v.label !== undefined) {
      if (t.size !== 8) this.error(CC.NOT_CONSTANT, e.loc, "initializer element is not computable at load time"); // prettier-ignore
      relocs.push({ offset, label: v.label, addend: v.val });
      return;
    }
    writeInt(buf, offset, normalize(v.val, t), t.size);
  }
}

/** Merge a bit-field's constant value into the bytes from its first byte (6.7.2.1p11). */
function mergeBits(buf: Uint8Array, at: number, m: Member, v: bigint): void {
  const w = BigInt(m.bitWidth!);
  const shift = BigInt(m.bitOffset ?? 0);
  const mask = ((1n << w) - 1n) << shift;
  const bytes = Math.ceil(Number(shift + w) / BITS_PER_BYTE);
  let word = 0n;
  for (let i = bytes - 1; i >= 0; i--) word = (word << 8n) | BigInt(buf[at + i] ?? 0);
  word = (word & ~mask) | ((BigInt.asUintN(64, v) << shift) & mask);
  writeInt(buf, at, word, bytes);
}

function copyInit(from: Initializer, to: Initializer): void {
  to.expr = from.expr;
  to.member = from.member;
  from.children.forEach((c, i) => {
    const t = to.children[i];
    if (t) copyInit(c, t);
  });
}

function isCharLike(t: Type): boolean {
  return isInteger(t) && t.size === 1;
}

function writeInt(buf: Uint8Array, offset: number, v: bigint, size: number): void {
  let x = BigInt.asUintN(64, v);
  for (let i = 0; i < size && offset + i < buf.length; i++) {
    buf[offset + i] = Number(x & 0xffn);
    x >>= 8n;
  }
}
