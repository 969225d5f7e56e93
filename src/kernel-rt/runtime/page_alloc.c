/*
 * page_alloc.c - the guest page allocator: 4 KiB frames from the pool the
 * boot builder reserves ([page_pool_start, page_pool_end), physical, mapped
 * only by the direct map). Frames never used yet come from a bump pointer;
 * freed frames go on a free list threaded through their first word. One
 * spinlock keeps the CPUs out of each other's way (the kernel runs with
 * interrupts off, so nothing else can interrupt the holder); a page is
 * zeroed after the lock is dropped, as it belongs to the caller by then.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <asm/pgtable.h>
#include <asm/special_insns.h>

/* Written by the boot builder (boot/tasks.ts reservePagePool). */
unsigned long page_pool_start;
unsigned long page_pool_end;

unsigned long nr_pages_in_use;

/* The next never-used frame (physical; 0 until the first allocation starts it at the pool). */
static unsigned long pool_next;
/* Freed pages (direct-map addresses), each holding the next one's address in its first word. */
static unsigned long *free_list;
static raw_spinlock_t pool_lock;

/* One page off the free list or the untouched rest of the pool; 0 when both are empty. */
static unsigned long take_page(void)
{
	unsigned long page = 0;

	if (free_list) {
		page = (unsigned long)free_list;
		free_list = (unsigned long *)*free_list;
	} else {
		if (pool_next == 0)
			pool_next = page_pool_start;
		if (pool_next + PAGE_SIZE <= page_pool_end) {
			page = (unsigned long)__va(pool_next);
			pool_next += PAGE_SIZE;
		}
	}
	if (page)
		nr_pages_in_use++;
	return page;
}

/*
 * Zero a page with one REP STOSQ (Linux's clear_page_rep): 512 quadword stores, where the
 * C library's byte-wise memset would run thousands of instructions for every fault.
 */
static void clear_page(void *page)
{
	unsigned long count = PAGE_SIZE / sizeof(unsigned long);

	asm volatile("rep stosq" : "+D"(page), "+c"(count) : "a"(0UL) : "memory");
}

unsigned long get_zeroed_page(void)
{
	unsigned long page;

	raw_spin_lock(&pool_lock);
	page = take_page();
	raw_spin_unlock(&pool_lock);
	if (page)
		clear_page((void *)page);
	return page;
}

void free_page(unsigned long addr)
{
	unsigned long *page = (unsigned long *)addr;

	if (!addr)
		return;
	raw_spin_lock(&pool_lock);
	*page = (unsigned long)free_list;
	free_list = page;
	nr_pages_in_use--;
	raw_spin_unlock(&pool_lock);
}
