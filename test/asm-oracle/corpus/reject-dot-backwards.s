// expect: reject
// why: assigning . a value below its current one ("attempt to move .org backwards").
	.data
	.byte	1, 2, 3, 4
	. = . - 2
