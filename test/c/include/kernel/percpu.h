/*
 * kernel/percpu.h: per-CPU variables addressed through %gs (arch/x86/include/asm/percpu.h).
 * A variable lives in .data..percpu; %gs's base is this CPU's offset from that template copy,
 * so `%gs:var` reads this CPU's copy.
 */
#ifndef _KERNEL_PERCPU_H
#define _KERNEL_PERCPU_H
#include "types.h"

#define DEFINE_PER_CPU(type, name) __attribute__((section(".data..percpu"))) type name

#define this_cpu_read(var) ({                                                   \
	typeof(var) __ret;                                                      \
	switch (sizeof(var)) {                                                  \
	case 1: asm volatile("movb %%gs:%1, %b0" : "=q"(__ret) : "m"(var)); break; \
	case 4: asm volatile("movl %%gs:%1, %k0" : "=r"(__ret) : "m"(var)); break; \
	default: asm volatile("movq %%gs:%1, %q0" : "=r"(__ret) : "m"(var)); break; \
	}                                                                       \
	__ret;                                                                  \
})

#define this_cpu_write(var, val) do {                                           \
	typeof(var) __val = (val);                                              \
	switch (sizeof(var)) {                                                  \
	case 1: asm volatile("movb %b1, %%gs:%0" : "+m"(var) : "q"(__val)); break; \
	case 4: asm volatile("movl %k1, %%gs:%0" : "+m"(var) : "r"(__val)); break; \
	default: asm volatile("movq %q1, %%gs:%0" : "+m"(var) : "r"(__val)); break; \
	}                                                                       \
} while (0)
#endif
