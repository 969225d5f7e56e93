/*
 * calling.h - the macros entry code is written with (the counterpart of
 * arch/x86/entry/calling.h in Linux v5.10): building and tearing down
 * struct pt_regs, and the PTI page-table switch.
 *
 * Register saving
 *   PUSH_REGS / PUSH_AND_CLEAR_REGS push the general registers below an
 *   already pushed hardware frame and orig_ax, completing a pt_regs (layout in
 *   asm/ptrace-abi.h). CLEAR_REGS zeroes the registers that C code does not
 *   need, so user values cannot steer speculation. POP_REGS undoes PUSH_REGS.
 *
 * PTI (page-table isolation)
 *   Each address space has an 8 KiB, 8 KiB-aligned PGD pair: the kernel PGD
 *   in the first 4 KiB, the user PGD (user memory plus the entry text and
 *   cpu_entry_area only) in the second. So CR3 bit 12 selects the half. With
 *   PCID, the user half also runs under its own PCID, the kernel's with bit 11
 *   set, so that neither flushes the other's TLB entries.
 *
 *   Kernel -> user: a user PCID is written with the no-flush bit (CR3 bit 63)
 *   unless the kernel flagged that PCID in the per-CPU
 *   cpu_tlbstate.user_pcid_flush_mask (it does so when it changes user
 *   mappings while that PCID's entries may still be cached); the flag is
 *   consumed by the write that flushes.
 *
 *   All of it is compiled in under CONFIG_PAGE_TABLE_ISOLATION and enabled at
 *   boot through ALTERNATIVE sites: without X86_FEATURE_PTI each switch is a
 *   single jmp over itself; without X86_FEATURE_PCID the PCID part is skipped.
 */
#ifndef _ENTRY_CALLING_H
#define _ENTRY_CALLING_H

#include <linux/linkage.h>
#include <asm/asm.h>
#include <asm/unwind_hints.h>
#include <asm/percpu.h>
#include <asm/cpufeatures.h>
#include <asm/alternative.h>
#include <asm/processor-flags.h>
#include <asm/page_types.h>
#include <asm/ptrace-abi.h>
#include <asm/asm-offsets.h>
#include <asm/segment.h>

#ifdef __ASSEMBLY__

/*
 * PUSH_REGS: push di..r15 so that, with the hardware frame and orig_ax already
 * on the stack, %rsp points at a complete pt_regs.
 *   rdx=, rax=    what to store in the dx and ax slots (a register or $imm:
 *                 the SYSCALL path stores $-ENOSYS as the default result)
 *   save_ret=1    the caller was reached by a call: its return address sits
 *                 where di belongs; move it to the top of the new frame.
 */
.macro PUSH_REGS rdx=%rdx rax=%rax save_ret=0
	.if \save_ret
	pushq	%rsi			/* pt_regs->si */
	movq	8(%rsp), %rsi		/* the return address, parked in %rsi */
	movq	%rdi, 8(%rsp)		/* pt_regs->di, over the return address */
	.else
	pushq	%rdi			/* pt_regs->di */
	pushq	%rsi			/* pt_regs->si */
	.endif
	pushq	\rdx			/* pt_regs->dx */
	pushq	%rcx			/* pt_regs->cx */
	pushq	\rax			/* pt_regs->ax */
	pushq	%r8			/* pt_regs->r8 */
	pushq	%r9			/* pt_regs->r9 */
	pushq	%r10			/* pt_regs->r10 */
	pushq	%r11			/* pt_regs->r11 */
	pushq	%rbx			/* pt_regs->bx */
	pushq	%rbp			/* pt_regs->bp */
	pushq	%r12			/* pt_regs->r12 */
	pushq	%r13			/* pt_regs->r13 */
	pushq	%r14			/* pt_regs->r14 */
	pushq	%r15			/* pt_regs->r15 */
	UNWIND_HINT_REGS

	.if \save_ret
	pushq	%rsi			/* back on top, for the caller's ret */
	.endif
.endm

/*
 * CLEAR_REGS: zero every general register that still holds a user value and
 * is not an argument of the C handler (di, si) nor the stack pointer. A 32-bit
 * xor clears the whole 64-bit register (SDM vol. 1, 3.4.1.1).
 */
.macro CLEAR_REGS
	xorl	%edx, %edx
	xorl	%ecx, %ecx
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%ebx, %ebx
	xorl	%ebp, %ebp
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
.endm

.macro PUSH_AND_CLEAR_REGS rdx=%rdx rax=%rax save_ret=0
	PUSH_REGS rdx=\rdx, rax=\rax, save_ret=\save_ret
	CLEAR_REGS
.endm

/*
 * POP_REGS: reload the registers from pt_regs, leaving %rsp at orig_ax (or at
 * di when pop_rdi=0, for exits that still need one scratch register).
 *   skip_r11rcx=1  the SYSRET path already loaded %r11 (flags) and %rcx (ip):
 *                  their slots are popped into %rsi, which is reloaded later.
 */
