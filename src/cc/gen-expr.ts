// Expression code generation in chibicc's manner: a stack machine whose accumulator is %rax.
// A binary operator evaluates its right operand, pushes it, evaluates the left one and pops the
// right into %rdi. Values of types narrower than 64 bits live in %eax (sign- or zero-extended to
// 32 bits); casts make every conversion explicit. A structure's value is its address. Calls are
// in ./gen-call.ts; bit-field reads and writes, and the byte-exact partial eightbyte moves that
// structures in registers also use, are at the end of this file.
import type { DiagnosticBag } from "../diag/index.js";
import { CC } from "../diag/codes/cc.js";
import type { Node, Obj } from "./ast.js";
import { isRecord } from "./abi.js";
import { BITS_PER_BYTE, ty, wideBits, type Member, type Type } from "./types.js";

/** Integer argument registers in order (psABI §3.2.3). */
export const ARG_REGS64 = ["%rdi", "%rsi", "%rdx", "%rcx", "%r8", "%r9"];
const ARG_REGS32 = ["%edi", "%esi", "%edx", "%ecx", "%r8d", "%r9d"];
const ARG_REGS16 = ["%di", "%si", "%dx", "%cx", "%r8w", "%r9w"];
const ARG_REGS8 = ["%dil", "%sil", "%dl", "%cl", "%r8b", "%r9b"];
export const SLOT = 8;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

export abstract class ExprGen {
  readonly out: string[] = [];
  /** 8-byte pushes outstanding since the prologue (to align calls, psABI §3.2.2). */
  protected depth = 0;
  protected fn: Obj | undefined;

  constructor(protected readonly diags: DiagnosticBag) {}

  protected abstract genStmt(n: Node): void;
  protected abstract genAsm(n: Node): void;
  protected abstract genCall(n: Node): void;

  protected emit(s: string): void {
    this.out.push(`\t${s}`);
  }

  protected label(name: string): void {
    this.out.push(`${name}:`);
  }

  protected push(reg = "%rax"): void {
    this.emit(`push ${reg}`);
    this.depth++;
  }

  protected pop(reg: string): void {
    this.emit(`pop ${reg}`);
    this.depth--;
  }

  /** The address of an lvalue, in %rax. */
  protected genAddr(n: Node): void {
    switch (n.kind) {
      case "var": {
        const o = n.obj!;
        if (o.isLocal) this.emit(`lea ${o.offset}(%rbp), %rax`);
        else this.emit(`lea ${o.asmName}(%rip), %rax`);
        return;
      }
      case "deref":
        this.genExpr(n.lhs!);
        return;
      case "comma":
        this.genExpr(n.lhs!);
        this.genAddr(n.rhs!);
        return;
      case "member":
        if (n.member!.bitWidth !== undefined) break;
        this.genAddr(n.lhs!);
        if (n.member!.offset !== 0) this.emit(`add $${n.member!.offset}, %rax`);
        return;
      case "complit":
        if (n.lhs) this.genExpr(n.lhs);
        this.genAddr(n.rhs!);
        return;
      case "call":
      case "cond":
      case "stmtexpr":
      case "assign":
        // A structure rvalue's value is its address (a call's result buffer, an operand).
        if (isRecord(n.type!)) {
          this.genExpr(n);
          return;
        }
        break;
    }
    if (n.kind === "member")
      this.diags.error(CC.BITFIELD_ADDRESS, n.loc, "cannot take the address of a bit-field"); // prettier-ignore
    else this.diags.error(CC.NOT_LVALUE, n.loc, "expression has no address");
  }

  /** Load the value of type `t` at the address in %rax. */
  protected load(t: Type): void {
    switch (t.kind) {
      case "array":
      case "struct":
      case "union":
      case "func":
        return; // the address is the value (it decays, or is copied by store)
    }
    switch (t.size) {
      case 1:
        this.emit(t.unsigned ? "movzbl (%rax), %eax" : "movsbl (%rax), %eax");
        return;
      case 2:
        this.emit(t.unsigned ? "movzwl (%rax), %eax" : "movswl (%rax), %eax");
        return;
      case 4:
        this.emit("movl (%rax), %eax");
        return;
      default:
        this.emit("movq (%rax), %rax");
    }
  }

