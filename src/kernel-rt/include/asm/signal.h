/*
 * asm/signal.h - the signal numbers and sa_flags of the x86-64 user ABI, as
 * Linux's uapi <asm/signal.h> has them: one copy for the model kernel
 * (<linux/signal.h> includes it) and for user programs in C or assembly
 * (programs/user). The constants read the same in both (<linux/const.h>).
 */
#ifndef _ASM_X86_SIGNAL_H
#define _ASM_X86_SIGNAL_H

#include <linux/const.h>

#define SIGHUP		1
#define SIGINT		2
#define SIGQUIT		3
#define SIGILL		4
#define SIGTRAP		5
#define SIGABRT		6
#define SIGBUS		7
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGPIPE		13
#define SIGALRM		14
#define SIGTERM		15
#define SIGSTKFLT	16
#define SIGCHLD		17
#define SIGCONT		18
#define SIGSTOP		19
#define SIGTSTP		20
#define SIGTTIN		21
#define SIGTTOU		22
#define SIGURG		23
#define SIGXCPU		24
#define SIGXFSZ		25
#define SIGVTALRM	26
#define SIGPROF		27
#define SIGWINCH	28
#define SIGIO		29
#define SIGPWR		30
#define SIGSYS		31
/* One past the last signal the model has: Linux's SIGRTMIN, where the real-time signals start. */
#define NSIG_STD	32

/* sa_flags (x86). */
#define SA_NOCLDSTOP	_UL(0x00000001)
#define SA_NOCLDWAIT	_UL(0x00000002)
#define SA_SIGINFO	_UL(0x00000004)
#define SA_RESTORER	_UL(0x04000000)
#define SA_ONSTACK	_UL(0x08000000)
#define SA_RESTART	_UL(0x10000000)
#define SA_NODEFER	_UL(0x40000000)
#define SA_RESETHAND	_UL(0x80000000)

#endif /* _ASM_X86_SIGNAL_H */
