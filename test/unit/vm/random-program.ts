// Test helper: seeded random programs for the compiler-versus-interpreter differential test. A
// program sets every register from the PRNG, points R15 at a data area, then runs a random body of
// instructions (built with src/isa's encoder) ITER times, counting with R14, and halts. The body
// uses most user-level forms of the table, forward jcc over a few instructions (so bodies hold
// several blocks), memory operands based on R15 (valid), on other registers (usually faulting:
// non-canonical or unmapped) and with an index, pushes/pops around the initial stack, and calls to
// a random subroutine placed after the final HLT.
import { decode, encode, FORMS } from "../../../src/isa/index.js";
import type { InsnForm, OperandKind, OperandValue } from "../../../src/isa/index.js";
import { FLAT64_IMAGE_BASE } from "../../../src/vm/index.js";
import { f, i, m, r, to } from "./asm.js";
import type { Insn } from "./asm.js";
import { prng } from "../../support/prng.js";

const R14 = 14;
const R15 = 15;
const RBP = 5;
/** Registers the body may name: all but RSP/RBP (the stack), R14 (the counter), R15 (data). */
const FREE_REGS = [0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12, 13];
/** Where R15 points: in the image's bss, pages away from the code. */
export const DATA_OFFSET = 0x8000;
export const DATA_BYTES = 0x2000;
const DATA_BASE = FLAT64_IMAGE_BASE + DATA_OFFSET;
const MEM_NONE = 0x1f;

/** Mnemonics left out: they end the run, change the mode, do I/O or need a set-up stack frame. */
const EXCLUDED = new Set([
  "hlt", "int", "int3", "ud2", "syscall", "sysret", "iret", "lret", "rdmsr", "wrmsr", "invlpg",
  "invpcid", "lgdt", "lidt", "sgdt", "sidt", "ltr", "in", "out", "movs", "stos", "popf", "cli",
  "sti", "ret", "call", "leave", "rdfsbase", "rdgsbase", "wrfsbase", "wrgsbase",
]); // prettier-ignore
/** Forms that fault or stop often: picked rarely. */
const RARE = new Set(["div", "idiv", "bt", "bts", "btr", "btc"]);

function usable(form: InsnForm): boolean {
  if (EXCLUDED.has(form.mnemonic) || form.privileged) return false;
  if (form.mnemonic === "jmp" && form.operands[0] !== "Jd") return false; // indirect: wild target
  if (form.operands.some((k) => k === "C" || k === "S")) return false;
  // String moves/stores (no operands) are excluded; movsb/movsw/movsl with operands are extends.
  if (/^(movs|stos)[bwlq]?$/.test(form.mnemonic) && form.operands.length === 0) return false;
  return true;
}

export interface RandomProgram {
  prog: Insn[];
  /** Bytes to place at the data area before the run (same for every machine). */
  data: Uint8Array;
}

export function randomProgram(seed: number, bodyLen: number, iters: number): RandomProgram {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const u32 = (): number => Math.floor(rnd() * 4294967296);
  const forms = FORMS.filter(usable);
  const common = forms.filter((x) => !RARE.has(x.mnemonic));
  const rare = forms.filter((x) => RARE.has(x.mnemonic));

  const prog: Insn[] = [];
  for (const reg of [...FREE_REGS, RBP]) prog.push(["movabsGqIq", i(regValue(rnd, u32)), r(reg)]);
  prog.push(["movabsGqIq", i(BigInt(DATA_BASE)), r(R15)]);
  prog.push(["movEdId", i(iters), r(R14)]);
  if (rnd() < 0.5) prog.push(["stc"]); // start from eager flags sometimes
  prog.push({ label: "loop" });

  let pendingLabels: { at: number; name: string }[] = [];
  for (let n = 0; n < bodyLen; n++) {
    pendingLabels = pendingLabels.filter((l) => {
      if (l.at !== n) return true;
      prog.push({ label: l.name });
      return false;
    });
    if (rnd() < 0.04) {
      prog.push(["callJd", to("sub")]);
      continue;
    }
    const form = rnd() < 0.03 ? pick(rare) : pick(common);
    const ops = operandsFor(form, rnd, u32, pick);
    if (ops === undefined) continue;
    if (form.flow === "jcc" || form.flow === "jump") {
      const name = `L${n}`;
      const at = Math.min(bodyLen, n + 1 + Math.floor(rnd() * 4));
      pendingLabels.push({ at, name });
      prog.push([form.name, to(name)]);
      continue;
    }
    prog.push([form.name, ...ops]);
  }
  for (const l of pendingLabels) prog.push({ label: l.name });
  prog.push(["decEd", r(R14)]);
  prog.push(["jneJd", to("loop")]);
  prog.push(["cli"]);
  prog.push(["hlt"]);
  prog.push({ label: "sub" });
  const straight = common.filter((x) => x.flow === "none");
  for (let n = Math.floor(rnd() * 6); n > 0; n--) {
    const form = pick(straight);
    const ops = operandsFor(form, rnd, u32, pick);
    if (ops !== undefined) prog.push([form.name, ...ops]);
  }
  prog.push(["ret"]);
  const data = new Uint8Array(DATA_BYTES);
  for (let k = 0; k < DATA_BYTES; k++) data[k] = rnd() < 0.3 ? 0 : Math.floor(rnd() * 256);
  return { prog, data };
}

