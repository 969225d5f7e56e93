/*
 * futex.c - futex(uaddr, op, val, ...) (syscall 202): FUTEX_WAIT and
 * FUTEX_WAKE, as Linux's, with FUTEX_PRIVATE_FLAG accepted.
 *
 * A futex is keyed by the physical address of its 32-bit word, so tasks in
 * different address spaces meet on the same word when they map the same
 * frame (USER_SHARED_PAGE); the private flag does not change the key here
 * (Linux keys private futexes by mm and address: the same meeting within one
 * mm). Waiters hang in a hash bucket, each with its own spinlock. FUTEX_WAIT
 * compares the word with val under the bucket's lock and queues itself in
 * the same critical section, so a FUTEX_WAKE after the user's store to the
 * word either finds the waiter queued or the waiter sees the new value and
 * returns -EAGAIN: no wake-up is lost. The word is read through the direct
 * map (no SMAP window, no fault: the walk has found it mapped).
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <asm/errno.h>
#include <asm/pgtable.h>

#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_CMD_MASK		(~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

/* A power of two; the key's word index picks the bucket. */
#define FUTEX_HASH_SIZE		16
#define FUTEX_WORD_SIZE		4

struct futex_q {
	struct list_head list;
	unsigned long key;		/* physical address of the word */
	struct task_struct *task;
	long woken;			/* set by the waker as it takes the entry off */
};

struct futex_hash_bucket {
	raw_spinlock_t lock;
	struct list_head chain;
};

static struct futex_hash_bucket futex_queues[FUTEX_HASH_SIZE];

/* Buckets start as empty lists; done once, on CPU 0 before any task runs. */
void futex_init(void)
{
	int i;

	for (i = 0; i < FUTEX_HASH_SIZE; i++) {
		raw_spin_lock_init(&futex_queues[i].lock);
		INIT_LIST_HEAD(&futex_queues[i].chain);
	}
}

static struct futex_hash_bucket *hash_futex(unsigned long key)
{
	return &futex_queues[(key / FUTEX_WORD_SIZE) & (FUTEX_HASH_SIZE - 1)];
}

/* The key of uaddr in the current task's address space: its physical address, or 0. */
static unsigned long get_futex_key(unsigned long uaddr)
{
	return user_virt_to_phys(current->mm, uaddr);
}

static long futex_wait(unsigned long uaddr, u32 val)
{
	unsigned long key = get_futex_key(uaddr);
	struct futex_hash_bucket *hb;
	struct futex_q q;

	if (key == 0)
		return -EFAULT;
	hb = hash_futex(key);
	q.key = key;
	q.task = current;
	q.woken = 0;
	raw_spin_lock(&hb->lock);
	if (*(volatile u32 *)__va(key) != val) {
		raw_spin_unlock(&hb->lock);
		return -EAGAIN;
	}
	list_add_tail(&q.list, &hb->chain);
	set_current_state(TASK_INTERRUPTIBLE);
	raw_spin_unlock(&hb->lock);
	/* The state is set before woken is tested: a wake after the test makes schedule() return. */
	while (!READ_ONCE(q.woken)) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static long futex_wake(unsigned long uaddr, int nr_wake)
{
	unsigned long key = get_futex_key(uaddr);
	struct futex_hash_bucket *hb;
	struct list_head *pos, *next;
	long woken = 0;

	if (key == 0)
		return -EFAULT;
	hb = hash_futex(key);
	raw_spin_lock(&hb->lock);
	for (pos = hb->chain.next; pos != &hb->chain && woken < nr_wake; pos = next) {
		struct futex_q *q = list_entry(pos, struct futex_q, list);
		next = pos->next;
		if (q->key != key)
			continue;
		list_del_init(&q->list);
		WRITE_ONCE(q->woken, 1);
		wake_up_process(q->task);
		woken++;
	}
	raw_spin_unlock(&hb->lock);
	return woken;
}

/*
 * futex(uaddr, op, val, timeout, uaddr2, val3). The timeout of FUTEX_WAIT
 * must be NULL (no timed waits yet: -EINVAL otherwise); FUTEX_WAKE wakes up
 * to val waiters in the order they came and returns how many it woke.
 */
long __x64_sys_futex(const struct pt_regs *regs)
{
	unsigned long uaddr = regs->di, timeout = regs->r10;
	int op = (int)regs->si, cmd = op & FUTEX_CMD_MASK;
	u32 val = (u32)regs->dx;

	/* The word is a naturally aligned u32 in user space. */
	if (uaddr % FUTEX_WORD_SIZE != 0)
		return -EINVAL;
	if (op & FUTEX_CLOCK_REALTIME)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		if (timeout != 0)
			return -EINVAL;
		return futex_wait(uaddr, val);
	case FUTEX_WAKE:
		return futex_wake(uaddr, (int)val);
	default:
		return -ENOSYS;
	}
}
