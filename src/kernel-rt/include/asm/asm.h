/*
 * asm/asm.h - word-size helpers and the kprobes blacklist annotation.
 *
 * entrylab models x86-64 only, so the pointer-sized directive is .quad.
 */
#ifndef _ASM_X86_ASM_H
#define _ASM_X86_ASM_H

#ifdef __ASSEMBLY__

#define _ASM_PTR	.quad
#define _ASM_ALIGN	.balign 8

/*
 * _ASM_NOKPROBE(sym): list sym in _kprobe_blacklist so that no probe is ever
 * planted in code that runs before the kernel's stack and GS are set up.
 * The record is one pointer in a writable, allocated section.
 */
#define _ASM_NOKPROBE(entry)				\
	.pushsection "_kprobe_blacklist", "aw" ASM_NL	\
	_ASM_ALIGN ASM_NL				\
	_ASM_PTR (entry) ASM_NL				\
	.popsection

#endif /* __ASSEMBLY__ */

#endif /* _ASM_X86_ASM_H */
