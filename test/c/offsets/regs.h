/* regs.h: a pt_regs-like frame and a packed TSS-like structure shared by C and assembly. */
#ifndef REGS_H
#define REGS_H
struct pt_regs {
	unsigned long r15, r14, r13, r12, bp, bx;
	unsigned long r11, r10, r9, r8, ax, cx, dx, si, di;
	unsigned long orig_ax;
	unsigned long ip, cs, flags, sp, ss;
};

struct x86_hw_tss {
	unsigned int reserved1;
	unsigned long sp0, sp1, sp2;
	unsigned long reserved2;
	unsigned long ist[7];
	unsigned int reserved3;
	unsigned short reserved4;
	unsigned short io_bitmap_base;
} __attribute__((packed));
#endif
