// Expressions and lvalues of a random program (./gen.ts). Reads and writes go through "objects"
// (variables, array elements, members, targets of pointers), each knowing the roots it may
// touch, so a statement that modifies a root inside an expression never reads it elsewhere
// (no unsequenced access, 6.5p2). Calls inside expressions only reach functions that read no
// mutable global, so evaluation order (unspecified, 6.5.2.2p10) cannot change a result.
import { isStruct, type BinOp, type Expr, type StructType, type Ty } from "./ast.js";
import { BOOL, INT, LONG, UINT, ULONG, bitInt, common, literal, maxOf, minOf, promote, unsignedOf, wrap, type IntType } from "./types.js"; // prettier-ignore

export interface Rng {
  int(n: number): number;
  chance(p: number): boolean;
  pick<T>(a: readonly T[]): T;
}

/** A seeded xorshift-multiply generator (mulberry32): the same seed gives the same program. */
export function rng(seed: number): Rng {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 15), z | 1);
    z ^= z + Math.imul(z ^ (z >>> 7), z | 61);
    return ((z ^ (z >>> 14)) >>> 0) / 0x100000000;
  };
  return {
    int: (n) => Math.floor(next() * n),
    chance: (pr) => next() < pr,
    pick: (a) => a[Math.floor(next() * a.length)]!,
  };
}

export type Field =
  | { name: string; kind: "scalar"; t: IntType }
  | { name: string; kind: "bf"; t: IntType; width: number }
  | { name: string; kind: "arr"; t: IntType; len: number }
  | { name: string; kind: "struct"; st: SInfo };

export interface SInfo extends StructType {
  fields: Field[];
}

/** Something that can be read (and maybe written): its C text and what it is. */
export interface Obj {
  base: string;
  /** `inner`: a two-dimensional array `t base[len][inner]`. */
  ty: { k: "scalar"; t: IntType } | { k: "arr"; t: IntType; len: number; inner?: number } | { k: "struct"; st: SInfo } | { k: "sarr"; st: SInfo; len: number }; // prettier-ignore
  roots: string[];
  writable: boolean;
}

export interface FnInfo {
  name: string;
  kind: "pure" | "impure" | "sret";
  ret: Ty;
  params: { name: string; ty: Ty }[];
  cost: number;
}

export interface Ctx {
  r: Rng;
  fn: FnInfo;
  objs: Obj[];
  /** Roots a pending side effect of this statement touches: nothing else may read them. */
  excluded: Set<string>;
  pendingMut?: Expr;
  /** Functions callable inside expressions (pure ones, scalar or structure results). */
  callees: FnInfo[];
  budget: { left: number };
  mult: number;
  types: IntType[];
  /** GCC's N-bit types the program names (sbfN, ubfN): casts may use them too. */
  wide: IntType[];
}

/** A scalar lvalue: its expression and what may be done to it. */
export interface LV {
  e: Expr;
  /** The declared type (the bit-field's, for a bit-field). */
  decl: IntType;
  /** Width of a bit-field, else undefined. */
  width?: number;
}

const MAX_DEPTH = 4;

function visible(ctx: Ctx, o: Obj): boolean {
  return o.roots.every((r) => !ctx.excluded.has(r));
}

/** Values that find bugs: the edges of each type, powers of two around them, small numbers. */
export function interesting(r: Rng, t: IntType): bigint {
  const lo = minOf(t);
  const hi = maxOf(t);
  switch (r.int(6)) {
    case 0:
      return r.pick([lo, hi, 0n, 1n, wrap(-1n, t), wrap(hi - 1n, t), wrap(lo + 1n, t)]);
    case 1:
      return wrap((1n << BigInt(r.int(t.bits))) + BigInt(r.int(3) - 1), t);
    case 2:
      return wrap(BigInt(r.int(0x100000000)) * 0x100000000n + BigInt(r.int(0x100000000)), t);
    default:
      return wrap(BigInt(r.int(200) - 100), t);
  }
}

/** An interesting constant of type t, spelled as C. */
export function literalOf(r: Rng, t: IntType): string {
  return literal(interesting(r, t), t, r.chance(0.3));
}

export function lit(r: Rng, t: IntType): Expr {
  return { k: "lit", t, v: interesting(r, t), hex: r.chance(0.3), kids: [] };
}

export function cast(t: Ty, e: Expr): Expr {
  return { k: "cast", t, kids: [e] };
}

