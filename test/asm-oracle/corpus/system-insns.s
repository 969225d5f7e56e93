// expect: accept
// System instructions of the subset, as entry and boot code write them.
	.text
si_start:
	swapgs
	syscall
	sysretq
	iretq
	lretq
	rdmsr
	wrmsr
	rdtsc
	rdtscp
	cpuid
	invlpg	(%rax)
	invpcid	(%rdi), %rsi
	lgdt	(%rax)
	lidt	si_idtr(%rip)
	ltr	%ax
	sgdt	(%rdi)
	sidt	(%rdi)
	lfence
	mfence
	sfence
	rdgsbase %rax
	wrgsbase %rax
	rdfsbase %rcx
	wrfsbase %rcx
	inb	$0x60, %al
	outb	%al, $0x80
	inb	%dx, %al
	outb	%al, %dx
	movq	%cr3, %rax
	movq	%rax, %cr3
	movq	%cr0, %rbx
	movq	%cr2, %rcx
	movq	%rdx, %cr4
	movw	%ax, %ds
	movl	%ss, %eax
	movq	%gs:0x10, %rax
	movq	%rsp, %gs:si_pcpu + 8
	cli
	sti
	clac
	stac
	hlt
	int	$0x80
	.data
si_idtr:	.short 0xfff
		.quad 0
si_pcpu:	.quad 0, 0
