// Operand checks of the matcher: does one parsed operand (an OperandShape) fit one operand kind
// of a form, following GNU as's rules for register sizes, immediates that do not fit, indirect
// branches and 64-bit addressing. ./match.ts drives these over every candidate form.
import type { Register } from "./registers.js";
import { RDX, RSP } from "./registers.js";
import type { IsaForm } from "./spec.js";
import type { OperandKind } from "./types.js";
import { OC_C, OC_E, OC_G, OC_I, OC_J, OC_M, OC_S, kindBits, operandClass } from "./layout.js";

/** What the parser found, described at the ISA level. */
export type OperandShape =
  | { kind: "reg"; reg: Register }
  | MemShape
  | { kind: "imm"; value?: bigint /* undefined when symbolic */ }
  | { kind: "indirect-reg"; reg: Register }
  | ({ kind: "indirect-mem" } & Partial<Omit<MemShape, "kind">>);

export interface MemShape {
  kind: "mem";
  hasBase: boolean;
  hasIndex: boolean;
  isRip: boolean;
  seg?: Register;
  /** The base and index registers, when known: checked for 64-bit addressing and REX. */
  base?: Register;
  index?: Register;
}

export type MatchErrorKind = "unknown-mnemonic" | "unsupported" | "operands" | "size" | "prefix" | "range"; // prettier-ignore

export interface OperandError {
  error: string;
  kind: MatchErrorKind;
  /** A precise complaint (bad addressing, value range) that beats a generic type mismatch. */
  specific?: boolean;
}

/** Per-attempt context: the spelled mnemonic, the suffix size asked for, collected warnings. */
export interface CheckContext {
  spelled: string;
  suffix: number;
  warnings: string[];
}

const FIXED_GPR: Partial<Record<OperandKind, [number, number]>> = {
  AL: [0, 8], AX: [0, 16], EAX: [0, 32], RAX: [0, 64], CL: [1, 8], DX: [RDX, 16],
}; // prettier-ignore
const SUFFIX_OF: Record<number, string> = { 8: "b", 16: "w", 32: "l", 64: "q" };
const U64 = 1n << 64n;
const IMM8_MIN = -128n;
const IMM8_MAX = 255n;
const SIMM32_MIN = -(1n << 31n);
const SIMM32_END = 1n << 31n;

function fail(error: string, kind: MatchErrorKind = "operands"): OperandError {
  return { error, kind };
}

function specific(error: string): OperandError {
  return { error, kind: "operands", specific: true };
}

function hex64(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}

function registerSizeError(reg: Register, ctx: CheckContext): OperandError {
  const error = ctx.suffix !== 0
    ? `incorrect register \`%${reg.name}' used with \`${SUFFIX_OF[ctx.suffix]}' suffix`
    : `operand size mismatch for \`${ctx.spelled}'`; // prettier-ignore
  return { error, kind: "size", specific: true };
}

/** A GPR of the kind's size (E or G in register form). */
function checkGpr(k: OperandKind, reg: Register, ctx: CheckContext): OperandError | undefined {
  if (reg.cls !== "gpr") return fail(`operand type mismatch for \`${ctx.spelled}'`);
  if (reg.size !== kindBits(k)) return registerSizeError(reg, ctx);
  return undefined;
}

/** Only 64-bit addressing exists in the subset; RSP cannot index; RIP-relative has no index. */
export function checkAddress(m: Partial<Omit<MemShape, "kind">>): OperandError | undefined {
  const base = m.base;
  const index = m.index;
  if (base && base.cls !== "rip" && (base.cls !== "gpr" || base.size !== 64)) {
    return specific("only 64-bit addressing is supported");
  }
  if (index && (index.cls !== "gpr" || index.size !== 64)) {
    return specific("only 64-bit addressing is supported");
  }
  // SDM vol. 2, 2.1.5: there is no SIB encoding with RSP as the index.
  if (index && index.num === RSP) return specific(`\`%${index.name}' cannot be used as an index register`); // prettier-ignore
  if ((m.isRip || base?.cls === "rip") && (m.hasIndex || index)) {
    return specific("RIP-relative addressing cannot have an index register");
  }
  return undefined;
}

