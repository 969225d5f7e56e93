// expect: reject
// why: end of file inside a .macro definition.
	.data
	.macro	m
	.byte	1
