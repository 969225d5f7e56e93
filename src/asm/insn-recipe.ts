// Instruction recipes: the encoded bytes of an instruction line, reused for every later line that
// differs from it only in its operand values: numeric immediates and displacements, and symbol
// names (with their fixups).
//
// Compiler output repeats a few thousand instruction skeletons (`movq #(%rsi), %rax`,
// `subq $#, %rsp`, `call #`, `leaq #(%rip), %r8`) with different numbers and names. The bytecode
// has fixed-width fields whose offsets depend only on the form and on which operands are memory
// (src/isa/layout.ts), and the form depends only on the mnemonic, the registers and each
// immediate's match key (./insn.ts `immClass`; a symbolic immediate has a key of its own). So
// once a line of a skeleton has been parsed, matched and encoded without a diagnostic, a later
// line with the same tokens (same classes, same spelling of every token but the operand values)
// and immediates of the same keys gets the same bytes with its own numbers written into the
// fields and, for each name, the fixup ./insn.ts would have made: no parse tree, no match, no
// encode.
//
// What makes a line eligible (checked when the recipe is made, from the slow path's own result):
// one instruction statement, no prefix, every operand value a decimal or hex literal, its
// negation, a symbol name, a name plus or minus a literal (`%gs:cpu_number+8`) or a numeric
// local label reference (`1b`), no diagnostic, no section
// or fragment change, and exactly the fixups those names explain. What a hit checks: the same
// token classes and spellings, the literals decode exactly as safe integers, each immediate has
// the reference's key, each field's value in the range where ./insn.ts's checks stay silent,
// no name is an equate (its value would be substituted) and every `Nb` has its label. Anything
// else takes the slow path, which is the definition (tested: both paths give the same objects
// and diagnostics).
import type { Statement } from "./ast.js";
import type { SourceLine } from "./source-line.js";
import { NameFixup, OffsetFixup } from "./name-fixup.js";
import type { Assembler } from "./assembler.js";
import type { Fixup } from "./sections.js";
import { GPR16, GPR32, GPR64, GPR8, GPR8_HIGH, HIGH_BYTE_BASE, needsRex, registerByName, type Register } from "../isa/registers.js"; // prettier-ignore
import { KEY_DOT_NAME, KEY_NAME, KEY_NUMBER, NameCodeTable, OWN_IMAGE, SCANNED, nameCode, scan } from "./line-template.js"; // prettier-ignore
import { immClass } from "./insn.js";
import { FIELD_INTS, GPR_CODE, INDEX_MASK, KEY_MINUS, MAX_VALUES, RDX_NUM, ROLES, ROLE_IMM, ROLE_INDEX, ROLE_REG, decodeLiteral, fixupsAsPlanned, isLocalRef, planOf, type Plan } from "./insn-plan.js"; // prettier-ignore

type Insn = Extract<Statement, { kind: "insn" }>;

// The recipes live in typed-array pools, not objects: a line's lookup then touches a hash slot
// and one contiguous record per table instead of a chain of small objects (each a cache miss,
// which made an object version slower than parsing).

/** Skeletons in all, per hash chain (they differ in a number that is not a value: a scale). */
const MAX_SKELETONS = 1 << 16;
const MAX_CHAIN = 8;
/** Encodings per skeleton at most: one per combination of immediate keys. */
const MAX_VARIANTS = 1024;
/** Above every immediate key ./insn.ts `immClass` returns. */
const KEY_SPAN = 65536;

/**
 * A skeleton record: header, then TOKEN_INTS per token, then the spelled tokens' characters.
 * Bit v of NEGATED, IMMS, NAMES, LOCALS: value v is negated (`-8(%rbp)`), an immediate, a symbol
 * name, a numeric local label reference; of ADDENDS: the literal added to or subtracted from
 * the name that is value v - 1 (`name+N`: the name, the operator, then the literal); of REGS,
 * ADDRS: an operand register, a base or index register of a memory operand (its value is the
 * register's index in `REGISTERS`). FIXED: 1 when the mnemonic has a fixed-register form.
 */
