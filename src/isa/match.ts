// The assembler's instruction matcher: spelled mnemonic + prefixes + operand shapes → the one
// form of the table to encode, with GNU as's rules: size from the suffix or from register
// operands (the 32-bit default with a warning when neither gives one, as GNU as 2.40 does),
// condition aliases, movabs for 64-bit constants, `shl %reg` = count 1, commuted test/xchg,
// the 2-operand `imul $n,%reg`, LOCK/REP legality, AH..BH against REX, and clear errors for
// unknown and unsupported mnemonics.
import type { Register } from "./registers.js";
import { HIGH_BYTE_BASE, SEG_CS, needsRex } from "./registers.js";
import type { IsaForm } from "./spec.js";
import { PREFIX_LOCK, PREFIX_NONE, PREFIX_REP, PREFIX_REPNE } from "./types.js";
import { OC_E, OC_G, OC_S, operandClass } from "./layout.js";
import type { CheckContext, MatchErrorKind, OperandError, OperandShape } from "./match-operands.js";
import { checkOperand } from "./match-operands.js";
import type { Candidate } from "./match-names.js";
import { SPELLINGS, isOutsideSubset } from "./match-names.js";
import { formByName, suffixLetter } from "./table.js";

export type { OperandShape, MemShape, MatchErrorKind } from "./match-operands.js";

/** `args` entry for the implied count of `shl %reg` (the form's Ib operand, value 1). */
export const IMPLIED_ONE = -1;

export interface MatchOk {
  form: IsaForm;
  prefix: number;
  /** For each form operand, the index of the parsed operand it comes from, or IMPLIED_ONE. */
  args: readonly number[];
  warnings: string[];
}
export interface MatchError {
  error: string;
  kind: MatchErrorKind;
  /** The parsed operand the error is about, when there is one. */
  operand?: number;
}
export type MatchResult = MatchOk | MatchError;

export function isMatchError(r: MatchResult): r is MatchError {
  return "error" in r;
}

const PAUSE = formByName("pause")!;
const INT3 = formByName("int3")!;
const INT3_VECTOR = 3n;
const DEFAULT_SIZE = 32;

/** Rank of a failed attempt: how far it got, then whether its complaint is specific. */
function rank(e: { depth: number; specific?: boolean }): number {
  return e.depth * 2 + (e.specific ? 1 : 0);
}

interface Attempt {
  ok?: { args: number[]; warnings: string[] };
  err?: OperandError & { operand?: number; depth: number };
}

/** The ways the parsed operands can map onto the form's operands. */
function argMappings(form: IsaForm, ops: readonly OperandShape[]): number[][] {
  const n = form.operands.length;
  if (ops.length === n) {
    const direct = ops.map((_, i) => i);
    return form.commutes ? [direct, [1, 0]] : [direct];
  }
  if (form.impliedOne && ops.length === 1) return [[IMPLIED_ONE, 0]];
  // `imul $n, %reg` is `imul $n, %reg, %reg` (gas).
  if (form.mnemonic === "imul" && n === 3 && ops.length === 2 && ops[1]!.kind === "reg")
    return [[0, 1, 1]];
  return [];
}

function tryMapping(
  c: Candidate,
  spelled: string,
  ops: readonly OperandShape[],
  args: number[],
): Attempt {
  const ctx: CheckContext = { spelled, suffix: c.suffix, warnings: [] };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === IMPLIED_ONE) continue;
    const err = checkOperand(c.form, i, ops[args[i]!]!, ctx);
    if (err) return { err: { ...err, operand: args[i]!, depth: i } };
  }
  return { ok: { args, warnings: ctx.warnings } };
}

function tryCandidate(c: Candidate, spelled: string, ops: readonly OperandShape[]): Attempt {
  const mappings = argMappings(c.form, ops);
  if (mappings.length === 0) {
    return {
      err: { error: `number of operands mismatch for \`${spelled}'`, kind: "operands", depth: -1 },
    };
  }
  let best: Attempt | undefined;
  for (const m of mappings) {
    const a = tryMapping(c, spelled, ops, m);
    if (a.ok) return a;
    if (!best || rank(a.err!) > rank(best.err!)) best = a;
  }
  return best!;
}

