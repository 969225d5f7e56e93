/*
 * linux/spinlock.h - the model kernel's spinlock: the kernel runs with
 * interrupts off, so a lock only has to keep other CPUs out (Linux's
 * raw_spin_lock with interrupts already disabled). Taken with XCHG, which is
 * locked by itself on a memory operand (SDM vol. 2, XCHG); waiters spin on a
 * plain read with PAUSE before they try again.
 */
#ifndef _LINUX_SPINLOCK_H
#define _LINUX_SPINLOCK_H

#include <linux/kernel.h>
#include <asm/special_insns.h>

typedef struct {
	long locked;
} raw_spinlock_t;

#define __RAW_SPIN_LOCK_UNLOCKED	{ 0 }

static inline void raw_spin_lock_init(raw_spinlock_t *lock)
{
	lock->locked = 0;
}

static inline void raw_spin_lock(raw_spinlock_t *lock)
{
	for (;;) {
		long old = 1;
		asm volatile("xchgq %0, %1" : "+r"(old), "+m"(lock->locked) : : "memory");
		if (old == 0)
			return;
		while (READ_ONCE(lock->locked))
			cpu_relax();
	}
}

static inline void raw_spin_unlock(raw_spinlock_t *lock)
{
	WRITE_ONCE(lock->locked, 0);
}

#endif /* _LINUX_SPINLOCK_H */
