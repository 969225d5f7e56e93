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
import type { Operand, Expr, Statement } from "./ast.js";
import type { SourceLine } from "./source-line.js";
import { NameFixup, OffsetFixup } from "./name-fixup.js";
import type { Assembler } from "./assembler.js";
import type { Fixup } from "./sections.js";
import { IMPLIED_ONE, OC_E, OC_FIXED, OC_M, operandClass } from "../isa/index.js";
import { GPR16, GPR32, GPR64, GPR8, GPR8_HIGH, HIGH_BYTE_BASE, needsRex, registerByName, type Register } from "../isa/registers.js"; // prettier-ignore
import { GPR_KEYS, KEY_DOT_NAME, KEY_GPR64, KEY_NAME, KEY_NUMBER, NameCodeTable, OWN_IMAGE, SCANNED, nameCode, scan } from "./line-template.js"; // prettier-ignore
import { immClass } from "./insn.js";

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
 * register's index in `REGISTERS`).
 */
const SK_COUNT = 0, SK_VALUES = 1, SK_NEGATED = 2, SK_IMMS = 3, SK_NAMES = 4, SK_LOCALS = 5; // prettier-ignore
const SK_FIRST = 6, SK_LAST = 7, SK_NEXT = 8, SK_VARIANTS = 9, SK_REGS = 10, SK_ADDRS = 11; // prettier-ignore
const SK_ADDENDS = 12;
const SK_HEADER = 13;
/** Per token: class code, value index (-1: spelled), offset of its characters, their count. */
const TOKEN_INTS = 4;
/** A variant record: byte count, field count, FIELD_INTS per field, then one int per byte. */
const V_BYTES = 0, V_FIELDS = 1, V_HEADER = 2; // prettier-ignore
/** Per field: value index, byte offset, width, signed (1/0), role, PC-relative (1/0). */
const FIELD_INTS = 6;
const ROLES = ["imm", "disp", "rel"] as const;
const ROLE_IMM = 0;
/** Register fields: an operand's register byte, a memory operand's base byte and index bits. */
const ROLE_REG = 3, ROLE_BASE = 4, ROLE_INDEX = 5; // prettier-ignore
/** The index byte of a memory operand holds the scale above these bits (src/isa/encode.ts). */
const INDEX_MASK = 0x1f;
/** Hash slots: skeletons [hash, record + 1]; variants [skeleton + 1, key low, key high, record]. */
const SK_SLOT = 2;
const V_SLOT = 4;
const INITIAL_SLOTS = 1 << 12;

const TWO32 = 2 ** 32;
const INT32_MIN = -(2 ** 31);
const INT32_END = 2 ** 31;
/** Decimal and hex literals of at most this many digits are exact doubles. */
const MAX_DEC_DIGITS = 15;
const MAX_HEX_DIGITS = 13;
/** Operand values per instruction (three operands, each a register or a memory operand's three). */
const MAX_VALUES = 8;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The values of the line being checked (decoded by `sameTokens`): numbers, or token indexes. */
const values = new Float64Array(MAX_VALUES);
/**
 * The general registers a recipe may take as values, and per register (by index): its match key
 * as an operand (./insn.ts `regKey`'s partition: %al/%cl/%dx-like registers 0-2 exactly, others
 * by size, REX need and high byte) and as a base or index (REX need; %rsp on its own: it cannot
 * be an index).
 */
const REGISTERS: Register[] = [...GPR64, ...GPR32, ...GPR16, ...GPR8, ...GPR8_HIGH].map((n) => registerByName(n)!); // prettier-ignore
const REGISTER_BY_CODE = new NameCodeTable(REGISTERS.map((r, i) => [nameCode(r.name, 0, r.name.length), i])); // prettier-ignore
const RDX_NUM = 2;
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
 * Keys with and without the REX need. The matcher reads a register's REX need only to refuse a
 * high-byte register (%ah-%bh) in an instruction that needs REX (src/isa/match.ts checkHighByte,
 * SDM vol. 2, 2.2.1.2); the bytecode holds register numbers whole. So without a high-byte
 * register among its values a line's form and bytes do not depend on which registers need REX,
 * and %rbx and %r9 can share a variant.
 */
