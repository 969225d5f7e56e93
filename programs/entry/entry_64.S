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
 *                                     shared with the idtentry stubs
 *   idtentry, error_entry, paranoid_* the exception and interrupt stubs, generated
 *                                     from <asm/idtentry.h>, and asm_exc_nmi
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
SYM_INNER_LABEL(native_irq_return_iret, SYM_L_GLOBAL)
	/* A fault here is the user frame's: error_entry recognises this address. */
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

/*
 * The idtentry stubs: every exception and interrupt vector enters through one.
 *
 * What the CPU did (SDM vol. 3A, 6.14): through an interrupt gate, IF is now
 * clear. From user mode it loaded RSP from TSS.sp0 - the per-CPU entry stack,
 * mapped on both page tables - and pushed SS, RSP, RFLAGS, CS, RIP there (6.14.2,
 * RSP first aligned down to 16 bytes), then the error code for the vectors that
 * have one (6.13). From kernel mode it pushed the same frame on the current
 * stack; an IST gate (6.14.5) switches to TSS.ist[n] either way. GS base and
 * CR3 are untouched: still the user's when the CPU came from user mode.
 *
 * A stub makes the frame uniform (orig_ax = -1 when the CPU pushed no error
 * code), lets error_entry build the pt_regs and leave the entry stack, calls
 * the C handler with (regs[, error_code]) and leaves through error_return.
 */
.macro idtentry_body cfunc has_error_code:req
	call	error_entry
	UNWIND_HINT_REGS
	movq	%rsp, %rdi			/* struct pt_regs *, first argument */
	.if \has_error_code == 1
	movq	ORIG_RAX(%rsp), %rsi		/* the error code, second argument */
	movq	$-1, ORIG_RAX(%rsp)		/* no system call to restart */
	.endif
	call	\cfunc
	jmp	error_return
.endm

.macro idtentry vector asmsym cfunc has_error_code:req
SYM_CODE_START(\asmsym)
	UNWIND_HINT_IRET_REGS offset=\has_error_code*8
	ASM_CLAC
	.if \has_error_code == 0
	pushq	$-1				/* pt_regs->orig_ax: no error code */
	.endif
	idtentry_body \cfunc \has_error_code
SYM_CODE_END(\asmsym)
.endm

/*
 * idtentry_df: #DF runs on its IST stack, whatever the CPU was doing, and
 * may have interrupted the kernel between SWAPGS and the CR3 switch: only
 * paranoid_entry can tell which GS and CR3 are loaded. The handler does not
 * return to a faulting context (a double fault is not restartable, SDM vol.
 * 3A, 6.15 interrupt 8), but the exit is written for completeness.
 */
.macro idtentry_df vector asmsym cfunc
SYM_CODE_START(\asmsym)
	UNWIND_HINT_IRET_REGS offset=8
	ASM_CLAC
	call	paranoid_entry
	UNWIND_HINT_REGS
	movq	%rsp, %rdi			/* struct pt_regs * */
	movq	ORIG_RAX(%rsp), %rsi		/* the error code (always 0 for #DF) */
	movq	$-1, ORIG_RAX(%rsp)
	call	\cfunc
	jmp	paranoid_exit
SYM_CODE_END(\asmsym)
.endm

/*
 * The stubs themselves: every DECLARE_IDTENTRY* line of <asm/idtentry.h> is
 * one of the macros above, and the header adds the per-vector stubs of the
 * external interrupts (irq_entries_start).
 */
#define EMIT_IDTENTRY_STUBS
#include <asm/idtentry.h>

/*
 * error_entry - called by every non-paranoid stub with the hardware frame and
 * orig_ax on the stack: saves the registers into a pt_regs and, when the CPU
 * came from user mode, does the user-to-kernel switch - SWAPGS, the kernel CR3
 * - and moves the pt_regs from the per-CPU entry stack to the task's stack
 * (sync_regs), so that the handler may sleep or schedule. Returns with %rsp at
 * the pt_regs.
 */
SYM_CODE_START_LOCAL(error_entry)
	UNWIND_HINT_FUNC
	cld
	PUSH_AND_CLEAR_REGS save_ret=1
	testb	$SEGMENT_RPL_MASK, CS+8(%rsp)
	jz	.Lerror_kernelspace

	/* From user mode: GS base and CR3 are the user's. */
	swapgs
.Lerror_entry_from_usermode_after_swapgs:
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rax

	/* Off the entry stack: the next entry on this CPU would overwrite it. */
	popq	%r12				/* our return address */
	movq	%rsp, %rdi
	call	sync_regs
	movq	%rax, %rsp
	pushq	%r12
	ret

