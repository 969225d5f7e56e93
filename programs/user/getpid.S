/*
 * getpid.S - the syscall loop: LOOPS getpid calls, one line with the pid,
 * then exit(0). Every call is one user -> kernel -> user round trip through
 * entry_SYSCALL_64 and SYSRET: under PTI, two CR3 writes each.
 */
#include <asm/unistd_64.h>

#define LOOPS	10

	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$LOOPS, %r12d
1:	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13			/* callee-saved: survives SYSCALL */
	decl	%r12d
	jnz	1b

	leaq	msg_head(%rip), %rsi
	movl	$msg_head_len, %edx
	call	write_out
	movq	%r13, %rax
	call	print_dec
	leaq	msg_tail(%rip), %rsi
	movl	$msg_tail_len, %edx
	call	write_out

	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

	.section .rodata, "a"
msg_head:
	.ascii	"getpid: pid "
	.set	msg_head_len, . - msg_head
msg_tail:
	.ascii	" after 10 calls\n"
	.set	msg_tail_len, . - msg_tail
