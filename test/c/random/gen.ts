// A seeded generator of random handler-C programs for differential testing against gcc (in the
// manner of Csmith, written anew and much smaller). A program has enums, structures (nested,
// packed, with bit-fields and arrays), initialised globals of every integer type, pointers,
// functions taking and returning integers and structures by value, and statements of every
// kind; main calls the functions and prints every global and a checksum. Each program is free
// of undefined behaviour by construction (see ./ast.ts for the guards and ./gen-expr.ts for the
// sequencing rules); loops are bounded and calls are costed, so every program ends quickly.
import {
  printProgram,
  tyName,
  type Expr,
  type Func,
  type Program,
  type Stmt,
  type Ty,
} from "./ast.js";
import { argument, canStep, compound, genExpr, literalOf, lvalue, planMut, rng, structValue, type Ctx, type Field, type FnInfo, type Obj, type Rng, type SInfo } from "./gen-expr.js"; // prettier-ignore
import {
  BOOL,
  INT,
  LONG,
  SCALARS,
  UINT,
  ULONG,
  bitInt,
  bitIntDecls,
  enumType,
  type IntType,
} from "./types.js";

export { printProgram } from "./ast.js";
export type { Program } from "./ast.js";

/** How much work (statements run) one function, and the whole program, may do. */
const FN_BUDGET = 400;
const MAIN_BUDGET = 4000;
const MAX_LOOP = 6;
const MAX_STMT_DEPTH = 3;

interface Gen {
  r: Rng;
  types: IntType[];
  structs: SInfo[];
  globals: Obj[];
  /** Globals that never change: pure functions may read them. */
  consts: Obj[];
  fns: FnInfo[];
  head: string[];
  tail: string[];
  /** Statements that point a pointer at one of its targets. */
  retarget: string[];
  /** Comparisons of a pointer with one of its targets' addresses. */
  probes: Obj[];
  funcs: Func[];
  uid: number;
  /** Widths whose N-bit types are named (./types.ts, bitInt). */
  bitInts: Set<number>;
}

const PRELUDE = `int printf(const char *fmt, ...);

static unsigned long crc = 0xcbf29ce484222325UL;

/* FNV-style mixing: unsigned arithmetic only, so it never overflows. */
static void mix(unsigned long v)
{
	crc = (crc ^ v) * 0x100000001b3UL;
	crc ^= crc >> 29;
}

static int safe_add_int(int a, int b)
{
	return (b > 0 && a > 2147483647 - b) || (b < 0 && a < -2147483647 - 1 - b) ? a : a + b;
}

static int safe_sub_int(int a, int b)
{
	return (b < 0 && a > 2147483647 + b) || (b > 0 && a < -2147483647 - 1 + b) ? a : a - b;
}

static int safe_mul_int(int a, int b)
{
	long p = (long)a * (long)b;
	return p > 2147483647L || p < -2147483648L ? a : a * b;
}

static long safe_add_long(long a, long b)
{
	return (b > 0 && a > 9223372036854775807L - b) || (b < 0 && a < -9223372036854775807L - 1 - b) ? a : a + b;
}

static long safe_sub_long(long a, long b)
{
	return (b < 0 && a > 9223372036854775807L + b) || (b > 0 && a < -9223372036854775807L - 1 + b) ? a : a - b;
}

static long safe_mul_long(long a, long b)
{
	unsigned long ua = a < 0 ? -(unsigned long)a : (unsigned long)a;
	unsigned long ub = b < 0 ? -(unsigned long)b : (unsigned long)b;
	unsigned long lim = (a < 0) != (b < 0) ? 9223372036854775808UL : 9223372036854775807UL;
	if (ua != 0 && ub > lim / ua)
		return a;
	return a * b;
}`;

function name(g: Gen, prefix: string): string {
  return `${prefix}${g.uid++}`;
}

