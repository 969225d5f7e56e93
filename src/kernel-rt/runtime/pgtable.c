/*
 * pgtable.c - walks of a task's page tables by the kernel: the physical
 * address behind a user address (futexes key their words by it), and, for
 * the page-fault handler, the leaf entry of a user address with the missing
 * tables made on the way. The tables are read through the direct map.
 */
#include <linux/kernel.h>
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
