/*
 * linux/kernel.h - what every file of the model kernel's runtime uses:
 * printk (the flat64 C runtime's printer, linked into the kernel), the
 * compiler helpers, and the halt/exit primitives.
 */
#ifndef _LINUX_KERNEL_H
#define _LINUX_KERNEL_H

#include <linux/types.h>

#define __noreturn	__attribute__((noreturn))
#define likely(x)	__builtin_expect(!!(x), 1)
#define unlikely(x)	__builtin_expect(!!(x), 0)
#define READ_ONCE(x)	(*(volatile typeof(x) *)&(x))
#define WRITE_ONCE(x, v) do { *(volatile typeof(x) *)&(x) = (v); } while (0)
#define min(a, b)	((a) < (b) ? (a) : (b))

int printk(const char *fmt, ...);
int putchar(int c);
void *memset(void *s, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);

/* Port of QEMU's isa-debug-exit device: writing v ends the run with status (v << 1) | 1. */
#define DEBUG_EXIT_PORT		0xf4

__noreturn void machine_exit(int status);

#endif /* _LINUX_KERNEL_H */
