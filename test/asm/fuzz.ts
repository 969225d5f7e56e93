// The differential fuzzer: random straight-line sequences of user-level instructions (from the
// isa table FORMS), register operands and a 128-byte scratch buffer at %rbp, random register and
// flag values, all from a seeded PRNG. Many sequences are batched into one assembly program that
// (for each sequence) loads the registers, flags and buffer, runs the sequence and prints every
// register, the flags and the buffer with the harness (harness.h). The program runs once on the VM
// and once natively; the outputs must be identical (on a host other than the reference CPU, flags
// the SDM leaves undefined are masked and sequences that read one are not compared).
import type { DecodedInsn, IsaForm, OperandValue } from "../../src/isa/index.js";
import {
  decode,
  disassemble,
  encode,
  FLAG_AF,
  FLAG_CF,
  FLAG_OF,
  FLAG_PF,
  FLAG_SF,
  FLAG_ZF,
  FORMS,
  MEM_NONE,
} from "../../src/isa/index.js";

/** Status flags (what the fuzzer randomises and compares). */
const STATUS = FLAG_CF | FLAG_PF | FLAG_AF | FLAG_ZF | FLAG_SF | FLAG_OF;
const RBP = 5;
const RSP = 4;
/** Registers sequences may use: all but %rsp (the stack) and %rbp (the buffer base). */
export const POOL = [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];
const NAMES64 = ["rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
  "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15"]; // prettier-ignore
const AH_FIRST = 0x10;
const BUF_BYTES = 128;
const BUF_QUADS = BUF_BYTES / 8;
const MAX_ACCESS = 8;
const SHIFT_LIKE = new Set(["shl", "shr", "sar", "rol", "ror"]);
const SHIFTS = new Set(["shl", "shr", "sar"]);
/** Mnemonics left out: stack, faults (#DE), flags/IF/AC writes that user code cannot make. */
const EXCLUDED = new Set(["push", "pop", "pushf", "popf", "div", "idiv"]);
const BT = new Set(["bt", "bts", "btr", "btc"]);