/** An index expression, masked by the printer's template. */
function index(ctx: Ctx, depth: number): Expr {
  return ctx.r.chance(0.5) ? lit(ctx.r, ctx.r.pick([INT, BOOL, LONG])) : genExpr(ctx, depth + 2);
}

function readField(f: Field): IntType {
  if (f.kind !== "bf") return f.kind === "scalar" || f.kind === "arr" ? f.t : INT;
  // GCC: a bit-field narrower than int reads as int; an int-sized one keeps its type.
  if (f.t.rank === 0) return f.t;
  if (f.width < 32) return INT;
  if (f.width === 32) return f.t.signed ? INT : UINT;
  // A wider `long` one has GCC's type of its own width.
  return f.width < f.t.bits ? bitInt(f.width, f.t.signed) : f.t;
}

type Spelling = "[]" | "*(a+i)" | "i[a]" | "(a+1)[i-1]" | "*(a+n-i)";

function spelling(ctx: Ctx): Spelling {
  const r = ctx.r;
  return r.chance(0.6) ? "[]" : r.pick(["*(a+i)", "i[a]", "(a+1)[i-1]", "*(a+n-i)"] as const);
}

/**
 * Index the array whose text ends `parts` by a masked index, spelled as pointer arithmetic:
 * `a[i]`, `*(a + i)`, `i[a]` (6.5.2.1p2 makes E1[E2] (*((E1)+(E2))), either way round),
 * `(a + 1)[(int)i - 1]` (an int: an unsigned index would wrap) and `*(a + n - 1 - i)`, each
 * inside the array.
 */
function subscript(
  ctx: Ctx,
  parts: string[],
  kids: Expr[],
  len: number,
  how: Spelling,
  depth: number,
): void {
  // prettier-ignore
  const m = len - 1;
  const i = index(ctx, depth);
  const last = parts.length - 1;
  switch (how) {
    case "[]":
      parts[last] += "[(";
      parts.push(`) & ${m}]`);
      break;
    case "*(a+i)":
      parts[0] = `(*(${parts[0]}`;
      parts[last] += " + ((";
      parts.push(`) & ${m})))`);
      break;
    case "i[a]":
      // ((i) & m)[a]: the index is spelled before the array.
      parts[0] = `) & ${m})[${parts[0]}`;
      parts[last] += "])";
      parts.unshift("(((");
      kids.unshift(i);
      return;
    case "(a+1)[i-1]":
      parts[0] = `((${parts[0]}`;
      parts[last] += " + 1)[(int)((";
      parts.push(`) & ${m}) - 1])`);
      break;
    case "*(a+n-i)":
      parts[0] = `(*(${parts[0]}`;
      parts[last] += ` + ${m} - ((`;
      parts.push(`) & ${m})))`);
      break;
  }
  kids.push(i);
}

/** Walk from an object down to one scalar: an element, a member, a member's element. */
export function lvalue(ctx: Ctx, o: Obj, depth: number): LV {
  const parts: string[] = [o.base];
  const kids: Expr[] = [];
  let ty = o.ty;
  let width: number | undefined;
  let packed = false;
  let t: IntType;
  let decl: IntType;
  for (;;) {
    if (ty.k === "scalar") {
      t = decl = ty.t;
      break;
    }
    if (ty.k === "sarr") {
      parts[parts.length - 1] += "[(";
      kids.push(index(ctx, depth));
      parts.push(`) & ${ty.len - 1}]`);
      ty = { k: "struct", st: ty.st };
      continue;
    }
    if (ty.k === "arr") {
      // a[i] is *(a + i) (6.5.2.1p2): spell it in the ways pointer arithmetic allows, but not
      // inside a packed structure, where the decayed pointer would be misaligned (GCC only
      // knows `s.a[i]` is packed).
      subscript(ctx, parts, kids, ty.len, packed ? "[]" : spelling(ctx), depth);
      if (ty.inner !== undefined) subscript(ctx, parts, kids, ty.inner, spelling(ctx), depth);
      t = decl = ty.t;
      break;
    }
    packed ||= ty.st.packed;
    const f = ctx.r.pick(ty.st.fields);
    parts[parts.length - 1] += `.${f.name}`;
    if (f.kind === "struct") ty = { k: "struct", st: f.st };
    else if (f.kind === "arr") ty = { k: "arr", t: f.t, len: f.len };
    else if (f.kind === "scalar") ty = { k: "scalar", t: f.t };
    else {
      width = f.width;
      decl = f.t;
      t = readField(f);
      break;
    }
  }
  const e: Expr = { k: "lv", t, parts, kids, roots: o.roots };
  return { e, decl, width };
}

