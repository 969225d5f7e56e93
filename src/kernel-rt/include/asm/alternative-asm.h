/*
 * asm/alternative-asm.h - v5.10 assembly includes ALTERNATIVE from here; in
 * entrylab the macros live in asm/alternative.h.
 */
#ifndef _ASM_X86_ALTERNATIVE_ASM_H
#define _ASM_X86_ALTERNATIVE_ASM_H

#include <asm/alternative.h>

#endif /* _ASM_X86_ALTERNATIVE_ASM_H */