function genEnums(g: Gen): void {
  for (let i = 0; i < 2; i++) {
    const tag = `e${i}`;
    const neg = i === 0;
    const vals = [0, 1, 2].map((j) => (neg && j === 1 ? -(g.r.int(1000) + 1) : g.r.int(70000)));
    g.head.push(`enum ${tag} { ${vals.map((v, j) => `E${i}_${j} = ${v}`).join(", ")} };`);
    g.types.push(enumType(tag, neg));
  }
}

/** Declare the typedefs naming GCC's N-bit types (sbfN, ubfN) once, before their first use. */
function nameBitInt(g: Gen, width: number): void {
  if (g.bitInts.has(width)) return;
  g.bitInts.add(width);
  g.head.push(...bitIntDecls(width));
}

function genStruct(g: Gen, i: number): SInfo {
  const r = g.r;
  const fields: Field[] = [];
  const decls: string[] = [];
  const n = 2 + r.int(4);
  const packed = r.chance(0.2);
  for (let j = 0; j < n; j++) {
    const fname = `f${j}`;
    const kind = r.int(10);
    if (kind < 3) {
      const t = r.pick([INT, UINT, LONG, ULONG, LONG, ULONG, BOOL, ...SCALARS.slice(1, 6)]);
      // Packed, a field may start at any bit of a byte: at most 57 bits keeps it within the
      // 8 bytes entrylab loads (E6034, docs/handler-c.md).
      const max = t === BOOL ? 1 : packed ? Math.min(t.bits, 57) : t.bits;
      // Half the long ones wider than int, where GCC's N-bit types begin.
      const width = max > 32 && r.chance(0.5) ? 33 + r.int(max - 32) : 1 + r.int(max);
      fields.push({ name: fname, kind: "bf", t, width });
      decls.push(`${t.name} ${fname} : ${width};`);
      if (width > 32 && width < 64) nameBitInt(g, width);
    } else if (kind < 4) {
      const t = r.pick(g.types);
      const len = 1 << (1 + r.int(2));
      fields.push({ name: fname, kind: "arr", t, len });
      decls.push(`${t.name} ${fname}[${len}];`);
    } else if (kind < 5 && g.structs.length > 0) {
      const st = r.pick(g.structs);
      fields.push({ name: fname, kind: "struct", st });
      decls.push(`${st.kw} ${st.tag} ${fname};`);
    } else {
      const t = r.pick(g.types);
      fields.push({ name: fname, kind: "scalar", t });
      decls.push(`${t.name} ${fname};`);
    }
  }
  const st: SInfo = { kw: "struct", tag: `s${i}`, decls, packed, fields };
  const attr = packed ? " __attribute__((packed))" : "";
  g.head.push(`struct${attr} s${i} {`, ...decls.map((d) => `\t${d}`), "};");
  return st;
}

/**
 * A union whose first member is 8 bytes, the largest, so initialising it defines every byte
 * and reading any member afterwards reads defined bytes (no _Bool: not every byte is one).
 */
function genUnion(g: Gen, i: number): SInfo {
  const r = g.r;
  const first = r.pick(g.types.filter((t) => t.bits === 64));
  const fields: Field[] = [{ name: "m0", kind: "scalar", t: first }];
  for (let j = 1; j < 2 + r.int(3); j++) {
    const t = r.pick(g.types.filter((x) => x.rank > 0));
    if (r.chance(0.3) && t.bits <= 32)
      fields.push({ name: `m${j}`, kind: "arr", t, len: 64 / t.bits }); // prettier-ignore
    else fields.push({ name: `m${j}`, kind: "scalar", t });
  }
  const decls = fields.map((f) => (f.kind === "arr" ? `${f.t.name} ${f.name}[${f.len}];` : `${(f as { t: IntType }).t.name} ${f.name};`)); // prettier-ignore
  g.head.push(`union u${i} {`, ...decls.map((d) => `\t${d}`), "};");
  return { kw: "union", tag: `u${i}`, decls, packed: false, fields };
}

