/*
 * signal.c - signals, as Linux's kernel/signal.c and arch/x86/kernel/signal.c
 * do them for one-thread processes: rt_sigaction (13), rt_sigprocmask (14),
 * rt_sigreturn (15), kill (62), tgkill (234); sending (pending mask, one
 * siginfo per signal, TIF_SIGPENDING, waking an interruptible sleeper);
 * force_sig_fault for the exceptions; and delivery on the way back to user
 * mode (arch_do_signal, from exit_to_user_mode_prepare): get_signal picks a
 * signal, the default action ends the task, a handler gets a struct
 * rt_sigframe on the user stack; each dequeued signal passes Linux's
 * signal_deliver tracepoint. rt_sigreturn reads it back; the registers
 * it restores may be anything, so the SYSRET checks of entry_SYSCALL_64
 * send the return through IRET.
 *
 * Not modelled: real-time signals and queues, sigaltstack, SA_RESTART and
 * the -ERESTART* codes (an interrupted wait returns -EINTR), stop and
 * continue, core dumps, FPU state in the frame.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <asm/errno.h>
#include <asm/ptrace.h>
#include <asm/segment.h>
#include <asm/processor-flags.h>
#include <trace/events/signal.h>

/* The x86-64 ABI's red zone: 128 bytes below RSP the interrupted code may use. */
#define REDZONE_SIZE		128
/* The handler is entered as if called: RSP + 8 aligned to 16 (psABI 3.2.2). */
#define SIGFRAME_ALIGN		16
#define CALL_RETURN_SIZE	8

/* Signals that cannot be caught, blocked or ignored. */
#define SIG_KERNEL_ONLY_MASK	(sigmask(SIGKILL) | sigmask(SIGSTOP))
/* Default action: ignore (Linux's SIG_KERNEL_IGNORE_MASK); stop signals too (no job control). */
#define SIG_KERNEL_IGNORE_MASK	(sigmask(SIGCONT) | sigmask(SIGCHLD) | sigmask(SIGWINCH) | \
				 sigmask(SIGURG) | sigmask(SIGSTOP) | sigmask(SIGTSTP) | \
				 sigmask(SIGTTIN) | sigmask(SIGTTOU))
/* Delivered before the others: the faults of the instruction that just ran (next_signal). */
#define SYNCHRONOUS_MASK	(sigmask(SIGSEGV) | sigmask(SIGBUS) | sigmask(SIGILL) | \
				 sigmask(SIGTRAP) | sigmask(SIGFPE) | sigmask(SIGSYS))
/* RFLAGS bits sigreturn takes from the frame (Linux's FIX_EFLAGS); IF and IOPL stay. */
#define FIX_EFLAGS	(X86_EFLAGS_AC | X86_EFLAGS_OF | X86_EFLAGS_DF | X86_EFLAGS_TF | \
			 X86_EFLAGS_SF | X86_EFLAGS_ZF | X86_EFLAGS_AF | X86_EFLAGS_PF | \
			 X86_EFLAGS_CF | X86_EFLAGS_RF)

static raw_spinlock_t *siglock(struct task_struct *t)
{
	return (raw_spinlock_t *)&t->signal.lock;
}

static int valid_signal(unsigned long sig)
{
	return sig >= 1 && sig < NSIG_STD;
}

/*
 * The task with this pid, boot task or forked. A released task's memory may be reused while the
 * caller holds the pointer: Linux keeps it alive by RCU; here only a zombie reaped at that very
 * moment could be affected (kill then finds it dead and returns -ESRCH).
 */
struct task_struct *find_task_by_pid(long pid)
{
	struct task_struct *p, *found = NULL;

	raw_spin_lock(&tasklist_lock);
	for_each_process(p)
		if (p->pid == pid) {
			found = p;
			break;
		}
	raw_spin_unlock(&tasklist_lock);
	return found;
}

int signal_pending(struct task_struct *t)
{
	return (READ_ONCE(t->flags) & _TIF_SIGPENDING) != 0;
}

int sig_handler_installed(struct task_struct *t, int sig)
{
	unsigned long h = t->signal.action[sig].sa_handler;

	return h != SIG_DFL && h != SIG_IGN;
}

