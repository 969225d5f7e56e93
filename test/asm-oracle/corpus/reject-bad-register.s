// expect: reject
// why: %rzz is not a register.
	.text
	movq	%rzz, %rax
