/*
 * Event delivery (SDM 6.12–6.15, 7.7): the exact frame and 16-byte alignment with and without a
 * stack switch (RSP0, IST), interrupt vs trap gates and IF, the DPL check on INT n, #NP, #DF from
 * a #PF while delivering through an unmapped RSP0 stack, NMI blocking until IRETQ (self-NMIs via
 * the x2APIC ICR), the STI interrupt shadow, and HLT woken by the APIC timer (one-shot and periodic).
 */
#include "sys.h"

#define UCODE 10
#define USTACK 11
#define UVA(sym) (WIN + 0x1000 * UCODE + ((sym) - user_code))
#define USP (WIN_VA(USTACK) + 0x1000 - 8)   /* deliberately not 16-byte aligned */
#define V_A 0x40
#define V_B 0x41
#define V_IRQ 0x80
/* The timer is due once WRMSR, NOP and the segment load have retired (count 3, divide 1). */
#define SHADOW_COUNT 3

        .macro map n:req, page:req, flags:req
        lea     \page(%rip), %rax
        or      $(\flags), %rax
        mov     %rax, pt_win + 8 * (\n)(%rip)
        .endm
        .macro to_user_at entry:req
        mov     $UVA(\entry), %rdi
        mov     $USP, %rsi
        mov     $2, %edx
        jmp     to_user
        .endm

        /* Start the timer (SHADOW_COUNT instructions), then load \seg with its own value. */
        .macro shadow_probe seg:req
        mov     %\seg, %ebx
        xor     %r8d, %r8d
        mov     $X2_INIT_COUNT, %ecx
        mov     $SHADOW_COUNT, %eax
        xor     %edx, %edx
        sti
        wrmsr
        nop
        mov     %bx, %\seg
        mov     $1, %r8
        mov     $2, %r8
        cli
        .endm

SYS_BEGIN
        map     UCODE, user_code, PTE_P | PTE_U
        map     USTACK, ustack, PTE_P | PTE_W | PTE_U

        /* INT n at CPL 0, no stack switch: RSP aligned down to 16, then SS RSP RFLAGS CS RIP. */
        mov     %rsp, %r12
        sub     $8, %rsp                /* misaligned on purpose */
        mov     %rsp, %r13
        TRY(1f)
        int     $V_A
.Lafter_int:
        NOFAULT
1:      CHECK(exc_vec(%rip), $V_A, int vector)
        lea     .Lafter_int(%rip), %rax
        CHECK(exc_rip(%rip), %rax, frame rip is the next instruction)
        CHECK(exc_cs(%rip), $KERNEL_CS, frame cs)
        CHECK(exc_ss(%rip), $KERNEL_DS, frame ss)
        CHECK(exc_rsp(%rip), %r13, frame rsp is the old rsp)
        mov     %r13, %rax
        and     $~15, %rax
        sub     $40, %rax
        CHECK(exc_frame(%rip), %rax, frame at the 16-aligned rsp minus 40)
        mov     %r12, %rsp

        /* Interrupt gates clear IF, trap gates keep it (SDM 6.12.1.3). */
        sti
        TRY(1f)
        int     $V_A
        NOFAULT
1:      mov     exc_hflags(%rip), %rax
        and     $RFLAGS_IF, %eax
        CHECK(%rax, $0, interrupt gate clears if)
        mov     exc_rflags(%rip), %rax
        and     $RFLAGS_IF, %eax
        CHECK(%rax, $RFLAGS_IF, frame rflags keeps if)
        movb    $GATE_TRAP, GATE(V_B)+5(%rip)
        sti
        TRY(1f)
        int     $V_B
        NOFAULT
1:      mov     exc_hflags(%rip), %rax
        and     $RFLAGS_IF, %eax
        CHECK(%rax, $RFLAGS_IF, trap gate keeps if)
        cli

        /* #GP with an error code: the frame is 48 bytes below the aligned RSP. */
        mov     %rsp, %r13
        TRY(1f)
        movabs  $0x0000800000000000, %rax
        mov     (%rax), %rax
        NOFAULT
