// expect: reject
// why: \b is not a parameter of m; gas leaves "\b" in the body, which is not a valid expression.
	.macro	m a
	.byte	\b
	.endm
	.data
	m	1
