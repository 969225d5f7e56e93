// GNU extended asm (`asm volatile("..." : outputs : inputs : clobbers)`): each operand gets a
// place — a register (constraint r/q or the fixed a b c d S D), memory (m: the object's own
// address when it is a variable, else an address register) or an immediate (i/n) — then the
// inputs are evaluated onto the stack and popped into their registers, the template is printed
// with its operands substituted (%0, %[name], modifiers b w k q h c, %%), and the output
// registers are stored back. Callee-saved registers the asm uses are saved around it.
import { CC } from "../diag/codes/cc.js";
import type { AsmOperand, Node } from "./ast.js";
import { evaluate } from "./eval.js";
import { CallGen } from "./gen-call.js";
import type { Type } from "./types.js";

/** The 64-bit name of each register and its narrower names (b, w, k) and high byte. */
const REGS: Record<string, { b: string; w: string; k: string; h?: string }> = {
  rax: { b: "al", w: "ax", k: "eax", h: "ah" },
  rbx: { b: "bl", w: "bx", k: "ebx", h: "bh" },
  rcx: { b: "cl", w: "cx", k: "ecx", h: "ch" },
  rdx: { b: "dl", w: "dx", k: "edx", h: "dh" },
  rsi: { b: "sil", w: "si", k: "esi" },
  rdi: { b: "dil", w: "di", k: "edi" },
  r8: { b: "r8b", w: "r8w", k: "r8d" }, r9: { b: "r9b", w: "r9w", k: "r9d" },
  r10: { b: "r10b", w: "r10w", k: "r10d" }, r11: { b: "r11b", w: "r11w", k: "r11d" },
  r12: { b: "r12b", w: "r12w", k: "r12d" }, r13: { b: "r13b", w: "r13w", k: "r13d" },
  r14: { b: "r14b", w: "r14w", k: "r14d" }, r15: { b: "r15b", w: "r15w", k: "r15d" },
}; // prettier-ignore

