// Declarations and types: declaration specifiers, declarators (chibicc's two-pass trick for
// nested declarators such as `int (*f)(int)`), struct/union layout (psABI §3.1.2: members at
// their alignment, size rounded to the largest; `packed` and `aligned(n)`), enums, typeof, and
// GNU attributes. Expression parsing comes from the subclass (./parse-expr.ts).
import type { Loc } from "../diag/index.js";
import { CC } from "../diag/codes/cc.js";
import type { Node } from "./ast.js";
import { ParserCore } from "./parse-core.js";
import type { CToken } from "./tokenize.js";
import {
  alignTo, arrayOf, bitFieldType, BITS_PER_BYTE, copyType, enumType, funcType, isInteger, pointerTo,
  ty, Type, typeName, withConst, type Member, type Param,
} from "./types.js"; // prettier-ignore

/** The code generator reads a bit-field's bytes into one 64-bit register. */
const MAX_BITFIELD_SPAN = 64;

/** GNU attributes that handler-C understands (6.7.x extensions documented by GCC). */
export interface Attrs {
  names: Set<string>;
  section?: string;
  aligned?: number;
}

export interface DeclSpec {
  type: Type;
  isTypedef: boolean;
  isStatic: boolean;
  isExtern: boolean;
  isInline: boolean;
  /** _Alignas or aligned(n) on the declaration. */
  align: number;
  attrs: Attrs;
}

export interface Declarator {
  type: Type;
  name: string;
  tok: CToken;
  /** Function declarators: the parameter names and types. */
  params: Param[];
}

const KNOWN_ATTRS = new Set([
  "section", "noinline", "always_inline", "aligned", "packed", "unused", "noreturn", "used",
  "maybe_unused", "cold", "hot", "weak", "no_instrument_function", "nonnull", "pure", "const",
  "gnu_inline", "externally_visible", "warn_unused_result", "no_stack_protector", "naked",
  "format", "noclone", "visibility", "__noinline__",
]); // prettier-ignore

const TYPE_WORDS = new Set([
  "void", "_Bool", "char", "short", "int", "long", "signed", "unsigned", "__signed__", "float",
  "double", "struct", "union", "enum", "typedef", "static", "extern", "inline", "__inline__",
  "__inline", "const", "__const", "__const__", "volatile", "__volatile__", "__volatile",
  "restrict", "__restrict", "__restrict__", "auto", "register", "_Noreturn", "_Alignas",
  "typeof", "__typeof__", "__typeof", "__attribute__", "__attribute", "_Thread_local",
  "_Atomic", "_Complex", "__extension__",
]); // prettier-ignore

/** Counters for the type-specifier multiset of 6.7.2p2, as chibicc packs them. */
const enum Spec {
  VOID = 1 << 0,
  BOOL = 1 << 2,
  CHAR = 1 << 4,
  SHORT = 1 << 6,
  INT = 1 << 8,
  LONG = 1 << 10,
  OTHER = 1 << 12,
  SIGNED = 1 << 13,
  UNSIGNED = 1 << 14,
}

export abstract class ParserDecl extends ParserCore {
  protected abstract constExpr(): bigint;
  protected abstract assign(): Node;
  protected abstract expr(): Node;

  protected isTypename(t: CToken = this.tok): boolean {
    if (t.kind === "keyword") return TYPE_WORDS.has(t.text);
    return this.findTypedef(t) !== undefined;
  }