/** A constant initialiser for a structure: positional or designated, partial or complete. */
function structInit(g: Gen, st: SInfo): string {
  // A union's first member only: it covers every byte (6.7.9p17 names no other).
  if (st.kw === "union") return `{ ${literalOf(g.r, (st.fields[0] as { t: IntType }).t)} }`;
  const items = st.fields.map((f) => {
    let v: string;
    if (f.kind === "struct") v = structInit(g, f.st);
    else if (f.kind === "arr")
      v = `{ ${Array.from({ length: f.len }, () => literalOf(g.r, f.t)).join(", ")} }`; // prettier-ignore
    else if (f.kind === "bf") v = literalOf(g.r, f.t.bits === 64 ? LONG : INT);
    else v = literalOf(g.r, f.t);
    return { name: f.name, v };
  });
  if (g.r.chance(0.4)) return `{ ${items.filter(() => g.r.chance(0.6)).map((x) => `.${x.name} = ${x.v}`).join(", ")} }`; // prettier-ignore
  return `{ ${items.map((x) => x.v).join(", ")} }`;
}

function genGlobals(g: Gen): void {
  const r = g.r;
  for (let i = 0; i < 6 + r.int(6); i++) {
    const t = r.pick(g.types);
    const n = name(g, "g");
    const isConst = r.chance(0.2);
    g.head.push(`${isConst ? "static const " : r.chance(0.3) ? "static " : ""}${t.name} ${n} = ${literalOf(r, t)};`); // prettier-ignore
    const o: Obj = { base: n, ty: { k: "scalar", t }, roots: [n], writable: !isConst };
    (isConst ? g.consts : g.globals).push(o);
  }
  for (let i = 0; i < 1 + r.int(3); i++) {
    const t = r.pick(g.types);
    const len = 1 << (1 + r.int(4));
    const n = name(g, "a");
    const k = r.int(len + 1);
    const init = r.chance(0.3) ? `{ [${r.int(len)}] = ${literalOf(r, t)} }` : `{ ${Array.from({ length: k }, () => literalOf(r, t)).join(", ")} }`; // prettier-ignore
    g.head.push(`${t.name} ${n}[${len}] = ${init};`);
    g.globals.push({ base: n, ty: { k: "arr", t, len }, roots: [n], writable: true });
  }
  if (r.chance(0.5)) genMatrix(g);
  if (r.chance(0.5)) {
    // A char array from a string: the bytes past the string are zero (6.7.9p21).
    const n = name(g, "str");
    const chars = ["a", "Z", "0", " ", "\\n", "\\x7f", "\\377", "\\200", "\\t", "\\\\", '\\"'];
    const text = Array.from({ length: r.int(8) }, () => r.pick(chars)).join("");
    g.head.push(`char ${n}[8] = "${text}";`);
    g.globals.push({
      base: n,
      ty: { k: "arr", t: SCALARS[1]!, len: 8 },
      roots: [n],
      writable: true,
    });
  }
  if (g.structs.length && r.chance(0.5)) {
    const st = r.pick(g.structs);
    const n = name(g, "as");
    const len = 1 << (1 + r.int(2));
    g.head.push(`${st.kw} ${st.tag} ${n}[${len}] = { ${Array.from({ length: r.int(len + 1) }, () => structInit(g, st)).join(", ")} };`); // prettier-ignore
    g.globals.push({ base: n, ty: { k: "sarr", st, len }, roots: [n], writable: true });
  }
  for (const st of g.structs) {
    for (let i = 0; i < 1 + r.int(2); i++) {
      const n = name(g, "s");
      g.head.push(`${st.kw} ${st.tag} ${n} = ${structInit(g, st)};`);
      g.globals.push({ base: n, ty: { k: "struct", st }, roots: [n], writable: true });
    }
  }
  genPointers(g);
}

/** A two-dimensional global array, initialised row by row with braces or flat (6.7.9p20). */
function genMatrix(g: Gen): void {
  const r = g.r;
  const t = r.pick(g.types);
  const len = 1 << (1 + r.int(2));
  const inner = 1 << (1 + r.int(2));
  const n = name(g, "m");
  const row = (): string => Array.from({ length: r.int(inner + 1) }, () => literalOf(r, t)).join(", "); // prettier-ignore
  const init = r.chance(0.5)
    ? Array.from({ length: r.int(len + 1) }, () => `{ ${row()} }`).join(", ")
    : Array.from({ length: r.int(len * inner + 1) }, () => literalOf(r, t)).join(", ");
  g.head.push(`${t.name} ${n}[${len}][${inner}] = { ${init} };`);
  g.globals.push({ base: n, ty: { k: "arr", t, len, inner }, roots: [n], writable: true });
}

