// expect: reject
// why: at top level a macro must be defined before it is invoked; before
// that, its name is read as an (unknown) instruction.
	.data
	later	1
	.macro	later n
	.byte	\n
	.endm
