/* kernel/special_insns.h: control registers and swapgs (arch/x86/include/asm/special_insns.h). */
#ifndef _KERNEL_SPECIAL_INSNS_H
#define _KERNEL_SPECIAL_INSNS_H
#include "types.h"

static __always_inline unsigned long native_read_cr3(void)
{
	unsigned long val;
	asm volatile("mov %%cr3, %0" : "=r"(val) : : "memory");
	return val;
}

static __always_inline void native_write_cr3(unsigned long val)
{
	asm volatile("mov %0, %%cr3" : : "r"(val) : "memory");
}

static __always_inline unsigned long native_read_cr4(void)
{
	unsigned long val;
	asm volatile("mov %%cr4, %0" : "=r"(val) : : "memory");
	return val;
}

static __always_inline void native_swapgs(void)
{
	asm volatile("swapgs" : : : "memory");
}
#endif
