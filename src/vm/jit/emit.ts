// The code buffer of the block compiler and the operand plumbing its instruction emitters share:
// register/immediate/memory reads and writes at each size with x86's register-write rules (SDM
// vol. 1, 3.4.1.1), the effective address (SDM vol. 1, 3.7.5) and the TLB fast path of every memory
// access: one mask, one compare against the fast tag (./../mmu/tlb.ts), else the full translation
// through the interpreter's accessors, which walk, fault and set CR2 exactly as it does.
//
// Value conventions in generated code: 64-bit values are pairs of int32 locals (lo, hi); 32-bit
// values are int32; 8- and 16-bit values are masked and non-negative.
//
// Names the generated code can rely on (see ./compile.ts): c (the Cpu), rlo/rhi (registers), F (the
// lazy-flag record), FR (TLB frames), dv (guest RAM), RK/WK (fast tags for reads/writes in the
// current mode), pcid, rip0 (RIP of the block's first instruction), ic (instruction count at the
// start of this pass over the block), k (the op being executed, for fault recovery), done; and
// the locals r<n>l/r<n>h (guest registers) and f<field> (the flag record) this emitter declares.
import { SEGREF_DATA, SEGREF_STACK } from "../cpu.js";
import { BASE_RIP, OK_IMM, OK_MEM, OK_REG, OK_REGH } from "../op.js";
import type { Op } from "../op.js";
import { PAGE_MASK, PAGE_SIZE } from "../mmu/phys.js";
import { TLB_INDEX_MASK } from "../mmu/tlb.js";
import { LF_FIELDS } from "../flags.js";
import { carryExpr, condExpr } from "./cond.js";

/** A value in generated code: names (or literals) of its low and high int32 halves. */
export interface Val {
  lo: string;
  hi: string;
}

/** A flag-writing instruction whose operands and result are still locals (for jcc/setcc/cmov). */
export interface FlagWriter {
  /** FK_* kind recorded. */
  kind: number;
  size: number;
  d: Val;
  s: Val;
  r: Val;
  /** Carry in (ADC/SBB) or kept CF (INC/DEC): a name or literal. */
  cin: string;
}

export const TWO32_LIT = "4294967296";
/** Placeholders for the register write-back and reload (known only once the block is emitted). */
export const FLUSH = "/*@flush*/";
export const FLUSH_FLAGS = "/*@flushflags*/";
export const RELOAD = "/*@reload*/";
const PAGE_SHIFT_LIT = "12";

export function maskLit(size: number): string {
  return size === 8 ? "255" : size === 16 ? "65535" : "-1";
}

export class BlockEmitter {
  private readonly lines: string[] = [];
  private nextName = 0;
  /** Index of the op being emitted and its offset from the block start. */
  idx = 0;
  /** The last inline flag writer in this pass, if its values are still at hand. */
  writer: FlagWriter | undefined;
  /**
   * The current op wrote memory: a slow-path store may have hit decoded code and set the attention
   * word, so the op must be followed by an attention check (after its last effect, not in the
   * middle: the interpreter stops after the whole instruction).
   */
  stored = false;

  constructor(
    readonly ops: readonly Op[],
    /** Byte offset of each op from the block's first byte (plus the block length at the end). */
    readonly offsets: readonly number[],
  ) {}

  get op(): Op {
    return this.ops[this.idx]!;
  }
  /** RIP of the current op, as an expression. */
  ripExpr(): string {
    return `(rip0 + ${this.offsets[this.idx]!})`;
  }
  /** RIP of the next op, as an expression. */
  nextRipExpr(): string {
    return `(rip0 + ${this.offsets[this.idx + 1]!})`;
  }

  name(prefix = "v"): string {
    return `${prefix}${this.nextName++}`;
  }
  emit(line: string): void {
    this.lines.push(line);
  }
  /** Bind an expression to a fresh const; returns its name. */
  bind(expr: string, prefix = "v"): string {
    const n = this.name(prefix);
    this.emit(`const ${n} = ${expr};`);
    return n;
  }
  /** The body; the FLUSH / RELOAD marks become the write-back / reload statements. */
  code(): string {
    return this.lines
      .join("\n")
      .replaceAll(FLUSH, this.storeState())
      .replaceAll(FLUSH_FLAGS, this.storeFlags())
      .replaceAll(RELOAD, this.loadState(false));
  }

