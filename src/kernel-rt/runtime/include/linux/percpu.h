/*
 * linux/percpu.h - per-CPU data in C. Variables live in .data..percpu,
 * linked at 0, so a symbol's address is its offset in every CPU's copy; the
 * CPU's GS base (and this_cpu_off) is the address of its copy. Scalars are
 * read and written with one %gs: access (this_cpu_read/write, from
 * <asm/percpu.h>); structures through this_cpu_ptr().
 */
#ifndef _LINUX_PERCPU_H
#define _LINUX_PERCPU_H

#include <asm/percpu.h>

#define DEFINE_PER_CPU_PAGE_ALIGNED(type, name) \
	__attribute__((section(".data..percpu..page_aligned"), aligned(4096))) type name

DECLARE_PER_CPU(unsigned long, this_cpu_off);
DECLARE_PER_CPU(unsigned long, cpu_number);

/* This CPU's copy of a per-CPU object: the link-time offset plus this CPU's base. */
#define this_cpu_ptr(ptr) \
	((typeof(ptr))((unsigned long)(ptr) + this_cpu_read(this_cpu_off)))

/*
 * Another CPU's copy (Linux's per_cpu_ptr): each CPU records its base in __per_cpu_offset[] as
 * it comes online (sched_init_cpu); 0 means not online yet.
 */
extern unsigned long __per_cpu_offset[];
/* The number of CPUs the machine has (sched.c). */
extern unsigned long nr_cpu_ids;
#define per_cpu_ptr(ptr, cpu) \
	((typeof(ptr))((unsigned long)(ptr) + __per_cpu_offset[cpu]))

#define smp_processor_id()	((int)this_cpu_read(cpu_number))

#endif /* _LINUX_PERCPU_H */
