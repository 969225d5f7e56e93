/*
 * linux/signal.h - signals of the model kernel (runtime/signal.c): Linux's
 * numbers, sa_flags and x86-64 user ABI (struct sigaction as rt_sigaction
 * takes it, struct rt_sigframe with its ucontext, sigcontext and siginfo,
 * laid out as <asm/sigcontext.h> and <asm/ucontext.h> have them).
 *
 * Only the standard signals 1..31 exist: no real-time signals (and so no
 * queue of several instances of one signal); a second instance of a pending
 * signal is dropped, as Linux drops a pending legacy signal's.
 */
#ifndef _LINUX_SIGNAL_H
#define _LINUX_SIGNAL_H

#include <linux/kernel.h>

#include <asm/signal.h>

/* uc_stack.ss_flags: no alternate signal stack (the model has no sigaltstack). */
#define SS_DISABLE	2

/* rt_sigprocmask's how. */
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define SIG_SETMASK	2

/* Handler values that are not addresses. */
#define SIG_DFL		0UL
#define SIG_IGN		1UL

/* si_code values (<uapi/asm-generic/siginfo.h>). */
#define SI_USER		0
#define SI_KERNEL	0x80
#define SI_TKILL	(-6)
#define ILL_ILLOPN	2
#define FPE_INTDIV	1
#define SEGV_MAPERR	1
#define SEGV_ACCERR	2
#define BUS_ADRERR	2
#define TRAP_BRKPT	1

/* ucontext.uc_flags (<asm/ucontext.h>): the frame saved SS, and sigreturn must restore it as is. */
#define UC_SIGCONTEXT_SS	0x2UL
#define UC_STRICT_RESTORE_SS	0x4UL

/* Linux's kernel sigset_t is a one-word struct on x86-64; a word is enough here. */
typedef unsigned long sigset_t;

static inline unsigned long sigmask(int sig)
{
	return 1UL << (sig - 1);
}

/* struct sigaction as x86-64's rt_sigaction reads and writes it (32 bytes). */
struct k_sigaction {
	unsigned long sa_handler;
	unsigned long sa_flags;
	unsigned long sa_restorer;
	sigset_t sa_mask;
};

/* What the kernel keeps of a pending signal's siginfo: one per signal (no queue). */
struct kernel_siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	int si_pid;		/* kill, tgkill: the sender */
	unsigned long si_addr;	/* faults: the address */
};

/* The user's siginfo_t: 128 bytes, the union at offset 16. */
#define SI_MAX_SIZE	128
struct siginfo {
	int si_signo;
	int si_errno;
	int si_code;
	int __pad0;
	union {
		unsigned long si_addr;		/* SIGILL, SIGFPE, SIGSEGV, SIGBUS, SIGTRAP */
		struct {
			int si_pid;		/* kill */
			unsigned int si_uid;
		};
		char __pad[SI_MAX_SIZE - 16];
	};
};

/* <asm/sigcontext.h>, 64-bit: the registers as the handler sees and sigreturn restores them. */
struct sigcontext {
	unsigned long r8, r9, r10, r11, r12, r13, r14, r15;
	unsigned long di, si, bp, bx, dx, ax, cx, sp;
	unsigned long ip;
	unsigned long flags;
	unsigned short cs;
	unsigned short gs;
	unsigned short fs;
	unsigned short ss;
	unsigned long err;
	unsigned long trapno;
	unsigned long oldmask;
	unsigned long cr2;
	unsigned long fpstate;	/* no FPU state in the model: always 0 */
	unsigned long reserved1[8];
};

struct user_stack_t {
	unsigned long ss_sp;
	int ss_flags;
	unsigned long ss_size;
};

struct ucontext {
	unsigned long uc_flags;
	unsigned long uc_link;
	struct user_stack_t uc_stack;
	struct sigcontext uc_mcontext;
	sigset_t uc_sigmask;
};

/* What setup_rt_frame pushes on the user stack; the handler's return address is pretcode. */
struct rt_sigframe {
	unsigned long pretcode;
	struct ucontext uc;
	struct siginfo info;
};

struct task_struct;
struct pt_regs;

/* Per-task signal state (Linux: sighand_struct, signal_struct and the task's masks). */
struct task_signal {
	long lock;			/* a raw_spinlock_t: senders on other CPUs */
	sigset_t pending;
	sigset_t blocked;
	struct k_sigaction action[NSIG_STD];
	struct kernel_siginfo info[NSIG_STD];
};

int send_sig_info(int sig, struct kernel_siginfo *info, struct task_struct *t);
void force_sig_fault(int sig, int code, unsigned long addr);
void force_sig(int sig);
int signal_pending(struct task_struct *t);
int sig_handler_installed(struct task_struct *t, int sig);
void arch_do_signal(struct pt_regs *regs);

#endif /* _LINUX_SIGNAL_H */