/** Pointers to globals of one type; each may only ever point at its own fixed set of targets. */
function genPointers(g: Gen): void {
  const r = g.r;
  const pointers: Obj[] = [];
  for (let i = 0; i < 1 + r.int(3); i++) {
    const first = r.pick(g.globals.filter((o) => o.ty.k !== "sarr" && !(o.ty.k === "arr" && o.ty.inner))); // prettier-ignore
    const same = g.globals.filter((o) => JSON.stringify(o.ty) === JSON.stringify(first.ty) || (o.ty.k === "struct" && first.ty.k === "struct" && o.ty.st === first.ty.st)); // prettier-ignore
    const targets = same.filter(() => r.chance(0.6));
    if (!targets.includes(first)) targets.push(first);
    const n = name(g, "p");
    const roots = [n, ...targets.map((o) => o.base)];
    const ty = first.ty;
    const addr = (o: Obj): string => (ty.k === "arr" ? o.base : `&${o.base}`);
    const elem = ty.k === "struct" || ty.k === "sarr" ? `${ty.st.kw} ${ty.st.tag}` : ty.t.name;
    g.head.push(`${elem} *${n} = ${addr(first)};`);
    pointers.push({ base: ty.k === "arr" ? n : `(*${n})`, ty, roots, writable: true });
    g.retarget.push(...targets.map((o) => `${n} = ${addr(o)};`));
    // Where the pointer points, as an int: readable like a variable (6.5.9 pointer equality).
    const probe = r.pick(targets);
    g.probes.push({ base: `(${n} == ${addr(probe)})`, ty: { k: "scalar", t: INT }, roots: [n], writable: false }); // prettier-ignore
  }
  g.globals.push(...pointers, ...g.probes);
}

/** What main prints: every scalar global, element and member, then the checksum. */
function genTail(g: Gen): void {
  const lines: string[] = [];
  const dump = (text: string, ty: Obj["ty"]): void => {
    if (ty.k === "scalar") lines.push(`printf("%s %lx\\n", "${text}", (unsigned long)${text});`);
    else if (ty.k === "arr")
      for (let i = 0; i < ty.len; i++) dump(`${text}[${i}]`, ty.inner ? { k: "arr", t: ty.t, len: ty.inner } : { k: "scalar", t: ty.t }); // prettier-ignore
    else if (ty.k === "sarr")
      for (let i = 0; i < ty.len; i++) dump(`${text}[${i}]`, { k: "struct", st: ty.st });
    else
      for (const f of ty.st.fields) {
        const sub = `${text}.${f.name}`;
        if (f.kind === "struct") dump(sub, { k: "struct", st: f.st });
        else if (f.kind === "arr") dump(sub, { k: "arr", t: f.t, len: f.len });
        else lines.push(`printf("%s %lx\\n", "${sub}", (unsigned long)${sub});`);
      }
  };
  for (const o of [...g.globals, ...g.consts]) if (!o.base.startsWith("(*") && !/^p\d/.test(o.base)) dump(o.base, o.ty); // prettier-ignore
  lines.push(`printf("crc %lx\\n", crc);`, "return 0;");
  g.tail = lines;
}

interface Scope {
  g: Gen;
  ctx: Ctx;
  depth: number;
  inLoop: boolean;
  /** Labels a forward goto may reach from here. */
  labels: string[];
}

function fresh(ctx: Ctx): void {
  ctx.excluded = new Set();
  ctx.pendingMut = undefined;
}

function pickWritable(ctx: Ctx, want: (o: Obj) => boolean): Obj | undefined {
  const ok = ctx.objs.filter((o) => o.writable && want(o) && o.roots.every((x) => !ctx.excluded.has(x))); // prettier-ignore
  return ok.length ? ctx.r.pick(ok) : undefined;
}

