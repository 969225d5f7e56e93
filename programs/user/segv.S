/*
 * segv.S - a bad access: after one line, a write to BAD_ADDRESS, a page
 * below the shared page and the text that no area covers. The kernel kills
 * the task (the segfault line, exit code SIGSEGV = 11); the line after the
 * write must never appear. Tasks beside it run on.
 */
#include <asm/unistd_64.h>

#define BAD_ADDRESS	0x10
#define BAD_VALUE	0x5a

	.text
	.globl	_start
	.type	_start, @function
_start:
	leaq	msg_before(%rip), %rsi
	movl	$msg_before_len, %edx
	call	write_out
	movq	$BAD_VALUE, BAD_ADDRESS		/* #PF: not present, write, user */
	leaq	msg_after(%rip), %rsi
	movl	$msg_after_len, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

	.section .rodata, "a"
msg_before:
	.ascii	"segv: writing to a bad address\n"
	.set	msg_before_len, . - msg_before
msg_after:
	.ascii	"segv: survived the bad write\n"
	.set	msg_after_len, . - msg_after
