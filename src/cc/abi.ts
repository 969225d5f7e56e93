// How structures and unions travel through calls under the System V AMD64 psABI (§3.2.3),
// restricted to what handler-C has (no floating point, so every eightbyte is INTEGER): an
// aggregate of at most two eightbytes whose fields are all naturally aligned goes in one or two
// general registers; anything larger, or with an unaligned (packed) field, is MEMORY — passed as
// a copy in the argument area, returned through a hidden pointer the caller passes in %rdi.
// The code generator (./gen-call.ts) and the callee's prologue both lay arguments out here, so
// the two sides cannot disagree.
import { alignTo, type Type } from "./types.js";

export const EIGHTBYTE = 8;
/** psABI §3.2.3: aggregates larger than two eightbytes are passed in memory. */
const MAX_REG_AGGREGATE = 2 * EIGHTBYTE;
/** Integer argument registers (psABI §3.2.3, figure 3.4). */
export const GP_ARG_REGS = 6;

export type ArgClass =
  /** INTEGER: `eightbytes` general registers (0 for an empty GNU struct). */
  | { kind: "int"; eightbytes: number }
  /** MEMORY: a copy on the stack (arguments) or a hidden pointer (return values). */
  | { kind: "memory" };

export function isRecord(t: Type): boolean {
  return t.kind === "struct" || t.kind === "union";
}

/** Classify a value of type `t` (psABI §3.2.3 classification algorithm, integer-only). */
export function classify(t: Type): ArgClass {
  if (!isRecord(t)) return { kind: "int", eightbytes: 1 };
  if (t.size > MAX_REG_AGGREGATE || hasUnalignedField(t)) return { kind: "memory" };
  return { kind: "int", eightbytes: Math.ceil(t.size / EIGHTBYTE) };
}

/** psABI §3.2.3 rule 1: an object with unaligned fields is MEMORY (bit-fields excepted). */
function hasUnalignedField(t: Type): boolean {
  for (const m of t.members) {
    if (m.bitWidth !== undefined) continue;
    if (m.offset % Math.max(naturalAlign(m.type), 1) !== 0) return true;
    if (isRecord(m.type) && hasUnalignedField(m.type)) return true;
    if (m.type.kind === "array" && m.type.base && isRecord(m.type.base) && hasUnalignedField(m.type.base)) return true; // prettier-ignore
  }
  return false;
}

/** The alignment a member's type has outside a packed container. */
function naturalAlign(t: Type): number {
  return t.kind === "array" && t.base ? naturalAlign(t.base) : t.align;
}

/** Where one argument goes: integer registers from `reg`, or the stack at `stackOffset`. */
export interface ArgPlace {
  cls: ArgClass;
  /** First register index (into rdi rsi rdx rcx r8 r9), or -1 when on the stack. */
  reg: number;
  /** Offset from the start of the argument area (the caller's %rsp at the call). */
  stackOffset: number;
  /** Bytes the argument occupies on the stack (a multiple of 8). */
  stackSize: number;
}

export interface CallLayout {
  places: ArgPlace[];
  /** Bytes of the stack argument area (a multiple of 8). */
  stackBytes: number;
  /** The return value is MEMORY: a hidden pointer occupies %rdi. */
  hiddenReturn: boolean;
}

/** Lay out a call's arguments (psABI §3.2.3): registers in order while they last, then stack. */
export function layoutCall(ret: Type, args: Type[]): CallLayout {
  const hiddenReturn = classify(ret).kind === "memory" && isRecord(ret);
  let reg = hiddenReturn ? 1 : 0;
  let stack = 0;
  const places = args.map((t): ArgPlace => {
    const cls = classify(t);
    const need = cls.kind === "int" ? cls.eightbytes : 0;
    if (cls.kind === "int" && reg + need <= GP_ARG_REGS) {
      const p = { cls, reg, stackOffset: -1, stackSize: 0 };
      reg += need;
      return p;
    }
    // psABI §3.2.3: if no register is left for any eightbyte, the whole argument goes on the
    // stack, at its alignment rounded up to an eightbyte.
    stack = alignTo(stack, Math.max(EIGHTBYTE, t.align));
    const size = alignTo(Math.max(t.size, isRecord(t) ? 0 : EIGHTBYTE), EIGHTBYTE);
    const p = { cls, reg: -1, stackOffset: stack, stackSize: size };
    stack += size;
    return p;
  });
  return { places, stackBytes: stack, hiddenReturn };
}
