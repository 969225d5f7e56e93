/*
 * Two CPUs (--cpus 2) sharing memory, each with its own registers, TLB and x2APIC: APIC IDs,
 * fixed IPIs and an NMI to the other CPU (SDM 10.6.1), and a TLB shootdown: CPU 0 changes a PTE
 * and flushes its own TLB; CPU 1 still uses its stale translation (strict TLB) until CPU 0's
 * shootdown IPI makes it run INVLPG. CPU 1 serves commands from a mailbox with interrupts on.
 */
#include "sys.h"

#define V_SHOOT 0x40
#define V_PING 0x41
#define CMD_READ 1
#define CMD_ID 2

        /* Ask CPU 1 to run command c; wait until it is done. */
        .macro ask c:req
        movq    $\c, cmd(%rip)
1:      pause
        cmpq    $0, cmd(%rip)
        jne     1b
        .endm

SYS_BEGIN
        mov     $X2_ID, %ecx
        rdmsr
        test    %eax, %eax
        jnz     ap_main
        CHECK(%rax, $0, bsp apic id)
        mov     $V_SHOOT, %edi
        lea     shoot_handler(%rip), %rsi
        call    set_gate
        mov     $V_PING, %edi
        lea     ping_handler(%rip), %rsi
        call    set_gate
        mov     $2, %edi
        lea     nmi_handler(%rip), %rsi
        call    set_gate
        movq    $0xa, page_a(%rip)
        movq    $0xb, page_b(%rip)
        lea     page_a(%rip), %rax
        or      $(PTE_P | PTE_W), %rax
        mov     %rax, WIN_PTE(0)(%rip)
        movq    $1, go(%rip)

        ask     CMD_ID
        CHECK(result(%rip), $1, the other cpu has apic id 1)

        /* A fixed IPI to CPU 1 (destination 1 in ICR 63:32). */
        WRMSR(X2_ICR, V_PING, 1)
1:      pause
        cmpq    $0, pings(%rip)
        je      1b
        CHECK(pings(%rip), $1, fixed ipi delivered to cpu 1)
        CHECK(ping_cpu(%rip), $1, the handler ran on cpu 1)

        /* An NMI to CPU 1. */
        WRMSR(X2_ICR, ICR_NMI, 1)
1:      pause
        cmpq    $0, nmis(%rip)
        je      1b
        CHECK(nmi_cpu(%rip), $1, nmi delivered to cpu 1)

        /* TLB shootdown. */
        mov     $WIN_VA(0), %rbx
        mov     (%rbx), %rax
        CHECK(%rax, $0xa, cpu 0 reads the page)
        ask     CMD_READ
        CHECK(result(%rip), $0xa, cpu 1 reads the page)
        lea     page_b(%rip), %rax
        or      $(PTE_P | PTE_W), %rax
        mov     %rax, WIN_PTE(0)(%rip)
        invlpg  (%rbx)
        mov     (%rbx), %rax
        CHECK(%rax, $0xb, cpu 0 sees the new pte after its invlpg)
        ask     CMD_READ
        CHECK(result(%rip), $0xa, cpu 1 still uses its stale entry)
        WRMSR(X2_ICR, V_SHOOT, 1)
1:      pause
        cmpq    $0, shot(%rip)
        je      1b
        ask     CMD_READ
        CHECK(result(%rip), $0xb, cpu 1 sees the new pte after the shootdown)
        movq    $-1, cmd(%rip)                  /* CPU 1: halt */
SYS_END

ap_main:
1:      pause
        cmpq    $0, go(%rip)
        je      1b
        sti
2:      mov     cmd(%rip), %rax
        cmp     $CMD_READ, %rax
        je      3f
        cmp     $CMD_ID, %rax
        je      4f
        cmp     $-1, %rax
        je      5f
        pause
        jmp     2b
3:      mov     $WIN_VA(0), %rbx
        mov     (%rbx), %rax
        mov     %rax, result(%rip)
        movq    $0, cmd(%rip)
        jmp     2b
4:      mov     $X2_ID, %ecx
        rdmsr
        mov     %rax, result(%rip)
        movq    $0, cmd(%rip)
        jmp     2b
5:      cli
        hlt

shoot_handler:
        push    %rax
        mov     $WIN_VA(0), %rax
        invlpg  (%rax)
        movq    $1, shot(%rip)
        pop     %rax
        EOI
        iretq
ping_handler:
        push    %rax
        push    %rcx
        push    %rdx
        incq    pings(%rip)
        mov     $X2_ID, %ecx
        rdmsr
        mov     %rax, ping_cpu(%rip)
        pop     %rdx
        pop     %rcx
        pop     %rax
        EOI
        iretq
nmi_handler:
        push    %rax
        push    %rcx
        push    %rdx
        incq    nmis(%rip)
        mov     $X2_ID, %ecx
        rdmsr
        mov     %rax, nmi_cpu(%rip)
        pop     %rdx
        pop     %rcx
        pop     %rax
        iretq

        .data
go:       .quad 0
cmd:      .quad 0
result:   .quad 0
pings:    .quad 0
ping_cpu: .quad 0
nmis:     .quad 0
nmi_cpu:  .quad 0
shot:     .quad 0
        .bss
        .align  4096
page_a: .skip   4096
page_b: .skip   4096
