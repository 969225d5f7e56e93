// expect: reject
// why: a macro that checks its argument with .error, called with a bad one.
	.macro	only_small n
	.if	\n > 15
	.error	"value too large"
	.endif
	.byte	\n
	.endm
	.data
	only_small 3
	only_small 16
