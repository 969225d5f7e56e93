/*
 * asm/unwind_hints.h - UNWIND_HINT_* annotations for code with no ordinary
 * stack frame (entry stubs).
 *
 * In Linux, objtool reads these records to build the ORC unwind tables. Here
 * they are kept so that entry code reads as in the kernel, and each hint
 * leaves one 12-byte record (struct unwind_hint: s32 ip offset, s16 sp_offset,
 * u8 sp_reg, u8 type, u8 end, padded to 4) in the non-allocated section
 * .discard.unwind_hints. Nothing of it is loaded or executed; the trace tools
 * may use it to name the frame layout at an address.
 */
#ifndef _ASM_X86_UNWIND_HINTS_H
#define _ASM_X86_UNWIND_HINTS_H

#include <asm/orc_types.h>

#ifdef __ASSEMBLY__

.macro UNWIND_HINT sp_reg=ORC_REG_SP sp_offset=0 type=UNWIND_HINT_TYPE_CALL end=0
.Lunwind_hint_ip_\@:
	.pushsection .discard.unwind_hints
	.long	.Lunwind_hint_ip_\@ - .	/* where the hint applies */
	.short	\sp_offset
	.byte	\sp_reg
	.byte	\type
	.byte	\end
	.balign	4
	.popsection
.endm

/* No frame worth unwinding: the bottom of a kernel stack, or code right after entry. */
.macro UNWIND_HINT_EMPTY
	UNWIND_HINT sp_reg=ORC_REG_UNDEFINED type=UNWIND_HINT_TYPE_CALL end=1
.endm

/*
 * A struct pt_regs starts at \base + \offset. partial=1: only its hardware
 * (iret) frame is valid, and \base + \offset points at that frame's ip.
 * extra=0: the pt_regs is laid out but only the part from ip up is written;
 * a partial record is emitted for the ip slot, 16 words above the start.
 */
.macro UNWIND_HINT_REGS base=%rsp offset=0 indirect=0 extra=1 partial=0
	.if \base == %rsp
		.if \indirect
			.set .Lhint_sp_reg_\@, ORC_REG_SP_INDIRECT
		.else
			.set .Lhint_sp_reg_\@, ORC_REG_SP
		.endif
	.elseif \base == %rbp
		.set .Lhint_sp_reg_\@, ORC_REG_BP
	.elseif \base == %rdi
		.set .Lhint_sp_reg_\@, ORC_REG_DI
	.elseif \base == %rdx
		.set .Lhint_sp_reg_\@, ORC_REG_DX
	.elseif \base == %r10
		.set .Lhint_sp_reg_\@, ORC_REG_R10
	.else
		.error "UNWIND_HINT_REGS: base must be %rsp, %rbp, %rdi, %rdx or %r10"
	.endif

	.set .Lhint_offset_\@, \offset
	.if \partial
		.set .Lhint_type_\@, UNWIND_HINT_TYPE_REGS_PARTIAL
	.elseif \extra == 0
		.set .Lhint_type_\@, UNWIND_HINT_TYPE_REGS_PARTIAL
		.set .Lhint_offset_\@, \offset + (16*8)
	.else
		.set .Lhint_type_\@, UNWIND_HINT_TYPE_REGS
	.endif

	/*
	 * Commas, not spaces, between these arguments: gas drops the whitespace
	 * that follows a \@ in a macro body, which would glue them together.
	 */
	UNWIND_HINT sp_reg=.Lhint_sp_reg_\@, sp_offset=.Lhint_offset_\@, type=.Lhint_type_\@
.endm

/* Only the five-word hardware (iret) frame is on the stack at \base + \offset. */
.macro UNWIND_HINT_IRET_REGS base=%rsp offset=0
	UNWIND_HINT_REGS base=\base offset=\offset partial=1
.endm

/* The return address of a call is at the top of the stack. */
.macro UNWIND_HINT_FUNC sp_offset=8
	UNWIND_HINT sp_offset=\sp_offset
.endm

#endif /* __ASSEMBLY__ */

#endif /* _ASM_X86_UNWIND_HINTS_H */
