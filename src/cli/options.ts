// Option parsers shared by the subcommands.
import { usageError } from "./report.js";

/** commander accumulator for repeatable options. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `-D name[=value]` as gcc: without a value the macro is 1. */
export function parseDefine(spec: string): { name: string; value?: string } {
  const eq = spec.indexOf("=");
  return eq < 0 ? { name: spec } : { name: spec.slice(0, eq), value: spec.slice(eq + 1) };
}

const SIZE_UNITS: Record<string, number> = { "": 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 };

/** A memory size: bytes, or with a K/M/G suffix (binary units). */
export function parseSize(text: string, option: string): number {
  const m = /^(\d+)([KMG]?)(i?B)?$/i.exec(text.trim());
  const value = m ? Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]! : NaN;
  if (!Number.isSafeInteger(value) || value <= 0)
    usageError(`${option}: '${text}' is not a size (e.g. 65536, 64M, 1G)`);
  return value;
}

/** A positive decimal count (or hex with 0x). */
export function parseCount(text: string, option: string): number {
  const value = /^(0x[0-9a-f]+|\d+)$/i.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(value) || value <= 0)
    usageError(`${option}: '${text}' is not a positive count`);
  return value;
}
