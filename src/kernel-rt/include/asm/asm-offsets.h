/*
 * asm/asm-offsets.h - structure offsets that assembly needs.
 *
 * GENERATED LATER by the asm-offsets step from the handler-C declarations of
 * the model kernel (see docs: handler-C, asm-offsets). Until that exists this
 * copy is written by hand: KEEP IT IN SYNC with the C structures and the boot
 * builder. Every value here is a byte offset or a size.
 */
#ifndef _ASM_X86_ASM_OFFSETS_H
#define _ASM_X86_ASM_OFFSETS_H

/*
 * struct pt_regs (asm/ptrace-abi.h has the field table). pt_regs_<field>
 * names the same offsets for code generated from C.
 */
#define PTREGS_SIZE		168
#define pt_regs_bx		40
#define pt_regs_cx		88
#define pt_regs_dx		96
#define pt_regs_sp		152
#define pt_regs_bp		32
#define pt_regs_si		104
#define pt_regs_di		112
#define pt_regs_r8		72
#define pt_regs_r9		64
#define pt_regs_r10		56
#define pt_regs_r11		48
#define pt_regs_r12		24
#define pt_regs_r13		16
#define pt_regs_r14		8
#define pt_regs_r15		0
#define pt_regs_flags		144

/*
 * struct tss_struct begins with the 64-bit hardware TSS (SDM vol. 3, 8.7),
 * which has no padding: the stack pointers are not 8-byte aligned.
 *
 *   offset  size  field
 *   0       4     reserved
 *   4       8     sp0   RSP for CPL 0: top of the per-CPU entry (trampoline) stack
 *   12      8     sp1   RSP for CPL 1, unused by hardware: cpu_current_top_of_stack
 *   20      8     sp2   RSP for CPL 2, unused by hardware: scratch for the user RSP
 *   28      8     reserved
 *   36      56    ist[0..6]   interrupt stack table 1..7
 *   92      8     reserved
 *   100     2     reserved
 *   102     2     io_bitmap_base
 */
#define TSS_sp0			4
#define TSS_sp1			12
#define TSS_sp2			20
#define TSS_ist			36
#define TSS_io_bitmap_base	102
#define TSS_size		104

/*
 * struct tlb_state (per CPU, cpu_tlbstate): the model kernel's layout.
 *   0   loaded_mm  8   last_user_mm  16 loaded_mm_asid (u16)  18 next_asid (u16)
 *   20  is_lazy    21  invalidate_other  22 user_pcid_flush_mask (u16)  24 cr4
 */
#define TLB_STATE_loaded_mm_asid	16
#define TLB_STATE_user_pcid_flush_mask	22
#define TLB_STATE_cr4			24

/*
 * struct task_struct: the model kernel's layout, provisional until the C
 * runtime exists. thread.sp is the saved kernel stack pointer used by
 * __switch_to_asm.
 */
#define TASK_threadsp		16
#define TASK_stack		8

#endif /* _ASM_X86_ASM_OFFSETS_H */
