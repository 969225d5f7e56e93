/* struct-abi.S: assembly half of struct-abi.c (psABI §3.2.3 structure passing). */
	.text
	.globl asm_make3		/* struct s3 {9, 8, 7}: one eightbyte in %rax */
asm_make3:
	mov	$0x070809, %eax
	ret

	.globl asm_make16		/* struct s16 {a, b} in %rax:%rdx */
asm_make16:
	mov	%rdi, %rax
	mov	%rsi, %rdx
	ret

	.globl asm_make24		/* MEMORY: fill (%rdi), return it in %rax */
asm_make24:
	mov	%rsi, (%rdi)
	lea	(%rsi,%rsi), %rcx
	mov	%rcx, 8(%rdi)
	add	%rsi, %rcx
	mov	%rcx, 16(%rdi)
	mov	%rdi, %rax
	ret

	.globl asm_sum12		/* struct s12: a | b << 32 in %rdi, c in %esi */
asm_sum12:
	mov	%rdi, %rax
	sar	$32, %rax
	movslq	%edi, %rcx
	add	%rcx, %rax
	movslq	%esi, %rcx
	add	%rcx, %rax
	ret

	.globl asm_sum24		/* x in %rdi, struct s24 copied to 8(%rsp) */
asm_sum24:
	mov	%rdi, %rax
	add	8(%rsp), %rax
	add	16(%rsp), %rax
	add	24(%rsp), %rax
	ret

	.globl asm_after_regs	/* a..e in rdi..r8, struct s16 at 8(%rsp), f in %r9 */
asm_after_regs:
	mov	%rdi, %rax
	add	%rsi, %rax
	add	%rdx, %rax
	add	%rcx, %rax
	add	%r8, %rax
	add	%r9, %rax
	imul	$1000, 8(%rsp), %rcx
	add	%rcx, %rax
	imul	$100, 16(%rsp), %rcx
	add	%rcx, %rax
	ret

	.globl asm_call_c_twist	/* c_twist({1, 2, 3}, {100, 20, 3}, 7) */
asm_call_c_twist:
	push	%rbp
	mov	%rsp, %rbp
	sub	$32, %rsp		/* the struct s24 argument, %rsp 16-byte aligned */
	movq	$100, (%rsp)
	movq	$20, 8(%rsp)
	movq	$3, 16(%rsp)
	mov	$0x030201, %edi
	mov	$7, %esi
	call	c_twist
	lea	asm_seen(%rip), %rcx
	mov	%rax, (%rcx)
	mov	%rdx, 8(%rcx)
	mov	%rbp, %rsp
	pop	%rbp
	ret

	.globl asm_call_c_big	/* c_big(5) into a buffer on the stack: sum its members */
asm_call_c_big:
	push	%rbp
	mov	%rsp, %rbp
	sub	$32, %rsp
	mov	%rsp, %rdi
	mov	$5, %esi
	call	c_big
	sub	%rsp, %rax		/* 0 when %rax is the buffer's address */
	lea	asm_seen(%rip), %rcx
	mov	%rax, 16(%rcx)
	mov	(%rsp), %rax
	add	8(%rsp), %rax
	add	16(%rsp), %rax
	mov	%rbp, %rsp
	pop	%rbp
	ret
