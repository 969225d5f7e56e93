/*
 * asm/irq_vectors.h - the interrupt vectors above the exceptions, as Linux
 * numbers them: external vectors from FIRST_EXTERNAL_VECTOR, the system
 * vectors (local APIC timer, IPIs, spurious) at the top. Valid in C and in
 * assembly.
 */
#ifndef _ASM_X86_IRQ_VECTORS_H
#define _ASM_X86_IRQ_VECTORS_H

#define NR_VECTORS			256
/* Vectors 0-31 are the exceptions (asm/trapnr.h). */
#define FIRST_EXTERNAL_VECTOR		0x20

#define SPURIOUS_APIC_VECTOR		0xff
#define RESCHEDULE_VECTOR		0xfd
#define LOCAL_TIMER_VECTOR		0xec
/* The lowest system vector: everything from here up has its own idtentry stub. */
#define FIRST_SYSTEM_VECTOR		LOCAL_TIMER_VECTOR

#define NR_EXTERNAL_VECTORS		(FIRST_SYSTEM_VECTOR - FIRST_EXTERNAL_VECTOR)

#endif /* _ASM_X86_IRQ_VECTORS_H */
