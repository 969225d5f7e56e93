/*
 * asm/smap.h - ASM_CLAC / ASM_STAC: toggle EFLAGS.AC around deliberate
 * kernel accesses to user memory, only on CPUs with SMAP (clac and stac are
 * #UD without it, SDM vol. 2 CLAC/STAC), hence the ALTERNATIVE with an empty
 * original.
 */
#ifndef _ASM_X86_SMAP_H
#define _ASM_X86_SMAP_H

#include <asm/cpufeatures.h>
#include <asm/alternative.h>

#ifdef __ASSEMBLY__

#define ASM_CLAC	ALTERNATIVE "", "clac", X86_FEATURE_SMAP
#define ASM_STAC	ALTERNATIVE "", "stac", X86_FEATURE_SMAP

#endif /* __ASSEMBLY__ */

#endif /* _ASM_X86_SMAP_H */
