// Directives the statement processor handles after parsing: data (`.byte` ... `.fill`),
// alignment, symbols (`.globl` ... `.size`, `.set`), sections (`.section`, `.pushsection` ...)
// `.file "name"` (the unit's STT_FILE name) and the accepted-but-ignored ones (`.file N "name"`,
// `.loc`, `.cfi_*`). The reader has already handled macros, conditionals and `.include`.
import { ASM } from "../diag/codes/asm.js";
import type { DirectiveArg, Expr, Statement } from "./ast.js";
import type { Assembler, StmtCtx } from "./assembler.js";
import {
  sectionDirective,
  simpleSection,
  popSection,
  previousSection,
} from "./section-directives.js";
import type { SymbolType } from "../obj/index.js";
import { Binder } from "./eval.js";
import { MAX_SECTION_SIZE, type AsmSection } from "./sections.js";
import { NOP1_BYTE } from "../isa/index.js";
import { assumedZero, lenientDataArgs } from "./data-args.js";

export type Directive = Extract<Statement, { kind: "directive" }>;
type Handler = (a: Assembler, ctx: StmtCtx, d: Directive) => void;

/** Data directives (lower case) → unit size; ./directive-lines.ts reads them too. */
export const DATA_WIDTH: Record<string, 1 | 2 | 4 | 8> = {
  ".byte": 1, ".short": 2, ".word": 2, ".hword": 2, ".2byte": 2, ".value": 2,
  ".long": 4, ".int": 4, ".4byte": 4, ".quad": 8, ".8byte": 8,
}; // prettier-ignore

/** gas limits the unit size of `.fill` to 8 bytes (and warns). */
const MAX_FILL_SIZE = 8n;

const IGNORED = new Set([
  ".loc", ".ident", ".att_syntax", ".code64", ".loc_mark_labels", ".addrsig",
  ".addrsig_sym", ".nops_hint",
]); // prettier-ignore

const HANDLERS = new Map<string, Handler>([
  [".ascii", (a, c, d) => strings(a, c, d, STRING_NUL[".ascii"]!)],
  [".asciz", (a, c, d) => strings(a, c, d, STRING_NUL[".asciz"]!)],
  [".string", (a, c, d) => strings(a, c, d, STRING_NUL[".string"]!)],
  [".zero", (a, c, d) => skip(a, c, d, true)],
  [".skip", (a, c, d) => skip(a, c, d, false)],
  [".space", (a, c, d) => skip(a, c, d, false)],
  [".fill", fill],
  [".align", (a, c, d) => align(a, c, d, ALIGN_UNITS[".align"]!)],
  [".balign", (a, c, d) => align(a, c, d, ALIGN_UNITS[".balign"]!)],
  [".p2align", (a, c, d) => align(a, c, d, ALIGN_UNITS[".p2align"]!)],
  [".org", org],
  [".globl", (a, c, d) => binding(a, c, d, "global")],
  [".global", (a, c, d) => binding(a, c, d, "global")],
  [".weak", (a, c, d) => binding(a, c, d, "weak")],
  [".local", (a, c, d) => binding(a, c, d, "local")],
  [".hidden", hidden],
  [".type", type],
  [".size", size],
  [".set", (a, c, d) => set(a, c, d, false)],
  [".equ", (a, c, d) => set(a, c, d, false)],
  [".equiv", (a, c, d) => set(a, c, d, true)],
  [".text", (a, c, d) => simpleSection(a, c, d, ".text")],
  [".data", (a, c, d) => simpleSection(a, c, d, ".data")],
  [".bss", (a, c, d) => simpleSection(a, c, d, ".bss")],
  [".rodata", (a, c, d) => simpleSection(a, c, d, ".rodata")],
  [".section", (a, c, d) => sectionDirective(a, c, d, false)],
  [".pushsection", (a, c, d) => sectionDirective(a, c, d, true)],
  [".popsection", popSection],
  [".previous", previousSection],
  [".code32", codeSize],
  [".code16", codeSize],
  [".file", file],
]);