/** Constraint letters naming one register (GCC's i386 machine constraints). */
const FIXED: Record<string, string> = { a: "rax", b: "rbx", c: "rcx", d: "rdx", S: "rsi", D: "rdi" }; // prettier-ignore
/** Registers for `r`: caller-saved first; callee-saved ones (psABI §3.2.1) are saved if used. */
const POOL = ["rax", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10", "r11", "rbx", "r12", "r13", "r14", "r15"]; // prettier-ignore
const CALLEE_SAVED = new Set(["rbx", "r12", "r13", "r14", "r15"]);

interface Place {
  op: AsmOperand;
  kind: "reg" | "mem" | "imm";
  reg: string;
  /** mem: the operand text, e.g. `-8(%rbp)` or `(%rcx)`; imm: the value. */
  mem: string;
  imm: bigint;
  /** mem through a register: the register holding the address. */
  addrReg: string;
  type: Type;
  output: boolean;
  inout: boolean;
}

export abstract class AsmGen extends CallGen {
  protected genAsm(n: Node): void {
    const a = n.asm!;
    const ops = [...a.outputs.map((o) => [o, true] as const), ...a.inputs.map((o) => [o, false] as const)]; // prettier-ignore
    const used = new Set<string>();
    const clobbered = this.clobberedRegs(a.clobbers, n);
    const places: Place[] = ops.map(([op, output]) => this.fixedPlace(op, output, used));
    for (const p of places) this.poolPlace(p, places, used, clobbered, n);
    const saved = [...new Set([...used, ...clobbered])].filter((r) => CALLEE_SAVED.has(r)).sort();
    for (const r of saved) {
      this.emit(`push %${r}`);
      this.depth++;
    }
    this.loadInputs(places);
    const text = this.substitute(a.template, places, n);
    for (const line of text.split("\n")) if (line.trim() !== "") this.emit(line.trim());
    this.storeOutputs(places);
    for (const r of saved.reverse()) this.pop(`%${r}`);
  }

  private clobberedRegs(clobbers: string[], n: Node): Set<string> {
    const out = new Set<string>();
    for (const c of clobbers) {
      if (c === "memory" || c === "cc") continue;
      const r = regName64(c.replace(/^%/, ""));
      if (!r) this.diags.error(CC.BAD_ASM_CONSTRAINT, n.loc, `unknown register name '${c}' in asm`);
      else out.add(r);
    }
    return out;
  }

  /** Fixed registers, memory, immediates and matching constraints; `r` is placed later. */
  private fixedPlace(op: AsmOperand, output: boolean, used: Set<string>): Place {
    const c = op.constraint.replace(/[=+&]/g, "");
    const p: Place = { op, kind: "reg", reg: "", mem: "", imm: 0n, addrReg: "", type: op.expr.type!, output, inout: op.constraint.includes("+") }; // prettier-ignore
    const fixed = [...c].find((ch) => FIXED[ch]);
    if (fixed) {
      p.reg = FIXED[fixed]!;
      used.add(p.reg);
    } else if (/[in]/.test(c) && !/[rq]/.test(c)) {
      p.kind = "imm";
      try {
        p.imm = evaluate(op.expr).val;
      } catch {
        p.imm = 0n;
      }
    } else if (c.includes("m") && !/[rq]/.test(c)) {
      p.kind = "mem";
      const e = op.expr;
      if (e.kind === "var" && e.obj!.isLocal) p.mem = `${e.obj!.offset}(%rbp)`;
      // A static object is addressed absolutely, as GCC does for kernel code (-mcmodel=kernel:
      // every symbol is within the sign-extended 32-bit range), so `%%gs:%0` is the template
      // copy's address relative to this CPU's GS base.
      else if (e.kind === "var") p.mem = e.obj!.asmName;
    }
    return p;
  }

  private poolPlace(
    p: Place,
    all: Place[],
    used: Set<string>,
    clobbered: Set<string>,
    n: Node,
  ): void {
    const c = p.op.constraint;
    if (/^[0-9]$/.test(c)) {
      const target = all[Number(c)];
      if (!target || !target.output || target.kind !== "reg") {
        this.diags.error(CC.BAD_ASM_CONSTRAINT, p.op.loc, `matching constraint '${c}' does not refer to a register output`); // prettier-ignore
        return;
      }
      Object.assign(p, { kind: "reg", reg: target.reg });
      return;
    }
    const needsReg = (p.kind === "reg" && !p.reg) || (p.kind === "mem" && !p.mem);
    if (!needsReg) return;
    const free = POOL.find((r) => !used.has(r) && !clobbered.has(r));
    if (!free) {
      this.diags.error(
        CC.BAD_ASM_CONSTRAINT,
        n.loc,
        "impossible register constraints in asm: no register left",
      );
      return;
    }
    used.add(free);
    if (p.kind === "reg") p.reg = free;
    else {
      p.addrReg = free;
      p.mem = `(%${free})`;
    }
  }

  /** Evaluate every input (and in-out output, and address) onto the stack, then pop them. */
  private loadInputs(places: Place[]): void {
    const targets: string[] = [];
    for (const p of places) {
      if (p.kind === "mem" && p.addrReg) {
        this.genAddr(p.op.expr);
        this.push();
        targets.push(p.addrReg);
      }
      const isInput = !p.output || p.inout;
      if (p.kind === "reg" && p.reg && isInput) {
        this.genExpr(p.op.expr);
        if (p.type.kind !== "array" && p.type.size < 8) this.widen(p.type);
        this.push();
        targets.push(p.reg);
      }
    }
    for (let i = targets.length - 1; i >= 0; i--) this.pop(`%${targets[i]}`);
  }

  /** Give narrow inputs defined upper bits, as GCC's register moves do. */
  private widen(t: Type): void {
    if (t.size <= 4) this.emit(t.unsigned || t.kind === "ptr" ? "mov %eax, %eax" : "movslq %eax, %rax"); // prettier-ignore
  }

  private storeOutputs(places: Place[]): void {
    const outs = places.filter((p) => p.output && p.kind === "reg" && p.reg);
    for (const p of outs) {
      this.emit(`push %${p.reg}`);
      this.depth++;
    }
    for (let i = outs.length - 1; i >= 0; i--) {
      const p = outs[i]!;
      this.genAddr(p.op.expr);
      this.emit("mov %rax, %rdi");
      this.pop("%rax");
      const op = { 1: "movb %al", 2: "movw %ax", 4: "movl %eax" }[p.type.size] ?? "movq %rax";
      this.emit(`${op}, (%rdi)`);
    }
  }

  /** Print the template: %N, %[name], %lN modifiers, %% (GCC "Extended Asm", x86 modifiers). */
  private substitute(tpl: string, places: Place[], n: Node): string {
    let out = "";
    for (let i = 0; i < tpl.length; i++) {
      const ch = tpl[i]!;
      if (ch !== "%") {
        out += ch;
        continue;
      }
      const next = tpl[i + 1] ?? "";
      if (next === "%") {
        out += "%";
        i++;
        continue;
      }
      if (next === "=") {
        out += String(this.out.length);
        i++;
        continue;
      }
      const m = /^([bwkqhcP]?)(?:([0-9]+)|\[([A-Za-z_][A-Za-z0-9_]*)\])/.exec(tpl.slice(i + 1));
      const place = m && (m[2] !== undefined ? places[Number(m[2])] : places.find((p) => p.op.name === m[3])); // prettier-ignore
      if (!m || !place) {
        this.diags.error(CC.BAD_ASM_TEMPLATE, n.loc, `invalid operand reference '%${tpl.slice(i + 1, i + 4)}' in asm template (${places.length} operands)`); // prettier-ignore
        continue;
      }
      out += this.operandText(place, m[1]!, n);
      i += m[0].length;
    }
    return out;
  }

  private operandText(p: Place, mod: string, n: Node): string {
    if (p.kind === "imm") return mod === "c" || mod === "P" ? `${p.imm}` : `$${p.imm}`;
    if (p.kind === "mem") return p.mem;
    const r = REGS[p.reg];
    if (!r) return `%${p.reg}`;
    if (mod === "h") {
      if (!r.h) this.diags.error(CC.BAD_ASM_TEMPLATE, n.loc, `'%h' needs one of the a, b, c, d registers`); // prettier-ignore
      return `%${r.h ?? r.b}`;
    }
    const size = { b: 1, w: 2, k: 4, q: 8 }[mod] ?? (p.type.kind === "array" ? 8 : Math.min(p.type.size, 8)); // prettier-ignore
    if (size === 1) return `%${r.b}`;
    if (size === 2) return `%${r.w}`;
    if (size === 4) return `%${r.k}`;
    return `%${p.reg}`;
  }
}

/** The 64-bit register a clobber names ("rax", "eax", "al", "r8d", ...), or undefined. */
function regName64(name: string): string | undefined {
  if (REGS[name]) return name;
  for (const [r64, n] of Object.entries(REGS)) if (n.b === name || n.w === name || n.k === name || n.h === name) return r64; // prettier-ignore
  return undefined;
}