/** xorshift128+: deterministic across platforms, 64-bit values as bigint. */
export class Prng {
  private s0: bigint;
  private s1: bigint;
  constructor(seed: number) {
    this.s0 = BigInt.asUintN(64, BigInt(seed) * 0x9e3779b97f4a7c15n + 1n);
    this.s1 = BigInt.asUintN(64, this.s0 ^ 0x6a09e667f3bcc909n);
    for (let i = 0; i < 8; i++) this.next64();
  }
  next64(): bigint {
    let x = this.s0;
    const y = this.s1;
    this.s0 = y;
    x = BigInt.asUintN(64, x ^ (x << 23n));
    this.s1 = x ^ y ^ (x >> 17n) ^ (y >> 26n);
    return BigInt.asUintN(64, this.s1 + y);
  }
  /** 0 <= n < bound. */
  below(bound: number): number {
    return Number(this.next64() % BigInt(bound));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.below(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.below(1_000_000) < p * 1_000_000;
  }
}

/** The forms the fuzzer draws from: user-level data/arith/flag forms without control flow. */
export function fuzzForms(): IsaForm[] {
  return (FORMS as readonly IsaForm[]).filter(
    (f) =>
      (f.category === "data" || f.category === "arith" || f.category === "flags") &&
      f.flow === "none" &&
      !f.privileged &&
      !f.iopl &&
      !EXCLUDED.has(f.mnemonic) &&
      !f.operands.some((k) => k === "C" || k === "S" || k === "DX") &&
      !["cld", "std", "cli", "sti", "stac", "clac"].includes(f.mnemonic),
  );
}

const EDGE = [0n, 1n, 2n, 0x7fn, 0x80n, 0xffn, 0x7fffn, 0x8000n, 0xffffn, 0x7fffffffn,
  0x80000000n, 0xffffffffn, 0x100000000n, 0x7fffffffffffffffn, 0x8000000000000000n,
  0xffffffffffffffffn, 0xfffffffffffffffen]; // prettier-ignore

function randomValue(r: Prng): bigint {
  switch (r.below(5)) {
    case 0: return r.pick(EDGE);
    case 1: return BigInt(r.below(70)); // small: counts, bit offsets
    case 2: return BigInt.asUintN(64, -BigInt(r.below(70) + 1));
    case 3: return r.next64() >> BigInt(r.below(64));
    default: return r.next64();
  } // prettier-ignore
}

function immValue(r: Prng, bits: number): bigint {
  const v = r.chance(0.4)
    ? BigInt(r.pick([0, 1, 2, 7, 8, 15, 16, 31, 32, 33, 63, 64, 65, 127, 128, 255]))
    : r.next64();
  return BigInt.asUintN(bits, v);
}

const KIND_BITS: Record<string, number> = { b: 8, w: 16, d: 32, q: 64 };

export interface FuzzInsn {
  text: string;
  form: IsaForm;
  /** The count is in %cl or an immediate (shifts): undefined-flag bookkeeping. */
  usesMem: boolean;
}

/** One random instruction, valid per the bytecode rules (checked by encoding and decoding it). */
export function randomInsn(r: Prng, forms: readonly IsaForm[]): FuzzInsn {
  for (;;) {
    const form = r.pick(forms);
    const useHigh = r.chance(0.15);
    let usesMem = false;
    const operands: OperandValue[] = form.operands.map((k, i): OperandValue => {
      const cls = k[0]!;
      if (k === "AL" || k === "AX" || k === "EAX" || k === "RAX" || k === "CL")
        return { kind: "fixed" };
      if (cls === "I") return { kind: "imm", value: immValue(r, KIND_BITS[k[1]!]!) };
      const isMem =
        cls === "M" ||
        (cls === "E" &&
          r.chance(0.3) &&
          !(BT.has(form.mnemonic) && i === 1 && form.operands[0]![0] === "G"));
      if (isMem) {
        usesMem = usesMem || form.mnemonic !== "lea";
        return { kind: "mem", mem: memOperand(r, form.mnemonic === "lea") };
      }
      const byte = k[1] === "b";
      const num = byte && useHigh && r.chance(0.6) ? AH_FIRST + r.below(4) : r.pick(POOL);
      return { kind: "reg", num };
    });
    const insn: DecodedInsn = { form, prefix: 0, length: 0, operands };
    if (!valid(insn)) continue;
    return { text: disassemble(insn), form, usesMem };
  }
}

function memOperand(
  r: Prng,
  forLea: boolean,
): { seg: number; base: number; index: number; scaleLog2: number; disp: number } {
  if (forLea) {
    const base = r.chance(0.8) ? r.pick(POOL) : MEM_NONE;
    const index = r.chance(0.6) ? r.pick(POOL) : MEM_NONE;
    const disp = r.chance(0.5) ? 0 : Number(BigInt.asIntN(32, r.next64()));
    // Never %rbp: the buffer's address differs between the VM and the native run.
    const b = base === MEM_NONE && index === MEM_NONE ? r.pick(POOL) : base;
    return { seg: 0, base: b, index, scaleLog2: index === MEM_NONE ? 0 : r.below(4), disp };
  }
  return {
    seg: 0,
    base: RBP,
    index: MEM_NONE,
    scaleLog2: 0,
    disp: r.below(BUF_BYTES - MAX_ACCESS + 1),
  };
}

/** Encodable and decodable (rejects AH..BH beside a REX-only operand, register-only G,E twins...). */
function valid(insn: DecodedInsn): boolean {
  const out = new Uint8Array(64);
  try {
    const n = encode(insn.form, 0, insn.operands, out, 0);
    return (
      decode(out.subarray(0, n), 0) !== undefined &&
      !insn.operands.some((o) => o.kind === "reg" && o.num === RSP)
    );
  } catch {
    return false;
  }
}

export interface FuzzSeq {
  regs: bigint[];
  flags: number;
  buf: bigint[];
  insns: FuzzInsn[];
  /** Flags the SDM leaves undefined at the end of the sequence. */
  undefinedAtEnd: number;
  /** Some instruction read a flag the SDM left undefined: only the reference CPU is comparable. */
  readsUndefined: boolean;
}

export function randomSeq(r: Prng, forms: readonly IsaForm[], maxLen: number): FuzzSeq {
  const shared = [randomValue(r), randomValue(r), randomValue(r)];
  const regs = Array.from({ length: 16 }, () => (r.chance(0.25) ? r.pick(shared) : randomValue(r)));
  const buf = Array.from({ length: BUF_QUADS }, () =>
    r.chance(0.25) ? r.pick(shared) : randomValue(r),
  );
  const insns = Array.from({ length: 1 + r.below(maxLen) }, () => randomInsn(r, forms));
  let undef = 0;
  let readsUndefined = false;
  for (const { form } of insns) {
    if ((form.flagsRead & undef) !== 0) readsUndefined = true;
    if (SHIFT_LIKE.has(form.mnemonic)) {
      // The table shows a count of 1; other counts leave OF (and for shifts AF, and for counts at
      // or above the width CF) undefined, and a count of 0 writes nothing.
      undef |= FLAG_OF | (SHIFTS.has(form.mnemonic) ? FLAG_AF | FLAG_CF : 0);
      continue;
    }
    undef = (undef & ~form.flagsWritten) | form.flagsUndefined;
  }
  return {
    regs,
    flags: Number(r.next64() & BigInt(STATUS)),
    buf,
    insns,
    undefinedAtEnd: undef & STATUS,
    readsUndefined,
  };
}

function hex64(v: bigint): string {
  return "0x" + v.toString(16);
}

/** The assembly program for a batch: sequence k prints `seq k` then its final state. */
export function programText(seqs: readonly FuzzSeq[]): string {
  const out: string[] = ['#include "harness.h"', "TEST_BEGIN"];
  seqs.forEach((s, k) => {
    out.push(`        SAY(seq ${k})`, "        lea     fz_buf(%rip), %rbp");
    s.buf.forEach((v, i) =>
      out.push(`        movabs  $${hex64(v)}, %rax`, `        mov     %rax, ${i * 8}(%rbp)`),
    );
    for (const n of POOL) out.push(`        movabs  $${hex64(s.regs[n]!)}, %${NAMES64[n]}`);
    out.push(`        SETF(${s.flags})`);
    for (const i of s.insns) out.push(`        ${i.text}`);
    out.push(`        FLAGSU(${s.undefinedAtEnd})`);
    for (const n of POOL) out.push(`        PR(%${NAMES64[n]})`);
    if (s.insns.some((i) => i.usesMem))
      for (let i = 0; i < BUF_QUADS; i++) out.push(`        PR(${i * 8}(%rbp))`);
  });
  out.push(
    "TEST_END",
    "",
    "        .data",
    "        .balign 16",
    "fz_buf: .skip   " + BUF_BYTES,
    "",
  );
  return out.join("\n");
}

/** Split an output into per-sequence chunks (`seq k` headers). */
export function splitSeqs(text: string): string[] {
  return text.split(/^seq \d+\n/m).slice(1);
}
