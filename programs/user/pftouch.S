/*
 * pftouch.S - demand-zero paging from user mode: touch HEAP_PAGES pages of
 * the heap area (USER_HEAP_START up) and STACK_PAGES pages of the stack
 * below the USER_STACK_PAGES pages the task starts with. Each first touch
 * faults (not present); the kernel maps a zeroed page and the access runs
 * again. Every page must read all zero, then takes a pattern (its address
 * xor the pid) in its first and last words; a second pass reads the
 * patterns back. One line sums it up, then exit(0):
 *   pftouch: pid P heap 8 stack 3 zeroed 11 verified 11
 */
#include <asm/unistd_64.h>
#include <asm/entrylab-layout.h>

#define HEAP_PAGES	8
#define STACK_PAGES	3
#define PAGE		0x1000
#define PAGE_QWORDS	512
#define LAST_QWORD	(PAGE - 8)
/* The first page below the initial stack. */
#define STACK_BELOW	(USER_STACK_TOP - USER_STACK_PAGES * PAGE - PAGE)

	.text
	.globl	_start
	.type	_start, @function
_start:
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13			/* pid, for the pattern */
	xorl	%r14d, %r14d			/* pages that read all zero */
	xorl	%r15d, %r15d			/* pages whose patterns read back */

	leaq	touch_page(%rip), %rbp
	call	each_page
	leaq	verify_page(%rip), %rbp
	call	each_page

	leaq	msg_head(%rip), %rsi
	movl	$msg_head_len, %edx
	call	write_out
	movq	%r13, %rax
	call	print_dec
	leaq	msg_heap(%rip), %rsi
	movl	$msg_heap_len, %edx
	call	write_out
	movl	$HEAP_PAGES, %eax
	call	print_dec
	leaq	msg_stack(%rip), %rsi
	movl	$msg_stack_len, %edx
	call	write_out
	movl	$STACK_PAGES, %eax
	call	print_dec
	leaq	msg_zeroed(%rip), %rsi
	movl	$msg_zeroed_len, %edx
	call	write_out
	movq	%r14, %rax
	call	print_dec
	leaq	msg_verified(%rip), %rsi
	movl	$msg_verified_len, %edx
	call	write_out
	movq	%r15, %rax
	call	print_dec
	leaq	msg_nl(%rip), %rsi
	movl	$1, %edx
	call	write_out

	xorl	%edi, %edi
	call	sys_exit
	.size	_start, . - _start

/* Call *%rbp with %rbx = each page: the heap pages upward, then the stack pages downward. */
	.type	each_page, @function
each_page:
	movabsq	$USER_HEAP_START, %rbx
	movl	$HEAP_PAGES, %r12d
1:	call	*%rbp
	addq	$PAGE, %rbx
	decl	%r12d
	jnz	1b
	movabsq	$STACK_BELOW, %rbx
	movl	$STACK_PAGES, %r12d
2:	call	*%rbp
	subq	$PAGE, %rbx
	decl	%r12d
	jnz	2b
	ret
	.size	each_page, . - each_page

/* The page at %rbx: count it in %r14 if it reads all zero, then write its pattern. */
	.type	touch_page, @function
touch_page:
	xorl	%ecx, %ecx
1:	cmpq	$0, (%rbx,%rcx,8)
	jne	2f
	incl	%ecx
	cmpl	$PAGE_QWORDS, %ecx
	jne	1b
	incq	%r14
2:	movq	%rbx, %rax
	xorq	%r13, %rax
	movq	%rax, (%rbx)
	movq	%rax, LAST_QWORD(%rbx)
	ret
	.size	touch_page, . - touch_page

/* The page at %rbx: count it in %r15 if both pattern words read back. */
	.type	verify_page, @function
verify_page:
	movq	%rbx, %rax
	xorq	%r13, %rax
	cmpq	%rax, (%rbx)
	jne	1f
	cmpq	%rax, LAST_QWORD(%rbx)
	jne	1f
	incq	%r15
1:	ret
	.size	verify_page, . - verify_page

	.section .rodata, "a"
msg_head:
	.ascii	"pftouch: pid "
	.set	msg_head_len, . - msg_head
msg_heap:
	.ascii	" heap "
	.set	msg_heap_len, . - msg_heap
msg_stack:
	.ascii	" stack "
	.set	msg_stack_len, . - msg_stack
msg_zeroed:
	.ascii	" zeroed "
	.set	msg_zeroed_len, . - msg_zeroed
msg_verified:
	.ascii	" verified "
	.set	msg_verified_len, . - msg_verified
msg_nl:
	.ascii	"\n"
