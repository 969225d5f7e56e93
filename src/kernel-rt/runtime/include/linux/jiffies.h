/*
 * linux/jiffies.h - kernel time in ticks. jiffies counts the timer
 * interrupts of CPU 0 since boot (time.c); HZ ticks make a second, so with
 * HZ = 1000 a tick stands for a millisecond (TICK_NSEC nanoseconds), however
 * many instructions the boot's tick_period makes it.
 */
#ifndef _LINUX_JIFFIES_H
#define _LINUX_JIFFIES_H

#include <linux/types.h>

#define HZ			1000
#define NSEC_PER_SEC		1000000000L
#define TICK_NSEC		(NSEC_PER_SEC / HZ)

/* The longest timeout: far enough that jiffies never gets there, and time_after stays right. */
#define LONG_MAX_VALUE		0x7fffffffffffffffL
#define MAX_JIFFY_OFFSET	((LONG_MAX_VALUE >> 1) - 1)
#define MAX_SEC_IN_JIFFIES	(MAX_JIFFY_OFFSET / HZ)

extern volatile unsigned long jiffies;

/* a is at or after b, also across a wrap of the counter (the difference read as signed). */
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)

#endif /* _LINUX_JIFFIES_H */