export function directive(a: Assembler, ctx: StmtCtx, d: Directive): void {
  const width = DATA_WIDTH[d.name];
  if (width !== undefined) return data(a, ctx, d, width);
  const h = HANDLERS.get(d.name);
  if (h) return h(a, ctx, d);
  if (IGNORED.has(d.name) || d.name.startsWith(".cfi_")) return;
  a.diags.error(ASM.UNKNOWN_DIRECTIVE, a.loc(ctx, d.span), `unknown directive '${d.name}'`);
}

/** `.file "name"` names the unit (the first one wins); `.file N "name"` is DWARF's, for ./loc.ts. */
const FILE_NAME = /^\s*"((?:[^"\\]|\\.)*)"\s*$/;

function file(a: Assembler, _ctx: StmtCtx, d: Directive): void {
  const m = FILE_NAME.exec(d.rest);
  if (m && a.unitName === undefined) a.unitName = m[1]!.replace(/\\(.)/g, "$1");
}

/** The parsed argument list, or a diagnostic if the text did not parse as one. */
function args(a: Assembler, ctx: StmtCtx, d: Directive): DirectiveArg[] | undefined {
  if (d.args) return d.args;
  const e = d.argsError;
  if (e) a.diags.error(e.code, a.loc(ctx, e.span), e.message);
  else a.diags.error(ASM.BAD_ARGS, a.loc(ctx, d.restSpan), `bad arguments for ${d.name}`);
  return undefined;
}

function exprArg(
  a: Assembler,
  ctx: StmtCtx,
  d: Directive,
  arg: DirectiveArg | undefined,
): Expr | undefined {
  if (arg?.kind === "expr") return arg.expr;
  const span = arg?.span ?? d.restSpan;
  a.diags.error(ASM.BAD_ARGS, a.loc(ctx, span), `${d.name}: expected an expression`);
  return undefined;
}

// ---- data -----------------------------------------------------------------------------------

function data(a: Assembler, ctx: StmtCtx, d: Directive, width: 1 | 2 | 4 | 8): void {
  const list = d.args ?? lenientDataArgs(a, ctx, d, width);
  if (!list) return;
  const sec = a.sec;
  if (width === 1 && sec.exec) {
    a.diags.warning(
      ASM.DATA_IN_CODE,
      a.loc(ctx, d.span),
      `data in code: the VM faults with #UD if it executes these bytes (use a mnemonic)`,
    );
  }
  a.lineEntry(a.loc(ctx, d.span));
  for (const arg of list) {
    if (arg.kind === "string" && width === 1) {
      emitString(a, ctx, arg.value, arg.span, false);
      continue;
    }
    const e = exprArg(a, ctx, d, arg.kind === "empty" ? assumedZero(a, ctx, arg.span) : arg);
    if (e) value(a, ctx, e, width);
  }
}

/** Emit one data value: now if it is a known constant, else as a fixup. */
export function value(a: Assembler, ctx: StmtCtx, e: Expr, width: 1 | 2 | 4 | 8): void {
  const sec = a.sec;
  if (e.kind === "num" || Binder.isPure(e)) {
    const v = e.kind === "num" ? e.value : a.absolute(ctx, e, "data");
    const at = sec.reserve(width);
    if (v === undefined) return;
    if (sec.type === "nobits" && v !== 0n) return nobitsError(a, ctx, e);
    checkData(a, ctx, e, v, width);
    sec.put(at, width, v);
    return;
  }
  // Bind before reserving: `.` in a data value is the address of the value itself.
  const bound = a.bind(ctx, e);
  const at = sec.reserve(width);
  if (!bound) return;
  if (sec.type === "nobits") return nobitsError(a, ctx, e);
  a.addFixup({
    frag: sec.frag, off: at, width, role: "data", signed: false, expr: bound,
    end: at + width, pcrel: false, loc: a.loc(ctx, e.span),
  }); // prettier-ignore
}

function nobitsError(a: Assembler, ctx: StmtCtx, e: Expr): void {
  a.diags.error(
    ASM.DATA_IN_BSS,
    a.loc(ctx, e.span),
    `attempt to store non-zero value in section '${a.sec.name}' (nobits)`,
  );
}

/** gas warns when a value fits neither the signed nor the unsigned range of the field. */
export function checkData(a: Assembler, ctx: StmtCtx, e: Expr, v: bigint, width: number): void {
  if (width >= 8) return;
  const limit = 1n << BigInt(width * 8);
  if (v < limit && v > -limit) return;
  const shown = BigInt.asUintN(64, v).toString(16);
  const cut = BigInt.asUintN(width * 8, v).toString(16);
  a.diags.warning(ASM.TRUNCATED, a.loc(ctx, e.span), `value 0x${shown} truncated to 0x${cut}`);
}

