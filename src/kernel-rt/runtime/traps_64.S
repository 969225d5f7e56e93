/*
 * traps_64.S - step-1 exception stubs: one per exception vector 0-31,
 * reached through the IDT the boot builder writes (interrupt gates, #DF on
 * IST1, NMI on IST2). They live in .entry.text because under PTI an
 * exception from user mode arrives on the user page table, where only the
 * entry text and the cpu_entry_area are mapped: the stub switches to the
 * kernel CR3 before it calls C. It then reports and ends the run
 * (early_trap_report in traps.c); nothing returns.
 *
 * The frame on entry: [error code,] RIP, CS, RFLAGS, RSP, SS; vectors
 * without an error code push -1 in its place, then each stub pushes its
 * vector. early_trap_table lists the stubs for the boot builder.
 */
#include <linux/linkage.h>
#include <asm/percpu.h>
#include <asm/cpufeatures.h>
#include <asm/alternative.h>
#include "calling.h"

	.code64
	.section .entry.text, "ax"

/* SDM 6.13, table 6-1: the exceptions that push an error code. */
#define HAS_ERROR_CODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || (v) == 29 || (v) == 30)

.macro early_trap_stub vector
SYM_CODE_START_LOCAL(early_trap_\vector)
	.if HAS_ERROR_CODE(\vector) == 0
	pushq	$-1
	.endif
	pushq	$\vector
	jmp	early_trap_common
SYM_CODE_END(early_trap_\vector)
.endm

	.irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	early_trap_stub \vector
	.endr

SYM_CODE_START_LOCAL(early_trap_common)
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rax
	movq	0*8(%rsp), %rdi			/* vector */
	movq	1*8(%rsp), %rsi			/* error code */
	movq	2*8(%rsp), %rdx			/* RIP */
	movq	3*8(%rsp), %rcx			/* CS */
	movq	%cr2, %r8
	andq	$-16, %rsp
	call	early_trap_report
1:	hlt
	jmp	1b
SYM_CODE_END(early_trap_common)

	.section .rodata, "a"
	.balign	8
	.globl	early_trap_table
	.type	early_trap_table, @object
early_trap_table:
	.irp vector, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad	early_trap_\vector
	.endr
	.size	early_trap_table, . - early_trap_table