  // declspec = ("void" | "_Bool" | "char" | "short" | "int" | "long" | "signed" | "unsigned"
  //            | struct-decl | union-decl | enum-specifier | typedef-name | typeof-specifier
  //            | storage-class | qualifier | attribute | "_Alignas" "(" ... ")")+
  protected declspec(allowStorage: boolean): DeclSpec {
    const spec: DeclSpec = { type: ty.int, isTypedef: false, isStatic: false, isExtern: false, isInline: false, align: 0, attrs: { names: new Set() } }; // prettier-ignore
    let counter = 0;
    let isConst = false;
    let given: Type | undefined;
    const start = this.tok;
    while (this.isTypename()) {
      const t = this.tok;
      if (this.storageClass(spec, allowStorage)) continue;
      if (this.qualifier()) {
        if (t.text === "const" || t.text.startsWith("__const")) isConst = true;
        continue;
      }
      if (t.text === "__attribute__" || t.text === "__attribute") {
        this.attributes(spec.attrs);
        continue;
      }
      if (t.text === "_Alignas") {
        spec.align = this.alignas();
        continue;
      }
      if (t.text === "float" || t.text === "double" || t.text === "_Complex") {
        this.error(CC.UNSUPPORTED, t.loc, "floating-point types are not supported in handler-C");
        this.next();
        counter += Spec.INT;
        continue;
      }
      if (t.text === "_Thread_local" || t.text === "_Atomic") {
        this.error(CC.UNSUPPORTED, t.loc, `${t.text} is not supported in handler-C`);
        this.next();
        continue;
      }
      const typedef = this.findTypedef(t);
      const tagged = t.text === "struct" || t.text === "union" || t.text === "enum";
      const typeofWord = t.text === "typeof" || t.text.startsWith("__typeof");
      if (typedef || tagged || typeofWord) {
        if (counter) break;
        this.next();
        if (t.text === "struct" || t.text === "union") given = this.structDecl(t.text, spec.attrs);
        else if (t.text === "enum") given = this.enumSpecifier();
        else if (typeofWord) given = this.typeofSpecifier();
        else given = typedef;
        counter += Spec.OTHER;
        continue;
      }
      counter += this.specifierBits(this.next());
      if (!this.validCombination(counter)) this.syntax("invalid combination of type specifiers", t);
    }
    if (counter === 0 && !given && !this.isTypename(start)) this.syntax("expected a type", start); // prettier-ignore
    spec.type = given ?? this.specifierType(counter);
    if (isConst) spec.type = withConst(spec.type);
    if (spec.attrs.aligned) spec.align = Math.max(spec.align, spec.attrs.aligned);
    return spec;
  }

  private storageClass(spec: DeclSpec, allowed: boolean): boolean {
    const w = this.tok.text;
    const storage = ["typedef", "static", "extern", "inline", "__inline__", "__inline", "auto", "register", "_Noreturn", "__extension__"]; // prettier-ignore
    if (!storage.includes(w)) return false;
    if (!allowed && w !== "__extension__")
      this.error(CC.BAD_STORAGE, this.tok.loc, `storage class '${w}' is not allowed here`);
    this.next();
    if (w === "typedef") spec.isTypedef = true;
    else if (w === "static") spec.isStatic = true;
    else if (w === "extern") spec.isExtern = true;
    else if (w.includes("inline")) spec.isInline = true;
    else if (w === "_Noreturn") spec.attrs.names.add("noreturn");
    return true;
  }

  private qualifier(): boolean {
    const w = this.tok.text;
    if (/^(const|volatile|restrict)$/.test(w) || /^__(const|volatile|restrict)(__)?$/.test(w)) {
      this.next();
      return true;
    }
    return false;
  }

  private specifierBits(t: CToken): number {
    switch (t.text) {
      case "void": return Spec.VOID;
      case "_Bool": return Spec.BOOL;
      case "char": return Spec.CHAR;
      case "short": return Spec.SHORT;
      case "int": return Spec.INT;
      case "long": return Spec.LONG;
      case "signed": case "__signed__": return Spec.SIGNED;
      case "unsigned": return Spec.UNSIGNED;
    } // prettier-ignore
    return this.syntax("unexpected type specifier", t);
  }

  private validCombination(c: number): boolean {
    return this.specifierType(c, true) !== undefined;
  }

  /** 6.7.2p2: the valid multisets of type specifiers. */
  private specifierType(c: number, probe = false): Type {
    const S = Spec.SIGNED;
    const U = Spec.UNSIGNED;
    const table: Record<number, Type> = {
      [Spec.VOID]: ty.void, [Spec.BOOL]: ty.bool, [Spec.CHAR]: ty.char, [S + Spec.CHAR]: ty.char,
      [U + Spec.CHAR]: ty.uchar, [Spec.SHORT]: ty.short, [Spec.SHORT + Spec.INT]: ty.short,
      [S + Spec.SHORT]: ty.short, [S + Spec.SHORT + Spec.INT]: ty.short, [U + Spec.SHORT]: ty.ushort,
      [U + Spec.SHORT + Spec.INT]: ty.ushort, [Spec.INT]: ty.int, [S]: ty.int, [S + Spec.INT]: ty.int,
      [U]: ty.uint, [U + Spec.INT]: ty.uint,
    }; // prettier-ignore
    for (const longs of [Spec.LONG, 2 * Spec.LONG]) {
      for (const extra of [0, Spec.INT]) {
        table[longs + extra] = ty.long;
        table[S + longs + extra] = ty.long;
        table[U + longs + extra] = ty.ulong;
      }
    }
    const t = table[c];
    if (!t && !probe) return ty.int;
    return t as Type;
  }

