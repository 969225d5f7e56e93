// expect: accept
// Memory operand forms: every part of seg:disp(base, index, scale) optional,
// symbol displacements, %rip-relative, indirect branches.
	.text
of_start:
	movq	(%rax), %rbx
	movq	8(%rax), %rbx
	movq	-8(%rbp), %rbx
	movq	(%rax,%rcx), %rbx
	movq	(%rax,%rcx,8), %rbx
	movq	16(%rax,%rcx,2), %rbx
	movq	(,%rcx,8), %rbx
	movq	of_data(,%rcx,8), %rbx
	movq	of_data, %rbx
	movq	of_data+8, %rbx
	movq	of_data(%rip), %rbx
	movq	of_data+8(%rip), %rbx
	movq	%gs:of_data, %rbx
	movq	%gs:of_data + 8, %rbx
	movq	%gs:(%rax), %rbx
	movq	%fs:8(%rax,%rcx,4), %rbx
	movq	$of_data, %rax
	movl	$of_data - of_start, %eax
	jmp	*(%rax)
	jmp	*of_data(%rip)
	call	*%gs:16
	leaq	(%rax,%rax,2), %rax
	.data
of_data:	.quad of_start, of_end		# relocations to code: only the section is compared
	.text
of_end:
