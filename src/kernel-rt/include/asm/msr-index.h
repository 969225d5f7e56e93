/*
 * asm/msr-index.h - model-specific register numbers and bits used by the
 * entry path and the boot builder (SDM vol. 4, table 2-2; vol. 3, 5.8.8 for
 * SYSCALL/SYSRET and 2.2.1 for EFER).
 */
#ifndef _ASM_X86_MSR_INDEX_H
#define _ASM_X86_MSR_INDEX_H

#include <linux/const.h>

/* Extended feature enable register */
#define MSR_EFER		0xc0000080
#define _EFER_SCE		0	/* SYSCALL/SYSRET enabled */
#define _EFER_LME		8	/* long mode enable */
#define _EFER_LMA		10	/* long mode active (read-only) */
#define _EFER_NX		11	/* no-execute page bit enabled */
#define EFER_SCE		(1 << _EFER_SCE)
#define EFER_LME		(1 << _EFER_LME)
#define EFER_LMA		(1 << _EFER_LMA)
#define EFER_NX			(1 << _EFER_NX)

/* SYSCALL: STAR[47:32] kernel CS (SS = +8), STAR[63:48] user base selector */
#define MSR_STAR		0xc0000081
#define MSR_LSTAR		0xc0000082	/* 64-bit SYSCALL target RIP */
#define MSR_CSTAR		0xc0000083	/* compat-mode SYSCALL target */
#define MSR_SYSCALL_MASK	0xc0000084	/* RFLAGS bits cleared by SYSCALL */

/* Segment bases and the SWAPGS partner */
#define MSR_FS_BASE		0xc0000100
#define MSR_GS_BASE		0xc0000101
#define MSR_KERNEL_GS_BASE	0xc0000102	/* swapped with GS base by SWAPGS */
#define MSR_TSC_AUX		0xc0000103	/* read by RDTSCP */

/* Local APIC */
#define MSR_IA32_APICBASE	0x0000001b
#define MSR_IA32_TSC_DEADLINE	0x000006e0
#define MSR_IA32_TSC		0x00000010

/* SYSENTER (unused by 64-bit Linux, kept for completeness of the MSR file) */
#define MSR_IA32_SYSENTER_CS	0x00000174
#define MSR_IA32_SYSENTER_ESP	0x00000175
#define MSR_IA32_SYSENTER_EIP	0x00000176

#endif /* _ASM_X86_MSR_INDEX_H */
