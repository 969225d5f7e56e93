// expect: accept
// User-mode instructions of the entrylab subset, in AT&T forms. Only
// acceptance compares (the code bytes differ by design); a data section
// records how many were written.
	.text
	.globl	ui_start
ui_start:
	movq	$1, %rax
	movl	$2, %ebx
	movw	$3, %cx
	movb	$4, %dl
	movb	%ah, %bl
	movb	%sil, %dil
	movabsq	$0x1122334455667788, %r8
	movq	%r8, 8(%rsp)
	movl	(%rdi,%rsi,4), %r9d
	movzbl	%al, %eax
	movzwq	(%rdx), %rcx
	movsbq	%cl, %rax
	movslq	%edx, %rdx
	movswl	%r8w, %r9d
	leaq	16(%rip), %rax
	xchgq	%rax, %rbx
	pushq	%rbp
	pushq	$0x12
	pushq	$0x12345
	popq	%rbp
	pushfq
	popfq
	cmovzq	%rcx, %rdx
	setne	%al
	cltq
	cqto
	cltd
	cwtl
	lock cmpxchgq %rcx, (%rdi)
	lock xaddl %eax, (%rsi)
	addq	$1, %rax
	adcl	%ebx, %ecx
	subq	(%rdi), %rax
	sbbb	$1, %al
	cmpq	$-1, %r11
	negq	%rax
	incl	%r10d
	decw	%ax
	mulq	%rcx
	imulq	%rdx
	imulq	%rcx, %rdx
	imulq	$12, %rcx, %rdx
	divq	%rcx
	idivl	%ebx
	andq	$~0xf, %rsp
	orl	$0x80, %eax
	xorq	%rax, %rax
	notq	%rax
	testb	$3, 0x88(%rsp)
	shlq	%rax
	shrq	$4, %rax
	sarq	%cl, %rax
	salq	$2, %rbx
	rolq	$8, %rax
	rorw	%cl, %ax
	btq	$63, %rax
	btsq	%rcx, (%rdi)
	btrq	$1, %rax
	btcl	%eax, %ebx
	bsfq	%rax, %rcx
	bsrl	%eax, %ecx
	jmp	1f
1:	je	1b
	jne	2f
	ja	2f
	jae	2f
	jb	2f
	jbe	2f
	jg	2f
	jge	2f
	jl	2f
	jle	2f
	js	2f
	jns	2f
	jc	2f
	jnc	2f
	jz	2f
	jnz	2f
2:	call	ui_func
	call	*%rax
	call	*8(%rax)
	jmp	*%rdx
	rep movsb
	rep stosq
	movsq
	stosl
	cld
	std
	clc
	stc
	cmc
	nop
	nopl	0(%rax)
	nopw	0(%rax,%rax,1)
	pause
	int3
	ud2
	leave
ui_func:
	ret
	.data
ui_marker:	.long 0x55aa55aa
