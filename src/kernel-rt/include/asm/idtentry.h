/*
 * asm/idtentry.h - the IDT entry points, declared once for both languages.
 *
 * Each DECLARE_IDTENTRY* line below names a vector, the C handler and (by
 * prefixing asm_) the assembly stub. Included by C code, the lines declare
 * both functions, and the DEFINE_IDTENTRY* macros write a handler's C shim:
 * irqentry_enter(), the body, irqentry_exit() (which does the exit-to-user
 * work: rescheduling). Included by entry_64.S with EMIT_IDTENTRY_STUBS defined,
 * after its idtentry macros, the same lines emit the stubs, so a
 * vector's stub and its handler cannot drift apart. This is Linux v5.10's
 * arrangement; the stubs' shape is described in entry_64.S.
 *
 * The error-code variants pass the code the CPU pushed (SDM vol. 3A, 6.13)
 * as the second argument and store -1 in pt_regs->orig_ax in its place.
 */
#ifndef _ASM_X86_IDTENTRY_H
#define _ASM_X86_IDTENTRY_H

#include <asm/trapnr.h>
#include <asm/irq_vectors.h>

#ifndef __ASSEMBLY__

struct pt_regs;

/* What irqentry_enter() learned, for irqentry_exit(). */
typedef struct irqentry_state {
	int exit_rcu;
} irqentry_state_t;

irqentry_state_t irqentry_enter(struct pt_regs *regs);
void irqentry_exit(struct pt_regs *regs, irqentry_state_t state);

#define DECLARE_IDTENTRY(vector, func)					\
	void asm_##func(void);						\
	void func(struct pt_regs *regs)

#define DECLARE_IDTENTRY_ERRORCODE(vector, func)			\
	void asm_##func(void);						\
	void func(struct pt_regs *regs, unsigned long error_code)

/* The raw variants: the handler calls irqentry_enter/exit itself (#PF reads CR2 first). */
#define DECLARE_IDTENTRY_RAW_ERRORCODE(vector, func)			\
	DECLARE_IDTENTRY_ERRORCODE(vector, func)

/* External interrupts: the per-vector stub pushed the vector where the error code goes. */
#define DECLARE_IDTENTRY_IRQ(vector, func)				\
	DECLARE_IDTENTRY_ERRORCODE(vector, func)

#define DECLARE_IDTENTRY_SYSVEC(vector, func)				\
	DECLARE_IDTENTRY(vector, func)

/* #DF and NMI run on their IST stacks, through paranoid_entry (entry_64.S). */
#define DECLARE_IDTENTRY_DF(vector, func)				\
	DECLARE_IDTENTRY_ERRORCODE(vector, func)
#define DECLARE_IDTENTRY_NMI(vector, func)				\
	DECLARE_IDTENTRY(vector, func)

#define DEFINE_IDTENTRY(func)						\
static void __##func(struct pt_regs *regs);				\
void func(struct pt_regs *regs)						\
{									\
	irqentry_state_t state = irqentry_enter(regs);			\
	__##func(regs);							\
	irqentry_exit(regs, state);					\
}									\
static void __##func(struct pt_regs *regs)

#define DEFINE_IDTENTRY_ERRORCODE(func)					\
static void __##func(struct pt_regs *regs, unsigned long error_code);	\
void func(struct pt_regs *regs, unsigned long error_code)		\
{									\
	irqentry_state_t state = irqentry_enter(regs);			\
	__##func(regs, error_code);					\
	irqentry_exit(regs, state);					\
}									\
static void __##func(struct pt_regs *regs, unsigned long error_code)

#define DEFINE_IDTENTRY_RAW_ERRORCODE(func)				\
void func(struct pt_regs *regs, unsigned long error_code)

#define DEFINE_IDTENTRY_IRQ(func)					\
static void __##func(struct pt_regs *regs, unsigned long vector);	\
void func(struct pt_regs *regs, unsigned long error_code)		\
{									\
	irqentry_state_t state = irqentry_enter(regs);			\
	__##func(regs, error_code & 0xff);				\
	irqentry_exit(regs, state);					\
}									\
static void __##func(struct pt_regs *regs, unsigned long vector)

#define DEFINE_IDTENTRY_SYSVEC(func)	DEFINE_IDTENTRY(func)

/* Paranoid handlers do no exit work: they may have interrupted the kernel anywhere. */
#define DEFINE_IDTENTRY_DF(func)					\
void func(struct pt_regs *regs, unsigned long error_code)
#define DEFINE_IDTENTRY_NMI(func)					\
void func(struct pt_regs *regs)

#elif defined(EMIT_IDTENTRY_STUBS)

/*
 * entry_64.S defines EMIT_IDTENTRY_STUBS after its idtentry macros: each line
 * below then becomes a stub. Any other assembly file sees nothing.
 */
#define DECLARE_IDTENTRY(vector, func)					\
	idtentry vector asm_##func func has_error_code=0
#define DECLARE_IDTENTRY_ERRORCODE(vector, func)			\
	idtentry vector asm_##func func has_error_code=1
