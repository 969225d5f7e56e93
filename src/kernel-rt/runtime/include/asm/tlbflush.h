/*
 * asm/tlbflush.h - address spaces, ASIDs/PCIDs and CR3, as Linux v5.10 does
 * them under PTI:
 *   - an mm's PGD is an 8 KiB pair: the kernel PGD, then the user PGD (CR3
 *     bit 12 selects it, PTI_USER_PGTABLE_MASK);
 *   - each CPU hands out TLB_NR_DYN_ASIDS ASIDs; the kernel PCID of ASID a is
 *     a + 1 (PCID 0 stays for non-PCID code), the user PCID sets bit 11;
 *   - cpu_tlbstate.ctxs[a].ctx_id says which mm last used ASID a on this
 *     CPU: reusing it for another mm needs a flush, of the kernel PCID at the
 *     CR3 write and of the user PCID at the next return to user mode
 *     (user_pcid_flush_mask, consumed by SWITCH_TO_USER_CR3).
 */
#ifndef _ASM_X86_TLBFLUSH_H
#define _ASM_X86_TLBFLUSH_H

#include <linux/types.h>

#define TLB_NR_DYN_ASIDS	6

struct mm_struct {
	unsigned long pgd;	/* direct-map address of the kernel PGD of the pair */
	unsigned long asid;	/* this address space's ASID (assigned at boot) */
	unsigned long ctx_id;	/* unique per mm, never reused */
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

#endif /* _ASM_X86_TLBFLUSH_H */
