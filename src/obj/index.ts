// obj: the ELF64 container that carries entrylab bytecode — format constants, writer, reader,
// dumper and the line table. See docs/object-format.md for the byte layout.
export * from "./types.js";
export { writeObject } from "./write.js";
export { readObject } from "./read.js";
export { dumpObject } from "./dump.js";
export { lineTableLookup, lineTableLookupAddr, sortLines } from "./lines.js";
export { LineTable, withLineTable } from "./line-table.js";
export { RELOC_TABLE, relocInfo, relocName, relocFits, type RelocInfo } from "./relocs.js";
export { EM_ENTRYLAB, LINES_NAME } from "./elf.js";
export { symbolUnits } from "./units.js";