1:      CHECK(exc_err(%rip), $0, gp error code)
        mov     %r13, %rax
        and     $~15, %rax
        sub     $48, %rax
        CHECK(exc_frame(%rip), %rax, error code frame at aligned rsp minus 48)

        /* IST (SDM 6.14.5): the TSS stack even without a privilege change. */
        movb    $1, GATE(V_A)+4(%rip)
        mov     %rsp, %r13
        TRY(1f)
        int     $V_A
        NOFAULT
1:      lea     ist1_top-40(%rip), %rax
        CHECK(exc_frame(%rip), %rax, ist1 frame)
        CHECK(exc_rsp(%rip), %r13, ist frame holds the old rsp)
        movb    $0, GATE(V_A)+4(%rip)

        /* INT n from CPL 3: gate DPL < CPL → #GP(vector*8+2) (SDM 6.12.1.1). */
        TRY(1f)
        to_user_at u_int_a
1:      CHECK(exc_vec(%rip), $13, int through a dpl 0 gate from user)
        CHECK(exc_err(%rip), $(V_A * 8 + 2), gp error code names the gate)
        /* A DPL-3 gate: delivered with the RSP0 switch (SDM 6.14.4). */
        movb    $GATE_INT_DPL3, GATE(V_B)+5(%rip)
        TRY(1f)
        to_user_at u_int_b
1:      CHECK(exc_vec(%rip), $V_B, int through a dpl 3 gate from user)
        CHECK(exc_cs(%rip), $USER_CS, frame cs is the user cs)
        CHECK(exc_ss(%rip), $USER_DS, frame ss is the user ss)
        CHECK(exc_rsp(%rip), $USP, frame rsp is the user rsp)
        lea     rsp0_top-40(%rip), %rax
        CHECK(exc_frame(%rip), %rax, frame on the rsp0 stack)
        movb    $GATE_INT, GATE(V_B)+5(%rip)

        /* A not-present gate → #NP(vector*8+2) (SDM 6.12.1). */
        movb    $0x0e, GATE(V_A)+5(%rip)
        TRY(1f)
        int     $V_A
        NOFAULT
1:      CHECK(exc_vec(%rip), $11, not present gate np)
        CHECK(exc_err(%rip), $(V_A * 8 + 2), np error code)
        movb    $GATE_INT, GATE(V_A)+5(%rip)

        /* #DF (SDM 6.15): #UD from CPL 3 with an unmapped RSP0 → #PF pushing the frame → #PF
         * again while delivering it → double fault, taken on IST1. */
        movb    $1, GATE(8)+4(%rip)
        mov     $WIN_VA(20), %rax
        mov     %rax, tss+TSS_RSP0(%rip)
        movq    $0, exc_count(%rip)
        TRY(1f)
        to_user_at u_ud2
1:      CHECK(exc_vec(%rip), $8, double fault)
        CHECK(exc_err(%rip), $0, double fault error code)
        CHECK(exc_cr2(%rip), $(WIN_VA(20) - 8), cr2 is the first push)
        CHECK(exc_count(%rip), $1, only the double fault reached a handler)
        lea     rsp0_top(%rip), %rax
        mov     %rax, tss+TSS_RSP0(%rip)

        /* NMI blocking (SDM 6.7.1): a second NMI waits for the handler's IRETQ. */
        mov     $2, %edi
        lea     nmi_handler(%rip), %rsi
        call    set_gate
        WRMSR(X2_ICR, ICR_NMI | ICR_SELF, 0)
        nop
        CHECK(nmi_inside(%rip), $1, the second nmi is blocked inside the handler)
        CHECK(nmi_count(%rip), $2, the second nmi arrives after iretq)

        /* The STI shadow (SDM 6.8.3): a pending interrupt waits one instruction after STI. */
        mov     $V_IRQ, %edi
        lea     irq_handler(%rip), %rsi
        call    set_gate
        xor     %r8d, %r8d
        WRMSR(X2_ICR, ICR_SELF | V_IRQ, 0)
        nop
        CHECK(irq_count(%rip), $0, no interrupt while if is clear)
        sti
        mov     $1, %r8
        mov     $2, %r8
        cli
        CHECK(irq_count(%rip), $1, the interrupt arrives after sti)
        CHECK(seen_r8(%rip), $1, exactly one instruction after sti)

        /* HLT woken by the APIC timer, one-shot (SDM 10.5.4). */
        WRMSR(X2_DIVIDE, 0xb, 0)                /* divide by 1 */
        WRMSR(X2_LVT_TIMER, V_IRQ, 0)
        WRMSR(X2_INIT_COUNT, 500, 0)
        sti
        hlt
