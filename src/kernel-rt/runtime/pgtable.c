/*
 * pgtable.c - walks of a task's page tables by the kernel: the physical
 * address behind a user address (futexes key their words by it); for the
 * page-fault handler, the leaf entry of a user address with the missing
 * tables made on the way; fork's PGD pair (pgd_alloc, pgd_free); and at
 * exit, unmapping the user half and giving the pool's frames back
 * (exit_mmap), walking only the ranges the mm maps (mm->mmap[]). The tables
 * are read through the direct map.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <asm/cpufeature.h>
#include <asm/pgtable.h>

/* The offset bits of a leaf at `shift` (a 4 KiB page, or a 2 MiB / 1 GiB large page). */
static unsigned long leaf_offset_mask(int shift)
{
	return (_AC(1, UL) << shift) - 1;
}

unsigned long user_virt_to_phys(struct mm_struct *mm, unsigned long addr)
{
	unsigned long *table = (unsigned long *)mm->pgd;
	int shift;

	if (addr >= TASK_SIZE_MAX)
		return 0;
	for (shift = PGDIR_SHIFT; shift >= PAGE_SHIFT; shift -= PT_LEVEL_BITS) {
		unsigned long e = table[pt_index(addr, shift)];
		/* SDM 4.5: a not-present entry at any level ends the translation (#PF). */
		if (!(e & _PAGE_PRESENT))
			return 0;
		/* SDM 4.5: PS in a PDPTE or PDE makes it the leaf (1 GiB / 2 MiB page). */
		if (shift == PAGE_SHIFT || (shift != PGDIR_SHIFT && (e & _PAGE_PSE)))
			return (e & PTE_PFN_MASK & ~leaf_offset_mask(shift)) |
			       (addr & leaf_offset_mask(shift));
		table = pt_table(e);
	}
	return 0;
}

/*
 * A new user PGD entry, as pti_set_user_pgtbl() writes it: under PTI the user PGD (the next
 * page) gets the entry as is and the kernel PGD gets it with NX, so that kernel code can never
 * execute user pages on the kernel page table; without PTI only the kernel PGD is in use.
 */
void set_user_pgd(struct mm_struct *mm, unsigned long index, unsigned long entry)
{
	unsigned long *kernel_pgd = (unsigned long *)mm->pgd;

	if (boot_cpu_has(X86_FEATURE_PTI)) {
		unsigned long *user_pgd = (unsigned long *)(mm->pgd + PTI_USER_PGD_OFFSET);
		WRITE_ONCE(user_pgd[index], entry);
		/* XD is reserved without EFER.NXE (SDM 4.5, table 4-15): only with NX. */
		if (boot_cpu_has(X86_FEATURE_NX))
			entry |= _PAGE_NX;
	}
	WRITE_ONCE(kernel_pgd[index], entry);
}

unsigned long *user_pte_lookup(struct mm_struct *mm, unsigned long addr, bool alloc)
{
	unsigned long *table = (unsigned long *)mm->pgd;
	int shift;

	if (addr >= TASK_SIZE_MAX)
		return NULL;
	if (alloc)
		insert_vm_range(mm, addr & PAGE_MASK, (addr & PAGE_MASK) + PAGE_SIZE);
	for (shift = PGDIR_SHIFT; shift > PAGE_SHIFT; shift -= PT_LEVEL_BITS) {
		unsigned long index = pt_index(addr, shift);
		unsigned long e = table[index];

		if (!(e & _PAGE_PRESENT)) {
			unsigned long page;

			if (!alloc)
				return NULL;
			page = get_zeroed_page();
			if (!page)
				return NULL;
			/* Tables in the user half carry U/S and R/W: the leaf decides (SDM 4.6.1). */
			e = __pa(page) | _PAGE_TABLE;
			if (shift == PGDIR_SHIFT)
				set_user_pgd(mm, index, e);
			else
				WRITE_ONCE(table[index], e);
		} else if (shift != PGDIR_SHIFT && (e & _PAGE_PSE)) {
			/* A large page: there is no PT entry to return. */
			return NULL;
		}
		table = pt_table(e);
	}
	return &table[pt_index(addr, PAGE_SHIFT)];
}

