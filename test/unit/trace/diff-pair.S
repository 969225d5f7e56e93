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
 */
#include "sys.h"

#define UCODE 10
#define USTACK 11
#define USP (WIN_VA(USTACK) + 0x1000)
#define UVA(sym) (WIN + 0x1000 * UCODE + ((sym) - user_code))
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102
#define USER_BASE_SEL 0x23
#define PTI_USER 0x1000
#define USER_PCID 0x800
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

        /* To the kernel half of the pair, kernel PCID, keeping translations (%rdi: scratch). */
        .macro SWITCH_TO_KERNEL_CR3
        mov     %cr3, %rdi
        and     $~(PTI_USER | USER_PCID), %rdi
        bts     $63, %rdi
        mov     %rdi, %cr3
        .endm

SYS_BEGIN
        map     UCODE, user_code, PTE_P | PTE_U
        map     USTACK, ustack, PTE_P | PTE_W | PTE_U
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

        lea     ist_stack + 4096(%rip), %rax
        mov     %rax, tss + TSS_IST1(%rip)
        mov     $0x80, %edi
        lea     int80_handler(%rip), %rsi
        call    set_gate
        movb    $1, GATE(0x80) + 4(%rip)
        movb    $GATE_INT_IST1_DPL3, GATE(0x80) + 5(%rip)

        lea     pgd + PTI_USER + USER_PCID + KERNEL_PCID(%rip), %rax
        bts     $63, %rax
        mov     %rax, %cr3
        mov     $UVA(user_code), %rdi
        mov     $USP, %rsi
        mov     $2, %edx
        jmp     to_user
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
        bts     $63, %rdi
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
        .bss
        .align  8192
        .type   pgd, @object
pgd:    .skip   8192
        .size   pgd, 8192
        .align  4096
ustack: .skip   4096
        .type   task_stack, @object
task_stack: .skip 8192
        .size   task_stack, 8192
        .type   ist_stack, @object
ist_stack: .skip 4096
        .size   ist_stack, 4096
        .type   percpu, @object
percpu: .skip   64
        .size   percpu, 64