.Lerror_kernelspace:
	/*
	 * From kernel mode: the kernel's GS and CR3 are loaded - except when the
	 * IRETQ to user mode itself faulted (a bad user frame, SDM vol. 3A, 6.14.3
	 * / IRET's #GP conditions): that fault arrives in kernel mode after the
	 * SWAPGS and the CR3 switch back to the user's. Redo the switch and report
	 * the fault as the user task's.
	 */
	leaq	native_irq_return_iret(%rip), %rcx
	cmpq	%rcx, RIP+8(%rsp)
	je	.Lerror_bad_iret
	ret

.Lerror_bad_iret:
	swapgs
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rax
	/* fixup_bad_iret builds the user frame the IRETQ was loading on the task stack. */
	popq	%r12
	movq	%rsp, %rdi
	call	fixup_bad_iret
	movq	%rax, %rsp
	pushq	%r12
	ret
SYM_CODE_END(error_entry)

/* error_return - after a non-paranoid handler: the exit matching the frame's mode. */
SYM_CODE_START_LOCAL(error_return)
	UNWIND_HINT_REGS
	testb	$SEGMENT_RPL_MASK, CS(%rsp)
	jz	restore_regs_and_return_to_kernel
	jmp	swapgs_restore_regs_and_return_to_usermode
SYM_CODE_END(error_return)

/*
 * paranoid_entry - for the IST vectors (#DF, NMI from kernel mode), which may
 * interrupt the kernel anywhere, even between SWAPGS and the CR3 switch of an
 * entry or exit. Neither the saved CS nor anything else tells which GS base
 * and CR3 are loaded, so both are looked at directly:
 *   CR3: saved in %r14, switched to the kernel's if it was a user one;
 *   GS:  how depends on X86_FEATURE_FSGSBASE, as in Linux v5.10:
 *
 *   without it (.Lparanoid_entry_checkgs in Linux): the kernel's GS base is a
 *     kernel address (negative), and a user one never is: user space can only
 *     set it through the kernel (Linux's arch_prctl refuses kernel addresses;
 *     the model kernel has no such call). Read
 *     MSR_GS_BASE and test its sign: %ebx = 1 when the kernel's was loaded,
 *     0 when SWAPGS was needed (and paranoid_exit SWAPGSes back).
 *   with it: CR4.FSGSBASE lets user space WRGSBASE any canonical value, a
 *     negative one too, so the sign proves nothing; a user GS base that looks
 *     like the kernel's would make the MSR test skip SWAPGS and run the
 *     handler's per-CPU accesses on the user's GS base. So SAVE_AND_SET_GSBASE:
 *     %rbx := the GS base found, whatever it is, and GS base := this CPU's,
 *     from RDPID (or LSL) and __per_cpu_offset (calling.h). paranoid_exit
 *     restores %rbx with WRGSBASE; no SWAPGS, KERNEL_GS_BASE is never touched.
 *
 * Linux writes the choice as ALTERNATIVE "jmp .Lparanoid_entry_checkgs", "",
 * with the FSGSBASE path inline after it. Here the site is the MSR test's
 * first instruction and the replacement a JMP to the FSGSBASE path (the
 * boot re-aims a replacement's leading JMP, as Linux's apply_alternatives
 * does): a machine without the feature runs exactly the instructions it ran
 * before the FSGSBASE path existed, not one JMP or NOP more.
 */
SYM_CODE_START_LOCAL(paranoid_entry)
	UNWIND_HINT_FUNC
	cld
	PUSH_AND_CLEAR_REGS save_ret=1
	SAVE_AND_SWITCH_TO_KERNEL_CR3 scratch_reg=%rax save_reg=%r14

	ALTERNATIVE "movl $1, %ebx", "jmp .Lparanoid_entry_fsgsbase", X86_FEATURE_FSGSBASE
	movl	$MSR_GS_BASE, %ecx
	rdmsr
	testl	%edx, %edx
	js	1f				/* negative: the kernel's GS base */
	swapgs
	xorl	%ebx, %ebx			/* SWAPGS again on the way out */
1:	ret

.Lparanoid_entry_fsgsbase:
	/* No LFENCE: the unconditional WRGSBASE leaves nothing to mispredict. */
	SAVE_AND_SET_GSBASE scratch_reg=%rax save_reg=%rbx
	ret
SYM_CODE_END(paranoid_entry)

/*
 * paranoid_exit - undo paranoid_entry: CR3 first (RESTORE_CR3 reads a per-CPU
 * variable, so it needs the kernel GS), then GS: without FSGSBASE, SWAPGS if
 * paranoid_entry did (.Lparanoid_exit_checkgs in Linux); with it, WRGSBASE of
 * the GS base saved in %rbx, unconditionally, as Linux v5.10 does. The site
 * is laid out as paranoid_entry's, for the same reason.
 */
