// diag: source files, locations, the Diagnostic type, rendering and the code table. A leaf module.
export * from "./source.js";
export * from "./diagnostic.js";
export * from "./render.js";
export * from "./host.js";
export { CODES } from "./codes/index.js";
