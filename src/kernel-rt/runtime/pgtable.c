/*
 * pgtable.c - walks of a task's page tables by the kernel: the physical
 * address behind a user address (futexes key their words by it), and, for
 * the page-fault handler, the leaf entry of a user address with the missing
 * tables made on the way. The tables are read through the direct map.
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
static void set_user_pgd(struct mm_struct *mm, unsigned long index, unsigned long entry)
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
