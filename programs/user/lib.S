/*
 * lib.S - the minimal user library linked into every user program of the
 * model kernel: write to stdout, print a decimal number and a workload's
 * "pid P round R" line through the write system call, exit, and the signal
 * calls: sigaction (rt_sigaction with this library's restorer), kill, and
 * __restore_rt, where every handler returns to. System
 * calls follow the x86-64 Linux ABI: number in %rax, arguments in %rdi,
 * %rsi, %rdx; SYSCALL clobbers %rcx and %r11; the result comes back in %rax.
 */
#include <asm/unistd_64.h>
#include <asm/signal.h>

#define STDOUT_FILENO	1
#define DECIMAL_BASE	10
#define ASCII_ZERO	0x30
#define U64_DIGITS	20
#define ASCII_NEWLINE	0x0a
#define PREFIX_MAX	64
/* struct sigaction as x86-64's rt_sigaction takes it: handler, flags, restorer, mask. */
#define KSA_HANDLER	0
#define KSA_FLAGS	8
#define KSA_RESTORER	16
#define KSA_MASK	24
#define KSA_SIZE	32
/* rt_sigaction's sigsetsize: the kernel's sigset_t is one 64-bit word. */
#define SIGSET_SIZE	8

/* print_round's line: the prefix, two numbers, " round " and the newline. */
#define LINE_MAX	(PREFIX_MAX + 2 * U64_DIGITS + 8)

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

/* format_dec(%rax = value): its decimal digits in numbuf, at %rsi, %rdx of them. */
format_dec:
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
	ret

/* print_dec(%rax = value): the value in decimal, without a newline. */
	.globl	print_dec
	.type	print_dec, @function
print_dec:
	call	format_dec
	jmp	write_out
	.size	print_dec, . - print_dec

/*
 * append_dec(%rax = value, %rdi = where): the value in decimal at %rdi, which
 * ends just past it. Clobbers %rax, %rcx, %rdx, %rsi, %r8.
 */
	.globl	append_dec
	.type	append_dec, @function
append_dec:
	call	format_dec
	movq	%rdx, %rcx
	rep movsb
	ret
	.size	append_dec, . - append_dec

/*
 * print_round(%rsi = prefix, %rdx = its length, %r13 = pid, %r12 = round): the
 * line "<prefix><pid> round <round>\n" that the round-based workloads print,
 * built in a buffer and written with one write(), so that a task preempted or
 * switched out between two writes cannot split it. The prefix is at most
 * PREFIX_MAX bytes.
 */
	.globl	print_round
	.type	print_round, @function
print_round:
	leaq	linebuf(%rip), %rdi
	movq	%rdx, %rcx
	rep movsb
	movq	%r13, %rax
	call	append_dec
	leaq	round_word(%rip), %rsi
	movl	$round_word_len, %ecx
	rep movsb
	movq	%r12, %rax
	call	append_dec
	movb	$ASCII_NEWLINE, (%rdi)
	incq	%rdi
	leaq	linebuf(%rip), %rsi
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	jmp	write_out
	.size	print_round, . - print_round

/* sys_exit(%edi = status): never returns. */
	.globl	sys_exit
	.type	sys_exit, @function
sys_exit:
	movl	$__NR_exit, %eax
	syscall
	ud2
	.size	sys_exit, . - sys_exit

/*
 * sigaction(%edi = sig, %rsi = handler, %rdx = flags): rt_sigaction(sig, &act,
 * NULL, 8) with an empty mask and SA_RESTORER set, the restorer being
 * __restore_rt (x86-64 Linux wants one: it has no stub of its own). The
 * result in %rax.
 */
	.globl	sigaction
	.type	sigaction, @function
sigaction:
	subq	$KSA_SIZE, %rsp
	movq	%rsi, KSA_HANDLER(%rsp)
	orq	$SA_RESTORER, %rdx
	movq	%rdx, KSA_FLAGS(%rsp)
	leaq	__restore_rt(%rip), %rax
	movq	%rax, KSA_RESTORER(%rsp)
	movq	$0, KSA_MASK(%rsp)
	movq	%rsp, %rsi
	xorl	%edx, %edx
	movl	$SIGSET_SIZE, %r10d
	movl	$__NR_rt_sigaction, %eax
	syscall
	addq	$KSA_SIZE, %rsp
	ret
	.size	sigaction, . - sigaction

/* kill(%edi = pid, %esi = sig): the result in %rax. */
	.globl	kill
	.type	kill, @function
kill:
	movl	$__NR_kill, %eax
	syscall
	ret
	.size	kill, . - kill

/*
 * __restore_rt: a handler's return address (the frame's pretcode). RSP is
 * then just past it, where rt_sigreturn finds the rest of the frame.
 */
	.globl	__restore_rt
	.type	__restore_rt, @function
__restore_rt:
	movq	$__NR_rt_sigreturn, %rax
	syscall
	ud2
	.size	__restore_rt, . - __restore_rt

	.section .rodata, "a"
round_word:
	.ascii	" round "
	.set	round_word_len, . - round_word

	.bss
numbuf:	.skip	U64_DIGITS
linebuf: .skip	LINE_MAX