/** The string directives: whether each string gets a NUL after it. */
export const STRING_NUL: Record<string, boolean | undefined> = { ".ascii": false, ".asciz": true, ".string": true }; // prettier-ignore

function strings(a: Assembler, ctx: StmtCtx, d: Directive, nul: boolean): void {
  const list = args(a, ctx, d);
  if (!list) return;
  a.lineEntry(a.loc(ctx, d.span));
  for (const arg of list) {
    if (arg.kind !== "string") {
      a.diags.error(ASM.BAD_ARGS, a.loc(ctx, arg.span), `${d.name}: expected a string`);
      continue;
    }
    emitString(a, ctx, arg.value, arg.span, nul);
  }
}

function emitString(
  a: Assembler,
  ctx: StmtCtx,
  s: string,
  span: { start: number; end: number },
  nul: boolean,
): void {
  const sec = a.sec;
  const n = s.length + (nul ? 1 : 0);
  if (sec.type === "nobits" && n > 0) {
    a.diags.error(
      ASM.DATA_IN_BSS,
      a.loc(ctx, span),
      `attempt to store non-zero value in section '${sec.name}' (nobits)`,
    );
    return;
  }
  putString(sec, s, nul);
}

/** A decoded string's bytes (one per character, latin1) at the end of `sec`, then a NUL if `nul`. */
export function putString(sec: AsmSection, s: string, nul: boolean): void {
  const at = sec.reserve(s.length + +nul);
  for (let i = 0; i < s.length; i++) sec.data[at + i] = s.charCodeAt(i) & BYTE_MASK;
}
const BYTE_MASK = 0xff;

// ---- space, fill, alignment -------------------------------------------------------------------

function skip(a: Assembler, ctx: StmtCtx, d: Directive, zero: boolean): void {
  const list = args(a, ctx, d);
  if (!list) return;
  const count = exprArg(a, ctx, d, list[0]);
  if (!count) return;
  let fillByte = 0;
  if (!zero && list[1] && list[1].kind !== "empty") {
    const f = exprArg(a, ctx, d, list[1]);
    const v = f && a.absolute(ctx, f, d.name);
    if (v === undefined) return;
    fillByte = Number(BigInt.asUintN(8, v));
  }
  a.lineEntry(a.loc(ctx, d.span));
  repeat(a, ctx, d, count, new Uint8Array([fillByte]));
}

/** Emit `count` copies of `pattern`, or a variable part if `count` is not known yet. */
function repeat(a: Assembler, ctx: StmtCtx, d: Directive, count: Expr, pattern: Uint8Array): void {
  const sec = a.sec;
  const bound = a.bind(ctx, count);
  if (!bound) return;
  const v = a.evaluator.run(bound);
  // An error that involves names not defined yet is decided again once layout knows them.
  if ("error" in v && a.evaluator.final) return a.exprError(ctx, v);
  const loc = a.loc(ctx, d.span);
  if (sec.type === "nobits" && pattern.some((b) => b !== 0)) {
    a.diags.error(
      ASM.DATA_IN_BSS,
      loc,
      `attempt to store non-zero value in section '${sec.name}' (nobits)`,
    );
    return;
  }
  if (!("error" in v) && !v.add && !v.sub && a.evaluator.final) {
    if (v.addend < 0n) {
      a.diags.warning(ASM.BAD_ARGS, loc, `${d.name} with negative count ${v.addend}: ignored`);
      return;
    }
    if (v.addend * BigInt(pattern.length) > BigInt(MAX_SECTION_SIZE)) return a.tooLarge(loc);
    if (!sec.fill(Number(v.addend) * pattern.length, pattern)) a.tooLarge(loc);
    return;
  }
  sec.closeFrag({ kind: "skip", count: bound, unit: pattern.length, pattern, size: 0, loc });
}