const SK_COUNT = 0, SK_VALUES = 1, SK_NEGATED = 2, SK_IMMS = 3, SK_NAMES = 4, SK_LOCALS = 5; // prettier-ignore
const SK_FIRST = 6, SK_LAST = 7, SK_NEXT = 8, SK_VARIANTS = 9, SK_REGS = 10, SK_ADDRS = 11; // prettier-ignore
const SK_ADDENDS = 12, SK_FIXED = 13; // prettier-ignore
const SK_HEADER = 14;
/** Per token: class code, value index (-1: spelled), offset of its characters, their count. */
const TOKEN_INTS = 4;
/** A variant record: byte count, field count, FIELD_INTS per field, then one int per byte. */
const V_BYTES = 0, V_FIELDS = 1, V_HEADER = 2; // prettier-ignore
/** Hash slots: skeletons [hash, record + 1]; variants [skeleton + 1, key low, key high, record]. */
const SK_SLOT = 2;
const V_SLOT = 4;
const INITIAL_SLOTS = 1 << 12;

const TWO32 = 2 ** 32;
const INT32_MIN = -(2 ** 31);
const INT32_END = 2 ** 31;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The values of the line being checked (decoded by `sameTokens`): numbers, or token indexes. */
const values = new Float64Array(MAX_VALUES);
/**
 * The general registers a recipe may take as values, and per register (by index): its match key
 * as an operand (at most ./insn.ts `regKey`'s partition: %al/%cl/%dx-like registers 0-2 exactly,
 * others by size, REX need and high byte; coarser where the matcher cannot tell them apart, see
 * REGISTER_KEYS) and as a base or index (REX need; %rsp on its own: it cannot be an index).
 */
const REGISTERS: Register[] = [...GPR64, ...GPR32, ...GPR16, ...GPR8, ...GPR8_HIGH].map((n) => registerByName(n)!); // prettier-ignore
const REGISTER_BY_CODE = new NameCodeTable(REGISTERS.map((r, i) => [nameCode(r.name, 0, r.name.length), i])); // prettier-ignore
const RSP_NUM = 4;
/** Operand keys: a class key (below KEY_EXACT_REGISTER) or KEY_EXACT_REGISTER + the index. */
const KEY_EXACT_REGISTER = 100;
/** %rsp as a base or index: a key of its own (it cannot be an index; the parser rejects it). */
const KEY_RSP_ADDRESS = 2;
/**
 * A register's class key: size, REX need and high byte, as ./insn.ts regKey tells them apart
 * (`rex` false: the key without the REX need).
 */
function regClassKey(r: Register, rex: boolean): number {
  return 1 + (r.size / 8) * 4 + +(rex && needsRex(r)) * 2 + +isHighByte(r);
}
function isHighByte(r: Register): boolean {
  return r.num >= HIGH_BYTE_BASE;
}
/**
 * Keys with and without the REX need, and with registers 0-2 exact or by class. The matcher
 * reads a register's REX need only to refuse a high-byte register (%ah-%bh) in an instruction
 * that needs REX (src/isa/match.ts checkHighByte, SDM vol. 2, 2.2.1.2), and its number only for
 * the fixed-register operands (AL/AX/EAX/RAX, CL, DX) of some mnemonics' forms; the bytecode
 * holds register numbers whole. So without a high-byte register among its values a line's form
 * and bytes do not depend on which registers need REX (%rbx and %r9 share a variant), and for a
 * mnemonic without fixed-register forms %rax is one more 64-bit register.
 */
const registerKeys = (rex: boolean, exact: boolean): number[] =>
  REGISTERS.map((r, i) => (exact && r.num <= RDX_NUM ? KEY_EXACT_REGISTER + i : regClassKey(r, rex))); // prettier-ignore
/** By 2 * (high-byte register present) + (fixed-register forms): the register keys. */
const REGISTER_KEYS = [registerKeys(false, false), registerKeys(false, true), registerKeys(true, false), registerKeys(true, true)]; // prettier-ignore
const ADDRESS_KEYS = REGISTERS.map((r) => (r.num === RSP_NUM ? KEY_RSP_ADDRESS : +needsRex(r)));
const ADDRESS_KEYS_ANY_REX = REGISTERS.map((r) => (r.num === RSP_NUM ? KEY_RSP_ADDRESS : 0));
/** Per register (by index): 1 for the high-byte registers. */
const HIGH_BYTE = Uint8Array.from(REGISTERS, (r) => +isHighByte(r));