const hasScalars = (o: Obj): boolean => o.ty.k !== "struct" || o.ty.st.fields.length > 0;

function genAssign(s: Scope): Stmt | undefined {
  const { ctx, r } = { ctx: s.ctx, r: s.ctx.r };
  fresh(ctx);
  if (r.chance(0.3)) planMut(ctx);
  const o = pickWritable(ctx, hasScalars);
  if (!o) return undefined;
  const lv = lvalue(ctx, o, 1);
  const e = genExpr(ctx, 0);
  const c = r.chance(0.4) ? compound(ctx, lv, e) : undefined;
  return c ? { k: "assign", lv: lv.e, op: c.op, e: c.e } : { k: "assign", lv: lv.e, op: "=", e };
}

function genStep(s: Scope): Stmt | undefined {
  const ctx = s.ctx;
  fresh(ctx);
  for (let tries = 0; tries < 4; tries++) {
    const o = pickWritable(ctx, hasScalars);
    if (!o) return undefined;
    const lv = lvalue(ctx, o, 1);
    if (!canStep(lv)) continue;
    return { k: "expr", e: { k: "mut", t: lv.e.t, op: ctx.r.pick(["x++", "x--", "++x", "--x"]), kids: [lv.e] } }; // prettier-ignore
  }
  return undefined;
}

function callOf(ctx: Ctx, f: FnInfo): Expr {
  fresh(ctx);
  ctx.budget.left -= f.cost * ctx.mult;
  return { k: "call", t: f.ret, fn: f.name, kids: f.params.map((p) => argument(ctx, p.ty, 1)) };
}

/** A call of a function that writes globals: alone, into a plain variable, or into the checksum. */
function genImpureCall(s: Scope): Stmt | undefined {
  const ctx = s.ctx;
  const ok = s.g.fns.filter((f) => f.kind === "impure" && f.cost * ctx.mult <= ctx.budget.left && f !== ctx.fn); // prettier-ignore
  if (!ok.length) return undefined;
  const f = ctx.r.pick(ok);
  const call = callOf(ctx, f);
  const plain = ctx.objs.filter((o) => o.writable && o.ty.k === "scalar" && !o.base.startsWith("(*")); // prettier-ignore
  if (plain.length && ctx.r.chance(0.4)) {
    const o = ctx.r.pick(plain);
    return { k: "assign", lv: { k: "lv", t: o.ty.k === "scalar" ? o.ty.t : INT, parts: [o.base], kids: [], roots: o.roots }, op: "=", e: call }; // prettier-ignore
  }
  return { k: "expr", e: { k: "call", t: INT, fn: "mix", kids: [call] } };
}

function genIf(s: Scope): Stmt {
  fresh(s.ctx);
  if (s.ctx.r.chance(0.2)) planMut(s.ctx);
  const c = genExpr(s.ctx, 1);
  const inner = { ...s, depth: s.depth + 1 };
  return { k: "if", c, then: genBlock(inner, 1 + s.ctx.r.int(3)), else: s.ctx.r.chance(0.4) ? genBlock(inner, 1 + s.ctx.r.int(2)) : [] }; // prettier-ignore
}

function genLoop(s: Scope): Stmt | undefined {
  const ctx = s.ctx;
  const n = 1 + ctx.r.int(MAX_LOOP);
  if (ctx.budget.left < ctx.mult * n * 8) return undefined;
  const v = name(s.g, "i");
  const counter: Obj = { base: v, ty: { k: "scalar", t: INT }, roots: [v], writable: false };
  ctx.objs.push(counter);
  ctx.mult *= n;
  const body = genBlock({ ...s, depth: s.depth + 1, inLoop: true }, 1 + ctx.r.int(3));
  ctx.mult /= n;
  ctx.objs.splice(ctx.objs.indexOf(counter), 1);
  return { k: ctx.r.pick(["for", "while", "do"] as const), v, n, body };
}

