/*
 * linux/atomic.h - the few atomic operations the model kernel needs on a
 * long shared by the CPUs: a LOCK-prefixed read-modify-write is atomic on
 * every CPU (SDM vol. 3A, 8.1.2.2, locked instructions).
 */
#ifndef _LINUX_ATOMIC_H
#define _LINUX_ATOMIC_H

static inline void atomic_long_add(long n, long *v)
{
	asm volatile("lock addq %1, %0" : "+m"(*v) : "r"(n) : "memory");
}

/* Subtract one and return the new value (XADD returns the old one). */
static inline long atomic_long_dec_return(long *v)
{
	long old = -1;

	asm volatile("lock xaddq %0, %1" : "+r"(old), "+m"(*v) : : "memory");
	return old - 1;
}

#endif /* _LINUX_ATOMIC_H */
