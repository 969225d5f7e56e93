// asm-offsets.c: the offsets assembly needs, in the kernel's style.
#include "kbuild.h"
#include "regs.h"

void common(void)
{
	COMMENT("pt_regs");
	OFFSET(PTREGS_ax, pt_regs, ax);
	OFFSET(PTREGS_di, pt_regs, di);
	OFFSET(PTREGS_orig_ax, pt_regs, orig_ax);
	OFFSET(PTREGS_ip, pt_regs, ip);
	DEFINE(PTREGS_SIZE, sizeof(struct pt_regs));
	BLANK();
	OFFSET(TSS_sp0, x86_hw_tss, sp0);
	OFFSET(TSS_sp2, x86_hw_tss, sp2);
	OFFSET(TSS_ist, x86_hw_tss, ist);
	OFFSET(TSS_io_bitmap_base, x86_hw_tss, io_bitmap_base);
	DEFINE(TSS_SIZE, sizeof(struct x86_hw_tss));
}
