/*
 * fork.c - new tasks at run time, as Linux's kernel/fork.c and
 * arch/x86/kernel/process.c make them: fork (57), clone (56, with no flags
 * but the exit signal) and getppid (110).
 *
 * copy_process: a task_struct page (the task, and its mm after it, as the
 * boot builder lays them out), a 16 KiB kernel stack (order 2), a copy of
 * the parent's task (handlers and blocked mask; nothing pending), a new pid;
 * dup_mm: a PGD pair of its own (pgd_alloc: the kernel halves from init_mm)
 * and the parent's user half copied, range by range of what it maps, with
 * every private writable page made copy-on-write in both (copy_page_range), then the parent's TLB flushed, as
 * dup_mmap's flush_tlb_mm(oldmm): the parent's cached translations still
 * allow the writes the PTEs now refuse; copy_thread: the child's stack as
 * ret_from_fork wants it, a copy of the parent's pt_regs with ax = 0 under an
 * inactive_task_frame returning into ret_from_fork, and the parent's FS and
 * GS bases (current_save_fsgs). The child joins a CPU's
 * run queue (the least loaded, the parent's first) and is woken; its first
 * return to user mode goes through the normal exit path. Just before the
 * wake-up, the sched_process_fork tracepoint names the child in the trace.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <asm/errno.h>
#include <asm/pgtable.h>
#include <asm/signal.h>
#include <trace/events/sched.h>
#include <asm/fsgsbase.h>

DECLARE_PER_CPU(struct rq, runqueues);
extern long nr_tasks_alive;
extern char ret_from_fork[];

/* Every task, newest first (boot tasks linked by start_kernel), and its lock. */
struct task_struct *task_list;
raw_spinlock_t tasklist_lock;

/* The last pid handed out: boot tasks have 1..nr_boot_tasks; pids are never reused here. */
static long last_pid;

/* The mm lives in the task's page, after the task_struct (boot/tasks.ts lays it out alike). */
#define MM_STRUCT_ALIGN		64
#define MM_OFFSET_IN_TASK_PAGE	((sizeof(struct task_struct) + MM_STRUCT_ALIGN - 1) & \
				 ~(unsigned long)(MM_STRUCT_ALIGN - 1))

/* clone's flags: only the exit signal (CSIGNAL), as fork passes it; anything else is -EINVAL. */
#define CSIGNAL			0x000000ff

/* Copy n bytes, a multiple of 8, with one REP MOVSQ: handler-C's memcpy copies byte by byte. */
static void copy_qwords(void *to, const void *from, unsigned long n)
{
	unsigned long count = n / sizeof(unsigned long);

	asm volatile("rep movsq" : "+D"(to), "+S"(from), "+c"(count) : : "memory");
}

static long alloc_pid(void)
{
	long pid = 1;

	if (READ_ONCE(last_pid) == 0) {
		/* The first fork: start after the boot tasks (a second CPU's fork races to here too). */
		long zero = 0;
		asm volatile("lock cmpxchgq %2, %1"
			     : "+a"(zero), "+m"(last_pid)
			     : "r"((long)nr_boot_tasks)
			     : "memory", "cc");
	}
	asm volatile("lock xaddq %0, %1" : "+r"(pid), "+m"(last_pid) : : "memory");
	return pid + 1;
}

/*
 * The CPU a new task runs on (a task never leaves its CPU): the one with the fewest tasks on
 * its run queue, the parent's first on a tie (Linux's find_idlest_cpu, without loads).
 */
static long select_task_rq(void)
{
	long best = smp_processor_id(), cpu;
	unsigned long fewest = this_cpu_ptr(&runqueues)->nr_running;

	for (cpu = 0; cpu < (long)READ_ONCE(nr_cpu_ids); cpu++) {
		struct rq *rq;

		if (READ_ONCE(__per_cpu_offset[cpu]) == 0)
			continue;
		rq = per_cpu_ptr(&runqueues, cpu);
		if (READ_ONCE(rq->nr_running) < fewest) {
			fewest = READ_ONCE(rq->nr_running);
			best = cpu;
		}
	}
	return best;
}

/*
 * The child's kernel stack: a copy of the parent's user pt_regs at the top, with ax = 0 (fork
 * returns 0 in the child), and below it the frame __switch_to_asm pops, returning into
 * ret_from_fork, which leaves through swapgs_restore_regs_and_return_to_usermode.
 */
