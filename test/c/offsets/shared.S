/* shared.S: reads and writes pt_regs and TSS fields through the generated offsets. */
#include "asm-offsets.h"
	.text
	.globl asm_fill_regs		/* (struct pt_regs *regs, long v) */
asm_fill_regs:
	mov	%rsi, PTREGS_ax(%rdi)
	lea	1(%rsi), %rax
	mov	%rax, PTREGS_di(%rdi)
	movq	$-1, PTREGS_orig_ax(%rdi)
	mov	PTREGS_ip(%rdi), %rax	/* returns the ip C stored */
	ret

	.globl asm_tss_sp2		/* (struct x86_hw_tss *tss, long sp) → old sp2 */
asm_tss_sp2:
	mov	TSS_sp2(%rdi), %rax
	mov	%rsi, TSS_sp2(%rdi)
	movw	$TSS_SIZE, TSS_io_bitmap_base(%rdi)
	ret

	.globl asm_regs_size
asm_regs_size:
	mov	$PTREGS_SIZE, %eax
	ret
