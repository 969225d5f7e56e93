/*
 * entry-common.c - the work done between a handler and the return to user
 * mode (Linux's kernel/entry/common.c): on every return to user mode - after a
 * system call (syscall_exit_to_user_mode) or an interrupt or exception
 * (irqentry_exit) - a task whose need_resched flag is set gives up the CPU.
 * That is where the timer preempts a task that never enters the kernel by
 * itself: the tick sets the flag (scheduler_tick), the interrupt's return
 * path acts on it. A return to kernel mode does no such work: the model
 * kernel is not preemptible (no CONFIG_PREEMPT). A pending signal
 * (TIF_SIGPENDING) is delivered there too: arch_do_signal (signal.c).
 *
 * Runs on the task's kernel stack, on the kernel page table, interrupts off.
 */
#include <linux/kernel.h>
#include <linux/entry-common.h>
#include <linux/sched.h>
#include <linux/signal.h>
#include <asm/idtentry.h>
#include <asm/ptrace.h>

#define EXIT_TO_USER_MODE_WORK	(_TIF_NEED_RESCHED | _TIF_SIGPENDING)

/*
 * Before the return to user mode (Linux's exit_to_user_mode_loop): reschedule
 * and deliver signals until neither is asked for; each can bring the other.
 */
void exit_to_user_mode_prepare(struct pt_regs *regs)
{
	unsigned long ti_work = READ_ONCE(current->flags);

	while (ti_work & EXIT_TO_USER_MODE_WORK) {
		if (ti_work & _TIF_NEED_RESCHED)
			schedule();
		if (ti_work & _TIF_SIGPENDING)
			arch_do_signal(regs);
		ti_work = READ_ONCE(current->flags);
	}
}

void syscall_exit_to_user_mode(struct pt_regs *regs)
{
	exit_to_user_mode_prepare(regs);
}

irqentry_state_t irqentry_enter(struct pt_regs *regs)
{
	irqentry_state_t state = { 0 };

	return state;
}

void irqentry_exit(struct pt_regs *regs, irqentry_state_t state)
{
	if (user_mode(regs))
		exit_to_user_mode_prepare(regs);
}
