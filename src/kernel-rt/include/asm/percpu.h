/*
 * asm/percpu.h - per-CPU variables.
 *
 * Every per-CPU variable lives once in the .data..percpu section of the
 * image; each CPU gets its own copy of that section, and the CPU's GS base
 * (MSR_GS_BASE while in the kernel, after SWAPGS) holds the offset from the
 * section's link address to that copy. So "this CPU's instance of var" is the
 * memory operand %gs:var, with no base register: the one instruction works on
 * every CPU.
 */
#ifndef _ASM_X86_PERCPU_H
#define _ASM_X86_PERCPU_H

#include <linux/const.h>

/* The segment register that points at the per-CPU area on x86-64. */
#define __percpu_seg		gs

/* The section per-CPU variables are defined in. */
#define PER_CPU_BASE_SECTION	.data..percpu

#ifdef __ASSEMBLY__

#ifdef CONFIG_SMP
/* This CPU's copy: the %gs: segment override with the variable as displacement. */
#define PER_CPU_VAR(var)	%gs:var
#else
/* One CPU only: the variable is an ordinary global. */
#define PER_CPU_VAR(var)	var
#endif

/*
 * DEFINE_PER_CPU_ASM name, size, align: a zero-initialised, global per-CPU
 * object of \size bytes, defined from assembly.
 */
.macro DEFINE_PER_CPU_ASM name:req, size:req, align=8
	.pushsection .data..percpu, "aw"
	.balign	\align
	.globl	\name
	.type	\name, @object
	.size	\name, \size
\name:
	.skip	\size
	.popsection
.endm

#else /* !__ASSEMBLY__ */

/* C side: declare and define per-CPU variables in the per-CPU section. */
#define DECLARE_PER_CPU(type, name)	extern type name
#define DEFINE_PER_CPU(type, name)	\
	__attribute__((section(".data..percpu"))) type name

/*
 * this_cpu_read_8 / this_cpu_write_8: load and store this CPU's instance of a
 * 64-bit per-CPU variable with one %gs:-relative mov, as the kernel's
 * this_cpu_read() does (so the access cannot be split by a migration).
 */
#define this_cpu_read_8(var) ({					\
	unsigned long __pcp_val;				\
	asm volatile("movq %%gs:%1, %0"				\
		     : "=r" (__pcp_val) : "m" (var));		\
	__pcp_val;						\
})

#define this_cpu_write_8(var, val) do {				\
	asm volatile("movq %1, %%gs:%0"				\
		     : "=m" (var) : "r" ((unsigned long)(val)));	\
} while (0)

#define this_cpu_read(var)		this_cpu_read_8(var)
#define this_cpu_write(var, val)	this_cpu_write_8(var, val)

#endif /* __ASSEMBLY__ */

#endif /* _ASM_X86_PERCPU_H */
