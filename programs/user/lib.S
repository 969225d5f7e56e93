/*
 * lib.S - the minimal user library linked into every user program of the
 * model kernel: write to stdout and print a decimal number through the
 * write system call, and exit. System calls follow the x86-64 Linux ABI:
 * number in %rax, arguments in %rdi, %rsi, %rdx; SYSCALL clobbers %rcx and
 * %r11; the result comes back in %rax.
 */
#include <asm/unistd_64.h>

#define STDOUT_FILENO	1
#define DECIMAL_BASE	10
#define ASCII_ZERO	0x30
#define U64_DIGITS	20

	.text

/* write_out(%rsi = buffer, %rdx = length): write(1, buf, len). */
	.globl	write_out
	.type	write_out, @function
write_out:
	movl	$__NR_write, %eax
	movl	$STDOUT_FILENO, %edi
	syscall
	ret
	.size	write_out, . - write_out

/* print_dec(%rax = value): the value in decimal, without a newline. */
	.globl	print_dec
	.type	print_dec, @function
print_dec:
	leaq	numbuf + U64_DIGITS(%rip), %rsi
	movq	%rsi, %r8
	movl	$DECIMAL_BASE, %ecx
1:	xorl	%edx, %edx
	divq	%rcx
	addb	$ASCII_ZERO, %dl
	decq	%rsi
	movb	%dl, (%rsi)
	testq	%rax, %rax
	jnz	1b
	movq	%r8, %rdx
	subq	%rsi, %rdx
	jmp	write_out
	.size	print_dec, . - print_dec

/* sys_exit(%edi = status): never returns. */
	.globl	sys_exit
	.type	sys_exit, @function
sys_exit:
	movl	$__NR_exit, %eax
	syscall
	ud2
	.size	sys_exit, . - sys_exit

	.bss
numbuf:	.skip	U64_DIGITS