const REGISTER_KEYS = REGISTERS.map((r, i) =>
  r.num > RDX_NUM ? regClassKey(r, true) : KEY_EXACT_REGISTER + i,
);
const REGISTER_KEYS_ANY_REX = REGISTERS.map((r, i) =>
  r.num > RDX_NUM ? regClassKey(r, false) : KEY_EXACT_REGISTER + i,
);
const ADDRESS_KEYS = REGISTERS.map((r) => (r.num === RSP_NUM ? KEY_RSP_ADDRESS : +needsRex(r)));
const ADDRESS_KEYS_ANY_REX = REGISTERS.map((r) => (r.num === RSP_NUM ? KEY_RSP_ADDRESS : 0));
/** Per register (by index): 1 for the high-byte registers. */
const HIGH_BYTE = Uint8Array.from(REGISTERS, (r) => +isHighByte(r));
/** 1 for the token classes of the general registers (line-template.ts CLASSES). */
const GPR_CODE = new Uint8Array(128);
for (const k of GPR_KEYS) GPR_CODE[k.charCodeAt(0)] = 1;
const KEY_LPAREN = "(".charCodeAt(0);
const KEY_PLUS = "+".charCodeAt(0);
const KEY_MINUS = "-".charCodeAt(0);
const KEY_COMMA = ",".charCodeAt(0);

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
  const regKeys = high ? REGISTER_KEYS : REGISTER_KEYS_ANY_REX;
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
  return key;
}

/** A symbolic immediate's key (above every immClass). */
const KEY_SYMBOLIC = KEY_SPAN - 1;

/** The symbol `Nb`/`Nf` in text[start, end) names now (./eval.ts Binder), or undefined. */
function localName(a: Assembler, text: string, start: number, end: number): string | undefined {
  const dir = text.charCodeAt(end - 1) === CH_B ? "b" : "f";
  return a.symbols.numericRef(text.slice(start, end - 1), dir);
}

/** Whether text[start, end) is `Nb` or `Nf` as ./lexer.ts decodeNumber reads it. */
function isLocalRef(text: string, start: number, end: number): boolean {
  const last = text.charCodeAt(end - 1);
  if (end - start < 2 || (last !== CH_B && last !== CH_F)) return false;
  for (let i = start; i < end - 1; i++) {
    const c = text.charCodeAt(i);
    if (c < CH_0 || c > CH_9) return false;
  }
  return true;
}
const CH_B = 0x62;
const CH_F = 0x66;
const CH_A = 0x61, CH_X = 0x78, CH_Z = 0x7a, CH_0 = 0x30, CH_9 = 0x39, CH_SPACE = 0x20, CH_TAB = 0x09; // prettier-ignore

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
  const limit = 2 ** (8 * width);
  return signed ? v >= -limit / 2 && v < limit / 2 : v > -limit && v < limit;
}

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

/** A decimal or hex literal's value, or NaN (octal, binary, suffixes, too many digits). */
function decodeLiteral(text: string, start: number, end: number): number {
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

/** What a new skeleton and its variants need to know about an eligible statement. */
interface Plan {
  /** Per token: the index of the value it holds, or -1. */
  valueOf: Int8Array;
  values: number;
  negated: number;
  imms: number;
  named: number;
  locals: number;
  addends: number;
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
function planOf(a: Assembler, text: string, st: Insn, count: number): Plan | undefined {
  const { starts, ends, codes } = SCANNED;
  const plan: Plan = { valueOf: new Int8Array(count).fill(-1), values: 0, negated: 0, imms: 0, named: 0, locals: 0, addends: 0, regs: 0, addrs: 0, registers: [], first: -1, last: -1, fields: [] }; // prettier-ignore
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

/** Store a skeleton for the scanned `text`; returns its record. */
function storeSkeleton(pool: Pool, text: string, count: number, plan: Plan, next: number): number {
  const { starts, ends, codes } = SCANNED;
  let chars = 0;
  for (let i = 0; i < count; i++) if (spelled(codes[i]!, plan.valueOf[i]!)) chars += ends[i]! - starts[i]!; // prettier-ignore
  const sk = pool.alloc(SK_HEADER + count * TOKEN_INTS + chars);
  const d = pool.data;
  d.set([count, plan.values, plan.negated, plan.imms, plan.named, plan.locals, plan.first, plan.last, next, 0, plan.regs, plan.addrs, plan.addends], sk); // prettier-ignore
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
function fixupsAsPlanned(a: Assembler, plan: Plan, at: number, first: number): boolean {
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
