// user.c: the C half; its view of the layouts must match the assembly's.
#include "test.h"
#include "regs.h"

long asm_fill_regs(struct pt_regs *regs, long v);
long asm_tss_sp2(struct x86_hw_tss *tss, long sp);
int asm_regs_size(void);

struct pt_regs regs;
struct x86_hw_tss tss;

int main(void)
{
	regs.ip = 0xabc;
	ASSERT(0xabc, asm_fill_regs(&regs, 41));
	ASSERT(41, regs.ax);
	ASSERT(42, regs.di);
	ASSERT(-1, (long)regs.orig_ax);
	ASSERT(0, regs.si);
	tss.sp2 = 0x5000;
	ASSERT(0x5000, asm_tss_sp2(&tss, 0x7000));
	ASSERT(0x7000, tss.sp2);
	ASSERT(sizeof(tss), tss.io_bitmap_base);
	ASSERT(0, tss.sp1);
	ASSERT(sizeof(struct pt_regs), asm_regs_size());
	return DONE();
}
