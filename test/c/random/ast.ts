// The tree of a random program (./gen.ts builds it, ./reduce.ts shrinks it) and its printer.
// Every guard against undefined behaviour (masked shift counts and indexes, divisors forced
// positive, signed arithmetic done in unsigned) is part of how a node prints, never a child,
// so replacing a child by a constant of the same type keeps the program defined.
import { literal, promote, unsignedOf, type IntType } from "./types.js";

export interface StructType {
  kw: "struct" | "union";
  tag: string;
  /** The member declarations, printed as they are. */
  decls: string[];
  packed: boolean;
}

export type Ty = IntType | StructType;

export function isStruct(ty: Ty): ty is StructType {
  return "tag" in ty;
}

/** Binary operators; the arithmetic ones carry how they stay defined. */
export type BinOp =
  | "+" | "-" | "*" | "/" | "%" | "<<" | ">>" | "&" | "|" | "^"
  | "<" | "<=" | ">" | ">=" | "==" | "!=" | "&&" | "||"; // prettier-ignore

export type Expr =
  /** A constant of type t. */
  | { k: "lit"; t: Ty; v: bigint; hex: boolean; kids: Expr[] }
  /** An lvalue or other fixed text with holes: parts[0] kids[0] parts[1] ... */
  | { k: "lv"; t: Ty; parts: string[]; kids: Expr[]; roots: string[] }
  | { k: "un"; t: Ty; op: "-" | "~" | "!" | "+"; kids: Expr[] }
  /** `safe`: through the safe_* helper instead of the unsigned detour (signed + - * only). */
  | { k: "bin"; t: Ty; op: BinOp; mask: string; safe: boolean; kids: Expr[] }
  | { k: "cond"; t: Ty; kids: Expr[] }
  /** GNU `a ?: b`, and the statement expression `({ a; })`. */
  | { k: "elvis" | "stmtexpr"; t: Ty; kids: Expr[] }
  | { k: "comma"; t: Ty; kids: Expr[] }
  /** `via`: the type spelled another way, as `__typeof__(x)`. */
  | { k: "cast"; t: Ty; kids: Expr[]; via?: string }
  | { k: "call"; t: Ty; fn: string; kids: Expr[] }
  /** A divisor made at least 1, or a shift count masked below `width`; never replaced. */
  | { k: "guard"; t: Ty; how: "div" | "shift"; mask: string; width: number; kids: Expr[] }
  /** A side effect inside an expression: `v++`, `--v`, `(v = e)`, `(v op= e)`. */
  | { k: "mut"; t: Ty; op: string; kids: Expr[] };

export type Stmt =
  | { k: "decl"; text: string; init: Expr[] }
  | { k: "assign"; lv: Expr; op: string; e: Expr }
  | { k: "expr"; e: Expr }
  | { k: "if"; c: Expr; then: Stmt[]; else: Stmt[] }
  | { k: "for" | "while" | "do"; v: string; n: number; body: Stmt[] }
  | { k: "switch"; e: Expr; cases: { labels: string[]; body: Stmt[] }[] }
  | { k: "block"; body: Stmt[]; label: string }
  | { k: "goto"; label: string }
  | { k: "label"; label: string }
  | { k: "break" | "continue" }
  | { k: "return"; e: Expr }
  /** Fixed text: struct copies, mixing into the checksum. */
  | { k: "raw"; text: string };

export interface Func {
  name: string;
  ret: Ty;
  params: string;
  body: Stmt[];
  isStatic: boolean;
}

export interface Program {
  seed: number;
  head: string[];
  funcs: Func[];
  /** The lines of main that print the globals and the checksum. */
  tail: string[];
}

function p(s: string): string {
  return `(${s})`;
}

function intTy(e: Expr): IntType {
  return e.t as IntType;
}

/** How a binary operator prints, with its guard. */
function printBin(e: Extract<Expr, { k: "bin" }>): string {
  const [a, b] = e.kids.map(printExpr) as [string, string];
  const t = intTy(e);
  const ut = unsignedOf(t);
  switch (e.op) {
    case "+":
    case "-":
    case "*":
      if (!t.signed) return p(`${a} ${e.op} ${b}`);
      if (e.safe) {
        const helper = `safe_${{ "+": "add", "-": "sub", "*": "mul" }[e.op]}_${t.bits > 32 ? "long" : "int"}`; // prettier-ignore
        return p(`(${t.name})${helper}(${a}, ${b})`);
      }
      return p(`(${t.name})((${ut.name})${a} ${e.op} (${ut.name})${b})`);
    case "/":
    case "%": {
      return p(`${a} ${e.op} ${printGuard("div", e.kids[1]!, b, e.mask, 0)}`);
    }
    case "<<":
    case ">>": {
      // 6.5.7p3-4: the count is below the width, and a signed value is never shifted left.
      const n = printGuard("shift", e.kids[1]!, b, "", promote(intTy(e.kids[0]!)).bits);
      if (e.op === "<<" && t.signed) return p(`(${t.name})((${ut.name})${a} << ${n})`);
      return p(`${a} ${e.op} ${n}`);
    }
    default:
      return p(`${a} ${e.op} ${b}`);
  }
}

/**
 * A divisor of at least 1 (no division by zero, no INT_MIN / -1: 6.5.5p5-6), or a shift count
 * below the promoted width (6.5.7p3).
 */
