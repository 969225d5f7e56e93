// CST → AST for one statement (see ./parser.ts for the grammar, ./ast.ts for the result). Plain
// functions over Chevrotain's CstNode children rather than a BaseCstVisitor subclass: the walk is
// on the hot path (once per distinct line) and needs no dynamic dispatch. Literal decoding lives
// here too (numbers, char constants, strings), and the checks the grammar cannot express (scale
// 1/2/4/8, a segment register before `:`, a usable base/index). Errors are thrown as a
// SyntaxFailure and caught per statement by parse-line.ts, so one statement reports one error.
import type { CstNode, IToken } from "chevrotain";
import type { BinaryOp, DirectiveArg, Expr, MemoryOperand, Operand, ParseError, Span, Statement } from "./ast.js"; // prettier-ignore
import { registerByName, RSP, type Register } from "../isa/registers.js";
import { ASM_SYNTAX } from "../diag/codes/asm-syntax.js";
import { decodeChar, decodeNumber, decodeString, NumberLit, RParen } from "./lexer.js";

/** A syntax error found while building the AST; caught per statement. */
export class SyntaxFailure {
  constructor(readonly error: ParseError) {}
}

export function fail(code: string, message: string, span: Span): never {
  throw new SyntaxFailure({ code, message, span });
}

/** What the visitor needs besides the CST. */
export interface StatementContext {
  text: string;
  /** End of the statement's raw text (last token or skipped bad character), for `rest`. */
  restEnd: number;
  /** Why a directive's arguments did not parse (set when the CST is a rawStatement). */
  argsError?: ParseError;
  /** A character the lexer skipped in this statement; only a directive's arguments absorb it. */
  lexError?: ParseError;
  /** Set by the visitor when the lexer error became a directive's argsError. */
  lexErrorUsed?: boolean;
}

type Children = Record<string, (CstNode | IToken)[] | undefined>;

function kids(node: CstNode): Children {
  return node.children as Children;
}
function tokens(node: CstNode, key: string): IToken[] | undefined {
  return kids(node)[key] as IToken[] | undefined;
}
function nodes(node: CstNode, key: string): CstNode[] | undefined {
  return kids(node)[key] as CstNode[] | undefined;
}
function token(node: CstNode, key: string): IToken | undefined {
  return tokens(node, key)?.[0];
}
function child(node: CstNode, key: string): CstNode | undefined {
  return nodes(node, key)?.[0];
}

export function tokenSpan(t: IToken): Span {
  return { start: t.startOffset, end: t.startOffset + t.image.length };
}
function join(a: Span, b: Span): Span {
  return { start: a.start, end: b.end };
}

// --- statements ----------------------------------------------------------------------------------

/**
 * statement := (label ':')* (assignment | directive | instruction)? — append its statements
 * (labels first) to `out`.
 */
export function visitStatement(cst: CstNode, ctx: StatementContext, out: Statement[]): void {
  const labels = tokens(cst, "labelName");
  if (labels) {
    const colons = tokens(cst, "Colon")!;
    for (let i = 0; i < labels.length; i++) out.push(visitLabel(labels[i]!, colons[i]!));
  }
  const c = kids(cst);
  if (c.mnemonic) out.push(visitInstruction(cst));
  else if (c.directive) out.push(visitDirective(cst, ctx));
  else if (c.assignName) out.push(visitAssignment(cst));
}

// label := (name | .name | digits) ':'
function visitLabel(name: IToken, colon: IToken): Statement {
  let label = name.image;
  if (name.tokenType === NumberLit) {
    // Numeric local labels are decimal digits only (`1:`, `771:`); `0x10:` is not a label.
    if (!/^[0-9]+$/.test(label)) fail(ASM_SYNTAX.BAD_LABEL, `bad label name '${label}'`, tokenSpan(name)); // prettier-ignore
    label = BigInt(label).toString(); // `01:` is label 1, as `01b` refers to it
  }
  return { kind: "label", name: label, span: join(tokenSpan(name), tokenSpan(colon)) };
}