/** The names of its symbolic values (made by `variantKey`: they are needed only on a hit). */
const names: string[] = new Array<string>(MAX_VALUES).fill("");

/** An append-only Int32Array that doubles when full. */
class Pool {
  data = new Int32Array(1 << 16);
  used = 0;
  alloc(n: number): number {
    const at = this.used;
    if (at + n > this.data.length) {
      let cap = this.data.length * 2;
      while (cap < at + n) cap *= 2;
      const bigger = new Int32Array(cap);
      bigger.set(this.data.subarray(0, at));
      this.data = bigger;
    }
    this.used = at + n;
    return at;
  }
}

/** An open-addressed table of `width` ints per slot; slot word 0 is never 0 when used. */
class Slots {
  data: Int32Array;
  used = 0;
  constructor(readonly width: number) {
    this.data = new Int32Array(INITIAL_SLOTS * width);
  }
  get mask(): number {
    return this.data.length / this.width - 1;
  }
  /** Count a new entry; doubles the table (rehashing with `hashOf`) past half full. */
  added(hashOf: (d: Int32Array, at: number) => number): void {
    if (++this.used * 2 <= this.data.length / this.width) return;
    const old = this.data;
    const w = this.width;
    this.data = new Int32Array(old.length * 2);
    const mask = this.mask;
    for (let at = 0; at < old.length; at += w) {
      if (old[at] === 0) continue;
      let i = hashOf(old, at) & mask;
      while (this.data[i * w] !== 0) i = (i + 1) & mask;
      this.data.set(old.subarray(at, at + w), i * w);
    }
  }
}

export class InsnRecipes {
  private readonly skeletons = new Pool();
  private readonly variants = new Pool();
  private readonly skSlots = new Slots(SK_SLOT);
  private readonly vSlots = new Slots(V_SLOT);
  private count = 0;
  /** Lines emitted from recipes (tests check that the path is taken). */
  hits = 0;
  /** The span of the statement `emit` last wrote, relative to its text. */
  spanStart = 0;
  spanEnd = 0;

  /**
   * Emit the instruction statement `text` (= line.text[start, start + text.length)) from a
   * recipe; false when none applies (nothing written).
   */
  emit(a: Assembler, line: SourceLine, start: number, text: string): boolean {
    if (!this.prepare(a, text)) return false;
    this.commit(a, line, start);
    return true;
  }

  /**
   * Find the recipe for the instruction statement `text` and check that it applies, changing
   * nothing: `commit` then emits it (the scan buffers must still hold `text`). False when none
   * applies.
   */
  prepare(a: Assembler, text: string): boolean {
    this.preparedSk = -1;
    if (!startsWithLetter(text)) return false; // directives, labels on their own: never recipes
    const count = scan(text);
    if (count <= 0) return false;
    const sk = this.find(text, count, skeletonHash(text, count));
    if (sk < 0) return false;
    const key = variantKey(a, text, this.skeletons.data, sk);
    if (key !== key) return false;
    const v = this.variant(sk, key);
    const pool = this.skeletons.data;
    if (v < 0 || !fieldsFit(this.variants.data, v, pool[sk + SK_NAMES]! | pool[sk + SK_LOCALS]!)) return false; // prettier-ignore
    this.preparedSk = sk;
    this.preparedV = v;
    return true;
  }

  /** Whether the prepared recipe refers to numeric local labels (`1b`, `2f`). */
  get preparedUsesLocals(): boolean {
    return this.skeletons.data[this.preparedSk + SK_LOCALS] !== 0;
  }