.macro POP_REGS pop_rdi=1 skip_r11rcx=0
	popq	%r15
	popq	%r14
	popq	%r13
	popq	%r12
	popq	%rbp
	popq	%rbx
	.if \skip_r11rcx
	popq	%rsi			/* discard r11 */
	.else
	popq	%r11
	.endif
	popq	%r10
	popq	%r9
	popq	%r8
	popq	%rax
	.if \skip_r11rcx
	popq	%rsi			/* discard cx */
	.else
	popq	%rcx
	.endif
	popq	%rdx
	popq	%rsi
	.if \pop_rdi
	popq	%rdi
	.endif
.endm

#ifdef CONFIG_PAGE_TABLE_ISOLATION

/* CR3 bit 12: the user half of the 8 KiB PGD pair. */
#define PTI_USER_PGTABLE_BIT		PAGE_SHIFT
#define PTI_USER_PGTABLE_MASK		(1 << PTI_USER_PGTABLE_BIT)
/* CR3 bit 11: the user PCID of a kernel PCID. */
#define PTI_USER_PCID_BIT		X86_CR3_PTI_PCID_USER_BIT
#define PTI_USER_PCID_MASK		(1 << PTI_USER_PCID_BIT)
#define PTI_USER_PGTABLE_AND_PCID_MASK	(PTI_USER_PCID_MASK | PTI_USER_PGTABLE_MASK)

/*
 * The PCIDs the kernel hands out (ASIDs) fit below the user bit; only these
 * bits index user_pcid_flush_mask.
 */
#define PTI_ASID_MASK			(PTI_USER_PCID_MASK - 1)

/* This CPU's pending-flush bitmap, one bit per kernel ASID. */
#define THIS_CPU_user_pcid_flush_mask	\
	PER_CPU_VAR(cpu_tlbstate) + TLB_STATE_user_pcid_flush_mask

/* CR3 writes with bit 63 set keep the TLB entries of the new PCID (SDM vol. 3, 4.10.4.1). */
.macro SET_NOFLUSH_BIT reg:req
	bts	$X86_CR3_PCID_NOFLUSH_BIT, \reg
.endm

/*
 * Turn a CR3 value into the kernel one: clear the user-half and user-PCID
 * bits. Kernel PCIDs are never flushed by the switch (the kernel flushes them
 * explicitly), so with PCID the no-flush bit is set as well.
 */
.macro ADJUST_KERNEL_CR3 reg:req
	ALTERNATIVE "", "SET_NOFLUSH_BIT \reg", X86_FEATURE_PCID
	andq	$(~PTI_USER_PGTABLE_AND_PCID_MASK), \reg
.endm

/*
 * SWITCH_TO_KERNEL_CR3 scratch_reg: at kernel entry, from whatever CR3 is
 * live (user or kernel) to the kernel page table. \scratch_reg is clobbered;
 * the SYSCALL path passes %rsp because the user RSP is already saved and no
 * other register is free.
 */
.macro SWITCH_TO_KERNEL_CR3 scratch_reg:req
	ALTERNATIVE "jmp .Lend_\@", "", X86_FEATURE_PTI
	mov	%cr3, \scratch_reg
	ADJUST_KERNEL_CR3 \scratch_reg
	mov	\scratch_reg, %cr3
.Lend_\@:
.endm

/*
 * SWITCH_TO_USER_CR3_NOSTACK scratch_reg scratch_reg2: on the way out, to the
 * user page table (and the user PCID), flushing that PCID only if the kernel
 * asked for it. Both registers are clobbered; nothing is pushed, so the
 * current stack may already be unusable.
 */
.macro SWITCH_TO_USER_CR3_NOSTACK scratch_reg:req scratch_reg2:req
	ALTERNATIVE "jmp .Lend_\@", "", X86_FEATURE_PTI
	mov	%cr3, \scratch_reg

	ALTERNATIVE "jmp .Lwrcr3_\@", "", X86_FEATURE_PCID

	/* Is a flush of this ASID's user PCID pending? */
	movq	\scratch_reg, \scratch_reg2
	andq	$PTI_ASID_MASK, \scratch_reg
	bt	\scratch_reg, THIS_CPU_user_pcid_flush_mask
	jnc	.Lnoflush_\@

	/* Yes: consume the request and write CR3 without the no-flush bit. */
	btr	\scratch_reg, THIS_CPU_user_pcid_flush_mask
	movq	\scratch_reg2, \scratch_reg
	jmp	.Lwrcr3_pcid_\@

.Lnoflush_\@:
	movq	\scratch_reg2, \scratch_reg
	SET_NOFLUSH_BIT \scratch_reg

.Lwrcr3_pcid_\@:
	/* The user PCID of this ASID. */
	orq	$(PTI_USER_PCID_MASK), \scratch_reg

.Lwrcr3_\@:
	/* The user half of the PGD pair. */
	orq	$(PTI_USER_PGTABLE_MASK), \scratch_reg
	mov	\scratch_reg, %cr3
.Lend_\@:
.endm

