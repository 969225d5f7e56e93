/*
 * usercopy_64.S - copy_user_generic(to, from, len): the kernel's deliberate
 * access to user memory. With SMAP a supervisor data access to a user page
 * faults unless RFLAGS.AC is set (SDM 4.6.1), so the copy is bracketed by
 * STAC/CLAC, patched in only on CPUs with SMAP (ASM_STAC/ASM_CLAC are
 * ALTERNATIVE sites: STAC is #UD without the feature). Returns the bytes not
 * copied (0: a fault on a bad user address is step 2's exception table).
 */
#include <linux/linkage.h>
#include <asm/cpufeatures.h>
#include <asm/alternative.h>
#include <asm/smap.h>

	.code64
	.text

SYM_FUNC_START(copy_user_generic)
	ASM_STAC
	movq	%rdx, %rcx
	rep movsb
	ASM_CLAC
	xorl	%eax, %eax
	ret
SYM_FUNC_END(copy_user_generic)
