/* asm-call.S: assembly half of asm-call.c. */
	.text
	.globl asm_sum7
asm_sum7:			/* rdi rsi rdx rcx r8 r9, 8(%rsp) */
	mov	%rdi, %rax
	add	%rsi, %rax
	add	%rdx, %rax
	add	%rcx, %rax
	add	%r8, %rax
	add	%r9, %rax
	add	8(%rsp), %rax
	ret

	.globl asm_call_twice	/* fn(fn(x)) with fn in a callee-saved register */
asm_call_twice:
	push	%rbx
	mov	%rdi, %rbx
	mov	%rsi, %rdi
	call	*%rbx
	mov	%rax, %rdi
	call	*%rbx
	pop	%rbx
	ret

	.globl asm_keep_callee_saved	/* C code must preserve rbx r12-r15 across calls */
asm_keep_callee_saved:
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	$0x1000, %rbx
	mov	$0x200, %r12
	mov	$0x30, %r13
	mov	$0x4, %r14
	mov	$0, %r15
	mov	$3, %rdi
	call	c_square_plus
	mov	%rbx, %rax
	add	%r12, %rax
	add	%r13, %rax
	add	%r14, %rax
	add	%r15, %rax
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	ret

	.globl asm_rsp_aligned_in_c
asm_rsp_aligned_in_c:
	sub	$8, %rsp
	call	c_rsp_aligned
	add	$8, %rsp
	ret
