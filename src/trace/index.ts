// trace: event types, recorder, formats and views. For now: the disassembly listing.
export { disassembleObject, type ListingOptions } from "./disasm.js";
export { Symbolizer } from "./symbolize.js";
