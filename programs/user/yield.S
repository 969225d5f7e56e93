/*
 * yield.S - ROUNDS times: print "yield: pid P round R", then sched_yield(),
 * so that tasks on one CPU take turns; then exit(0). Two of them interleave
 * their lines round by round, in pid order.
 */
#include <asm/unistd_64.h>

#define ROUNDS	3

	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13			/* pid */
	xorl	%r12d, %r12d			/* round */
1:	leaq	msg_pid(%rip), %rsi
	movl	$msg_pid_len, %edx
	call	print_round

	movl	$__NR_sched_yield, %eax
	syscall
	incl	%r12d
	cmpl	$ROUNDS, %r12d
	jne	1b

	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

	.section .rodata, "a"
msg_pid:
	.ascii	"yield: pid "
	.set	msg_pid_len, . - msg_pid