/*
 * The index of the first nonzero entry in table[i..last], or last + 1 when there is none. Most
 * of a table is empty entries (the builder and the fault path leave an absent entry all zero),
 * so this is a five-instruction loop in assembly rather than handler-C's, which keeps every
 * local in memory.
 */
unsigned long pt_next_used(unsigned long *table, unsigned long i, unsigned long last)
{
	asm volatile("1:\tcmpq %2, %0\n"
		     "\tja 2f\n"
		     "\tcmpq $0, (%1,%0,8)\n"
		     "\tjne 2f\n"
		     "\tincq %0\n"
		     "\tjmp 1b\n"
		     "2:"
		     : "+r"(i)
		     : "r"(table), "r"(last)
		     : "cc", "memory");
	return i;
}

unsigned long pt_next_addr(unsigned long *table, int shift, unsigned long addr, unsigned long end)
{
	unsigned long size = _AC(1, UL) << shift, index_mask = PTRS_PER_TABLE - 1;
	unsigned long first, last, i;

	if (addr >= end)
		return end;
	/* pt_index by hand: handler-C calls an inline function, and this runs per stretch. */
	first = (addr >> shift) & index_mask;
	last = ((end - 1) >> shift) & index_mask;
	i = pt_next_used(table, first, last);
	if (i == first)
		return addr;
	if (i > last)
		return end;
	/* The start of entry i's block: past addr, inside [addr, end). */
	return (addr & ~(size * PTRS_PER_TABLE - 1)) + i * size;
}

/*
 * unmap_page_range for one range: zap the PTEs under [addr, end) of `table`, whose entries map
 * 2^shift bytes each (zap_pte: a copy-on-write page drops a mapping, a pool page no one else
 * maps is freed). Only present entries are followed; the tables stay for free_pgtables.
 */
static void zap_range(unsigned long *table, int shift, unsigned long addr, unsigned long end)
{
	unsigned long next;

	for (; addr < end; addr = next) {
		unsigned long i = pt_index(addr, shift), e;

		next = pt_walk_step(table, i, shift, addr, end, e);
		if (!(e & _PAGE_PRESENT))
			continue;
		if (shift == PAGE_SHIFT)
			zap_pte(&table[i]);
		else if (!(e & _PAGE_PSE))
			zap_range(pt_table(e), shift - PT_LEVEL_BITS, addr, next);
	}
}

/*
 * May the table under an entry at `shift`, walked up to `next`, go? Not when the next range
 * (from `ceiling`; 0: none) lies under it too: that range's walk frees it (free_pmd_range's
 * ceiling test; the floor is always 0 at exit, so the last range under a table frees it).
 */
static int table_below_ceiling(unsigned long next, int shift, unsigned long ceiling)
{
	unsigned long mask = ~((_AC(1, UL) << shift) - 1);

	if (ceiling == 0)
		return 1;
	ceiling &= mask;
	return ceiling != 0 && next - 1 <= ceiling - 1;
}

/*
 * free_pgd_range's lower levels: under `table`, whose entries map 2^shift bytes each, free the
 * pool tables below [addr, end) and clear the entries that held them, down to the PT tables.
 * Frames the boot builder made (the program's and first stack pages' tables) stay.
 */
static void free_table_range(unsigned long *table, int shift, unsigned long addr,
			     unsigned long end, unsigned long ceiling)
{
	unsigned long next;

	for (; addr < end; addr = next) {
		unsigned long i = pt_index(addr, shift), e;

		next = pt_walk_step(table, i, shift, addr, end, e);
		if (!(e & _PAGE_PRESENT) || (e & _PAGE_PSE))
			continue;
		if (shift > PMD_SHIFT)
			free_table_range(pt_table(e), shift - PT_LEVEL_BITS, addr, next, ceiling);
		if (table_below_ceiling(next, shift, ceiling) && pool_frame(e & PTE_PFN_MASK)) {
			table[i] = 0;
			free_page((unsigned long)__va(e & PTE_PFN_MASK));
		}
	}
}