.Lafter_hlt:
        cli
        CHECK(irq_count(%rip), $2, hlt woken by the one-shot timer)
        lea     .Lafter_hlt(%rip), %rax
        CHECK(irq_rip(%rip), %rax, the frame rip follows hlt)
        mov     $X2_CUR_COUNT, %ecx
        rdmsr
        CHECK(%rax, $0, one-shot count stops at zero)
        sti
        mov     $1000, %ecx
1:      dec     %ecx
        jnz     1b
        cli
        CHECK(irq_count(%rip), $2, one-shot fires once)
        /* Periodic: three more wake-ups from three HLTs. */
        WRMSR(X2_LVT_TIMER, V_IRQ | LVT_PERIODIC, 0)
        WRMSR(X2_INIT_COUNT, 200, 0)
        sti
        hlt
        hlt
        hlt
        cli
        CHECK(irq_count(%rip), $5, periodic timer wakes each hlt)
        mov     $X2_CUR_COUNT, %ecx
        rdmsr
        test    %eax, %eax
        setnz   %al
        movzbl  %al, %eax
        CHECK(%rax, $1, periodic count reloads)
        /* Masked: the timer counts but posts nothing (an interrupt already in IRR still comes). */
        WRMSR(X2_LVT_TIMER, V_IRQ | LVT_PERIODIC | LVT_MASKED, 0)
        sti
        nop
        cli
        mov     irq_count(%rip), %r9
        sti
        mov     $1000, %ecx
1:      dec     %ecx
        jnz     1b
        cli
        CHECK(irq_count(%rip), %r9, masked timer posts nothing)
        WRMSR(X2_INIT_COUNT, 0, 0)

        /* The MOV SS shadow (SDM 6.8.3): an interrupt that becomes due right after MOV to SS waits
         * one more instruction. A one-shot timer (divide 1) expires at the boundary after the
         * segment load: after MOV DS it is taken there (r8 still 0), after MOV SS one later. */
        WRMSR(X2_LVT_TIMER, V_IRQ, 0)
        shadow_probe ds
        CHECK(seen_r8(%rip), $0, the timer arrives right after mov to ds)
        shadow_probe ss
        CHECK(seen_r8(%rip), $1, the timer waits one instruction after mov to ss)
SYS_END


nmi_handler:
        incq    nmi_count(%rip)
        cmpq    $1, nmi_count(%rip)
        jne     1f
        WRMSR(X2_ICR, ICR_NMI | ICR_SELF, 0)
        nop
        nop
        push    %rax
        mov     nmi_count(%rip), %rax
        mov     %rax, nmi_inside(%rip)
        pop     %rax
1:      iretq

irq_handler:
        mov     %r8, seen_r8(%rip)
        incq    irq_count(%rip)
        push    %rax
        mov     8(%rsp), %rax
        mov     %rax, irq_rip(%rip)
        pop     %rax
        EOI
        iretq

        .text
        .align  4096
user_code:
u_int_a:
        int     $V_A
        ud2
u_int_b:
        int     $V_B
        ud2
u_ud2:  ud2
        .align  4096

        .data
nmi_count:  .quad 0
nmi_inside: .quad 0
irq_count:  .quad 0
seen_r8:    .quad 0
irq_rip:    .quad 0
        .bss
        .align  4096
ustack: .skip   4096
