/*
 * asm/cpufeature.h - the kernel's view of the CPU's features: the boot
 * builder fills boot_cpu_data.x86_capability (the X86_FEATURE_* numbers of
 * <asm/cpufeatures.h>, word*32 + bit) with what this boot uses, PTI
 * included, exactly as it patches the ALTERNATIVE sites.
 */
#ifndef _ASM_X86_CPUFEATURE_H
#define _ASM_X86_CPUFEATURE_H

#include <linux/types.h>
#include <asm/cpufeatures.h>

struct cpuinfo_x86 {
	u32 x86_capability[NCAPINTS];
};

extern struct cpuinfo_x86 boot_cpu_data;

static inline int boot_cpu_has(int bit)
{
	return (boot_cpu_data.x86_capability[bit >> 5] >> (bit & 31)) & 1;
}

#endif /* _ASM_X86_CPUFEATURE_H */
