/*
 * sched.c - the scheduler: round-robin over this CPU's run queue, the
 * context switch (switch_mm_irqs_off for CR3 with PCID and the per-CPU
 * ASIDs, __switch_to_asm for the stack and callee-saved registers,
 * __switch_to for the per-CPU state that follows the task,
 * finish_task_switch for the task switched out), the local TLB flushes, and
 * new tasks joining a run queue, with Linux's scheduler tracepoints
 * (<trace/events/sched.h>). do_exit is in exit.c.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/mm.h>
#include <asm/cpufeature.h>
#include <asm/special_insns.h>
#include <asm/fsgsbase.h>
#include <asm/msr.h>
#include <asm/processor-flags.h>
#include <asm/tss.h>
#include <asm/apic.h>
#include <asm/entrylab-layout.h>
#include <trace/events/sched.h>

DECLARE_PER_CPU(struct tss_struct, cpu_tss_rw);
DECLARE_PER_CPU(struct tlb_state, cpu_tlbstate);
DECLARE_PER_CPU(struct rq, runqueues);
extern struct task_struct idle_tasks[];

/* Each CPU's per-CPU base, recorded as it comes online (per_cpu_ptr). */
unsigned long __per_cpu_offset[NR_CPUS];

/*
 * How many CPUs the machine has, 0..nr_cpu_ids - 1, written by the boot builder (Linux's
 * nr_cpu_ids, an unsigned int there): loops over CPUs stop there, not at NR_CPUS.
 */
unsigned long nr_cpu_ids;

/* The kernel PCID of an ASID: PCID 0 is left to code that runs without PCIDs. */
static inline unsigned long kern_pcid(unsigned long asid)
{
	return asid + 1;
}

