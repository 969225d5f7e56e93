/* The calibration loop (../shared/bench/loop.S) as a native Linux program: its port I/O becomes
 * the harness's buffered output (COM1) and exit (port 0xF4); cli and hlt disappear. Built only by
 * test/asm/loop.test.ts with `gcc -nostdlib -static -DNATIVE -I<bench dir> -DITERS=N`. */
#include "harness.h"

        .macro h_out val, port
        .ifc \port,$0xf4
        jmp     h_exit
        .else
        push    %rsi
        mov     %eax, %esi
        call    h_putc_sil
        pop     %rsi
        .endif
        .endm

#define out h_out
#define cli
#define hlt
#include "loop.S"
#undef out

        h_routines
