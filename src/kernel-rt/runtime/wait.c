/*
 * wait.c - wait queues (<linux/wait.h>): a task joins a queue and sets its
 * sleeping state under the queue's lock, tests its condition, and calls
 * schedule(), which skips it until a waker sets it TASK_RUNNING again
 * (wake_up_process, sched.c). Safe between CPUs: the queue's spinlock orders
 * the sleeper's queueing against the waker's scan.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/wait.h>

void init_waitqueue_head(struct wait_queue_head *wq_head)
{
	raw_spin_lock_init(&wq_head->lock);
	INIT_LIST_HEAD(&wq_head->head);
}

void init_wait_entry(struct wait_queue_entry *wq_entry)
{
	wq_entry->task = current;
	wq_entry->key = 0;
	INIT_LIST_HEAD(&wq_entry->entry);
}

/* The queue's lock is held: queue the entry (once) and set the sleeping state. */
void __prepare_to_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry,
		       long state)
{
	if (list_empty(&wq_entry->entry))
		list_add_tail(&wq_entry->entry, &wq_head->head);
	set_current_state(state);
}

void prepare_to_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry,
		     long state)
{
	raw_spin_lock(&wq_head->lock);
	__prepare_to_wait(wq_head, wq_entry, state);
	raw_spin_unlock(&wq_head->lock);
}

void finish_wait(struct wait_queue_head *wq_head, struct wait_queue_entry *wq_entry)
{
	__set_current_state(TASK_RUNNING);
	/* A waker may have taken the entry off already: then there is nothing to unlink. */
	raw_spin_lock(&wq_head->lock);
	if (!list_empty(&wq_entry->entry))
		list_del_init(&wq_entry->entry);
	raw_spin_unlock(&wq_head->lock);
}

int __wake_up_key(struct wait_queue_head *wq_head, int nr_wake, unsigned long key)
{
	struct list_head *pos, *next;
	int woken = 0;

	raw_spin_lock(&wq_head->lock);
	for (pos = wq_head->head.next; pos != &wq_head->head; pos = next) {
		struct wait_queue_entry *e = list_entry(pos, struct wait_queue_entry, entry);
		next = pos->next;
		if (nr_wake != 0 && woken >= nr_wake)
			break;
		if (key != 0 && e->key != key)
			continue;
		/* Off the queue first: a sleeper that sees its entry gone stops waiting. */
		list_del_init(&e->entry);
		wake_up_process(e->task);
		woken++;
	}
	raw_spin_unlock(&wq_head->lock);
	return woken;
}
