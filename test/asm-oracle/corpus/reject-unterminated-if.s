// expect: reject
// why: end of file inside a conditional.
	.data
	.if	1
	.byte	1
