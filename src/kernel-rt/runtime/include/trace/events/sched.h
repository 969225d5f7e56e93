/*
 * trace/events/sched.h - the scheduler's tracepoints, named and placed as
 * Linux's: sched_switch (in schedule(), just before context_switch),
 * sched_wakeup (when wake_up_process makes a task runnable) and
 * sched_process_exit (in do_exit).
 *
 * Linux writes such events into the ftrace ring buffer; here each one
 * fills a small record on the stack and hands it to the VM's trace device
 * with one OUT, as a hypercall: EAX the record's type, DX the device's
 * port, RDI the record's address (docs/machine.md, "Devices", has the
 * byte layout). With tracing off the VM ignores the write, so a
 * tracepoint costs the stores and the OUT.
 */
#ifndef _TRACE_EVENTS_SCHED_H
#define _TRACE_EVENTS_SCHED_H

#include <linux/kernel.h>
#include <linux/sched.h>

#define TRACE_PORT		0xe0
#define TRACE_SCHED_SWITCH	1
#define TRACE_SCHED_WAKEUP	2
#define TRACE_SCHED_EXIT	3

/*
 * The records, in the device's layout: comm as TASK_COMM_LEN bytes, every
 * number 8 bytes. A comm is held as two 8-byte words, so that copying it
 * takes two moves rather than a byte-by-byte memcpy: a tracepoint sits on
 * the scheduler's path and should cost little.
 */
#define COMM_WORDS	(TASK_COMM_LEN / 8)

struct trace_sched_switch {
	unsigned long prev_comm[COMM_WORDS];
	long prev_pid;
	long prev_state;
	unsigned long next_comm[COMM_WORDS];
	long next_pid;
};

struct trace_sched_wakeup {
	unsigned long comm[COMM_WORDS];
	long pid;
	long target_cpu;
	long by_pid;
};

struct trace_sched_process_exit {
	unsigned long comm[COMM_WORDS];
	long pid;
};

/*
 * The tracepoints are macros, not static inline functions: handler-C does
 * not inline, and an event should name the function it happens in
 * (schedule, wake_up_process, do_exit), as Linux's inlined tracepoints do.
 * task_struct.comm is 8-byte aligned (it follows a long).
 */
#define trace_copy_comm(to, t)						\
	do {								\
		(to)[0] = ((unsigned long *)(t)->comm)[0];		\
		(to)[1] = ((unsigned long *)(t)->comm)[1];		\
	} while (0)

/* The record is complete before the OUT: the "memory" clobber keeps its stores above it. */
#define trace_device_write(type, rec)					\
	asm volatile("outl %0, %w1" : : "a"(type), "d"(TRACE_PORT), "D"(rec) : "memory")

/* prev leaves the CPU in its state (running: preempted or yielding), next runs. */
#define trace_sched_switch(prev, next)					\
	do {								\
		struct trace_sched_switch __rec;			\
		trace_copy_comm(__rec.prev_comm, prev);			\
		__rec.prev_pid = (prev)->pid;				\
		__rec.prev_state = (prev)->state;			\
		trace_copy_comm(__rec.next_comm, next);			\
		__rec.next_pid = (next)->pid;				\
		trace_device_write(TRACE_SCHED_SWITCH, &__rec);		\
	} while (0)

/* p is runnable again on its CPU; current is the waker (Linux: the event's common_pid). */
#define trace_sched_wakeup(p)						\
	do {								\
		struct trace_sched_wakeup __rec;			\
		trace_copy_comm(__rec.comm, p);				\
		__rec.pid = (p)->pid;					\
		__rec.target_cpu = (p)->cpu;				\
		__rec.by_pid = current->pid;				\
		trace_device_write(TRACE_SCHED_WAKEUP, &__rec);		\
	} while (0)

#define trace_sched_process_exit(p)					\
	do {								\
		struct trace_sched_process_exit __rec;			\
		trace_copy_comm(__rec.comm, p);				\
		__rec.pid = (p)->pid;					\
		trace_device_write(TRACE_SCHED_EXIT, &__rec);		\
	} while (0)

#endif /* _TRACE_EVENTS_SCHED_H */
