// The disassembler: DecodedInsn → AT&T text that GNU as accepts and that re-assembles to the
// same bytecode. It is also the VM's trace printer, so the output is stable and objdump-like:
// the mnemonic padded to 6 columns, operands in AT&T order separated by commas.
// Spelling rules (documented in docs/isa.md): the size suffix is printed where no register
// operand shows the size; sign-extended imm32 of 64-bit forms print as signed, other immediates
// as their unsigned bit pattern; branch targets print as an absolute address (or a symbol) when
// the instruction's address is known, else as `.+N` (N from the start of the instruction).
import type { DecodedInsn, MemOperand, OperandValue } from "./types.js";
import { MEM_BASE_RIP, MEM_NONE, PREFIX_LOCK, PREFIX_REP, PREFIX_REPNE } from "./types.js";
import { SEGMENT_REGISTERS, gprName } from "./registers.js";
import { OC_C, OC_E, OC_FIXED, OC_G, OC_S, kindBits, operandClass } from "./layout.js";
import type { IsaForm } from "./spec.js";
import { suffixLetter } from "./table.js";

export interface DisassembleOptions {
  /** The instruction's address: branch and RIP-relative targets then print as addresses. */
  address?: bigint;
  /** A name for an address (e.g. `foo` or `foo+0x8`), or undefined to print the number. */
  symbolize?(addr: bigint): string | undefined;
}

const MNEMONIC_COLUMN = 6;
const U64 = (1n << 64n) - 1n;
const FIXED_TEXT: Record<string, string> = {
  AL: "%al", AX: "%ax", EAX: "%eax", RAX: "%rax", CL: "%cl", DX: "(%dx)",
}; // prettier-ignore
const ACCUMULATORS = new Set(["AL", "AX", "EAX", "RAX"]);

function hex(v: number | bigint): string {
  return v < 0 ? `-0x${(-BigInt(v)).toString(16)}` : `0x${v.toString(16)}`;
}

function memText(m: MemOperand): string {
  const seg = m.seg === 0 ? "" : `%${SEGMENT_REGISTERS[m.seg - 1]}:`;
  const hasBase = m.base !== MEM_NONE;
  const hasIndex = m.index !== MEM_NONE;
  if (!hasBase && !hasIndex) return `${seg}${hex(m.disp)}`;
  const disp = m.disp === 0 ? "" : hex(m.disp);
  const base = !hasBase ? "" : m.base === MEM_BASE_RIP ? "%rip" : `%${gprName(m.base, 64)}`;
  const index = hasIndex ? `,%${gprName(m.index, 64)},${1 << m.scaleLog2}` : "";
  return `${seg}${disp}(${base}${index})`;
}

/** An immediate: signed when the CPU sign-extends it (imm32 in a 64-bit form), else unsigned. */
function immText(form: IsaForm, kind: string, value: bigint): string {
  if (form.size === 64 && kind === "Id") return `$${hex(BigInt.asIntN(32, value))}`;
  return `$${hex(value)}`;
}

function relText(insn: DecodedInsn, rel: number, opts: DisassembleOptions | undefined): string {
  if (opts?.address === undefined) {
    const n = insn.length + rel;
    return n < 0 ? `.${n}` : `.+${n}`;
  }
  const target = (opts.address + BigInt(insn.length) + BigInt(rel)) & U64;
  return opts.symbolize?.(target) ?? hex(target);
}

function operandText(
  insn: DecodedInsn,
  i: number,
  v: OperandValue,
  opts: DisassembleOptions | undefined,
  notes: string[],
): string {
  const form = insn.form as IsaForm;
  const k = form.operands[i]!;
  const cls = operandClass(k);
  if (cls === OC_FIXED) return FIXED_TEXT[k]!;
  const star = (form.flow === "jump" || form.flow === "call") && cls === OC_E ? "*" : "";
  if (v.kind === "mem") {
    if (v.mem.base === MEM_BASE_RIP && opts?.address !== undefined) {
      const target = (opts.address + BigInt(insn.length) + BigInt(v.mem.disp)) & U64;
      notes.push(opts.symbolize?.(target) ?? hex(target));
    }
    return star + memText(v.mem);
  }
  if (v.kind === "reg") {
    if (cls === OC_C) return `%cr${v.num}`;
    if (cls === OC_S) return `%${SEGMENT_REGISTERS[v.num]}`;
    return `${star}%${gprName(v.num, kindBits(k) as 8 | 16 | 32 | 64)}`;
  }
  if (v.kind === "imm") return immText(form, k, v.value);
  if (v.kind === "rel") return relText(insn, v.value, opts);
  return "";
}

/** Whether a register operand already tells GNU as the operand size. */
function registerShowsSize(insn: DecodedInsn): boolean {
  const form = insn.form;
  return form.operands.some((k, i) => {
    if (ACCUMULATORS.has(k)) return kindBits(k) === form.size;
    const cls = operandClass(k);
    const isReg = cls === OC_G || (cls === OC_E && insn.operands[i]!.kind === "reg");
    return isReg && kindBits(k) === form.size;
  });
}

function mnemonicText(insn: DecodedInsn): string {
  const form = insn.form as IsaForm;
  const withSuffix =
    form.size !== 0 &&
    (form.suffix === "always" || (form.suffix === "auto" && !registerShowsSize(insn)));
  const name = form.mnemonic + (withSuffix ? suffixLetter(form.size) : "");
  switch (insn.prefix) {
    case PREFIX_LOCK: return `lock ${name}`;
    case PREFIX_REP: return form.flow === "ret" ? `repz ${name}` : `rep ${name}`;
    case PREFIX_REPNE: return `repnz ${name}`;
    default: return name;
  } // prettier-ignore
}

/** AT&T text of one decoded instruction. */
export function disassemble(insn: DecodedInsn, opts?: DisassembleOptions): string {
  const notes: string[] = [];
  const ops = insn.operands.map((v, i) => operandText(insn, i, v, opts, notes));
  const name = mnemonicText(insn);
  if (ops.length === 0) return name;
  const text = `${name.padEnd(MNEMONIC_COLUMN)} ${ops.join(",")}`;
  return notes.length === 0 ? text : `${text}  # ${notes.join(", ")}`;
}
