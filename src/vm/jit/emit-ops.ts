// Inline code for the instructions compiled blocks run most: MOV/MOVABS, MOVZX/MOVSX, LEA, the
// ALU group and TEST, NOT/NEG/INC/DEC, PUSH/POP, CMOVcc, SETcc, the accumulator conversions, XCHG
// of registers, the NOPs, and the branches that end a block (Jcc, JMP rel, CALL rel, RET). Each
// emitter mirrors its interpreter handler in ../ops/ step for step — same reads, same fault order,
// same results and lazy-flag record — so a fault leaves the state the interpreter would. Anything
// else runs through its interpreter handler (see ./compile.ts).
import { RAX, RDX, RSP } from "../../isa/registers.js";
import { SEGREF_DATA, SEGREF_STACK } from "../cpu.js";
import {
  FK_ADC,
  FK_ADD,
  FK_DEC,
  FK_INC,
  FK_LOGIC,
  FK_SBB,
  FK_SUB,
  LF_CARRY_IN,
  LF_DST_HI,
  LF_DST_LO,
  LF_KIND,
  LF_RES_HI,
  LF_RES_LO,
  LF_SIZE,
  LF_SRC_HI,
  LF_SRC_LO,
} from "../flags.js";
import { BASE_RIP, OK_IMM, OK_MEM, OK_REG, OK_REGH, OK_REL } from "../op.js";
import type { Op } from "../op.js";
import {
  ALU_ADC,
  ALU_ADD,
  ALU_BY_MNEMONIC,
  ALU_CMP,
  ALU_OR,
  ALU_SBB,
  ALU_SUB,
  ALU_TEST,
  ALU_XOR,
} from "../ops/alu.js";
import type { BlockEmitter, FlagWriter, Val } from "./emit.js";
import { maskLit, TWO32_LIT } from "./emit.js";

export interface InlineOp {
  /** May raise an exception (memory access, canonical check). */
  faults: boolean;
  /** Ends the block and binds `nx`, the next RIP. */
  flow: boolean;
  emit(e: BlockEmitter): void;
}

/** Canonical addresses lie in [−2^47, 2^47) as signed doubles (SDM 3.3.7.1). */
const CANON_LIMIT = 2 ** 47;

const inline = (faults: boolean, emit: (e: BlockEmitter) => void, flow = false): InlineOp => ({
  faults,
  flow,
  emit,
});

const CONVERTS = new Set(["cbtw", "cwtl", "cltq", "cwtd", "cltd", "cqto"]);
const NOPS = new Set(["nop", "pause", "lfence", "mfence", "sfence"]);

/** The inline emitter for an op, or undefined to run its interpreter handler. */
export function inlineFor(op: Op): InlineOp | undefined {
  const f = op.form;
  if (f.privileged) return undefined;
  const m = f.mnemonic;
  const mem = op.memIdx >= 0;
  if (m in ALU_BY_MNEMONIC) {
    const kind = ALU_BY_MNEMONIC[m]!;
    return inline(mem, (e) => emitAlu(e, kind));
  }
  if (f.flow === "jcc") return inline(false, emitJcc, true); // sets k itself when it checks
  if (m.startsWith("cmov")) return inline(mem, emitCmov);
  if (m.startsWith("set") && f.cond >= 0) return inline(mem, emitSetcc);
  if (NOPS.has(m)) return inline(false, () => {});
  if (CONVERTS.has(m)) return inline(false, (e) => emitConvert(e, m));
  switch (m) {
    case "not": return inline(mem, (e) => emitUnary(e, m));
    case "neg": return inline(mem, (e) => emitUnary(e, m));
    case "inc": case "dec": return inline(mem, (e) => emitUnary(e, m));
    case "mov":
      return isData(op.kind[0]!) && isData(op.kind[1]!) ? inline(mem, emitMov) : undefined;
    case "movabs": return inline(false, emitMov);
    case "movzb": case "movzw": return inline(mem, (e) => emitExtend(e, false));
    case "movsb": case "movsw": case "movsl":
      return op.nops === 2 ? inline(mem, (e) => emitExtend(e, true)) : undefined;
    case "lea": return inline(false, emitLea);
    case "xchg": return mem ? undefined : inline(false, emitXchg);
    case "push": return inline(true, emitPush);
    case "pop": return mem ? undefined : inline(true, emitPop);
    case "jmp": return op.kind[0] === OK_REL ? inline(true, emitJmp, true) : undefined;
    case "call": return op.kind[0] === OK_REL ? inline(true, emitCall, true) : undefined;
    case "ret": return inline(true, emitRet, true);
  } // prettier-ignore
  return undefined;
}

