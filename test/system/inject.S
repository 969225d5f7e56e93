/*
 * Injected events (--inject nmi@0:20000 --inject irq:0x41@0:40000): the NMI and the interrupt
 * arrive at instruction boundaries at or after their counts, the interrupt only while IF=1
 * (it waits through a CLI section), both through their IDT gates.
 */
#include "sys.h"

SYS_BEGIN
        movq    $EXC_IRET, exc_action(%rip)
        movq    $0, exc_count(%rip)
        mov     $15000, %ecx            /* 30000 instructions with IF=0: the NMI comes anyway */
1:      dec     %ecx
        jnz     1b
        CHECK(exc_count(%rip), $1, the nmi arrives with if clear)
        movzbl  exc_log(%rip), %eax
        CHECK(%rax, $2, vector 2)
        movq    $EXC_IRET, exc_action(%rip)
        mov     $15000, %ecx            /* past 40000 with IF=0: the interrupt waits */
1:      dec     %ecx
        jnz     1b
        CHECK(exc_count(%rip), $1, the interrupt waits while if is clear)
        movq    $EXC_IRET, exc_action(%rip)
        sti
        nop
        cli
        CHECK(exc_count(%rip), $2, the interrupt arrives after sti)
        movzbl  exc_log+1(%rip), %eax
        CHECK(%rax, $0x41, vector 0x41)
SYS_END