  // _Alignas "(" (typename | const-expr) ")"
  private alignas(): number {
    this.next();
    this.skip("(");
    const n = this.isTypename() ? this.typename().align : Number(this.constExpr());
    this.skip(")");
    return n;
  }

  // typeof-specifier = "(" (typename | expr) ")"
  private typeofSpecifier(): Type {
    this.skip("(");
    const t = this.isTypename() ? this.typename() : this.expr().type!;
    this.skip(")");
    return t;
  }

  // attribute = "__attribute__" "(" "(" (attr ("," attr)*)? ")" ")"
  // attr      = ident ("(" args ")")?
  protected attributes(into: Attrs): void {
    while (this.is("__attribute__") || this.is("__attribute")) {
      this.next();
      this.skip("(");
      this.skip("(");
      while (!this.is(")")) {
        this.attribute(into);
        if (!this.consume(",")) break;
      }
      this.skip(")");
      this.skip(")");
    }
  }

  private attribute(into: Attrs): void {
    const t = this.tok;
    if (t.kind !== "ident" && t.kind !== "keyword") this.syntax("expected an attribute name");
    this.next();
    const name = t.text.replace(/^__(.*)__$/, "$1");
    if (!KNOWN_ATTRS.has(name)) this.diags.warning(CC.UNKNOWN_ATTRIBUTE, t.loc, `'${t.text}' attribute ignored`); // prettier-ignore
    into.names.add(name);
    if (!this.consume("(")) {
      if (name === "aligned") into.aligned = 16; // GCC: the largest alignment the target uses
      return;
    }
    if (name === "section") {
      if (this.tok.kind !== "str")
        this.error(CC.BAD_ATTRIBUTE, this.tok.loc, "section attribute needs a string"); // prettier-ignore
      else into.section = String.fromCharCode(...this.tok.bytes!);
      this.next();
    } else if (name === "aligned") {
      const at = this.tok.loc;
      const n = Number(this.constExpr());
      if (n <= 0 || (n & (n - 1)) !== 0)
        this.error(CC.BAD_ATTRIBUTE, at, "requested alignment is not a positive power of 2"); // prettier-ignore
      else into.aligned = n;
    } else {
      this.skipBalanced();
      return;
    }
    this.skip(")");
  }

  /** Skip arguments we ignore (format(printf, 1, 2), visibility("hidden")) up to ")". */
  private skipBalanced(): void {
    let level = 1;
    while (level > 0 && this.tok.kind !== "eof") {
      if (this.is("(")) level++;
      if (this.is(")")) level--;
      this.next();
    }
  }

  // pointers = ("*" ("const" | "volatile" | "restrict" | attribute)*)*
  private pointers(t: Type): Type {
    while (this.consume("*")) {
      t = pointerTo(t);
      for (;;) {
        if (this.is("const") || this.is("__const")) {
          this.next();
          t = withConst(t);
        } else if (this.qualifier()) continue;
        else if (this.is("__attribute__")) this.attributes({ names: new Set() });
        else break;
      }
    }
    return t;
  }

  // declarator = pointers ("(" declarator ")" | ident)? type-suffix
  protected declarator(base: Type, attrs?: Attrs): Declarator {
    let t = this.pointers(base);
    if (this.is("(") && !this.isTypename(this.peek()) && !this.isAt(1, ")")) {
      // `(` declarator `)`: parse the suffix after the parenthesis first, then come back.
      const start = this.pos;
      this.next();
      this.skipParenthesised();
      const outer = this.typeSuffix(t);
      const end = this.pos;
      this.pos = start + 1;
      const d = this.declarator(outer.type, attrs);
      this.skip(")");
      this.pos = end;
      return d;
    }
    const tok = this.tok;
    let name = "";
    if (tok.kind === "ident") {
      name = tok.text;
      this.next();
    }
    if (attrs && this.is("__attribute__")) this.attributes(attrs);
    const s = this.typeSuffix(t);
    if (attrs && this.is("__attribute__")) this.attributes(attrs);
    return { type: s.type, name, tok, params: s.params };
  }

  /** Skip to just after the `)` matching an already consumed `(`. */
  private skipParenthesised(): void {
    let level = 1;
    while (level > 0) {
      if (this.tok.kind === "eof") this.syntax("expected ')'");
      if (this.is("(")) level++;
      else if (this.is(")")) level--;
      this.next();
    }
  }

