// expect: reject
// why: a difference of labels in two sections is not a constant, and .long
// has no relocation for it ("cannot resolve").
	.data
a:	.byte	1
	.section .rodata
b:	.byte	2
	.data
	.long	a - b