/** Register start values: random 64-bit, small, near the data area, or tiny (shift counts). */
function regValue(rnd: () => number, u32: () => number): bigint {
  const p = rnd();
  if (p < 0.4) return (BigInt(u32()) << 32n) | BigInt(u32());
  if (p < 0.6) return BigInt(u32());
  if (p < 0.8) return BigInt(DATA_BASE + Math.floor(rnd() * DATA_BYTES));
  return BigInt(Math.floor(rnd() * 70)) - 3n;
}

function operandsFor(
  form: InsnForm,
  rnd: () => number,
  u32: () => number,
  pick: <T>(xs: readonly T[]) => T,
): OperandValue[] | undefined {
  const out: OperandValue[] = [];
  let usedMem = false;
  for (const k of form.operands) {
    const v = operand(k, rnd, u32, pick, usedMem);
    if (v === undefined) return undefined;
    if (v.kind === "mem") usedMem = true;
    out.push(v);
  }
  // Keep only encodings the decoder accepts (e.g. AH..BH never mixes with REX registers).
  const bytes = new Uint8Array(32);
  const fixed = out.map((o) => (o.kind === "rel" ? { kind: "rel" as const, value: 0 } : o));
  try {
    encode(form, 0, fixed, bytes, 0);
  } catch {
    return undefined;
  }
  return decode(bytes, 0) === undefined ? undefined : out;
}

function operand(
  k: OperandKind,
  rnd: () => number,
  u32: () => number,
  pick: <T>(xs: readonly T[]) => T,
  usedMem: boolean,
): OperandValue | undefined {
  switch (k) {
    case "AL": case "AX": case "EAX": case "RAX": case "CL": case "DX": return f;
    case "Jd": return to("unused");
    case "Ib": return i(rnd() < 0.5 ? Math.floor(rnd() * 70) : Math.floor(rnd() * 256));
    case "Iw": return i(Math.floor(rnd() * 65536));
    case "Id": return i(rnd() < 0.5 ? u32() : Math.floor(rnd() * 16));
    case "Iq": return i((BigInt(u32()) << 32n) | BigInt(u32()));
    case "M": case "Mb": case "Mw": case "Md": case "Mq": return memOperand(rnd, pick);
  } // prettier-ignore
  if (k.startsWith("E") && !usedMem && rnd() < 0.3) return memOperand(rnd, pick);
  if ((k === "Eb" || k === "Gb") && rnd() < 0.1) return r(0x10 + Math.floor(rnd() * 4)); // AH..BH
  return r(pick(FREE_REGS));
}

function memOperand(rnd: () => number, pick: <T>(xs: readonly T[]) => T): OperandValue {
  const p = rnd();
  const disp = Math.floor(rnd() * (DATA_BYTES - 16));
  if (p < 0.8) return m(R15, disp);
  if (p < 0.9) return m(R15, disp >> 4, pick(FREE_REGS), Math.floor(rnd() * 4));
  if (p < 0.95) return m(pick(FREE_REGS), disp - 256);
  return m(0x10, disp, MEM_NONE); // RIP-relative: reads the code itself
}
