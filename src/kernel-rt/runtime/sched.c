/*
 * sched.c - the scheduler: round-robin over this CPU's run queue, the
 * context switch (switch_mm_irqs_off for CR3 with PCID, __switch_to_asm for
 * the stack and callee-saved registers, __switch_to for the per-CPU state
 * that follows the task), and exit, with Linux's scheduler tracepoints
 * (<trace/events/sched.h>).
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/mm.h>
#include <asm/cpufeature.h>
#include <asm/special_insns.h>
#include <asm/processor-flags.h>
#include <asm/tss.h>
#include <asm/apic.h>
#include <asm/entrylab-layout.h>
#include <trace/events/sched.h>

DECLARE_PER_CPU(struct tss_struct, cpu_tss_rw);
DECLARE_PER_CPU(struct tlb_state, cpu_tlbstate);
DECLARE_PER_CPU(struct rq, runqueues);
extern struct task_struct idle_tasks[];
extern long nr_tasks_alive;
extern long exit_status;

/* The kernel PCID of an ASID: PCID 0 is left to code that runs without PCIDs. */
static inline unsigned long kern_pcid(unsigned long asid)
{
	return asid + 1;
}

/* CR3 for an mm: the physical address of its kernel PGD and, with PCIDs, its kernel PCID. */
static unsigned long build_cr3(struct mm_struct *mm)
{
	unsigned long cr3 = mm->pgd - __PAGE_OFFSET;
	if (boot_cpu_has(X86_FEATURE_PCID))
		cr3 |= kern_pcid(mm->asid);
	return cr3;
}

/*
 * The user PCID of this ASID must be flushed at the next return to user mode. The mask is
 * indexed by kernel PCID: SWITCH_TO_USER_CR3 tests the bit of CR3's low bits (PTI_ASID_MASK).
 */
static void invalidate_user_asid(struct tlb_state *ts, unsigned long asid)
{
	if (!boot_cpu_has(X86_FEATURE_PTI) || !boot_cpu_has(X86_FEATURE_PCID))
		return;
	ts->user_pcid_flush_mask |= 1 << kern_pcid(asid);
}

void switch_mm_irqs_off(struct mm_struct *prev, struct mm_struct *next)
{
	struct tlb_state *ts = this_cpu_ptr(&cpu_tlbstate);
	unsigned long asid, cr3;
	int need_flush;

	/* The idle task keeps whatever mm is loaded (lazy TLB). */
	if (next == NULL || ts->loaded_mm == next)
		return;
	asid = next->asid;
	need_flush = ts->ctxs[asid].ctx_id != next->ctx_id;
	ts->ctxs[asid].ctx_id = next->ctx_id;
	ts->loaded_mm = next;
	ts->loaded_mm_asid = asid;
	cr3 = build_cr3(next);
	if (need_flush)
		invalidate_user_asid(ts, asid);
	else if (boot_cpu_has(X86_FEATURE_PCID))
		cr3 |= X86_CR3_PCID_NOFLUSH;
	native_write_cr3(cr3);
}

/* Tell another CPU to look at its run queue again: the reschedule IPI (sysvec_reschedule_ipi). */
static void smp_send_reschedule(int cpu)
{
	apic_send_IPI(cpu, RESCHEDULE_VECTOR);
}

/* Called by __switch_to_asm on the next task's stack; returns prev for ret_from_fork. */
struct task_struct *__switch_to(struct task_struct *prev, struct task_struct *next)
{
	struct tss_struct *tss = this_cpu_ptr(&cpu_tss_rw);

	this_cpu_write(current_task, next);
	/* cpu_current_top_of_stack: where entry_SYSCALL_64 puts the next pt_regs. */
	tss->x86_tss.sp1 = task_top_of_stack(next);
	return prev;
}

/* The first thing a new task runs, from ret_from_fork. */
void schedule_tail(struct task_struct *prev)
{
}

static struct task_struct *pick_next_task(struct rq *rq, struct task_struct *prev)
{
	struct task_struct *t;
	unsigned long i;

	t = (prev == rq->idle || prev->run_next == NULL) ? rq->head : prev->run_next;
	for (i = 0; i < rq->nr_running; i++) {
		if (t->state == TASK_RUNNING)
			return t;
		t = t->run_next ? t->run_next : rq->head;
	}
	return rq->idle;
}

static void context_switch(struct task_struct *prev, struct task_struct *next)
{
	switch_mm_irqs_off(prev->mm, next->mm);
	__switch_to_asm(prev, next);
}

void schedule(void)
{
	struct rq *rq = this_cpu_ptr(&runqueues);
	struct task_struct *prev = current;
	struct task_struct *next;

	clear_tsk_need_resched(prev);
	next = pick_next_task(rq, prev);
	rq->slice_left = SCHED_SLICE_TICKS;
	if (next == prev)
		return;
	rq->nr_switches++;
	trace_sched_switch(prev, next);
	context_switch(prev, next);
}

/*
 * Make a sleeping task runnable. It stays on its own CPU's run queue, so
 * that CPU must look again: its idle task's need_resched is set (the idle
 * loop tests it before it halts), and a CPU other than this one is sent the
 * reschedule IPI, which ends its HLT and preempts a running task at its next
 * return to user mode. The state is written before the flag, and schedule()
 * clears the flag before it picks, so a pick that misses the new state sees
 * the flag afterwards: no wake-up is lost.
 */
int wake_up_process(struct task_struct *p)
{
	long state = READ_ONCE(p->state);
	int cpu = p->cpu;

	if (state == TASK_RUNNING || state == TASK_DEAD)
		return 0;
	WRITE_ONCE(p->state, TASK_RUNNING);
	trace_sched_wakeup(p);
	set_tsk_need_resched(&idle_tasks[cpu]);
	if (cpu != smp_processor_id())
		smp_send_reschedule(cpu);
	return 1;
}

/*
 * kick_process: p, running on another CPU, has new work for its return to
 * user mode (a signal): the reschedule IPI brings it into the kernel, whose
 * exit looks at its flags. On this CPU, or when p is not running, the next
 * return to user mode sees them anyway.
 */
void kick_process(struct task_struct *p)
{
	int cpu = p->cpu;

	if (cpu != smp_processor_id())
		smp_send_reschedule(cpu);
}

/*
 * The timer tick (sysvec_apic_timer_interrupt, interrupts off): charge the
 * running task one tick; at the end of its slice ask for a reschedule, which
 * the return to user mode (exit_to_user_mode_prepare) carries out.
 */
void scheduler_tick(void)
{
	struct rq *rq = this_cpu_ptr(&runqueues);
	struct task_struct *curr = current;

	if (curr == rq->idle)
		return;
	if (rq->slice_left > 1) {
		rq->slice_left--;
		return;
	}
	rq->slice_left = SCHED_SLICE_TICKS;
	set_tsk_need_resched(curr);
}

__noreturn void do_exit(long code)
{
	struct task_struct *tsk = current;

	trace_sched_process_exit(tsk);
	tsk->exit_code = code;
	tsk->state = TASK_DEAD;
	if (code != 0 && exit_status == 0)
		exit_status = code & 0x7f;
	if (atomic_long_dec_return(&nr_tasks_alive) == 0)
		machine_exit(exit_status);
	/* Its demand-zero pages and tables go back to the pool (the last task's stay for a look). */
	exit_mmap(tsk->mm);
	schedule();
	/* A dead task is never picked again. */
	for (;;)
		native_halt();
}