  /** Emit the prepared recipe for the statement at column `start` of `line`. */
  commit(a: Assembler, line: SourceLine, start: number): void {
    const pool = this.skeletons.data;
    const sk = this.preparedSk;
    const { starts, ends } = SCANNED;
    this.spanStart = starts[pool[sk + SK_FIRST]!]!;
    this.spanEnd = ends[pool[sk + SK_LAST]!]!;
    a.lineEntryAt(line, start + this.spanStart, start + this.spanEnd);
    write(a, line, start, pool, sk, this.variants.data, this.preparedV);
    this.hits++;
  }
  private preparedSk = -1;
  private preparedV = -1;

  /**
   * Remember how the slow path encoded `st` (the only statement of `text`), which it just
   * placed at `at` in the current section without diagnostics, adding the fixups from index
   * `fixups` on.
   */
  learn(a: Assembler, text: string, st: Insn, at: number, fixups: number): void {
    if (st.prefixes.length > 0 || a.lastAt !== at || !startsWithLetter(text)) return;
    const count = scan(text);
    if (count <= 0) return;
    const plan = planOf(a, text, st, count);
    if (plan === undefined || !fixupsAsPlanned(a, plan, at, fixups)) return;
    const h = skeletonHash(text, count);
    let sk = this.find(text, count, h);
    if (sk < 0) sk = this.addSkeleton(text, count, h, plan);
    if (sk < 0 || !sameTokens(this.skeletons.data, sk, text)) return; // decodes `values`
    const key = variantKey(a, text, this.skeletons.data, sk);
    if (key !== key || this.variant(sk, key) >= 0) return;
    if (this.skeletons.data[sk + SK_VARIANTS]! >= MAX_VARIANTS) return;
    this.skeletons.data[sk + SK_VARIANTS]!++;
    this.addVariant(sk, key, plan.fields, a.sec.data.subarray(at, a.sec.size));
  }

  /** The skeleton record of the scanned `text` (hash `h`), its values decoded; or -1. */
  private find(text: string, count: number, h: number): number {
    const slots = this.skSlots.data;
    const mask = this.skSlots.mask;
    const pool = this.skeletons.data;
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const v = slots[i * SK_SLOT]!;
      if (v === 0) return -1;
      if (v !== h) continue;
      for (let sk = slots[i * SK_SLOT + 1]! - 1; sk >= 0; sk = pool[sk + SK_NEXT]!) {
        if (pool[sk + SK_COUNT] === count && sameTokens(pool, sk, text)) return sk;
      }
      return -1;
    }
  }

  private addSkeleton(text: string, count: number, h: number, plan: Plan): number {
    if (this.count >= MAX_SKELETONS) return -1;
    const slots = this.skSlots.data;
    const mask = this.skSlots.mask;
    let i = h & mask;
    while (slots[i * SK_SLOT] !== 0 && slots[i * SK_SLOT] !== h) i = (i + 1) & mask;
    const head = slots[i * SK_SLOT + 1]! - 1;
    let n = 0;
    for (let x = head; x >= 0; x = this.skeletons.data[x + SK_NEXT]!) n++;
    if (n >= MAX_CHAIN) return -1;
    const sk = storeSkeleton(this.skeletons, text, count, plan, head);
    this.count++;
    const isNew = slots[i * SK_SLOT] === 0;
    slots[i * SK_SLOT] = h;
    slots[i * SK_SLOT + 1] = sk + 1;
    if (isNew) this.skSlots.added((d, at) => d[at]!);
    return sk;
  }

  /** The variant record of skeleton `sk` for immediates of key `key`, or -1. */
  private variant(sk: number, key: number): number {
    const lo = (key % TWO32) | 0;
    const hi = Math.floor(key / TWO32) | 0;
    const slots = this.vSlots.data;
    const mask = this.vSlots.mask;
    for (let i = variantHash(sk + 1, lo, hi) & mask; ; i = (i + 1) & mask) {
      const at = i * V_SLOT;
      const s = slots[at]!;
      if (s === 0) return -1;
      if (s === sk + 1 && slots[at + 1] === lo && slots[at + 2] === hi) return slots[at + 3]!;
    }
  }

  private addVariant(sk: number, key: number, fields: number[], bytes: Uint8Array): void {
    const pool = this.variants;
    const v = pool.alloc(V_HEADER + fields.length + bytes.length);
    const d = pool.data;
    d[v + V_BYTES] = bytes.length;
    d[v + V_FIELDS] = fields.length / FIELD_INTS;
    d.set(fields, v + V_HEADER);
    d.set(bytes, v + V_HEADER + fields.length);
    const lo = (key % TWO32) | 0;
    const hi = Math.floor(key / TWO32) | 0;
    const slots = this.vSlots.data;
    const mask = this.vSlots.mask;
    let i = variantHash(sk + 1, lo, hi) & mask;
    while (slots[i * V_SLOT] !== 0) i = (i + 1) & mask;
    slots.set([sk + 1, lo, hi, v], i * V_SLOT);
    this.vSlots.added((s, at) => variantHash(s[at]!, s[at + 1]!, s[at + 2]!));
  }
}

