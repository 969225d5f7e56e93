/*
 * asm/msr.h - RDMSR and WRMSR as inline functions, named as in Linux
 * (native_read_msr, native_write_msr). The MSR number goes in ECX and the
 * value is split across EDX:EAX (SDM vol. 2B, RDMSR/WRMSR); an MSR the CPU
 * does not have, or a non-canonical base written to MSR_FS_BASE or
 * MSR_KERNEL_GS_BASE, is a #GP(0).
 */
#ifndef _ASM_X86_MSR_H
#define _ASM_X86_MSR_H

#include <linux/types.h>
#include <asm/msr-index.h>

static inline u64 native_read_msr(unsigned int msr)
{
	u32 lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((u64)hi << 32) | lo;
}

static inline void native_write_msr(unsigned int msr, u64 v)
{
	asm volatile("wrmsr" : : "c"(msr), "a"((u32)v), "d"((u32)(v >> 32)) : "memory");
}

#endif /* _ASM_X86_MSR_H */