  /** Store %rax to the address popped from the stack. */
  protected store(t: Type): void {
    this.pop("%rdi");
    if (t.kind === "struct" || t.kind === "union") {
      this.copyBytes(t.size);
      return;
    }
    const op = { 1: "movb %al", 2: "movw %ax", 4: "movl %eax" }[t.size] ?? "movq %rax";
    this.emit(`${op}, (%rdi)`);
  }

  /** Copy `size` bytes from (%rax) to (%rdi), widest moves first. */
  protected copyBytes(size: number): void {
    let i = 0;
    for (const [w, reg, suffix] of [
      [8, "%r8", "q"],
      [4, "%r8d", "l"],
      [2, "%r8w", "w"],
      [1, "%r8b", "b"],
    ] as const) {
      // prettier-ignore
      for (; i + w <= size; i += w) {
        this.emit(`mov${suffix} ${i}(%rax), ${reg}`);
        this.emit(`mov${suffix} ${reg}, ${i}(%rdi)`);
      }
    }
  }

  /** Compare %rax (of type t) with zero. */
  protected cmpZero(t: Type): void {
    this.emit(t.size <= 4 && t.kind !== "array" && t.kind !== "func" ? "cmp $0, %eax" : "cmp $0, %rax"); // prettier-ignore
  }

  protected loadConst(v: bigint, t: Type): void {
    if (t.size <= 4 && t.kind !== "ptr") {
      this.emit(`mov $${BigInt.asIntN(32, v)}, %eax`);
      return;
    }
    const s = BigInt.asIntN(64, v);
    this.emit(s >= INT32_MIN && s <= INT32_MAX ? `mov $${s}, %rax` : `movabs $${s}, %rax`);
  }

  protected genExpr(n: Node): void {
    switch (n.kind) {
      case "num":
        this.loadConst(n.val, n.type!);
        return;
      case "neg":
        this.genExpr(n.lhs!);
        this.emit(n.type!.size === 8 ? "neg %rax" : "neg %eax");
        this.wrapBits(n.type!);
        return;
      case "bitnot":
        this.genExpr(n.lhs!);
        this.emit(n.type!.size === 8 ? "not %rax" : "not %eax");
        this.wrapBits(n.type!);
        return;
      case "not":
        this.genExpr(n.lhs!);
        this.cmpZero(n.lhs!.type!);
        this.emit("sete %al");
        this.emit("movzbl %al, %eax");
        return;
      case "member":
        if (n.member!.bitWidth !== undefined) {
          this.genBitFieldBase(n);
          this.loadBitField(n.member!);
          return;
        }
        this.genAddr(n);
        this.load(n.type!);
        return;
      case "var":
      case "complit":
        this.genAddr(n);
        this.load(n.type!);
        return;
      case "deref":
        this.genExpr(n.lhs!);
        this.load(n.type!);
        return;
      case "addr":
        this.genAddr(n.lhs!);
        return;
      case "assign":
        if (n.lhs!.kind === "member" && n.lhs!.member!.bitWidth !== undefined) {
          this.genBitFieldBase(n.lhs!);
          this.push();
          this.genExpr(n.rhs!);
          this.storeBitField(n.lhs!.member!);
          return;
        }
        this.genAddr(n.lhs!);
        this.push();
        this.genExpr(n.rhs!);
        this.store(n.type!);
        return;
      case "stmtexpr":
        for (const s of n.body) this.genStmt(s);
        return;
      case "comma":
        this.genExpr(n.lhs!);
        this.genExpr(n.rhs!);
        return;
      case "cast":
        this.genExpr(n.lhs!);
        this.convert(n.lhs!.type!, n.type!);
        return;
      case "memzero":
        this.memzero(n.obj!);
        return;
      case "cond":
        return this.genCond(n);
      case "logand":
      case "logor":
        return this.genLogical(n);
      case "call":
        return this.genCall(n);
      case "asm":
        return this.genAsm(n);
    }
    this.genBinary(n);
  }

