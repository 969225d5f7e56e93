/*
 * entry_64.S - the baseline 64-bit entry code of the model kernel.
 *
 * This is the code under study: the way into and out of the kernel for
 * system calls, laid out as Linux v5.10's arch/x86/entry/entry_64.S so that a
 * reader of one recognises the other, with the PTI page-table switch done in
 * assembly (SWITCH_TO_KERNEL_CR3 / SWITCH_TO_USER_CR3_*, from calling.h).
 * The patch series in programs/patches/ move that switch into C.
 *
 * Built with -D__ASSEMBLY__ and the kernel configuration as -D options
 * (CONFIG_SMP, CONFIG_PAGE_TABLE_ISOLATION, CONFIG_DEBUG_ENTRY).
 *
 * Layout of this file:
 *   entry_SYSCALL_64                  SYSCALL entry, through the SYSRET exit
 *   common_interrupt_return           the IRET exit to user mode (and to kernel mode),
 *                                     shared with the idtentry stubs (added later)
 *
 * Stacks, per CPU (see asm/asm-offsets.h for the TSS fields):
 *   TSS.sp0   top of the entry (trampoline) stack in cpu_entry_area: mapped in
 *             both page tables; the CPU switches to it on an interrupt from user mode
 *   TSS.sp1   cpu_current_top_of_stack: top of the running task's kernel stack
 *   TSS.sp2   scratch slot for the user RSP during SYSCALL entry
 */

#include <linux/linkage.h>
#include <asm/segment.h>
#include <asm/errno.h>
#include <asm/asm-offsets.h>
#include <asm/msr-index.h>
#include <asm/page_types.h>
#include <asm/percpu.h>
#include <asm/processor.h>
#include <asm/processor-flags.h>
#include <asm/cpufeatures.h>
#include <asm/alternative.h>
#include <asm/smap.h>
#include <asm/unwind_hints.h>
#include "calling.h"

	.code64
	.section .entry.text, "ax"

/*
 * entry_SYSCALL_64 - the MSR_LSTAR target: every 64-bit SYSCALL lands here.
 *
 * What SYSCALL did (SDM vol. 2, SYSCALL): RCX = user RIP, R11 = user RFLAGS,
 * RFLAGS &= ~MSR_SYSCALL_MASK (IF, TF, DF, AC... cleared), CS/SS loaded from
 * MSR_STAR as __KERNEL_CS/__KERNEL_DS, CPL = 0. What it did not do: switch
 * RSP (still the user stack), GS base (still the user's) or CR3 (still the
 * user page table under PTI). Those three are this stub's first job, in that
 * order, with no free register: RSP is parked in the TSS scratch slot and
 * then serves as the scratch register of the CR3 switch.
 *
 * Registers on entry (the syscall ABI):
 *   rax  system call number          rdi, rsi, rdx, r10, r8, r9  arguments 1-6
 *   rcx  return address              r11  saved RFLAGS
 *
 * On the kernel stack a struct pt_regs is built by hand in the shape the CPU
 * would push on an interrupt, so the exits and the C code see one frame format.
 */
SYM_CODE_START(entry_SYSCALL_64)
	UNWIND_HINT_EMPTY

	swapgs					/* GS base := this CPU's per-CPU area */
	/* The user stack pointer has nowhere else to go: TSS.sp2 is free. */
	movq	%rsp, PER_CPU_VAR(cpu_tss_rw + TSS_sp2)
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rsp
	movq	PER_CPU_VAR(cpu_current_top_of_stack), %rsp

SYM_INNER_LABEL(entry_SYSCALL_64_safe_stack, SYM_L_GLOBAL)

	/* The hardware-style frame: what an interrupt from user mode would push. */
	pushq	$__USER_DS				/* pt_regs->ss */
	pushq	PER_CPU_VAR(cpu_tss_rw + TSS_sp2)	/* pt_regs->sp */
	pushq	%r11					/* pt_regs->flags */
	pushq	$__USER_CS				/* pt_regs->cs */
	pushq	%rcx					/* pt_regs->ip */
