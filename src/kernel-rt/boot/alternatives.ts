// apply_alternatives, done once by the boot builder before the run: for each struct alt_instr in
// the image's .altinstructions (layout in include/asm/alternative.h; 13 bytes, packed) whose
// feature this boot has, copy the replacement over the site and pad the rest of the site with
// the fewest NOPs that cover it (addNops); for a site left alone, its build-time padding of
// one-byte NOPs is rewritten the same way (optimizeNops). Records are applied in table order, so
// with ALTERNATIVE_2 the second feature wins.
// A replacement is assembled where it is kept, in .altinstr_replacement, so a relative branch in
// it would land elsewhere once copied; like Linux's apply_alternatives, a JMP or CALL rel32 that
// starts the replacement has its displacement fixed for the site. Any other relative operand in a
// replacement is the author's bug, as in Linux.
import {
  decode,
  encode,
  formByName,
  layout,
  NOP1_BYTE,
  RAX,
  type DecodedInsn,
  type InsnForm,
  type OperandValue,
} from "../../isa/index.js";
import type { ObjectFile } from "../../obj/index.js";
import type { PhysMem } from "../../vm/index.js";
import { imagePhys } from "./image-access.js";

export const ALT_INSTR_SIZE = 13;
const ALT_OFFSET_REPL = 4;
const ALT_OFFSET_CPUID = 8;
const ALT_OFFSET_INSTRLEN = 10;
const ALT_OFFSET_REPLLEN = 11;
const ALT_OFFSET_PADLEN = 12;
/** The one-byte NOP the assembler pads an original site with (`.skip n, ALT_PAD_BYTE`). */
export const ALT_PAD_BYTE = NOP1_BYTE;

export interface AltSite {
  site: bigint;
  feature: number;
  /** instrlen: the site's bytes, padding included. */
  length: number;
  /** replacementlen: the bytes a patch copies; the rest of the site is NOP padding. */
  replacementLength: number;
  /** padlen: the assembler's padding at the end of the original code. */
  padLength: number;
  patched: boolean;
}

/** Patch the image's sites in guest memory; returns every site with whether it was patched. */
export function applyAlternatives(
  image: ObjectFile,
  mem: PhysMem,
  features: Set<number>,
): AltSite[] {
  const table = image.sections.find((s) => s.name === ".altinstructions");
  const repl = image.sections.find((s) => s.name === ".altinstr_replacement");
  if (!table) return [];
  const dv = new DataView(table.data.buffer, table.data.byteOffset, table.data.byteLength);
  const out: AltSite[] = [];
  const rewritten = new Set<bigint>();
  for (let off = 0; off + ALT_INSTR_SIZE <= table.data.length; off += ALT_INSTR_SIZE) {
    const rec = table.addr + BigInt(off);
    const site = rec + BigInt(dv.getInt32(off, true));
    const from = rec + BigInt(ALT_OFFSET_REPL + dv.getInt32(off + ALT_OFFSET_REPL, true));
    const feature = dv.getUint16(off + ALT_OFFSET_CPUID, true);
    const length = dv.getUint8(off + ALT_OFFSET_INSTRLEN);
    const replLen = dv.getUint8(off + ALT_OFFSET_REPLLEN);
    const padLen = dv.getUint8(off + ALT_OFFSET_PADLEN);
    const patched = features.has(feature);
    out.push({ site, feature, length, replacementLength: replLen, padLength: padLen, patched });
    const pa = imagePhys(image, site);
    if (pa === undefined) continue;
    if (!patched) {
      // A site another record rewrote no longer holds its original padding.
      if (!rewritten.has(site)) optimizeNops(mem, pa, length, padLen);
      continue;
    }
    const bytes = new Uint8Array(length);
    if (repl) bytes.set(repl.data.subarray(Number(from - repl.addr), Number(from - repl.addr) + replLen)); // prettier-ignore
    fixBranch(bytes, replLen, from - site);
    addNops(bytes, replLen, length - replLen);
    mem.load(pa, bytes);
    rewritten.add(site);
  }
  return out;
}

