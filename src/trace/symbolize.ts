// Names addresses for people: `symbol+0xoff (file:line)` from an image's symbols and line table.
// An address is named after the nearest symbol at or below it. Several symbols often share that
// address — `entry_SYSCALL_64` and the linker script's `__entry_text_start`, a function and
// `_text` — and the one a reader wants is the code: a function or other real symbol wins over a
// section marker, then a symbol whose size covers the address, then a global.
import { lineTableLookupAddr } from "../obj/index.js";
import type { ObjectFile, Symbol } from "../obj/types.js";

/** Names the linker script gives section boundaries (`__entry_text_start`, `_etext`...). */
const MARKER_NAME = /^(__\w+_(start|end)|_text|_etext|_edata|_end)$/;

/**
 * A linker-defined section marker rather than code or data: a boundary name, or a label with no
 * type and no size (`name = .` in a linker script).
 */
export function isSectionMarker(s: Symbol): boolean {
  return MARKER_NAME.test(s.name) || (s.type === "notype" && s.size === 0n);
}

function byAddress(a: Symbol, b: Symbol): number {
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

export class Symbolizer {
  /** By address (stable: the image's order within one address). */
  private readonly sorted: Symbol[];

  constructor(private readonly image: ObjectFile) {
    this.sorted = image.symbols
      .filter(
        (s) => typeof s.section === "number" && s.name && s.type !== "section" && s.type !== "file",
      )
      .sort(byAddress);
  }

  /** The symbol that names `addr`: nearest at or below it, the preferred one at that address. */
  private nearest(addr: bigint): Symbol | undefined {
    let lo = 0;
    let hi = this.sorted.length - 1;
    let last = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid]!.value <= addr) {
        last = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (last < 0) return undefined;
    const at = this.sorted[last]!.value;
    let best: Symbol | undefined;
    for (let i = last; i >= 0 && this.sorted[i]!.value === at; i--) {
      const s = this.sorted[i]!;
      if (best === undefined || preferred(s, best, addr)) best = s;
    }
    return best;
  }

  /** The symbol naming the address, as `name+0xoff` (or `name`). */
  symbol(addr: bigint): string | undefined {
    const s = this.nearest(addr);
    if (!s) return undefined;
    const off = addr - s.value;
    return off === 0n ? s.name : `${s.name}+0x${off.toString(16)}`;
  }

  /** `symbol+0xoff (file:line)`, or the bare hex address when nothing is known. */
  describe(addr: bigint): string {
    const hex = `0x${addr.toString(16).padStart(16, "0")}`;
    const sym = this.symbol(addr);
    const line = lineTableLookupAddr(this.image, addr);
    const where = line ? ` (${line.file}:${line.line})` : "";
    return sym ? `${hex} ${sym}${where}` : `${hex}${where}`;
  }
}

/**
 * Whether `s` names `addr` better than `than` (both at one address): not a marker, then covering
 * the address with its size, then global; a tie keeps the earlier symbol of the image.
 */
function preferred(s: Symbol, than: Symbol, addr: bigint): boolean {
  const markers = Number(isSectionMarker(s)) - Number(isSectionMarker(than));
  if (markers !== 0) return markers < 0;
  const covers = (x: Symbol): boolean => addr < x.value + x.size;
  if (covers(s) !== covers(than)) return covers(s);
  return s.binding === "global" || than.binding !== "global";
}
