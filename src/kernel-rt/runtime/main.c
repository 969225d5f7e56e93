/*
 * main.c - boot of the model kernel: the data the boot builder fills, the
 * per-CPU variables every CPU has, start_kernel (CPU 0), start_secondary
 * (the others) and the idle loop.
 *
 * The boot builder (src/kernel-rt/boot) enters every CPU at startup_64 on
 * its idle stack, with paging, the GDT/IDT/TSS, the MSRs and its GS base
 * already set, and the tasks already built (task_struct, kernel stack with
 * a ret_from_fork frame over the user pt_regs, mm with its PGD pair).
 * What is left to the kernel: the run queues, the idle tasks, and running.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/timer.h>
#include <asm/cpufeature.h>
#include <asm/special_insns.h>
#include <asm/tss.h>
#include <asm/apic.h>
#include <asm/entrylab-layout.h>

/* Per-CPU data; each CPU's copy is made and its fixed fields written by the boot builder. */
DEFINE_PER_CPU_PAGE_ALIGNED(struct tss_struct, cpu_tss_rw);
DEFINE_PER_CPU(struct tlb_state, cpu_tlbstate);
DEFINE_PER_CPU(struct task_struct *, current_task);
DEFINE_PER_CPU(unsigned long, this_cpu_off);
DEFINE_PER_CPU(unsigned long, cpu_number);
DEFINE_PER_CPU(struct rq, runqueues);

/* Boot data, written by the boot builder before the first instruction. */
struct cpuinfo_x86 boot_cpu_data;
struct mm_struct init_mm;
struct task_struct *boot_tasks[MAX_BOOT_TASKS];
unsigned long nr_boot_tasks;

/* One idle task per CPU (pid 0), on the CPU's boot stack. */
struct task_struct idle_tasks[NR_CPUS];

/* Tasks not yet exited, over all CPUs; the last exit ends the machine. */
long nr_tasks_alive;
/* The run's status: 0, or the first nonzero exit code (low 7 bits). */
long exit_status;
/* CPU 0 sets it when the shared data is ready; the others wait for it. */
volatile long smp_boot_released;

__noreturn void machine_exit(int status)
{
	outb(status, DEBUG_EXIT_PORT);
	for (;;)
		native_halt();
}

/* Link this CPU's boot tasks into its run queue and make its idle task current. */
void sched_init_cpu(int cpu)
{
	struct rq *rq = this_cpu_ptr(&runqueues);
	struct task_struct *idle = &idle_tasks[cpu];
	unsigned long i;

	idle->state = TASK_RUNNING;
	idle->pid = 0;
	idle->cpu = cpu;
	idle->stack = (void *)(current_stack_pointer() & ~(THREAD_SIZE - 1));
	memcpy(idle->comm, "swapper", 8);
	rq->idle = idle;
	rq->slice_left = SCHED_SLICE_TICKS;
	init_timers_cpu();
	for (i = 0; i < nr_boot_tasks; i++) {
		struct task_struct *t = boot_tasks[i];
		if (t->cpu != cpu)
			continue;
		t->run_next = NULL;
		if (rq->tail)
			rq->tail->run_next = t;
		else
			rq->head = t;
		rq->tail = t;
		rq->nr_running++;
	}
	this_cpu_write(current_task, idle);
	/* Online: fork may now put tasks on this CPU's run queue (per_cpu_ptr). */
	WRITE_ONCE(__per_cpu_offset[cpu], this_cpu_read(this_cpu_off));
}

/*
 * Wait for an interrupt, as Linux's default_idle: STI enables interrupts
 * only after the next instruction (SDM 6.8.3, the STI shadow), so an
 * interrupt already pending, a wake-up IPI say, is taken after HLT has
 * stopped the CPU and wakes it; none slips in between the test of
 * need_resched and the HLT. Interrupts are off again on the way out.
 */
static void default_idle(void)
{
	asm volatile("sti\n\thlt\n\tcli" : : : "memory");
}

/* CPUs started, and CPUs waiting in default_idle right now. */
static long nr_cpus_online;
static long nr_cpus_idle;
/* The hung-task report is made once a run. */
static long hung_reported;

/* The run's status when every task sleeps for good: (0x71 << 1) | 1 = 227 on the port. */
#define HUNG_TASK_EXIT	0x71

/* Under tasklist_lock: boot tasks and forked ones alike. */
static int every_task_asleep(void)
{
	struct task_struct *t;

	for_each_process(t)
		if (READ_ONCE(t->state) == TASK_RUNNING)
			return 0;
	return 1;
}

/*
 * Every CPU waits in default_idle, no task is runnable and no timer is
 * pending: only a running task could wake a sleeper, and none is left. Say
 * so, once, with the blocked tasks (Linux's hung-task detector reports them
 * too), and end the run as Linux does with hung_task_panic set: with the
 * tick going on, nothing else would ever end it. A wake-up sets its task
 * TASK_RUNNING before the waker's CPU can go idle, so a wake-up in flight is
 * never taken for this.
 */
static void check_hung_tasks(void)
{
	struct task_struct *t;
	long old = 1;
	int asleep;

	if (READ_ONCE(nr_cpus_idle) != READ_ONCE(nr_cpus_online) || READ_ONCE(nr_tasks_alive) == 0)
		return;
	if (timers_pending() != 0)
		return;
	raw_spin_lock(&tasklist_lock);
	asleep = every_task_asleep();
	raw_spin_unlock(&tasklist_lock);
	if (!asleep)
		return;
	asm volatile("xchgq %0, %1" : "+r"(old), "+m"(hung_reported) : : "memory");
	if (old != 0)
		return;
	printk("entrylab kernel: every task sleeps and nothing is left to wake one:\n");
	raw_spin_lock(&tasklist_lock);
	for_each_process(t)
		if (t->state != TASK_DEAD)
			printk("  pid %ld (%s) state %ld on CPU %ld\n", t->pid, t->comm, t->state, t->cpu);
	machine_exit(HUNG_TASK_EXIT);
}

/*
 * The idle loop: run this CPU's tasks; when none is runnable (they all
 * sleep, or are gone), wait for an interrupt until a wake-up sets the idle
 * task's need_resched, then look again. The machine exits in do_exit when
 * the last task of all CPUs exits.
 */
__noreturn void cpu_startup_entry(void)
{
	sched_init_cpu(smp_processor_id());
	setup_local_APIC();
	atomic_long_add(1, &nr_cpus_online);
	for (;;) {
		schedule();
		while (!need_resched()) {
			atomic_long_add(1, &nr_cpus_idle);
			check_hung_tasks();
			default_idle();
			atomic_long_add(-1, &nr_cpus_idle);
		}
	}
}

void futex_init(void);

/* The task list starts with the boot tasks, in their order (fork adds at the front). */
static void init_task_list(void)
{
	long i;

	for (i = (long)nr_boot_tasks - 1; i >= 0; i--) {
		boot_tasks[i]->tasks_next = task_list;
		task_list = boot_tasks[i];
	}
}

__noreturn void start_kernel(void)
{
	nr_tasks_alive = nr_boot_tasks;
	init_task_list();
	futex_init();
	if (nr_boot_tasks == 0)
		machine_exit(0);
	WRITE_ONCE(smp_boot_released, 1);
	cpu_startup_entry();
}

__noreturn void start_secondary(void)
{
	while (!READ_ONCE(smp_boot_released))
		cpu_relax();
	cpu_startup_entry();
}
