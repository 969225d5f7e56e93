// Instructions: operand AST → ISA operand shapes, form selection through the ISA matcher, bytecode
// encoding into the current section, and fixups for immediates, displacements and branch
// targets that are not known constants yet. Sizes are fixed at first sight (the form and which
// operands are memory decide them), so layout never has to revisit an instruction.
import { ASM } from "../diag/codes/asm.js";
import type { Loc } from "../diag/index.js";
import type { Expr, MemoryOperand, Operand, Statement } from "./ast.js";
import type { Assembler, StmtCtx } from "./assembler.js";
import { Binder } from "./eval.js";
import {
  encode,
  layout,
  matchInstruction,
  MEM_BASE_RIP,
  MEM_NONE,
  type OperandShape,
  type OperandValue,
  type InsnForm,
  type MemOperand,
  type MatchError,
  type MatchResult,
  IMPLIED_ONE,
} from "../isa/index.js";
import { HIGH_BYTE_BASE, RDX, needsRex, type Register } from "../isa/registers.js";

type Insn = Extract<Statement, { kind: "insn" }>;

const PREFIX_NAMES = new Set(["lock", "rep", "repe", "repz", "repne", "repnz"]);
/** Largest instruction: opcode word plus three memory-sized operands, with room to spare. */
const SCALE_LOG2: Record<number, number> = { 1: 0, 2: 1, 4: 2, 8: 3 };

/** Shared by the (usual) instructions without prefixes; never modified. */
const NO_PREFIXES: string[] = [];

/** What an operand's value will be once known: a constant now, or an expression to fix up. */
interface Pending {
  value: bigint | undefined;
  expr: Expr | undefined;
}

/** Kept encodings live in shared chunks: one small ArrayBuffer each would cost far more. */
const ARENA_CHUNK = 1 << 16;
let arena = new Uint8Array(ARENA_CHUNK);
let arenaUsed = 0;

function keepBytes(src: Uint8Array, from: number, to: number): Uint8Array {
  const n = to - from;
  if (arenaUsed + n > arena.length) {
    arena = new Uint8Array(Math.max(ARENA_CHUNK, n));
    arenaUsed = 0;
  }
  const out = arena.subarray(arenaUsed, arenaUsed + n);
  for (let i = 0; i < n; i++) out[i] = src[from + i]!;
  arenaUsed += n;
  return out;
}

/**
 * Encode one instruction statement. Instructions whose encoding depends only on their text (no
 * symbol, `.` or local label in any operand, no prefix carried over from the previous
 * statement, no fixup or diagnostic when first encoded) keep their bytes in `a.parses` once
 * their statement is a repeated one (the parse cache keeps a line's statement objects from its
 * second occurrence on: ./line-template.ts); later occurrences copy them instead of being
 * shaped, matched and encoded again.
 */
export function instruction(a: Assembler, ctx: StmtCtx, st: Insn): void {
  const kept = a.stmtKept;
  const index = a.stmtIndex;
  if (a.pendingPrefix === undefined) {
    const bytes = kept >= 0 ? a.parses.bytesOf(kept, index) : undefined;
    if (bytes !== undefined) {
      a.lineEntryAt(ctx.line, ctx.base + st.span.start, ctx.base + st.span.end);
      const sec = a.sec;
      const at = sec.reserve(bytes.length); // may replace sec.data
      const data = sec.data;
      for (let i = 0; i < bytes.length; i++) data[at + i] = bytes[i]!; // a few bytes: no .set()
      return;
    }
    const sec = a.sec;
    const frag = sec.frag;
    const at = sec.size;
    const fixups = sec.fixups.length;
    const diags = a.diags.items.length;
    encodeInstruction(a, ctx, st);
    if (
      a.sec === sec &&
      sec.frag === frag &&
      sec.size > at &&
      sec.fixups.length === fixups &&
      a.diags.items.length === diags &&
      a.pendingPrefix === undefined &&
      kept >= 0 &&
      st.operands.every(isPureOperand)
    ) {
      a.parses.keepBytes(kept, index, keepBytes(sec.data, at, sec.size));
    }
    return;
  }
  encodeInstruction(a, ctx, st);
}

