/* kernel/irqflags.h: cli/sti and reading RFLAGS (arch/x86/include/asm/irqflags.h). */
#ifndef _KERNEL_IRQFLAGS_H
#define _KERNEL_IRQFLAGS_H
#include "types.h"

#define X86_EFLAGS_IF 0x200

static __always_inline unsigned long native_save_fl(void)
{
	unsigned long flags;
	asm volatile("pushfq ; popq %0" : "=r"(flags) : : "memory");
	return flags;
}

static __always_inline void native_irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

static __always_inline void native_irq_enable(void)
{
	asm volatile("sti" : : : "memory");
}

#define arch_irqs_disabled() (!(native_save_fl() & X86_EFLAGS_IF))
#endif
