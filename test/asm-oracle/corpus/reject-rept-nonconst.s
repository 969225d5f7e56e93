// expect: reject
// why: the .rept count must be known when .rept is read; a forward
// label difference is not ("bad or irreducible absolute expression").
	.data
	.rept	l2 - l1
	.byte	0
	.endr
l1:	.byte	1
l2:
