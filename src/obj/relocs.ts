// The relocation kinds: name, field width and formula of each, for the writer's checks, the
// reader's validation, the dumper and the linker. Formulas use the psABI letters: S the symbol's
// value, A the addend, P the address of the field. docs/object-format.md lists them.
import {
  R_16,
  R_32,
  R_32S,
  R_64,
  R_8,
  R_PC16,
  R_PC32,
  R_PC64,
  R_PC8,
  type RelocType,
} from "./types.js";

export interface RelocInfo {
  type: RelocType;
  /** Printed name, e.g. "R_PC32". */
  name: string;
  /** Width of the patched field in bytes. */
  size: 1 | 2 | 4 | 8;
  /** S + A − P instead of S + A. */
  pcRelative: boolean;
  /** How the result must fit the field: as a signed value, an unsigned one, or either (wraps). */
  range: "signed" | "unsigned" | "any";
}

function info(
  type: RelocType,
  name: string,
  size: RelocInfo["size"],
  pcRelative: boolean,
  range: RelocInfo["range"],
): RelocInfo {
  return { type, name, size, pcRelative, range };
}

/** One row per kind, in psABI number order. */
export const RELOC_TABLE: readonly RelocInfo[] = [
  info(R_64, "R_64", 8, false, "any"),
  info(R_PC32, "R_PC32", 4, true, "signed"),
  info(R_32, "R_32", 4, false, "unsigned"),
  info(R_32S, "R_32S", 4, false, "signed"),
  // gas accepts both signed and unsigned values in 16- and 8-bit fields; so does the psABI.
  info(R_16, "R_16", 2, false, "any"),
  info(R_PC16, "R_PC16", 2, true, "signed"),
  info(R_8, "R_8", 1, false, "any"),
  info(R_PC8, "R_PC8", 1, true, "signed"),
  info(R_PC64, "R_PC64", 8, true, "any"),
];

const BY_TYPE = new Map<number, RelocInfo>(RELOC_TABLE.map((r) => [r.type, r]));

/** The row of a relocation type, or undefined for a number that is not one of ours. */
export function relocInfo(type: number): RelocInfo | undefined {
  return BY_TYPE.get(type);
}

/** The printed name of a relocation type ("R_?(n)" for an unknown number). */
export function relocName(type: number): string {
  return BY_TYPE.get(type)?.name ?? `R_?(${type})`;
}

/**
 * Whether `value` (S + A or S + A − P, as a full-width integer) fits the relocation's field.
 * The linker reports a failed check as an overflow at the relocation's site.
 */
export function relocFits(r: RelocInfo, value: bigint): boolean {
  const bits = BigInt(r.size * 8);
  if (r.range === "signed") return value === BigInt.asIntN(Number(bits), value);
  if (r.range === "unsigned") return value === BigInt.asUintN(Number(bits), value);
  // "any": representable as either signed or unsigned in the field's width.
  const min = -(1n << (bits - 1n));
  const max = (1n << bits) - 1n;
  return value >= min && value <= max;
}
