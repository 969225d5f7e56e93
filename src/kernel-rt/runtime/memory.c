/*
 * memory.c - copy-on-write, as Linux's mm/memory.c: fork's copy of a user
 * half (copy_page_range), the write-protect fault that breaks the sharing
 * (do_wp_page), and unmapping one PTE at exit (zap_pte).
 *
 * Which pages are private and writable: Linux asks the VMA; the model
 * kernel has none, so a PTE keeps it in _PAGE_COW (a bit the MMU ignores),
 * and USER_SHARED_PAGE, the one shared mapping, is shared as it is. Frames
 * are counted per frame in mem_map (page_mapcount_*), so the last mapper of
 * a copy-on-write page takes it back writable instead of copying it.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/errno.h>
#include <asm/pgtable.h>

#define PAGE_OFFSET_MASK	(PAGE_SIZE - 1)

/*
 * The child's copy of one user PTE. A private writable page loses R/W in the parent too and
 * both get _PAGE_COW; its frame gains a mapping. Read-only pages (the program's text) and the
 * shared page are mapped as they are.
 */
static unsigned long copy_one_pte(unsigned long *src_pte, unsigned long addr)
{
	unsigned long e = *src_pte;

	if (shared_mapping(addr) || !(e & (_PAGE_RW | _PAGE_COW)))
		return e;
	if (e & _PAGE_RW) {
		e = (e & ~_PAGE_RW) | _PAGE_COW;
		WRITE_ONCE(*src_pte, e);
	}
	page_mapcount_inc(e & PTE_PFN_MASK);
	return e;
}

/*
 * Copy the entries of src, whose entries map 2^shift bytes each from `base`, into dst: new
 * tables from the pool for the levels above the PTEs (present, writable, user: the leaf
 * decides, SDM 4.6.1), copy_one_pte for the PTEs. -ENOMEM when the pool runs out: what was
 * copied so far stays in dst for exit_mmap to undo.
 */
static long copy_range(unsigned long *dst, unsigned long *src, int shift, unsigned long base)
{
	unsigned long last = PTRS_PER_TABLE - 1, i;

	for (i = pt_next_used(src, 0, last); i <= last; i = pt_next_used(src, i + 1, last)) {
		unsigned long e = src[i], addr = base + (i << shift), table;
		long err;

		if (!(e & _PAGE_PRESENT))
			continue;
		if (shift == PAGE_SHIFT) {
			dst[i] = copy_one_pte(&src[i], addr);
			continue;
		}
		/* The user half has no large pages: neither the boot builder nor a fault makes one. */
		if (e & _PAGE_PSE)
			return -EINVAL;
		table = get_zeroed_page();
		if (!table)
			return -ENOMEM;
		dst[i] = __pa(table) | _PAGE_TABLE;
		err = copy_range((unsigned long *)table, pt_table(e), shift - PT_LEVEL_BITS, addr);
		if (err)
			return err;
	}
	return 0;
}

long copy_page_range(struct mm_struct *dst, struct mm_struct *src)
{
	unsigned long *src_pgd = (unsigned long *)src->pgd;
	unsigned long last = KERNEL_PGD_BOUNDARY - 1, i;

	for (i = pt_next_used(src_pgd, 0, last); i <= last; i = pt_next_used(src_pgd, i + 1, last)) {
		unsigned long e = src_pgd[i], table;
		long err;

		if (!(e & _PAGE_PRESENT))
			continue;
		table = get_zeroed_page();
		if (!table)
			return -ENOMEM;
		/* Both PGDs under PTI, the kernel PGD's entry with NX (pti_set_user_pgtbl). */
		set_user_pgd(dst, i, __pa(table) | _PAGE_TABLE);
		err = copy_range((unsigned long *)table, pt_table(e), PUD_SHIFT, i << PGDIR_SHIFT);
		if (err)
			return err;
	}
	return 0;
}

/* copy_page: one REP MOVSQ of 512 quadwords. */
static void copy_page(void *to, const void *from)
{
	unsigned long count = PAGE_SIZE / sizeof(unsigned long);

	asm volatile("rep movsq" : "+D"(to), "+S"(from), "+c"(count) : : "memory");
}

/* Drop one mapping of a frame; the last one frees it when it came from the pool. */
static void put_page_mapping(unsigned long pa)
{
	if (page_mapcount_dec(pa) && pool_frame(pa))
		free_page((unsigned long)__va(pa));
}

/*
 * wp_page_copy: the page is still mapped elsewhere, so this mm gets a copy, writable. The PTE
 * now names another frame: a translation still cached for the old one would read the old
 * frame, which the other mappers may go on writing, so it must go (SDM 4.10.4.1: a change of
 * the frame needs INVLPG or a CR3 write) — on the kernel PCID now, on the user PCID at the
 * next return to user mode (flush_tlb_one_user).
 */
static long wp_page_copy(unsigned long *pte, unsigned long address)
{
	unsigned long e = *pte, old = e & PTE_PFN_MASK;
	unsigned long page = __get_free_pages(0);

	if (!page)
		return -ENOMEM;
	copy_page((void *)page, __va(old));
	WRITE_ONCE(*pte, __pa(page) | (e & ~PTE_PFN_MASK & ~_PAGE_COW) | _PAGE_RW | _PAGE_DIRTY);
	flush_tlb_one_user(address & ~PAGE_OFFSET_MASK);
	put_page_mapping(old);
	return 1;
}

long do_wp_page(struct mm_struct *mm, unsigned long address)
{
	unsigned long *pte = mm ? user_pte_lookup(mm, address, false) : NULL;
	unsigned long e;

	if (pte == NULL)
		return 0;
	e = READ_ONCE(*pte);
	if (!(e & _PAGE_PRESENT))
		return 0;
	/*
	 * Writable already: a spurious fault on a read-only translation cached before the PTE
	 * became writable (SDM 4.10.4.3); the fault dropped it (4.10.4.1), the retry walks.
	 */
	if (e & _PAGE_RW)
		return 1;
	if (!(e & _PAGE_COW))
		return 0;
	if (page_mapcount_shared(e & PTE_PFN_MASK))
		return wp_page_copy(pte, address);
	/*
	 * wp_page_reuse: the last mapper takes the frame back writable. R/W from 0 to 1 only, on the
	 * same frame: SDM 4.10.4.3 lets that go without an invalidation, at the cost of at most one
	 * spurious #PF per address for a read-only translation still cached (the #PF itself drops
	 * it, 4.10.4.1; see the writable case above). Linux flushes nothing here either.
	 */
	WRITE_ONCE(*pte, (e & ~_PAGE_COW) | _PAGE_RW | _PAGE_DIRTY);
	return 1;
}

void zap_pte(unsigned long *pte)
{
	unsigned long e = *pte, pa = e & PTE_PFN_MASK;

	if (e & _PAGE_COW) {
		WRITE_ONCE(*pte, 0);
		put_page_mapping(pa);
	} else if (pool_frame(pa)) {
		WRITE_ONCE(*pte, 0);
		free_page((unsigned long)__va(pa));
	}
}
