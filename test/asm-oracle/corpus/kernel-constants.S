// expect: accept
// Values of the kernel-style headers, as gas computes them: selectors,
// flag masks, MSR numbers, pt_regs and TSS offsets, PTI masks.
#include <asm/segment.h>
#include <asm/processor-flags.h>
#include <asm/msr-index.h>
#include <asm/page_types.h>
#include <asm/ptrace-abi.h>
#include <asm/asm-offsets.h>
#include <asm/errno.h>
	.section .rodata
kc_selectors:	.short __KERNEL_CS, __KERNEL_DS, __USER_DS, __USER_CS, __USER32_CS
kc_flags:	.quad X86_EFLAGS_IF | X86_EFLAGS_FIXED, X86_EFLAGS_RF | X86_EFLAGS_TF
		.quad X86_EFLAGS_IOPL, X86_EFLAGS_AC
kc_cr:		.quad X86_CR0_PG | X86_CR0_PE | X86_CR0_WP
		.quad X86_CR4_PCIDE | X86_CR4_SMEP | X86_CR4_SMAP | X86_CR4_FSGSBASE
		.quad X86_CR3_PCID_NOFLUSH, X86_CR3_PCID_MASK
kc_msr:		.long MSR_EFER, MSR_STAR, MSR_LSTAR, MSR_SYSCALL_MASK
		.long MSR_FS_BASE, MSR_GS_BASE, MSR_KERNEL_GS_BASE
		.long EFER_SCE | EFER_LME | EFER_LMA | EFER_NX
kc_page:	.quad PAGE_SIZE, PAGE_MASK, THREAD_SIZE, TASK_SIZE_MAX
kc_ptregs:	.short R15, RBP, RAX, RDI, ORIG_RAX, RIP, CS, EFLAGS, RSP, SS, SIZEOF_PTREGS
kc_tss:		.short TSS_sp0, TSS_sp1, TSS_sp2, TSS_ist
kc_errno:	.quad -ENOSYS
kc_end:
	.set	kc_ptregs_size, SIZEOF_PTREGS
	.globl	kc_ptregs_size
