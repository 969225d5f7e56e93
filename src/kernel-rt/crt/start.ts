// The flat64 C runtime's start-up code (crt0): set a stack, zero .bss between the linker's
// __bss_start and _end (C11 6.7.9p10: objects without an initialiser start as zero), call main
// and hand its return value to exit(), which writes it to the isa-debug-exit port.
// Embedded as text so the core runs in a browser; buildCrt() in ./index.ts assembles it.

/** Bytes of stack for main (in .bss, so it is zeroed with the rest before first use). */
export const CRT_STACK_SIZE = 256 * 1024;

export const CRT_START_S = `\
# crt0.s: entry point of a handler-C program on the flat64 machine (docs/handler-c.md)
	.text
	.globl _start
	.type _start, @function
_start:
	lea __crt_stack_top(%rip), %rsp
	lea __bss_start(%rip), %rdi
	lea _end(%rip), %rcx
	sub %rdi, %rcx
	xor %eax, %eax
	rep stosb
	call main
	mov %eax, %edi
	call exit
1:	hlt
	jmp 1b
	.size _start, .-_start

	.bss
	.balign 16
__crt_stack:
	.zero ${CRT_STACK_SIZE}
__crt_stack_top:
`;
