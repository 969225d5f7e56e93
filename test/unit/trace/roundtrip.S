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
 * Every stack is a sized object, so the trace names it.
 */
#include "sys.h"

#define UCODE 10
#define USTACK 11
#define UDATA 12
#define UVA(sym) (WIN + 0x1000 * UCODE + ((sym) - user_code))
#define USP (WIN_VA(USTACK) + 0x1000)
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102
#define USER_BASE_SEL 0x23
#define PTI_USER 0x1000         /* CR3 bit 12: the user half of the PGD pair */
#define USER_PCID 0x800         /* CR3 bit 11: the user PCID of kernel PCID 1 */
#define KERNEL_PCID 1
#define PCPU_USER_RSP 0
#define PCPU_TOP 8
#define GATE_INT_IST1_DPL3 0xee
#define SYS_EXIT 60

        .macro map n:req, page:req, flags:req
        lea     \page(%rip), %rax
        or      $(\flags), %rax
        mov     %rax, pt_win + 8 * (\n)(%rip)
        .endm

SYS_BEGIN
        map     UCODE, user_code, PTE_P | PTE_U
        map     USTACK, ustack, PTE_P | PTE_W | PTE_U
        /* Both halves of the PGD pair map what sys_init's PML4 maps. */
        mov     pml4(%rip), %rax
        mov     %rax, pgd(%rip)
        mov     %rax, pgd + PTI_USER(%rip)
        lea     pgd(%rip), %rax
        mov     %rax, %cr3
        mov     %cr4, %rax
        or      $CR4_PCIDE, %rax
        mov     %rax, %cr4
        lea     pgd + KERNEL_PCID(%rip), %rax
        mov     %rax, %cr3

        mov     $EFER_MSR, %ecx
        rdmsr
        or      $EFER_SCE, %eax
        wrmsr
        WRMSR(MSR_STAR, 0, (USER_BASE_SEL << 16) | KERNEL_CS)
        lea     entry_syscall(%rip), %rax
        mov     %rax, %rdx
        shr     $32, %rdx
        mov     $MSR_LSTAR, %ecx
        wrmsr
        WRMSR(MSR_SFMASK, RFLAGS_IF | RFLAGS_AC, 0)
        lea     percpu(%rip), %rax
        mov     %rax, %rdx
        shr     $32, %rdx
        mov     $MSR_KERNEL_GS_BASE, %ecx
        wrmsr
        lea     task_stack + 8192(%rip), %rax
        mov     %rax, percpu + PCPU_TOP(%rip)

        /* TSS: RSP0 = entry_stack, IST1 = ist_stack; #PF → pf_handler, 0x80 → int80 (IST1, DPL 3). */
        lea     entry_stack + 4096(%rip), %rax
        mov     %rax, tss + TSS_RSP0(%rip)
        lea     ist_stack + 4096(%rip), %rax
        mov     %rax, tss + TSS_IST1(%rip)
        mov     $14, %edi
        lea     pf_handler(%rip), %rsi
        call    set_gate
        mov     $0x80, %edi
        lea     int80_handler(%rip), %rsi
        call    set_gate
        movb    $1, GATE(0x80) + 4(%rip)
        movb    $GATE_INT_IST1_DPL3, GATE(0x80) + 5(%rip)

        /* To user mode on the user half, keeping the user PCID's translations. */
        lea     pgd + PTI_USER + USER_PCID + KERNEL_PCID(%rip), %rax
        bts     $63, %rax
        mov     %rax, %cr3
        mov     $UVA(user_code), %rdi
        mov     $USP, %rsi
        mov     $2, %edx
        jmp     to_user
SYS_END

entry_syscall:
        swapgs
        mov     %rsp, %gs:PCPU_USER_RSP
        mov     %cr3, %rsp
        and     $~(PTI_USER | USER_PCID), %rsp
        bts     $63, %rsp
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
        bts     $63, %rdi
        mov     %rdi, %cr3
        mov     %gs:PCPU_USER_RSP, %rsp
        swapgs
        sysretq

pf_handler:
        push    %rax
        map     UDATA, udata, PTE_P | PTE_W | PTE_U
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
        .bss
        .align  8192
        .type   pgd, @object
pgd:    .skip   8192
        .size   pgd, 8192
        .align  4096
ustack: .skip   4096
udata:  .skip   4096
        .type   entry_stack, @object
entry_stack: .skip 4096
        .size   entry_stack, 4096
        .type   task_stack, @object
task_stack: .skip 8192
        .size   task_stack, 8192
        .type   ist_stack, @object
ist_stack: .skip 4096
        .size   ist_stack, 4096
        .type   percpu, @object
percpu: .skip   64
        .size   percpu, 64