/** A general register, AH..BH, memory or an immediate (not a control or segment register). */
function isData(kind: number): boolean {
  return kind === OK_REG || kind === OK_REGH || kind === OK_MEM || kind === OK_IMM;
}

/** Write the lazy-flag record (only the fields ../flags.ts reads for this kind and size). */
function record(e: BlockEmitter, w: FlagWriter): void {
  const wide = w.size === 64;
  const f = (field: number, v: string): string => `${e.flag(field)} = ${v};`;
  const parts = [f(LF_KIND, String(w.kind)), f(LF_SIZE, String(w.size))];
  if (w.kind !== FK_LOGIC) {
    parts.push(f(LF_DST_LO, w.d.lo), f(LF_SRC_LO, w.s.lo));
    if (wide) parts.push(f(LF_DST_HI, w.d.hi), f(LF_SRC_HI, w.s.hi));
  }
  parts.push(f(LF_RES_LO, w.r.lo));
  if (wide) parts.push(f(LF_RES_HI, w.r.hi));
  if (w.kind === FK_ADC || w.kind === FK_SBB || w.kind === FK_INC || w.kind === FK_DEC)
    parts.push(f(LF_CARRY_IN, w.cin));
  e.emit(parts.join(" "));
  e.writer = w;
}

/** d OP s at `size` (+/- carry `cin`), as ../ops/alu.ts `alu` computes it. */
function compute(e: BlockEmitter, kind: number, size: number, d: Val, s: Val, cin: string): Val {
  const add = kind === ALU_ADD || kind === ALU_ADC;
  const sub = kind === ALU_SUB || kind === ALU_SBB || kind === ALU_CMP;
  const c = cin === "0" ? "" : add ? ` + ${cin}` : ` - ${cin}`;
  if (add || sub) {
    const sign = add ? "+" : "-";
    if (size === 64) {
      // The low halves wrap in int32 and the carry (borrow) out of them is an unsigned compare:
      // no intermediate leaves int32 (a sum past 2^31 would also undo the JIT's small-int guess).
      const lo = e.bind(`(${d.lo} ${sign} ${s.lo}${c}) | 0`);
      const carry = add
        ? carryOut(`(${lo} >>> 0)`, `(${d.lo} >>> 0)`, cin)
        : carryOut(`(${d.lo} >>> 0)`, `(${s.lo} >>> 0)`, cin);
      return { lo, hi: e.bind(`(${d.hi} ${sign} ${s.hi} ${sign} ${carry}) | 0`) };
    }
    const cut = size === 32 ? "| 0" : `& ${maskLit(size)}`;
    return { lo: e.bind(`(${d.lo} ${sign} ${s.lo}${c}) ${cut}`), hi: "0" };
  }
  const o = kind === ALU_OR ? "|" : kind === ALU_XOR ? "^" : "&";
  const lo = e.bind(`${d.lo} ${o} ${s.lo}`);
  return { lo, hi: size === 64 ? e.bind(`${d.hi} ${o} ${s.hi}`) : "0" };
}

/**
 * Carry out of the low halves as 0/1: for an add, the wrapped sum is below the first operand (or
 * equal to it with a carry in); for a sub, the first operand is below the second (or equal with a
 * borrow in).
 */
