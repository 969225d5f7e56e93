/*
 * spinner.S - a CPU-bound task: ROUNDS times, spin SPIN iterations without a
 * system call, then print "spinner: pid P round R". It enters the kernel only
 * through the timer interrupt, so two spinners on one CPU take turns only if
 * the tick preempts them (entry-common.c: need_resched on the way back to
 * user mode); without a timer the first one prints all its rounds first.
 */
#include <asm/unistd_64.h>

#define ROUNDS	4
#define SPIN	40000

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
	leaq	msg_pid(%rip), %rsi
	movl	$msg_pid_len, %edx
	call	print_round			/* one write: a preemption cannot split the line */
	incl	%r12d
	cmpl	$ROUNDS, %r12d
	jne	1b

	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

	.section .rodata, "a"
msg_pid:
	.ascii	"spinner: pid "
	.set	msg_pid_len, . - msg_pid