  /** Leave the block after the current op completed (something set the attention word). */
  exitAfter(): string {
    return `{ ${FLUSH} c.rip = ${this.nextRipExpr()}; c.icount = ic + ${this.idx + 1}; return done; }`;
  }

  // ---- registers and immediates ----------------------------------------------------------------
  // Guest registers the block uses live in locals r<n>l / r<n>h: loaded on entry, written back
  // (those the block writes) wherever control leaves inline code — see ./compile.ts.
  private readonly used = new Set<number>();
  private readonly written = new Set<number>();

  lo(r: number): string {
    this.used.add(r);
    return `r${r}l`;
  }
  hi(r: number): string {
    this.used.add(r);
    return `r${r}h`;
  }
  /** The local to assign for a write of register r's low / high half. */
  setLo(r: number): string {
    this.written.add(r);
    return this.lo(r);
  }
  setHi(r: number): string {
    this.written.add(r);
    return this.hi(r);
  }
  /**
   * The lazy-flag record lives in locals f<field> too, so records that are overwritten before
   * anything can observe them cost nothing (the JS compiler drops the dead assignments).
   */
  private flagsUsed = false;
  flag(field: number): string {
    this.flagsUsed = true;
    return `f${field}`;
  }

  /** Statements loading the used registers and flag fields into their locals. */
  loadState(declare: boolean): string {
    const regs = [...this.used].sort((a, b) => a - b);
    const parts = regs.map((r) => `r${r}l = rlo[${r}], r${r}h = rhi[${r}]`);
    if (this.flagsUsed) for (let f = 0; f < LF_FIELDS; f++) parts.push(`f${f} = F[${f}]`);
    if (parts.length === 0) return "";
    return declare ? `let ${parts.join(", ")};` : `${parts.join(", ")};`;
  }
  /** Statements storing the written registers and the flag record back to the CPU. */
  storeState(): string {
    const regs = [...this.written]
      .sort((a, b) => a - b)
      .map((r) => `rlo[${r}] = r${r}l; rhi[${r}] = r${r}h;`);
    return [...regs, this.storeFlags()].join(" ");
  }
  private storeFlags(): string {
    if (!this.flagsUsed) return "";
    const parts: string[] = [];
    for (let f = 0; f < LF_FIELDS; f++) parts.push(`F[${f}] = f${f};`);
    return parts.join(" ");
  }

  /** Condition `cc` (0–15) as an expression; reading the CPU's record needs it up to date. */
  cond(cc: number): string {
    if (this.writer === undefined) this.emit(FLUSH_FLAGS);
    return condExpr(this.writer, cc);
  }
  /** CF as 0/1. */
  carry(): string {
    if (this.writer === undefined) this.emit(FLUSH_FLAGS);
    return carryExpr(this.writer);
  }

  readReg(r: number, size: number): Val {
    switch (size) {
      case 64: return { lo: this.bind(this.lo(r)), hi: this.bind(this.hi(r)) };
      case 32: return { lo: this.bind(this.lo(r)), hi: "0" };
      default: return { lo: this.bind(`(${this.lo(r)} & ${maskLit(size)})`), hi: "0" };
    } // prettier-ignore
  }
  writeReg(r: number, size: number, v: Val): void {
    const lo = this.setLo(r);
    switch (size) {
      case 64: this.emit(`${lo} = ${v.lo}; ${this.setHi(r)} = ${v.hi};`); break;
      case 32: this.emit(`${lo} = ${v.lo}; ${this.setHi(r)} = 0;`); break;
      case 16: this.emit(`${lo} = (${lo} & -65536) | (${v.lo} & 65535);`); break;
      default: this.emit(`${lo} = (${lo} & -256) | (${v.lo} & 255);`); break;
    } // prettier-ignore
  }
  imm(op: Op, size: number): Val {
    if (size === 64) return { lo: String(op.immLo | 0), hi: String(op.immHi | 0) };
    if (size === 32) return { lo: String(op.immLo | 0), hi: "0" };
    return { lo: String(op.immLo & (size === 8 ? 0xff : 0xffff)), hi: "0" };
  }