  // type-suffix = "(" func-params | "[" array-dimensions | ε
  private typeSuffix(t: Type): { type: Type; params: Param[] } {
    if (this.consume("(")) return this.funcParams(t);
    if (this.is("[")) return { type: this.arrayDimensions(t), params: [] };
    return { type: t, params: [] };
  }

  // array-dimensions = "[" ("static" | "const")* const-expr? "]" type-suffix
  private arrayDimensions(t: Type): Type {
    const open = this.skip("[");
    while (this.is("static") || this.is("const")) this.next();
    let len = -1;
    if (!this.is("]")) {
      const e = this.assign();
      const v = this.tryEval(e);
      if (v === undefined) {
        this.error(
          CC.UNSUPPORTED,
          open.loc,
          "variable-length arrays are not supported in handler-C",
        );
        len = 1;
      } else if (v < 0n) {
        this.error(CC.NEGATIVE_ARRAY, open.loc, "size of array is negative");
        len = 1;
      } else len = Number(v);
    }
    this.skip("]");
    const inner = this.typeSuffix(t).type;
    if (inner.kind === "array" && inner.len < 0) this.error(CC.INCOMPLETE_TYPE, open.loc, "array has incomplete element type"); // prettier-ignore
    if (inner.kind === "func") this.error(CC.BAD_STORAGE, open.loc, "declaration of an array of functions"); // prettier-ignore
    return arrayOf(inner, len);
  }

  protected abstract tryEval(e: Node): bigint | undefined;

  // func-params = ("void" | param ("," param)* ("," "...")?)? ")"
  // param       = declspec declarator
  private funcParams(ret: Type): { type: Type; params: Param[] } {
    const ft = funcType(ret);
    if (ret.kind === "func" || ret.kind === "array")
      this.error(CC.BAD_STORAGE, this.tok.loc, `function cannot return ${ret.kind === "func" ? "a function" : "an array"}`); // prettier-ignore
    if (this.is("void") && this.isAt(1, ")")) {
      this.next();
      this.next();
      return { type: ft, params: [] };
    }
    if (this.consume(")")) {
      ft.oldStyle = true;
      return { type: ft, params: [] };
    }
    const params: Param[] = [];
    for (;;) {
      if (this.consume("...")) {
        ft.variadic = true;
        break;
      }
      if (this.tok.kind === "ident" && !this.isTypename())
        this.diags.fatal(CC.UNSUPPORTED, this.tok.loc, "K&R-style parameter lists are not supported in handler-C"); // prettier-ignore
      const spec = this.declspec(false);
      const d = this.declarator(spec.type, spec.attrs);
      let t = d.type;
      // 6.7.6.3p7-8: array and function parameters adjust to pointers.
      if (t.kind === "array") t = pointerTo(t.base!);
      else if (t.kind === "func") t = pointerTo(t);
      if (t.kind === "void") this.error(CC.INCOMPLETE_TYPE, d.tok.loc, "parameter has incomplete type 'void'"); // prettier-ignore
      params.push({ name: d.name, type: t, loc: d.tok.loc });
      if (!this.consume(",")) break;
    }
    this.skip(")");
    ft.params = params;
    return { type: ft, params };
  }

  // typename = declspec abstract-declarator
  protected typename(): Type {
    const spec = this.declspec(false);
    return this.declarator(spec.type).type;
  }

  // struct-decl = attribute* ident? ("{" struct-members "}" attribute*)?
  private structDecl(kind: "struct" | "union", outer: Attrs): Type {
    const attrs: Attrs = { names: new Set() };
    this.attributes(attrs);
    let tagTok: CToken | undefined;
    if (this.tok.kind === "ident") tagTok = this.next();
    if (tagTok && !this.is("{")) {
      const found = this.findTag(tagTok.text);
      if (found) {
        if (found.kind !== kind) this.error(CC.REDEFINED, tagTok.loc, `'${tagTok.text}' defined as the wrong kind of tag`); // prettier-ignore
        return found;
      }
      const t = new Type(kind, 0, 1);
      t.incomplete = true;
      t.tag = tagTok.text;
      this.declareTag(tagTok.text, t);
      return t;
    }
    this.skip("{");
    let t: Type;
    const existing = tagTok ? this.findTag(tagTok.text, true) : undefined;
    if (existing && existing.incomplete && existing.kind === kind) t = existing;
    else {
      if (existing) this.error(CC.REDEFINED, tagTok!.loc, `redefinition of '${kind} ${tagTok!.text}'`); // prettier-ignore
      t = new Type(kind, 0, 1);
      t.tag = tagTok?.text ?? "";
      if (tagTok) this.declareTag(tagTok.text, t);
    }
    t.members = this.structMembers();
    this.attributes(attrs);
    for (const n of outer.names) if (n === "packed") attrs.names.add(n); // `struct __attribute__((packed)) s` after the keyword
    t.packed = attrs.names.has("packed");
    if (kind === "struct") this.layoutStruct(t, attrs.aligned ?? 0);
    else this.layoutUnion(t, attrs.aligned ?? 0);
    t.incomplete = false;
    return t;
  }