function fill(a: Assembler, ctx: StmtCtx, d: Directive): void {
  const list = args(a, ctx, d);
  if (!list) return;
  const rep = exprArg(a, ctx, d, list[0]);
  if (!rep) return;
  let size = 1n;
  let val = 0n;
  if (list[1] && list[1].kind !== "empty") {
    const e = exprArg(a, ctx, d, list[1]);
    const v = e && a.absolute(ctx, e, d.name);
    if (v === undefined) return;
    size = v;
  }
  if (list[2]) {
    const e = exprArg(a, ctx, d, list[2]);
    const v = e && a.absolute(ctx, e, d.name);
    if (v === undefined) return;
    val = v;
  }
  if (size < 0n) size = 0n;
  if (size > MAX_FILL_SIZE) {
    a.diags.warning(
      ASM.CLAMPED,
      a.loc(ctx, list[1]!.span),
      `.fill size clamped to ${MAX_FILL_SIZE}`,
    );
    size = MAX_FILL_SIZE;
  }
  // gas writes the value as 4 bytes at most, zero-extended to `size` bytes.
  const pattern = new Uint8Array(Number(size));
  const v32 = BigInt.asUintN(32, val);
  for (let i = 0; i < Math.min(4, pattern.length); i++)
    pattern[i] = Number((v32 >> BigInt(8 * i)) & 0xffn);
  a.lineEntry(a.loc(ctx, d.span));
  if (pattern.length > 0) repeat(a, ctx, d, rep, pattern);
}

/** `.align`/`.balign` take a byte count, `.p2align` a power of two (x86 gas). */
/** What the first argument of each alignment directive counts (x86 gas: `.align` in bytes). */
export const ALIGN_UNITS: Record<string, AlignUnit | undefined> = { ".align": "bytes", ".balign": "bytes", ".p2align": "pow2" }; // prettier-ignore
type AlignUnit = "bytes" | "pow2";

/** The alignment in bytes an alignment directive's first argument `n` asks for, or the error. */
export function alignmentOf(n: bigint, unit: AlignUnit): number | string {
  if (unit === "pow2") return n < 0n || n > 31n ? `alignment 2**${n} too large` : 1 << Number(n);
  if (n < 0n || n > 1n << 31n || (n & (n - 1n)) !== 0n) return `alignment ${n} is not a power of 2`;
  return Math.max(1, Number(n));
}

/**
 * The padding byte without an explicit fill: like gas filling code with NOPs, padding in an
 * executable section is the bytecode's one-byte NOP, so execution may run through it.
 */
export function defaultFill(a: Assembler): number {
  return a.sec.exec ? NOP1_BYTE : 0;
}

function align(a: Assembler, ctx: StmtCtx, d: Directive, unit: AlignUnit): void {
  const list = args(a, ctx, d);
  if (!list) return;
  const nums: (bigint | undefined)[] = [];
  for (let i = 0; i < 3; i++) {
    const arg = list[i];
    if (!arg || arg.kind === "empty") {
      nums.push(undefined);
      continue;
    }
    const e = exprArg(a, ctx, d, arg);
    const v = e && a.absolute(ctx, e, d.name);
    if (v === undefined) return;
    nums.push(v);
  }
  const alignment = alignmentOf(nums[0] ?? 0n, unit);
  if (typeof alignment === "string") return badAlign(a, ctx, d, alignment);
  const fillByte = nums[1] !== undefined ? Number(BigInt.asUintN(8, nums[1])) : defaultFill(a);
  const maxSkip = nums[2] === undefined ? Infinity : Number(nums[2]);
  alignTo(a, alignment, fillByte, maxSkip, a.loc(ctx, d.span));
}

function badAlign(a: Assembler, ctx: StmtCtx, d: Directive, message: string): void {
  a.diags.error(ASM.BAD_ALIGN, a.loc(ctx, d.restSpan), message);
}

export function alignTo(
  a: Assembler,
  alignment: number,
  fillByte: number,
  maxSkip: number,
  loc: import("../diag/index.js").Loc,
): void {
  const sec = a.sec;
  if (alignment > sec.align) sec.align = alignment;
  if (!sec.exact) {
    sec.closeFrag({ kind: "align", align: alignment, fill: fillByte, maxSkip, size: 0, loc });
    return;
  }
  const pad = (alignment - (sec.dot % alignment)) % alignment;
  if (pad > maxSkip) return;
  if (!sec.fill(pad, new Uint8Array([fillByte]))) a.tooLarge(loc);
}

