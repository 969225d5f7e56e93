/*
 * asm/orc_types.h - register and frame-type codes of the ORC unwinder, used
 * by the UNWIND_HINT_* records (asm/unwind_hints.h). Values as in Linux.
 */
#ifndef _ASM_X86_ORC_TYPES_H
#define _ASM_X86_ORC_TYPES_H

/* Which register the CFA (previous stack pointer) is computed from. */
#define ORC_REG_UNDEFINED		0
#define ORC_REG_PREV_SP			1
#define ORC_REG_DX			2
#define ORC_REG_DI			3
#define ORC_REG_BP			4
#define ORC_REG_SP			5
#define ORC_REG_R10			6
#define ORC_REG_R13			7
#define ORC_REG_BP_INDIRECT		8
#define ORC_REG_SP_INDIRECT		9
#define ORC_REG_MAX			15

/* What sits at the CFA: a return address, a full pt_regs, or only its iret frame. */
#define ORC_TYPE_CALL			0
#define ORC_TYPE_REGS			1
#define ORC_TYPE_REGS_IRET		2

/* Hint kinds recorded in .discard.unwind_hints. */
#define UNWIND_HINT_TYPE_CALL		ORC_TYPE_CALL
#define UNWIND_HINT_TYPE_REGS		ORC_TYPE_REGS
#define UNWIND_HINT_TYPE_REGS_PARTIAL	ORC_TYPE_REGS_IRET
#define UNWIND_HINT_TYPE_RET_OFFSET	3

#endif /* _ASM_X86_ORC_TYPES_H */