  // struct-members = (declspec declarator ("," declarator)* ";")* "}"
  private structMembers(): Member[] {
    const members: Member[] = [];
    while (!this.consume("}")) {
      if (this.tok.kind === "eof") this.syntax("expected '}'");
      const spec = this.declspec(false);
      // C11 6.7.2.1p13: an anonymous struct or union member.
      if ((spec.type.kind === "struct" || spec.type.kind === "union") && this.consume(";")) {
        members.push({ name: "", type: spec.type, offset: spec.align, loc: this.tok.loc });
        continue;
      }
      do {
        const attrs: Attrs = { names: new Set() };
        const d = this.declarator(spec.type, attrs);
        if (this.is(":")) {
          members.push(this.bitField(d));
          this.attributes(attrs);
          continue;
        }
        this.attributes(attrs);
        if (d.type.kind === "func") this.error(CC.BAD_STORAGE, d.tok.loc, `field '${d.name}' declared as a function`); // prettier-ignore
        if (d.type.incomplete || d.type.kind === "void") this.error(CC.INCOMPLETE_TYPE, d.tok.loc, `field '${d.name}' has incomplete type`); // prettier-ignore
        // offset temporarily holds a requested alignment; layout replaces it.
        members.push({ name: d.name, type: d.type, offset: Math.max(spec.align, attrs.aligned ?? 0), loc: d.tok.loc }); // prettier-ignore
      } while (this.consume(","));
      this.skip(";");
    }
    return members;
  }

  // bit-field = declarator? ":" const-expr   (6.7.2.1p9-12)
  private bitField(d: Declarator): Member {
    const at = this.next().loc;
    const width = this.constExpr();
    const t = d.type;
    const bits = t.kind === "bool" ? 1 : t.size * BITS_PER_BYTE;
    let w = Number(width);
    if (!isInteger(t)) {
      this.error(CC.BAD_BITFIELD, d.tok.loc, `bit-field '${d.name || "<unnamed>"}' has invalid type '${typeName(t)}'`); // prettier-ignore
      w = 1;
    } else if (width < 0n || width > BigInt(bits)) {
      this.error(CC.BAD_BITFIELD, at, `width of bit-field '${d.name || "<unnamed>"}' (${width}) ${width < 0n ? "is negative" : `exceeds its type (${bits} bits)`}`); // prettier-ignore
      w = 1;
    } else if (width === 0n && d.name) {
      this.error(CC.BAD_BITFIELD, at, `zero width for bit-field '${d.name}'`);
      w = 1;
    }
    const type = bitFieldType(isInteger(t) ? t : ty.int, w);
    return { name: d.name, type, offset: 0, loc: d.name ? d.tok.loc : at, bitWidth: w }; // prettier-ignore
  }

  /**
   * psABI §3.1.2: each member at the next multiple of its alignment (1 when packed). Bit-fields
   * (psABI "Bit-Fields", as GCC lays them out on x86-64) are allocated from the current bit;
   * one that would cross a boundary of its declared type's storage unit starts the next unit
   * instead (not in a packed struct); `:0` skips to the next unit; a named bit-field aligns
   * the struct as its declared type does, an unnamed one does not.
   */
  private layoutStruct(t: Type, aligned: number): void {
    let bits = 0;
    let align = 1;
    for (const m of t.members) {
      const a = this.memberAlign(t, m);
      if (m.bitWidth !== undefined) {
        bits = this.placeBitField(t, m, bits);
        if (m.name) align = Math.max(align, a);
        continue;
      }
      const offset = alignTo(Math.ceil(bits / BITS_PER_BYTE), a);
      m.offset = offset;
      bits = (offset + (m.type.len < 0 && m.type.kind === "array" ? 0 : m.type.size)) * BITS_PER_BYTE; // prettier-ignore
      align = Math.max(align, a);
    }
    t.align = Math.max(align, aligned);
    t.size = alignTo(Math.ceil(bits / BITS_PER_BYTE), t.align);
    t.members = t.members.filter((m) => m.name !== "" || m.bitWidth === undefined);
  }

