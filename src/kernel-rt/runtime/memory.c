/*
 * memory.c - copy-on-write, as Linux's mm/memory.c: fork's copy of a user
 * half (copy_page_range), the write-protect fault that breaks the sharing
 * (do_wp_page), and unmapping one PTE at exit (zap_pte); and the ranges of
 * user addresses an mm maps (insert_vm_range), which fork and exit walk.
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
 * With the array full and nothing to join, [start, end) goes to the nearer of its neighbours
 * r[i - 1] and r[i], which grows over the gap: the walks then step over empty entries there,
 * which costs time, never pages.
 */
static void grow_nearest_range(struct vm_range *r, unsigned long n, unsigned long i,
			       unsigned long start, unsigned long end)
{
	if (i == n || (i > 0 && start - r[i - 1].vm_end <= r[i].vm_start - end))
		r[i - 1].vm_end = end;
	else
		r[i].vm_start = start;
}

/*
 * insert_vm_range: [start, end) joins every range it overlaps or touches (Linux's vma_merge,
 * for bounds only); the ranges stay sorted, disjoint and apart, so a walk visits each PTE once.
 */
void insert_vm_range(struct mm_struct *mm, unsigned long start, unsigned long end)
{
	struct vm_range *r = mm->mmap;
	unsigned long n = mm->map_count, i = 0, j, k;

	while (i < n && r[i].vm_end < start)
		i++;
	/* Inside a range already (a fault below the stack's range extends it, as expand_stack). */
	if (i < n && r[i].vm_start <= start && end <= r[i].vm_end)
		return;
	for (j = i; j < n && r[j].vm_start <= end; j++) {
		if (r[j].vm_start < start)
			start = r[j].vm_start;
		if (r[j].vm_end > end)
			end = r[j].vm_end;
	}
	if (j == i && n == NR_VM_RANGES) {
		grow_nearest_range(r, n, i, start, end);
		return;
	}
	/* r[i..j) become r[i]: the ranges from r[j] on move to r[i + 1]. */
	if (j == i)
		for (k = n; k > i; k--)
			r[k] = r[k - 1];
	else
		for (k = j; k < n; k++)
			r[k - (j - i - 1)] = r[k];
	r[i].vm_start = start;
	r[i].vm_end = end;
	mm->map_count = n + 1 - (j - i);
}

/*
 * Copy src's entries for [addr, end) into dst, both tables whose entries map 2^shift bytes
 * each: copy_one_pte for the PTEs; above them a table for each present entry, new from the pool
 * where dst has none yet (p?d_alloc: present, writable, user: the leaf decides, SDM 4.6.1) and
 * the one an earlier range made otherwise. Empty entries are stepped over in one go
 * (pt_walk_step), the present ones followed (p?d_none_or_clear_bad).
 * -ENOMEM when the pool runs out: what was copied so far stays in dst for exit_mmap to undo.
 */
static long copy_range(unsigned long *dst, unsigned long *src, int shift, unsigned long addr,
		       unsigned long end)
{
	unsigned long next;

	for (; addr < end; addr = next) {
		unsigned long i = pt_index(addr, shift), e;
		long err;

		next = pt_walk_step(src, i, shift, addr, end, e);
		if (!(e & _PAGE_PRESENT))
			continue;
		if (shift == PAGE_SHIFT) {
			dst[i] = copy_one_pte(&src[i], addr);
			continue;
		}
		/* The user half has no large pages: neither the boot builder nor a fault makes one. */
		if (e & _PAGE_PSE)
			return -EINVAL;
		if (!(dst[i] & _PAGE_PRESENT)) {
			unsigned long table = get_zeroed_page();

			if (!table)
				return -ENOMEM;
			dst[i] = __pa(table) | _PAGE_TABLE;
		}
		err = copy_range(pt_table(dst[i]), pt_table(e), shift - PT_LEVEL_BITS, addr, next);
		if (err)
			return err;
	}
	return 0;
}

/* One range at the PGD level, where a new entry goes in both PGDs under PTI. */
static long copy_pgd_range(struct mm_struct *dst, struct mm_struct *src, unsigned long addr,
			   unsigned long end)
{
	unsigned long *src_pgd = (unsigned long *)src->pgd, *dst_pgd = (unsigned long *)dst->pgd;
	unsigned long next;

	for (; addr < end; addr = next) {
		unsigned long i = pt_index(addr, PGDIR_SHIFT), e;
		long err;

		next = pt_walk_step(src_pgd, i, PGDIR_SHIFT, addr, end, e);
		if (!(e & _PAGE_PRESENT))
			continue;
		if (!(dst_pgd[i] & _PAGE_PRESENT)) {
			unsigned long table = get_zeroed_page();

			if (!table)
				return -ENOMEM;
			/* Both PGDs under PTI, the kernel PGD's entry with NX (pti_set_user_pgtbl). */
			set_user_pgd(dst, i, __pa(table) | _PAGE_TABLE);
		}
		err = copy_range(pt_table(dst_pgd[i]), pt_table(e), PUD_SHIFT, addr, next);
		if (err)
			return err;
	}
	return 0;
}

/*
 * As Linux's dup_mmap calls copy_page_range for each VMA: the tables under src's ranges only,
 * never a scan of whole tables. dst's ranges are src's already (dup_mm).
 */
long copy_page_range(struct mm_struct *dst, struct mm_struct *src)
{
	unsigned long k;

	for (k = 0; k < src->map_count; k++) {
		long err = copy_pgd_range(dst, src, src->mmap[k].vm_start, src->mmap[k].vm_end);

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