/* CR3 for an mm: the physical address of its kernel PGD and, with PCIDs, its ASID's kernel PCID. */
static unsigned long build_cr3(struct mm_struct *mm, unsigned long asid)
{
	unsigned long cr3 = mm->pgd - __PAGE_OFFSET;
	if (boot_cpu_has(X86_FEATURE_PCID))
		cr3 |= kern_pcid(asid);
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

/*
 * choose_new_asid, as Linux's: an mm that still owns one of this CPU's ASIDs (its ctx_id is in
 * ctxs[]) gets it back, with its TLB entries; any other takes the next ASID round robin,
 * whoever had it, and must be flushed. next_asid starts at 0 (boot data), where Linux starts
 * at 1 to leave ASID 0 to init_mm a while: the first task here takes init_mm's ASID 0, with a
 * flush, and keeps the PCIDs 1 and 0x801 the boot-task traces always had.
 */
static unsigned long choose_new_asid(struct tlb_state *ts, struct mm_struct *next,
				     int *need_flush)
{
	unsigned long asid;

	if (!boot_cpu_has(X86_FEATURE_PCID)) {
		*need_flush = 1;
		return 0;
	}
	for (asid = 0; asid < TLB_NR_DYN_ASIDS; asid++) {
		if (ts->ctxs[asid].ctx_id != next->ctx_id)
			continue;
		*need_flush = 0;
		return asid;
	}
	asid = ts->next_asid;
	ts->next_asid = asid + 1 < TLB_NR_DYN_ASIDS ? asid + 1 : 0;
	*need_flush = 1;
	return asid;
}

void switch_mm_irqs_off(struct mm_struct *prev, struct mm_struct *next)
{
	struct tlb_state *ts = this_cpu_ptr(&cpu_tlbstate);
	unsigned long asid, cr3;
	int need_flush;

	/* The idle task keeps whatever mm is loaded (lazy TLB). */
	if (next == NULL || ts->loaded_mm == next)
		return;
	asid = choose_new_asid(ts, next, &need_flush);
	ts->ctxs[asid].ctx_id = next->ctx_id;
	ts->loaded_mm = next;
	ts->loaded_mm_asid = asid;
	cr3 = build_cr3(next, asid);
	if (need_flush)
		invalidate_user_asid(ts, asid);
	else if (boot_cpu_has(X86_FEATURE_PCID))
		cr3 |= X86_CR3_PCID_NOFLUSH;
	native_write_cr3(cr3);
}

/*
 * One user page of the loaded mm: INVLPG drops it from the kernel PCID (the current one); the
 * user PCID is flushed whole at the next return to user mode (Linux's __flush_tlb_one_user
 * without INVPCID_SINGLE).
 */
void flush_tlb_one_user(unsigned long addr)
{
	struct tlb_state *ts = this_cpu_ptr(&cpu_tlbstate);

	__invlpg(addr);
	invalidate_user_asid(ts, ts->loaded_mm_asid);
}

/*
 * Every non-global translation of the loaded mm (Linux's flush_tlb_local): a CR3 write without
 * the no-flush bit drops the current PCID's (SDM 4.10.4.1, MOV to CR3); the user PCID's go at
 * the next return to user mode.
 */
void flush_tlb_local(void)
{
	struct tlb_state *ts = this_cpu_ptr(&cpu_tlbstate);

	invalidate_user_asid(ts, ts->loaded_mm_asid);
	/* CR3 reads back without bit 63 (SDM 4.10.4.1): writing it back flushes. */
	native_write_cr3(native_read_cr3());
}

/* Tell another CPU to look at its run queue again: the reschedule IPI (sysvec_reschedule_ipi). */
static void smp_send_reschedule(int cpu)
{
	apic_send_IPI(cpu, RESCHEDULE_VECTOR);
}

/*
 * save_fsgs (Linux's name): keep the FS base and the user's GS base that the task leaves on this
 * CPU in its thread_struct, so that they follow the task and no other task inherits them. In the
 * kernel the user's GS base is the inactive one (MSR_KERNEL_GS_BASE, since the entry's SWAPGS).
 * With FSGSBASE user mode may change both at any time with WRFSBASE/WRGSBASE, so they are read
 * back (RDFSBASE, and __rdgsbase_inactive). Without it Linux tracks them through the selectors
 * and arch_prctl (save_base_legacy); the model has neither user segment selectors nor
 * arch_prctl, so it reads the two MSRs instead (SDM vol. 4, table 2-2: MSR_FS_BASE, IA32_KERNEL_GS_BASE).
 */
static void save_fsgs(struct task_struct *task)
{
	if (boot_cpu_has(X86_FEATURE_FSGSBASE)) {
		task->thread.fsbase = rdfsbase();
		task->thread.gsbase = __rdgsbase_inactive();
		return;
	}
	task->thread.fsbase = native_read_msr(MSR_FS_BASE);
	task->thread.gsbase = native_read_msr(MSR_KERNEL_GS_BASE);
}

/* Linux's current_save_fsgs, for fork (copy_thread): the kernel runs with interrupts off. */
void current_save_fsgs(void)
{
	save_fsgs(current);
}

/*
 * x86_fsgsbase_load (Linux's name): the next task's FS base, and its user GS base as the
 * inactive one, which the exit's SWAPGS makes active. With FSGSBASE, WRFSBASE and SWAPGS;
 * WRGSBASE; SWAPGS (__wrgsbase_inactive), always. Without it WRMSR, which is slow on hardware:
 * Linux's load_seg_legacy skips the write when both bases are 0; after save_fsgs the CPU holds
 * prev's bases, so any base equal to prev's needs no write (the model has no selectors to load).
 */
static void x86_fsgsbase_load(struct thread_struct *prev, struct thread_struct *next)
{
	if (boot_cpu_has(X86_FEATURE_FSGSBASE)) {
		wrfsbase(next->fsbase);
		__wrgsbase_inactive(next->gsbase);
		return;
	}
	if (next->fsbase != prev->fsbase)
		native_write_msr(MSR_FS_BASE, next->fsbase);
	if (next->gsbase != prev->gsbase)
		native_write_msr(MSR_KERNEL_GS_BASE, next->gsbase);
}

/*
 * Called by __switch_to_asm on the next task's stack; returns prev for ret_from_fork. As
 * Linux's: prev's FS/GS bases saved, next's loaded, then current_task and the stack top.
 */
struct task_struct *__switch_to(struct task_struct *prev, struct task_struct *next)
{
	struct tss_struct *tss = this_cpu_ptr(&cpu_tss_rw);

	save_fsgs(prev);
	x86_fsgsbase_load(&prev->thread, &next->thread);
	this_cpu_write(current_task, next);
	/* cpu_current_top_of_stack: where entry_SYSCALL_64 puts the next pt_regs. */
	tss->x86_tss.sp1 = task_top_of_stack(next);
	return prev;
}

/*
 * On the next task's stack, just after the switch (Linux's finish_task_switch): prev's CPU no
 * longer runs on prev's stack, so a zombie may now be reaped (wait4 waits for on_cpu to clear),
 * and a dead task nobody will reap (orphaned) is released here, by the CPU it ran on.
 */
void finish_task_switch(struct task_struct *prev)
{
	WRITE_ONCE(prev->on_cpu, 0);
	if (prev->forked && prev->state == TASK_DEAD && prev->exit_state == EXIT_DEAD)
		release_task(prev);
}

/* The first thing a new task runs, from ret_from_fork. */
void schedule_tail(struct task_struct *prev)
{
	finish_task_switch(prev);
}

/* Under rq->lock: fork adds tasks to any CPU's queue and release takes them away. */
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
	WRITE_ONCE(next->on_cpu, 1);
	/* Back here (or in ret_from_fork) on next's stack, with the task that was switched out. */
	prev = __switch_to_asm(prev, next);
	finish_task_switch(prev);
}

void schedule(void)
{
	struct rq *rq = this_cpu_ptr(&runqueues);
	struct task_struct *prev = current;
	struct task_struct *next;

	clear_tsk_need_resched(prev);
	raw_spin_lock(&rq->lock);
	next = pick_next_task(rq, prev);
	raw_spin_unlock(&rq->lock);
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

/*
 * A new task joins the tail of its CPU's run queue as TASK_NEW (never picked), then is woken as
 * any sleeper is: TASK_RUNNING, sched_wakeup, and that CPU told to look (Linux's
 * wake_up_new_task).
 */
void wake_up_new_task(struct task_struct *p)
{
	struct rq *rq = per_cpu_ptr(&runqueues, p->cpu);

	p->run_next = NULL;
	raw_spin_lock(&rq->lock);
	if (rq->tail)
		rq->tail->run_next = p;
	else
		rq->head = p;
	rq->tail = p;
	rq->nr_running++;
	raw_spin_unlock(&rq->lock);
	wake_up_process(p);
}

/* Take a released task off its CPU's run queue (it no longer runs: on_cpu is clear). */
void dequeue_task(struct task_struct *p)
{
	struct rq *rq = per_cpu_ptr(&runqueues, p->cpu);
	struct task_struct *prev = NULL, *t;

	raw_spin_lock(&rq->lock);
	for (t = rq->head; t != NULL && t != p; t = t->run_next)
		prev = t;
	if (t != NULL) {
		if (prev)
			prev->run_next = p->run_next;
		else
			rq->head = p->run_next;
		if (rq->tail == p)
			rq->tail = prev;
		rq->nr_running--;
	}
	raw_spin_unlock(&rq->lock);
}