function noSuchMnemonic(spelled: string): MatchError {
  // GNU as reads an unsuffixed iret/lret/sysret as the 32-bit form.
  for (const stem of ["iret", "lret", "sysret"]) {
    if (spelled === stem) {
      return { error: `\`${stem}' without a suffix is the 32-bit \`${stem}l', which is outside the supported subset: write \`${stem}q'`, kind: "unsupported" }; // prettier-ignore
    }
  }
  const stem = spelled.slice(0, -1);
  if ("bwlq".includes(spelled.slice(-1)) && SPELLINGS.has(stem)) {
    return { error: `invalid instruction suffix for \`${stem}'`, kind: "size" };
  }
  if (isOutsideSubset(spelled)) {
    return { error: `\`${spelled}' is outside the supported x86-64 subset`, kind: "unsupported" };
  }
  return { error: `no such instruction: \`${spelled}'`, kind: "unknown-mnemonic" };
}

interface Prefixes {
  lock: boolean;
  rep: number; // PREFIX_NONE, PREFIX_REP or PREFIX_REPNE
  repName: string;
}

function parsePrefixes(names: readonly string[]): Prefixes | MatchError {
  const p: Prefixes = { lock: false, rep: PREFIX_NONE, repName: "" };
  for (const raw of names) {
    const name = raw.toLowerCase();
    const isLock = name === "lock";
    const rep = name === "rep" || name === "repe" || name === "repz" ? PREFIX_REP
      : name === "repne" || name === "repnz" ? PREFIX_REPNE : PREFIX_NONE; // prettier-ignore
    if (!isLock && rep === PREFIX_NONE)
      return { error: `unknown prefix \`${raw}'`, kind: "prefix" };
    if ((isLock && p.lock) || (rep !== PREFIX_NONE && p.rep !== PREFIX_NONE)) {
      return { error: "same type of prefix used twice", kind: "prefix" };
    }
    if (isLock) p.lock = true;
    else ((p.rep = rep), (p.repName = name));
  }
  return p;
}

/** SDM vol. 2 "LOCK": only lockable instructions, and only with a memory destination (#UD). */
function resolvePrefix(
  form: IsaForm,
  p: Prefixes,
  spelled: string,
  ops: readonly OperandShape[],
  args: readonly number[],
): number | MatchError {
  // prettier-ignore
  if (p.lock) {
    const memDest = form.operands.some((k, i) => operandClass(k) === OC_E && ops[args[i]!]?.kind === "mem");
    if (p.rep !== PREFIX_NONE || !(form.prefixes & (1 << PREFIX_LOCK)) || !memDest) {
      return { error: "expecting lockable instruction after `lock'", kind: "prefix" };
    }
    return PREFIX_LOCK;
  }
  if (p.rep !== PREFIX_NONE) {
    if (!(form.prefixes & (1 << p.rep))) {
      return { error: `invalid instruction \`${spelled}' after \`${p.repName}'`, kind: "prefix" };
    }
    return p.rep;
  }
  return PREFIX_NONE;
}

/** AH..BH cannot be encoded in an instruction with a REX prefix (SDM vol. 2, 2.2.1.2). */
function checkHighByte(
  form: IsaForm,
  ops: readonly OperandShape[],
  args: readonly number[],
): MatchError | undefined {
  // prettier-ignore
  const regs: Register[] = [];
  let memRex = false;
  args.forEach((a, i) => {
    const s = ops[a];
    const cls = operandClass(form.operands[i]!);
    if (s?.kind === "reg" && (cls === OC_E || cls === OC_G)) regs.push(s.reg);
    if (s?.kind === "mem") memRex ||= (s.base?.num ?? 0) >= 8 && s.base?.cls === "gpr" || (s.index?.num ?? 0) >= 8; // prettier-ignore
  });
  const high = regs.find((r) => r.num >= HIGH_BYTE_BASE);
  if (!high) return undefined;
  if (form.size === 64 || memRex || regs.some(needsRex)) {
    return { error: `can't encode register '%${high.name}' in an instruction requiring REX prefix`, kind: "operands" }; // prettier-ignore
  }
  return undefined;
}

