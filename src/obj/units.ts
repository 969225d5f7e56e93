// Compilation units of symbols: as in ELF, a local STT_FILE symbol names the source file its
// object was built from and precedes that object's local symbols; the linker keeps each object's
// locals behind its FILE symbol, so in an image too a local's unit is the nearest FILE symbol
// before it. Globals carry no unit, nor do locals after the first global (ELF sorts locals first:
// any later local was added by hand, as the boot builder's region symbols are).
import type { ObjectFile } from "./types.js";

/** Per symbol index, the name of the unit it belongs to, or undefined (globals, no FILE seen). */
export function symbolUnits(obj: Pick<ObjectFile, "symbols">): (string | undefined)[] {
  let unit: string | undefined;
  return obj.symbols.map((s) => {
    if (s.type === "file") unit = s.name;
    if (s.binding !== "local") unit = undefined;
    return s.binding === "local" ? unit : undefined;
  });
}