function checkImmediate(
  form: IsaForm,
  k: OperandKind,
  value: bigint | undefined,
  ctx: CheckContext,
): OperandError | undefined {
  // prettier-ignore
  if (value === undefined) return undefined; // symbolic: the assembler range-checks the fixup
  if (value < -(U64 >> 1n) || value >= U64) return fail(`value ${value} does not fit in 64 bits`, "range"); // prettier-ignore
  const bits = kindBits(k);
  if (bits === 64) return undefined;
  if (form.size === 64 && k === "Id") {
    // imm32 sign-extended to 64 bits (SDM vol. 2, 2.2.1.5): the value must survive the round trip.
    const fits = (value >= SIMM32_MIN && value < SIMM32_END) || value >= U64 + SIMM32_MIN;
    return fits ? undefined : fail(`operand type mismatch for \`${ctx.spelled}'`, "range");
  }
  if (form.strictImm8) {
    const fits = value >= IMM8_MIN && value <= IMM8_MAX;
    return fits ? undefined : fail(`operand type mismatch for \`${ctx.spelled}'`, "range");
  }
  // GNU as keeps the low bits of a b/w/l immediate and warns when the value cannot be either
  // the signed or the unsigned reading of them.
  const limit = 1n << BigInt(bits);
  if (value >= limit || value <= -limit) {
    ctx.warnings.push(`${hex64(value)} shortened to ${hex64(BigInt.asUintN(bits, value))}`);
  }
  return undefined;
}

/** E operand of a near jmp/call: `*%reg`, `*mem`, or (with gas's warning) the same without `*`. */
function checkBranchTarget(
  form: IsaForm,
  k: OperandKind,
  s: OperandShape,
  ctx: CheckContext,
): OperandError | undefined {
  // prettier-ignore
  const verb = form.flow === "call" ? "call" : "jmp";
  if (s.kind === "indirect-reg") return checkGpr(k, s.reg, ctx);
  if (s.kind === "indirect-mem") return checkAddress(s);
  if (s.kind === "reg" && s.reg.cls === "gpr") {
    ctx.warnings.push(`indirect ${verb} without \`*'`);
    return checkGpr(k, s.reg, ctx);
  }
  if (s.kind === "mem" && (s.hasBase || s.hasIndex || s.isRip)) {
    ctx.warnings.push(`indirect ${verb} without \`*'`);
    return checkAddress(s);
  }
  return fail(`operand type mismatch for \`${ctx.spelled}'`);
}

/** Does shape `s` fit operand `i` (kind `k`) of `form`? Undefined when it does. */
export function checkOperand(
  form: IsaForm,
  i: number,
  s: OperandShape,
  ctx: CheckContext,
): OperandError | undefined {
  // prettier-ignore
  const k = form.operands[i]!;
  const fixed = FIXED_GPR[k];
  if (fixed) {
    if (s.kind === "reg" && s.reg.cls === "gpr" && s.reg.num === fixed[0] && s.reg.size === fixed[1]) return undefined; // prettier-ignore
    // `(%dx)` is how objdump prints the port operand; gas accepts it.
    if (k === "DX" && s.kind === "mem" && s.base?.name === "dx" && !s.hasIndex) return undefined;
    return fail(`operand type mismatch for \`${ctx.spelled}'`);
  }
  const cls = operandClass(k);
  if (cls === OC_E && (form.flow === "jump" || form.flow === "call")) return checkBranchTarget(form, k, s, ctx); // prettier-ignore
  if (s.kind === "indirect-reg" || s.kind === "indirect-mem") {
    return fail(`operand type mismatch for \`${ctx.spelled}' (\`*' marks an indirect jmp or call)`);
  }
  switch (cls) {
    case OC_E:
      // gas takes any of %ax/%eax/%rax for a segment load: the encoding is the same (8E /r).
      if (s.kind === "reg" && form.operands[i + 1] === "S" && s.reg.cls === "gpr" && s.reg.size >= 16) return undefined; // prettier-ignore
      if (s.kind === "reg" && form.eMustBeMem) return fail(`operand type mismatch for \`${ctx.spelled}'`); // prettier-ignore
      if (s.kind === "reg") return checkGpr(k, s.reg, ctx);
      return s.kind === "mem" ? checkAddress(s) : fail(`operand type mismatch for \`${ctx.spelled}'`);
    case OC_G:
      return s.kind === "reg" ? checkGpr(k, s.reg, ctx) : fail(`operand type mismatch for \`${ctx.spelled}'`);
    case OC_M:
      return s.kind === "mem" ? checkAddress(s) : fail(`operand type mismatch for \`${ctx.spelled}'`);
    case OC_I:
      return s.kind === "imm" ? checkImmediate(form, k, s.value, ctx) : fail(`operand type mismatch for \`${ctx.spelled}'`);
    case OC_J:
      // A direct branch target is a bare expression: AT&T parses it as an absolute memory operand.
      if (s.kind === "mem" && !s.hasBase && !s.hasIndex && !s.isRip && !s.seg) return undefined;
      return fail(`operand type mismatch for \`${ctx.spelled}'`);
    case OC_C:
      return s.kind === "reg" && s.reg.cls === "cr" ? undefined : fail(`operand type mismatch for \`${ctx.spelled}'`);
    case OC_S:
      return s.kind === "reg" && s.reg.cls === "seg" ? undefined : fail(`operand type mismatch for \`${ctx.spelled}'`);
    default:
      return fail(`operand type mismatch for \`${ctx.spelled}'`);
  } // prettier-ignore
}
