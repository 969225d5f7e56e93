/*
 * no-idt.S — what happens when an exception cannot be delivered. flat64 starts with no IDT
 * (IDTR limit 0), so the #UD raised by ud2 fails the IDT limit check (#GP), that fault is
 * contributory and becomes #DF, and #DF cannot be delivered either: a triple fault (SDM 6.15).
 */
	.text
	.globl	_start
_start:
	movq	$0xdead, %rax
	ud2
