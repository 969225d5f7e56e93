// expect: accept
// The real ALTERNATIVE / ALTERNATIVE_2 macros from asm/alternative.h, with
// data standing in for instructions so that the .altinstructions records
// (lengths, feature numbers) compare. The replacement section is executable
// ("ax") and is compared only by where the relocations point.
#include <asm/alternative.h>
#include <asm/cpufeatures.h>
	.data
ah_1:	ALTERNATIVE ".byte 0x11", ".byte 0x22, 0x22, 0x22", X86_FEATURE_PTI
ah_2:	ALTERNATIVE ".byte 1, 2, 3, 4", "", X86_FEATURE_PCID
ah_3:	ALTERNATIVE_2 ".byte 0x33", ".byte 1, 2", X86_FEATURE_SMAP, ".byte 1, 2, 3, 4, 5", X86_FEATURE_ALWAYS
ah_4:	ALTERNATIVE_2 ".byte 1, 2, 3", ".byte 1, 2, 3, 4", X86_FEATURE_FSGSBASE, ".byte 9", X86_FEATURE_INVPCID
ah_end:
	.set	ah_max_a, alt_max_short(3, 7)
	.set	ah_max_b, alt_max_short(9, 2)
	.set	ah_max_c, alt_max_short(4, 4)
	.globl	ah_max_a, ah_max_b, ah_max_c
