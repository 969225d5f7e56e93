/*
 * asm/ptrace-abi.h - byte offsets of the saved registers in struct pt_regs.
 *
 * The entry code builds a pt_regs on the kernel stack: the CPU (or the
 * SYSCALL stub) pushes the hardware frame ss, sp, flags, cs, ip; the stub
 * pushes orig_ax and then the general registers, so the lowest address holds
 * r15. 21 quadwords, 168 bytes:
 *
 *   offset  field        offset  field        offset  field
 *   0x00    r15          0x38    r10          0x70    di
 *   0x08    r14          0x40    r9           0x78    orig_ax
 *   0x10    r13          0x48    r8           0x80    ip
 *   0x18    r12          0x50    ax           0x88    cs
 *   0x20    bp           0x58    cx           0x90    flags
 *   0x28    bx           0x60    dx           0x98    sp
 *   0x30    r11          0x68    si           0xa0    ss
 */
#ifndef _ASM_X86_PTRACE_ABI_H
#define _ASM_X86_PTRACE_ABI_H

#ifdef __ASSEMBLY__

#define R15		(0*8)
#define R14		(1*8)
#define R13		(2*8)
#define R12		(3*8)
#define RBP		(4*8)
#define RBX		(5*8)
/* The argument and scratch registers. */
#define R11		(6*8)
#define R10		(7*8)
#define R9		(8*8)
#define R8		(9*8)
#define RAX		(10*8)
#define RCX		(11*8)
#define RDX		(12*8)
#define RSI		(13*8)
#define RDI		(14*8)
/* The syscall number (or the error code, or -1) as it was on entry. */
#define ORIG_RAX	(15*8)
/* The hardware frame, as the CPU pushes it on an interrupt. */
#define RIP		(16*8)
#define CS		(17*8)
#define EFLAGS		(18*8)
#define RSP		(19*8)
#define SS		(20*8)

#define SIZEOF_PTREGS	(21*8)

#endif /* __ASSEMBLY__ */

#endif /* _ASM_X86_PTRACE_ABI_H */