function carryOut(a: string, b: string, cin: string): string {
  if (cin === "0") return `(${a} < ${b} ? 1 : 0)`;
  return `((${cin} !== 0 ? ${a} <= ${b} : ${a} < ${b}) ? 1 : 0)`;
}

function fkOf(kind: number): number {
  switch (kind) {
    case ALU_ADD: return FK_ADD;
    case ALU_ADC: return FK_ADC;
    case ALU_SUB: case ALU_CMP: return FK_SUB;
    case ALU_SBB: return FK_SBB;
    default: return FK_LOGIC;
  } // prettier-ignore
}

/** ../ops/alu.ts aluExec: probe a memory destination, read source then destination, record, write. */
function emitAlu(e: BlockEmitter, kind: number): void {
  const op = e.op;
  const size = op.size;
  const dst = op.nops - 1;
  const writes = kind !== ALU_CMP && kind !== ALU_TEST;
  const lin = op.memIdx >= 0 ? e.lin() : "";
  const ref = e.memRef();
  let d: Val;
  let s: Val;
  let pa = "";
  if (writes && op.kind[dst] === OK_MEM) {
    const r = e.rmwBegin(lin, size, ref);
    d = r.cur;
    pa = r.pa;
    s = e.read(0, size, lin);
  } else {
    s = e.read(0, size, lin);
    d = e.read(dst, size, lin);
  }
  const cin = kind === ALU_ADC || kind === ALU_SBB ? e.bind(e.carry(), "cin") : "0";
  const r = compute(e, kind, size, d, s, cin);
  const w: FlagWriter = { kind: fkOf(kind), size, d, s, r, cin };
  record(e, w);
  if (!writes) return;
  if (pa !== "") e.rmwEnd(lin, size, pa, r);
  else e.write(dst, size, lin, r);
}

/** ../ops/alu.ts unaryExec: NOT (no flags), NEG (= 0 − x), INC/DEC (keep CF). */
function emitUnary(e: BlockEmitter, m: string): void {
  const op = e.op;
  const size = op.size;
  const isMem = op.kind[0] === OK_MEM;
  const lin = isMem ? e.lin() : "";
  let x: Val;
  let pa = "";
  if (isMem) {
    const r = e.rmwBegin(lin, size, e.memRef());
    x = r.cur;
    pa = r.pa;
  } else x = e.read(0, size, lin);
  let res: Val;
  if (m === "not") {
    res = { lo: e.bind(`~${x.lo}`), hi: size === 64 ? e.bind(`~${x.hi}`) : "0" };
  } else if (m === "neg") {
    const zero = { lo: "0", hi: "0" };
    res = compute(e, ALU_SUB, size, zero, x, "0");
    const w: FlagWriter = { kind: FK_SUB, size, d: zero, s: x, r: res, cin: "0" };
    record(e, w);
  } else {
    const cf = e.bind(e.carry(), "cin");
    const one = { lo: "1", hi: "0" };
    const inc = m === "inc";
    res = compute(e, inc ? ALU_ADD : ALU_SUB, size, x, one, "0");
    const w: FlagWriter = { kind: inc ? FK_INC : FK_DEC, size, d: x, s: one, r: res, cin: cf };
    record(e, w);
  }
  if (isMem) e.rmwEnd(lin, size, pa, res);
  else e.write(0, size, lin, res);
}

function emitMov(e: BlockEmitter): void {
  const op = e.op;
  const lin = op.memIdx >= 0 ? e.lin() : "";
  const v = e.read(0, op.size, lin);
  e.write(1, op.size, lin, v);
}