function isPureOperand(op: Operand): boolean {
  const m = op.kind === "indirect" ? op.target : op;
  if (m.kind === "reg") return true;
  if (m.kind === "imm") return Binder.isPure(m.expr);
  return m.disp === undefined || Binder.isPure(m.disp);
}

function encodeInstruction(a: Assembler, ctx: StmtCtx, st: Insn): void {
  // `lock; incq (%rax)` or a prefix alone on its line: keep it for the next instruction.
  if (st.operands.length === 0 && PREFIX_NAMES.has(st.mnemonic) && st.prefixes.length === 0) {
    a.pendingPrefix = { name: st.mnemonic, loc: a.loc(ctx, st.mnemonicSpan) };
    return;
  }
  let prefixes = NO_PREFIXES;
  if (st.prefixes.length > 0 || a.pendingPrefix) {
    prefixes = st.prefixes.map((p) => p.name);
    if (a.pendingPrefix) {
      prefixes.unshift(a.pendingPrefix.name);
      a.pendingPrefix = undefined;
    }
  }
  if (PORT_MNEMONICS.has(st.mnemonic)) st = withPortRegister(st);
  const n = st.operands.length;
  const shapes = new Array<OperandShape>(n); // exact size (see emit)
  const pending = new Array<Pending>(n);
  for (let i = 0; i < n; i++) if (!shape(a, ctx, st.operands[i]!, shapes, pending, i)) return;
  const m = cachedMatch(st, prefixes, shapes);
  if ("error" in m) return matchError(a, ctx, st, m);
  for (const w of m.warnings) a.diags.warning(ASM.INSN_WARNING, a.loc(ctx, st.span), w);
  emit(a, ctx, st, m.form, m.prefix, m.args, pending);
}

/**
 * Every value at which the matcher's answer for an immediate can change (src/isa/match.ts and
 * match-operands.ts), ascending; an immediate's key is the range between two bounds it falls in:
 * the 64-bit range [-2^63, 2^64); the b/w/l "shortened" warnings (`v >= 2^n || v <= -2^n`, so
 * ranges split at 1 - 2^n and 2^n); the strict imm8 range [-128, 255]; the sign-extended imm32
 * range [-2^31, 2^31) ∪ [2^64 - 2^31, 2^64); and `int $3` (INT3) alone. A test checks that
 * each bound still changes some match (test/unit/asm/speed-caches.test.ts).
 */
export const IMM_BOUNDS: readonly bigint[] = [
  -(1n << 63n), 1n - (1n << 32n), -(1n << 31n), 1n - (1n << 16n), 1n - (1n << 8n), -128n,
  3n, 4n, 1n << 8n, 1n << 16n, 1n << 31n, 1n << 32n, (1n << 64n) - (1n << 31n), 1n << 64n,
]; // prettier-ignore

/** A memory shape key's bit for a base or index register numbered 8-15 (one that needs REX). */
const KEY_MEM_REX = 1 << 8;
const FIRST_REX_REGISTER = 8;

/** Whether a memory operand's base or index register needs a REX prefix (%r8-%r15). */
export function memNeedsRex(base: Register | undefined, index: Register | undefined): boolean {
  return (base?.cls === "gpr" && base.num >= FIRST_REX_REGISTER) || (index !== undefined && index.num >= FIRST_REX_REGISTER); // prettier-ignore
}

/** Numeric trie keys: immediates by range, memory shapes by their flags and segment. */
const KEY_IMM_SYMBOLIC = 20_000, KEY_IMM_RANGE = 30_000, KEY_MEM = 40_000; // prettier-ignore

/**
 * An operand's key in the match trie: the Register object itself, a number, or (for the rare
 * shapes) a string. Identity and small-integer keys hash without building strings.
 */
