/* kernel/msr.h: rdmsr/wrmsr (arch/x86/include/asm/msr.h) and the MSR numbers used here. */
#ifndef _KERNEL_MSR_H
#define _KERNEL_MSR_H
#include "types.h"

#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102

static __always_inline u64 native_read_msr(u32 msr)
{
	u32 low, high;
	asm volatile("rdmsr" : "=a"(low), "=d"(high) : "c"(msr));
	return ((u64)high << 32) | low;
}

static __always_inline void native_write_msr(u32 msr, u32 low, u32 high)
{
	asm volatile("wrmsr" : : "c"(msr), "a"(low), "d"(high) : "memory");
}

#define rdmsrl(msr, val) ((val) = native_read_msr((msr)))
#define wrmsrl(msr, val) native_write_msr((msr), (u32)((u64)(val)), (u32)((u64)(val) >> 32))
#endif
