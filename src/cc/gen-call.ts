// Calls, parameters and returns under the System V AMD64 psABI (§3.2.3), structures by value
// included. Both sides use ./abi.ts's layout: a caller reserves the stack argument area first
// (padded so %rsp is 16-byte aligned at the call, §3.2.2), stores each stack argument into it,
// then pushes the register arguments' eightbytes last-first and pops them into rdi rsi rdx rcx
// r8 r9 in order; a structure result comes back in RAX:RDX or through the hidden pointer and is
// kept in a buffer of the caller's frame (the node's retBuf), whose address is the value.
import type { Node, Obj } from "./ast.js";
import { classify, EIGHTBYTE, isRecord, layoutCall, type ArgPlace } from "./abi.js";
import { ARG_REGS64, ExprGen, SLOT } from "./gen-expr.js";
import type { Type } from "./types.js";

/** psABI §3.2.2: %rsp is a multiple of 16 at every call. */
const STACK_ALIGN = 16;
/** Incoming stack arguments start above the saved %rbp and the return address. */
const FIRST_STACK_ARG = 16;
/** Registers returning INTEGER eightbytes, in order (psABI §3.2.3). */
const RET_REGS = ["rax", "rdx"];

export abstract class CallGen extends ExprGen {
  protected genCall(n: Node): void {
    const args = n.body;
    const ft = n.funcType!;
    const layout = layoutCall(
      ft.ret!,
      args.map((a) => a.type!),
    );
    let area = layout.stackBytes;
    if ((this.depth * SLOT + area) % STACK_ALIGN !== 0) area += SLOT;
    if (area > 0) {
      this.emit(`sub $${area}, %rsp`);
      this.depth += area / SLOT;
    }
    layout.places.forEach((p, i) => {
      if (p.reg < 0) this.stackArg(args[i]!, p);
    });
    let regs = layout.hiddenReturn ? 1 : 0;
    for (let i = args.length - 1; i >= 0; i--) {
      const p = layout.places[i]!;
      if (p.reg >= 0) regs += this.regArg(args[i]!, p);
    }
    if (layout.hiddenReturn) {
      this.emit(`lea ${n.retBuf!.offset}(%rbp), %rax`);
      this.push();
    }
    const direct = n.lhs!.kind === "var" && n.lhs!.type!.kind === "func" ? n.lhs!.obj! : undefined;
    if (!direct) {
      this.genExpr(n.lhs!);
      this.emit("mov %rax, %r11");
    }
    for (let r = 0; r < regs; r++) this.pop(ARG_REGS64[r]!);
    if (ft.variadic || ft.oldStyle) this.emit("xor %eax, %eax"); // %al: no vector registers used
    this.emit(direct ? `call ${direct.asmName}` : "call *%r11");
    if (area > 0) {
      this.emit(`add $${area}, %rsp`);
      this.depth -= area / SLOT;
    }
    if (isRecord(ft.ret!)) this.keepResult(ft.ret!, n.retBuf!);
    else this.widenReturn(ft.ret!);
  }

  /** An argument in the stack area: evaluated, then stored at its offset from %rsp. */
  private stackArg(a: Node, p: ArgPlace): void {
    this.genExpr(a);
    if (!isRecord(a.type!)) {
      this.emit(`mov %rax, ${p.stackOffset}(%rsp)`);
      return;
    }
    this.emit(`lea ${p.stackOffset}(%rsp), %rdi`);
    this.copyBytes(a.type!.size);
  }

  /** A register argument: its eightbytes pushed last-first. Returns how many were pushed. */
  private regArg(a: Node, p: ArgPlace): number {
    this.genExpr(a);
    if (!isRecord(a.type!)) {
      this.push();
      return 1;
    }
    const n = p.cls.kind === "int" ? p.cls.eightbytes : 0;
    this.emit("mov %rax, %rcx");
    for (let j = n - 1; j >= 0; j--) {
      this.loadPartial("%rcx", j * EIGHTBYTE, eightbyteSize(a.type!, j), "rdx");
      this.push("%rdx");
    }
    return n;
  }

  /** Keep a structure result in the caller's buffer; its address is the call's value. */
  private keepResult(t: Type, buf: Obj): void {
    const cls = classify(t);
    if (cls.kind === "int")
      for (let j = 0; j < cls.eightbytes; j++)
        this.storePartial(RET_REGS[j]!, "%rbp", buf.offset + j * EIGHTBYTE, eightbyteSize(t, j));
    this.emit(`lea ${buf.offset}(%rbp), %rax`);
  }

  /** The ABI leaves the upper bits of a narrow return value undefined: extend it. */
  private widenReturn(t: Type): void {
    if (t.kind === "bool") this.emit("movzbl %al, %eax");
    else if (t.size === 1 && t.kind !== "void")
      this.emit(t.unsigned ? "movzbl %al, %eax" : "movsbl %al, %eax"); // prettier-ignore
    else if (t.size === 2) this.emit(t.unsigned ? "movzwl %ax, %eax" : "movswl %ax, %eax");
  }

  /** The prologue's copy of the incoming arguments (and hidden pointer) into their slots. */
  protected storeParams(f: Obj): void {
    const layout = layoutCall(
      f.type.ret!,
      f.params.map((p) => p.type),
    );
    if (layout.hiddenReturn) this.emit(`movq %rdi, ${f.retPtr!.offset}(%rbp)`);
    // Registers first: the stack copies below use %r8 as scratch.
    f.params.forEach((v, i) => {
      const p = layout.places[i]!;
      if (p.reg < 0) return;
      if (!isRecord(v.type)) return this.storeParam(p.reg, v);
      const n = p.cls.kind === "int" ? p.cls.eightbytes : 0;
      for (let j = 0; j < n; j++)
        this.storePartial(ARG_REGS64[p.reg + j]!.slice(1), "%rbp", v.offset + j * EIGHTBYTE, eightbyteSize(v.type, j)); // prettier-ignore
    });
    f.params.forEach((v, i) => {
      const p = layout.places[i]!;
      if (p.reg >= 0) return;
      const src = FIRST_STACK_ARG + p.stackOffset;
      if (isRecord(v.type)) {
        this.emit(`lea ${src}(%rbp), %rax`);
        this.emit(`lea ${v.offset}(%rbp), %rdi`);
        this.copyBytes(v.type.size);
        return;
      }
      this.emit(`mov ${src}(%rbp), %rax`);
      const op = { 1: "movb %al", 2: "movw %ax", 4: "movl %eax" }[v.type.size] ?? "movq %rax";
      this.emit(`${op}, ${v.offset}(%rbp)`);
    });
  }

  /** `return` of a structure whose address is in %rax (psABI §3.2.3 returning of values). */
  protected returnRecord(f: Obj): void {
    const t = f.type.ret!;
    const cls = classify(t);
    if (cls.kind === "memory") {
      // The callee fills the caller's buffer and returns its address in %rax.
      this.emit(`movq ${f.retPtr!.offset}(%rbp), %rdi`);
      this.copyBytes(t.size);
      this.emit("mov %rdi, %rax");
      return;
    }
    this.emit("mov %rax, %rcx");
    for (let j = cls.eightbytes - 1; j >= 0; j--)
      this.loadPartial("%rcx", j * EIGHTBYTE, eightbyteSize(t, j), RET_REGS[j]!);
  }
}

/** Bytes of eightbyte j of an object of type t (the last one may be partial). */
function eightbyteSize(t: Type, j: number): number {
  return Math.min(EIGHTBYTE, t.size - j * EIGHTBYTE);
}
