/*
 * spinner.S - a CPU-bound task: ROUNDS times, spin SPIN iterations without a
 * system call, then print "spinner: pid P round R" (P and R below 10). It enters the kernel only
 * through the timer interrupt, so two spinners on one CPU take turns only if
 * the tick preempts them (entry-common.c: need_resched on the way back to
 * user mode); without a timer the first one prints all its rounds first.
 */
#include <asm/unistd_64.h>

#define ROUNDS	4
#define SPIN	40000
#define ASCII_ZERO	0x30

	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13			/* pid */
	xorl	%r12d, %r12d			/* round */
1:	movl	$SPIN, %ecx
2:	decl	%ecx				/* the spin: user mode only */
	jnz	2b
	/* One write per line, so that a preemption between two writes cannot split it. */
	movb	%r13b, %al
	addb	$ASCII_ZERO, %al
	movb	%al, line + pid_at(%rip)
	movb	%r12b, %al
	addb	$ASCII_ZERO, %al
	movb	%al, line + round_at(%rip)
	leaq	line(%rip), %rsi
	movl	$line_len, %edx
	call	write_out
	incl	%r12d
	cmpl	$ROUNDS, %r12d
	jne	1b

	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

	/* The line, its digits filled in per round (pids and rounds below 10). */
	.data
line:	.ascii	"spinner: pid "
	.set	pid_at, . - line
	.ascii	"? round "
	.set	round_at, . - line
	.ascii	"?\n"
	.set	line_len, . - line
