/*
 * time.c - the tick: each CPU's local APIC timer, periodic, interrupting every
 * tick_period instructions (the VM's time is its instruction count; the boot
 * builder writes tick_period from the boot configuration, 0 = no timer).
 * CPU 0 advances jiffies; every CPU runs the scheduler's time-slice accounting
 * and its expired sleep timers. HZ is 1000: a tick stands for a millisecond.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <asm/apic.h>
#include <asm/idtentry.h>

/* Instructions per tick (boot parameter), and the ticks since boot. */
unsigned long tick_period;
volatile unsigned long jiffies;

/* The local APIC: software-enabled, and its timer ticking if the boot asked for one. */
void setup_local_APIC(void)
{
	native_apic_msr_write(APIC_SPIV_MSR, APIC_SPIV_APIC_ENABLED | SPURIOUS_APIC_VECTOR);
	if (tick_period == 0)
		return;
	native_apic_msr_write(APIC_TDCR_MSR, APIC_TDR_DIV_1);
	native_apic_msr_write(APIC_LVTT_MSR, APIC_LVT_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
	/* Writing the initial count starts the timer (SDM 10.5.4). */
	native_apic_msr_write(APIC_TMICT_MSR, tick_period);
}

DEFINE_IDTENTRY_SYSVEC(sysvec_apic_timer_interrupt)
{
	apic_eoi();
	if (smp_processor_id() == 0)
		jiffies++;
	scheduler_tick();
	run_local_timers();
}