/**
 * The bytecode's NOPs, longest first: the multi-byte NOP (0F 1F /0 on x86) with a memory
 * operand and with a register operand, then the lone NOP1_BYTE. The multi-byte NOP never
 * accesses its operand (SDM vol. 2 "NOP"), so the operand only sets the length: an E operand
 * takes 7 bytecode bytes as memory and 1 as a register (docs/bytecode.md). They play the part of
 * Linux's ideal_nops table, which has one NOP for each length 1..ASM_NOP_MAX; this bytecode has
 * three lengths, and any padding is a sum of them since the shortest is one byte.
 */
const NOPL = formByName("nopEd")!;
const NOP1 = formByName("nop")!;
interface IdealNop {
  form: InsnForm;
  operands: OperandValue[];
}
const nopLength = (n: IdealNop): number => layout(n.form, n.operands[0]?.kind === "mem" ? 1 : 0).length; // prettier-ignore
const IDEAL_NOP_LIST: readonly IdealNop[] = [
  // nopl (%rax,%rax,1): base and index, as in x86's longest NOPs (Linux's P6_NOP8).
  { form: NOPL, operands: [{ kind: "mem", mem: { seg: 0, base: RAX, index: RAX, scaleLog2: 0, disp: 0 } }] }, // prettier-ignore
  { form: NOPL, operands: [{ kind: "reg", num: RAX }] },
  { form: NOP1, operands: [] },
];
const IDEAL_NOPS = IDEAL_NOP_LIST.map((n) => ({ ...n, length: nopLength(n) }));

/**
 * Linux's add_nops: fill `len` bytes of `bytes` from `at` with NOPs, each the longest that still
 * fits. A patched site runs its padding, so as few instructions as possible should cover it:
 * here 8 bytes become two 3-byte NOPs and two 1-byte ones, 4 instructions instead of 8. Greedy
 * is the fewest because each NOP length divides the next longer one (1 | 3 | 9).
 */
export function addNops(bytes: Uint8Array, at: number, len: number): void {
  let pos = at;
  while (pos < at + len) {
    const nop = IDEAL_NOPS.find((n) => n.length <= at + len - pos)!;
    pos += encode(nop.form, 0, nop.operands, bytes, pos);
  }
}

/**
 * Linux v5.10's optimize_nops, for a site left unpatched: the `padLen` bytes the assembler padded
 * its original code with (so that a longer replacement fits) are one-byte NOPs, run one by one;
 * rewrite them with addNops. Linux only does so for padding longer than one byte, and only when
 * every byte is still the one-byte NOP.
 */
function optimizeNops(mem: PhysMem, pa: number, length: number, padLen: number): void {
  if (padLen <= 1 || padLen > length) return;
  const at = pa + length - padLen;
  const pad = mem.u8.slice(at, at + padLen);
  if (!pad.every((b) => b === ALT_PAD_BYTE)) return;
  addNops(pad, 0, padLen);
  mem.load(at, pad);
}

/** The branches whose rel32 the boot re-aims (x86's E9 and E8). */
const REL32_BRANCHES = new Set(["jmpJd", "callJd"]);

/** The JMP or CALL rel32 starting `bytes`, decoded, with its displacement; else undefined. */
export function rel32Branch(bytes: Uint8Array): { insn: DecodedInsn; rel: bigint } | undefined {
  const insn = bytes.length > 0 ? decode(bytes, 0) : undefined;
  const op = insn?.operands[0];
  if (insn === undefined || !REL32_BRANCHES.has(insn.form.name) || op?.kind !== "rel") return undefined; // prettier-ignore
  return { insn, rel: BigInt(op.value) };
}

/** Rewrite that branch in place with displacement `rel` (as Linux's text_poke of a rel32). */
export function setRel32(bytes: Uint8Array, insn: DecodedInsn, rel: bigint): void {
  encode(insn.form, insn.prefix, [{ kind: "rel", value: Number(rel) }], bytes, 0);
}

/** Re-aim a leading JMP/CALL rel32 of a replacement moved by `delta` bytes (site = from - delta). */
function fixBranch(bytes: Uint8Array, replLen: number, delta: bigint): void {
  const b = rel32Branch(bytes.subarray(0, replLen));
  if (b !== undefined) setRel32(bytes, b.insn, b.rel + delta);
}