function printGuard(
  how: "div" | "shift",
  kid: Expr,
  text: string,
  mask: string,
  width: number,
): string {
  if (how === "shift") return `(${text} & ${width - 1})`;
  return promote(intTy(kid)).signed ? `((${text} & ${mask}) | 1)` : `(${text} | 1)`;
}

export function printExpr(e: Expr): string {
  const kids = e.kids.map(printExpr);
  switch (e.k) {
    case "lit":
      return literal(e.v, intTy(e), e.hex);
    case "lv":
      return e.parts.map((s, i) => s + (i < kids.length ? kids[i] : "")).join("");
    case "un": {
      const t = intTy(e);
      // -INT_MIN overflows (6.5p5): negate a signed value in its unsigned type.
      if (e.op === "-" && t.signed) return p(`(${t.name})-(${unsignedOf(t).name})${kids[0]}`);
      return p(`${e.op}${kids[0]}`);
    }
    case "bin":
      return printBin(e);
    case "guard":
      return printGuard(e.how, e.kids[0]!, kids[0]!, e.mask, e.width);
    case "cond":
      return p(`${kids[0]} ? ${kids[1]} : ${kids[2]}`);
    case "comma":
      return p(`${kids[0]}, ${kids[1]}`);
    case "elvis":
      return p(`${kids[0]} ?: ${kids[1]}`);
    case "stmtexpr":
      return `({ ${kids[0]}; })`;
    case "cast":
      return p(`(${e.via ?? tyName(e.t)})${kids[0]}`);
    case "call":
      return `${e.fn}(${kids.join(", ")})`;
    case "mut":
      if (e.op === "++x" || e.op === "--x") return p(`${e.op.slice(0, 2)}${kids[0]}`);
      if (e.op === "x++" || e.op === "x--") return p(`${kids[0]}${e.op.slice(1)}`);
      return p(`${kids[0]} ${e.op} ${kids[1]}`);
  }
}

export function tyName(t: Ty): string {
  return isStruct(t) ? `${t.kw} ${t.tag}` : t.name;
}

function printBody(body: Stmt[], ind: string, out: string[]): void {
  for (const s of body) printStmt(s, ind, out);
}

function printStmt(s: Stmt, ind: string, out: string[]): void {
  const more = `${ind}\t`;
  switch (s.k) {
    case "decl":
      out.push(
        `${ind}${s.text.replace(/@(\d+)/g, (_, i: string) => printExpr(s.init[Number(i)]!))}`,
      );
      return;
    case "assign":
      out.push(`${ind}${printExpr(s.lv)} ${s.op} ${printExpr(s.e)};`);
      return;
    case "expr":
      out.push(`${ind}${printExpr(s.e)};`);
      return;
    case "if":
      out.push(`${ind}if (${printExpr(s.c)}) {`);
      printBody(s.then, more, out);
      if (s.else.length > 0) {
        out.push(`${ind}} else {`);
        printBody(s.else, more, out);
      }
      out.push(`${ind}}`);
      return;
    case "for":
      out.push(`${ind}for (int ${s.v} = 0; ${s.v} < ${s.n}; ${s.v}++) {`);
      printBody(s.body, more, out);
      out.push(`${ind}}`);
      return;
    case "while":
      out.push(`${ind}{`, `${more}int ${s.v} = 0;`, `${more}while (${s.v}++ < ${s.n}) {`);
      printBody(s.body, `${more}\t`, out);
      out.push(`${more}}`, `${ind}}`);
      return;
    case "do":
      out.push(`${ind}{`, `${more}int ${s.v} = 0;`, `${more}do {`);
      printBody(s.body, `${more}\t`, out);
      out.push(`${more}} while (++${s.v} < ${s.n});`, `${ind}}`);
      return;
    case "switch":
      out.push(`${ind}switch (${printExpr(s.e)}) {`);
      for (const c of s.cases) {
        for (const l of c.labels) out.push(`${ind}${l === "default" ? "default" : `case ${l}`}:`);
        printBody(c.body, more, out);
      }
      // A label must label a statement (6.8.1), the last one too.
      if (s.cases.length && s.cases[s.cases.length - 1]!.body.length === 0) out.push(`${more};`);
      out.push(`${ind}}`);
      return;
    case "block":
      out.push(`${ind}{`);
      printBody(s.body, more, out);
      out.push(`${s.label}:;`, `${ind}}`);
      return;
    case "goto":
      out.push(`${ind}goto ${s.label};`);
      return;
    case "label":
      out.push(`${s.label}:;`);
      return;
    case "break":
    case "continue":
      out.push(`${ind}${s.k};`);
      return;
    case "return":
      out.push(`${ind}return ${printExpr(s.e)};`);
      return;
    case "raw":
      out.push(`${ind}${s.text}`);
  }
}

export function printProgram(prog: Program): string {
  const out = [...prog.head];
  for (const f of prog.funcs) {
    out.push("", `${f.isStatic ? "static " : ""}${tyName(f.ret)} ${f.name}(${f.params})`, "{");
    printBody(f.body, "\t", out);
    if (f.name === "main") out.push(...prog.tail.map((l) => `\t${l}`));
    out.push("}");
  }
  return `${out.join("\n")}\n`;
}