// assignment := (name | .name | '.') '=' expr
function visitAssignment(node: CstNode): Statement {
  const name = token(node, "assignName")!;
  const expr = visitExpression(child(node, "expression")!);
  return { kind: "assign", name: name.image, expr, span: join(tokenSpan(name), expr.span) };
}

// directive := .name directiveArgs  |  .name any* (rawStatement)
function visitDirective(node: CstNode, ctx: StatementContext): Statement {
  const nameToken = token(node, "directive")!;
  const nameSpan = tokenSpan(nameToken);
  let start = nameSpan.end;
  while (start < ctx.restEnd && isBlank(ctx.text.charCodeAt(start))) start++;
  const end = Math.max(start, trimEnd(ctx.text, ctx.restEnd));
  const restSpan = { start, end };
  return {
    kind: "directive",
    name: nameToken.image.toLowerCase(),
    ...directiveArgs(node, ctx, nameSpan.end, restSpan),
    rest: ctx.text.slice(start, end),
    restSpan,
    span: { start: nameSpan.start, end: Math.max(nameSpan.end, end) },
  };
}

function directiveArgs(
  node: CstNode,
  ctx: StatementContext,
  nameEnd: number,
  restSpan: Span,
): { args: DirectiveArg[] } | { argsError: ParseError } {
  if (ctx.lexError && ctx.lexError.span.start >= nameEnd) {
    ctx.lexErrorUsed = true;
    return { argsError: ctx.lexError };
  }
  if (ctx.argsError) return { argsError: ctx.argsError };
  const argsNode = child(node, "directiveArgs");
  if (!argsNode) return { args: [] };
  try {
    return { args: visitDirectiveArgs(argsNode, restSpan) };
  } catch (e) {
    if (!(e instanceof SyntaxFailure)) throw e;
    return { argsError: e.error };
  }
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a || c === 0x0b || c === 0x0c;
}
function trimEnd(text: string, end: number): number {
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
  return end;
}

// instruction := prefix* mnemonic (operand (',' operand)*)?
function visitInstruction(node: CstNode): Statement {
  const mnemonic = token(node, "mnemonic")!;
  const mnemonicSpan = tokenSpan(mnemonic);
  const prefixTokens = tokens(node, "prefix");
  const prefixes = prefixTokens ? prefixTokens.map(visitPrefix) : [];
  const operandNodes = nodes(node, "operand");
  const operands = operandNodes ? operandNodes.map(visitOperand) : [];
  const first = prefixes.length ? prefixes[0]!.span : mnemonicSpan;
  const last = operands.length ? operands[operands.length - 1]!.span : mnemonicSpan;
  return {
    kind: "insn",
    prefixes,
    mnemonic: mnemonic.image.toLowerCase(),
    mnemonicSpan,
    operands,
    span: join(first, last),
  };
}

function visitPrefix(t: IToken): { name: string; span: Span } {
  return { name: t.image.toLowerCase(), span: tokenSpan(t) };
}

// --- directive arguments ------------------------------------------------------------------------

/**
 * directiveArgs := [arg] (',' [arg])* → one DirectiveArg per comma-separated slot, with
 * {kind:"empty"} for an omitted one. `restSpan` bounds the first and last slots.
 */
export function visitDirectiveArgs(node: CstNode, restSpan: Span): DirectiveArg[] {
  const commas = tokens(node, "Comma") ?? [];
  const args = nodes(node, "arg") ?? [];
  const out: DirectiveArg[] = [];
  if (commas.length === 0 && args.length === 0) return out; // `.text`: no arguments at all
  let next = 0;
  for (let slot = 0; slot <= commas.length; slot++) {
    const from = slot === 0 ? restSpan.start : tokenSpan(commas[slot - 1]!).end;
    const to = slot === commas.length ? restSpan.end : commas[slot]!.startOffset;
    const arg = args[next];
    if (arg && firstOffset(arg) < to) {
      out.push(visitArg(arg));
      next++;
    } else {
      out.push({ kind: "empty", span: { start: from, end: Math.max(from, to) } });
    }
  }
  return out;
}