SYM_CODE_START_LOCAL(paranoid_exit)
	UNWIND_HINT_REGS
	RESTORE_CR3 scratch_reg=%rax save_reg=%r14
	ALTERNATIVE "testl %ebx, %ebx; jnz 1f", "jmp .Lparanoid_exit_fsgsbase", X86_FEATURE_FSGSBASE
	swapgs
1:
.Lparanoid_exit_restore:
	POP_REGS
	addq	$8, %rsp			/* skip orig_ax */
	UNWIND_HINT_IRET_REGS
	iretq

.Lparanoid_exit_fsgsbase:
	wrgsbase %rbx				/* the GS base paranoid_entry found */
	jmp	.Lparanoid_exit_restore
SYM_CODE_END(paranoid_exit)

/*
 * asm_exc_nmi - the NMI stub, on the NMI IST stack. The CPU blocks further
 * NMIs from an NMI's delivery until the next IRET - any IRET (SDM vol. 3A,
 * 6.7.1). So when the handler takes an exception (a #BP, a #DB, a page fault
 * reading user memory), that exception's IRET lets a second NMI in while the
 * first still runs, and the second NMI's frame lands where the first's is:
 * TSS.IST points at the same top every time. The two paths:
 *
 *   from user mode: like error_entry, SWAPGS, kernel CR3, and the frame moved
 *     to the task's stack; the exit is the ordinary one to user mode. Nothing
 *     runs on the NMI stack after the move, so a nested NMI finds it free:
 *     this path needs no protection (Linux's neither).
 *   from kernel mode: the handler runs on the NMI stack, so the stub first
 *     asks whether it interrupted another NMI, as Linux v5.10 does, and keeps
 *     the words below at the top of the stack:
 *
 *	top -   8	original SS	} the hardware frame: the CPU writes
 *	     ...			} it again on every NMI, nested or not
 *	top -  40	original RIP	}
 *	top -  48	saved RDX (the stub's one scratch register)
 *	top -  56	"NMI executing": 1 from repeat_nmi until just before the exit
 *	top -  64	outermost SS	} copied from the original frame by
 *	     ...			} first_nmi; nothing writes it again
 *	top -  96	outermost RIP	} until this NMI is done
 *	top - 104	iret SS		} copied from the outermost frame on
 *	     ...			} every iteration (repeat_nmi); a nested
 *	top - 136	iret RIP	} NMI points it at repeat_nmi instead
 *	top - 144	pt_regs->orig_ax, then the rest of pt_regs
 *
 *     A nested NMI (seen by "NMI executing", by an RSP inside this stack with
 *     DF set, or by a RIP in repeat_nmi..end_repeat_nmi) only rewrites the
 *     iret frame to return to repeat_nmi and IRETs; the first NMI's exit then
 *     IRETs to repeat_nmi, which runs the handler again from the outermost
 *     frame: the second NMI is handled, late, never lost, and the first
 *     returns where it was.
 *
 * Linux keeps the outermost frame below the iret frame, as pt_regs' hardware
 * frame, and returns inline (nmi_restore). The model puts the iret frame in
 * pt_regs instead, so that the exit is paranoid_exit's, whose IRETQ then
 * returns through the iret frame; "NMI executing" is cleared, with DF set,
 * before paranoid_exit, and the RSP+DF test covers that longer window. No
 * exit work (no rescheduling) on either path, as in Linux.
 */
#define NMI_EXECUTING		(-8)		/* below the saved RDX */
#define NMI_IRET_FRAME_RSP	(-6*8)		/* the outermost RIP, from the saved RDX */

SYM_CODE_START(asm_exc_nmi)
	UNWIND_HINT_IRET_REGS
	testb	$SEGMENT_RPL_MASK, CS-RIP(%rsp)
	jz	.Lnmi_from_kernel

	swapgs
	cld
	pushq	%rdx				/* one scratch register */
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rdx
	movq	%rsp, %rdx
	movq	PER_CPU_VAR(cpu_current_top_of_stack), %rsp
	pushq	5*8(%rdx)			/* pt_regs->ss */
	pushq	4*8(%rdx)			/* pt_regs->sp */
	pushq	3*8(%rdx)			/* pt_regs->flags */
	pushq	2*8(%rdx)			/* pt_regs->cs */
	pushq	1*8(%rdx)			/* pt_regs->ip */
	UNWIND_HINT_IRET_REGS
	pushq	$-1				/* pt_regs->orig_ax */
	PUSH_AND_CLEAR_REGS rdx=(%rdx)
	movq	%rsp, %rdi
.Lnmi_call_from_user:
	call	exc_nmi				/* see nmi_handler_calls */
	jmp	swapgs_restore_regs_and_return_to_usermode

