/*
 * sigusr.S - a signal wakes a sleeper. Two tasks: the odd pid installs a
 * SIGUSR1 handler, says it is ready (a word on the shared page) and sleeps
 * in FUTEX_WAIT on a word nobody changes; the even pid waits for the ready
 * word (yielding), sends SIGUSR1 to the other with kill() and exits. The
 * signal wakes the sleeper: the wait returns -EINTR (Linux's answer with a
 * handler without SA_RESTART), the handler runs first on the way out (it
 * prints the sender from si_pid), then the program prints the wait's result.
 * On one CPU the lines come in this order: sent, handler, wait returned -4.
 */
#include <asm/unistd_64.h>
#include <asm/signal.h>
#include <asm/entrylab-layout.h>

#define FUTEX_WAIT	0
/* The shared page: the ready word, then the word the sleeper waits on (always 0). */
#define READY_WORD	USER_SHARED_PAGE
#define SLEEP_WORD	(USER_SHARED_PAGE + 4)
/* siginfo_t: si_pid at 16 for kill (<uapi/asm-generic/siginfo.h>). */
#define SI_PID		16

.macro say msg
	leaq	\msg(%rip), %rsi
	movl	$\msg\()_len, %edx
	call	write_out
.endm

	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13			/* pid */
	testl	$1, %r13d
	jz	sender

sleeper:
	movl	$SIGUSR1, %edi
	leaq	usr1_handler(%rip), %rsi
	movl	$SA_SIGINFO, %edx
	call	sigaction
	movl	$1, READY_WORD
	movl	$__NR_futex, %eax
	movq	$SLEEP_WORD, %rdi
	movl	$FUTEX_WAIT, %esi
	xorl	%edx, %edx			/* sleep while the word is 0: for good */
	xorl	%r10d, %r10d
	syscall
	movq	%rax, %r12
	say	msg_returned
	negq	%r12				/* a negative errno: print its size */
	movq	%r12, %rax
	call	print_dec
	say	msg_nl
	xorl	%edi, %edi
	call	sys_exit

sender:
1:	cmpl	$1, READY_WORD
	je	2f
	movl	$__NR_sched_yield, %eax
	syscall
	jmp	1b
2:	leaq	-1(%r13), %rdi			/* the odd pid before mine */
	movl	$SIGUSR1, %esi
	call	kill
	say	msg_sent
	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

/* usr1_handler(%edi = sig, %rsi = &info, %rdx = &uc): who sent it. */
	.type	usr1_handler, @function
usr1_handler:
	movq	%rsi, %rbx
	say	msg_handler
	movslq	SI_PID(%rbx), %rax
	call	print_dec
	say	msg_nl
	ret
	.size	usr1_handler, . - usr1_handler

	.section .rodata, "a"
msg_sent:
	.ascii	"sigusr: sent SIGUSR1 to the sleeper\n"
	.set	msg_sent_len, . - msg_sent
msg_handler:
	.ascii	"sigusr: handler: SIGUSR1 from pid "
	.set	msg_handler_len, . - msg_handler
msg_returned:
	.ascii	"sigusr: futex wait returned -"
	.set	msg_returned_len, . - msg_returned
msg_nl:
	.ascii	"\n"
	.set	msg_nl_len, . - msg_nl
