/*
 * asm/fsgsbase.h - the FS base instructions as inline functions, named as
 * in Linux (rdfsbase, wrfsbase), and the GS base of the other side of
 * SWAPGS (__rdgsbase_inactive, __wrgsbase_inactive). RD/WR{FS,GS}BASE need CR4.FSGSBASE, else #UD (SDM vol.
 * 2B, RDFSBASE/WRFSBASE); the boot sets it only with X86_FEATURE_FSGSBASE,
 * so every caller tests the feature first.
 */
#ifndef _ASM_X86_FSGSBASE_H
#define _ASM_X86_FSGSBASE_H

#include <linux/types.h>

static inline unsigned long rdfsbase(void)
{
	unsigned long v;
	asm volatile("rdfsbase %0" : "=r"(v) : : "memory");
	return v;
}

/* SDM vol. 2B, WRFSBASE: a non-canonical base is a #GP(0). */
static inline void wrfsbase(unsigned long v)
{
	asm volatile("wrfsbase %0" : : "r"(v) : "memory");
}

/*
 * The user's GS base while in the kernel: the inactive one, in IA32_KERNEL_GS_BASE after the
 * entry's SWAPGS (SDM vol. 2B, SWAPGS: exchanges it with the GS base; CPL 0 only, else #GP(0)).
 * With FSGSBASE, SWAPGS; RDGSBASE; SWAPGS is cheaper than RDMSR on hardware (Linux's
 * __rdgsbase_inactive). One asm statement, so that nothing can run between the two SWAPGS on
 * the user's GS base: the kernel runs with interrupts off, and an NMI's paranoid_entry copes
 * with any GS base (SAVE_AND_SET_GSBASE).
 */
static inline unsigned long __rdgsbase_inactive(void)
{
	unsigned long v;
	asm volatile("swapgs\n\trdgsbase %0\n\tswapgs" : "=r"(v) : : "memory");
	return v;
}

/* SDM vol. 2B, WRGSBASE: a non-canonical base is a #GP(0). */
static inline void __wrgsbase_inactive(unsigned long v)
{
	asm volatile("swapgs\n\twrgsbase %0\n\tswapgs" : : "r"(v) : "memory");
}

/* Save the running task's FS and GS bases in its thread_struct (sched.c): fork copies them. */
void current_save_fsgs(void);

#endif /* _ASM_X86_FSGSBASE_H */
