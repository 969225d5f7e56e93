/*
 * fsbase.S - FS and GS bases that must follow their task. With CR4.FSGSBASE
 * (X86_FEATURE_FSGSBASE) user mode loads its own bases with WRFSBASE and
 * WRGSBASE, without the kernel; the kernel must save them when it switches
 * the task out and load the next task's (save_fsgs, x86_fsgsbase_load in
 * __switch_to), and fork must give the child the parent's.
 *
 * Each task (a boot task, then the child it forks) prints one line on what
 * it finds, and one after it has loaded its own bases and yielded YIELDS
 * times to the other tasks on its CPU:
 *   fsbase: pid 1 starts with FS base 0 and GS base 0
 *   fsbase: pid 3 child of 1 starts with FS base pid 1's and GS base pid 1's
 *   fsbase: pid 1 after 3 yields has FS base its own and GS base its own
 * A base is described as 0, "its own" (the task's tag: FS_TAG or GS_TAG
 * plus its pid), "pid N's" (another task's tag) or "another value". A boot
 * task must start with 0, a child with its parent's. Run two of them on one
 * CPU: a kernel that leaves the bases on the CPU shows each task another's.
 * Each line is built in a buffer and written with one write(), so lines of
 * tasks switched in between do not mix. The parent reaps its child; every
 * task exits with 0.
 *
 * Without FSGSBASE the first RDFSBASE raises #UD: the program dies of SIGILL.
 */
#include <asm/unistd_64.h>

#define YIELDS		3
/* A task's bases: a tag plus its pid, in the low PID_MASK bits (user, canonical addresses). */
#define FS_TAG		0x00007f0000000000
#define GS_TAG		0x00007e0000000000
#define PID_MASK	0xffff
#define ASCII_NEWLINE	0x0a
#define LINE_MAX	128
/* YIELDS as a string literal, for the message. */
#define STRINGIFY(x)	#x
#define STR(x)		STRINGIFY(x)

	.text
	.globl	_start
	.type	_start, @function
_start:
	call	report_start

	movabsq	$FS_TAG, %rax			/* this task's own bases */
	orq	%r13, %rax
	wrfsbase %rax
	movabsq	$GS_TAG, %rax
	orq	%r13, %rax
	wrgsbase %rax

	movl	$__NR_fork, %eax
	syscall
	testq	%rax, %rax
	jz	child
	movq	%rax, %r14			/* the child's pid (or an error) */
	call	yield_and_report
	testq	%r14, %r14
	js	1f
	movq	%r14, %rdi			/* wait4(child, &status, 0, NULL) */
	leaq	status(%rip), %rsi
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	movl	$__NR_wait4, %eax
	syscall
1:	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

/* The child: what it inherited, then its own bases across the yields. */
child:
	call	report_start
	movabsq	$FS_TAG, %rax
	orq	%r13, %rax
	wrfsbase %rax
	movabsq	$GS_TAG, %rax
	orq	%r13, %rax
	wrgsbase %rax
	call	yield_and_report
	xorl	%edi, %edi
	call	sys_exit

/*
 * %r13 := getpid(), %r15 := getppid() (0 for a boot task); then "fsbase: pid P starts with FS
 * base ... and GS base ...", with "child of PP" after P in a child.
 */
report_start:
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13
	movl	$__NR_getppid, %eax
	syscall
	movq	%rax, %r15
	leaq	msg_starts(%rip), %rsi
	movl	$msg_starts_len, %ecx
	jmp	report

/* sched_yield() YIELDS times, then "fsbase: pid P after YIELDS yields has FS base ... and GS base ...". */
yield_and_report:
	movl	$YIELDS, %r12d
1:	movl	$__NR_sched_yield, %eax
	syscall
	decl	%r12d
	jnz	1b
	leaq	msg_after(%rip), %rsi
	movl	$msg_after_len, %ecx
	jmp	report

/* report(%rsi, %rcx = the verb): one line on the bases this task finds loaded now. */
report:
	pushq	%rsi
	pushq	%rcx
	leaq	linebuf(%rip), %rdi
	leaq	msg_prefix(%rip), %rsi
	movl	$msg_prefix_len, %ecx
	rep movsb
	movq	%r13, %rax
	call	append_dec
	testq	%r15, %r15
	jz	1f
	leaq	msg_child(%rip), %rsi
	movl	$msg_child_len, %ecx
	rep movsb
	movq	%r15, %rax
	call	append_dec
1:	popq	%rcx
	popq	%rsi
	rep movsb
	leaq	msg_fs(%rip), %rsi
	movl	$msg_fs_len, %ecx
	rep movsb
	rdfsbase %rax
	movabsq	$FS_TAG, %rdx
	call	append_who
	leaq	msg_gs(%rip), %rsi
	movl	$msg_gs_len, %ecx
	rep movsb
	rdgsbase %rax
	movabsq	$GS_TAG, %rdx
	call	append_who
	movb	$ASCII_NEWLINE, (%rdi)
	incq	%rdi
	leaq	linebuf(%rip), %rsi
	movq	%rdi, %rdx
	subq	%rsi, %rdx
	jmp	write_out

/*
 * append_who(%rax = base, %rdx = its tag, %rdi = where): whose base it is, at %rdi, which ends
 * just past it. Clobbers %rax, %rcx, %rdx, %rsi, %r8.
 */
append_who:
	leaq	msg_zero(%rip), %rsi
	movl	$msg_zero_len, %ecx
	testq	%rax, %rax
	jz	2f
	movq	%rax, %r8
	xorq	%rdx, %r8			/* the pid, if it is a tag plus a pid */
	leaq	msg_other(%rip), %rsi
	movl	$msg_other_len, %ecx
	cmpq	$PID_MASK, %r8
	ja	2f
	leaq	msg_own(%rip), %rsi
	movl	$msg_own_len, %ecx
	cmpq	%r13, %r8
	je	2f
	leaq	msg_pid(%rip), %rsi
	movl	$msg_pid_len, %ecx
	rep movsb
	movq	%r8, %rax
	call	append_dec
	leaq	msg_s(%rip), %rsi
	movl	$msg_s_len, %ecx
2:	rep movsb
	ret

	.section .rodata, "a"
msg_prefix:
	.ascii	"fsbase: pid "
	.set	msg_prefix_len, . - msg_prefix
msg_child:
	.ascii	" child of "
	.set	msg_child_len, . - msg_child
msg_starts:
	.ascii	" starts with"
	.set	msg_starts_len, . - msg_starts
msg_after:
	.ascii	" after ", STR(YIELDS), " yields has"
	.set	msg_after_len, . - msg_after
msg_fs:
	.ascii	" FS base "
	.set	msg_fs_len, . - msg_fs
msg_gs:
	.ascii	" and GS base "
	.set	msg_gs_len, . - msg_gs
msg_zero:
	.ascii	"0"
	.set	msg_zero_len, . - msg_zero
msg_own:
	.ascii	"its own"
	.set	msg_own_len, . - msg_own
msg_pid:
	.ascii	"pid "
	.set	msg_pid_len, . - msg_pid
msg_s:
	.ascii	"'s"
	.set	msg_s_len, . - msg_s
msg_other:
	.ascii	"another value"
	.set	msg_other_len, . - msg_other

	.bss
status:	.skip	8
linebuf: .skip	LINE_MAX
