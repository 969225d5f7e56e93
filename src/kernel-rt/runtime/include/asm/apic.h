/*
 * asm/apic.h - the local APIC in x2APIC mode, through its MSRs (SDM vol. 3A,
 * 10.12.1.2: register at xAPIC offset X is MSR 0x800 + X/16): end of
 * interrupt, the timer, and inter-processor interrupts.
 */
#ifndef _ASM_X86_APIC_H
#define _ASM_X86_APIC_H

#include <linux/types.h>
#include <asm/irq_vectors.h>

#define APIC_BASE_MSR		0x800
#define APIC_EOI_MSR		0x80b	/* write 0: end of interrupt (SDM 10.8.5) */
#define APIC_SPIV_MSR		0x80f	/* spurious-interrupt vector register */
#define APIC_ICR_MSR		0x830	/* interrupt command register (SDM 10.12.9) */
#define APIC_LVTT_MSR		0x832	/* LVT timer */
#define APIC_TMICT_MSR		0x838	/* timer initial count */
#define APIC_TDCR_MSR		0x83e	/* timer divide configuration */

#define APIC_SPIV_APIC_ENABLED	(1 << 8)	/* software enable (SDM 10.4.7.2) */
#define APIC_LVT_TIMER_PERIODIC	(1 << 17)	/* timer mode 01: periodic (SDM 10.5.4) */
#define APIC_TDR_DIV_1		0xb		/* divide configuration 1011: by 1 */
#define APIC_DM_FIXED		0x000		/* ICR delivery mode: fixed */
#define APIC_DEST_SHIFT		32		/* x2APIC ICR: destination ID in bits 63:32 */

static inline void native_apic_msr_write(unsigned int msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

/* ack_APIC_irq: a nonzero write to the x2APIC EOI register is a #GP (SDM 10.12.1.2). */
static inline void apic_eoi(void)
{
	native_apic_msr_write(APIC_EOI_MSR, 0);
}

/* A fixed IPI to one CPU (its x2APIC ID is its number, as the boot builder sets it up). */
static inline void apic_send_IPI(int cpu, int vector)
{
	native_apic_msr_write(APIC_ICR_MSR, ((u64)cpu << APIC_DEST_SHIFT) | APIC_DM_FIXED | vector);
}

void setup_local_APIC(void);

#endif /* _ASM_X86_APIC_H */
