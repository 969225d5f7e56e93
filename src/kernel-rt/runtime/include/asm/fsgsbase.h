/*
 * asm/fsgsbase.h - the FS and GS base instructions as inline functions,
 * named as in Linux (rdfsbase, wrgsbase...), and the GS base of the other
 * side of SWAPGS. RD/WR{FS,GS}BASE need CR4.FSGSBASE, else #UD (SDM vol.
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

static inline unsigned long rdgsbase(void)
{
	unsigned long v;
	asm volatile("rdgsbase %0" : "=r"(v) : : "memory");
	return v;
}

/* SDM vol. 2B, WRFSBASE: a non-canonical base is a #GP(0). */
static inline void wrfsbase(unsigned long v)
{
	asm volatile("wrfsbase %0" : : "r"(v) : "memory");
}

static inline void wrgsbase(unsigned long v)
{
	asm volatile("wrgsbase %0" : : "r"(v) : "memory");
}

/* SDM vol. 2B, SWAPGS: exchanges the GS base with IA32_KERNEL_GS_BASE (CPL 0 only, else #GP). */
static inline void native_swapgs(void)
{
	asm volatile("swapgs" : : : "memory");
}

/*
 * The user's GS base while in the kernel: the inactive one, in MSR_KERNEL_GS_BASE after the
 * entry's SWAPGS. With FSGSBASE, SWAPGS; RDGSBASE; SWAPGS is cheaper than RDMSR on hardware
 * (Linux's __rdgsbase_inactive); the kernel runs with interrupts off, so no interrupt can come
 * in on the user's GS base between the two SWAPGS, and an NMI's paranoid_entry copes with any
 * GS base (SAVE_AND_SET_GSBASE).
 */
static inline unsigned long __rdgsbase_inactive(void)
{
	unsigned long v;

	native_swapgs();
	v = rdgsbase();
	native_swapgs();
	return v;
}

static inline void __wrgsbase_inactive(unsigned long v)
{
	native_swapgs();
	wrgsbase(v);
	native_swapgs();
}

/* Save the running task's FS and GS bases in its thread_struct (sched.c): fork copies them. */
void current_save_fsgs(void);

#endif /* _ASM_X86_FSGSBASE_H */
