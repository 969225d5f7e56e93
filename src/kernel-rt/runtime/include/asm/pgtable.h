/*
 * asm/pgtable.h - 4-level page tables as the model kernel's C code reads and
 * writes them (SDM vol. 3, 4.5, figure 4-11): entry bits, level shifts, the
 * direct map (__va/__pa), the PTI PGD pair, and the walks of pgtable.c.
 *
 * Every task's mm->pgd is the direct-map address of its kernel PGD; under
 * PTI the user PGD is the next page (CR3 bit 12). The user half's lower
 * levels (PUD, PMD, PT) are shared by both PGDs, so a walk of the kernel PGD
 * sees every user mapping; only a new PGD entry must be written in both
 * (pti_set_user_pgtbl: the kernel copy with NX).
 */
#ifndef _ASM_X86_PGTABLE_H
#define _ASM_X86_PGTABLE_H

#include <linux/types.h>
#include <asm/page_types.h>
#include <asm/tlbflush.h>
#include <asm/entrylab-layout.h>

/* SDM 4.5, tables 4-14..4-20: the bits of a paging-structure entry. */
#define _PAGE_BIT_PRESENT	0	/* P: maps something (else the entry is ignored, #PF) */
#define _PAGE_BIT_RW		1	/* R/W: writes allowed (ANDed across levels, 4.6.1) */
#define _PAGE_BIT_USER		2	/* U/S: user accesses allowed (ANDed across levels) */
#define _PAGE_BIT_ACCESSED	5
#define _PAGE_BIT_DIRTY		6
#define _PAGE_BIT_PSE		7	/* PS: a 1 GiB (PUD) or 2 MiB (PMD) leaf */
#define _PAGE_BIT_GLOBAL	8
#define _PAGE_BIT_SOFTW1	9	/* bits 11:9 are ignored by the MMU (SDM 4.5, table 4-20) */
#define _PAGE_BIT_NX		63	/* XD: no instruction fetch (with EFER.NXE; ORed across levels) */

#define _PAGE_PRESENT		_BITUL(_PAGE_BIT_PRESENT)
#define _PAGE_RW		_BITUL(_PAGE_BIT_RW)
#define _PAGE_USER		_BITUL(_PAGE_BIT_USER)
#define _PAGE_ACCESSED		_BITUL(_PAGE_BIT_ACCESSED)
#define _PAGE_DIRTY		_BITUL(_PAGE_BIT_DIRTY)
#define _PAGE_PSE		_BITUL(_PAGE_BIT_PSE)
#define _PAGE_GLOBAL		_BITUL(_PAGE_BIT_GLOBAL)
#define _PAGE_NX		_BITUL(_PAGE_BIT_NX)

/*
 * A private writable page that fork write-protected: a write to it is a copy-on-write fault,
 * not a bad access. Linux decides that from the VMA (VM_WRITE on a read-only PTE); the model
 * kernel has no VMAs, so it keeps the fact in a bit the MMU ignores.
 */
#define _PAGE_COW		_BITUL(_PAGE_BIT_SOFTW1)

/* Bits 51:12 of an entry: the frame of the next table or of the page (M = 52 here). */
#define PTE_PFN_MASK		_AC(0x000ffffffffff000, UL)

/* A table below the PGD in the user half: present, writable, user (the leaf decides). */
#define _PAGE_TABLE		(_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

/* Each level's index: 9 bits of the linear address (SDM 4.5, figure 4-8). */
#define PGDIR_SHIFT		39
#define PUD_SHIFT		30
#define PMD_SHIFT		21
#define PTRS_PER_TABLE		512
#define PT_LEVEL_BITS		9

/* The first PGD entry of the kernel half (0xffff800000000000 and up). */
#define KERNEL_PGD_BOUNDARY	256

/* The user PGD of a PTI pair: the page after the kernel PGD (PTI_USER_PGTABLE_MASK). */
#define PTI_USER_PGD_OFFSET	PAGE_SIZE

/* The direct map: every physical address p is mapped at PAGE_OFFSET + p. */
#define __va(p)			((void *)((unsigned long)(p) + __PAGE_OFFSET))
#define __pa(v)			((unsigned long)(v) - __PAGE_OFFSET)

