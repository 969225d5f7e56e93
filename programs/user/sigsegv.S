/*
 * sigsegv.S - a SIGSEGV handler that repairs the fault: it installs the
 * handler (SA_SIGINFO), writes to BAD_ADDRESS, and the handler - entered
 * with the signal, &siginfo and &ucontext, RSP 8 mod 16 as after a call -
 * prints the signal, si_code, si_addr, RSP mod 16 and whether the saved RIP
 * (ucontext's sigcontext) is the faulting instruction, then moves that RIP
 * past the instruction and returns through __restore_rt. rt_sigreturn
 * resumes after the write: the program says so and exits with 0.
 */
#include <asm/unistd_64.h>
#include <asm/signal.h>

#define BAD_ADDRESS	0x10
#define BAD_VALUE	0x5a
/* siginfo_t: si_signo at 0, si_code at 8, si_addr at 16 (<uapi/asm-generic/siginfo.h>). */
#define SI_SIGNO	0
#define SI_CODE		8
#define SI_ADDR		16
/* ucontext: uc_mcontext at 40; sigcontext's rip at 128 in it (<asm/sigcontext.h>). */
#define UC_RIP		(40 + 128)
#define STACK_ALIGN	16

/* say msg: write the string msg (msg_len bytes). */
.macro say msg
	leaq	\msg(%rip), %rsi
	movl	$\msg\()_len, %edx
	call	write_out
.endm

/* num reg: the register's value in decimal. */
.macro num reg
	movq	\reg, %rax
	call	print_dec
.endm

	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$SIGSEGV, %edi
	leaq	segv_handler(%rip), %rsi
	movl	$SA_SIGINFO, %edx
	call	sigaction
	say	msg_installed
fault_insn:
	movq	$BAD_VALUE, BAD_ADDRESS		/* #PF: not present, write, user */
fault_end:
	say	msg_after
	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

/* segv_handler(%edi = sig, %rsi = &info, %rdx = &uc): sigreturn restores every register. */
	.type	segv_handler, @function
segv_handler:
	movq	%rsp, %rbp
	andq	$(STACK_ALIGN - 1), %rbp	/* 8: as if called */
	movl	%edi, %r12d
	movq	%rsi, %r13
	movq	%rdx, %r14
	say	msg_signal
	num	%r12
	say	msg_code
	movslq	SI_CODE(%r13), %rax
	call	print_dec
	say	msg_addr
	num	SI_ADDR(%r13)
	say	msg_rsp
	num	%rbp
	leaq	fault_insn(%rip), %rax
	cmpq	%rax, UC_RIP(%r14)
	jne	1f
	say	msg_rip_ok
	jmp	2f
1:	say	msg_rip_bad
2:	addq	$(fault_end - fault_insn), UC_RIP(%r14)
	ret
	.size	segv_handler, . - segv_handler

	.section .rodata, "a"
msg_installed:
	.ascii	"sigsegv: handler installed, writing to a bad address\n"
	.set	msg_installed_len, . - msg_installed
msg_signal:
	.ascii	"sigsegv: handler: signal "
	.set	msg_signal_len, . - msg_signal
msg_code:
	.ascii	" code "
	.set	msg_code_len, . - msg_code
msg_addr:
	.ascii	" addr "
	.set	msg_addr_len, . - msg_addr
msg_rsp:
	.ascii	" rsp%16 "
	.set	msg_rsp_len, . - msg_rsp
msg_rip_ok:
	.ascii	", rip at the faulting instruction\n"
	.set	msg_rip_ok_len, . - msg_rip_ok
msg_rip_bad:
	.ascii	", rip elsewhere\n"
	.set	msg_rip_bad_len, . - msg_rip_bad
msg_after:
	.ascii	"sigsegv: went on after the handler\n"
	.set	msg_after_len, . - msg_after