/* TIF_SIGPENDING says whether a signal is pending and not blocked; under the lock. */
static void recalc_sigpending(struct task_struct *t)
{
	if (t->signal.pending & ~t->signal.blocked)
		set_tsk_thread_flag(t, _TIF_SIGPENDING);
	else
		clear_tsk_thread_flag(t, _TIF_SIGPENDING);
}

/*
 * signal_wake_up: the flag is set before the state is read, and a sleeper
 * sets its state before it tests the flag, so one of the two sees the other.
 */
static void signal_wake_up(struct task_struct *t)
{
	set_tsk_thread_flag(t, _TIF_SIGPENDING);
	if (READ_ONCE(t->state) == TASK_INTERRUPTIBLE)
		wake_up_process(t);
	else if (t != current)
		kick_process(t);
}

/* Would delivery throw the signal away? Not while blocked: the handler may change meanwhile. */
static int sig_ignored(struct task_struct *t, int sig)
{
	unsigned long h = t->signal.action[sig].sa_handler;

	if (t->signal.blocked & sigmask(sig))
		return 0;
	return h == SIG_IGN || (h == SIG_DFL && (SIG_KERNEL_IGNORE_MASK & sigmask(sig)));
}

/* Under the lock: make sig pending with its siginfo; a pending standard signal is not queued twice. */
static void __send_signal(int sig, struct kernel_siginfo *info, struct task_struct *t)
{
	if (sig_ignored(t, sig) || (t->signal.pending & sigmask(sig)))
		return;
	t->signal.pending |= sigmask(sig);
	t->signal.info[sig] = *info;
	if (!(t->signal.blocked & sigmask(sig)))
		signal_wake_up(t);
}

int send_sig_info(int sig, struct kernel_siginfo *info, struct task_struct *t)
{
	if (READ_ONCE(t->state) == TASK_DEAD)
		return -ESRCH;
	raw_spin_lock(siglock(t));
	__send_signal(sig, info, t);
	raw_spin_unlock(siglock(t));
	return 0;
}

/*
 * force_sig_info: a signal the task cannot refuse (its own fault). Blocked
 * or ignored, the handler goes back to SIG_DFL and the signal is unblocked,
 * so the default action - death - follows, as Linux's force_sig_info_to_task.
 */
static void force_sig_info(struct kernel_siginfo *info)
{
	struct task_struct *t = current;
	int sig = info->si_signo;
	struct k_sigaction *ka = &t->signal.action[sig];

	raw_spin_lock(siglock(t));
	if (ka->sa_handler == SIG_IGN || (t->signal.blocked & sigmask(sig))) {
		ka->sa_handler = SIG_DFL;
		t->signal.blocked &= ~sigmask(sig);
	}
	__send_signal(sig, info, t);
	recalc_sigpending(t);
	raw_spin_unlock(siglock(t));
}

void force_sig_fault(int sig, int code, unsigned long addr)
{
	struct kernel_siginfo info = { 0 };

	info.si_signo = sig;
	info.si_code = code;
	info.si_addr = addr;
	force_sig_info(&info);
}

void force_sig(int sig)
{
	force_sig_fault(sig, SI_KERNEL, 0);
}

/* A signal frame could not be built or read: SIGSEGV, with SIG_DFL if that is what failed. */
static void force_sigsegv(int sig)
{
	if (sig == SIGSEGV)
		current->signal.action[SIGSEGV].sa_handler = SIG_DFL;
	force_sig(SIGSEGV);
}

/* The signal to deliver first: the synchronous ones, then the lowest number (next_signal). */
static int next_signal(sigset_t set)
{
	sigset_t sync = set & SYNCHRONOUS_MASK;
	unsigned long bit;

	if (sync)
		set = sync;
	if (set == 0)
		return 0;
	/* BSF: the index of the lowest set bit (SDM vol. 2, BSF); signal n is bit n - 1. */
	asm("bsfq %1, %0" : "=r"(bit) : "r"(set));
	return bit + 1;
}

struct ksignal {
	int sig;
	struct k_sigaction ka;
	struct kernel_siginfo info;
};

/*
 * get_signal: dequeue the next unblocked signal. Ignored ones are dropped;
 * a default action that kills ends the task here (do_exit with the signal,
 * as the trap path always did); a handler is returned. 0: nothing to do.
 */
