/*
 * asm/segment.h - the GDT layout and segment selectors of x86-64 Linux.
 *
 * SYSCALL and SYSRET derive CS and SS from MSR_STAR, which forces an order on
 * the GDT (SDM vol. 2, SYSCALL/SYSRET): the kernel CS with the kernel DS
 * right after it, and for 64-bit SYSRET the user DS at STAR[63:48]+8 and the
 * user CS at STAR[63:48]+16, i.e. user32 CS, user DS, user CS in a row.
 *
 *   index  selector  descriptor
 *   0      0x00      null
 *   1      0x08      kernel 32-bit code (__KERNEL32_CS)
 *   2      0x10      kernel 64-bit code (__KERNEL_CS)
 *   3      0x18      kernel data        (__KERNEL_DS)
 *   4      0x23      user 32-bit code   (__USER32_CS, RPL 3)
 *   5      0x2b      user data          (__USER_DS, RPL 3)
 *   6      0x33      user 64-bit code   (__USER_CS, RPL 3)
 *   7      -         unused
 *   8-9    0x40      TSS (a 16-byte system descriptor)
 *   10-11  0x50      LDT (16 bytes)
 *   12-14  -         TLS slots
 *   15     0x7b      CPU/node number (limit field, for RDPID-less getcpu)
 */
#ifndef _ASM_X86_SEGMENT_H
#define _ASM_X86_SEGMENT_H

#include <linux/const.h>

/* Selector fields (SDM vol. 3, 3.4.2): requested privilege level and table indicator. */
#define SEGMENT_RPL_MASK	0x3
#define SEGMENT_TI_MASK		0x4
#define SEGMENT_LDT		0x4
#define SEGMENT_GDT		0x0
#define KERNEL_RPL		0
#define USER_RPL		3

#define GDT_ENTRY_KERNEL32_CS		1
#define GDT_ENTRY_KERNEL_CS		2
#define GDT_ENTRY_KERNEL_DS		3
#define GDT_ENTRY_DEFAULT_USER32_CS	4
#define GDT_ENTRY_DEFAULT_USER_DS	5
#define GDT_ENTRY_DEFAULT_USER_CS	6
#define GDT_ENTRY_TSS			8
#define GDT_ENTRY_LDT			10
#define GDT_ENTRY_TLS_MIN		12
#define GDT_ENTRY_TLS_MAX		14
#define GDT_ENTRY_CPUNODE		15
#define GDT_ENTRIES			16
#define GDT_SIZE			(GDT_ENTRIES * 8)
#define GDT_ENTRY_TLS_ENTRIES		3
#define TLS_SIZE			(GDT_ENTRY_TLS_ENTRIES * 8)

/* Selector = index * 8 | TI | RPL. */
#define __KERNEL32_CS		(GDT_ENTRY_KERNEL32_CS * 8)
#define __KERNEL_CS		(GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS		(GDT_ENTRY_KERNEL_DS * 8)
#define __USER32_CS		(GDT_ENTRY_DEFAULT_USER32_CS * 8 + USER_RPL)
#define __USER_DS		(GDT_ENTRY_DEFAULT_USER_DS * 8 + USER_RPL)
#define __USER32_DS		__USER_DS
#define __USER_CS		(GDT_ENTRY_DEFAULT_USER_CS * 8 + USER_RPL)
#define __CPUNODE_SEG		(GDT_ENTRY_CPUNODE * 8 + USER_RPL)

/*
 * The CPU and node numbers as setup_getcpu stores them in IA32_TSC_AUX (and
 * Linux in the CPUNODE segment's limit): cpu | node << VDSO_CPUNODE_BITS.
 */
#define VDSO_CPUNODE_BITS	12
#define VDSO_CPUNODE_MASK	0xfff
#define GDT_ENTRY_TSS_SEL	(GDT_ENTRY_TSS * 8)

#endif /* _ASM_X86_SEGMENT_H */