function shapeKey(sh: OperandShape): unknown {
  switch (sh.kind) {
    case "reg":
      return regKey(sh.reg);
    case "imm": {
      const v = sh.value;
      if (v === undefined) return KEY_IMM_SYMBOLIC;
      let k = 0;
      while (k < IMM_BOUNDS.length && v >= IMM_BOUNDS[k]!) k++;
      return KEY_IMM_RANGE + k;
    }
    case "mem": {
      // What the matcher reads of a memory operand: its flags, segment, and whether a base or
      // index register needs REX (src/isa/match.ts checkHighByte).
      const seg = sh.seg ? (sh.seg.num + 1) << 3 : 0;
      const rex = memNeedsRex(sh.base, sh.index) ? KEY_MEM_REX : 0;
      return KEY_MEM + (+sh.hasBase | (+sh.hasIndex << 1) | (+sh.isRip << 2) | seg | rex);
    }
    case "indirect-reg":
      return `*${sh.reg.name}`;
    case "indirect-mem":
      return `*m${JSON.stringify(sh)}`;
  }
}

/**
 * An immediate's match-trie key for a safe-integer value: the same as shapeKey gives the bigint
 * (./insn-recipe.ts reuses a line's form for values of the same key).
 */
export function immClass(v: number): number {
  let k = 0;
  while (k < IMM_BOUNDS_NUM.length && v >= IMM_BOUNDS_NUM[k]!) k++;
  return KEY_IMM_RANGE + k;
}
/** IMM_BOUNDS as doubles: every bound is exact (at most 33 significant bits). */
const IMM_BOUNDS_NUM = IMM_BOUNDS.map(Number);

/**
 * A register's key: what the matcher (src/isa/match*.ts) looks at is its class and size, whether
 * it is one of the fixed-register operands (AL/AX/EAX/RAX, CL, DX: numbers 0-2), whether it needs
 * or forbids REX (SDM vol. 2, 2.2.1.2) and %cs; so %rbx and %r9 differ but %rbx and %rdi share
 * a key. Numbers 0-2 and non-GPRs keep their own key. Errors and warnings are never shared.
 */
function regKey(reg: Register): unknown {
  let k = REG_KEYS.get(reg);
  if (k === undefined) {
    k = reg.cls === "gpr" && reg.num > RDX ? `r${reg.size}:${+needsRex(reg)}:${+(reg.num >= HIGH_BYTE_BASE)}` : reg; // prettier-ignore
    REG_KEYS.set(reg, k);
  }
  return k;
}
const REG_KEYS = new Map<Register, unknown>();

interface MatchNode {
  next: Map<unknown, MatchNode>;
  /** The first match of this shape; reused when `shared` (no error, no warning). */
  result?: MatchResult;
  shared: boolean;
}
/**
 * Matching depends only on the mnemonic, the prefixes and the operand shapes, and of an
 * immediate only on which range it falls in (the bounds the matcher compares against), so lines
 * of one shape are matched once. A result that carries an error or a warning may quote the
 * value, so it is recomputed with the exact value.
 *
 * The trie: mnemonic (with prefixes, as one string) → operand keys → the match.
 */
const matchTrie = new Map<string, MatchNode>();

function child(map: Map<unknown, MatchNode>, key: unknown): MatchNode {
  let n = map.get(key);
  if (!n) map.set(key, (n = { next: new Map(), result: undefined, shared: false }));
  return n;
}

function cachedMatch(st: Insn, prefixes: string[], shapes: OperandShape[]): MatchResult {
  const head = prefixes.length === 0 ? st.mnemonic : `${st.mnemonic} ${prefixes.join(" ")}`;
  let node = child(matchTrie as Map<unknown, MatchNode>, head);
  for (const sh of shapes) node = child(node.next, shapeKey(sh));
  if (node.shared) return node.result!;
  const exact = matchInstruction(st.mnemonic, prefixes, shapes);
  if (node.result === undefined) {
    node.result = exact;
    node.shared = !("error" in exact) && exact.warnings.length === 0;
  }
  return exact;
}

function matchError(a: Assembler, ctx: StmtCtx, st: Insn, m: MatchError): void {
  const onMnemonic = m.kind === "unknown-mnemonic" || m.kind === "unsupported";
  const opSpan = m.operand !== undefined ? st.operands[m.operand]?.span : undefined;
  const code =
    m.kind === "unknown-mnemonic"
      ? ASM.UNKNOWN_MNEMONIC
      : m.kind === "unsupported"
        ? ASM.UNSUPPORTED_INSN
        : m.kind === "range"
          ? ASM.OUT_OF_RANGE
          : ASM.BAD_OPERANDS;
  a.diags.error(code, a.loc(ctx, onMnemonic ? st.mnemonicSpan : (opSpan ?? st.span)), m.error);
}