static int get_signal(struct ksignal *ksig)
{
	struct task_struct *t = current;

	for (;;) {
		int sig;

		raw_spin_lock(siglock(t));
		sig = next_signal(t->signal.pending & ~t->signal.blocked);
		if (sig == 0) {
			recalc_sigpending(t);
			raw_spin_unlock(siglock(t));
			return 0;
		}
		t->signal.pending &= ~sigmask(sig);
		recalc_sigpending(t);
		ksig->sig = sig;
		ksig->info = t->signal.info[sig];
		ksig->ka = t->signal.action[sig];
		if (sig_handler_installed(t, sig) && (ksig->ka.sa_flags & SA_RESETHAND))
			t->signal.action[sig].sa_handler = SIG_DFL;
		raw_spin_unlock(siglock(t));
		trace_signal_deliver(sig, &ksig->info, &ksig->ka);
		if (ksig->ka.sa_handler == SIG_IGN)
			continue;
		if (ksig->ka.sa_handler != SIG_DFL)
			return sig;
		if (SIG_KERNEL_IGNORE_MASK & sigmask(sig))
			continue;
		do_exit(sig);
	}
}

/* The interrupted registers into the frame's sigcontext (Linux's __unsafe_setup_sigcontext). */
static void setup_sigcontext(struct sigcontext *sc, struct pt_regs *regs, sigset_t oldmask)
{
	struct task_struct *t = current;

	sc->r8 = regs->r8;
	sc->r9 = regs->r9;
	sc->r10 = regs->r10;
	sc->r11 = regs->r11;
	sc->r12 = regs->r12;
	sc->r13 = regs->r13;
	sc->r14 = regs->r14;
	sc->r15 = regs->r15;
	sc->di = regs->di;
	sc->si = regs->si;
	sc->bp = regs->bp;
	sc->bx = regs->bx;
	sc->dx = regs->dx;
	sc->ax = regs->ax;
	sc->cx = regs->cx;
	sc->sp = regs->sp;
	sc->ip = regs->ip;
	sc->flags = regs->flags;
	sc->cs = regs->cs;
	sc->ss = regs->ss;
	sc->err = t->thread.error_code;
	sc->trapno = t->thread.trap_nr;
	sc->oldmask = oldmask;
	sc->cr2 = t->thread.cr2;
}

/* The user's siginfo_t from the kernel's record (copy_siginfo_to_user). */
static void setup_siginfo(struct siginfo *si, struct kernel_siginfo *info)
{
	si->si_signo = info->si_signo;
	si->si_errno = info->si_errno;
	si->si_code = info->si_code;
	if (info->si_code == SI_USER || info->si_code == SI_TKILL) {
		si->si_pid = info->si_pid;
		si->si_uid = 0;
	} else {
		si->si_addr = info->si_addr;
	}
}

/*
 * Zero a frame before it is filled: no stale kernel stack bytes may reach the
 * user through its padding. REP STOSQ rather than memset, whose byte loop in
 * handler-C costs some 50 instructions a byte.
 */
static void clear_words(void *p, unsigned long words)
{
	asm volatile("rep stosq" : "+D"(p), "+c"(words) : "a"(0UL) : "memory");
}

/*
 * setup_rt_frame: below the red zone, a struct rt_sigframe placed so that
 * RSP = &frame->pretcode is 8 mod 16 at the handler's first instruction, as
 * after a CALL. x86-64 has no vDSO stub to return through: without
 * SA_RESTORER the frame is not built (-EFAULT), as in Linux.
 */
static int setup_rt_frame(struct ksignal *ksig, struct pt_regs *regs, sigset_t oldmask)
{
	struct rt_sigframe frame;
	unsigned long sp = regs->sp - REDZONE_SIZE - sizeof(frame);

	sp = (sp & ~(unsigned long)(SIGFRAME_ALIGN - 1)) - CALL_RETURN_SIZE;
	if (!(ksig->ka.sa_flags & SA_RESTORER))
		return -EFAULT;
	clear_words(&frame, sizeof(frame) / sizeof(unsigned long));
	frame.pretcode = ksig->ka.sa_restorer;
	/* 64-bit code: sigreturn restores SS exactly (Linux's frame_uc_flags). */
	frame.uc.uc_flags = UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS;
	frame.uc.uc_stack.ss_flags = SS_DISABLE;
	setup_sigcontext(&frame.uc.uc_mcontext, regs, oldmask);
	frame.uc.uc_sigmask = oldmask;
	if (ksig->ka.sa_flags & SA_SIGINFO)
		setup_siginfo(&frame.info, &ksig->info);
	if (copy_to_user(sp, &frame, sizeof(frame)) != 0)
		return -EFAULT;
	regs->di = ksig->sig;
	regs->ax = 0;	/* for handlers declared without a prototype */
	regs->si = sp + __builtin_offsetof(struct rt_sigframe, info);
	regs->dx = sp + __builtin_offsetof(struct rt_sigframe, uc);
	regs->ip = ksig->ka.sa_handler;
	regs->sp = sp;
	/* The handler runs in 64-bit mode with the flat user data segment, whatever was loaded. */
	regs->cs = __USER_CS;
	regs->ss = __USER_DS;
	return 0;
}

