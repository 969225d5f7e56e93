/*
 * diff-pair.S: the subject of the `trace diff` tests (test/unit/trace/diff.test.ts). Built three
 * ways from this one source, like a baseline tree and patched trees, it runs the same workload
 * at CPL 3 — SYSCALL 39, SYSCALL 39, INT $0x80, SYSCALL 60 (exit) — on a PTI-style page-table
 * pair as roundtrip.S sets up (user half: CR3 bit 12, PCIDs written with the no-flush bit):
 *   - baseline: entry_syscall switches to the kernel CR3 first thing, then SWAPGS and parks the
 *     user RSP;
 *   - -DMOVED: the entry code moved by a few bytes of padding, nothing else (equivalent);
 *   - -DLATE_CR3: SWAPGS, park RSP and one more instruction first — three more instructions on
 *     the user CR3 — then the CR3 switch; the entry code moved as with -DMOVED;
 *   - -DEXTRA_INT80: one more INT $0x80 between the two system calls (an extra episode).
 * The set-up is sys.h's PTI entry harness, as roundtrip.S's.
 */
#include "sys.h"

        /* To the kernel half of the pair, kernel PCID, keeping translations (%rdi: scratch). */
        .macro SWITCH_TO_KERNEL_CR3
        mov     %cr3, %rdi
        and     $~(PTI_USER | USER_PCID), %rdi
        bts     $CR3_NOFLUSH_BIT, %rdi
        mov     %rdi, %cr3
        .endm

SYS_BEGIN
        PTI_PGD_PAIR
        PTI_PCID_ON
        PTI_SYSCALL entry_syscall, RFLAGS_IF | RFLAGS_AC
        PTI_PERCPU_GS
        PTI_IST1_STACK
        PTI_INT80_GATE
        PTI_TO_USER PTI_USER+USER_PCID+KERNEL_PCID, 1
SYS_END

#if defined(LATE_CR3) || defined(MOVED)
entry_padding:
        .skip   12, 0x90        /* the patch moved the entry code */
#endif

entry_syscall:
#ifdef LATE_CR3
        swapgs
        mov     %rsp, %gs:PCPU_USER_RSP
        nop
        SWITCH_TO_KERNEL_CR3
#else
        SWITCH_TO_KERNEL_CR3
        swapgs
        mov     %rsp, %gs:PCPU_USER_RSP
#endif
        mov     %gs:PCPU_TOP, %rsp
        cmp     $SYS_EXIT, %rax
        je      sys_done
        inc     %rax
        mov     %cr3, %rdi
        or      $(PTI_USER | USER_PCID), %rdi
        bts     $CR3_NOFLUSH_BIT, %rdi
        mov     %rdi, %cr3
        mov     %gs:PCPU_USER_RSP, %rsp
        swapgs
        sysretq

int80_handler:
        incq    int80_count(%rip)
        iretq

        .text
        .align  4096
user_code:
        mov     $39, %eax
        syscall
#ifdef EXTRA_INT80
        int     $0x80
#endif
        mov     $39, %eax
        syscall
        int     $0x80
        mov     $SYS_EXIT, %eax
        syscall
        ud2
        .align  4096

        .data
int80_count: .quad 0
        PTI_PAIR_BSS
        SIZED_OBJECT task_stack, TASK_STACK_SIZE
        SIZED_OBJECT ist_stack, IST_STACK_SIZE
        SIZED_OBJECT percpu, PERCPU_SIZE
