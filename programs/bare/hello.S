/*
 * hello.S — the smallest flat64 program: print a line on COM1 and leave through isa-debug-exit.
 * Run it with `entrylab run programs/bare/hello.S`. docs/machine.md describes the flat64 state
 * this code starts in: long mode, CPL 0, paging on with an identity map, interrupts off.
 */
#define COM1		0x3f8
#define COM1_LSR	(COM1 + 5)
#define LSR_THRE	0x20		/* transmit holding register empty */
#define DEBUG_EXIT	0xf4

	.text
	.globl	_start
_start:
	leaq	message(%rip), %rsi
1:	movzbl	(%rsi), %eax
	testb	%al, %al
	jz	3f
	movw	$COM1_LSR, %dx
2:	inb	%dx, %al		/* wait until the UART can take a byte */
	testb	$LSR_THRE, %al
	jz	2b
	movzbl	(%rsi), %eax
	movw	$COM1, %dx
	outb	%al, %dx
	incq	%rsi
	jmp	1b
3:	xorl	%eax, %eax
	outb	%al, $DEBUG_EXIT	/* exit status (0 << 1) | 1 = 1 */
	cli
	hlt

	.section .rodata
message:
	.asciz	"Hello from entrylab's flat64 machine.\n"
