// Statements, functions and data → AT&T assembly text, one function at a time. Each statement
// starts with a `.loc` directive naming its C line (and a `# line: text` comment for readers),
// so the assembler's line table and the VM's traces point at the .c source. Data is emitted as
// bytes with `.quad sym+addend` where an initialiser holds an address.
import type { DiagnosticBag, SourceManager } from "../diag/index.js";
import type { Node, Obj } from "./ast.js";
import { isRecord } from "./abi.js";
import { AsmGen } from "./gen-asm.js";
import { SLOT } from "./gen-expr.js";

/** Bytes per `.byte` line in data, for readable output. */
const BYTES_PER_LINE = 16;

export class CodeGen extends AsmGen {
  private files = new Map<number, number>();
  private lastLine = "";

  constructor(
    diags: DiagnosticBag,
    private readonly sources: SourceManager,
  ) {
    super(diags);
  }

  /** The unit's assembly; `unit` (the .c file) opens it as gcc's `.file "unit"` (an STT_FILE symbol). */
  generate(globals: Obj[], topLevelAsm: string[], unit?: string): string {
    if (unit !== undefined) this.emit(`.file ${quote(unit)}`);
    for (const t of topLevelAsm) for (const line of t.split("\n")) this.emit(line.trim());
    for (const g of globals) if (!g.isFunction && g.isDefinition) this.data(g);
    for (const g of globals) if (g.isFunction && g.isDefinition && this.wanted(g)) this.func(g);
    return this.out.join("\n") + "\n";
  }

  /** `static inline` functions nobody calls are not emitted (as GCC does). */
  private wanted(f: Obj): boolean {
    return !(f.isStatic && f.attrs.has("inline")) || f.used;
  }

  // ---- line information

  /** `.loc` for the statement's line, once per line change. */
  private loc(n: Node): void {
    const loc = n.loc;
    if (loc.file === 0) return;
    const file = this.sources.get(loc.file);
    const { line, col } = file.lineCol(loc.start);
    const key = `${loc.file}:${line}`;
    if (key === this.lastLine) return;
    this.lastLine = key;
    let num = this.files.get(loc.file);
    if (num === undefined) {
      num = this.files.size + 1;
      this.files.set(loc.file, num);
      this.emit(`.file ${num} ${quote(file.name)}`);
    }
    this.emit(`.loc ${num} ${line} ${col}`);
    this.out.push(`# ${line}: ${file.lineText(line).trim().replace(/\s+/g, " ")}`);
  }

  // ---- functions

  private func(f: Obj): void {
    this.fn = f;
    this.depth = 0;
    this.lastLine = "";
    const ret = `.L${f.name}.return`;
    this.out.push("");
    this.out.push(`# ${f.name}: ${f.locals.length} locals, ${f.stackSize} bytes of frame`);
    this.emit(f.section ? `.section ${f.section},"ax",@progbits` : ".text");
    if (!f.isStatic) this.emit(`.globl ${f.asmName}`);
    this.emit(`.type ${f.asmName}, @function`);
    this.label(f.asmName);
    this.loc(f.body!);
    this.emit("push %rbp");
    this.emit("mov %rsp, %rbp");
    if (f.stackSize > 0) this.emit(`sub $${f.stackSize}, %rsp`);
    this.storeParams(f);
    this.genStmt(f.body!);
    // 5.1.2.2.3: reaching the end of main returns 0.
    if (f.name === "main") this.emit("xor %eax, %eax");
    this.label(ret);
    this.emit("mov %rbp, %rsp");
    this.emit("pop %rbp");
    this.emit("ret");
    this.emit(`.size ${f.asmName}, .-${f.asmName}`);
    this.fn = undefined;
  }

  protected genStmt(n: Node): void {
    if (n.kind !== "block") this.loc(n);
    switch (n.kind) {
      case "block":
        for (const s of n.body) this.genStmt(s);
        return;
      case "exprstmt":
        this.genExpr(n.lhs!);
        return;
      case "null":
        return;
      case "asm":
        this.genAsm(n);
        return;
      case "return":
        if (n.lhs) this.genExpr(n.lhs);
        if (n.lhs && isRecord(this.fn!.type.ret!)) this.returnRecord(this.fn!);
        this.emit(`jmp .L${this.fn!.name}.return`);
        return;
      case "if":
        return this.genIf(n);
      case "for":
        return this.genFor(n);
      case "do":
        return this.genDo(n);
      case "switch":
        return this.genSwitch(n);
      case "case":
        this.label(n.label);
        this.genStmt(n.lhs!);
        return;
      case "goto":
        this.emit(`jmp ${n.label}`);
        return;
      case "label":
        this.label(n.label);
        this.genStmt(n.lhs!);
        return;
    }
    this.genExpr(n);
  }

  private genIf(n: Node): void {
    const els = `${n.label}.else`;
    const end = `${n.label}.end`;
    this.genExpr(n.cond!);
    this.cmpZero(this.condType(n.cond!));
    this.emit(`je ${n.els ? els : end}`);
    this.genStmt(n.then!);
    if (n.els) {
      this.emit(`jmp ${end}`);
      this.label(els);
      this.genStmt(n.els);
    }
    this.label(end);
  }

