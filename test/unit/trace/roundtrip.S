/*
 * roundtrip.S: the trace tests' subject (test/unit/trace). On the sys.h harness: a PTI-style
 * page-table pair (kernel half, user half at +4 KiB: CR3 bit 12) with PCIDs (kernel 1, user
 * 0x801, written with the no-flush bit 63), then at CPL 3:
 *   1. SYSCALL 39: entry swaps GS, parks the user RSP in the per-CPU area, switches to the
 *      kernel CR3 and the task stack, returns RAX+1 through the user CR3, SWAPGS and SYSRETQ;
 *   2. a write to a not-present user page: #PF through RSP0 (entry_stack), whose handler maps
 *      the page and returns with IRETQ (the write then completes);
 *   3. INT $0x80 through a DPL-3 gate on IST1 (ist_stack), returning with IRETQ;
 *   4. SYSCALL 60: the kernel ends the run through sys_done (exit status 1).
 * Every stack is a sized object, so the trace names it. The set-up shared with the other trace
 * programs is sys.h's PTI entry harness (PTI_* macros).
 */
#include "sys.h"

#define UDATA 12                /* window page of the data the #PF handler maps */
#define TSS_RSP0_STACK_SIZE 4096

SYS_BEGIN
        PTI_PGD_PAIR
        PTI_PCID_ON
        PTI_SYSCALL entry_syscall, RFLAGS_IF | RFLAGS_AC
        PTI_PERCPU_GS

        /* TSS: RSP0 = entry_stack, IST1 = ist_stack; #PF → pf_handler, 0x80 → int80 (IST1, DPL 3). */
        lea     entry_stack + TSS_RSP0_STACK_SIZE(%rip), %rax
        mov     %rax, tss + TSS_RSP0(%rip)
        PTI_IST1_STACK
        mov     $14, %edi
        lea     pf_handler(%rip), %rsi
        call    set_gate
        PTI_INT80_GATE

        /* To user mode on the user half, keeping the user PCID's translations. */
        PTI_TO_USER PTI_USER+USER_PCID+KERNEL_PCID, 1
SYS_END

entry_syscall:
        swapgs
        mov     %rsp, %gs:PCPU_USER_RSP
        mov     %cr3, %rsp
        and     $~(PTI_USER | USER_PCID), %rsp
        bts     $CR3_NOFLUSH_BIT, %rsp
        mov     %rsp, %cr3
        mov     %gs:PCPU_TOP, %rsp
        cmp     $SYS_EXIT, %rax
        je      sys_done
        push    %rcx
        push    %r11
        inc     %rax
        pop     %r11
        pop     %rcx
        mov     %cr3, %rdi
        or      $(PTI_USER | USER_PCID), %rdi
        bts     $CR3_NOFLUSH_BIT, %rdi
        mov     %rdi, %cr3
        mov     %gs:PCPU_USER_RSP, %rsp
        swapgs
        sysretq

pf_handler:
        push    %rax
        win_map UDATA, udata, PTE_P | PTE_W | PTE_U
        pop     %rax
        add     $8, %rsp                /* the error code */
        iretq

int80_handler:
        incq    int80_count(%rip)
        iretq

        .text
        .align  4096
user_code:
        mov     $39, %eax
u_syscall:
        syscall
u_store:
        movq    $7, WIN_VA(UDATA)
u_int80:
        int     $0x80
u_after_int80:
        mov     $SYS_EXIT, %eax
        syscall
        ud2
        .align  4096

        .data
int80_count: .quad 0
        PTI_PAIR_BSS
udata:  .skip   4096
        SIZED_OBJECT entry_stack, TSS_RSP0_STACK_SIZE
        SIZED_OBJECT task_stack, TASK_STACK_SIZE
        SIZED_OBJECT ist_stack, IST_STACK_SIZE
        SIZED_OBJECT percpu, PERCPU_SIZE
