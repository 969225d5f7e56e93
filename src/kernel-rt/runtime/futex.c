/*
 * futex.c - futex(uaddr, op, val, ...) (syscall 202): FUTEX_WAIT and
 * FUTEX_WAKE, as Linux's, with FUTEX_PRIVATE_FLAG accepted.
 *
 * A futex is keyed by the physical address of its 32-bit word, so tasks in
 * different address spaces meet on the same word when they map the same
 * frame (USER_SHARED_PAGE); the private flag does not change the key here
 * (Linux keys private futexes by mm and address: the same meeting within one
 * mm). Waiters sleep on a wait queue (<linux/wait.h>), one of a small hash
 * table, with the key in their entry. FUTEX_WAIT compares the word with val
 * under the queue's lock and queues itself in the same critical section, so
 * a FUTEX_WAKE after the user's store to the word either finds the waiter
 * queued or the waiter sees the new value and returns -EAGAIN: no wake-up is
 * lost. The word is read through the direct map (no SMAP window, no fault:
 * the walk has found it mapped). A timed wait sleeps on a timer too
 * (schedule_timeout).
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/timer.h>
#include <asm/errno.h>
#include <asm/pgtable.h>

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

/* A power of two; the key's word index picks the queue. */
#define FUTEX_HASH_SIZE		16
#define FUTEX_WORD_SIZE		4

static struct wait_queue_head futex_queues[FUTEX_HASH_SIZE];

/* The queues start empty; done once, on CPU 0 before any task runs. */
void futex_init(void)
{
	int i;

	for (i = 0; i < FUTEX_HASH_SIZE; i++)
		init_waitqueue_head(&futex_queues[i]);
}

static struct wait_queue_head *hash_futex(unsigned long key)
{
	return &futex_queues[(key / FUTEX_WORD_SIZE) & (FUTEX_HASH_SIZE - 1)];
}

/*
 * The key of uaddr in the current task's address space, its physical
 * address: -EINVAL if the word is not a naturally aligned u32, -EFAULT if it
 * is not mapped.
 */
static long get_futex_key(unsigned long uaddr, unsigned long *key)
{
	if (uaddr % FUTEX_WORD_SIZE != 0)
		return -EINVAL;
	*key = user_virt_to_phys(current->mm, uaddr);
	return *key == 0 ? -EFAULT : 0;
}

/*
 * Sleep on the word while it holds val, until woken, interrupted by a signal
 * or timeout ticks have passed (MAX_SCHEDULE_TIMEOUT: no limit): 0 when
 * woken, -EAGAIN if the word held something else, -EINTR (Linux's
 * -ERESTARTSYS seen by a handler without SA_RESTART), -ETIMEDOUT.
 */
static long futex_wait(unsigned long uaddr, u32 val, long timeout)
{
	unsigned long key;
	struct wait_queue_head *wq;
	struct wait_queue_entry wait;
	long err = get_futex_key(uaddr, &key);
	int woken;

	if (err)
		return err;
	wq = hash_futex(key);
	init_wait_entry(&wait);
	wait.key = key;
	raw_spin_lock(&wq->lock);
	if (*(volatile u32 *)__va(key) != val) {
		raw_spin_unlock(&wq->lock);
		return -EAGAIN;
	}
	__prepare_to_wait(wq, &wait, TASK_INTERRUPTIBLE);
	raw_spin_unlock(&wq->lock);
	/* The waker takes the entry off before it wakes us; the state is set before each look. */
	while (!list_empty(&wait.entry) && timeout > 0 && !signal_pending(current)) {
		timeout = schedule_timeout(timeout);
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	/* Woken is off the queue, even when the timeout ran out as the waker came (as Linux). */
	raw_spin_lock(&wq->lock);
	woken = list_empty(&wait.entry);
	if (!woken)
		list_del_init(&wait.entry);
	raw_spin_unlock(&wq->lock);
	if (woken)
		return 0;
	return signal_pending(current) ? -EINTR : -ETIMEDOUT;
}

/* Wake up to nr_wake waiters of the word, oldest first; returns how many. */
static long futex_wake(unsigned long uaddr, int nr_wake)
{
	unsigned long key;
	long err = get_futex_key(uaddr, &key);

	if (err)
		return err;
	if (nr_wake <= 0)
		return 0;
	return __wake_up_key(hash_futex(key), nr_wake, key);
}

/*
 * futex(uaddr, op, val, timeout, uaddr2, val3), checked in Linux's order:
 * FUTEX_WAIT's timeout (NULL or a relative struct timespec, in ticks rounded
 * up; a zero one times out at once, once the word matched), then the op,
 * then the word. FUTEX_WAKE wakes up to val waiters in the order they came
 * and returns how many it woke.
 */
long __x64_sys_futex(const struct pt_regs *regs)
{
	unsigned long uaddr = regs->di, timeout = regs->r10;
	int op = (int)regs->si, cmd = op & FUTEX_CMD_MASK;
	u32 val = (u32)regs->dx;
	long ticks = MAX_SCHEDULE_TIMEOUT;

	if (cmd == FUTEX_WAIT && timeout != 0) {
		ticks = user_timespec_to_ticks(timeout);
		if (ticks < 0)
			return ticks;
	}
	/* Linux v5.10 takes CLOCK_REALTIME only for the bitset and requeue-PI waits. */
	if (op & FUTEX_CLOCK_REALTIME)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(uaddr, val, ticks);
	case FUTEX_WAKE:
		return futex_wake(uaddr, (int)val);
	default:
		return -ENOSYS;
	}
}
