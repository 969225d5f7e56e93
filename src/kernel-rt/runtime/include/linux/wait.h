/*
 * linux/wait.h - wait queues, as Linux's: a wait_queue_head (a spinlock and
 * a list) that sleepers join with a wait_queue_entry on their own stack.
 *
 * The sleeper's side (wait_event below, or by hand):
 *	init_wait_entry(&wait);
 *	for (;;) {
 *		prepare_to_wait(&wq, &wait, TASK_UNINTERRUPTIBLE);
 *		if (condition)
 *			break;
 *		schedule();
 *	}
 *	finish_wait(&wq, &wait);
 * prepare_to_wait queues the entry and sets the task's state under the
 * queue's lock, before the condition is tested: a waker that makes the
 * condition true afterwards finds the entry and sets the state back to
 * TASK_RUNNING, so schedule() does not sleep and no wake-up is lost. The
 * waker's side: make the condition true, then wake_up(&wq). A woken entry
 * is taken off the queue by the waker (Linux's autoremove_wake_function),
 * under the lock; finish_wait takes the lock too, so the entry (on the
 * sleeper's stack) outlives the waker's last look at it.
 */
#ifndef _LINUX_WAIT_H
#define _LINUX_WAIT_H

#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/sched.h>

struct wait_queue_entry {
	struct task_struct *task;
	unsigned long key;		/* what it waits for (a futex's word); 0: anything */
	struct list_head entry;		/* empty while not queued: the waker takes it off */
};

struct wait_queue_head {
	raw_spinlock_t lock;
	struct list_head head;
};

void init_waitqueue_head(struct wait_queue_head *wq_head);
void init_wait_entry(struct wait_queue_entry *wq_entry);
void prepare_to_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry,
		     long state);
/* prepare_to_wait with the queue's lock already held (futex tests its word under it). */
void __prepare_to_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry,
		       long state);
void finish_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry);
/*
 * Wake up to nr_wake queued tasks (0: all) whose entry waits for key (key 0:
 * every entry), oldest first, and take their entries off; returns how many.
 */
int __wake_up_key(struct wait_queue_head *wq_head, int nr_wake, unsigned long key);

#define wake_up(wq)		__wake_up_key(wq, 1, 0)
#define wake_up_nr(wq, nr)	__wake_up_key(wq, nr, 0)
#define wake_up_all(wq)		__wake_up_key(wq, 0, 0)

static inline int waitqueue_active(struct wait_queue_head *wq_head)
{
	return !list_empty(&wq_head->head);
}

/* Sleep (TASK_UNINTERRUPTIBLE) until condition is true; wq_head is a pointer. */
#define wait_event(wq_head, condition)						\
	do {									\
		struct wait_queue_entry __wait;					\
		init_wait_entry(&__wait);					\
		for (;;) {							\
			prepare_to_wait(wq_head, &__wait, TASK_UNINTERRUPTIBLE); \
			if (condition)						\
				break;						\
			schedule();						\
		}								\
		finish_wait(wq_head, &__wait);					\
	} while (0)

#endif /* _LINUX_WAIT_H */
