// The boot builder's regions in a form the trace recorder takes today: the recorder names stack
// regions from an image's sized object symbols (src/trace/regions.ts), so traceImage() returns the
// kernel image with one extra local object symbol per region ("kernel stack of pid 1", "entry
// stack of CPU 0", ...). The image itself is not changed.
import type { ObjectFile, Symbol } from "../../obj/index.js";
import type { BootRegion } from "./context.js";

export function traceImage(image: ObjectFile, regions: readonly BootRegion[]): ObjectFile {
  const extra: Symbol[] = regions.map((r) => ({
    name: r.name,
    section: 0,
    value: r.start,
    size: r.end - r.start,
    binding: "local",
    type: "object",
    visibility: "default",
  }));
  return { ...image, symbols: [...image.symbols, ...extra] };
}