  /** `rep stosb` over a local (6.7.9p10: members without an initialiser are zero). */
  private memzero(v: Obj): void {
    this.emit(`mov $${v.type.size}, %rcx`);
    this.emit(`lea ${v.offset}(%rbp), %rdi`);
    this.emit("xor %eax, %eax");
    this.emit("rep stosb");
  }

  private uniq = 0;
  protected localLabel(kind: string): string {
    return `.L${this.fn?.name ?? "data"}.${kind}.x${this.uniq++}`;
  }

  private genCond(n: Node): void {
    const els = this.localLabel("else");
    const end = this.localLabel("end");
    this.genExpr(n.cond!);
    this.cmpZero(this.condType(n.cond!));
    this.emit(`je ${els}`);
    this.genExpr(n.then!);
    this.emit(`jmp ${end}`);
    this.label(els);
    this.genExpr(n.els!);
    this.label(end);
  }

  protected condType(n: Node): Type {
    const t = n.type!;
    return t.kind === "array" || t.kind === "func" ? ty.ulong : t;
  }

  /** 6.5.13-14: the right operand is evaluated only when needed; the result is 0 or 1. */
  private genLogical(n: Node): void {
    const and = n.kind === "logand";
    const short = this.localLabel(and ? "false" : "true");
    const end = this.localLabel("end");
    for (const side of [n.lhs!, n.rhs!]) {
      this.genExpr(side);
      this.cmpZero(this.condType(side));
      this.emit(`${and ? "je" : "jne"} ${short}`);
    }
    this.emit(`mov $${and ? 1 : 0}, %eax`);
    this.emit(`jmp ${end}`);
    this.label(short);
    this.emit(`mov $${and ? 0 : 1}, %eax`);
    this.label(end);
  }

  /** Integer conversions (6.3.1.3); every value narrower than 64 bits lives in %eax. */
  protected convert(from: Type, to: Type): void {
    if (to.kind === "void") return;
    const f = from.kind === "array" || from.kind === "func" ? ty.ulong : from;
    if (to.kind === "bool") {
      this.cmpZero(f);
      this.emit("setne %al");
      this.emit("movzbl %al, %eax");
      return;
    }
    if (to.size === 1) this.emit(to.unsigned ? "movzbl %al, %eax" : "movsbl %al, %eax");
    else if (to.size === 2) this.emit(to.unsigned ? "movzwl %ax, %eax" : "movswl %ax, %eax");
    else if (to.size === 4) {
      if (f.size === 8) this.emit("mov %eax, %eax");
    } else if (f.size <= 4) this.emit(f.unsigned ? "mov %eax, %eax" : "movslq %eax, %rax");
    this.wrapBits(to);
  }

  /** A value of GCC's N-bit bit-field type is kept extended from bit N-1: wrap %rax to it. */
  protected wrapBits(t: Type): void {
    const n = wideBits(t);
    if (n === 0) return;
    this.emit(`shl $${QWORD_BITS - n}, %rax`);
    this.emit(`${t.unsigned ? "shr" : "sar"} $${QWORD_BITS - n}, %rax`);
  }

  private genBinary(n: Node): void {
    this.genBinaryOp(n);
    this.wrapBits(n.type!);
  }

