/*
 * timer.c - timers in ticks, and nanosleep.
 *
 * Each CPU has a list of pending timers (struct timer_list); the tick
 * (sysvec_apic_timer_interrupt in time.c, interrupts off) calls
 * run_local_timers(), which runs and removes every timer of this CPU whose
 * expiry jiffies has reached. A timer is added on the CPU that runs the
 * task and only that CPU touches its list, always with interrupts off, so
 * the lists need no lock. schedule_timeout() sleeps on such a timer, as
 * Linux's does; nanosleep(req, rem) (syscall 35) sleeps ceil(ns / TICK_NSEC)
 * ticks, at least one: it wakes at the tick that brings jiffies to the
 * jiffies of the call plus that count.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/list.h>
#include <linux/jiffies.h>
#include <linux/timer.h>
#include <linux/uaccess.h>
#include <asm/errno.h>

DEFINE_PER_CPU(struct list_head, timer_base);
/* Timers pending on all CPUs: none, and no sleeper has a tick to wait for. */
static long nr_timers_pending;

long timers_pending(void)
{
	return READ_ONCE(nr_timers_pending);
}

/* This CPU's list starts empty; called as the CPU starts, before interrupts are enabled. */
void init_timers_cpu(void)
{
	INIT_LIST_HEAD(this_cpu_ptr(&timer_base));
}

void add_timer(struct timer_list *timer)
{
	atomic_long_add(1, &nr_timers_pending);
	list_add_tail(&timer->entry, this_cpu_ptr(&timer_base));
}

/* Take a timer off its list if it is still pending; 1 if it was. */
int del_timer(struct timer_list *timer)
{
	if (list_empty(&timer->entry))
		return 0;
	list_del_init(&timer->entry);
	atomic_long_add(-1, &nr_timers_pending);
	return 1;
}

void run_local_timers(void)
{
	struct list_head *head = this_cpu_ptr(&timer_base);
	struct list_head *pos, *next;
	unsigned long now = jiffies;

	for (pos = head->next; pos != head; pos = next) {
		struct timer_list *t = list_entry(pos, struct timer_list, entry);
		next = pos->next;
		if (!time_after_eq(now, t->expires))
			continue;
		list_del_init(&t->entry);
		t->function(t);
		atomic_long_add(-1, &nr_timers_pending);
	}
}

struct process_timer {
	struct timer_list timer;
	struct task_struct *task;
};

static void process_timeout(struct timer_list *t)
{
	wake_up_process(container_of(t, struct process_timer, timer)->task);
}

/*
 * Sleep until timeout ticks have passed or the task is woken otherwise; the
 * caller has set the sleeping state. Returns the ticks left (0 when the
 * timer expired); MAX_SCHEDULE_TIMEOUT sleeps without a timer.
 */
long schedule_timeout(long timeout)
{
	struct process_timer timer;
	unsigned long expire;
	long left;

	if (timeout == MAX_SCHEDULE_TIMEOUT) {
		schedule();
		return timeout;
	}
	expire = jiffies + timeout;
	timer.task = current;
	timer.timer.expires = expire;
	timer.timer.function = process_timeout;
	INIT_LIST_HEAD(&timer.timer.entry);
	add_timer(&timer.timer);
	schedule();
	del_timer(&timer.timer);
	left = (long)(expire - jiffies);
	return left < 0 ? 0 : left;
}

struct __kernel_timespec {
	long tv_sec;
	long tv_nsec;
};

/* A timespec names a time: seconds not negative, nanoseconds below a second. */
static int timespec64_valid(const struct __kernel_timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && ts->tv_nsec < NSEC_PER_SEC;
}

/* A time in ticks, rounded up, capped at the longest timeout. */
static long timespec_to_ticks(const struct __kernel_timespec *ts)
{
	if (ts->tv_sec >= MAX_SEC_IN_JIFFIES)
		return MAX_JIFFY_OFFSET;
	return ts->tv_sec * HZ + (ts->tv_nsec + TICK_NSEC - 1) / TICK_NSEC;
}

/*
 * A relative time from user memory (nanosleep's req, futex's timeout) in
 * ticks: -EFAULT if it cannot be read, -EINVAL if it is not a valid time.
 */
long user_timespec_to_ticks(unsigned long uts)
{
	struct __kernel_timespec ts;

	if (copy_from_user(&ts, uts, sizeof(ts)) != 0)
		return -EFAULT;
	if (!timespec64_valid(&ts))
		return -EINVAL;
	return timespec_to_ticks(&ts);
}

/* An interrupted sleep's rest, in rem when the caller gave one: -EINTR, or -EFAULT. */
static long nanosleep_interrupted(unsigned long rem, long left)
{
	struct __kernel_timespec ts;

	if (rem == 0)
		return -EINTR;
	ts.tv_sec = left / HZ;
	ts.tv_nsec = (left % HZ) * TICK_NSEC;
	return copy_to_user(rem, &ts, sizeof(ts)) != 0 ? -EFAULT : -EINTR;
}

/*
 * nanosleep(req, rem): -EFAULT if req cannot be read, -EINVAL if it is not
 * a valid time; else sleeps, at least one tick, and returns 0. A signal
 * ends the sleep early: the ticks left go to rem and the call returns
 * -EINTR (Linux's -ERESTART_RESTARTBLOCK as a handler sees it).
 */
long __x64_sys_nanosleep(const struct pt_regs *regs)
{
	long left = user_timespec_to_ticks(regs->di);

	if (left < 0)
		return left;
	if (left == 0)
		left = 1;
	while (left > 0) {
		set_current_state(TASK_INTERRUPTIBLE);
		/* Tested after the state is set: a sender sets the flag, then wakes a sleeper. */
		if (signal_pending(current))
			break;
		left = schedule_timeout(left);
	}
	__set_current_state(TASK_RUNNING);
	return left > 0 ? nanosleep_interrupted(regs->si, left) : 0;
}