function genSwitch(s: Scope): Stmt {
  const ctx = s.ctx;
  fresh(ctx);
  const e = genExpr(ctx, 1);
  const used = new Set<number>();
  const cases: { labels: string[]; body: Stmt[] }[] = [];
  const inner = { ...s, depth: s.depth + 1 };
  for (let i = 0; i < 2 + ctx.r.int(3); i++) {
    // Non-negative int labels stay distinct whatever the controlling expression's type.
    const v = ctx.r.chance(0.8) ? ctx.r.int(8) : ctx.r.int(0x7fffffff);
    if (used.has(v)) continue;
    used.add(v);
    const body = genBlock(inner, ctx.r.int(3));
    // A label must label a statement (6.8.1): an empty case still gets its break.
    if (body.length === 0 || ctx.r.chance(0.7)) body.push({ k: "break" });
    cases.push({ labels: [String(v)], body });
  }
  if (ctx.r.chance(0.5)) {
    const body = genBlock(inner, 1);
    cases.push({ labels: ["default"], body: body.length ? body : [{ k: "break" }] });
  }
  return { k: "switch", e, cases };
}

/** A block whose end is a label: gotos inside it jump forward to there. */
function genSkipBlock(s: Scope): Stmt {
  const label = name(s.g, "skip");
  const body = genBlock({ ...s, depth: s.depth + 1, labels: [...s.labels, label] }, 2 + s.ctx.r.int(3)); // prettier-ignore
  return { k: "block", body, label };
}

function guarded(s: Scope, then: Stmt): Stmt {
  fresh(s.ctx);
  return { k: "if", c: genExpr(s.ctx, 2), then: [then], else: [] };
}

function genJump(s: Scope): Stmt | undefined {
  const ctx = s.ctx;
  const r = ctx.r;
  const choice = r.int(5);
  if (choice === 0 && s.inLoop) return guarded(s, { k: r.chance(0.5) ? "break" : "continue" });
  if (choice === 1 && s.labels.length) return guarded(s, { k: "goto", label: r.pick(s.labels) });
  if (choice === 2 && ctx.fn.name !== "main") {
    fresh(ctx);
    const ret = ctx.fn.ret;
    const e = "tag" in ret ? structValue(ctx, ret as SInfo, 1) : genExpr(ctx, 1);
    return guarded(s, { k: "return", e });
  }
  if (choice === 3 && ctx.fn.kind === "impure" && s.g.retarget.length) return { k: "raw", text: r.pick(s.g.retarget) }; // prettier-ignore
  if (choice === 4) {
    fresh(ctx);
    const o = pickWritable(ctx, (x) => x.ty.k === "struct");
    if (o && o.ty.k === "struct") {
      const lv: Expr = { k: "lv", t: o.ty.st, parts: [o.base], kids: [], roots: o.roots };
      return { k: "assign", lv, op: "=", e: structValue(ctx, o.ty.st, 1) };
    }
  }
  return undefined;
}

function genStmt(s: Scope): Stmt | undefined {
  const r = s.ctx.r;
  const nested = s.depth < MAX_STMT_DEPTH;
  switch (r.int(12)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return genAssign(s);
    case 4:
      return genStep(s);
    case 5:
      return nested ? genIf(s) : genAssign(s);
    case 6:
    case 7:
      return nested ? genLoop(s) : genStep(s);
    case 8:
      return nested ? genSwitch(s) : genAssign(s);
    case 9:
      return s.ctx.fn.kind === "impure" ? genImpureCall(s) : genAssign(s);
    case 10:
      return nested ? genSkipBlock(s) : genAssign(s);
    default:
      return genJump(s);
  }
}

function genBlock(s: Scope, n: number): Stmt[] {
  const out: Stmt[] = [];
  for (let i = 0; i < n; i++) {
    if (s.ctx.budget.left < s.ctx.mult * 4) break;
    s.ctx.budget.left -= s.ctx.mult * 2;
    const st = genStmt(s);
    if (st) out.push(st);
  }
  return out;
}

