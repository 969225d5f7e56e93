/*
 * asm/processor.h - assembly-visible names for per-CPU processor state.
 *
 * On x86-64 the kernel keeps the top of the current task's stack in the TSS
 * field sp1, which the hardware never reads in long mode (no code runs at
 * CPL 1), so entry code finds it with one %gs: load.
 */
#ifndef _ASM_X86_PROCESSOR_H
#define _ASM_X86_PROCESSOR_H

#include <asm/asm-offsets.h>

#define cpu_current_top_of_stack	(cpu_tss_rw + TSS_sp1)

#endif /* _ASM_X86_PROCESSOR_H */
