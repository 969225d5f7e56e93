// expect: accept
// Registers compare equal to themselves in .if (as UNWIND_HINT_REGS and
// friends rely on); .ifc compares them as text.
	.macro	which r
	.if	\r == %rsp
	.byte	1
	.elseif	\r == %rbp
	.byte	2
	.else
	.byte	0
	.endif
	.endm
	.macro	textual r
	.ifc	\r, %rdi
	.byte	3
	.else
	.byte	4
	.endif
	.endm
	.data
rc_which:	which %rsp
		which %rbp
		which %rax
rc_text:	textual %rdi
		textual %rsi
rc_end:
