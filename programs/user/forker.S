/*
 * forker.S - fork, copy-on-write and wait4 from user mode. The parent
 * writes a word into a heap page (a demand-zero page) and has one in its
 * data (cow_page, from the program image), then forks NCHILD children. Each
 * child checks getppid() and that it sees the parent's words, writes its
 * own index over both (two copy-on-write faults: P=1 W=1 U=1, error code
 * 0x7), reads them back and exits with EXIT_BASE + its index; the last one
 * kills itself with SIGTERM instead. The parent reaps them in order with
 * wait4(pid, &status, 0, NULL), checks each status as Linux encodes it
 * (code << 8, or the signal), that a further wait4(-1) says ECHILD, and that
 * its own words are unchanged, printing a line per child and a last one:
 *   forker: child 1 pid 2 exit 21 status 5376
 *   ...
 *   forker: child 4 pid 5 signal 15 status 15
 *   forker: 4 children reaped, the parent's pages unchanged
 * Children print nothing, so the output does not depend on the scheduling.
 * A failed check exits with a code of its own (see the FAIL_* values).
 */
#include <asm/unistd_64.h>
#include <asm/entrylab-layout.h>
#include <asm/signal.h>

#define NCHILD		4
#define EXIT_BASE	21
#define COW_MAGIC	0x636f772d70616765	/* "cow-page" */
#define HEAP_MAGIC	0x686561702d706167	/* "heap-pag" */
#define WAIT_EXIT_SHIFT	8
#define ECHILD		10
/* Exit codes of a failed check: in the parent (the run's status) or a child (its status). */
#define FAIL_FORK	2
#define FAIL_WAIT	3
#define FAIL_STATUS	4
#define FAIL_ECHILD	5
#define FAIL_PARENT	6
#define FAIL_PPID	7
#define FAIL_SAW	8
#define FAIL_READBACK	9

/* Both pages still hold what the parent wrote before forking (else jump to \fail); %rbx = heap. */
.macro CHECK_PAGES fail
	movabsq	$COW_MAGIC, %rax
	cmpq	%rax, cow_page(%rip)
	jne	\fail
	movabsq	$HEAP_MAGIC, %rax
	movabsq	$USER_HEAP_START, %rbx
	cmpq	%rax, (%rbx)
	jne	\fail
.endm

	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13			/* the parent's pid */
	movabsq	$HEAP_MAGIC, %rax
	movabsq	$USER_HEAP_START, %rbx
	movq	%rax, (%rbx)			/* a demand-zero page, before the fork */

	xorl	%r12d, %r12d			/* child index */
1:	movl	$__NR_fork, %eax
	syscall
	testq	%rax, %rax
	js	fail_fork
	jz	child
	leaq	pids(%rip), %rdx
	movq	%rax, (%rdx,%r12,8)
	incq	%r12
	cmpq	$NCHILD, %r12
	jb	1b

	xorl	%r12d, %r12d
2:	call	reap_one
	incq	%r12
	cmpq	$NCHILD, %r12
	jb	2b

	movq	$-1, %rdi			/* nobody left: ECHILD */
	xorl	%esi, %esi
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	movl	$__NR_wait4, %eax
	syscall
	cmpq	$-ECHILD, %rax
	jne	fail_echild

	CHECK_PAGES fail_parent
	leaq	msg_done(%rip), %rsi
	movl	$msg_done_len, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

/*
 * reap_one(%r12 = index): wait4(pids[index], &status, 0, NULL), which must
 * return that pid with the status the child was to leave; then its line.
 */
