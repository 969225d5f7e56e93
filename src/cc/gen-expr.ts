// Expression code generation in chibicc's manner: a stack machine whose accumulator is %rax.
// A binary operator evaluates its right operand, pushes it, evaluates the left one and pops the
// right into %rdi. Values of types narrower than 64 bits live in %eax (sign- or zero-extended to
// 32 bits); casts (./gen-cast below) make every conversion explicit. Calls follow the System V
// AMD64 ABI (psABI §3.2.3): six integer arguments in registers, the rest on the stack, and
// %rsp 16-byte aligned at the call.
import type { DiagnosticBag } from "../diag/index.js";
import { CC } from "../diag/codes/cc.js";
import type { Node, Obj } from "./ast.js";
import { ty, type Type } from "./types.js";

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

  protected emit(s: string): void {
    this.out.push(`\t${s}`);
  }

  protected label(name: string): void {
    this.out.push(`${name}:`);
  }

  protected push(): void {
    this.emit("push %rax");
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
        this.genAddr(n.lhs!);
        if (n.member!.offset !== 0) this.emit(`add $${n.member!.offset}, %rax`);
        return;
    }
    this.diags.error(CC.NOT_LVALUE, n.loc, "expression has no address");
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
  private copyBytes(size: number): void {
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
        return;
      case "bitnot":
        this.genExpr(n.lhs!);
        this.emit(n.type!.size === 8 ? "not %rax" : "not %eax");
        return;
      case "not":
        this.genExpr(n.lhs!);
        this.cmpZero(n.lhs!.type!);
        this.emit("sete %al");
        this.emit("movzbl %al, %eax");
        return;
      case "var":
      case "member":
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
  }

  private genBinary(n: Node): void {
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

  /** A call: arguments pushed right to left, the first six popped into registers. */
  private genCall(n: Node): void {
    const args = n.body;
    const stackArgs = Math.max(0, args.length - ARG_REGS64.length);
    let pad = 0;
    if ((this.depth + stackArgs) % 2 === 1) {
      this.emit(`sub $${SLOT}, %rsp`); // keep %rsp 16-byte aligned at the call (psABI §3.2.2)
      this.depth++;
      pad = 1;
    }
    for (let i = args.length - 1; i >= 0; i--) {
      this.genExpr(args[i]!);
      this.push();
    }
    const direct = n.lhs!.kind === "var" && n.lhs!.type!.kind === "func" ? n.lhs!.obj! : undefined;
    if (!direct) {
      this.genExpr(n.lhs!);
      this.emit("mov %rax, %r11");
    }
    for (let i = 0; i < Math.min(args.length, ARG_REGS64.length); i++) this.pop(ARG_REGS64[i]!);
    const ft = n.funcType!;
    if (ft.variadic || ft.oldStyle) this.emit("xor %eax, %eax"); // %al: no vector registers used
    this.emit(direct ? `call ${direct.asmName}` : "call *%r11");
    const cleanup = stackArgs + pad;
    if (cleanup > 0) {
      this.emit(`add $${cleanup * SLOT}, %rsp`);
      this.depth -= cleanup;
    }
    this.widenReturn(ft.ret!);
  }

  /** The ABI leaves the upper bits of a narrow return value undefined: extend it. */
  private widenReturn(t: Type): void {
    if (t.kind === "bool") this.emit("movzbl %al, %eax");
    else if (t.size === 1 && t.kind !== "void")
      this.emit(t.unsigned ? "movzbl %al, %eax" : "movsbl %al, %eax"); // prettier-ignore
    else if (t.size === 2) this.emit(t.unsigned ? "movzwl %ax, %eax" : "movswl %ax, %eax");
  }

  /** Move incoming register parameter i of type t into its stack slot. */
  protected storeParam(i: number, v: Obj): void {
    const regs = { 1: ARG_REGS8, 2: ARG_REGS16, 4: ARG_REGS32 }[v.type.size] ?? ARG_REGS64;
    const suffix = { 1: "b", 2: "w", 4: "l" }[v.type.size] ?? "q";
    this.emit(`mov${suffix} ${regs[i]}, ${v.offset}(%rbp)`);
  }
}
