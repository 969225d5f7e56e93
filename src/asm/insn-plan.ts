// Instruction recipe plans: what ./insn-recipe.ts needs to know of a line the slow path just
// encoded to make a recipe of it. Which tokens are values (literals, names, name plus or minus a
// literal, `Nb`, general registers), which field of the encoded bytes each value fills, and
// whether the fixups the slow path made are exactly those the recipe would make.
import type { Operand, Expr, Statement } from "./ast.js";
import type { Assembler } from "./assembler.js";
import {
  IMPLIED_ONE,
  OC_E,
  OC_FIXED,
  OC_M,
  hasFixedRegisterForm,
  operandClass,
} from "../isa/index.js";
import type { Register } from "../isa/registers.js";
import { GPR_KEYS, KEY_GPR64, KEY_NUMBER, SCANNED } from "./line-template.js";

type Insn = Extract<Statement, { kind: "insn" }>;

/** Per field: value index, byte offset, width, signed (1/0), role, PC-relative (1/0). */
export const FIELD_INTS = 6;
export const ROLES = ["imm", "disp", "rel"] as const;
export const ROLE_IMM = 0;
/** Register fields: an operand's register byte, a memory operand's base byte and index bits. */
export const ROLE_REG = 3, ROLE_BASE = 4, ROLE_INDEX = 5; // prettier-ignore
/** The index byte of a memory operand holds the scale above these bits (src/isa/encode.ts). */
export const INDEX_MASK = 0x1f;
/** Operand values per instruction (three operands, each a register or a memory operand's three). */
export const MAX_VALUES = 8;
/** Decimal and hex literals of at most this many digits are exact doubles. */
const MAX_DEC_DIGITS = 15;
const MAX_HEX_DIGITS = 13;
/** Registers 0-2 (AL/AX/EAX/RAX, CL, DX) are fixed operands of some forms. */
export const RDX_NUM = 2;
/** 1 for the token classes of the general registers (line-template.ts CLASSES). */
export const GPR_CODE = new Uint8Array(128);
for (const k of GPR_KEYS) GPR_CODE[k.charCodeAt(0)] = 1;
const KEY_LPAREN = "(".charCodeAt(0);
const KEY_PLUS = "+".charCodeAt(0);
export const KEY_MINUS = "-".charCodeAt(0);
const KEY_COMMA = ",".charCodeAt(0);

/** What a new skeleton and its variants need to know about an eligible statement. */
export interface Plan {
  /** Per token: the index of the value it holds, or -1. */
  valueOf: Int8Array;
  values: number;
  negated: number;
  imms: number;
  named: number;
  locals: number;
  addends: number;
  /** 1 when the mnemonic has a fixed-register form (src/isa hasFixedRegisterForm). */
  fixed: number;
  regs: number;
  addrs: number;
  /** Per value: the register the learned line has there (register values only). */
  registers: (Register | undefined)[];
  first: number;
  last: number;
  /** The value fields, FIELD_INTS each. */
  fields: number[];
}

/** An operand's value as a recipe sees it; see `valueOfOperand`. */
type OperandValue =
  | { kind: "literal"; expr: Extract<Expr, { kind: "num" }>; negate: boolean }
  | { kind: "name"; expr: Extract<Expr, { kind: "sym" }> }
  | {
      kind: "offset";
      expr: Extract<Expr, { kind: "sym" }>;
      op: "+" | "-";
      addend: Extract<Expr, { kind: "num" }>;
    }
  | { kind: "local"; expr: Extract<Expr, { kind: "localref" }> };

