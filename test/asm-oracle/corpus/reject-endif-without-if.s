// expect: reject
// why: ".endif" without ".if".
	.data
	.byte	1
	.endif
