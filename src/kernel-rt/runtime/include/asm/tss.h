/*
 * asm/tss.h - the 64-bit TSS (SDM vol. 3, 8.7) as the kernel keeps it: one
 * page-aligned struct tss_struct per CPU, cpu_tss_rw, in per-CPU data. The
 * CPU reads the same frame through the cpu_entry_area alias (the TR base),
 * so it stays mapped on the user page table too; PTI also clones the
 * cpu_tss_rw page itself, because entry_SYSCALL_64 parks the user RSP in
 * sp2 before it switches CR3.
 */
#ifndef _ASM_X86_TSS_H
#define _ASM_X86_TSS_H

#include <linux/types.h>

/* No padding: the hardware layout has 8-byte fields at offset 4 (SDM figure 8-11). */
struct x86_hw_tss {
	u32 reserved1;
	u64 sp0;		/* top of the entry (trampoline) stack */
	u64 sp1;		/* cpu_current_top_of_stack: the task's stack top */
	u64 sp2;		/* scratch: the user RSP during SYSCALL entry */
	u64 reserved2;
	u64 ist[7];		/* IST1..IST7: #DF, NMI stacks in the cpu_entry_area */
	u32 reserved3;
	u32 reserved4;
	u16 reserved5;
	u16 io_bitmap_base;	/* past the limit: no I/O bitmap */
} __attribute__((packed));

struct tss_struct {
	struct x86_hw_tss x86_tss;
} __attribute__((aligned(4096)));

#endif /* _ASM_X86_TSS_H */
