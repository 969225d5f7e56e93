/*
 * exit.c - the end of a task, as Linux's kernel/exit.c: do_exit (the
 * sched_process_exit tracepoint, the address space unmapped, the parent
 * told), zombies and wait4 (61), and releasing a task's memory.
 *
 * A forked task that exits becomes a zombie (EXIT_ZOMBIE) holding its exit
 * status until its parent reaps it with wait4, which frees its PGD pair,
 * kernel stack and task page; the parent sleeps in wait4 on child_exit_wq,
 * a wait queue keyed by the parent (Linux has one per process,
 * signal->wait_chldexit). A parent that exits first leaves its children to
 * nobody (there is no init to reparent them to): an orphan's zombie is
 * released at once by the exiting parent, and an orphan that exits later
 * is released by its own CPU just after its last switch
 * (finish_task_switch), as if its parent ignored SIGCHLD. Boot tasks have
 * no parent and stay as they were built. No SIGCHLD is sent (its default
 * action is to ignore it), and wait4 fills no rusage.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/mm.h>
#include <linux/wait.h>
#include <linux/uaccess.h>
#include <asm/errno.h>
#include <asm/pgtable.h>
#include <asm/special_insns.h>
#include <trace/events/sched.h>

extern long nr_tasks_alive;
extern long exit_status;

/* wait4's options: only WNOHANG (<linux/wait.h> of the uapi); the rest is not modelled. */
#define WNOHANG			0x00000001

/* The low 7 bits of a wait status are the signal that killed the task, 0 for exit(). */
#define WAIT_STATUS_SIGNAL	0x7f
#define WAIT_STATUS_EXIT_SHIFT	8
#define WAIT_STATUS_EXIT_MASK	0xff

/* Parents sleeping in wait4, each keyed by its task_struct's address. */
struct wait_queue_head child_exit_wq = {
	.head = { &child_exit_wq.head, &child_exit_wq.head },
};

/* The exit code a wait status says: the signal that killed the task, or exit()'s code. */
static long exit_code_of(long status)
{
	if (status & WAIT_STATUS_SIGNAL)
		return status & WAIT_STATUS_SIGNAL;
	return (status >> WAIT_STATUS_EXIT_SHIFT) & WAIT_STATUS_EXIT_MASK;
}

/* Under tasklist_lock: take p off the task list (Linux's __unhash_process). */
static void unhash_process(struct task_struct *p)
{
	struct task_struct **link = &task_list;

	while (*link != NULL && *link != p)
		link = &(*link)->tasks_next;
	if (*link == p)
		*link = p->tasks_next;
	p->tasks_next = NULL;
}

/*
 * Free what fork gave p, once no CPU runs on its stack any more: its CPU clears on_cpu just
 * after switching away from it (smp_cond_load_acquire(&p->on_cpu, !VAL) in Linux's wake-up).
 * Its user half was unmapped at exit; the PGD pair goes now: no CPU has it loaded (do_exit
 * switched to init_mm), and no TLB entry of it can be used again, because its ctx_id is never
 * seen again and so its ASIDs are flushed before their next use.
 */
static void put_task(struct task_struct *p)
{
	while (READ_ONCE(p->on_cpu))
		cpu_relax();
	dequeue_task(p);
	trace_sched_process_free(p);
	pgd_free(p->mm->pgd);
	free_pages((unsigned long)p->stack, THREAD_SIZE_ORDER);
	free_page((unsigned long)p);
}

void release_task(struct task_struct *p)
{
	raw_spin_lock(&tasklist_lock);
	unhash_process(p);
	raw_spin_unlock(&tasklist_lock);
	put_task(p);
}

/*
 * Under tasklist_lock: tsk's children lose their parent (forget_original_parent); those that are
 * zombies already are taken off the task list onto *reap, linked by tasks_next, for tsk to
 * release once the lock is dropped.
 */
static void forget_original_parent(struct task_struct *tsk, struct task_struct **reap)
{
	struct task_struct **link = &task_list;

	while (*link != NULL) {
		struct task_struct *p = *link;

		if (p->real_parent != tsk) {
			link = &p->tasks_next;
			continue;
		}
		p->real_parent = NULL;
		if (p->exit_state != EXIT_ZOMBIE) {
			link = &p->tasks_next;
			continue;
		}
		p->exit_state = EXIT_DEAD;
		*link = p->tasks_next;
		p->tasks_next = *reap;
		*reap = p;
	}
}

/*
 * exit_notify: with a parent, become a zombie and wake it (under the lock, so the parent cannot
 * be released meanwhile); without one, be released after the last switch. Orphaned zombies
 * of tsk's are released here.
 */
