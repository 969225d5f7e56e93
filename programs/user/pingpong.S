/*
 * pingpong.S - two tasks take turns through a futex word on the shared page
 * (USER_SHARED_PAGE, the same frame in every task). The word says whose turn
 * it is: 0 for the odd pid (ping), 1 for the even one (pong). ROUNDS times,
 * a task waits for its turn with FUTEX_WAIT (sleeping in the kernel while the
 * word still holds the other's turn), prints "pingpong: pid P round R", hands
 * the turn over and wakes the other with FUTEX_WAKE. The lines interleave
 * ping, pong, ping... whatever the CPUs and the timer do; then exit(0).
 */
#include <asm/unistd_64.h>
#include <asm/entrylab-layout.h>

#define ROUNDS		3
#define FUTEX_WAIT	0
#define FUTEX_WAKE	1
#define WAKE_ONE	1
#define TURN_WORD	USER_SHARED_PAGE

	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13			/* pid */
	leal	-1(%rax), %r14d
	andl	$1, %r14d			/* my turn value: 0 for pid 1, 1 for pid 2 */
	xorl	%r12d, %r12d			/* round */

	/* Wait until the word holds my turn; FUTEX_WAIT sleeps only while it holds the other's. */
1:	movl	TURN_WORD, %edx
	cmpl	%r14d, %edx
	je	2f
	movl	$__NR_futex, %eax
	movq	$TURN_WORD, %rdi
	movl	$FUTEX_WAIT, %esi
	xorl	%r10d, %r10d			/* no timeout */
	syscall					/* 0 when woken, -EAGAIN if the word changed */
	jmp	1b

2:	leaq	msg_pid(%rip), %rsi
	movl	$msg_pid_len, %edx
	call	print_round

	/* Hand the turn over, then wake the other task if it sleeps on the word. */
	movl	%r14d, %eax
	xorl	$1, %eax
	movl	%eax, TURN_WORD
	movl	$__NR_futex, %eax
	movq	$TURN_WORD, %rdi
	movl	$FUTEX_WAKE, %esi
	movl	$WAKE_ONE, %edx
	syscall

	incl	%r12d
	cmpl	$ROUNDS, %r12d
	jne	1b

	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

	.section .rodata, "a"
msg_pid:
	.ascii	"pingpong: pid "
	.set	msg_pid_len, . - msg_pid