.Lnmi_from_kernel:
	pushq	%rdx				/* the frame is now at 1*8(%rsp) */

	/*
	 * Interrupted between repeat_nmi and end_repeat_nmi: the outer NMI is
	 * about to run the handler again anyway, and is writing the iret frame
	 * right now, so leave everything as it is.
	 */
	leaq	repeat_nmi(%rip), %rdx
	cmpq	%rdx, 1*8(%rsp)
	jb	1f
	leaq	end_repeat_nmi(%rip), %rdx
	cmpq	%rdx, 1*8(%rsp)
	jb	nested_nmi_out
1:
	/* The outer NMI is in its handler. */
	cmpq	$1, NMI_EXECUTING(%rsp)
	je	nested_nmi

	/*
	 * Interrupted on this stack: the outer NMI cleared "NMI executing" but
	 * has not reached its IRETQ. Only if DF is set, though: at the first
	 * instruction of a SYSCALL entry the user still chooses RSP, and could
	 * point it here, but SYSCALL cleared DF (MSR_SYSCALL_MASK).
	 */
	leaq	6*8(%rsp), %rdx			/* the top of the NMI stack */
	cmpq	%rdx, 4*8(%rsp)
	ja	first_nmi
	subq	$EXCEPTION_STKSZ, %rdx
	cmpq	%rdx, 4*8(%rsp)
	jb	first_nmi
	testb	$(X86_EFLAGS_DF >> 8), 3*8+1(%rsp)
	jz	first_nmi

nested_nmi:
	/*
	 * Point the outer NMI's iret frame at repeat_nmi, on this stack, at
	 * CPL 0, with RSP at the outermost frame where repeat_nmi expects it.
	 * NMIs stay blocked here: nothing can interrupt the rewrite.
	 */
	leaq	NMI_IRET_FRAME_RSP(%rsp), %rdx
	movq	%rdx, %rsp			/* the pushes below fill the iret frame */
	pushq	$__KERNEL_DS
	pushq	%rdx
	pushfq
	pushq	$__KERNEL_CS
	leaq	repeat_nmi(%rip), %rdx
	pushq	%rdx
	addq	$(11*8), %rsp			/* back to the saved RDX */

nested_nmi_out:
	popq	%rdx
	iretq					/* back into the outer NMI */

first_nmi:
	movq	(%rsp), %rdx			/* RDX is the interrupted code's again */
	pushq	$0				/* "NMI executing", set in repeat_nmi */
	.rept 5
	pushq	6*8(%rsp)			/* original frame -> outermost frame */
	.endr
	UNWIND_HINT_IRET_REGS
	/* Up to here no NMI could nest: this NMI has not IRETed yet. */

repeat_nmi:
	/*
	 * RSP is at the outermost RIP: reached from first_nmi, or by the outer
	 * NMI's IRETQ after a nested NMI rewrote its iret frame. A nested NMI
	 * that comes in from here to end_repeat_nmi changes nothing (the RIP
	 * test above).
	 */
	movq	$1, 5*8(%rsp)			/* "NMI executing" */
	.rept 5
	pushq	4*8(%rsp)			/* outermost frame -> iret frame */
	.endr
end_repeat_nmi:
	/*
	 * From here a nested NMI may rewrite the iret frame, which is
	 * pt_regs' hardware frame; the handler reads nothing from it.
	 */
	UNWIND_HINT_IRET_REGS
	pushq	$-1				/* pt_regs->orig_ax */
	call	paranoid_entry
	UNWIND_HINT_REGS
	movq	%rsp, %rdi
.Lnmi_call_from_kernel:
	call	exc_nmi				/* see nmi_handler_calls */

	/*
	 * Clear "NMI executing" (above the iret frame and pt_regs), DF set
	 * first so that a nested NMI between here and paranoid_exit's IRETQ
	 * still knows it is nested (the RSP test). The IRETQ restores DF.
	 */
	std
	movq	$0, PTREGS_SIZE+5*8(%rsp)
	jmp	paranoid_exit
SYM_CODE_END(asm_exc_nmi)

/*
 * nmi_handler_calls - the stub's `call exc_nmi` sites, 0-terminated. Booted
 * with KernelConfig.nmiInt3, the boot builder points them at exc_nmi_int3,
 * which takes a #BP after the handler (traps.c), as Linux's static_call
 * retargets a call at boot: the same one instruction either way, so runs
 * without the option execute exactly what they would without the table.
 */
	.pushsection .rodata
	.balign 8
SYM_DATA_START(nmi_handler_calls)
	.quad	.Lnmi_call_from_user
	.quad	.Lnmi_call_from_kernel
	.quad	0
SYM_DATA_END(nmi_handler_calls)
	.popsection
