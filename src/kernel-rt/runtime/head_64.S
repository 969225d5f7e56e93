/*
 * head_64.S - where every CPU starts. The boot builder leaves each CPU in
 * long mode on the kernel page table (swapper's kernel PGD), with its GDT,
 * IDT, TR, MSRs and GS base (its per-CPU area) loaded, RSP at the top of
 * its idle stack and %edi = its CPU number. CPU 0 goes to start_kernel, the
 * others to start_secondary, which wait for it.
 */
#include <linux/linkage.h>

	.code64
	.text

SYM_CODE_START(startup_64)
	xorl	%ebp, %ebp			/* the end of the frame chain */
	testl	%edi, %edi
	jnz	1f
	call	start_kernel
	jmp	2f
1:	call	start_secondary
2:	cli					/* neither returns */
	hlt
	jmp	2b
SYM_CODE_END(startup_64)