  /** for and while: `init; top: if (!cond) break; body; continue: inc; jmp top`. */
  private genFor(n: Node): void {
    if (n.init) this.genStmt(n.init);
    this.label(n.label);
    if (n.cond) {
      this.genExpr(n.cond);
      this.cmpZero(this.condType(n.cond));
      this.emit(`je ${n.brkLabel}`);
    }
    this.genStmt(n.then!);
    this.label(n.contLabel);
    if (n.inc) this.genExpr(n.inc);
    this.emit(`jmp ${n.label}`);
    this.label(n.brkLabel);
  }

  private genDo(n: Node): void {
    this.label(n.label);
    this.genStmt(n.then!);
    this.label(n.contLabel);
    this.loc(n.cond!);
    this.genExpr(n.cond!);
    this.cmpZero(this.condType(n.cond!));
    this.emit(`jne ${n.label}`);
    this.label(n.brkLabel);
  }

  /** A compare-and-branch chain over the cases (GNU ranges `case lo ... hi` included). */
  private genSwitch(n: Node): void {
    this.genExpr(n.cond!);
    const wide = n.cond!.type!.size === 8;
    const ax = wide ? "%rax" : "%eax";
    const di = wide ? "%rdi" : "%edi";
    const mov = (v: bigint): void => this.emit(wide ? `movabs $${BigInt.asIntN(64, v)}, %rdi` : `mov $${BigInt.asIntN(32, v)}, %edi`); // prettier-ignore
    const unsigned = n.cond!.type!.unsigned;
    for (const c of n.cases) {
      if (c.lo === c.hi) {
        mov(c.lo);
        this.emit(`cmp ${di}, ${ax}`);
        this.emit(`je ${c.label}`);
        continue;
      }
      // lo <= x <= hi as (x - lo) <= (hi - lo), unsigned.
      this.emit(`mov ${ax}, ${wide ? "%rcx" : "%ecx"}`);
      mov(c.lo);
      this.emit(`sub ${di}, ${wide ? "%rcx" : "%ecx"}`);
      mov(c.hi - c.lo);
      this.emit(`cmp ${di}, ${wide ? "%rcx" : "%ecx"}`);
      this.emit(`jbe ${c.label}`);
    }
    void unsigned;
    this.emit(`jmp ${n.defaultCase ? n.defaultCase.label : n.brkLabel}`);
    this.genStmt(n.then!);
    this.label(n.brkLabel);
  }

  // ---- data

  private data(v: Obj): void {
    const bss = !v.initData;
    const section = v.section
      ? `.section ${v.section},"${v.section.startsWith(".rodata") ? "a" : "aw"}",@${bss && v.section.startsWith(".bss") ? "nobits" : "progbits"}` // prettier-ignore
      : bss
        ? ".bss"
        : v.section || (v.type.isConst ? ".section .rodata" : ".data");
    this.out.push("");
    this.emit(v.name === "" ? ".section .rodata" : section);
    if (!v.isStatic) this.emit(`.globl ${v.asmName}`);
    this.emit(`.balign ${Math.max(v.align, 1)}`);
    if (v.name !== "") {
      this.emit(`.type ${v.asmName}, @object`);
      this.emit(`.size ${v.asmName}, ${v.type.size}`);
    }
    this.label(v.asmName);
    if (!v.initData) {
      if (v.type.size > 0) this.emit(`.zero ${v.type.size}`);
      return;
    }
    if (v.name === "") this.emit(`.ascii ${quoteBytes(v.initData)}`);
    else this.dataBytes(v);
  }

  private dataBytes(v: Obj): void {
    const data = v.initData!;
    const relocs = [...v.relocs].sort((a, b) => a.offset - b.offset);
    let pos = 0;
    for (const r of [...relocs, undefined]) {
      const end = r ? r.offset : data.length;
      for (let i = pos; i < end; i += BYTES_PER_LINE) {
        const chunk = data.subarray(i, Math.min(i + BYTES_PER_LINE, end));
        if (chunk.every((b) => b === 0)) this.emit(`.zero ${chunk.length}`);
        else this.emit(`.byte ${[...chunk].join(", ")}`);
      }
      if (!r) break;
      this.emit(`.quad ${r.label}${r.addend === 0n ? "" : r.addend > 0n ? `+${r.addend}` : `${r.addend}`}`); // prettier-ignore
      pos = r.offset + SLOT;
    }
  }
}

/** A gas string literal. */
function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/** Bytes as a gas `.ascii` string: printable ASCII as is, the rest as 3-digit octal escapes. */
function quoteBytes(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) s += `\\${String.fromCharCode(b)}`;
    else if (b >= 0x20 && b < 0x7f) s += String.fromCharCode(b);
    else s += `\\${b.toString(8).padStart(3, "0")}`;
  }
  return `${s}"`;
}
