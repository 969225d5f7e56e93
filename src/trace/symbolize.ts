// Names addresses for people: `symbol+0xoff (file:line)` from an image's symbols and line table.
import { lineTableLookupAddr } from "../obj/index.js";
import type { ObjectFile, Symbol } from "../obj/types.js";

export class Symbolizer {
  private readonly sorted: Symbol[];

  constructor(private readonly image: ObjectFile) {
    this.sorted = image.symbols
      .filter(
        (s) => typeof s.section === "number" && s.name && s.type !== "section" && s.type !== "file",
      )
      .sort((a, b) =>
        a.value < b.value ? -1 : a.value > b.value ? 1 : a.binding === "global" ? -1 : 1,
      );
  }

  /** The nearest symbol at or below the address, as `name+0xoff` (or `name`). */
  symbol(addr: bigint): string | undefined {
    let lo = 0;
    let hi = this.sorted.length - 1;
    let best: Symbol | undefined;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.sorted[mid]!;
      if (s.value <= addr) {
        best = s;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    if (!best) return undefined;
    // Prefer the first symbol at that address (globals sort first).
    const first = this.sorted.find((s) => s.value === best!.value) ?? best;
    const off = addr - first.value;
    return off === 0n ? first.name : `${first.name}+0x${off.toString(16)}`;
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
