// link: the linker. Relocatable objects (src/obj ObjectFile, kind "rel") → one ELF64 ET_EXEC image
// placed by a layout description. docs/linker.md describes the rules and the layout language.
export { link, DEFAULT_ENTRY, DEFAULT_OUTPUT, type LinkOptions } from "./link.js";
export { parseLayout, type ParseLayoutOptions } from "./layout-parse.js";
export type { LayoutExpr, LayoutSpec, LayoutStmt } from "./layout-spec.js";
export { FLAT64_LAYOUT, FLAT64_LAYOUT_TEXT, builtinLayout } from "./flat64.js";
export { KEEP_SECTIONS, ORPHAN_ALIGN } from "./place.js";
export { PAGE_SIZE } from "./image.js";