/* As above, with %rax borrowed through the stack as the second scratch register. */
.macro SWITCH_TO_USER_CR3_STACK scratch_reg:req
	pushq	%rax
	SWITCH_TO_USER_CR3_NOSTACK scratch_reg=\scratch_reg scratch_reg2=%rax
	popq	%rax
.endm

/*
 * SAVE_AND_SWITCH_TO_KERNEL_CR3 scratch_reg save_reg: for entries that may
 * interrupt the kernel itself (NMI, #MC, paranoid exceptions): remember the
 * CR3 found in \save_reg, and switch only if it was a user one.
 */
.macro SAVE_AND_SWITCH_TO_KERNEL_CR3 scratch_reg:req save_reg:req
	ALTERNATIVE "jmp .Ldone_\@", "", X86_FEATURE_PTI
	movq	%cr3, \scratch_reg
	movq	\scratch_reg, \save_reg
	/* Already on the kernel half: nothing to do. */
	bt	$PTI_USER_PGTABLE_BIT, \scratch_reg
	jnc	.Ldone_\@

	ADJUST_KERNEL_CR3 \scratch_reg
	movq	\scratch_reg, %cr3

.Ldone_\@:
.endm

/*
 * RESTORE_CR3 scratch_reg save_reg: the paranoid exit, back to the CR3 saved
 * by SAVE_AND_SWITCH_TO_KERNEL_CR3. A kernel CR3 is restored without a flush;
 * a user one is flushed only if its ASID has a pending request.
 */
.macro RESTORE_CR3 scratch_reg:req save_reg:req
	ALTERNATIVE "jmp .Lend_\@", "", X86_FEATURE_PTI

	ALTERNATIVE "jmp .Lwrcr3_\@", "", X86_FEATURE_PCID

	bt	$PTI_USER_PGTABLE_BIT, \save_reg
	jnc	.Lnoflush_\@

	movq	\save_reg, \scratch_reg
	andq	$PTI_ASID_MASK, \scratch_reg
	bt	\scratch_reg, THIS_CPU_user_pcid_flush_mask
	jnc	.Lnoflush_\@

	btr	\scratch_reg, THIS_CPU_user_pcid_flush_mask
	jmp	.Lwrcr3_\@

.Lnoflush_\@:
	SET_NOFLUSH_BIT \save_reg

.Lwrcr3_\@:
	/* Written even when unchanged: comparing would need CR3 read into a register. */
	movq	\save_reg, %cr3
.Lend_\@:
.endm

#else /* !CONFIG_PAGE_TABLE_ISOLATION: one page table, the switches vanish. */

.macro SWITCH_TO_KERNEL_CR3 scratch_reg:req
.endm
.macro SWITCH_TO_USER_CR3_NOSTACK scratch_reg:req scratch_reg2:req
.endm
.macro SWITCH_TO_USER_CR3_STACK scratch_reg:req
.endm
.macro SAVE_AND_SWITCH_TO_KERNEL_CR3 scratch_reg:req save_reg:req
.endm
.macro RESTORE_CR3 scratch_reg:req save_reg:req
.endm

#endif /* CONFIG_PAGE_TABLE_ISOLATION */

/*
 * LOAD_CPU_AND_NODE_SEG_LIMIT reg: cpu | node << 12 without RDPID: LSL reads
 * the limit of the GDT's CPUNODE segment, which the boot set per CPU as
 * Linux's setup_getcpu does (DPL 3, so LSL sees it from any CPL).
 */
.macro LOAD_CPU_AND_NODE_SEG_LIMIT reg:req
	movq	$__CPUNODE_SEG, \reg
	lsl	\reg, \reg
.endm

/*
 * GET_PERCPU_BASE reg: this CPU's per-CPU base, found without GS. The CPU
 * number comes from RDPID (IA32_TSC_AUX, set at boot to cpu | node << 12)
 * or, on a CPU without it, from the CPUNODE segment's limit; the node bits
 * are masked off and __per_cpu_offset[] indexed with the rest: what each CPU
 * records there when it comes up (main.c).
 */
.macro GET_PERCPU_BASE reg:req
	ALTERNATIVE "LOAD_CPU_AND_NODE_SEG_LIMIT \reg", "rdpid \reg", X86_FEATURE_RDPID
	andq	$VDSO_CPUNODE_MASK, \reg
	movq	__per_cpu_offset(, \reg, 8), \reg
.endm

/*
 * SAVE_AND_SET_GSBASE scratch_reg save_reg: with FSGSBASE, for the paranoid
 * entries. User space may load any GS base, a negative one too, so the one
 * found tells nothing: save it in \save_reg, whatever it is, and load this
 * CPU's kernel GS base from __per_cpu_offset. paranoid_exit writes it back.
 * The write is unconditional, so no later load can speculate on a wrong GS
 * base and no LFENCE is needed (Linux's reasoning, v5.10).
 */
.macro SAVE_AND_SET_GSBASE scratch_reg:req save_reg:req
	rdgsbase \save_reg
	GET_PERCPU_BASE \scratch_reg
	wrgsbase \scratch_reg
.endm

#endif /* __ASSEMBLY__ */

#endif /* _ENTRY_CALLING_H */