// arg := string | @type | %type | expr
function visitArg(node: CstNode): DirectiveArg {
  const str = token(node, "StringLit");
  if (str) return { kind: "string", value: decodeString(str.image), span: tokenSpan(str) };
  // The type name is stored without its `@`/`%` sigil: `@function` and `%function` are one type.
  const type = token(node, "TypeName") ?? token(node, "PercentName");
  if (type) return { kind: "type", name: type.image.slice(1), span: tokenSpan(type) };
  const expr = visitExpression(child(node, "expression")!);
  return { kind: "expr", expr, span: expr.span };
}

/** Start offset of the first token under an `arg` node. */
function firstOffset(node: CstNode): number {
  const c = kids(node);
  const t = (c.StringLit ?? c.TypeName ?? c.PercentName)?.[0] as IToken | undefined;
  if (t) return t.startOffset;
  return exprStart(child(node, "expression")!);
}

function exprStart(node: CstNode): number {
  const term = child(node, "term")!;
  const c = kids(term);
  const op = c.UnaryOp?.[0] as IToken | undefined;
  if (op) return op.startOffset;
  for (const key in c) {
    const first = c[key]![0]!;
    if ("image" in first && first.tokenType !== RParen) return first.startOffset;
  }
  return Infinity;
}

// --- operands ------------------------------------------------------------------------------------

// operand := ['*'] ('$' expr | %reg [':' memory] | memory)
function visitOperand(node: CstNode): Operand {
  const c = kids(node);
  const star = c.Star?.[0] as IToken | undefined;
  const dollar = c.Dollar?.[0] as IToken | undefined;
  if (dollar) {
    if (star) fail(ASM_SYNTAX.EXPECTED_OPERAND, "an immediate cannot be an indirect target", tokenSpan(star)); // prettier-ignore
    const expr = visitExpression(child(node, "imm")!);
    return { kind: "imm", expr, span: join(tokenSpan(dollar), expr.span) };
  }
  const target = visitTarget(node);
  if (!star) return target;
  return { kind: "indirect", target, span: join(tokenSpan(star), target.span) };
}

/** %reg, or memory with an optional segment override. */
function visitTarget(node: CstNode): { kind: "reg"; reg: Register; span: Span } | MemoryOperand {
  const regToken = token(node, "Register");
  if (!regToken) return visitMemory(node, undefined);
  const reg = register(regToken);
  const span = tokenSpan(regToken);
  if (!token(node, "Colon")) return { kind: "reg", reg, span };
  // Only a segment register can prefix a memory operand (SDM vol. 1, 3.7.4).
  if (reg.cls !== "seg") fail(ASM_SYNTAX.BAD_SEGMENT, `'%${reg.name}' is not a segment register`, span); // prettier-ignore
  const mem = visitMemory(node, reg);
  mem.span = join(span, mem.span);
  return mem;
}

// memory := '(' baseIndex ')' | expr ['(' baseIndex ')']
// baseIndex := [%base] [',' %index [',' [scale]]]
function visitMemory(node: CstNode, seg: Register | undefined): MemoryOperand {
  const dispNode = child(node, "disp");
  const disp = dispNode ? visitExpression(dispNode) : undefined;
  const open = token(node, "LParen");
  const mem: MemoryOperand = { kind: "mem", scale: 1, span: disp ? disp.span : tokenSpan(open!) };
  if (seg) mem.seg = seg;
  if (disp) mem.disp = disp;
  if (!open) return mem;
  const baseToken = token(node, "base");
  const indexToken = token(node, "index");
  if (baseToken) mem.base = checkBase(baseToken);
  if (indexToken) mem.index = checkIndex(indexToken, mem.base);
  const scaleNode = child(node, "scale");
  if (scaleNode) mem.scale = checkScale(visitExpression(scaleNode));
  mem.span = join(mem.span, tokenSpan(token(node, "RParen")!));
  return mem;
}