reap_one:
	leaq	pids(%rip), %rdx
	movq	(%rdx,%r12,8), %rdi
	movq	%rdi, %r14			/* its pid */
	leaq	status(%rip), %rsi
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	movl	$__NR_wait4, %eax
	syscall
	cmpq	%r14, %rax
	jne	fail_wait
	movl	status(%rip), %r15d		/* an int */
	cmpq	$NCHILD - 1, %r12
	je	3f
	leaq	EXIT_BASE(%r12), %rax
	shlq	$WAIT_EXIT_SHIFT, %rax
	cmpq	%rax, %r15
	jne	fail_status
	leaq	msg_exit(%rip), %rbx
	movl	$msg_exit_len, %ebp
	movq	%r15, %rax
	shrq	$WAIT_EXIT_SHIFT, %rax
	jmp	4f
3:	cmpq	$SIGTERM, %r15
	jne	fail_status
	leaq	msg_signal(%rip), %rbx
	movl	$msg_signal_len, %ebp
	movq	%r15, %rax
4:	pushq	%rax				/* the exit code or the signal */
	pushq	%rax				/* (keeps RSP 16-aligned at the calls) */
	leaq	msg_child(%rip), %rsi
	movl	$msg_child_len, %edx
	call	write_out
	leaq	1(%r12), %rax
	call	print_dec
	leaq	msg_pid(%rip), %rsi
	movl	$msg_pid_len, %edx
	call	write_out
	movq	%r14, %rax
	call	print_dec
	movq	%rbx, %rsi
	movq	%rbp, %rdx
	call	write_out
	popq	%rax
	popq	%rax
	call	print_dec
	leaq	msg_status(%rip), %rsi
	movl	$msg_status_len, %edx
	call	write_out
	movq	%r15, %rax
	call	print_dec
	leaq	msg_nl(%rip), %rsi
	movl	$1, %edx
	jmp	write_out

/* A child (%r12 = its index, %r13 = the parent's pid). */
child:
	movl	$__NR_getppid, %eax
	syscall
	cmpq	%r13, %rax
	jne	fail_ppid
	CHECK_PAGES fail_saw
	movq	%r12, cow_page(%rip)		/* copy-on-write faults, error code 0x7 */
	movq	%r12, (%rbx)
	cmpq	%r12, cow_page(%rip)
	jne	fail_readback
	cmpq	%r12, (%rbx)
	jne	fail_readback
	cmpq	$NCHILD - 1, %r12
	je	5f
	leaq	EXIT_BASE(%r12), %rdi
	call	sys_exit
5:	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %rdi
	movl	$SIGTERM, %esi
	call	kill
	ud2					/* SIGTERM's default action ends it first */

fail_fork:
	movl	$FAIL_FORK, %edi
	call	sys_exit
fail_wait:
	movl	$FAIL_WAIT, %edi
	call	sys_exit
fail_status:
	movl	$FAIL_STATUS, %edi
	call	sys_exit
fail_echild:
	movl	$FAIL_ECHILD, %edi
	call	sys_exit
fail_parent:
	movl	$FAIL_PARENT, %edi
	call	sys_exit
fail_ppid:
	movl	$FAIL_PPID, %edi
	call	sys_exit
fail_saw:
	movl	$FAIL_SAW, %edi
	call	sys_exit
fail_readback:
	movl	$FAIL_READBACK, %edi
	call	sys_exit

	.section .rodata, "a"
msg_child:	.ascii	"forker: child "
	.set	msg_child_len, . - msg_child
msg_pid:	.ascii	" pid "
	.set	msg_pid_len, . - msg_pid
msg_exit:	.ascii	" exit "
	.set	msg_exit_len, . - msg_exit
msg_signal:	.ascii	" signal "
	.set	msg_signal_len, . - msg_signal
msg_status:	.ascii	" status "
	.set	msg_status_len, . - msg_status
msg_nl:		.ascii	"\n"
msg_done:	.ascii	"forker: 4 children reaped, the parent's pages unchanged\n"
	.set	msg_done_len, . - msg_done

	.data
	.balign	4096
cow_page:	.quad	COW_MAGIC
	.balign	8
pids:		.skip	8 * NCHILD
status:		.long	0