function variantHash(sk1: number, lo: number, hi: number): number {
  let h = Math.imul(FNV_OFFSET ^ sk1, FNV_PRIME);
  h = Math.imul(h ^ lo, FNV_PRIME);
  return Math.imul(h ^ hi, FNV_PRIME);
}

function startsWithLetter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === CH_SPACE || c === CH_TAB) continue;
    const l = c | 0x20;
    return l >= CH_A && l <= CH_Z;
  }
  return false;
}

/**
 * FNV-1a over the token classes and the spelling of the tokens that cannot be operand values:
 * not numbers, not names after the mnemonic; never 0.
 */
function skeletonHash(text: string, count: number): number {
  const { starts, ends, codes } = SCANNED;
  let h = FNV_OFFSET;
  for (let i = 0; i < count; i++) {
    const c = codes[i]!;
    h = Math.imul(h ^ c, FNV_PRIME);
    if (c === KEY_NUMBER || OWN_IMAGE[c] !== 1) continue;
    if (i > 0 && (c === KEY_NAME || c === KEY_DOT_NAME)) continue;
    if (GPR_CODE[c] === 1) continue; // registers may be values
    for (let j = starts[i]!; j < ends[i]!; j++) h = Math.imul(h ^ text.charCodeAt(j), FNV_PRIME);
  }
  return h | 1;
}

/**
 * Whether the scanned `text` has skeleton `sk`'s tokens: the same classes, the same spelling
 * except the value literals, which must decode (into `values`, negated where it says).
 */
function sameTokens(pool: Int32Array, sk: number, text: string): boolean {
  const { starts, ends, codes } = SCANNED;
  const count = pool[sk + SK_COUNT]!;
  const negated = pool[sk + SK_NEGATED]!;
  const symbolic = pool[sk + SK_NAMES]! | pool[sk + SK_LOCALS]!;
  const registers = pool[sk + SK_REGS]! | pool[sk + SK_ADDRS]!;
  for (let i = 0, k = sk + SK_HEADER; i < count; i++, k += TOKEN_INTS) {
    const c = codes[i]!;
    if (c !== pool[k]) return false;
    if (OWN_IMAGE[c] !== 1) continue; // operators are spelled by their class
    const s = starts[i]!;
    const n = ends[i]! - s;
    const v = pool[k + 1]!;
    if (v >= 0) {
      if ((registers >> v) & 1) {
        const r = REGISTER_BY_CODE.get(nameCode(text, s + 1, s + n));
        if (r < 0) return false;
        values[v] = r;
        continue;
      }
      if ((symbolic >> v) & 1) {
        // A name (its class is checked above), or `Nb`/`Nf` in a number token.
        if (c === KEY_NUMBER && !isLocalRef(text, s, s + n)) return false;
        values[v] = i;
        continue;
      }
      const x = decodeLiteral(text, s, s + n);
      if (x !== x) return false; // NaN: not a plain literal
      values[v] = (negated >> v) & 1 ? -x : x;
      continue;
    }
    if (n !== pool[k + 3]) return false;
    const chars = pool[k + 2]!;
    for (let j = 0; j < n; j++) if (text.charCodeAt(s + j) !== pool[chars + j]) return false;
  }
  return true;
}

/**
 * The match keys of the decoded immediates as one number (a base-KEY_SPAN numeral), or NaN
 * when the slow path would do something else: a displacement out of the signed 32-bit range
 * (./insn.ts reports it), a name that is an equate (./eval.ts Binder substitutes its value), a
 * `Nb` without an earlier `N:` (reported). Makes `names` for the symbolic values.
 */