/**
 * A base must be a general register or %rip (SDM vol. 1, 3.7.5: base, index, scale). `(%dx)` is
 * also let through: it is the in/out port as objdump prints it (the driver accepts it only there).
 */
function checkBase(t: IToken): Register {
  const reg = register(t);
  if (reg.cls === "rip" || (reg.cls === "gpr" && reg.size >= 32)) return reg;
  if (reg.cls === "gpr" && reg.name === "dx") return reg;
  return fail(ASM_SYNTAX.BAD_BASE_INDEX, `'%${reg.name}' cannot be a base register`, tokenSpan(t));
}

/** An index is a 32/64-bit GPR other than the stack pointer, and %rip takes no index (SDM 2.2.1.6). */
function checkIndex(t: IToken, base: Register | undefined): Register {
  const reg = register(t);
  const span = tokenSpan(t);
  if (base?.cls === "rip") fail(ASM_SYNTAX.BAD_BASE_INDEX, "%rip-relative addressing takes no index", span); // prettier-ignore
  // Index encoding 100b means "no index" in the SIB byte, so %rsp/%esp cannot be an index.
  if (reg.cls !== "gpr" || reg.size < 32 || reg.num === RSP) {
    fail(ASM_SYNTAX.BAD_BASE_INDEX, `'%${reg.name}' cannot be an index register`, span);
  }
  return reg;
}

/** The SIB scale field encodes 1, 2, 4 or 8 (SDM vol. 2, 2.1.5, table 2-3). */
function checkScale(e: Expr): 1 | 2 | 4 | 8 {
  const v = constantValue(e);
  if (v === 1n || v === 2n || v === 4n || v === 8n) return Number(v) as 1 | 2 | 4 | 8;
  return fail(ASM_SYNTAX.BAD_SCALE, "scale factor must be 1, 2, 4 or 8", e.span);
}

/** Fold an expression made only of numbers (no symbols) — enough for a literal scale. */
function constantValue(e: Expr): bigint | undefined {
  if (e.kind === "num") return e.value;
  if (e.kind === "unary" && e.op === "+") return constantValue(e.arg);
  if (e.kind === "binary" && (e.op === "*" || e.op === "<<" || e.op === "+")) {
    const l = constantValue(e.left);
    const r = constantValue(e.right);
    if (l === undefined || r === undefined || r > 64n) return undefined;
    return e.op === "*" ? l * r : e.op === "+" ? l + r : l << r;
  }
  return undefined;
}

/** Bounds the image cache (mixed-case spellings are finite, but stay safe). */
const MAX_CACHED_IMAGES = 1024;
/** Registers by token image (`%rax`, `%RAX`): the lexer already vouched for the name. */
const registerByImage = new Map<string, Register>();

function register(t: IToken): Register {
  let reg = registerByImage.get(t.image);
  if (reg) return reg;
  reg = registerByName(t.image.slice(1));
  if (!reg) return fail(ASM_SYNTAX.BAD_REGISTER, `bad register name '${t.image}'`, tokenSpan(t));
  if (registerByImage.size < MAX_CACHED_IMAGES) registerByImage.set(t.image, reg);
  return reg;
}

// --- expressions ---------------------------------------------------------------------------------

/**
 * GNU as binding strength, tightest first (checked against GNU as 2.40 on this host, which puts
 * the comparisons below `+ -`, unlike its manual): `* / % << >>`, `| & ^ !`, `+ -`,
 * `== != <> < > <= >=`, `&&`, `||`. All are left-associative.
 */