/** Operand values without a per-instruction part, shared (encode() only reads them). */
const REL_VALUE: OperandValue = { kind: "rel", value: 0 };
const FIXED_VALUE: OperandValue = { kind: "fixed" };
const REG_VALUES: OperandValue[] = [];
function regValue(num: number): OperandValue {
  return (REG_VALUES[num] ??= { kind: "reg", num });
}
/** The pending value of an implied `$1` operand (shared; never modified). */
const IMPLIED_ONE_VALUE: Pending = { value: 1n, expr: undefined };
/** The pending value of a register operand (shared; never modified). */
const NO_VALUE: Pending = { value: undefined, expr: undefined };

/**
 * Store operand `op`'s shape and pending value at index `i` of `shapes`/`pending`; false after
 * reporting an error. Register shapes and zero displacements are shared objects (the matcher
 * only reads them).
 */
function shape(
  a: Assembler,
  ctx: StmtCtx,
  op: Operand,
  shapes: OperandShape[],
  pending: Pending[],
  i: number,
): boolean {
  switch (op.kind) {
    case "reg":
      shapes[i] = regShape(op.reg);
      pending[i] = NO_VALUE;
      return true;
    case "imm": {
      const p = constant(a, ctx, op.expr);
      if (!p) return false;
      shapes[i] = { kind: "imm", value: p.value };
      pending[i] = p;
      return true;
    }
    case "mem": {
      if (!checkAddressing(a, ctx, op)) return false;
      const p = op.disp ? constant(a, ctx, op.disp) : ZERO_DISP;
      if (!p) return false;
      // The base and index go to the matcher too: a high-byte register cannot share an
      // instruction with %r8-%r15 addressing (REX), as GNU as reports.
      shapes[i] = {
        kind: "mem", hasBase: op.base !== undefined && op.base.cls !== "rip", hasIndex: op.index !== undefined,
        isRip: op.base?.cls === "rip", seg: op.seg, base: op.base, index: op.index,
      }; // prettier-ignore
      pending[i] = p;
      return true;
    }
    case "indirect": {
      if (op.target.kind === "reg") {
        shapes[i] = { kind: "indirect-reg", reg: op.target.reg };
        pending[i] = NO_VALUE;
        return true;
      }
      if (!checkAddressing(a, ctx, op.target)) return false;
      const p = op.target.disp ? constant(a, ctx, op.target.disp) : ZERO_DISP;
      if (!p) return false;
      shapes[i] = { kind: "indirect-mem" };
      pending[i] = p;
      return true;
    }
  }
}

/** The pending value of a memory operand without a displacement (shared; never modified). */
const ZERO_DISP: Pending = { value: 0n, expr: undefined };
const REG_SHAPES = new Map<Register, OperandShape>();
function regShape(reg: Register): OperandShape {
  let s = REG_SHAPES.get(reg);
  if (s === undefined) REG_SHAPES.set(reg, (s = { kind: "reg", reg }));
  return s;
}

/** in/out, whose port operand gas also takes as `(%dx)` (objdump's spelling). */
const PORT_MNEMONICS = new Set(["in", "inb", "inw", "inl", "out", "outb", "outw", "outl"]);

/** The statement with a `(%dx)` operand read as the register %dx. */
function withPortRegister(st: Insn): Insn {
  const i = st.operands.findIndex(
    (op) => op.kind === "mem" && op.base?.name === "dx" && !op.index && !op.disp && !op.seg,
  );
  if (i < 0) return st;
  const op = st.operands[i] as MemoryOperand;
  const operands = st.operands.slice();
  operands[i] = { kind: "reg", reg: op.base!, span: op.span };
  return { ...st, operands };
}

/** Only 64-bit base and index registers (and %rip as a base) address memory here. */
function checkAddressing(a: Assembler, ctx: StmtCtx, m: MemoryOperand): boolean {
  for (const r of [m.base, m.index]) {
    if (!r || r.cls === "rip" || (r.cls === "gpr" && r.size === 64)) continue;
    a.diags.error(
      ASM.ADDRESSING,
      a.loc(ctx, m.span),
      `'%${r.name}' as a base or index: only 64-bit addressing is supported`,
    );
    return false;
  }
  return true;
}

