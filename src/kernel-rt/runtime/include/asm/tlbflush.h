/*
 * asm/tlbflush.h - address spaces, ASIDs/PCIDs and CR3, as Linux v5.10 does
 * them under PTI:
 *   - an mm's PGD is an 8 KiB pair: the kernel PGD, then the user PGD (CR3
 *     bit 12 selects it, PTI_USER_PGTABLE_MASK);
 *   - each CPU hands out TLB_NR_DYN_ASIDS ASIDs (choose_new_asid): an mm
 *     has no ASID of its own, it gets one on each CPU it runs on; the kernel
 *     PCID of ASID a is a + 1 (PCID 0 stays for non-PCID code), the user
 *     PCID sets bit 11;
 *   - cpu_tlbstate.ctxs[a].ctx_id says which mm last used ASID a on this
 *     CPU: an mm found there keeps its ASID and its TLB entries; otherwise
 *     the next ASID (next_asid, round robin) is taken from whoever had it,
 *     which needs a flush, of the kernel PCID at the CR3 write and of the
 *     user PCID at the next return to user mode (user_pcid_flush_mask,
 *     consumed by SWITCH_TO_USER_CR3).
 */
#ifndef _ASM_X86_TLBFLUSH_H
#define _ASM_X86_TLBFLUSH_H

#include <linux/types.h>

#define TLB_NR_DYN_ASIDS	6

/*
 * One range of user addresses an mm maps, [vm_start, vm_end), page-aligned: the bounds of a
 * Linux VMA without the rest of it. fork and exit walk the page tables under these only.
 */
struct vm_range {
	unsigned long vm_start;
	unsigned long vm_end;
};

/* Ranges an mm keeps; past this, a new one joins its nearest neighbour (memory.c). */
#define NR_VM_RANGES		16

struct mm_struct {
	unsigned long pgd;	/* direct-map address of the kernel PGD of the pair */
	unsigned long ctx_id;	/* unique per mm, never reused */
	unsigned long map_count;	/* ranges in mmap[]: sorted, disjoint, none touching */
	struct vm_range mmap[NR_VM_RANGES];
};

struct tlb_context {
	u64 ctx_id;
	u64 tlb_gen;
};

/* Offsets are fixed by <asm/asm-offsets.h>'s users: see asm-offsets.c. */
struct tlb_state {
	struct mm_struct *loaded_mm;
	struct mm_struct *last_user_mm;
	u16 loaded_mm_asid;
	u16 next_asid;
	u8 is_lazy;
	u8 invalidate_other;
	u16 user_pcid_flush_mask;
	unsigned long cr4;
	struct tlb_context ctxs[TLB_NR_DYN_ASIDS];
};

extern struct mm_struct init_mm;

void switch_mm_irqs_off(struct mm_struct *prev, struct mm_struct *next);

/* INVLPG: this page's translations for the current PCID, and global ones (SDM vol. 2, INVLPG). */
static inline void __invlpg(unsigned long addr)
{
	asm volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

/*
 * Flushes of the current CPU (in the model an mm runs on one CPU only: a task never leaves its
 * CPU and has no threads, so flush_tlb_mm is a local flush). flush_tlb_one_user: one user page,
 * on the kernel PCID now and the user PCID at the next return to user mode; flush_tlb_local:
 * every non-global translation of the loaded mm, both PCIDs.
 */
void flush_tlb_one_user(unsigned long addr);
void flush_tlb_local(void);

#endif /* _ASM_X86_TLBFLUSH_H */
