/*
 * page_alloc.c - the guest page allocator: blocks of 2^order 4 KiB frames
 * (order 0 pages, order 1 PGD pairs, order 2 kernel stacks) from the pool
 * the boot builder reserves ([page_pool_start, page_pool_end), physical,
 * mapped only by the direct map). Frames never used yet come from a bump
 * pointer, aligned to the block's size (the frames skipped on the way go
 * to the order-0 list); freed blocks go on their order's free list
 * (Linux's free_area[order], without the buddy merging), threaded through
 * their first word, so a block freed is reused by the next request of its
 * size and a fork loop runs in constant memory. Also the per-frame map
 * counts of copy-on-write pages (mem_map). One
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

/* Written by the boot builder (boot/tasks.ts reserveMemMap): one int per frame of RAM. */
int *mem_map;
unsigned long max_pfn;

unsigned long nr_pages_in_use;

/* The next never-used frame (physical; 0 until the first allocation starts it at the pool). */
static unsigned long pool_next;
/* Freed blocks of each order (direct-map addresses), each holding the next one's address. */
static unsigned long *free_area[MAX_PAGE_ORDER + 1];
static raw_spinlock_t pool_lock;

int pool_frame(unsigned long pa)
{
	return pa >= page_pool_start && pa < page_pool_end;
}

/* Under the lock: push a block on its order's free list. */
static void push_block(unsigned long addr, int order)
{
	unsigned long *block = (unsigned long *)addr;

	*block = (unsigned long)free_area[order];
	free_area[order] = block;
}

/*
 * Under the lock: the next never-used block of 2^order frames, aligned to its size; the frames
 * skipped to align it are kept as single pages. 0 when the pool's end is reached.
 */
static unsigned long bump_block(int order)
{
	unsigned long size = PAGE_SIZE << order;

	if (pool_next == 0)
		pool_next = page_pool_start;
	while ((pool_next & (size - 1)) != 0 && pool_next + size <= page_pool_end) {
		push_block((unsigned long)__va(pool_next), 0);
		pool_next += PAGE_SIZE;
	}
	if (pool_next + size > page_pool_end)
		return 0;
	pool_next += size;
	return (unsigned long)__va(pool_next - size);
}

/* A block off its free list or the untouched rest of the pool; 0 when both are empty. */
static unsigned long take_block(int order)
{
	unsigned long block = 0;

	if (free_area[order]) {
		block = (unsigned long)free_area[order];
		free_area[order] = (unsigned long *)*free_area[order];
	} else {
		block = bump_block(order);
	}
	if (block)
		nr_pages_in_use += 1UL << order;
	return block;
}

static unsigned long take_page(void)
{
	return take_block(0);
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
	free_pages(addr, 0);
}

unsigned long __get_free_pages(int order)
{
	unsigned long block;

	raw_spin_lock(&pool_lock);
	block = take_block(order);
	raw_spin_unlock(&pool_lock);
	return block;
}

void free_pages(unsigned long addr, int order)
{
	if (!addr)
		return;
	raw_spin_lock(&pool_lock);
	push_block(addr, order);
	nr_pages_in_use -= 1UL << order;
	raw_spin_unlock(&pool_lock);
}

static int *mapcount_of(unsigned long pa)
{
	return &mem_map[pa >> PAGE_SHIFT];
}

/* LOCK XADD: CPUs forking or faulting on the same frame count without a lock (SDM vol. 2, XADD). */
static int mapcount_add(unsigned long pa, int n)
{
	int old = n;

	asm volatile("lock xaddl %0, %1" : "+r"(old), "+m"(*mapcount_of(pa)) : : "memory");
	return old + n;
}

void page_mapcount_inc(unsigned long pa)
{
	mapcount_add(pa, 1);
}

bool page_mapcount_dec(unsigned long pa)
{
	if (mapcount_add(pa, -1) >= 0)
		return false;
	/* The last mapping went: the frame's next owner starts again from "one". */
	WRITE_ONCE(*mapcount_of(pa), 0);
	return true;
}

int page_mapcount_shared(unsigned long pa)
{
	return READ_ONCE(*mapcount_of(pa)) > 0;
}
