/*
 * trace/events/sched.h - the scheduler's tracepoints, named and placed as
 * Linux's: sched_switch (in schedule(), just before context_switch),
 * sched_wakeup (when wake_up_process makes a task runnable),
 * sched_process_exit (in do_exit), sched_process_fork (in copy_process,
 * once the child is complete, before it is woken) and sched_process_free
 * (when a reaped task's memory goes back to the allocator).
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
#include <asm/pgtable.h>

#define TRACE_PORT		0xe0
#define TRACE_SCHED_SWITCH	1
#define TRACE_SCHED_WAKEUP	2
#define TRACE_SCHED_EXIT	3
/* 4 is TRACE_SIGNAL_DELIVER (<trace/events/signal.h>). */
#define TRACE_SCHED_FORK	5
#define TRACE_SCHED_FREE	6

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
 * Linux's fields (parent and child comm and pid), then entrylab's: what a
 * trace reader needs to name the child's memory from this record on, as the
 * boot builder names the boot tasks' - its kernel stack (and so, under PTI
 * with per-task stacks, the PTI stack: that stack's top page) and its kernel
 * PGD's physical address (its address space: the user stack is per mm).
 */
struct trace_sched_process_fork {
	unsigned long parent_comm[COMM_WORDS];
	long parent_pid;
	unsigned long child_comm[COMM_WORDS];
	long child_pid;
	unsigned long stack;
	unsigned long stack_size;
	unsigned long pgd;
};

/* Linux's sched_process_free: p's stack and task are about to be freed. */
struct trace_sched_process_free {
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

/* parent made child (Linux emits it in kernel_clone, before wake_up_new_task: so here). */
#define trace_sched_process_fork(parent, child)				\
	do {								\
		struct trace_sched_process_fork __rec;			\
		trace_copy_comm(__rec.parent_comm, parent);		\
		__rec.parent_pid = (parent)->pid;			\
		trace_copy_comm(__rec.child_comm, child);		\
		__rec.child_pid = (child)->pid;				\
		__rec.stack = (unsigned long)(child)->stack;		\
		__rec.stack_size = THREAD_SIZE;				\
		__rec.pgd = __pa((child)->mm->pgd);			\
		trace_device_write(TRACE_SCHED_FORK, &__rec);		\
	} while (0)

/* p no longer runs anywhere and its stack goes back to the page allocator next. */
#define trace_sched_process_free(p)					\
	do {								\
		struct trace_sched_process_free __rec;			\
		trace_copy_comm(__rec.comm, p);				\
		__rec.pid = (p)->pid;					\
		trace_device_write(TRACE_SCHED_FREE, &__rec);		\
	} while (0)

#endif /* _TRACE_EVENTS_SCHED_H */