function pickObj(ctx: Ctx, want: (o: Obj) => boolean): Obj | undefined {
  const ok = ctx.objs.filter((o) => want(o) && visible(ctx, o));
  return ok.length ? ctx.r.pick(ok) : undefined;
}

/** A scalar read (a `long` bit-field wider than 32 bits directly, in its N-bit type). */
function read(ctx: Ctx, depth: number): Expr | undefined {
  const o = pickObj(ctx, (x) => x.ty.k !== "struct" || x.ty.st.fields.length > 0);
  if (!o) return undefined;
  return lvalue(ctx, o, depth).e;
}

/** Whether ++/-- on the lvalue stays in range: unsigned, or narrower than its promotion. */
export function canStep(lv: LV): boolean {
  const p = promote(lv.e.t as IntType);
  return !p.signed || (lv.width ?? lv.decl.bits) < p.bits;
}

/** `lv op= e` made defined: + - * in an unsigned type, divisors at least 1, counts masked. */
export function compound(ctx: Ctx, lv: LV, e: Expr): { op: string; e: Expr } | undefined {
  const r = ctx.r;
  const lt = lv.e.t as IntType;
  const ops = ["+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", ">>=", "<<="];
  const op = r.pick(ops);
  const ct = common(lt, e.t as IntType);
  if ("+=-=*=".includes(op)) return { op, e: ct.signed ? cast(unsignedOf(ct), e) : e };
  if (op === "/=" || op === "%=") {
    return { op, e: { k: "guard", t: promote(e.t as IntType), how: "div", mask: maskFor(r, e.t as IntType), width: 0, kids: [e] } }; // prettier-ignore
  }
  if (op === ">>=" || op === "<<=") {
    if (op === "<<=" && promote(lt).signed) return undefined;
    return { op, e: { k: "guard", t: promote(e.t as IntType), how: "shift", mask: "", width: promote(lt).bits, kids: [e] } }; // prettier-ignore
  }
  return { op, e };
}

function maskFor(r: Rng, t: IntType): string {
  const masks = ["0xff", "0x7fff", "0x7fffffff"];
  if (promote(t).bits === 64) masks.push("0x7fffffffffffffffL");
  return r.pick(masks);
}

/** A side effect inside an expression, on a root nothing else in the statement reads. */
export function planMut(ctx: Ctx): void {
  const o = pickObj(ctx, (x) => x.writable && (x.ty.k !== "struct" || x.ty.st.fields.length > 0));
  if (!o) return;
  for (const root of o.roots) ctx.excluded.add(root);
  const lv = lvalue(ctx, o, 2);
  const r = ctx.r;
  const t = lv.e.t;
  if (canStep(lv) && r.chance(0.5)) {
    ctx.pendingMut = { k: "mut", t, op: r.pick(["x++", "x--", "++x", "--x"]), kids: [lv.e] };
    return;
  }
  const rhs = genExpr(ctx, 2);
  const c = r.chance(0.4) ? compound(ctx, lv, rhs) : undefined;
  ctx.pendingMut = c ? { k: "mut", t, op: c.op, kids: [lv.e, c.e] } : { k: "mut", t, op: "=", kids: [lv.e, rhs] }; // prettier-ignore
}

function leaf(ctx: Ctx, depth: number): Expr {
  if (ctx.pendingMut && ctx.r.chance(0.3)) {
    const m = ctx.pendingMut;
    ctx.pendingMut = undefined;
    return m;
  }
  if (ctx.r.chance(0.6)) {
    const e = read(ctx, depth);
    if (e) return e;
  }
  return lit(ctx.r, ctx.r.pick(ctx.types));
}

const ARITH: BinOp[] = ["+", "-", "*", "/", "%", "<<", ">>", "&", "|", "^"];
const LOGIC: BinOp[] = ["<", "<=", ">", ">=", "==", "!=", "&&", "||"];

