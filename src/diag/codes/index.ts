// THE code table: every diagnostic code entrylab can print, with a one-line title. Codes are
// stable: never reuse or renumber one. Each stage owns a range, in its own file:
//   E0xxx usage and options (cli)      E1xxx preprocessor (cpp)
//   E2xxx assembler syntax             E3xxx assembler semantics
//   E4xxx objects and images (obj)     E5xxx linker
//   E6xxx handler-C (cc)               E7xxx machine and runs (vm)
//   E8xxx trace files (trace)
// Warnings use W with the same ranges.
import { CLI_CODES } from "./cli.js";
import { CPP_CODES } from "./cpp.js";
import { ASM_SYNTAX_CODES } from "./asm-syntax.js";
import { ASM_CODES } from "./asm.js";
import { OBJ_CODES } from "./obj.js";
import { LINK_CODES } from "./link.js";
import { VM_CODES } from "./vm.js";
import { CC_CODES } from "./cc.js";
import { TRACE_CODES } from "./trace.js";
import { KERNEL_CODES } from "./kernel.js";

export const CODES: Readonly<Record<string, string>> = {
  ...CLI_CODES,
  ...CPP_CODES,
  ...ASM_SYNTAX_CODES,
  ...ASM_CODES,
  ...OBJ_CODES,
  ...LINK_CODES,
  ...VM_CODES,
  ...CC_CODES,
  ...TRACE_CODES,
  ...KERNEL_CODES,
};
