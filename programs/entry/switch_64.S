/*
 * switch_64.S - the task switch and the first return of a new task, laid out
 * as Linux v5.10's arch/x86/entry/entry_64.S has them (__switch_to_asm,
 * ret_from_fork); in their own file beside entry_64.S so that the baseline
 * syscall entry is unchanged.
 *
 * __switch_to_asm(prev, next): push the callee-saved registers on prev's
 * stack (a struct inactive_task_frame, whose last word is the return
 * address of the call), save RSP in prev->thread.sp, load next's, pop its
 * frame and tail-call __switch_to(prev, next), which returns prev in %rax
 * to wherever next's frame says: back into schedule() for a task that was
 * switched out, ret_from_fork for a new one.
 */
#include <linux/linkage.h>
#include <asm/asm-offsets.h>
#include <asm/unwind_hints.h>

	.code64
	.text

SYM_FUNC_START(__switch_to_asm)
	pushq	%rbp
	pushq	%rbx
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15

	movq	%rsp, TASK_threadsp(%rdi)	/* prev->thread.sp */
	movq	TASK_threadsp(%rsi), %rsp	/* next's stack */

	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbx
	popq	%rbp

	jmp	__switch_to
SYM_FUNC_END(__switch_to_asm)

/*
 * ret_from_fork: a new task's first instructions in the kernel, reached by
 * __switch_to's return with %rax = prev. Below it on the stack is the
 * task's pt_regs (built by the boot builder, later by fork): leave through
 * the general exit to user mode.
 */
SYM_CODE_START(ret_from_fork)
	UNWIND_HINT_EMPTY
	movq	%rax, %rdi
	call	schedule_tail			/* schedule_tail(prev) */
	jmp	swapgs_restore_regs_and_return_to_usermode
SYM_CODE_END(ret_from_fork)