function binary(ctx: Ctx, depth: number): Expr {
  const r = ctx.r;
  const op = r.chance(0.7) ? r.pick(ARITH) : r.pick(LOGIC);
  const a = genExpr(ctx, depth + 1);
  const b = genExpr(ctx, depth + 1);
  const at = a.t as IntType;
  const bt = b.t as IntType;
  const t = LOGIC.includes(op) ? INT : op === "<<" || op === ">>" ? promote(at) : common(at, bt);
  return { k: "bin", t, op, mask: maskFor(r, bt), safe: r.chance(0.4), kids: [a, b] };
}

function call(ctx: Ctx, depth: number, fns: FnInfo[]): Expr | undefined {
  const ok = fns.filter((f) => f.cost * ctx.mult <= ctx.budget.left);
  if (!ok.length) return undefined;
  const f = ctx.r.pick(ok);
  ctx.budget.left -= f.cost * ctx.mult;
  // A function designator decays to a pointer; *f and &f call the same function (6.5.3.2).
  const spellings = [f.name, f.name, `(*${f.name})`];
  if (!f.name.startsWith("fp")) spellings.push(`(&${f.name})`);
  const fn = ctx.r.pick(spellings);
  return { k: "call", t: f.ret, fn, kids: f.params.map((p) => argument(ctx, p.ty, depth + 1)) }; // prettier-ignore
}

/** An argument of a parameter's type: any integer expression, or a structure value. */
export function argument(ctx: Ctx, ty: Ty, depth: number): Expr {
  if (!isStruct(ty)) return genExpr(ctx, depth);
  return structValue(ctx, ty as SInfo, depth);
}

export function structValue(ctx: Ctx, st: SInfo, depth: number): Expr {
  // Structures by value through ?: and the comma operator (6.5.15p3, 6.5.17).
  if (depth < MAX_DEPTH && ctx.r.chance(0.15)) {
    const c = genExpr(ctx, depth + 2);
    if (ctx.r.chance(0.5)) return { k: "comma", t: st, kids: [c, structValue(ctx, st, depth + 2)] };
    return { k: "cond", t: st, kids: [c, structValue(ctx, st, depth + 2), structValue(ctx, st, depth + 2)] }; // prettier-ignore
  }
  const makers = ctx.callees.filter((f) => f.kind === "sret" && f.ret === st);
  if (makers.length && depth < MAX_DEPTH && ctx.r.chance(0.4)) {
    const c = call(ctx, depth, makers);
    if (c) return c;
  }
  const o = pickObj(ctx, (x) => x.ty.k === "struct" && x.ty.st === st);
  if (o) return { k: "lv", t: st, parts: [o.base], kids: [], roots: o.roots };
  return { k: "lv", t: st, parts: [`(${st.kw} ${st.tag}){0}`], kids: [], roots: [] };
}

/**
 * `&a[i] - &a[j]` or `(a + i) - a`: the distance between two elements of one array, in
 * elements, a ptrdiff_t (6.5.6p9). Only the array's address is used, but a pointer is read.
 */
function ptrDiff(ctx: Ctx, depth: number): Expr | undefined {
  const o = pickObj(ctx, (x) => x.ty.k === "arr" || x.ty.k === "sarr");
  if (!o || (o.ty.k !== "arr" && o.ty.k !== "sarr")) return undefined;
  const m = o.ty.len - 1;
  const a = o.base;
  if (ctx.r.chance(0.5))
    return { k: "lv", t: LONG, parts: [`(&${a}[(`, `) & ${m}] - &${a}[(`, `) & ${m}])`], kids: [index(ctx, depth), index(ctx, depth)], roots: o.roots }; // prettier-ignore
  return { k: "lv", t: LONG, parts: [`((${a} + ((`, `) & ${m})) - ${a})`], kids: [index(ctx, depth)], roots: o.roots }; // prettier-ignore
}

/**
 * `sizeof` (6.5.3.4) of a type name, of an object (arrays and structures whole) or of an
 * expression, which is not evaluated: no side effect is placed inside it. An lvalue, a comma or
 * a statement expression goes through unary `+` (a bit-field's size is an error).
 */
