/*
 * linux/mm.h - the model kernel's page allocator (page_alloc.c): single 4 KiB
 * frames from the pool the boot builder leaves free, handed out by their
 * direct-map address, zeroed. The page-fault handler takes its demand-zero
 * pages and its new page tables from it.
 */
#ifndef _LINUX_MM_H
#define _LINUX_MM_H

#include <linux/types.h>

/* Boot data (physical addresses): the pool is [page_pool_start, page_pool_end). */
extern unsigned long page_pool_start;
extern unsigned long page_pool_end;

/* A zeroed page's direct-map address, or 0 when the pool is empty. */
unsigned long get_zeroed_page(void);

/* Give back a page get_zeroed_page() returned. */
void free_page(unsigned long addr);

struct mm_struct;

/*
 * At exit (do_exit): give back every pool frame of mm's user half, pages and tables, and clear
 * the entries that held them. The task runs on these tables still, but only on the kernel half.
 */
void exit_mmap(struct mm_struct *mm);

/* Pages handed out and not freed, over the whole run (statistics, tests). */
extern unsigned long nr_pages_in_use;

#endif /* _LINUX_MM_H */
