/*
 * linux/timer.h - timers in ticks (timer.c): a timer_list is armed on the
 * current CPU with an expiry in jiffies and a function; the CPU's tick runs
 * the function, interrupts off, once jiffies reaches the expiry.
 */
#ifndef _LINUX_TIMER_H
#define _LINUX_TIMER_H

#include <linux/list.h>

struct timer_list {
	struct list_head entry;		/* empty while not pending */
	unsigned long expires;		/* in jiffies */
	void (*function)(struct timer_list *);
};

/* schedule_timeout's "no timeout": sleep until woken (Linux's LONG_MAX). */
#define MAX_SCHEDULE_TIMEOUT	0x7fffffffffffffffL

void init_timers_cpu(void);
void add_timer(struct timer_list *timer);
int del_timer(struct timer_list *timer);
long schedule_timeout(long timeout);
long user_timespec_to_ticks(unsigned long uts);
/* Timers pending on all CPUs. */
long timers_pending(void);

#endif /* _LINUX_TIMER_H */