function sizeOf(ctx: Ctx, depth: number): Expr {
  const r = ctx.r;
  const choice = r.int(3);
  if (choice === 0) {
    const structs = ctx.objs.flatMap((o) => (o.ty.k === "struct" || o.ty.k === "sarr" ? [`${o.ty.st.kw} ${o.ty.st.tag}`] : [])); // prettier-ignore
    const names = [...ctx.types, ...ctx.wide].map((t) => t.name);
    const name = structs.length && r.chance(0.3) ? r.pick(structs) : r.pick(names);
    return { k: "lv", t: ULONG, parts: [`sizeof(${name})`], kids: [], roots: [] };
  }
  const o = choice === 1 ? pickObj(ctx, () => true) : undefined;
  if (o) return { k: "lv", t: ULONG, parts: [r.chance(0.5) ? `sizeof ${o.base}` : `sizeof(${o.base})`], kids: [], roots: [] }; // prettier-ignore
  const pending = ctx.pendingMut;
  ctx.pendingMut = undefined;
  const e = genExpr(ctx, depth + 1);
  ctx.pendingMut = pending;
  const plus = e.k === "lv" || e.k === "comma" || e.k === "stmtexpr";
  return { k: "lv", t: ULONG, parts: [plus ? "sizeof(+" : "sizeof(", ")"], kids: [e], roots: [] };
}

/** An integer expression over what the context may read. */
export function genExpr(ctx: Ctx, depth: number): Expr {
  const r = ctx.r;
  if (depth >= MAX_DEPTH || r.chance(0.25 + depth * 0.1)) return leaf(ctx, depth);
  switch (r.int(10)) {
    case 0:
      return { k: "un", t: INT, op: "!", kids: [genExpr(ctx, depth + 1)] };
    case 1: {
      const a = genExpr(ctx, depth + 1);
      return { k: "un", t: promote(a.t as IntType), op: r.pick(["-", "~", "+"] as const), kids: [a] }; // prettier-ignore
    }
    case 2: {
      const kids = [genExpr(ctx, depth + 1), genExpr(ctx, depth + 1), genExpr(ctx, depth + 1)];
      return { k: "cond", t: common(kids[1]!.t as IntType, kids[2]!.t as IntType), kids };
    }
    case 3: {
      const kids = [genExpr(ctx, depth + 1), genExpr(ctx, depth + 1)];
      return { k: "comma", t: kids[1]!.t, kids };
    }
    case 4: {
      const like = r.chance(0.2) ? pickObj(ctx, (o) => o.ty.k === "scalar") : undefined;
      if (like && like.ty.k === "scalar") return { k: "cast", t: like.ty.t, kids: [genExpr(ctx, depth + 1)], via: `${r.pick(["typeof", "__typeof__"])}(${like.base})` }; // prettier-ignore
      // Casts between every pair of integer types: _Bool, enums and GCC's N-bit types too.
      const to = ctx.wide.length && r.chance(0.15) ? ctx.wide : ctx.types;
      return cast(r.pick(to), genExpr(ctx, depth + 1));
    }
    case 7:
      if (r.chance(0.5)) return r.chance(0.5) ? sizeOf(ctx, depth) : (ptrDiff(ctx, depth) ?? binary(ctx, depth)); // prettier-ignore
      return binary(ctx, depth);
    case 6:
      if (r.chance(0.5)) {
        const kids = [genExpr(ctx, depth + 1), genExpr(ctx, depth + 1)];
        return { k: "elvis", t: common(kids[0]!.t as IntType, kids[1]!.t as IntType), kids };
      } else {
        const a = genExpr(ctx, depth + 1);
        return { k: "stmtexpr", t: a.t, kids: [a] };
      }
    case 5: {
      const c = call(
        ctx,
        depth,
        ctx.callees.filter((f) => f.kind === "pure"),
      );
      if (c) return c;
      const sr = ctx.callees.filter((f) => f.kind === "sret").map((f) => f.ret as SInfo);
      const held = ctx.objs.filter((o) => o.ty.k === "struct").map((o) => (o.ty as { st: SInfo }).st); // prettier-ignore
      if (sr.length || held.length) {
        // A member of a structure value that is not an lvalue: a call's, a ?:'s.
        const st = r.pick([...sr, ...held]);
        const scal = st.fields.filter((f) => f.kind === "scalar");
        if (scal.length) {
          const f = r.pick(scal) as Field & { t: IntType };
          return { k: "lv", t: f.t, parts: ["", `.${f.name}`], kids: [structValue(ctx, st, depth + 1)], roots: [] }; // prettier-ignore
        }
      }
      return binary(ctx, depth);
    }
    default:
      return binary(ctx, depth);
  }
}