/** Local variables with initialisers (arrays and a structure too), declared at the top. */
function genLocals(g: Gen, ctx: Ctx, body: Stmt[]): Obj[] {
  const r = g.r;
  const scalars: Obj[] = [];
  for (let i = 0; i < 1 + r.int(4); i++) {
    const t = r.pick(g.types);
    const n = name(g, "l");
    fresh(ctx);
    // A local static keeps its value from call to call: only where calls are statements.
    if (ctx.fn.kind === "impure" && ctx.fn.name !== "main" && r.chance(0.25))
      body.push({ k: "decl", text: `static ${t.name} ${n} = ${literalOf(r, t)};`, init: [] }); // prettier-ignore
    else if (r.chance(0.15)) {
      body.push({ k: "decl", text: `const ${t.name} ${n} = @0;`, init: [genExpr(ctx, 1)] });
      ctx.objs.push({ base: n, ty: { k: "scalar", t }, roots: [n], writable: false });
      continue;
    } else body.push({ k: "decl", text: `${t.name} ${n} = @0;`, init: [genExpr(ctx, 1)] });
    const o: Obj = { base: n, ty: { k: "scalar", t }, roots: [n], writable: true };
    ctx.objs.push(o);
    scalars.push(o);
  }
  if (r.chance(0.4)) {
    const t = r.pick(g.types);
    const len = 1 << (1 + r.int(2));
    const n = name(g, "la");
    fresh(ctx);
    const init = Array.from({ length: len }, () => genExpr(ctx, 2));
    // Every fourth a two-dimensional one, its rows braced.
    const inner = r.chance(0.25) ? 2 : undefined;
    const rows = inner ? Array.from({ length: len }, (_, i) => `{ @${2 * i}, @${2 * i + 1} }`) : init.map((_, i) => `@${i}`); // prettier-ignore
    if (inner) init.push(...Array.from({ length: len }, () => genExpr(ctx, 2)));
    body.push({ k: "decl", text: `${t.name} ${n}[${len}]${inner ? `[${inner}]` : ""} = { ${rows.join(", ")} };`, init }); // prettier-ignore
    ctx.objs.push({ base: n, ty: { k: "arr", t, len, inner }, roots: [n], writable: true });
  }
  const pures = ctx.callees.filter((f) => f.kind === "pure");
  if (pures.length && r.chance(0.3)) {
    // A pointer to a function, called through in expressions like the function itself.
    const f = r.pick(pures);
    const n = name(g, "fp");
    const params = f.params.map((p) => tyName(p.ty)).join(", ") || "void";
    body.push({ k: "decl", text: `${tyName(f.ret)} (*${n})(${params}) = ${r.chance(0.5) ? "&" : ""}${f.name};`, init: [] }); // prettier-ignore
    ctx.callees.push({ ...f, name: n });
  }
  if (r.chance(0.4) && g.structs.length) {
    const st = r.pick(g.structs);
    const n = name(g, "ls");
    fresh(ctx);
    body.push({
      k: "decl",
      text: `${st.kw} ${st.tag} ${n} = @0;`,
      init: [structValue(ctx, st, 1)],
    });
    ctx.objs.push({ base: n, ty: { k: "struct", st }, roots: [n], writable: true });
  }
  return scalars;
}

