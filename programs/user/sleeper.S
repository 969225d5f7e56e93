/*
 * sleeper.S - ROUNDS times: nanosleep for SLEEP_TICKS ticks (HZ = 1000, so
 * SLEEP_TICKS milliseconds of kernel time), then print
 * "sleeper: pid P round R"; then exit(0). User space cannot read jiffies,
 * so the rounds are the progress it shows. A nanosleep that fails exits
 * with its error number.
 */
#include <asm/unistd_64.h>

#define ROUNDS		3
#define SLEEP_TICKS	3
#define NSEC_PER_MSEC	1000000

	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13			/* pid */
	xorl	%r12d, %r12d			/* round */

1:	movl	$__NR_nanosleep, %eax
	leaq	req(%rip), %rdi
	xorl	%esi, %esi			/* rem: NULL */
	syscall
	testq	%rax, %rax
	jnz	fail

	leaq	msg_pid(%rip), %rsi
	movl	$msg_pid_len, %edx
	call	print_round

	incl	%r12d
	cmpl	$ROUNDS, %r12d
	jne	1b

	xorl	%edi, %edi
	call	sys_exit

fail:	negq	%rax
	movq	%rax, %rdi
	call	sys_exit
	.size	_start, . - _start

	.section .rodata, "a"
	.balign	8
req:	.quad	0				/* tv_sec */
	.quad	SLEEP_TICKS * NSEC_PER_MSEC	/* tv_nsec */
msg_pid:
	.ascii	"sleeper: pid "
	.set	msg_pid_len, . - msg_pid
