// expect: accept
// compare: acceptance
// calling.h as entry code uses it, with PTI and SMP on. Only acceptance is
// compared: the .altinstructions records hold code lengths, which differ by
// design (entrylab emits bytecode).
#define CONFIG_SMP 1
#define CONFIG_PAGE_TABLE_ISOLATION 1
#include <linux/linkage.h>
#include "calling.h"
	.section .entry.text, "ax"
SYM_CODE_START(cm_stub)
	UNWIND_HINT_EMPTY
	SWITCH_TO_KERNEL_CR3 scratch_reg=%rsp
	PUSH_AND_CLEAR_REGS rax=$-38
	POP_REGS pop_rdi=0 skip_r11rcx=1
	SWITCH_TO_USER_CR3_STACK scratch_reg=%rdi
	SAVE_AND_SWITCH_TO_KERNEL_CR3 scratch_reg=%rax save_reg=%r14
	RESTORE_CR3 scratch_reg=%rax save_reg=%r14
	SWITCH_TO_USER_CR3_NOSTACK scratch_reg=%rdi scratch_reg2=%rax
SYM_CODE_END(cm_stub)
	.data
cm_data:	.quad PTI_USER_PGTABLE_MASK, PTI_USER_PCID_MASK, PTI_USER_PGTABLE_AND_PCID_MASK