function variantKey(a: Assembler, text: string, pool: Int32Array, sk: number): number {
  const imms = pool[sk + SK_IMMS]!;
  const named = pool[sk + SK_NAMES]!;
  const locals = pool[sk + SK_LOCALS]!;
  const regs = pool[sk + SK_REGS]!;
  const addrs = pool[sk + SK_ADDRS]!;
  const count = pool[sk + SK_VALUES]!;
  let high = 0;
  for (let v = 0; v < count; v++) if ((regs >> v) & 1) high |= HIGH_BYTE[values[v]!]!;
  const regKeys = REGISTER_KEYS[2 * high + pool[sk + SK_FIXED]!]!;
  const addressKeys = high ? ADDRESS_KEYS : ADDRESS_KEYS_ANY_REX;
  let key = 0;
  for (let v = 0; v < count; v++) {
    const x = values[v]!;
    if ((regs >> v) & 1) key = key * KEY_SPAN + regKeys[x]!;
    else if ((addrs >> v) & 1) key = key * KEY_SPAN + addressKeys[x]!;
    else if (((named | locals) >> v) & 1) {
      const { starts, ends } = SCANNED;
      const name = (named >> v) & 1 ? text.slice(starts[x]!, ends[x]!) : localName(a, text, starts[x]!, ends[x]!); // prettier-ignore
      if (name === undefined) return NaN;
      if (a.symbols.equates > 0 && a.symbols.get(name)?.def?.kind === "equ") return NaN;
      names[v] = name;
      if ((imms >> v) & 1) key = key * KEY_SPAN + KEY_SYMBOLIC;
    } else if ((imms >> v) & 1) key = key * KEY_SPAN + immClass(x);
    else if (!(x >= INT32_MIN && x < INT32_END)) return NaN;
  }
  // Past 2^53 a double drops the last digits: two variants could share a key (`imul $sym,
  // 8(%rbx,%rcx,4), %rax` has four): such a line takes the slow path instead.
  return key <= Number.MAX_SAFE_INTEGER ? key : NaN;
}

/** A symbolic immediate's key (above every immClass). */
const KEY_SYMBOLIC = KEY_SPAN - 1;

const CH_B = 0x62, CH_A = 0x61, CH_Z = 0x7a, CH_SPACE = 0x20, CH_TAB = 0x09; // prettier-ignore

/** The symbol `Nb`/`Nf` in text[start, end) names now (./eval.ts Binder), or undefined. */
function localName(a: Assembler, text: string, start: number, end: number): string | undefined {
  const dir = text.charCodeAt(end - 1) === CH_B ? "b" : "f";
  return a.symbols.numericRef(text.slice(start, end - 1), dir);
}

/** Whether every immediate field of variant `v` holds its value without a diagnostic. */
function fieldsFit(pool: Int32Array, v: number, symbolic: number): boolean {
  const end = v + V_HEADER + pool[v + V_FIELDS]! * FIELD_INTS;
  for (let f = v + V_HEADER; f < end; f += FIELD_INTS) {
    const val = pool[f]!;
    if (pool[f + 4] !== ROLE_IMM || (symbolic >> val) & 1) continue;
    if (!fitsSilently(values[val]!, pool[f + 2]!, pool[f + 3] === 1)) return false;
  }
  return true;
}

/** ./insn.ts checkConstant's silent range for an immediate field. */
function fitsSilently(v: number, width: number, signed: boolean): boolean {
  if (width >= 8) return true;
  const limit = FIELD_LIMIT[width]!;
  return signed ? v >= -limit / 2 && v < limit / 2 : v > -limit && v < limit;
}
/** 2 ** (8 * width) for the field widths below 8 (a table: `**` calls Math.pow on every hit). */
const FIELD_LIMIT = [1, 2 ** 8, 2 ** 16, 2 ** 24, 2 ** 32];

/**
 * Variant `v`'s bytes at the end of the current section, with the numbers written into their
 * fields and, for each name, the fixup ./insn.ts `emit` makes (same fields, same order).
 */
