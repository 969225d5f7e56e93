// expect: reject
// why: .if needs an absolute value; an undefined symbol is not one.
	.data
	.if	undefined_symbol
	.byte	1
	.endif