/** The plan of an eligible statement (`text` just scanned), or undefined. */
export function planOf(a: Assembler, text: string, st: Insn, count: number): Plan | undefined {
  const { starts, ends, codes } = SCANNED;
  const plan: Plan = { valueOf: new Int8Array(count).fill(-1), values: 0, negated: 0, imms: 0, named: 0, locals: 0, addends: 0, fixed: +hasFixedRegisterForm(st.mnemonic), regs: 0, addrs: 0, registers: [], first: -1, last: -1, fields: [] }; // prettier-ignore
  /** Per operand: its value's index, or -1 (a register, or memory without a displacement). */
  const operandValue: number[] = [];
  /** Per value: whether it is RIP-relative (a displacement off %rip). */
  const ripRelative: boolean[] = [];
  for (const op of st.operands) {
    const val = valueOfOperand(op);
    if (val === null) return undefined;
    if (val === undefined) {
      operandValue.push(-1);
      continue;
    }
    const t = tokenAt(starts, count, val.expr.span.start);
    if (t < 0 || ends[t] !== val.expr.span.end || plan.values === MAX_VALUES) return undefined;
    const v = plan.values++;
    if (!addValue(a, text, plan, val, t, v, count)) return undefined;
    plan.valueOf[t] = v;
    if (op.kind === "imm") plan.imms |= 1 << v;
    operandValue.push(v);
    ripRelative[v] = op.kind === "mem" && op.base?.cls === "rip";
  }
  const regValues = st.operands.map((op) => registerValues(plan, op, count));
  if (regValues.some((r) => r === undefined)) return undefined;
  // Every general register is a value: `variantKey` sees every high-byte register there.
  for (let t = 0; t < count; t++) if (GPR_CODE[codes[t]!] === 1 && plan.valueOf[t]! < 0) return undefined; // prettier-ignore
  plan.first = tokenAt(starts, count, st.span.start);
  plan.last = count - 1;
  while (plan.last >= 0 && ends[plan.last] !== st.span.end) plan.last--;
  const fields = fieldsOf(a, plan, operandValue, ripRelative, regValues as RegisterValues[]);
  if (fields === undefined || plan.first < 0 || plan.last < plan.first) return undefined;
  plan.fields = fields;
  return plan;
}

/**
 * Record what operand value `v` (token t of the scanned `text`) is, and for `name+N` also the
 * literal's value; false when the tokens are not what the parse says (no recipe).
 */
function addValue(
  a: Assembler,
  text: string,
  plan: Plan,
  val: OperandValue,
  t: number,
  v: number,
  count: number,
): boolean {
  // prettier-ignore
  const { starts, ends, codes } = SCANNED;
  const image = text.slice(starts[t]!, ends[t]!);
  if (val.kind === "literal") {
    if (!literalAt(text, t, val.expr)) return false;
    if (val.negate) plan.negated |= 1 << v;
  } else if (val.kind === "name" || val.kind === "offset") {
    // A name that is an equate now was substituted: the match saw its value, not a name.
    if (image !== val.expr.name || a.symbols.get(image)?.def?.kind === "equ") return false;
    plan.named |= 1 << v;
    if (val.kind === "name") return true;
    // The name, its operator, then the literal, as three tokens.
    const lit = t + 2;
    if (lit >= count || codes[t + 1] !== (val.op === "+" ? KEY_PLUS : KEY_MINUS)) return false;
    if (starts[lit] !== val.addend.span.start || ends[lit] !== val.addend.span.end) return false;
    if (!literalAt(text, lit, val.addend) || plan.values === MAX_VALUES) return false;
    const w = plan.values++;
    plan.valueOf[lit] = w;
    plan.addends |= 1 << w;
  } else {
    if (!isLocalRef(text, starts[t]!, ends[t]!) || image !== val.expr.label + val.expr.dir) return false; // prettier-ignore
    plan.locals |= 1 << v;
  }
  return true;
}

/** Whether token t of the scanned `text` is a literal that decodes exactly to `e`'s value. */
function literalAt(text: string, t: number, e: Extract<Expr, { kind: "num" }>): boolean {
  const { starts, ends, codes } = SCANNED;
  const n = decodeLiteral(text, starts[t]!, ends[t]!);
  return codes[t] === KEY_NUMBER && n === n && BigInt(n) === e.value;
}

/**
 * The value an operand's field gets: undefined when it has none (a register, memory without a
 * displacement), null when it is anything but a literal, a negated literal, a name, a name plus
 * or minus a literal, or `Nb`.
 */
function valueOfOperand(op: Operand): OperandValue | null | undefined {
  const m = op.kind === "indirect" ? op.target : op;
  if (m.kind === "reg") return undefined;
  const e = m.kind === "imm" ? m.expr : m.disp;
  if (e === undefined) return undefined;
  if (e.kind === "num") return { kind: "literal", expr: e, negate: false };
  if (e.kind === "unary" && e.op === "-" && e.arg.kind === "num") return { kind: "literal", expr: e.arg, negate: true }; // prettier-ignore
  if (e.kind === "sym") return { kind: "name", expr: e };
  if (e.kind === "binary" && (e.op === "+" || e.op === "-") && e.left.kind === "sym" && e.right.kind === "num") return { kind: "offset", expr: e.left, op: e.op, addend: e.right }; // prettier-ignore
  if (e.kind === "localref") return { kind: "local", expr: e };
  return null;
}

function tokenAt(starts: Int32Array, count: number, offset: number): number {
  for (let i = 0; i < count; i++) if (starts[i] === offset) return i;
  return -1;
}

/**
 * The fields of the last encoded instruction, packed; undefined when one is not a plain value
 * (a literal branch target or RIP-relative literal: ./insn.ts makes a fixup of a number).
 */
function fieldsOf(
  a: Assembler,
  plan: Plan,
  operandValue: number[],
  rip: boolean[],
  regValues: RegisterValues[],
): number[] | undefined {
  // prettier-ignore
  const out: number[] = [];
  if (!registerFields(a, plan, regValues, out)) return undefined;
  const symbolic = plan.named | plan.locals;
  for (const f of a.lastLayout!.fields) {
    const arg = a.lastArgs![f.operand]!;
    if (arg === IMPLIED_ONE) continue; // written as a constant
    const v = operandValue[arg];
    if (v === undefined) return undefined;
    if (v < 0) {
      if (f.role === "rel") return undefined;
      continue; // no displacement: 0 in the bytes
    }
    const isSymbolic = ((symbolic >> v) & 1) === 1;
    const pcrel = f.role === "rel" || (f.role === "disp" && rip[v]!);
    if (pcrel && !isSymbolic) return undefined;
    out.push(v, f.offset, f.width, +f.signed, ROLES.indexOf(f.role as "imm"), +pcrel);
  }
  return out;
}

/**
 * Whether the slow path added exactly the fixups the plan would (one per symbolic field, in
 * field order, at its offset, width, role and PC-relativity) from index `first` on.
 */
export function fixupsAsPlanned(a: Assembler, plan: Plan, at: number, first: number): boolean {
  const fixups = a.sec.fixups;
  const symbolic = plan.named | plan.locals;
  let k = first;
  for (let f = 0; f < plan.fields.length; f += FIELD_INTS) {
    if (((symbolic >> plan.fields[f]!) & 1) === 0) continue;
    const x = fixups[k++];
    if (x === undefined || x.off !== at + plan.fields[f + 1]! || x.width !== plan.fields[f + 2] || x.signed !== (plan.fields[f + 3] === 1)) return false; // prettier-ignore
    const kind = (plan.addends >> (plan.fields[f]! + 1)) & 1 ? "binary" : "sym";
    if (x.role !== ROLES[plan.fields[f + 4]!] || x.pcrel !== (plan.fields[f + 5] === 1) || x.expr.kind !== kind) return false; // prettier-ignore
  }
  return k === fixups.length;
}

/** The register values of one operand: its own register, a memory operand's base and index (-1: none). */
interface RegisterValues {
  reg: number;
  base: number;
  index: number;
}

/**
 * Make values of an operand's general registers (tokens of a register class): its register, or
 * a memory operand's 64-bit base and index. Undefined when a register token is not where the
 * parse says (the line is then no recipe).
 */
function registerValues(plan: Plan, op: Operand, count: number): RegisterValues | undefined {
  const { starts, ends, codes } = SCANNED;
  const out: RegisterValues = { reg: -1, base: -1, index: -1 };
  const add = (t: number, r: Register, addr: boolean): number => {
    const v = plan.values++;
    plan.valueOf[t] = v;
    plan.registers[v] = r;
    if (addr) plan.addrs |= 1 << v;
    else plan.regs |= 1 << v;
    return v;
  };
  const m = op.kind === "indirect" ? op.target : op;
  if (m.kind === "reg") {
    const t = tokenAt(starts, count, m.span.start);
    if (t < 0 || ends[t] !== m.span.end) return undefined;
    if (GPR_CODE[codes[t]!] === 1 && m.reg.cls === "gpr" && plan.values < MAX_VALUES) out.reg = add(t, m.reg, false); // prettier-ignore
    return out;
  }
  if (m.kind !== "mem") return out;
  // The tokens of `disp(base, index, scale)`: base right after `(`, index after the `,`.
  let t = 0;
  while (t < count && (starts[t]! < m.span.start || codes[t] !== KEY_LPAREN)) t++;
  if (t >= count || ends[t]! > m.span.end) return out; // no parentheses: no registers
  t++;
  if (m.base !== undefined && m.base.cls === "gpr") {
    if (codes[t] !== KEY_GPR64 || plan.values >= MAX_VALUES) return undefined;
    out.base = add(t, m.base, true);
    t++;
  } else if (m.base !== undefined) t++; // %rip: spelled
  if (m.index !== undefined) {
    if (codes[t] !== KEY_COMMA || codes[t + 1] !== KEY_GPR64 || plan.values >= MAX_VALUES) return undefined; // prettier-ignore
    out.index = add(t + 1, m.index, true);
  }
  return out;
}

/**
 * The register fields of the last encoded instruction, appended to `out`: an operand register's
 * byte, a memory operand's base byte and the index bits of its index byte, at the offsets the
 * layout gives. False when a register value would be neither written nor implied by its key
 * (a fixed operand other than registers 0-2), or when the bytes do not hold the registers there.
 */
function registerFields(
  a: Assembler,
  plan: Plan,
  regValues: RegisterValues[],
  out: number[],
): boolean {
  // prettier-ignore
  const form = a.lastForm!;
  const lay = a.lastLayout!;
  const data = a.sec.data;
  const at = a.lastAt;
  let written = 0;
  const field = (v: number, offset: number, role: number): boolean => {
    const num = plan.registers[v]!.num;
    const b = data[at + offset]!;
    if ((role === ROLE_INDEX ? b & INDEX_MASK : b) !== num) return false;
    out.push(v, offset, 1, 0, role, 0);
    written |= 1 << v;
    return true;
  };
  for (let i = 0; i < form.operands.length; i++) {
    const arg = a.lastArgs![i]!;
    if (arg === IMPLIED_ONE) continue;
    const rv = regValues[arg];
    if (rv === undefined) return false;
    const cls = operandClass(form.operands[i]!);
    const offset = lay.offsets[i]!;
    if (rv.reg >= 0 && cls !== OC_FIXED && !field(rv.reg, offset, ROLE_REG)) return false;
    const isMem = cls === OC_M || (cls === OC_E && (rv.base >= 0 || rv.index >= 0));
    if (isMem && rv.base >= 0 && !field(rv.base, offset + 1, ROLE_BASE)) return false;
    if (isMem && rv.index >= 0 && !field(rv.index, offset + 2, ROLE_INDEX)) return false;
  }
  // Every register value is written, or its key names it exactly (registers 0-2 of fixed forms).
  for (let v = 0; v < plan.values; v++) {
    const r = plan.registers[v];
    if (r !== undefined && ((written >> v) & 1) === 0 && r.num > RDX_NUM) return false;
  }
  return true;
}

/** Whether text[start, end) is `Nb` or `Nf` as ./lexer.ts decodeNumber reads it. */
export function isLocalRef(text: string, start: number, end: number): boolean {
  const last = text.charCodeAt(end - 1);
  if (end - start < 2 || (last !== CH_B && last !== CH_F)) return false;
  for (let i = start; i < end - 1; i++) {
    const c = text.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return false;
  }
  return true;
}
const CH_B = 0x62, CH_F = 0x66, CH_A = 0x61, CH_X = 0x78, CH_0 = 0x30, CH_9 = 0x39; // prettier-ignore

/** A decimal or hex literal's value, or NaN (octal, binary, suffixes, too many digits). */
export function decodeLiteral(text: string, start: number, end: number): number {
  const c0 = text.charCodeAt(start);
  if (c0 === CH_0 && end - start > 1) {
    const x = text.charCodeAt(start + 1) | 0x20;
    if (x !== CH_X || end - start < 3 || end - start - 2 > MAX_HEX_DIGITS) return NaN;
    let v = 0;
    for (let i = start + 2; i < end; i++) {
      const d = hexDigit(text.charCodeAt(i));
      if (d < 0) return NaN;
      v = v * 16 + d;
    }
    return v;
  }
  if (end - start > MAX_DEC_DIGITS) return NaN;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = text.charCodeAt(i) - CH_0;
    if (d < 0 || d > 9) return NaN;
    v = v * 10 + d;
  }
  return v;
}

function hexDigit(c: number): number {
  if (c >= CH_0 && c <= CH_9) return c - CH_0;
  const l = c | 0x20;
  return l >= CH_A && l <= CH_F ? l - CH_A + 10 : -1;
}