function write(
  a: Assembler,
  line: SourceLine,
  start: number,
  skPool: Int32Array,
  sk: number,
  vPool: Int32Array,
  v: number,
): void {
  const sec = a.sec;
  const n = vPool[v + V_BYTES]!;
  const fieldsAt = v + V_HEADER;
  const fieldsEnd = fieldsAt + vPool[v + V_FIELDS]! * FIELD_INTS;
  const at = sec.reserve(n);
  const data = sec.data;
  for (let i = 0; i < n; i++) data[at + i] = vPool[fieldsEnd + i]!;
  const symbolic = skPool[sk + SK_NAMES]! | skPool[sk + SK_LOCALS]!;
  const addends = skPool[sk + SK_ADDENDS]!;
  for (let f = fieldsAt; f < fieldsEnd; f += FIELD_INTS) {
    const val = vPool[f]!;
    const p = at + vPool[f + 1]!;
    const width = vPool[f + 2]!;
    const role = vPool[f + 4]!;
    if (role >= ROLE_REG) {
      const num = REGISTERS[values[val]!]!.num;
      data[p] = role === ROLE_INDEX ? (data[p]! & ~INDEX_MASK) | num : num;
      continue;
    }
    if ((symbolic >> val) & 1) {
      const t = values[val]!;
      const { starts, ends, codes } = SCANNED;
      const fixup = (addends >> (val + 1)) & 1
        ? new OffsetFixup(sec.frag, p, width as Fixup["width"], ROLES[role]!, vPool[f + 3] === 1, at + n, vPool[f + 5] === 1, names[val]!, starts[t]!, ends[t + 2]!, ends[t]!, codes[t + 1] === KEY_MINUS ? "-" : "+", values[val + 1]!, starts[t + 2]!) // prettier-ignore
        : new NameFixup(sec.frag, p, width as Fixup["width"], ROLES[role]!, vPool[f + 3] === 1, at + n, vPool[f + 5] === 1, names[val]!, starts[t]!, ends[t]!); // prettier-ignore
      fixup.locate(line, start);
      a.addFixup(fixup);
      continue;
    }
    const value = values[val]!;
    const lo = value | 0; // the low 32 bits (ToInt32 is modulo 2^32)
    for (let b = 0; b < width && b < 4; b++) data[p + b] = (lo >>> (8 * b)) & 0xff;
    if (width === 8) {
      const hi = Math.floor(value / TWO32) | 0;
      for (let b = 0; b < 4; b++) data[p + 4 + b] = (hi >>> (8 * b)) & 0xff;
    }
  }
}

/** Store a skeleton for the scanned `text`; returns its record. */
function storeSkeleton(pool: Pool, text: string, count: number, plan: Plan, next: number): number {
  const { starts, ends, codes } = SCANNED;
  let chars = 0;
  for (let i = 0; i < count; i++) if (spelled(codes[i]!, plan.valueOf[i]!)) chars += ends[i]! - starts[i]!; // prettier-ignore
  const sk = pool.alloc(SK_HEADER + count * TOKEN_INTS + chars);
  const d = pool.data;
  d.set([count, plan.values, plan.negated, plan.imms, plan.named, plan.locals, plan.first, plan.last, next, 0, plan.regs, plan.addrs, plan.addends, plan.fixed], sk); // prettier-ignore
  let c = sk + SK_HEADER + count * TOKEN_INTS;
  for (let i = 0, k = sk + SK_HEADER; i < count; i++, k += TOKEN_INTS) {
    d[k] = codes[i]!;
    d[k + 1] = plan.valueOf[i]!;
    if (!spelled(codes[i]!, plan.valueOf[i]!)) continue;
    d[k + 2] = c;
    d[k + 3] = ends[i]! - starts[i]!;
    for (let j = starts[i]!; j < ends[i]!; j++) d[c++] = text.charCodeAt(j);
  }
  return sk;
}

/** Whether a token is compared by its spelling (not an operator, not a value). */
function spelled(code: number, value: number): boolean {
  return OWN_IMAGE[code] === 1 && value < 0;
}