/** A constant now, or a bound expression to resolve after layout. */
function constant(a: Assembler, ctx: StmtCtx, e: Expr): Pending | undefined {
  if (e.kind === "num") return { value: e.value, expr: undefined };
  if (Binder.isPure(e)) {
    const v = a.absolute(ctx, e, "operand");
    return v === undefined ? undefined : { value: v, expr: undefined };
  }
  const bound = a.bind(ctx, e);
  if (!bound) return undefined;
  const v = a.evaluator.run(bound);
  if ("error" in v) {
    if (!a.evaluator.final) return { value: undefined, expr: bound }; // decided after layout
    a.exprError(ctx, v);
    return undefined;
  }
  if (!v.add && !v.sub && a.evaluator.final) return { value: v.addend, expr: undefined };
  return { value: undefined, expr: bound };
}

function emit(
  a: Assembler,
  ctx: StmtCtx,
  st: Insn,
  form: InsnForm,
  prefix: number,
  args: readonly number[],
  pending: Pending[],
): void {
  const n = args.length;
  // Exact-size arrays filled by index: `[]` plus push() allocates room for 17 elements each, and
  // these three were most of the bytes allocated per instruction (young-generation GCs).
  const ops = new Array<Operand | undefined>(n);
  const pend = new Array<Pending>(n);
  let memMask = 0;
  const values = new Array<OperandValue>(n);
  for (let i = 0; i < n; i++) {
    const arg = args[i]!;
    const op = arg === IMPLIED_ONE ? undefined : st.operands[arg];
    const p = arg === IMPLIED_ONE ? IMPLIED_ONE_VALUE : pending[arg]!;
    ops[i] = op;
    pend[i] = p;
    const k = form.operands[i]!;
    const mem = memOf(op);
    if (k === "Jd") values[i] = REL_VALUE;
    else if (mem && (k[0] === "E" || k[0] === "M")) {
      memMask |= 1 << i;
      values[i] = { kind: "mem", mem: memValue(mem, p) };
    } else if (k[0] === "I") values[i] = { kind: "imm", value: p.value ?? 0n };
    else if (op?.kind === "reg") values[i] = regValue(op.reg.num);
    else if (op?.kind === "indirect" && op.target.kind === "reg")
      values[i] = regValue(op.target.reg.num);
    else values[i] = FIXED_VALUE;
  }
  const lay = layout(form, memMask);
  const sec = a.sec;
  a.lineEntryAt(ctx.line, ctx.base + st.span.start, ctx.base + st.span.end);
  // `.` in a branch target is the address of the instruction itself (gas): bind it before
  // reserving the instruction's bytes.
  const relAt = form.operands.indexOf("Jd");
  const relTarget = relAt < 0 ? undefined : jumpTarget(ops[relAt]);
  const relBound = !relTarget || relTarget.kind === "num" ? relTarget : a.bind(ctx, relTarget);
  const at = sec.reserve(lay.length);
  encode(form, prefix, values, sec.data, at);
  a.lastForm = form;
  a.lastLayout = lay;
  a.lastArgs = args;
  a.lastAt = at;
  const fields = lay.fields;
  for (let j = 0; j < fields.length; j++) {
    const f = fields[j]!; // an index loop: for-of here allocated an iterator result per field
    const i = f.operand;
    const p = pend[i];
    const op = ops[i];
    if (f.role === "rel") {
      if (!relTarget || !relBound) continue;
      a.addFixup({ frag: sec.frag, off: at + f.offset, width: 4, role: "rel", signed: true, expr: relBound, end: at + lay.length, pcrel: true, loc: a.loc(ctx, relTarget.span) }); // prettier-ignore
      continue;
    }
    const mem =
      op?.kind === "mem"
        ? op
        : op?.kind === "indirect" && op.target.kind === "mem"
          ? op.target
          : undefined;
    const pcrel = f.role === "disp" && mem?.base?.cls === "rip";
    if (p?.expr === undefined && !pcrel) {
      if (p?.value !== undefined) checkConstant(a, ctx, op, f.role, f.width, f.signed, p.value);
      continue;
    }
    const expr = p?.expr ?? { kind: "num" as const, value: p?.value ?? 0n, span: mem!.span };
    a.addFixup({ frag: sec.frag, off: at + f.offset, width: f.width, role: f.role, signed: f.signed, expr, end: at + lay.length, pcrel, loc: a.loc(ctx, expr.span) }); // prettier-ignore
  }
}

