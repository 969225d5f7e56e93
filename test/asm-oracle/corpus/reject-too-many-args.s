// expect: reject
// why: more positional arguments than parameters.
	.macro	m a
	.byte	\a
	.endm
	.data
	m	1, 2
