/*
 * linux/linkage.h - the SYM_* annotations that open and close every symbol
 * in kernel assembly (the v5.10 naming scheme).
 *
 * A symbol is started with SYM_{FUNC,CODE,DATA}_START*() and closed with the
 * matching *_END(), which sets its ELF type and size. FUNC is for code that
 * obeys the C calling convention; CODE is for entry stubs that do not (they
 * run on odd stacks, end in sysret/iret, ...). SYM_INNER_LABEL marks a second
 * entry point inside a symbol, e.g. entry_SYSCALL_64_after_hwframe.
 *
 * Only assembly uses these; C sees just the attribute helpers at the bottom.
 */
#ifndef _LINUX_LINKAGE_H
#define _LINUX_LINKAGE_H

#include <linux/const.h>

#ifdef __ASSEMBLY__

/* Separates statements inside one macro expansion (cpp joins lines). */
#define ASM_NL		;

/* Entry points start on a 16-byte boundary, padded with x86 NOP bytes. */
#define __ALIGN		.p2align 4, 0x90
#define ALIGN		__ALIGN

/* Linkage: how far the name is visible. */
#define SYM_L_GLOBAL(name)	.globl name
#define SYM_L_WEAK(name)	.weak name
#define SYM_L_LOCAL(name)	/* file scope: no directive needed */

/* ELF symbol types, as .type accepts them. */
#define SYM_T_FUNC		STT_FUNC
#define SYM_T_OBJECT		STT_OBJECT
#define SYM_T_NONE		STT_NOTYPE

/* Alignment applied before the label. */
#define SYM_A_ALIGN		ALIGN
#define SYM_A_NONE		/* no padding */

/* The label itself, preceded by its linkage and alignment. */
#define SYM_ENTRY(name, linkage, align...)	\
	linkage(name) ASM_NL			\
	align ASM_NL				\
	name:

#define SYM_START(name, linkage, align...)	\
	SYM_ENTRY(name, linkage, align)

/* Closing a symbol records its type and its size (from the start label to here). */
#define SYM_END(name, sym_type)			\
	.type name sym_type ASM_NL		\
	.size name, .-name

/* A label inside an open symbol: another way in, with no size of its own. */
#define SYM_INNER_LABEL_ALIGN(name, linkage)	\
	.type name SYM_T_NONE ASM_NL		\
	SYM_ENTRY(name, linkage, SYM_A_ALIGN)

#define SYM_INNER_LABEL(name, linkage)		\
	.type name SYM_T_NONE ASM_NL		\
	SYM_ENTRY(name, linkage, SYM_A_NONE)

/* Functions: C calling convention, a stack the unwinder understands. */
#define SYM_FUNC_START(name)			\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_ALIGN)
#define SYM_FUNC_START_NOALIGN(name)		\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_NONE)
#define SYM_FUNC_START_LOCAL(name)		\
	SYM_START(name, SYM_L_LOCAL, SYM_A_ALIGN)
#define SYM_FUNC_START_LOCAL_NOALIGN(name)	\
	SYM_START(name, SYM_L_LOCAL, SYM_A_NONE)
#define SYM_FUNC_START_WEAK(name)		\
	SYM_START(name, SYM_L_WEAK, SYM_A_ALIGN)
#define SYM_FUNC_START_WEAK_NOALIGN(name)	\
	SYM_START(name, SYM_L_WEAK, SYM_A_NONE)
#define SYM_FUNC_END(name)			\
	SYM_END(name, SYM_T_FUNC)

/* Code that follows no calling convention: entry stubs, trampolines. */
#define SYM_CODE_START(name)			\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_ALIGN)
#define SYM_CODE_START_NOALIGN(name)		\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_NONE)
#define SYM_CODE_START_LOCAL(name)		\
	SYM_START(name, SYM_L_LOCAL, SYM_A_ALIGN)
#define SYM_CODE_START_LOCAL_NOALIGN(name)	\
	SYM_START(name, SYM_L_LOCAL, SYM_A_NONE)
#define SYM_CODE_END(name)			\
	SYM_END(name, SYM_T_NONE)

/* Data objects. */
#define SYM_DATA_START(name)			\
	SYM_START(name, SYM_L_GLOBAL, SYM_A_NONE)
#define SYM_DATA_START_LOCAL(name)		\
	SYM_START(name, SYM_L_LOCAL, SYM_A_NONE)
#define SYM_DATA_END(name)			\
	SYM_END(name, SYM_T_OBJECT)
#define SYM_DATA_END_LABEL(name, linkage, label)	\
	linkage(label) ASM_NL				\
	.type label SYM_T_OBJECT ASM_NL			\
	label:						\
	SYM_END(name, SYM_T_OBJECT)
#define SYM_DATA(name, data...)			\
	SYM_DATA_START(name) ASM_NL		\
	data ASM_NL				\
	SYM_DATA_END(name)
#define SYM_DATA_LOCAL(name, data...)		\
	SYM_DATA_START_LOCAL(name) ASM_NL	\
	data ASM_NL				\
	SYM_DATA_END(name)

#else /* !__ASSEMBLY__ */

/* C side: handler-C functions called from assembly use the plain SysV ABI. */
#define asmlinkage
#define __visible	/* every global is visible to the linker already */
#define notrace
#define noinstr		__attribute__((noinline, section(".noinstr.text")))

#endif /* __ASSEMBLY__ */

#endif /* _LINUX_LINKAGE_H */