/** movz* / movs* / movslq: the source size is the operand's, the destination op.size. */
function emitExtend(e: BlockEmitter, signed: boolean): void {
  const op = e.op;
  const from = op.bits[0]!;
  const lin = op.memIdx >= 0 ? e.lin() : "";
  const v = e.read(0, from, lin);
  if (!signed) {
    e.write(1, op.size, lin, { lo: v.lo, hi: "0" });
    return;
  }
  const sh = 32 - from;
  const lo = sh === 0 ? v.lo : e.bind(`(${v.lo} << ${sh}) >> ${sh}`);
  e.write(1, op.size, lin, { lo, hi: e.bind(`${lo} >> 31`) });
}

/** LEA: the effective address modulo 2^64 without segment base or canonical check. */
function emitLea(e: BlockEmitter): void {
  const op = e.op;
  const d = op.mDisp | 0;
  let v: Val;
  if (op.mBase === BASE_RIP) {
    const l = e.bind(`rip0 + ${e.offsets[e.idx]! + op.len + d}`);
    v = { lo: e.bind(`${l} | 0`), hi: e.bind(`Math.floor(${l} / ${TWO32_LIT}) | 0`) };
  } else {
    const lo: string[] = [String(d >>> 0)];
    const hi: string[] = [d < 0 ? "-1" : "0"];
    if (op.mBase >= 0) {
      lo.push(`(${e.lo(op.mBase)} >>> 0)`);
      hi.push(e.hi(op.mBase));
    }
    if (op.mIndex >= 0) {
      const sl = op.mScaleLog2;
      lo.push(`(${e.lo(op.mIndex)} >>> 0) * ${1 << sl}`);
      const xh = e.hi(op.mIndex);
      hi.push(sl === 0 ? xh : `(${xh} << ${sl})`);
    }
    const s = e.bind(lo.join(" + "));
    v = {
      lo: e.bind(`${s} | 0`),
      hi:
        op.size === 64 ? e.bind(`(${hi.join(" + ")} + Math.floor(${s} / ${TWO32_LIT})) | 0`) : "0",
    };
  }
  e.writeReg(op.reg[1]!, op.size, v);
}

function emitXchg(e: BlockEmitter): void {
  const op = e.op;
  const a = e.read(0, op.size, "");
  const b = e.read(1, op.size, "");
  e.write(0, op.size, "", b);
  e.write(1, op.size, "", a);
}

/** cbtw cwtl cltq sign-extend the accumulator; cwtd cltd cqto fill DX/EDX/RDX with its sign. */
function emitConvert(e: BlockEmitter, m: string): void {
  const size = e.op.size;
  if (m === "cbtw" || m === "cwtl" || m === "cltq") {
    const sh = 32 - size / 2;
    const lo = e.bind(`(${e.lo(RAX)} << ${sh}) >> ${sh}`);
    e.writeReg(RAX, size, { lo, hi: e.bind(`${lo} >> 31`) });
    return;
  }
  const a = e.lo(RAX);
  const fill =
    size === 64 ? `${e.hi(RAX)} >> 31` : size === 32 ? `${a} >> 31` : `(${a} << 16) >> 31`;
  const f = e.bind(fill);
  e.writeReg(RDX, size, { lo: f, hi: f });
}

function emitCmov(e: BlockEmitter): void {
  const op = e.op;
  const size = op.size;
  const lin = op.memIdx >= 0 ? e.lin() : "";
  const v = e.read(0, size, lin); // the source is read (and may fault) either way
  const r = op.reg[1]!;
  e.emit(`if (${e.cond(op.form.cond)}) {`);
  e.writeReg(r, size, v);
  // SDM vol. 2 CMOVcc: the 32-bit form zero-extends even when the condition is false.
  e.emit(size === 32 ? `} else ${e.setHi(r)} = 0;` : "}");
}

function emitSetcc(e: BlockEmitter): void {
  const op = e.op;
  const lin = op.memIdx >= 0 ? e.lin() : "";
  const v = e.bind(`${e.cond(op.form.cond)} ? 1 : 0`);
  e.write(0, 8, lin, { lo: v, hi: "0" });
}

