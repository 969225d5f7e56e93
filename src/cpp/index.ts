// cpp: the C preprocessor shared by .S files (gcc -x assembler-with-cpp) and handler-C.
// preprocess() turns a file into output lines whose every column maps back to its origin;
// formatPreprocessed() prints them as `gcc -E` does (the `entrylab cpp` / `-E` output).
export { preprocess } from "./preprocess.js";
export { formatPreprocessed } from "./output.js";
export { DEFAULT_MAX_INCLUDE_DEPTH } from "./directives.js";
export type { CppDefine, CppLine, CppOptions, CppResult } from "./types.js";