function memOf(op: Operand | undefined): MemoryOperand | undefined {
  if (op?.kind === "mem") return op;
  return op?.kind === "indirect" && op.target.kind === "mem" ? op.target : undefined;
}

/** A branch target: `jmp foo` parses as a memory operand holding only a displacement. */
function jumpTarget(op: Operand | undefined): Expr | undefined {
  if (op?.kind === "mem" && op.disp && !op.base && !op.index) return op.disp;
  if (op?.kind === "imm") return op.expr;
  return undefined;
}

function memValue(m: MemoryOperand, p: Pending): MemOperand {
  return {
    seg: m.seg ? m.seg.num + 1 : 0,
    base: m.base ? (m.base.cls === "rip" ? MEM_BASE_RIP : m.base.num) : MEM_NONE,
    index: m.index ? m.index.num : MEM_NONE,
    scaleLog2: SCALE_LOG2[m.scale] ?? 0,
    disp: p.value === undefined ? 0 : disp32(p.value),
  };
}

/** A displacement's low 32 bits, signed (no BigInt made when it already fits). */
function disp32(v: bigint): number {
  return v >= DISP32_MIN && v < DISP32_END ? Number(v) : Number(BigInt.asIntN(32, v));
}

/** A signed 32-bit displacement's range [DISP32_MIN, DISP32_END), made once, not per check. */
const DISP32_MIN = -(1n << 31n);
const DISP32_END = 1n << 31n;
/** 2^(8 * width) for the field widths below 8 bytes, by width in bytes. */
const FIELD_LIMITS: readonly bigint[] = Array.from({ length: 8 }, (_, w) => 1n << BigInt(8 * w));
/** 2^(8 * width - 1): a sign-extended field's range is [-limit, limit). */
const SIGNED_LIMITS: readonly bigint[] = FIELD_LIMITS.map((l) => l >> 1n);
/** The negated limits (a BigInt negation allocates: these are made once). */
const FIELD_MINS: readonly bigint[] = FIELD_LIMITS.map((l) => -l);
const SIGNED_MINS: readonly bigint[] = SIGNED_LIMITS.map((l) => -l);

/** Range rules for constant fields, as GNU as applies them. */
function checkConstant(
  a: Assembler,
  ctx: StmtCtx,
  op: Operand | undefined,
  role: string,
  width: number,
  signed: boolean,
  v: bigint,
): void {
  if (role === "disp") {
    if (v >= DISP32_MIN && v < DISP32_END) return;
    a.diags.error(
      ASM.OUT_OF_RANGE,
      constantLoc(a, ctx, op),
      `0x${BigInt.asUintN(64, v).toString(16)} out of range of signed 32bit displacement`,
    );
    return;
  }
  if (width >= 8) return;
  const limit = FIELD_LIMITS[width]!;
  if (signed) {
    const half = SIGNED_LIMITS[width]!;
    if (v >= SIGNED_MINS[width]! && v < half) return;
    a.diags.error(
      ASM.OUT_OF_RANGE,
      constantLoc(a, ctx, op),
      `immediate 0x${BigInt.asUintN(64, v).toString(16)} does not fit in a sign-extended ${width * 8}-bit field`,
    );
    return;
  }
  if (v < limit && v > FIELD_MINS[width]!) return;
  a.diags.warning(
    ASM.SHORTENED,
    constantLoc(a, ctx, op),
    `0x${BigInt.asUintN(64, v).toString(16)} shortened to 0x${BigInt.asUintN(width * 8, v).toString(16)}`,
  );
}

/** Where a constant's range diagnostic points; made only when reporting (most constants fit). */
function constantLoc(a: Assembler, ctx: StmtCtx, op: Operand | undefined): Loc {
  return a.loc(ctx, op?.span ?? { start: 0, end: 0 });
}
