// apply_alternatives, done once by the boot builder before the run: for each struct alt_instr in
// the image's .altinstructions (layout in include/asm/alternative.h; 13 bytes, packed) whose
// feature this boot has, copy the replacement over the site and pad the rest of the site with
// NOPs. Records are applied in table order, so with ALTERNATIVE_2 the second feature wins.
// A replacement is assembled where it is kept, in .altinstr_replacement, so a relative branch in
// it would land elsewhere once copied; like Linux's apply_alternatives, a JMP or CALL rel32 that
// starts the replacement has its displacement fixed for the site. Any other relative operand in a
// replacement is the author's bug, as in Linux.
import { decode, encode, type DecodedInsn } from "../../isa/index.js";
import type { ObjectFile } from "../../obj/index.js";
import type { PhysMem } from "../../vm/index.js";
import { imagePhys } from "./image-access.js";

export const ALT_INSTR_SIZE = 13;
const ALT_OFFSET_REPL = 4;
const ALT_OFFSET_CPUID = 8;
const ALT_OFFSET_INSTRLEN = 10;
const ALT_OFFSET_REPLLEN = 11;
/** x86's one-byte NOP: what the rest of a patched site is filled with. */
export const ALT_PAD_BYTE = 0x90;

export interface AltSite {
  site: bigint;
  feature: number;
  length: number;
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
  for (let off = 0; off + ALT_INSTR_SIZE <= table.data.length; off += ALT_INSTR_SIZE) {
    const rec = table.addr + BigInt(off);
    const site = rec + BigInt(dv.getInt32(off, true));
    const from = rec + BigInt(ALT_OFFSET_REPL + dv.getInt32(off + ALT_OFFSET_REPL, true));
    const feature = dv.getUint16(off + ALT_OFFSET_CPUID, true);
    const length = dv.getUint8(off + ALT_OFFSET_INSTRLEN);
    const replLen = dv.getUint8(off + ALT_OFFSET_REPLLEN);
    const patched = features.has(feature);
    out.push({ site, feature, length, patched });
    if (!patched) continue;
    const pa = imagePhys(image, site);
    if (pa === undefined) continue;
    const bytes = new Uint8Array(length).fill(ALT_PAD_BYTE);
    if (repl) bytes.set(repl.data.subarray(Number(from - repl.addr), Number(from - repl.addr) + replLen)); // prettier-ignore
    fixBranch(bytes, replLen, from - site);
    mem.load(pa, bytes);
  }
  return out;
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
