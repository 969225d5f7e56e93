// Test helper: a tiny AT&T reader for the disassembler's own output, turning it back into the
// OperandShapes the matcher takes and the OperandValues the encoder takes. It only needs to read
// what disassemble() prints (the real parser lives in src/asm).
import type { MemOperand, OperandShape, OperandValue } from "../../../src/isa/index.js";
import {
  MEM_BASE_RIP,
  MEM_NONE,
  SEGMENT_REGISTERS,
  registerByName,
} from "../../../src/isa/index.js";

export interface Reparsed {
  prefixes: string[];
  mnemonic: string;
  shapes: OperandShape[];
  /** Values as the encoder wants them; rel operands carry the `.+N` N until the length is known. */
  values: OperandValue[];
}

function num(text: string): number {
  const neg = text.startsWith("-");
  const v = Number.parseInt(neg ? text.slice(1) : text, 16);
  return neg ? -v : v;
}

function splitOperands(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of text) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) (out.push(cur), (cur = ""));
    else cur += ch;
  }
  if (cur !== "") out.push(cur);
  return out;
}

function parseMem(text: string): { shape: OperandShape & { kind: "mem" }; mem: MemOperand } {
  const m = /^(?:%(\w+):)?(-?0x[0-9a-f]+)?(?:\((%\w+)?(?:,%(\w+),(\d))?\))?$/.exec(text);
  if (!m) throw new Error(`reparse: bad memory operand ${text}`);
  const [, seg, disp, base, index, scale] = m;
  const baseReg = base ? registerByName(base.slice(1))! : undefined;
  const indexReg = index ? registerByName(index)! : undefined;
  const mem: MemOperand = {
    seg: seg ? SEGMENT_REGISTERS.indexOf(seg as never) + 1 : 0,
    base: baseReg ? (baseReg.cls === "rip" ? MEM_BASE_RIP : baseReg.num) : MEM_NONE,
    index: indexReg ? indexReg.num : MEM_NONE,
    scaleLog2: scale ? Math.log2(Number(scale)) : 0,
    disp: disp ? num(disp.replace("0x", "")) : 0,
  };
  const shape = {
    kind: "mem" as const,
    hasBase: !!baseReg,
    hasIndex: !!indexReg,
    isRip: baseReg?.cls === "rip",
    ...(seg ? { seg: registerByName(seg)! } : {}),
    ...(baseReg ? { base: baseReg } : {}),
    ...(indexReg ? { index: indexReg } : {}),
  };
  return { shape, mem };
}

function parseOperand(text: string): { shape: OperandShape; value: OperandValue } {
  if (text.startsWith("*%")) {
    const reg = registerByName(text.slice(2))!;
    return { shape: { kind: "indirect-reg", reg }, value: { kind: "reg", num: reg.num } };
  }
  if (text.startsWith("*")) {
    const { shape, mem } = parseMem(text.slice(1));
    return { shape: { ...shape, kind: "indirect-mem" }, value: { kind: "mem", mem } };
  }
  if (text.startsWith("%") && !text.includes(":")) {
    const reg = registerByName(text.slice(1))!;
    return { shape: { kind: "reg", reg }, value: { kind: "reg", num: reg.num } };
  }
  if (text.startsWith("$")) {
    const body = text.slice(1);
    const neg = body.startsWith("-");
    const v = BigInt(neg ? body.slice(1) : body);
    return {
      shape: { kind: "imm", value: neg ? -v : v },
      value: { kind: "imm", value: neg ? -v : v },
    };
  }
  if (text.startsWith(".")) {
    const shape = { kind: "mem" as const, hasBase: false, hasIndex: false, isRip: false };
    return { shape, value: { kind: "rel", value: Number(text.slice(1)) } };
  }
  const { shape, mem } = parseMem(text);
  return { shape, value: { kind: "mem", mem } };
}

export function reparse(line: string): Reparsed {
  const text = line.replace(/ {2}#.*$/, "");
  const words = text.split(/ +/);
  const prefixes: string[] = [];
  while (["lock", "rep", "repz", "repnz"].includes(words[0]!)) prefixes.push(words.shift()!);
  const mnemonic = words.shift()!;
  const ops = words.length === 0 ? [] : splitOperands(words.join(" ")).map(parseOperand);
  return { prefixes, mnemonic, shapes: ops.map((o) => o.shape), values: ops.map((o) => o.value) };
}