static void copy_thread(struct task_struct *p)
{
	struct pt_regs *childregs = task_pt_regs(p);
	struct inactive_task_frame *frame = (struct inactive_task_frame *)childregs - 1;

	copy_qwords(childregs, task_pt_regs(current), sizeof(struct pt_regs));
	childregs->ax = 0;
	/*
	 * The parent's FS and GS bases as user mode has them now (thread.* only holds what the
	 * last switch saved), as Linux's copy_thread: current_save_fsgs, then copy.
	 */
	current_save_fsgs();
	p->thread.fsbase = current->thread.fsbase;
	p->thread.gsbase = current->thread.gsbase;
	frame->r15 = 0;
	frame->r14 = 0;
	frame->r13 = 0;
	frame->r12 = 0;
	frame->bx = 0;
	frame->bp = 0;
	frame->ret_addr = (unsigned long)ret_from_fork;
	p->thread.sp = (unsigned long)frame;
}

/*
 * dup_mm: the child's address space. The parent's PTEs lose R/W in copy_page_range, so its TLB
 * may still hold writable translations (SDM 4.10.4.3 lets a less permissive change go without
 * a flush only at the price of spurious faults; a more permissive cached entry would let the
 * parent write the shared frame): flush them before it runs user code again. The mm runs on
 * this CPU only, so the local flush is flush_tlb_mm.
 */
static long dup_mm(struct task_struct *p, struct mm_struct *mm)
{
	long err;

	mm->pgd = pgd_alloc();
	if (mm->pgd == 0)
		return -ENOMEM;
	/* Unique and never reused, as Linux's last_mm_ctx_id; the boot numbers its mms alike. */
	mm->ctx_id = init_mm.ctx_id + p->pid;
	/* dup_mmap: the child maps what the parent maps (its ranges first, for exit_mmap too). */
	mm->map_count = current->mm->map_count;
	copy_qwords(mm->mmap, current->mm->mmap, sizeof(mm->mmap));
	err = copy_page_range(mm, current->mm);
	flush_tlb_local();
	if (err) {
		exit_mmap(mm);
		pgd_free(mm->pgd);
	}
	return err;
}

/* The parent's task, copied: handlers and mask inherited, nothing pending, a fresh everything else. */
static void dup_task_struct(struct task_struct *p, unsigned long stack, struct mm_struct *mm)
{
	copy_qwords(p, current, sizeof(struct task_struct));
	p->state = TASK_NEW;
	p->stack = (void *)stack;
	p->pid = alloc_pid();
	p->mm = mm;
	p->run_next = NULL;
	p->exit_code = 0;
	p->flags = 0;
	p->signal.lock = 0;
	p->signal.pending = 0;
	p->real_parent = current;
	p->exit_state = 0;
	p->on_cpu = 0;
	p->forked = 1;
	p->cpu = select_task_rq();
}

/* The per-task part copy_process gives back when fork fails half-way. */
static void free_task_struct(unsigned long page, unsigned long stack)
{
	free_pages(stack, THREAD_SIZE_ORDER);
	free_page(page);
}

static long copy_process(void)
{
	unsigned long page = get_zeroed_page();
	unsigned long stack = __get_free_pages(THREAD_SIZE_ORDER);
	struct task_struct *p = (struct task_struct *)page;
	struct mm_struct *mm = (struct mm_struct *)(page + MM_OFFSET_IN_TASK_PAGE);
	long pid;

	if (!page || !stack) {
		free_task_struct(page, stack);
		return -ENOMEM;
	}
	dup_task_struct(p, stack, mm);
	if (dup_mm(p, mm) != 0) {
		free_task_struct(page, stack);
		return -ENOMEM;
	}
	copy_thread(p);
	pid = p->pid;
	atomic_long_add(1, &nr_tasks_alive);
	raw_spin_lock(&tasklist_lock);
	p->tasks_next = task_list;
	task_list = p;
	raw_spin_unlock(&tasklist_lock);
	trace_sched_process_fork(current, p);
	wake_up_new_task(p);
	return pid;
}

/* fork(): the child's pid in the parent, 0 in the child; -ENOMEM when the pool runs out. */
long __x64_sys_fork(const struct pt_regs *regs)
{
	return copy_process();
}

/*
 * clone(flags, newsp, parent_tid, child_tid, tls) with flags SIGCHLD or 0 and no new stack is
 * fork; threads and the other CLONE_* flags are not modelled (-EINVAL).
 */
long __x64_sys_clone(const struct pt_regs *regs)
{
	if ((regs->di & ~(unsigned long)CSIGNAL) != 0 || regs->si != 0)
		return -EINVAL;
	return copy_process();
}

/* getppid(): the parent's pid; 0 for a boot task or an orphan (no init to reparent to). */
long __x64_sys_getppid(const struct pt_regs *regs)
{
	long ppid = 0;

	raw_spin_lock(&tasklist_lock);
	if (current->real_parent)
		ppid = current->real_parent->pid;
	raw_spin_unlock(&tasklist_lock);
	return ppid;
}