/*
 * handle_signal: the frame, then the handler's mask: its sa_mask and, unless
 * SA_NODEFER, the signal itself. A frame that cannot be written is SIGSEGV.
 */
static void handle_signal(struct ksignal *ksig, struct pt_regs *regs)
{
	struct task_struct *t = current;
	sigset_t oldmask = t->signal.blocked;

	if (setup_rt_frame(ksig, regs, oldmask) != 0) {
		force_sigsegv(ksig->sig);
		return;
	}
	/* The handler starts with a clean direction flag and no single-step (Linux does the same). */
	regs->flags &= ~(X86_EFLAGS_DF | X86_EFLAGS_RF | X86_EFLAGS_TF);
	raw_spin_lock(siglock(t));
	t->signal.blocked |= ksig->ka.sa_mask;
	if (!(ksig->ka.sa_flags & SA_NODEFER))
		t->signal.blocked |= sigmask(ksig->sig);
	t->signal.blocked &= ~SIG_KERNEL_ONLY_MASK;
	recalc_sigpending(t);
	raw_spin_unlock(siglock(t));
}

/* From exit_to_user_mode_prepare when TIF_SIGPENDING is set: deliver one signal. */
void arch_do_signal(struct pt_regs *regs)
{
	struct ksignal ksig;

	if (get_signal(&ksig))
		handle_signal(&ksig, regs);
}

/* rt_sigaction(sig, act, oact, sigsetsize). */
long __x64_sys_rt_sigaction(const struct pt_regs *regs)
{
	struct task_struct *t = current;
	unsigned long sig = regs->di, act = regs->si, oact = regs->dx;
	struct k_sigaction new_ka, old_ka;

	if (regs->r10 != sizeof(sigset_t))
		return -EINVAL;
	if (!valid_signal(sig) || (act && (sigmask(sig) & SIG_KERNEL_ONLY_MASK)))
		return -EINVAL;
	if (act && copy_from_user(&new_ka, act, sizeof(new_ka)) != 0)
		return -EFAULT;
	raw_spin_lock(siglock(t));
	old_ka = t->signal.action[sig];
	if (act) {
		new_ka.sa_mask &= ~SIG_KERNEL_ONLY_MASK;
		t->signal.action[sig] = new_ka;
		/* POSIX: setting SIG_IGN (or an ignoring SIG_DFL) discards a pending instance. */
		if (sig_ignored(t, sig) || new_ka.sa_handler == SIG_IGN) {
			t->signal.pending &= ~sigmask(sig);
			recalc_sigpending(t);
		}
	}
	raw_spin_unlock(siglock(t));
	if (oact && copy_to_user(oact, &old_ka, sizeof(old_ka)) != 0)
		return -EFAULT;
	return 0;
}

/* rt_sigprocmask(how, set, oset, sigsetsize): SIGKILL and SIGSTOP are never blocked. */
long __x64_sys_rt_sigprocmask(const struct pt_regs *regs)
{
	struct task_struct *t = current;
	unsigned long how = regs->di, nset = regs->si, oset = regs->dx;
	sigset_t set = 0, old = t->signal.blocked, blocked = old;

	if (regs->r10 != sizeof(sigset_t))
		return -EINVAL;
	if (nset) {
		if (copy_from_user(&set, nset, sizeof(set)) != 0)
			return -EFAULT;
		if (how == SIG_BLOCK)
			blocked |= set;
		else if (how == SIG_UNBLOCK)
			blocked &= ~set;
		else if (how == SIG_SETMASK)
			blocked = set;
		else
			return -EINVAL;
		raw_spin_lock(siglock(t));
		t->signal.blocked = blocked & ~SIG_KERNEL_ONLY_MASK;
		recalc_sigpending(t);
		raw_spin_unlock(siglock(t));
	}
	if (oset && copy_to_user(oset, &old, sizeof(old)) != 0)
		return -EFAULT;
	return 0;
}

