// expect: accept
// Quoted macro arguments: quotes are stripped, "" is empty, one string can
// hold several statements, and \@ / \param inside a quoted string in an
// outer macro body are substituted by the outer macro.
	.macro	run code
	\code
	.endm
	.macro	twice what:vararg
	\what
	\what
	.endm
	.macro	outer v
	run	"twice .byte \v"
	run	".byte \@ ; .byte \v + 1"
	.endm
	.macro	maybe code, n
	.ifb	\code
	.byte	0xee
	.else
	\code
	.endif
	.byte	\n
	.endm
	.data
mq_plain:	run ".byte 1"
mq_multi:	run ".byte 2; .byte 3"
mq_empty:	run ""
mq_macro:	run "twice .byte 4"
mq_outer:	outer 9
mq_blank:	maybe "", 1
		maybe ".byte 5", 2
mq_end:
