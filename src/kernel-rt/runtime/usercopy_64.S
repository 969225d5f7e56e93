/*
 * usercopy_64.S - copy_user_generic(to, from, len): the kernel's deliberate
 * access to user memory. With SMAP a supervisor data access to a user page
 * faults unless RFLAGS.AC is set (SDM 4.6.1), so the copy is bracketed by
 * STAC/CLAC, patched in only on CPUs with SMAP (ASM_STAC/ASM_CLAC are
 * ALTERNATIVE sites: STAC is #UD without the feature). Returns the bytes not
 * copied. A page fault on the copy (at copy_user_insn) goes to exc_page_fault
 * (fault.c), which maps a demand-zero page and retries, or resumes at
 * copy_user_fixup (Linux's exception-table fixup): REP MOVSB faults with RCX
 * counting the bytes left (SDM vol. 2, REP), which is what it returns.
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
SYM_INNER_LABEL(copy_user_insn, SYM_L_GLOBAL)
	rep movsb
	ASM_CLAC
	xorl	%eax, %eax
	ret
SYM_INNER_LABEL(copy_user_fixup, SYM_L_GLOBAL)
	ASM_CLAC
	movq	%rcx, %rax
	ret
SYM_FUNC_END(copy_user_generic)