#define DECLARE_IDTENTRY_RAW_ERRORCODE(vector, func)			\
	DECLARE_IDTENTRY_ERRORCODE(vector, func)
#define DECLARE_IDTENTRY_IRQ(vector, func)				\
	DECLARE_IDTENTRY_ERRORCODE(vector, func)
#define DECLARE_IDTENTRY_SYSVEC(vector, func)				\
	DECLARE_IDTENTRY(vector, func)
#define DECLARE_IDTENTRY_DF(vector, func)				\
	idtentry_df vector asm_##func func
/* The NMI stub is written out by hand in entry_64.S. */
#define DECLARE_IDTENTRY_NMI(vector, func)

#else

#define DECLARE_IDTENTRY(vector, func)
#define DECLARE_IDTENTRY_ERRORCODE(vector, func)
#define DECLARE_IDTENTRY_RAW_ERRORCODE(vector, func)
#define DECLARE_IDTENTRY_IRQ(vector, func)
#define DECLARE_IDTENTRY_SYSVEC(vector, func)
#define DECLARE_IDTENTRY_DF(vector, func)
#define DECLARE_IDTENTRY_NMI(vector, func)

#endif /* __ASSEMBLY__ */

/* The per-vector stubs of external interrupts: IDT_ALIGN bytes each, from irq_entries_start. */
#define IDT_ALIGN	16
/* Their padding: one-byte NOPs, as a disassembler walking the text expects. */
#define NOP_BYTE	0x90

/*
 * The entry points. The boot builder (src/kernel-rt/boot/cpu-tables.ts)
 * installs each asm_* symbol in the IDT by name; keep its table in step.
 */
DECLARE_IDTENTRY(X86_TRAP_DE,		exc_divide_error);
DECLARE_IDTENTRY(X86_TRAP_DB,		exc_debug);
DECLARE_IDTENTRY_NMI(X86_TRAP_NMI,	exc_nmi);
DECLARE_IDTENTRY(X86_TRAP_BP,		exc_int3);
DECLARE_IDTENTRY(X86_TRAP_OF,		exc_overflow);
DECLARE_IDTENTRY(X86_TRAP_BR,		exc_bounds);
DECLARE_IDTENTRY(X86_TRAP_UD,		exc_invalid_op);
DECLARE_IDTENTRY(X86_TRAP_NM,		exc_device_not_available);
DECLARE_IDTENTRY_DF(X86_TRAP_DF,	exc_double_fault);
DECLARE_IDTENTRY(X86_TRAP_OLD_MF,	exc_coproc_segment_overrun);
DECLARE_IDTENTRY_ERRORCODE(X86_TRAP_TS,	exc_invalid_tss);
DECLARE_IDTENTRY_ERRORCODE(X86_TRAP_NP,	exc_segment_not_present);
DECLARE_IDTENTRY_ERRORCODE(X86_TRAP_SS,	exc_stack_segment);
DECLARE_IDTENTRY_ERRORCODE(X86_TRAP_GP,	exc_general_protection);
DECLARE_IDTENTRY_RAW_ERRORCODE(X86_TRAP_PF, exc_page_fault);
DECLARE_IDTENTRY(X86_TRAP_SPURIOUS,	exc_spurious_interrupt_bug);
DECLARE_IDTENTRY(X86_TRAP_MF,		exc_coprocessor_error);
DECLARE_IDTENTRY_ERRORCODE(X86_TRAP_AC,	exc_alignment_check);
DECLARE_IDTENTRY(X86_TRAP_XF,		exc_simd_coprocessor_error);

DECLARE_IDTENTRY_IRQ(0,			common_interrupt);

DECLARE_IDTENTRY_SYSVEC(LOCAL_TIMER_VECTOR,	sysvec_apic_timer_interrupt);
DECLARE_IDTENTRY_SYSVEC(RESCHEDULE_VECTOR,	sysvec_reschedule_ipi);
DECLARE_IDTENTRY_SYSVEC(SPURIOUS_APIC_VECTOR,	sysvec_spurious_apic_interrupt);

#ifdef EMIT_IDTENTRY_STUBS
/*
 * The per-vector stubs of the external interrupts and of the system vectors
 * without a stub of their own: each pushes its vector into the error-code
 * slot and joins asm_common_interrupt. Each is exactly IDT_ALIGN bytes, padded
 * with NOPs (a longer one would move the location counter back: an assembly
 * error), so
 * the boot builder finds vector v's at irq_entries_start + (v - 32) * IDT_ALIGN.
 */
	.balign	IDT_ALIGN
SYM_CODE_START(irq_entries_start)
	vector = FIRST_EXTERNAL_VECTOR
	.rept	(NR_VECTORS - FIRST_EXTERNAL_VECTOR)
	UNWIND_HINT_IRET_REGS
0:	pushq	$vector
	jmp	asm_common_interrupt
	.balign	IDT_ALIGN, NOP_BYTE
	. = 0b + IDT_ALIGN
	vector = vector + 1
	.endr
SYM_CODE_END(irq_entries_start)
#endif

#endif /* _ASM_X86_IDTENTRY_H */
