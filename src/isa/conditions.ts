// The 16 x86 condition codes (SDM vol. 1, appendix B, "EFLAGS Condition Codes"), numbered as the
// low nibble of the Jcc/SETcc/CMOVcc opcodes. The table generator makes one jcc, setcc and cmovcc
// row per condition; the matcher accepts every alias GNU as accepts (jz = je, jnae = jb, ...).
import { FLAG_CF, FLAG_OF, FLAG_PF, FLAG_SF, FLAG_ZF } from "./types.js";

export interface Condition {
  /** 0–15, the "tttn" field of the opcode. */
  readonly code: number;
  /** The spelling objdump prints (and the table's mnemonic stems use): "e", "ne", "b", ... */
  readonly name: string;
  /** Every other spelling GNU as accepts for the same condition. */
  readonly aliases: readonly string[];
  /** The RFLAGS bits the condition reads. */
  readonly flags: number;
}

function cond(code: number, name: string, aliases: string[], flags: number): Condition {
  return Object.freeze({ code, name, aliases: Object.freeze(aliases), flags });
}

export const CONDITIONS: readonly Condition[] = Object.freeze([
  cond(0x0, "o", [], FLAG_OF),
  cond(0x1, "no", [], FLAG_OF),
  cond(0x2, "b", ["c", "nae"], FLAG_CF),
  cond(0x3, "ae", ["nb", "nc"], FLAG_CF),
  cond(0x4, "e", ["z"], FLAG_ZF),
  cond(0x5, "ne", ["nz"], FLAG_ZF),
  cond(0x6, "be", ["na"], FLAG_CF | FLAG_ZF),
  cond(0x7, "a", ["nbe"], FLAG_CF | FLAG_ZF),
  cond(0x8, "s", [], FLAG_SF),
  cond(0x9, "ns", [], FLAG_SF),
  cond(0xa, "p", ["pe"], FLAG_PF),
  cond(0xb, "np", ["po"], FLAG_PF),
  cond(0xc, "l", ["nge"], FLAG_SF | FLAG_OF),
  cond(0xd, "ge", ["nl"], FLAG_SF | FLAG_OF),
  cond(0xe, "le", ["ng"], FLAG_ZF | FLAG_SF | FLAG_OF),
  cond(0xf, "g", ["nle"], FLAG_ZF | FLAG_SF | FLAG_OF),
]);

/**
 * Evaluate condition `code` against an RFLAGS value: the VM's reference implementation of the
 * SDM appendix B table (odd codes are the negation of the even code below them).
 */
export function conditionHolds(code: number, rflags: number): boolean {
  const cf = (rflags & FLAG_CF) !== 0;
  const zf = (rflags & FLAG_ZF) !== 0;
  const sf = (rflags & FLAG_SF) !== 0;
  const of = (rflags & FLAG_OF) !== 0;
  const pf = (rflags & FLAG_PF) !== 0;
  let r: boolean;
  switch (code >> 1) {
    case 0: r = of; break;
    case 1: r = cf; break;
    case 2: r = zf; break;
    case 3: r = cf || zf; break;
    case 4: r = sf; break;
    case 5: r = pf; break;
    case 6: r = sf !== of; break;
    default: r = zf || sf !== of; break;
  } // prettier-ignore
  return (code & 1) === 0 ? r : !r;
}