  private genBinaryOp(n: Node): void {
    this.genExpr(n.rhs!);
    this.push();
    this.genExpr(n.lhs!);
    this.pop("%rdi");
    const opType = n.lhs!.type!;
    const wide = opType.size === 8 || opType.kind === "ptr" || opType.kind === "array" || opType.kind === "func"; // prettier-ignore
    const ax = wide ? "%rax" : "%eax";
    const di = wide ? "%rdi" : "%edi";
    const unsigned = opType.unsigned || opType.kind === "ptr" || opType.kind === "array";
    switch (n.kind) {
      case "add": return this.emit(`add ${di}, ${ax}`);
      case "sub": return this.emit(`sub ${di}, ${ax}`);
      case "mul": return this.emit(`imul ${di}, ${ax}`);
      case "bitand": return this.emit(`and ${di}, ${ax}`);
      case "bitor": return this.emit(`or ${di}, ${ax}`);
      case "bitxor": return this.emit(`xor ${di}, ${ax}`);
      case "div": case "mod":
        // 6.5.5p6: idiv truncates toward zero, as C requires.
        if (unsigned) {
          this.emit("xor %edx, %edx");
          this.emit(`div ${di}`);
        } else {
          this.emit(wide ? "cqto" : "cltd");
          this.emit(`idiv ${di}`);
        }
        if (n.kind === "mod") this.emit(wide ? "mov %rdx, %rax" : "mov %edx, %eax");
        return;
      case "shl": case "shr":
        this.emit("mov %rdi, %rcx");
        this.emit(`${n.kind === "shl" ? "shl" : unsigned ? "shr" : "sar"} %cl, ${ax}`);
        return;
      case "eq": case "ne": case "lt": case "le": {
        this.emit(`cmp ${di}, ${ax}`);
        const cc = { eq: "e", ne: "ne", lt: unsigned ? "b" : "l", le: unsigned ? "be" : "le" }[n.kind]; // prettier-ignore
        this.emit(`set${cc} %al`);
        this.emit("movzbl %al, %eax");
        return;
      }
    } // prettier-ignore
    this.diags.error(CC.UNSUPPORTED, n.loc, `internal: cannot generate code for '${n.kind}'`);
  }

  /** Move incoming register parameter i of type t into its stack slot. */
  protected storeParam(i: number, v: Obj): void {
    const regs = { 1: ARG_REGS8, 2: ARG_REGS16, 4: ARG_REGS32 }[v.type.size] ?? ARG_REGS64;
    const suffix = { 1: "b", 2: "w", 4: "l" }[v.type.size] ?? "q";
    this.emit(`mov${suffix} ${regs[i]}, ${v.offset}(%rbp)`);
  }

  // ---- partial eightbytes: structures in registers and bit-field storage

  /**
   * Load the `k` (1..8) bytes at off(base) into %dst, zero-extended, without touching memory
   * past them (a 7-byte tail is 4 + 2 + 1 bytes, merged through %r10). `base` must not be dst.
   */
  protected loadPartial(base: string, off: number, k: number, dst: string): void {
    const [first, ...rest] = pieces(k);
    this.emit(loadPiece(first!.width, `${off + first!.at}(${base})`, dst));
    for (const p of rest) {
      this.emit(loadPiece(p.width, `${off + p.at}(${base})`, SCRATCH));
      this.emit(`shl $${p.at * BITS_PER_BYTE}, %${SCRATCH}`);
      this.emit(`or %${SCRATCH}, %${dst}`);
    }
  }

  /** Store the low `k` (1..8) bytes of %src at off(base); shifts %src as it goes. */
  protected storePartial(src: string, base: string, off: number, k: number): void {
    const ps = pieces(k);
    ps.forEach((p, i) => {
      this.emit(`mov${SUFFIX[p.width]} %${sub(src, p.width)}, ${off + p.at}(${base})`);
      if (i + 1 < ps.length) this.emit(`shr $${p.width * BITS_PER_BYTE}, %${src}`);
    });
  }

  // ---- bit-fields: the storage bytes are read whole, then shifted and masked (6.7.2.1p11)

  /** The address of the first byte holding bit-field member `n`, in %rax. */
  protected genBitFieldBase(n: Node): void {
    this.genAddr(n.lhs!);
    if (n.member!.offset !== 0) this.emit(`add $${n.member!.offset}, %rax`);
  }

