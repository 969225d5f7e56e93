/*
 * asm/ptrace.h - struct pt_regs, the C view of the frame the entry code
 * builds (field table in <asm/ptrace-abi.h>: r15 at the lowest address, the
 * hardware frame ip, cs, flags, sp, ss at the top; 168 bytes).
 */
#ifndef _ASM_X86_PTRACE_H
#define _ASM_X86_PTRACE_H

struct pt_regs {
	unsigned long r15;
	unsigned long r14;
	unsigned long r13;
	unsigned long r12;
	unsigned long bp;
	unsigned long bx;
	unsigned long r11;
	unsigned long r10;
	unsigned long r9;
	unsigned long r8;
	unsigned long ax;
	unsigned long cx;
	unsigned long dx;
	unsigned long si;
	unsigned long di;
	/* the syscall number, or the error code, or -1 */
	unsigned long orig_ax;
	/* the hardware frame */
	unsigned long ip;
	unsigned long cs;
	unsigned long flags;
	unsigned long sp;
	unsigned long ss;
};

/* The interrupted code ran at CPL 3: the saved CS's RPL is the CPL it had (SDM 6.12.1). */
static inline int user_mode(struct pt_regs *regs)
{
	return (regs->cs & 3) == 3;
}

#endif /* _ASM_X86_PTRACE_H */