/* The same at the PGD level, where a pool entry is also in the user PGD under PTI. */
static void free_pgd_range(struct mm_struct *mm, unsigned long addr, unsigned long end,
			   unsigned long ceiling)
{
	unsigned long *kernel_pgd = (unsigned long *)mm->pgd;
	unsigned long *user_pgd = (unsigned long *)(mm->pgd + PTI_USER_PGD_OFFSET);
	unsigned long next;

	for (; addr < end; addr = next) {
		unsigned long i = pt_index(addr, PGDIR_SHIFT), e;

		next = pt_walk_step(kernel_pgd, i, PGDIR_SHIFT, addr, end, e);
		if (!(e & _PAGE_PRESENT))
			continue;
		free_table_range(pt_table(e), PUD_SHIFT, addr, next, ceiling);
		if (table_below_ceiling(next, PGDIR_SHIFT, ceiling) && pool_frame(e & PTE_PFN_MASK)) {
			kernel_pgd[i] = 0;
			if (boot_cpu_has(X86_FEATURE_PTI))
				user_pgd[i] = 0;
			free_page((unsigned long)__va(e & PTE_PFN_MASK));
		}
	}
}

/*
 * free_pgtables: ranges closer than PMD_SIZE are walked as one, so that no PT table lies under
 * two walks (each walk frees its PT tables outright); a higher table goes with the last range
 * under it (table_below_ceiling).
 */
static void free_pgtables(struct mm_struct *mm)
{
	struct vm_range *r = mm->mmap;
	unsigned long n = mm->map_count, k = 0, g;

	while (k < n) {
		unsigned long start = r[k].vm_start, end = r[k].vm_end;

		for (g = k + 1; g < n && r[g].vm_start <= end + PMD_PAGE_SIZE; g++)
			end = r[g].vm_end;
		free_pgd_range(mm, start, end, g < n ? r[g].vm_start : 0);
		k = g;
	}
}

/*
 * As Linux's exit_mmap: unmap_vmas (the PTEs under each range zapped), then free_pgtables;
 * the walks visit only what the ranges cover, never whole tables. The ranges go with them.
 */
void exit_mmap(struct mm_struct *mm)
{
	unsigned long k;

	/* Nothing was ever handed out: no fault, no fork, so no pool frame and no shared page. */
	if (mm == NULL || READ_ONCE(nr_pages_in_use) == 0)
		return;
	for (k = 0; k < mm->map_count; k++)
		zap_range((unsigned long *)mm->pgd, PGDIR_SHIFT, mm->mmap[k].vm_start,
			  mm->mmap[k].vm_end);
	free_pgtables(mm);
	mm->map_count = 0;
}

/*
 * pgd_alloc: an 8 KiB-aligned PGD pair (order 1: the user PGD is the kernel PGD's address with
 * bit 12 set, PTI_USER_PGTABLE_MASK), its user halves empty and its kernel halves copied from
 * init_mm's pair (pgd_ctor, and under PTI the user PGD's clones: the entry text, the
 * cpu_entry_area, the cpu_tss_rw pages), as the boot builder builds the boot tasks' pairs.
 * Returns the kernel PGD's direct-map address, or 0.
 */
/* Half a PGD (256 entries) cleared, or copied, with one REP STOSQ or MOVSQ. */
static void clear_pgd_half(unsigned long to, unsigned long value)
{
	unsigned long count = KERNEL_PGD_BOUNDARY;

	asm volatile("rep stosq" : "+D"(to), "+c"(count) : "a"(value) : "memory");
}

static void copy_pgd_half(unsigned long to, unsigned long from)
{
	unsigned long count = KERNEL_PGD_BOUNDARY;

	asm volatile("rep movsq" : "+D"(to), "+S"(from), "+c"(count) : : "memory");
}

unsigned long pgd_alloc(void)
{
	unsigned long pgd = __get_free_pages(PGD_ALLOCATION_ORDER);
	unsigned long half = KERNEL_PGD_BOUNDARY * sizeof(unsigned long);

	if (!pgd)
		return 0;
	clear_pgd_half(pgd, 0);
	copy_pgd_half(pgd + half, init_mm.pgd + half);
	clear_pgd_half(pgd + PTI_USER_PGD_OFFSET, 0);
	if (boot_cpu_has(X86_FEATURE_PTI))
		copy_pgd_half(pgd + PTI_USER_PGD_OFFSET + half,
			      init_mm.pgd + PTI_USER_PGD_OFFSET + half);
	else
		clear_pgd_half(pgd + PTI_USER_PGD_OFFSET + half, 0);
	return pgd;
}

void pgd_free(unsigned long pgd)
{
	free_pages(pgd, PGD_ALLOCATION_ORDER);
}
