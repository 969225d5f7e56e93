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

/*
 * 2^order contiguous frames aligned to their size, not zeroed (Linux's __get_free_pages): order
 * 1 for a PTI PGD pair (8 KiB), order 2 for a kernel stack (THREAD_SIZE). 0 when none is left.
 */
#define PGD_ALLOCATION_ORDER	1
#define THREAD_SIZE_ORDER	2
#define MAX_PAGE_ORDER		THREAD_SIZE_ORDER
unsigned long __get_free_pages(int order);
void free_pages(unsigned long addr, int order);

/* Is the frame at physical address pa one of the pool's (a page fork or a fault handed out)? */
int pool_frame(unsigned long pa);

/*
 * Per-frame map counts, as Linux's page->_mapcount: the number of page-table entries mapping a
 * frame copy-on-write, minus one, so that the zeroed array the boot builder leaves (mem_map,
 * one int per frame of RAM) says "one" for every frame. fork adds one for each page it shares;
 * the copy-on-write fault and exit drop one (page_remove_rmap). page_mapcount_dec() returns
 * true when the caller dropped the last mapping (the count went below zero): the frame is
 * nobody's now, and its count is back at zero for the next owner.
 */
extern int *mem_map;
extern unsigned long max_pfn;
void page_mapcount_inc(unsigned long pa);
bool page_mapcount_dec(unsigned long pa);
int page_mapcount_shared(unsigned long pa);

struct mm_struct;

/*
 * At exit (do_exit): unmap mm's user half. Copy-on-write pages drop a mapping; pool frames no
 * one maps any more, pages and tables, go back to the pool, and the entries that held them are
 * cleared. The task runs on these tables still, but only on the kernel half.
 */
void exit_mmap(struct mm_struct *mm);

/*
 * fork's address space (fork.c, pgtable.c): a new PGD pair whose kernel halves copy init_mm's
 * (pgd_alloc; pgd_free gives it back), and the user half of src copied into dst with every
 * private writable page made copy-on-write in both (copy_page_range: 0 or -ENOMEM).
 */
unsigned long pgd_alloc(void);
void pgd_free(unsigned long pgd);
long copy_page_range(struct mm_struct *dst, struct mm_struct *src);

/* Pages handed out and not freed, over the whole run (statistics, tests). */
extern unsigned long nr_pages_in_use;

#endif /* _LINUX_MM_H */