static inline unsigned long pt_index(unsigned long addr, int shift)
{
	return (addr >> shift) & (PTRS_PER_TABLE - 1);
}

/* The table an entry points to, in the direct map. */
static inline unsigned long *pt_table(unsigned long entry)
{
	return (unsigned long *)__va(entry & PTE_PFN_MASK);
}

/* The physical address behind a user address of mm (the page and offset), 0 if unmapped. */
unsigned long user_virt_to_phys(struct mm_struct *mm, unsigned long addr);

/*
 * The PT entry (leaf) of a user address in mm, or NULL when a level above it is not present or
 * is a large page. With `alloc`, missing tables come from the page pool (a new PGD entry is
 * written in both PGDs under PTI); NULL then also means out of frames. With `alloc` the page
 * joins mm's ranges first, so that exit finds the tables made for it.
 */
unsigned long *user_pte_lookup(struct mm_struct *mm, unsigned long addr, bool alloc);

/* A new user PGD entry, in both PGDs of the pair under PTI (the kernel's with NX). */
void set_user_pgd(struct mm_struct *mm, unsigned long index, unsigned long entry);

/*
 * The end of the 2^shift-byte block holding addr, or end when that comes first: Linux's
 * pgd_addr_end/pud_addr_end/pmd_addr_end in one. The "- 1"s compare right when the block ends
 * at the top of the address space (boundary 0). A macro, as Linux's: handler-C inlines
 * nothing, and the walks take it once per entry.
 */
#define pt_addr_end(addr, end, shift)						\
({										\
	unsigned long __boundary = ((addr) + (_AC(1, UL) << (shift))) &		\
				   ~((_AC(1, UL) << (shift)) - 1);		\
	__boundary - 1 < (end) - 1 ? __boundary : (end);			\
})

/* The index of the first nonzero entry in table[i..last], or last + 1 (an assembly loop). */
unsigned long pt_next_used(unsigned long *table, unsigned long i, unsigned long last);

/*
 * The first address in [addr, end) whose entry in `table` (entries mapping 2^shift bytes each,
 * [addr, end) inside the table's span) is nonzero, or end: the walks of a range step over a
 * stretch of empty entries at once (pt_next_used), and look at each used one (p?d_none).
 */
unsigned long pt_next_addr(unsigned long *table, int shift, unsigned long addr, unsigned long end);

/*
 * One step of a walk of [addr, end) in `table` (as pt_next_addr), at addr's entry, index i: that
 * entry into `entry`, and
 * where the next step starts: past the whole stretch when the entry is empty (p?d_none), else at
 * the end of addr's block (pt_addr_end). A macro, as pt_addr_end, for the same reason.
 */
#define pt_walk_step(table, i, shift, addr, end, entry)				\
({										\
	(entry) = (table)[i];							\
	(entry) == 0 ? pt_next_addr(table, shift, addr, end) : pt_addr_end(addr, end, shift); \
})

/*
 * Record [start, end) (page-aligned) in mm's ranges, the user addresses it maps (memory.c):
 * the places that map user pages call it (the boot builder for the program, stack and shared
 * page; user_pte_lookup for a fault's page), and fork and exit walk only what it lists.
 */
void insert_vm_range(struct mm_struct *mm, unsigned long start, unsigned long end);

/* USER_SHARED_PAGE is a shared mapping (MAP_SHARED): fork shares it as is, never copy-on-write. */
static inline int shared_mapping(unsigned long addr)
{
	return addr == USER_SHARED_PAGE;
}

/*
 * The copy-on-write fault (memory.c): a write to a present, write-protected page of mm marked
 * _PAGE_COW. 1: handled (or spurious: the PTE is writable already), retry the access; 0: not a
 * copy-on-write page (a bad access); -ENOMEM: no frame for the copy.
 */
long do_wp_page(struct mm_struct *mm, unsigned long address);
/* Unmap one user PTE at exit (memory.c): drop its mapping, free the frame if it was the last. */
void zap_pte(unsigned long *pte);

#endif /* _ASM_X86_PGTABLE_H */
