// expect: accept
// Macro parameters: required, defaults, vararg, keyword and positional
// invocation (separated by commas or spaces), values with parentheses.
	.macro	three a:req, b=2, c=3
	.byte	\a, \b, \c
	.endm
	.macro	rest first, others:vararg
	.byte	\first
	.irp	v, \others
	.byte	\v + 0x10
	.endr
	.endm
	.macro	expr e=(1+1)
	.byte	\e * 3
	.endm
	.data
ma_pos:		three 1
		three 1, 5
		three 1 6 7
ma_kw:		three b=8, a=9
		three c=4 a=1
ma_empty:	three 1,,9		# an empty positional argument takes the default
ma_vararg:	rest 1, 2, 3, 4
		rest 5
ma_paren:	expr
		expr (2+2)
		expr e=(1 << 2)
ma_end:
