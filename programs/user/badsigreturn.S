/*
 * badsigreturn.S - a handler that breaks its own return: it installs a
 * SIGUSR1 handler, sends SIGUSR1 to itself, and the handler writes the
 * kernel data segment (0x18) as the saved SS of its ucontext. rt_sigreturn
 * forces the RPL to 3 (0x1b) and, SS being another than __USER_DS, the
 * system call leaves by IRET, whose SS checks refuse a DPL 0 segment at CPL 3:
 * #GP(0x18) in kernel mode at native_irq_return_iret. The bad-IRET path
 * (error_entry, fixup_bad_iret) makes it the task's fault, SIGSEGV, whose
 * default action ends the task with Linux's line. The last line of the
 * program never appears.
 */
#include <asm/unistd_64.h>
#include <asm/signal.h>

/* ucontext: uc_mcontext at 40; sigcontext's ss at 150 in it (<asm/sigcontext.h>). */
#define UC_SS		(40 + 150)
/* __KERNEL_DS: GDT entry 3, RPL 0. */
#define BAD_SS		0x18

.macro say msg
	leaq	\msg(%rip), %rsi
	movl	$\msg\()_len, %edx
	call	write_out
.endm

	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$SIGUSR1, %edi
	leaq	usr1_handler(%rip), %rsi
	movl	$SA_SIGINFO, %edx
	call	sigaction
	say	msg_sending
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %rdi
	movl	$SIGUSR1, %esi
	call	kill
	say	msg_after
	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

/* usr1_handler(%edi = sig, %rsi = &info, %rdx = &uc) */
	.type	usr1_handler, @function
usr1_handler:
	movq	%rdx, %rbx
	say	msg_handler
	movw	$BAD_SS, UC_SS(%rbx)
	ret
	.size	usr1_handler, . - usr1_handler

	.section .rodata, "a"
msg_sending:
	.ascii	"badsigreturn: sending SIGUSR1 to myself\n"
	.set	msg_sending_len, . - msg_sending
msg_handler:
	.ascii	"badsigreturn: handler: writing a bad SS into the ucontext\n"
	.set	msg_handler_len, . - msg_handler
msg_after:
	.ascii	"badsigreturn: survived the bad sigreturn\n"
	.set	msg_after_len, . - msg_after
