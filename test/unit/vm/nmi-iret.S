/*
 * nmi-iret.S: NMI blocking ends at the next IRET whichever handler executes it (SDM vol. 3A
 * 6.7.1). The NMI handler sends itself a second NMI (held pending: NMIs are blocked), then takes
 * a #BP whose handler returns with IRETQ: that IRET ends the blocking, so the pending NMI is
 * delivered at the very next boundary - on top of the first NMI's handler, at the instruction
 * after its INT3, before that instruction runs. With -DHOST_NMI the second NMI is the host's
 * (Machine.inject, from the test) instead of a self-IPI. The nested-NMI hazard Linux's asm_exc_nmi guards
 * against (programs/entry/entry_64.S) starts here. Built on test/system/sys.h.
 */
#include "sys.h"

#define VEC_NMI 2
#define VEC_BP 3
#define EV_NMI 1
#define EV_BP 2
#define EV_AFTER_INT3 3

SYS_BEGIN
        mov     $VEC_NMI, %edi
        lea     nmi_handler(%rip), %rsi
        call    set_gate
        mov     $VEC_BP, %edi
        lea     bp_handler(%rip), %rsi
        call    set_gate
        WRMSR(X2_ICR, ICR_NMI | ICR_SELF, 0)
        nop
        CHECK(nmi_count(%rip), $2, both nmis ran)
        CHECK(pending_in_nmi(%rip), $1, the second nmi waits while the first runs)
        CHECK(pending_in_bp(%rip), $1, the second nmi waits through the bp handler)
        movzbl  ev_log(%rip), %eax
        CHECK(%rax, $EV_NMI, first the nmi)
        movzbl  ev_log+1(%rip), %eax
        CHECK(%rax, $EV_BP, then the bp)
        movzbl  ev_log+2(%rip), %eax
        CHECK(%rax, $EV_NMI, then the second nmi right after the bp handler iretq)
        movzbl  ev_log+3(%rip), %eax
        CHECK(%rax, $EV_AFTER_INT3, and only then the instruction after int3)
        lea     after_int3(%rip), %rax
        CHECK(nested_rip(%rip), %rax, the second nmi interrupts the first at after_int3)
SYS_END

/* log_event %al: append one byte to ev_log. */
log_event:
        push    %rcx
        mov     ev_count(%rip), %rcx
        lea     ev_log(%rip), %rdx
        mov     %al, (%rdx,%rcx)
        incq    ev_count(%rip)
        pop     %rcx
        ret

nmi_handler:
        push    %rax
        push    %rdx
        mov     $EV_NMI, %al
        call    log_event
        incq    nmi_count(%rip)
        cmpq    $1, nmi_count(%rip)
        jne     1f
#ifndef HOST_NMI                                /* else the test injects it here */
        WRMSR(X2_ICR, ICR_NMI | ICR_SELF, 0)
#endif
        nop
        mov     nmi_count(%rip), %rax
        mov     %rax, pending_in_nmi(%rip)
        int3
after_int3:
        mov     $EV_AFTER_INT3, %al
        call    log_event
        jmp     2f
1:      mov     16(%rsp), %rax                  /* the interrupted RIP, above rdx and rax */
        mov     %rax, nested_rip(%rip)
2:      pop     %rdx
        pop     %rax
        iretq

bp_handler:
        push    %rax
        push    %rdx
        mov     $EV_BP, %al
        call    log_event
        mov     nmi_count(%rip), %rax
        mov     %rax, pending_in_bp(%rip)
        pop     %rdx
        pop     %rax
        iretq

        .data
nmi_count:      .quad 0
pending_in_nmi: .quad 0
pending_in_bp:  .quad 0
nested_rip:     .quad 0
ev_count:       .quad 0
ev_log:         .fill 16, 1, 0