const PRECEDENCE: Readonly<Record<BinaryOp, number>> = {
  "*": 5, "/": 5, "%": 5, "<<": 5, ">>": 5,
  "|": 4, "&": 4, "^": 4, "!": 4,
  "+": 3, "-": 3,
  "==": 2, "!=": 2, "<>": 2, "<": 2, ">": 2, "<=": 2, ">=": 2,
  "&&": 1,
  "||": 0,
}; // prettier-ignore

// expr := term (binop term)*   — operator precedence by the table above
export function visitExpression(node: CstNode): Expr {
  const operands = nodes(node, "term")!;
  const ops = tokens(node, "BinaryOp");
  const first = visitTerm(operands[0]!);
  if (!ops) return first;
  const values: Expr[] = [first];
  const pending: BinaryOp[] = [];
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!.image as BinaryOp;
    const prec = PRECEDENCE[op];
    while (pending.length > 0 && PRECEDENCE[pending[pending.length - 1]!] >= prec) {
      reduce(values, pending);
    }
    pending.push(op);
    values.push(visitTerm(operands[i + 1]!));
  }
  while (pending.length > 0) reduce(values, pending);
  return values[0]!;
}

function reduce(values: Expr[], pending: BinaryOp[]): void {
  const op = pending.pop()!;
  const right = values.pop()!;
  const left = values.pop()!;
  values.push({ kind: "binary", op, left, right, span: join(left.span, right.span) });
}

// term := ('-' | '~' | '!' | '+')* (number | 'c' | name | .name | '.' | %reg | '(' expr ')')
function visitTerm(node: CstNode): Expr {
  let expr = visitAtom(node);
  const ops = tokens(node, "UnaryOp");
  if (!ops) return expr;
  for (let i = ops.length - 1; i >= 0; i--) {
    const t = ops[i]!;
    const op = t.image as "-" | "~" | "!" | "+";
    expr = { kind: "unary", op, arg: expr, span: join(tokenSpan(t), expr.span) };
  }
  return expr;
}

function visitAtom(node: CstNode): Expr {
  const c = kids(node);
  let t: IToken | undefined;
  if ((t = c.NumberLit?.[0] as IToken | undefined)) return number(t);
  if ((t = (c.Name?.[0] ?? c.DotName?.[0]) as IToken | undefined)) {
    return { kind: "sym", name: t.image, span: tokenSpan(t) };
  }
  if ((t = c.CharLit?.[0] as IToken | undefined)) {
    const value = decodeChar(t.image);
    if (value === undefined) fail(ASM_SYNTAX.BAD_CHAR_CONSTANT, "bad character constant", tokenSpan(t)); // prettier-ignore
    return { kind: "num", value, span: tokenSpan(t) };
  }
  if ((t = c.Dot?.[0] as IToken | undefined)) return { kind: "dot", span: tokenSpan(t) };
  if ((t = c.Register?.[0] as IToken | undefined)) {
    return { kind: "reg", reg: register(t), span: tokenSpan(t) };
  }
  // '(' expr ')': the parentheses widen the span so a caret covers them.
  const inner = visitExpression(child(node, "expression")!);
  const span = join(tokenSpan(token(node, "LParen")!), tokenSpan(token(node, "RParen")!));
  return { ...inner, span };
}
function number(t: IToken): Expr {
  const span = tokenSpan(t);
  const n = decodeNumber(t.image);
  switch (n.kind) {
    case "num":
      return { kind: "num", value: n.value, span };
    case "localref":
      return { kind: "localref", label: n.label, dir: n.dir, span };
    case "too-big":
      return fail(ASM_SYNTAX.NUMBER_TOO_BIG, `number '${t.image}' does not fit in 64 bits`, span);
    case "bad":
      return fail(ASM_SYNTAX.BAD_NUMBER, `bad number '${t.image}'${n.why}`, span);
  }
}