/** The RSP-relative linear address RSP + delta, as ../ops/data.ts stackLin computes it. */
function stackLin(e: BlockEmitter, delta: number): string {
  const d = delta === 0 ? "" : ` + ${delta}`;
  return e.bind(`${e.hi(RSP)} * ${TWO32_LIT} + (${e.lo(RSP)} >>> 0)${d}`, "L");
}
function setRsp(e: BlockEmitter, lin: string): void {
  e.emit(`${e.setLo(RSP)} = ${lin} | 0; ${e.setHi(RSP)} = Math.floor(${lin} / ${TWO32_LIT}) | 0;`);
}

/** PUSH: the source is read first (`push %rsp` pushes the old value), then RSP−8 is written. */
function emitPush(e: BlockEmitter): void {
  const op = e.op;
  const lin = op.memIdx >= 0 ? e.lin() : "";
  const v = e.read(0, 64, lin);
  const at = stackLin(e, -8);
  e.memWrite(at, 64, v, SEGREF_STACK);
  setRsp(e, at);
}

/** POP to a register: read, RSP+8, then the register (`pop %rsp` keeps the popped value). */
function emitPop(e: BlockEmitter): void {
  const from = stackLin(e, 0);
  const v = e.memRead(from, 64, SEGREF_STACK);
  setRsp(e, e.bind(`${from} + 8`, "L"));
  e.writeReg(e.op.reg[0]!, 64, v);
}

/** SDM vol. 2 JMP/CALL/RET: a non-canonical target raises #GP(0) at the branch. */
function checkTarget(e: BlockEmitter, t: string): void {
  e.emit(
    `if (${t} >= ${CANON_LIMIT} || ${t} < ${-CANON_LIMIT}) c.checkCanonical(${t}, ${SEGREF_DATA});`,
  );
}

function relTarget(e: BlockEmitter): string {
  const op = e.op;
  return `rip0 + ${e.offsets[e.idx]! + op.len + op.rel}`;
}

function emitJcc(e: BlockEmitter): void {
  const cond = e.cond(e.op.form.cond);
  // A target within the block up to this jcc was fetched already, so it is canonical (the
  // calibration loop's backward branch needs no check); any other taken target is checked (the
  // fall-through is not a branch target: running past the canonical end faults on the fetch).
  const to = e.offsets[e.idx]! + e.op.len + e.op.rel;
  if (to >= 0 && to <= e.offsets[e.idx]!) {
    e.emit(`const nx = ${cond} ? ${relTarget(e)} : ${e.nextRipExpr()};`);
    return;
  }
  const taken = e.bind(cond);
  e.emit(`k = ${e.idx};`);
  e.emit(`const nx = ${taken} ? ${relTarget(e)} : ${e.nextRipExpr()};`);
  e.emit(`if (${taken}) {`);
  checkTarget(e, "nx");
  e.emit(`}`);
}

function emitJmp(e: BlockEmitter): void {
  e.emit(`const nx = ${relTarget(e)};`);
  checkTarget(e, "nx");
}

function emitCall(e: BlockEmitter): void {
  e.emit(`const nx = ${relTarget(e)};`);
  checkTarget(e, "nx");
  const ret = e.bind(e.nextRipExpr());
  const v = { lo: e.bind(`${ret} | 0`), hi: e.bind(`Math.floor(${ret} / ${TWO32_LIT}) | 0`) };
  const at = stackLin(e, -8);
  e.memWrite(at, 64, v, SEGREF_STACK);
  setRsp(e, at);
}

function emitRet(e: BlockEmitter): void {
  const from = stackLin(e, 0);
  const v = e.memRead(from, 64, SEGREF_STACK);
  e.emit(`const nx = ${v.hi} * ${TWO32_LIT} + (${v.lo} >>> 0);`);
  checkTarget(e, "nx");
  setRsp(e, e.bind(`${from} + 8`, "L"));
}