  /** Read operand i of the current op at `size` (memory through `lin`, bound by the caller). */
  read(i: number, size: number, lin: string): Val {
    const op = this.op;
    switch (op.kind[i]) {
      case OK_REG: return this.readReg(op.reg[i]!, size);
      case OK_REGH: return { lo: this.bind(`((${this.lo(op.reg[i]!)} >> 8) & 255)`), hi: "0" };
      case OK_IMM: return this.imm(op, size);
      case OK_MEM: return this.memRead(lin, size, this.memRef());
    } // prettier-ignore
    throw new Error(`jit: operand kind ${op.kind[i]} not readable`);
  }
  /** Write operand i of the current op (a memory write may leave the block: code was hit). */
  write(i: number, size: number, lin: string, v: Val): void {
    const op = this.op;
    switch (op.kind[i]) {
      case OK_REG: this.writeReg(op.reg[i]!, size, v); return;
      case OK_REGH: {
        const lo = this.setLo(op.reg[i]!);
        this.emit(`${lo} = (${lo} & -65281) | ((${v.lo} & 255) << 8);`);
        return;
      }
      case OK_MEM: this.memWrite(lin, size, v, this.memRef()); return;
    } // prettier-ignore
    throw new Error(`jit: operand kind ${op.kind[i]} not writable`);
  }

  // ---- memory ------------------------------------------------------------------------------------
  /** SDM 3.3.7.1: the reference kind choosing #SS(0) or #GP(0) for a non-canonical address. */
  memRef(): number {
    const op = this.op;
    return op.mBase !== BASE_RIP && op.mStack ? SEGREF_STACK : SEGREF_DATA;
  }

  /**
   * Bind the linear address of the current op's memory operand as a double. Without an index the
   * plain double sum is exact whenever the 64-bit result is canonical (and non-canonical when it is
   * not); with an index the sum is formed in halves, wrapping like the hardware (as ../ops/operands
   * `ea` does). A non-canonical address never matches a TLB tag, so the slow path faults on it.
   */
  lin(): string {
    const op = this.op;
    const d = op.mDisp | 0;
    const seg = op.mSeg >= 0 ? `c.segBase[${op.mSeg}]` : "";
    if (op.mBase === BASE_RIP) {
      const rel = `rip0 + ${this.offsets[this.idx]! + op.len + d}`;
      return this.bind(seg === "" ? rel : `${rel} + ${seg}`, "L"); // SDM vol. 1, 3.7.5.1
    }
    if (op.mIndex < 0) {
      const terms: string[] = [];
      if (op.mBase >= 0)
        terms.push(`${this.hi(op.mBase)} * ${TWO32_LIT}`, `((${this.lo(op.mBase)} >>> 0) + ${d})`);
      else terms.push(String(d));
      if (seg !== "") terms.push(seg);
      return this.bind(terms.join(" + "), "L");
    }
    const lo: string[] = [String(d >>> 0)];
    const hi: string[] = [d < 0 ? "-1" : "0"];
    if (op.mBase >= 0) {
      lo.push(`(${this.lo(op.mBase)} >>> 0)`);
      hi.push(this.hi(op.mBase));
    }
    const sl = op.mScaleLog2;
    lo.push(`(${this.lo(op.mIndex)} >>> 0) * ${1 << sl}`);
    const xh = this.hi(op.mIndex);
    hi.push(sl === 0 ? xh : `(${xh} << ${sl})`);
    if (seg !== "") {
      const sb = this.bind(seg);
      lo.push(`(${sb} >>> 0)`);
      hi.push(`Math.floor(${sb} / ${TWO32_LIT})`);
    }
    const s = this.bind(lo.join(" + "));
    const h = this.bind(`(${hi.join(" + ")} + Math.floor(${s} / ${TWO32_LIT})) | 0`);
    return this.bind(`${h} * ${TWO32_LIT} + (${s} >>> 0)`, "L");
  }

  /**
   * Emit the TLB probe of a `size`-bit access at `lin`: page offset, TLB index, and the hit test
   * (the access stays in its page and the fast tag equals the page's tag) for a tag array.
   */
  private probe(lin: string, size: number): { pa: string; cond: (tags: string) => string } {
    const o = this.bind(`${lin} & ${PAGE_MASK}`, "o");
    const x = this.bind(`(${lin} >>> ${PAGE_SHIFT_LIT}) & ${TLB_INDEX_MASK}`, "x");
    const lim = PAGE_SIZE - size / 8;
    return {
      pa: `FR[${x}] + ${o}`,
      cond: (tags) => `${o} <= ${lim} && ${tags}[${x}] === ${lin} - ${o} + pcid`,
    };
  }

