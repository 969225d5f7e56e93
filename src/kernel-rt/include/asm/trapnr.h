/*
 * asm/trapnr.h - the exception vectors (SDM vol. 3A, 6.3.1, table 6-1),
 * with Linux's X86_TRAP_* names. Valid in C and in assembly.
 */
#ifndef _ASM_X86_TRAPNR_H
#define _ASM_X86_TRAPNR_H

#define X86_TRAP_DE	 0	/* divide error */
#define X86_TRAP_DB	 1	/* debug */
#define X86_TRAP_NMI	 2	/* non-maskable interrupt */
#define X86_TRAP_BP	 3	/* breakpoint (int3) */
#define X86_TRAP_OF	 4	/* overflow */
#define X86_TRAP_BR	 5	/* bound range exceeded */
#define X86_TRAP_UD	 6	/* invalid opcode */
#define X86_TRAP_NM	 7	/* device not available */
#define X86_TRAP_DF	 8	/* double fault */
#define X86_TRAP_OLD_MF	 9	/* coprocessor segment overrun */
#define X86_TRAP_TS	10	/* invalid TSS */
#define X86_TRAP_NP	11	/* segment not present */
#define X86_TRAP_SS	12	/* stack-segment fault */
#define X86_TRAP_GP	13	/* general protection */
#define X86_TRAP_PF	14	/* page fault */
#define X86_TRAP_SPURIOUS 15	/* reserved: Linux's "spurious interrupt bug" */
#define X86_TRAP_MF	16	/* x87 floating-point error */
#define X86_TRAP_AC	17	/* alignment check */
#define X86_TRAP_MC	18	/* machine check */
#define X86_TRAP_XF	19	/* SIMD floating-point exception */

/* Page-fault error code bits (SDM vol. 3A, 4.7, figure 4-12). */
#define X86_PF_PROT	(1 << 0)	/* 0: not-present page, 1: protection violation */
#define X86_PF_WRITE	(1 << 1)	/* the access was a write */
#define X86_PF_USER	(1 << 2)	/* the access was a user-mode one (CPL 3) */
#define X86_PF_RSVD	(1 << 3)	/* a reserved bit was set in a paging entry */
#define X86_PF_INSTR	(1 << 4)	/* the access was an instruction fetch */
#define X86_PF_PK	(1 << 5)	/* protection key */

#endif /* _ASM_X86_TRAPNR_H */
