// expect: reject
// why: no such instruction.
	.text
	frobnicate %rax