  /** Place bit-field m at or after bit `bits`; returns the next free bit. */
  private placeBitField(t: Type, m: Member, bits: number): number {
    const w = m.bitWidth!;
    const unit = m.type.size * BITS_PER_BYTE;
    if (w === 0) bits = alignTo(bits, unit);
    else if (!t.packed && Math.floor(bits / unit) !== Math.floor((bits + w - 1) / unit))
      bits = alignTo(bits, unit);
    m.offset = Math.floor(bits / BITS_PER_BYTE);
    m.bitOffset = bits % BITS_PER_BYTE;
    if (m.bitOffset + w > MAX_BITFIELD_SPAN)
      this.error(CC.BAD_BITFIELD, m.loc, `bit-field '${m.name}' spans more than 8 bytes in a packed structure`); // prettier-ignore
    return bits + w;
  }

  private layoutUnion(t: Type, aligned: number): void {
    let size = 0;
    let align = 1;
    for (const m of t.members) {
      m.offset = 0;
      if (m.bitWidth !== undefined) {
        m.bitOffset = 0;
        if (m.name) align = Math.max(align, this.memberAlign(t, m));
        size = Math.max(size, Math.ceil(m.bitWidth / BITS_PER_BYTE));
        continue;
      }
      align = Math.max(align, this.memberAlign(t, m));
      size = Math.max(size, m.type.size);
    }
    t.align = Math.max(align, aligned);
    t.size = alignTo(size, t.align);
    t.members = t.members.filter((m) => m.name !== "" || m.bitWidth === undefined);
  }

  private memberAlign(t: Type, m: Member): number {
    const requested = m.offset;
    return Math.max(t.packed ? 1 : m.type.align, requested);
  }

  // enum-specifier = ident? "{" enum-list? "}" | ident
  // enum-list      = ident ("=" const-expr)? ("," ident ("=" const-expr)?)* ","?
  private enumSpecifier(): Type {
    let tagTok: CToken | undefined;
    if (this.tok.kind === "ident") tagTok = this.next();
    if (tagTok && !this.is("{")) {
      const found = this.findTag(tagTok.text);
      if (found) return found;
      const t = enumType();
      t.tag = tagTok.text;
      t.unsigned = true;
      this.declareTag(tagTok.text, t);
      return t;
    }
    this.skip("{");
    const t = enumType();
    t.tag = tagTok?.text ?? "";
    let val = 0n;
    let anyNegative = false;
    const consts: VarEntry[] = [];
    while (!this.consume("}")) {
      const name = this.ident();
      if (this.consume("=")) val = BigInt.asIntN(64, this.constExpr());
      if (val < 0n) anyNegative = true;
      if (this.declaredHere(name.text)) this.error(CC.REDEFINED, name.loc, `redefinition of '${name.text}'`); // prettier-ignore
      const entry: VarEntry = { enumVal: val, enumType: ty.int };
      consts.push(entry);
      this.declareVar(name.text, entry);
      val++;
      if (!this.consume(",")) {
        this.skip("}");
        break;
      }
    }
    // GCC: an enum with no negative value is compatible with unsigned int.
    t.unsigned = !anyNegative;
    if (tagTok) this.declareTag(tagTok.text, t);
    void consts;
    return t;
  }

  /** `typedef` names: the declarator's type, attributes (aligned, packed) applied to a copy. */
  protected typedefType(t: Type, attrs: Attrs): Type {
    if (!attrs.aligned) return t;
    const c = copyType(t);
    c.align = Math.max(c.align, attrs.aligned);
    return c;
  }

  protected checkComplete(t: Type, loc: Loc, what: string): void {
    if (t.incomplete || (t.kind === "void" && what !== "")) this.error(CC.INCOMPLETE_TYPE, loc, `${what} has incomplete type '${t.kind === "void" ? "void" : `${t.kind} ${t.tag}`}'`); // prettier-ignore
  }

  protected isIntegerType(t: Type): boolean {
    return isInteger(t);
  }
}

type VarEntry = import("./parse-core.js").VarEntry;