function checkSegmentLoad(
  form: IsaForm,
  ops: readonly OperandShape[],
  args: readonly number[],
): MatchError | undefined {
  // prettier-ignore
  const last = form.operands.length - 1;
  if (last <= 0 || operandClass(form.operands[last]!) !== OC_S) return undefined;
  const s = ops[args[last]!];
  // SDM vol. 2 "MOV": MOV to CS is #UD, so the subset has no encoding for it.
  if (s?.kind === "reg" && s.reg.num === SEG_CS) {
    return { error: "`mov' cannot load %cs (it raises #UD); use a far return", kind: "operands", operand: args[last]! }; // prettier-ignore
  }
  return undefined;
}

/** Choose among the candidates that fit: one operand size, else gas's 32-bit default. */
function chooseSize(
  spelled: string,
  fits: { c: Candidate; a: Attempt }[],
): { pick: { c: Candidate; a: Attempt }; warning?: string } | MatchError {
  // prettier-ignore
  const sizes = new Set(fits.map((f) => f.c.form.size));
  if (sizes.size === 1) return { pick: fits[0]! };
  const mnemonic = fits[0]!.c.form.mnemonic;
  const byDefault = fits.find((f) => f.c.form.size === DEFAULT_SIZE);
  if (!byDefault) {
    return { error: `no instruction mnemonic suffix given and no register operands; can't size \`${spelled}'`, kind: "size" }; // prettier-ignore
  }
  return { pick: byDefault, warning: `no instruction mnemonic suffix given and no register operands; using default for \`${mnemonic}'` }; // prettier-ignore
}

/**
 * Match one instruction statement against the table. `spelled` is the mnemonic as written
 * (any case, with its suffix), `prefixes` the prefix words before it, `operands` the parsed
 * operands in AT&T order.
 */
export function matchInstruction(
  spelled: string,
  prefixes: readonly string[],
  operands: readonly OperandShape[],
): MatchResult {
  // prettier-ignore
  const name = spelled.toLowerCase();
  const p = parsePrefixes(prefixes);
  if ("error" in p) return p;
  // `rep nop` is the encoding of PAUSE (SDM vol. 2 "PAUSE"); gas assembles it as such.
  if (name === "nop" && p.rep === PREFIX_REP && !p.lock && operands.length === 0) {
    return { form: PAUSE, prefix: PREFIX_NONE, args: [], warnings: [] };
  }
  // GNU as encodes `int $3` as INT3 (CC); the bytecode keeps one encoding for it too.
  const first = operands[0];
  if (
    name === "int" &&
    operands.length === 1 &&
    first?.kind === "imm" &&
    first.value === INT3_VECTOR
  ) {
    const prefix = resolvePrefix(INT3, p, name, [], []);
    return typeof prefix === "number" ? { form: INT3, prefix, args: [], warnings: [] } : prefix;
  }
  const candidates = SPELLINGS.get(name);
  if (!candidates) return noSuchMnemonic(name);
  const fits: { c: Candidate; a: Attempt }[] = [];
  let bestErr: Attempt["err"];
  for (const c of candidates) {
    const a = tryCandidate(c, name, operands);
    if (a.ok) fits.push({ c, a });
    else if (!bestErr || rank(a.err!) > rank(bestErr)) bestErr = a.err;
  }
  if (fits.length === 0) {
    const { error, kind, operand } = bestErr!;
    return operand === undefined ? { error, kind } : { error, kind, operand };
  }
  const chosen = chooseSize(name, fits);
  if ("error" in chosen) return chosen;
  const { c, a } = chosen.pick;
  const args = a.ok!.args;
  const problem = checkHighByte(c.form, operands, args) ?? checkSegmentLoad(c.form, operands, args);
  if (problem) return problem;
  const prefix = resolvePrefix(c.form, p, name, operands, args);
  if (typeof prefix !== "number") return prefix;
  const warnings = [...a.ok!.warnings, ...(chosen.warning ? [chosen.warning] : [])];
  // LEA computes an offset only: a segment override has no effect (gas warns the same way).
  if (c.form.mnemonic === "lea" && operands.some((o) => o.kind === "mem" && o.seg)) {
    warnings.push("segment override on `lea' is ineffectual");
  }
  return { form: c.form, prefix, args, warnings };
}

/** The mnemonic with the suffix the matcher would need to pick exactly `form` (docs, tests). */
export function canonicalSpelling(form: IsaForm): string {
  return form.suffix === "never" ? form.mnemonic : form.mnemonic + suffixLetter(form.size);
}