  /** Read `size` bits at linear `lin`; `ref` picks #SS/#GP for a non-canonical address. */
  memRead(lin: string, size: number, ref: number): Val {
    const p = this.probe(lin, size);
    const lo = this.name();
    const hi = size === 64 ? this.name() : "0";
    this.emit(`let ${lo} = 0${size === 64 ? `, ${hi} = 0` : ""};`);
    const pa = this.name("pa");
    this.emit(`if (${p.cond("RK")}) {`);
    this.emit(`const ${pa} = ${p.pa};`);
    switch (size) {
      case 8: this.emit(`${lo} = dv.getUint8(${pa});`); break;
      case 16: this.emit(`${lo} = dv.getUint16(${pa}, true);`); break;
      case 32: this.emit(`${lo} = dv.getInt32(${pa}, true);`); break;
      default: this.emit(`${lo} = dv.getInt32(${pa}, true); ${hi} = dv.getInt32(${pa} + 4, true);`);
    } // prettier-ignore
    this.emit(`} else {`);
    this.emit(`${lo} = RD(c, ${lin}, ${size}, ${ref}) | 0;`);
    if (size === 64) this.emit(`${hi} = c.hiOut;`);
    this.emit(`}`);
    return { lo, hi };
  }

  /** Write `size` bits at `lin` (sets `stored`: the slow path may hit decoded code). */
  memWrite(lin: string, size: number, v: Val, ref: number): void {
    const p = this.probe(lin, size);
    const pa = this.name("pa");
    this.emit(`if (${p.cond("WK")}) {`);
    this.emit(`const ${pa} = ${p.pa};`);
    this.emitStore(pa, size, v);
    this.emit(`} else {`);
    this.emit(`WR(c, ${lin}, ${size}, ${v.lo}, ${v.hi}, ${ref});`);
    this.stored = true;
    this.emit(`}`);
  }

  private emitStore(pa: string, size: number, v: Val): void {
    switch (size) {
      case 8: this.emit(`dv.setUint8(${pa}, ${v.lo});`); break;
      case 16: this.emit(`dv.setUint16(${pa}, ${v.lo}, true);`); break;
      case 32: this.emit(`dv.setInt32(${pa}, ${v.lo}, true);`); break;
      default: this.emit(`dv.setInt32(${pa}, ${v.lo}, true); dv.setInt32(${pa} + 4, ${v.hi}, true);`);
    } // prettier-ignore
  }

  /**
   * Start a read-modify-write of `size` bits at `lin`: check the write can complete first (the
   * interpreter's probeDest), then read. Returns the current value and the physical-address local
   * (−1 on the slow path) for rmwEnd.
   */
  rmwBegin(lin: string, size: number, ref: number): { cur: Val; pa: string } {
    const p = this.probe(lin, size);
    const pa = this.name("pa");
    this.emit(`let ${pa} = -1;`);
    this.emit(`if (${p.cond("WK")}) ${pa} = ${p.pa};`);
    this.emit(`else PR(c, ${lin}, ${size}, ${ref});`);
    const lo = this.name();
    const hi = size === 64 ? this.name() : "0";
    this.emit(`let ${lo} = 0${size === 64 ? `, ${hi} = 0` : ""};`);
    this.emit(`if (${pa} >= 0) {`);
    switch (size) {
      case 8: this.emit(`${lo} = dv.getUint8(${pa});`); break;
      case 16: this.emit(`${lo} = dv.getUint16(${pa}, true);`); break;
      case 32: this.emit(`${lo} = dv.getInt32(${pa}, true);`); break;
      default: this.emit(`${lo} = dv.getInt32(${pa}, true); ${hi} = dv.getInt32(${pa} + 4, true);`);
    } // prettier-ignore
    this.emit(`} else {`);
    this.emit(`${lo} = c.readSized(${lin}, ${size}) | 0;`);
    if (size === 64) this.emit(`${hi} = c.hiOut;`);
    this.emit(`}`);
    return { cur: { lo, hi }, pa };
  }

  rmwEnd(lin: string, size: number, pa: string, v: Val): void {
    this.emit(`if (${pa} >= 0) {`);
    this.emitStore(pa, size, v);
    this.emit(`} else {`);
    this.emit(`c.writeSized(${lin}, ${size}, ${v.lo}, ${v.hi});`);
    this.stored = true;
    this.emit(`}`);
  }
}
