// expect: reject
// why: a 64-bit register with the l suffix ("operand type mismatch for mov").
	.text
	movl	%rax, %ebx
