/*
 * entry-harness.S: the smallest kernel around programs/entry/entry_64.S for the trace test
 * (entry.test.ts), on the sys.h harness. It provides what the entry code links against —
 * cpu_tss_rw (sp0: the per-CPU entry/trampoline stack, sp1: the task stack top, sp2: the
 * scratch slot), cpu_tlbstate, do_syscall_64 — a PTI page-table pair (user half at CR3 bit 12;
 * both halves map everything here), SYSCALL set up with LSTAR = entry_SYSCALL_64 and a
 * per-CPU GS base of 0 (PER_CPU_VAR(x) is %gs:x), then runs a user program that makes
 * getpid (39) and exit (60). The test patches the X86_FEATURE_PTI alternatives into guest
 * memory before the run, as the boot builder will. The page tables, SYSCALL set-up and the way
 * to user mode are sys.h's PTI entry harness.
 */
#include "sys.h"

#define TSS_SP0 4
#define TSS_SP1 12
#define PT_RAX (10*8)
#define SYS_GETPID 39
#define SFMASK_LINUX 0x47700    /* TF DF IF IOPL AC NT, as Linux */
#define ENTRY_STACK_SIZE 4096

SYS_BEGIN
        PTI_PGD_PAIR
        PTI_SYSCALL entry_SYSCALL_64, SFMASK_LINUX
        lea     cpu_entry_stack + ENTRY_STACK_SIZE(%rip), %rax
        mov     %rax, cpu_tss_rw + TSS_SP0(%rip)
        lea     task_stack + TASK_STACK_SIZE(%rip), %rax
        mov     %rax, cpu_tss_rw + TSS_SP1(%rip)
        PTI_TO_USER PTI_USER, 0
SYS_END

/* do_syscall_64(nr, regs): getpid returns 1; exit ends the run. */
        .globl  do_syscall_64
do_syscall_64:
        cmp     $SYS_EXIT, %rdi
        je      sys_done
        movq    $1, PT_RAX(%rsi)
        ret

/*
 * The C ends of the idtentry stubs (asm/idtentry.h) and error_entry's helpers: the getpid round
 * trip takes no interrupt or exception, so each only ends the run if it is ever reached.
 */
        .irp    name, exc_divide_error, exc_debug, exc_nmi, exc_int3, exc_overflow, exc_bounds, exc_invalid_op, exc_device_not_available, exc_double_fault, exc_coproc_segment_overrun, exc_invalid_tss, exc_segment_not_present, exc_stack_segment, exc_general_protection, exc_page_fault, exc_spurious_interrupt_bug, exc_coprocessor_error, exc_alignment_check, exc_simd_coprocessor_error, common_interrupt, sysvec_apic_timer_interrupt, sysvec_reschedule_ipi, sysvec_spurious_apic_interrupt, sync_regs, fixup_bad_iret
        .globl  \name
        .set    \name, no_handler
        .endr
no_handler:
        ud2

        .text
        .align  4096
user_code:
        mov     $SYS_GETPID, %eax
u_syscall:
        syscall
u_after:
        mov     $SYS_EXIT, %eax
        syscall
        ud2
        .align  4096

        .data
        .align  16
        .globl  cpu_tss_rw
        .type   cpu_tss_rw, @object
cpu_tss_rw: .fill 104, 1, 0
        .size   cpu_tss_rw, 104
        .globl  cpu_tlbstate
        .type   cpu_tlbstate, @object
cpu_tlbstate: .fill 64, 1, 0
        .size   cpu_tlbstate, 64
        /* paranoid_entry's GET_PERCPU_BASE (FSGSBASE): one CPU; no NMI or #DF reaches it here. */
        .globl  __per_cpu_offset
        .type   __per_cpu_offset, @object
__per_cpu_offset: .quad 0
        .size   __per_cpu_offset, 8
        PTI_PAIR_BSS
        SIZED_OBJECT cpu_entry_stack, ENTRY_STACK_SIZE
        SIZED_OBJECT task_stack, TASK_STACK_SIZE
