/*
 * gsbase.S - a user GS base that looks like the kernel's. With CR4.FSGSBASE
 * (X86_FEATURE_FSGSBASE) user space may load any canonical GS base with
 * WRGSBASE, a negative one too. This program loads USER_GSBASE, a kernel
 * half address, makes LOOPS getpid calls, reads the GS base back and prints
 * whether it survived, then exits.
 *
 * During each call the kernel runs for a few instructions on this GS base:
 * from the SYSCALL to entry_SYSCALL_64's SWAPGS, and from the exit's SWAPGS
 * to SYSRET. An NMI there enters paranoid_entry from kernel mode. Linux's
 * old MSR test (a negative GS base is the kernel's) would then skip SWAPGS
 * and run the NMI handler's per-CPU accesses on USER_GSBASE; the v5.10 path
 * saves it, loads this CPU's kernel GS base and restores it on exit
 * (test/unit/kernel-rt/fsgsbase.test.ts injects the NMI).
 *
 * Without FSGSBASE the WRGSBASE raises #UD: the program dies of SIGILL.
 */
#include <asm/unistd_64.h>

#define LOOPS		10
/* The lowest kernel-half address (bit 63 set: "negative"); nothing maps it. */
#define USER_GSBASE	0xffff800000000000

	.text
	.globl	_start
	.type	_start, @function
_start:
	movabsq	$USER_GSBASE, %rbx		/* callee-saved: kept for the check */
	wrgsbase %rbx

	movl	$LOOPS, %r12d
1:	movl	$__NR_getpid, %eax
	syscall
	decl	%r12d
	jnz	1b

	rdgsbase %r13
	leaq	msg_kept(%rip), %rsi
	movl	$msg_kept_len, %edx
	cmpq	%rbx, %r13
	je	2f
	leaq	msg_lost(%rip), %rsi
	movl	$msg_lost_len, %edx
2:	call	write_out

	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

	.section .rodata, "a"
msg_kept:
	.ascii	"gsbase: kept after 10 calls\n"
	.set	msg_kept_len, . - msg_kept
msg_lost:
	.ascii	"gsbase: lost after 10 calls\n"
	.set	msg_lost_len, . - msg_lost