function org(a: Assembler, ctx: StmtCtx, d: Directive): void {
  const list = args(a, ctx, d);
  if (!list) return;
  const target = exprArg(a, ctx, d, list[0]);
  if (!target) return;
  let fillByte = 0;
  if (list[1]) {
    const e = exprArg(a, ctx, d, list[1]);
    const v = e && a.absolute(ctx, e, d.name);
    if (v === undefined) return;
    fillByte = Number(BigInt.asUintN(8, v));
  }
  a.org(ctx, target, fillByte, d.span);
}

// ---- symbols ------------------------------------------------------------------------------------

function names(
  a: Assembler,
  ctx: StmtCtx,
  d: Directive,
): { name: string; span: { start: number; end: number } }[] {
  const list = args(a, ctx, d) ?? [];
  const out = [];
  for (const arg of list) {
    if (arg.kind === "expr" && arg.expr.kind === "sym")
      out.push({ name: arg.expr.name, span: arg.span });
    else a.diags.error(ASM.BAD_ARGS, a.loc(ctx, arg.span), `${d.name}: expected a symbol name`);
  }
  return out;
}

function binding(a: Assembler, ctx: StmtCtx, d: Directive, b: "global" | "weak" | "local"): void {
  for (const { name } of names(a, ctx, d)) {
    const s = a.symbols.intern(name);
    if (b === "local" && s.binding !== undefined && s.binding !== "local") continue;
    s.binding = b;
  }
}

function hidden(a: Assembler, ctx: StmtCtx, d: Directive): void {
  for (const { name } of names(a, ctx, d)) a.symbols.intern(name).hidden = true;
}

/** `.type` words (lower case) → symbol type; ./directive-lines.ts reads them too. */
export const SYMBOL_TYPES: Record<string, SymbolType> = {
  function: "func", stt_func: "func", object: "object", stt_object: "object",
  notype: "notype", stt_notype: "notype",
}; // prettier-ignore

/** `.type name, @function` (the comma is optional, `%`/`#` prefixes and STT_ names allowed). */
function type(a: Assembler, ctx: StmtCtx, d: Directive): void {
  const m = /^([A-Za-z_.$][\w.$]*)\s*,?\s*[@%#"]?([A-Za-z_]+)"?\s*$/.exec(d.rest);
  const t = m ? SYMBOL_TYPES[m[2]!.toLowerCase()] : undefined;
  if (!m || !t) {
    a.diags.error(
      ASM.BAD_SYMBOL_TYPE,
      a.loc(ctx, d.restSpan),
      `bad .type: expected 'name, @function' or 'name, @object'`,
    );
    return;
  }
  a.symbols.intern(m[1]!).type = t;
}

function size(a: Assembler, ctx: StmtCtx, d: Directive): void {
  const list = args(a, ctx, d);
  if (!list) return;
  const target = list[0];
  const e = exprArg(a, ctx, d, list[1]);
  if (!target || target.kind !== "expr" || target.expr.kind !== "sym" || !e) {
    if (e)
      a.diags.error(ASM.BAD_ARGS, a.loc(ctx, d.restSpan), ".size: expected 'name, expression'");
    return;
  }
  const bound = a.bind(ctx, e);
  if (bound) a.symbols.intern(target.expr.name).size = { expr: bound, loc: a.loc(ctx, e.span) };
}

function set(a: Assembler, ctx: StmtCtx, d: Directive, equiv: boolean): void {
  const list = args(a, ctx, d);
  if (!list) return;
  const target = list[0];
  const e = exprArg(a, ctx, d, list[1]);
  if (!target || target.kind !== "expr" || target.expr.kind !== "sym" || !e) {
    if (e)
      a.diags.error(ASM.BAD_ARGS, a.loc(ctx, d.restSpan), `${d.name}: expected 'name, expression'`);
    return;
  }
  a.assign(ctx, target.expr.name, e, d.span, equiv);
}

function codeSize(a: Assembler, ctx: StmtCtx, d: Directive): void {
  a.diags.error(
    ASM.CODE_SIZE,
    a.loc(ctx, d.span),
    `${d.name} is not supported: entrylab assembles 64-bit code only (.code64)`,
  );
}
