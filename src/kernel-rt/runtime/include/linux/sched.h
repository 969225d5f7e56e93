/*
 * linux/sched.h - tasks and run queues of the model kernel.
 *
 * A task has a 16 KiB kernel stack (THREAD_SIZE, aligned to its size) whose
 * top holds the task's user pt_regs; thread.sp is the stack pointer
 * __switch_to_asm saved, pointing at a struct inactive_task_frame. Each CPU
 * has a run queue (a list of its tasks, round-robin) and an idle task (pid
 * 0) running on the CPU's boot stack. States follow Linux's numbers so that
 * sleeping (step 2: wait queues) fits: TASK_RUNNING tasks are picked,
 * everything else is skipped.
 */
#ifndef _LINUX_SCHED_H
#define _LINUX_SCHED_H

#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/percpu.h>
#include <asm/page_types.h>
#include <asm/ptrace.h>
#include <asm/tlbflush.h>
#include <linux/signal.h>
#include <linux/spinlock.h>

#define TASK_RUNNING		0x0000
#define TASK_INTERRUPTIBLE	0x0001
#define TASK_UNINTERRUPTIBLE	0x0002
#define TASK_DEAD		0x0080
/* A forked task not yet woken: on its run queue, never picked (wake_up_new_task). */
#define TASK_NEW		0x0800

/* task_struct.exit_state, Linux's: a zombie waits for wait4; a dead one is being released. */
#define EXIT_ZOMBIE		0x0010
#define EXIT_DEAD		0x0020

#define TASK_COMM_LEN		16

/* Thread flags (task_struct.flags), Linux's TIF_* bit numbers. */
#define TIF_NEED_RESCHED	3	/* schedule() before returning to user mode */
#define _TIF_NEED_RESCHED	(1UL << TIF_NEED_RESCHED)
#define TIF_SIGPENDING		2	/* a signal to deliver before returning to user mode */
#define _TIF_SIGPENDING		(1UL << TIF_SIGPENDING)

struct thread_struct {
	unsigned long sp;	/* saved by __switch_to_asm */
	unsigned long fsbase;
	unsigned long gsbase;
	/* The last exception's, for the signal frame's sigcontext (Linux's thread_struct too). */
	unsigned long trap_nr;
	unsigned long error_code;
	unsigned long cr2;
};

struct task_struct {
	long state;			/* offset 0 (TASK_state) */
	void *stack;			/* lowest address of the kernel stack (TASK_stack) */
	struct thread_struct thread;	/* TASK_threadsp */
	long pid;
	struct mm_struct *mm;		/* NULL for the idle task (it borrows the loaded mm) */
	struct task_struct *run_next;	/* next task on this CPU's run queue */
	long cpu;
	long exit_code;
	char comm[TASK_COMM_LEN];
	unsigned long flags;		/* TIF_* bits (Linux keeps them in thread_info) */
	struct task_signal signal;	/* handlers, pending and blocked signals (signal.c) */
	/* fork and exit (fork.c, exit.c) */
	struct task_struct *real_parent; /* NULL: a boot task, or orphaned (released at exit) */
	long exit_state;		/* 0, EXIT_ZOMBIE, EXIT_DEAD */
	long on_cpu;			/* its CPU may still run on its stack (finish_task_switch) */
	long forked;			/* PF_FORKNOEXEC: task, stack and mm came from the page pool */
	struct task_struct *tasks_next;	/* every task, newest first (for_each_process) */
};

/* What __switch_to_asm leaves on a switched-out task's stack, lowest address first. */
struct inactive_task_frame {
	unsigned long r15;
	unsigned long r14;
	unsigned long r13;
	unsigned long r12;
	unsigned long bx;
	unsigned long bp;
	unsigned long ret_addr;
};

struct rq {
	struct task_struct *head;
	struct task_struct *tail;
	struct task_struct *idle;
	unsigned long nr_running;
	unsigned long nr_switches;
	unsigned long slice_left;	/* ticks the current task may still run */
	raw_spinlock_t lock;		/* the list: fork adds to any CPU's, release takes away */
};

/* Round-robin time slice, in ticks: a task that runs a whole slice is preempted at its end. */
#define SCHED_SLICE_TICKS	1

DECLARE_PER_CPU(struct task_struct *, current_task);

static inline struct task_struct *get_current(void)
{
	return (struct task_struct *)this_cpu_read(current_task);
}
#define current get_current()

static inline unsigned long task_top_of_stack(struct task_struct *t)
{
	return (unsigned long)t->stack + THREAD_SIZE;
}

static inline struct pt_regs *task_pt_regs(struct task_struct *t)
{
	return (struct pt_regs *)task_top_of_stack(t) - 1;
}

/*
 * need_resched: another CPU (wake-up), the tick or this CPU sets it; the
 * exits to user mode and the idle loop test it. Set and cleared with a
 * locked read-modify-write, as Linux's set_bit, because a waker on another
 * CPU may set it while the owner clears it.
 */
static inline void set_tsk_need_resched(struct task_struct *t)
{
	asm volatile("lock orq %1, %0" : "+m"(t->flags) : "r"(_TIF_NEED_RESCHED) : "memory");
}

static inline void clear_tsk_need_resched(struct task_struct *t)
{
	asm volatile("lock andq %1, %0" : "+m"(t->flags) : "r"(~_TIF_NEED_RESCHED) : "memory");
}

static inline int test_tsk_need_resched(struct task_struct *t)
{
	return (READ_ONCE(t->flags) & _TIF_NEED_RESCHED) != 0;
}

static inline void set_tsk_thread_flag(struct task_struct *t, unsigned long mask)
{
	asm volatile("lock orq %1, %0" : "+m"(t->flags) : "r"(mask) : "memory");
}

static inline void clear_tsk_thread_flag(struct task_struct *t, unsigned long mask)
{
	asm volatile("lock andq %1, %0" : "+m"(t->flags) : "r"(~mask) : "memory");
}

static inline int need_resched(void)
{
	return test_tsk_need_resched(current);
}

/*
 * The sleeping state is set before the sleeper tests its condition (see
 * <linux/wait.h>); WRITE_ONCE keeps the store where it is written.
 */
#define __set_current_state(s)	WRITE_ONCE(current->state, (s))
#define set_current_state(s)	WRITE_ONCE(current->state, (s))

/* Filled by the boot builder: the tasks to run, each with its CPU, stack and mm. */
extern struct task_struct *boot_tasks[];
extern unsigned long nr_boot_tasks;

/*
 * Every task that has not been released, boot tasks and forked ones, newest first, linked by
 * tasks_next (Linux's init_task.tasks list); tasklist_lock guards it and the parent links.
 */
extern struct task_struct *task_list;
extern raw_spinlock_t tasklist_lock;
#define for_each_process(p)	for (p = task_list; p != NULL; p = p->tasks_next)

void schedule(void);
void scheduler_tick(void);
int wake_up_process(struct task_struct *p);
struct task_struct *find_task_by_pid(long pid);
void kick_process(struct task_struct *p);
void run_local_timers(void);
void sched_init_cpu(int cpu);
/* do_exit's code is the wait status: (exit code & 0xff) << 8, or the signal that killed it. */
__noreturn void do_exit(long code);
void wake_up_new_task(struct task_struct *p);
void finish_task_switch(struct task_struct *prev);
void dequeue_task(struct task_struct *p);
void release_task(struct task_struct *p);
__noreturn void cpu_startup_entry(void);
struct task_struct *__switch_to_asm(struct task_struct *prev, struct task_struct *next);

#endif /* _LINUX_SCHED_H */