SYM_INNER_LABEL(entry_SYSCALL_64_after_hwframe, SYM_L_GLOBAL)
	pushq	%rax					/* pt_regs->orig_ax */

	/* Result defaults to -ENOSYS: an unknown number returns it untouched. */
	PUSH_AND_CLEAR_REGS rax=$-ENOSYS

	/* do_syscall_64(nr, regs), entered and left with interrupts off. */
	movq	%rax, %rdi
	movq	%rsp, %rsi
	call	do_syscall_64

	/*
	 * Leave with SYSRET when the frame allows it: it is cheaper than IRET but
	 * restores less. SYSRET loads RIP from RCX and RFLAGS from R11 and forces
	 * CS/SS to the __USER_CS/__USER_DS selectors (SDM vol. 2, SYSRET); every
	 * pt_regs field it cannot restore must already hold what it would set.
	 * Anything else (ptrace, signals, a changed frame) takes the IRET path.
	 */
	movq	RCX(%rsp), %rcx
	movq	RIP(%rsp), %r11

	/* SYSRET returns to RCX, so pt_regs->ip must equal pt_regs->cx. */
	cmpq	%rcx, %r11
	jne	swapgs_restore_regs_and_return_to_usermode

	/*
	 * A non-canonical RCX makes SYSRET raise #GP on Intel CPUs after the
	 * switch to CPL 3 has begun, i.e. in kernel mode on the user stack (SDM
	 * vol. 2, SYSRET: "#GP(0) if RCX is not canonical"). Sign-extend from
	 * bit 47: a canonical address is unchanged by it.
	 */
	shl	$(64 - (__VIRTUAL_MASK_SHIFT + 1)), %rcx
	sar	$(64 - (__VIRTUAL_MASK_SHIFT + 1)), %rcx

	cmpq	%rcx, %r11
	jne	swapgs_restore_regs_and_return_to_usermode

	/* SYSRET can only return to the flat 64-bit user code segment. */
	cmpq	$__USER_CS, CS(%rsp)
	jne	swapgs_restore_regs_and_return_to_usermode

	/* SYSRET restores RFLAGS from R11: pt_regs->r11 must equal pt_regs->flags. */
	movq	R11(%rsp), %r11
	cmpq	%r11, EFLAGS(%rsp)
	jne	swapgs_restore_regs_and_return_to_usermode

	/*
	 * SYSRET cannot restore RF (it is always cleared), and with TF set the
	 * single-step trap would hit the first user instruction with the kernel
	 * still half-exited. Let IRET handle both.
	 */
	testq	$(X86_EFLAGS_RF | X86_EFLAGS_TF), %r11
	jnz	swapgs_restore_regs_and_return_to_usermode

	/* The user RSP is restored by a plain pop: nothing to check. */

	/* SYSRET reloads SS with __USER_DS. */
	cmpq	$__USER_DS, SS(%rsp)
	jne	swapgs_restore_regs_and_return_to_usermode

	/*
	 * SYSRET it is. No jump lands here; the label only names the exit in
	 * profiles and traces.
	 */
syscall_return_via_sysret:
	/* %rcx and %r11 already hold the user RIP and RFLAGS. */
	POP_REGS pop_rdi=0 skip_r11rcx=1

	/*
	 * Everything but RSP and RDI is the user's again. The CR3 switch needs a
	 * stack that stays mapped on the user page table: move to the per-CPU
	 * entry (trampoline) stack, carrying the two values still to restore.
	 */
	movq	%rsp, %rdi
	movq	PER_CPU_VAR(cpu_tss_rw + TSS_sp0), %rsp
	UNWIND_HINT_EMPTY

	pushq	RSP-RDI(%rdi)			/* user RSP */
	pushq	(%rdi)				/* user RDI */

	/* On the trampoline stack now: only %rdi is not yet the user's. */
	SWITCH_TO_USER_CR3_STACK scratch_reg=%rdi

	popq	%rdi
	popq	%rsp
	swapgs					/* GS base := the user's */
	sysretq
SYM_CODE_END(entry_SYSCALL_64)

/*
 * common_interrupt_return - the IRET exits.
 *
 * Entered with %rsp at a complete pt_regs on the task's kernel stack (or, for
 * paranoid entries, on an IST stack). The exit to user mode is the general
 * one: it works for any frame, including those SYSRET refuses.
 */
SYM_CODE_START_LOCAL(common_interrupt_return)
SYM_INNER_LABEL(swapgs_restore_regs_and_return_to_usermode, SYM_L_GLOBAL)
#ifdef CONFIG_DEBUG_ENTRY
	/* The frame must say user mode: the RPL of the saved CS is 3. */
	testb	$SEGMENT_RPL_MASK, CS(%rsp)
	jnz	1f
	ud2
1:
#endif
	POP_REGS pop_rdi=0

	/*
	 * Left on the stack: user RDI, orig_ax, then the IRET frame ip, cs,
	 * flags, sp, ss. Copy the frame and RDI to the trampoline stack, which
	 * stays mapped after the switch to the user page table.
	 */
	movq	%rsp, %rdi
	movq	PER_CPU_VAR(cpu_tss_rw + TSS_sp0), %rsp
	UNWIND_HINT_EMPTY

	pushq	6*8(%rdi)			/* ss */
	pushq	5*8(%rdi)			/* sp */
	pushq	4*8(%rdi)			/* flags */
	pushq	3*8(%rdi)			/* cs */
	pushq	2*8(%rdi)			/* ip */
	pushq	(%rdi)				/* user RDI, popped last */

	SWITCH_TO_USER_CR3_STACK scratch_reg=%rdi

	popq	%rdi
	swapgs
	iretq

SYM_INNER_LABEL(restore_regs_and_return_to_kernel, SYM_L_GLOBAL)
#ifdef CONFIG_DEBUG_ENTRY
	/* The frame must say kernel mode. */
	testb	$SEGMENT_RPL_MASK, CS(%rsp)
	jz	2f
	ud2
2:
#endif
	/* Same page table, same GS, same stack: restore and return. */
	POP_REGS
	addq	$8, %rsp			/* skip orig_ax */
	UNWIND_HINT_IRET_REGS
	iretq
SYM_CODE_END(common_interrupt_return)