  /** Read bit-field `m` whose first byte's address is in %rax; sign- or zero-extend it. */
  protected loadBitField(m: Member): void {
    const { bytes, bo, w } = bitSpan(m);
    this.emit("mov %rax, %rcx");
    this.loadPartial("%rcx", 0, bytes, "rax");
    const left = QWORD_BITS - bo - w;
    if (left > 0) this.emit(`shl $${left}, %rax`);
    const right = QWORD_BITS - w;
    if (right > 0) this.emit(`${m.type.unsigned ? "shr" : "sar"} $${right}, %rax`);
  }

  /**
   * Merge the value in %rax into bit-field `m` whose first byte's address is popped; the
   * expression's value (the stored bits, re-extended) is left in %rax.
   */
  protected storeBitField(m: Member): void {
    const { bytes, bo, w } = bitSpan(m);
    const mask = (1n << BigInt(w)) - 1n;
    this.pop("%rdi");
    this.emit(`movabs $${BigInt.asIntN(64, mask)}, %rcx`);
    this.emit("and %rcx, %rax");
    this.emit("mov %rax, %rsi"); // the new field value, kept for the result
    this.emit("mov %rax, %rdx");
    if (bo > 0) this.emit(`shl $${bo}, %rdx`);
    this.loadPartial("%rdi", 0, bytes, "rax");
    this.emit(`movabs $${BigInt.asIntN(64, ~(mask << BigInt(bo)))}, %rcx`);
    this.emit("and %rcx, %rax");
    this.emit("or %rdx, %rax");
    this.storePartial("rax", "%rdi", 0, bytes);
    this.emit("mov %rsi, %rax");
    if (!m.type.unsigned && w < QWORD_BITS) {
      this.emit(`shl $${QWORD_BITS - w}, %rax`);
      this.emit(`sar $${QWORD_BITS - w}, %rax`);
    }
  }
}

const QWORD_BITS = 64;
/** Scratch register for merging partial loads (caller-saved, never an argument, psABI §3.2.1). */
const SCRATCH = "r10";
const SUFFIX: Record<number, string> = { 1: "b", 2: "w", 4: "l", 8: "q" };
/** Sub-registers by width: [dword, word, byte]. */
const SUBREGS: Record<string, [string, string, string]> = {
  rax: ["eax", "ax", "al"], rcx: ["ecx", "cx", "cl"], rdx: ["edx", "dx", "dl"],
  rsi: ["esi", "si", "sil"], rdi: ["edi", "di", "dil"], r8: ["r8d", "r8w", "r8b"],
  r9: ["r9d", "r9w", "r9b"], r10: ["r10d", "r10w", "r10b"], r11: ["r11d", "r11w", "r11b"],
}; // prettier-ignore

/** The name of the low `width` bytes of 64-bit register `r` (no `%`). */
function sub(r: string, width: number): string {
  if (width === 8) return r;
  const names = SUBREGS[r]!;
  return width === 4 ? names[0] : width === 2 ? names[1] : names[2];
}

/** Zero-extending load of a 1/2/4/8-byte piece into 64-bit register `r`. */
function loadPiece(width: number, mem: string, r: string): string {
  if (width === 8) return `movq ${mem}, %${r}`;
  if (width === 4) return `movl ${mem}, %${sub(r, 4)}`; // writing a dword zero-extends
  return `movz${width === 2 ? "w" : "b"}l ${mem}, %${sub(r, 4)}`;
}

/** `k` bytes as naturally sized pieces, widest first: 7 → 4@0, 2@4, 1@6. */
function pieces(k: number): { at: number; width: number }[] {
  const out: { at: number; width: number }[] = [];
  let at = 0;
  for (const width of [8, 4, 2, 1])
    while (k - at >= width) {
      out.push({ at, width });
      at += width;
    }
  return out;
}

/** Bytes spanned by a bit-field from its first byte, its bit offset there, and its width. */
function bitSpan(m: Member): { bytes: number; bo: number; w: number } {
  const bo = m.bitOffset ?? 0;
  const w = m.bitWidth ?? 0;
  return { bytes: Math.ceil((bo + w) / BITS_PER_BYTE), bo, w };
}
