// The predefined macros: what gcc defines for x86-64 Linux that kernel-style headers test, and
// nothing that would claim more than entrylab does (no __GNUC__: the handler-C compiler is not
// gcc, and headers must not pick gcc-only paths by accident). docs/preprocessor.md lists them.
import type { BuiltinKind } from "./macros.js";
import type { Mode } from "./types.js";

/** Dynamic macros computed at each use (gcc's builtins). */
export const BUILTIN_MACROS: ReadonlyArray<[string, BuiltinKind]> = [
  ["__FILE__", "file"],
  ["__LINE__", "line"],
  ["__COUNTER__", "counter"],
  ["__INCLUDE_LEVEL__", "include-level"],
  ["__BASE_FILE__", "base-file"],
];

/** The x86-64 LP64 target, in both modes (gcc defines these for .S files too). */
const TARGET = `
#define __x86_64__ 1
#define __x86_64 1
#define __amd64__ 1
#define __amd64 1
#define __LP64__ 1
#define _LP64 1
#define __ELF__ 1
#define __entrylab__ 1
#define __CHAR_BIT__ 8
#define __SIZEOF_SHORT__ 2
#define __SIZEOF_INT__ 4
#define __SIZEOF_LONG__ 8
#define __SIZEOF_LONG_LONG__ 8
#define __SIZEOF_POINTER__ 8
#define __SIZEOF_SIZE_T__ 8
#define __ORDER_LITTLE_ENDIAN__ 1234
#define __ORDER_BIG_ENDIAN__ 4321
#define __BYTE_ORDER__ __ORDER_LITTLE_ENDIAN__
#define __INT_MAX__ 0x7fffffff
#define __LONG_MAX__ 0x7fffffffffffffffL
#define __LONG_LONG_MAX__ 0x7fffffffffffffffLL
#define __SCHAR_MAX__ 0x7f
#define __SHRT_MAX__ 0x7fff
`;

/** Only for .S: gcc -x assembler-with-cpp defines it; kernel headers test it (as __ASSEMBLY__). */
const ASM_ONLY = `
#define __ASSEMBLER__ 1
`;

/** Only for handler-C: a freestanding C11 implementation, and its type names. */
const C_ONLY = `
#define __STDC__ 1
#define __STDC_VERSION__ 201112L
#define __STDC_HOSTED__ 0
#define __SIZE_TYPE__ long unsigned int
#define __PTRDIFF_TYPE__ long int
#define __INTPTR_TYPE__ long int
#define __UINTPTR_TYPE__ long unsigned int
#define __INTMAX_TYPE__ long int
#define __UINTMAX_TYPE__ long unsigned int
#define __INT8_TYPE__ signed char
#define __INT16_TYPE__ short int
#define __INT32_TYPE__ int
#define __INT64_TYPE__ long int
#define __UINT8_TYPE__ unsigned char
#define __UINT16_TYPE__ short unsigned int
#define __UINT32_TYPE__ unsigned int
#define __UINT64_TYPE__ long unsigned int
`;

/** The #define lines of the "<built-in>" pseudo-file for a mode. */
export function predefinedText(mode: Mode): string {
  return (TARGET + (mode === "asm" ? ASM_ONLY : C_ONLY)).slice(1);
}