function genFunction(g: Gen, kind: FnInfo["kind"], isMain: boolean): void {
  const r = g.r;
  const ret: Ty = isMain ? INT : kind === "sret" ? r.pick(g.structs) : r.pick(g.types);
  const fn: FnInfo = { name: isMain ? "main" : name(g, "fn"), kind, ret, params: [], cost: 0 };
  const nParams = isMain ? 0 : r.int(5) + (r.chance(0.2) ? 3 : 0);
  for (let i = 0; i < nParams; i++) {
    const ty: Ty = g.structs.length && r.chance(0.2) ? r.pick(g.structs) : r.pick(g.types);
    fn.params.push({ name: name(g, "q"), ty });
  }
  const paramObjs: Obj[] = fn.params.map((p) => ({
    base: p.name,
    ty: "tag" in p.ty ? { k: "struct", st: p.ty as SInfo } : { k: "scalar", t: p.ty as IntType },
    roots: [p.name],
    writable: true,
  }));
  const budget = { left: isMain ? MAIN_BUDGET : FN_BUDGET };
  const callees = g.fns.filter((f) => f.kind !== "impure");
  const objs = [...g.consts, ...paramObjs, ...(kind === "impure" ? g.globals : [])];
  const ctx: Ctx = { r, fn, objs, excluded: new Set(), callees, budget, mult: 1, types: g.types, wide: [...g.bitInts].flatMap((w) => [bitInt(w, true), bitInt(w, false)]) }; // prettier-ignore
  const body: Stmt[] = [];
  const locals = genLocals(g, ctx, body);
  let result: Obj | undefined;
  if (kind === "sret") {
    const st = ret as SInfo;
    result = { base: name(g, "r"), ty: { k: "struct", st }, roots: [], writable: true };
    result.roots.push(result.base);
    body.push({ k: "decl", text: `${st.kw} ${st.tag} ${result.base} = @0;`, init: [structValue(ctx, st, 1)] }); // prettier-ignore
    ctx.objs.push(result);
  }
  const out = `out_${fn.name}`;
  const scope: Scope = { g, ctx, depth: 0, inLoop: false, labels: [out] };
  body.push(...genBlock(scope, 3 + r.int(isMain ? 6 : 4)));
  body.push({ k: "label", label: out });
  if (kind === "impure") for (const l of locals) body.push({ k: "raw", text: `mix(${l.base});` });
  fresh(ctx);
  if (isMain) {
    // main runs every function that writes globals at least once.
    for (const f of g.fns.filter((x) => x.kind === "impure")) body.push({ k: "expr", e: { k: "call", t: INT, fn: "mix", kids: [callOf(ctx, f)] } }); // prettier-ignore
  } else if (result)
    body.push({ k: "return", e: { k: "lv", t: ret, parts: [result.base], kids: [], roots: [] } }); // prettier-ignore
  else {
    let e = genExpr(ctx, 1);
    for (const l of locals) e = { k: "bin", t: ret === ULONG ? ULONG : LONG, op: "^", mask: "", safe: false, kids: [{ k: "cast", t: LONG, kids: [e] }, { k: "lv", t: (l.ty as { t: IntType }).t, parts: [l.base], kids: [], roots: [] }] }; // prettier-ignore
    body.push({ k: "return", e });
  }
  fn.cost = Math.max(1, (isMain ? MAIN_BUDGET : FN_BUDGET) - budget.left);
  const params = fn.params.length ? fn.params.map((p) => `${"tag" in p.ty ? `${(p.ty as SInfo).kw} ${(p.ty as SInfo).tag}` : (p.ty as IntType).name} ${p.name}`).join(", ") : "void"; // prettier-ignore
  g.funcs.push({ name: fn.name, ret, params, body, isStatic: !isMain && r.chance(0.5) });
  if (!isMain) g.fns.push(fn);
}

/** Generate the program for `seed`. */
export function generate(seed: number): Program {
  const r = rng(seed);
  const g: Gen = { r, types: [...SCALARS], structs: [], globals: [], consts: [], fns: [], head: [], tail: [], funcs: [], uid: 0, bitInts: new Set(), retarget: [], probes: [] }; // prettier-ignore
  g.head.push(`/* entrylab random program, seed ${seed} */`, PRELUDE, "");
  genEnums(g);
  for (let i = 0; i < 1 + r.int(3); i++) g.structs.push(genStruct(g, i));
  if (r.chance(0.5)) g.structs.push(genUnion(g, 0));
  genGlobals(g);
  const n = 2 + r.int(5);
  for (let i = 0; i < n; i++) genFunction(g, r.pick(["pure", "pure", "impure", "impure", "sret"] as const), false); // prettier-ignore
  if (!g.fns.some((f) => f.kind === "impure")) genFunction(g, "impure", false);
  genTail(g);
  genFunction(g, "impure", true);
  return { seed, head: g.head, funcs: g.funcs, tail: g.tail };
}

/** The C text of the program for `seed`. */
export function generateText(seed: number): string {
  return printProgram(generate(seed));
}
