/*
 * asm/special_insns.h - privileged instructions as inline functions, named
 * as in Linux (native_read_cr3, native_write_cr3, native_halt...). Each is
 * one instruction in an asm statement: no magic built-ins.
 */
#ifndef _ASM_X86_SPECIAL_INSNS_H
#define _ASM_X86_SPECIAL_INSNS_H

#include <linux/types.h>

static inline unsigned long native_read_cr3(void)
{
	unsigned long v;
	asm volatile("mov %%cr3, %0" : "=r"(v));
	return v;
}

/* SDM 4.10.4.1: with CR4.PCIDE, bit 63 set keeps the new PCID's TLB entries. */
static inline void native_write_cr3(unsigned long v)
{
	asm volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline unsigned long native_read_cr2(void)
{
	unsigned long v;
	asm volatile("mov %%cr2, %0" : "=r"(v));
	return v;
}

static inline void outb(u8 v, u16 port)
{
	asm volatile("outb %b0, %w1" : : "a"(v), "d"(port));
}

static inline void native_irq_disable(void)
{
	asm volatile("cli" : : : "memory");
}

static inline void native_halt(void)
{
	asm volatile("hlt" : : : "memory");
}

static inline void cpu_relax(void)
{
	asm volatile("pause" : : : "memory");
}

static inline unsigned long current_stack_pointer(void)
{
	unsigned long sp;
	asm volatile("mov %%rsp, %0" : "=r"(sp));
	return sp;
}

#endif /* _ASM_X86_SPECIAL_INSNS_H */