/* The registers back from the frame's sigcontext (Linux's restore_sigcontext). */
static void restore_sigcontext(struct pt_regs *regs, struct sigcontext *sc, unsigned long uc_flags)
{
	regs->r8 = sc->r8;
	regs->r9 = sc->r9;
	regs->r10 = sc->r10;
	regs->r11 = sc->r11;
	regs->r12 = sc->r12;
	regs->r13 = sc->r13;
	regs->r14 = sc->r14;
	regs->r15 = sc->r15;
	regs->di = sc->di;
	regs->si = sc->si;
	regs->bp = sc->bp;
	regs->bx = sc->bx;
	regs->dx = sc->dx;
	regs->ax = sc->ax;
	regs->cx = sc->cx;
	regs->sp = sc->sp;
	regs->ip = sc->ip;
	/* Only the arithmetic and a few control flags come from the user: never IF or IOPL. */
	regs->flags = (regs->flags & ~FIX_EFLAGS) | (sc->flags & FIX_EFLAGS);
	/* User-mode selectors whatever the frame says: RPL 3 (SDM 5.5); IRET checks the rest. */
	regs->cs = sc->cs | USER_RPL;
	regs->ss = sc->ss | USER_RPL;
	/* Not strict (a frame from 32-bit code): a selector other than the flat one is replaced. */
	if (!(uc_flags & UC_STRICT_RESTORE_SS) && regs->ss != __USER_DS)
		regs->ss = __USER_DS;
	/* No system call to restart. */
	regs->orig_ax = -1;
}

/*
 * rt_sigreturn(): the handler returned to its restorer, so RSP is just past
 * pretcode. Its return value is the restored RAX, which do_syscall_64 puts
 * back where it came from. A frame it cannot read is SIGSEGV.
 */
long __x64_sys_rt_sigreturn(const struct pt_regs *cregs)
{
	struct pt_regs *regs = (struct pt_regs *)cregs;
	struct task_struct *t = current;
	struct rt_sigframe frame;
	unsigned long addr = regs->sp - CALL_RETURN_SIZE;

	if (copy_from_user(&frame, addr, sizeof(frame)) != 0) {
		force_sig(SIGSEGV);
		return 0;
	}
	raw_spin_lock(siglock(t));
	t->signal.blocked = frame.uc.uc_sigmask & ~SIG_KERNEL_ONLY_MASK;
	recalc_sigpending(t);
	raw_spin_unlock(siglock(t));
	restore_sigcontext(regs, &frame.uc.uc_mcontext, frame.uc.uc_flags);
	return regs->ax;
}

/* kill and tgkill: sig 0 only checks that the target exists. */
static long do_send_specific(long pid, unsigned long sig, int code)
{
	struct task_struct *t;
	struct kernel_siginfo info = { 0 };

	if (sig != 0 && !valid_signal(sig))
		return -EINVAL;
	t = find_task_by_pid(pid);
	if (t == NULL || READ_ONCE(t->state) == TASK_DEAD)
		return -ESRCH;
	if (sig == 0)
		return 0;
	info.si_signo = sig;
	info.si_code = code;
	info.si_pid = current->pid;
	return send_sig_info(sig, &info, t);
}

/* kill(pid, sig): one task only (no process groups: pid <= 0 is -EINVAL here). */
long __x64_sys_kill(const struct pt_regs *regs)
{
	long pid = regs->di;

	if (pid <= 0)
		return -EINVAL;
	return do_send_specific(pid, regs->si, SI_USER);
}

/* tgkill(tgid, tid, sig): every task is its own thread group, so tgid must be tid. */
long __x64_sys_tgkill(const struct pt_regs *regs)
{
	long tgid = regs->di, tid = regs->si;

	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	if (tgid != tid)
		return -ESRCH;
	return do_send_specific(tid, regs->dx, SI_TKILL);
}
