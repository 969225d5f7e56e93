// expect: reject
// why: the .rept count is an undefined symbol.
	.data
	.rept	count
	.byte	0
	.endr