static void exit_notify(struct task_struct *tsk)
{
	struct task_struct *reap = NULL;

	raw_spin_lock(&tasklist_lock);
	forget_original_parent(tsk, &reap);
	if (tsk->real_parent) {
		tsk->exit_state = EXIT_ZOMBIE;
		__wake_up_key(&child_exit_wq, 0, (unsigned long)tsk->real_parent);
	} else {
		tsk->exit_state = EXIT_DEAD;
	}
	raw_spin_unlock(&tasklist_lock);
	while (reap != NULL) {
		struct task_struct *p = reap;
		reap = p->tasks_next;
		put_task(p);
	}
}

__noreturn void do_exit(long code)
{
	struct task_struct *tsk = current;

	trace_sched_process_exit(tsk);
	tsk->exit_code = code;
	tsk->state = TASK_DEAD;
	/* The run's status: the first boot task to fail (a child's status is its parent's). */
	if (!tsk->forked && exit_code_of(code) != 0 && exit_status == 0)
		exit_status = exit_code_of(code) & WAIT_STATUS_SIGNAL;
	if (atomic_long_dec_return(&nr_tasks_alive) == 0)
		machine_exit(exit_status);
	/* Its pages and tables go back to the pool (the last task's stay for a look). */
	exit_mmap(tsk->mm);
	/*
	 * A forked task's PGD pair is freed when it is released: leave it for init_mm now (Linux's
	 * leave_mm), or this CPU's idle task would keep it loaded (lazy TLB) after it is freed.
	 */
	if (tsk->forked)
		switch_mm_irqs_off(tsk->mm, &init_mm);
	exit_notify(tsk);
	schedule();
	/* A dead task is never picked again. */
	for (;;)
		native_halt();
}

/*
 * Under tasklist_lock: look at current's children that `pid` selects (-1: any). Returns a
 * zombie, taken off the task list, or NULL; *found says whether any child matched.
 */
static struct task_struct *find_zombie_child(long pid, int *found)
{
	struct task_struct *p;

	*found = 0;
	for_each_process(p) {
		if (p->real_parent != current || (pid != -1 && p->pid != pid))
			continue;
		*found = 1;
		if (p->exit_state == EXIT_ZOMBIE) {
			p->exit_state = EXIT_DEAD;
			unhash_process(p);
			return p;
		}
	}
	return NULL;
}

/*
 * Reap a zombie: its status to *stat_addr (as an int, the way Linux encodes it: exit code << 8,
 * or the signal that killed it), then its memory freed. Returns its pid, or -EFAULT when the
 * status cannot be written (the child is reaped all the same, as in Linux).
 */
static long wait_task_zombie(struct task_struct *p, unsigned long stat_addr)
{
	int status = (int)p->exit_code;
	long pid = p->pid;

	put_task(p);
	if (stat_addr && copy_to_user(stat_addr, &status, sizeof(status)) != 0)
		return -EFAULT;
	return pid;
}

/*
 * wait4(pid, stat_addr, options, rusage): pid -1 (any child) or a child's pid; 0 and below -1
 * (process groups) are -EINVAL here. Sleeps, TASK_INTERRUPTIBLE, until a selected child is a
 * zombie; -ECHILD when there is none to wait for, 0 with WNOHANG when none has exited yet,
 * -EINTR when a signal comes first (Linux's -ERESTARTSYS as a handler without SA_RESTART sees
 * it). The wait-queue entry is queued before the children are looked at, so an exit in
 * between wakes it.
 */
long __x64_sys_wait4(const struct pt_regs *regs)
{
	long pid = (long)regs->di;
	unsigned long stat_addr = regs->si, options = regs->dx;
	struct wait_queue_entry wait;
	struct task_struct *p;
	int found;
	long ret;

	if ((options & ~(unsigned long)WNOHANG) != 0 || pid == 0 || pid < -1)
		return -EINVAL;
	init_wait_entry(&wait);
	wait.key = (unsigned long)current;
	for (;;) {
		prepare_to_wait(&child_exit_wq, &wait, TASK_INTERRUPTIBLE);
		raw_spin_lock(&tasklist_lock);
		p = find_zombie_child(pid, &found);
		raw_spin_unlock(&tasklist_lock);
		if (p != NULL || !found || (options & WNOHANG) || signal_pending(current))
			break;
		schedule();
	}
	finish_wait(&child_exit_wq, &wait);
	if (p != NULL)
		ret = wait_task_zombie(p, stat_addr);
	else if (!found)
		ret = -ECHILD;
	else if (options & WNOHANG)
		ret = 0;
	else
		ret = -EINTR;
	return ret;
}
