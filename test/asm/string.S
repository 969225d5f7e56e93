/* rep movs and rep stos, byte/word/long/quad, DF = 0 and DF = 1, RCX = 0, and the single
 * (unprefixed) forms: the final RSI RDI RCX and the memory they wrote. */
#include "harness.h"

        .macro fill
        lea     src(%rip), %rsi
        lea     dst(%rip), %rdi
        mov     $8, %ecx
        movabs  $0x0706050403020100, %rax
        movabs  $0x0808080808080808, %rdx
1:      mov     %rax, (%rsi)
        movq    $-1, (%rdi)
        add     %rdx, %rax
        add     $8, %rsi
        add     $8, %rdi
        dec     %ecx
        jnz     1b
        .endm

        .macro dump
        lea     src(%rip), %rbx
        sub     %rbx, %rsi
        PR(%rsi)
        lea     dst(%rip), %rbx
        sub     %rbx, %rdi
        PR(%rdi)
        PR(%rcx)
        PR(dst(%rip))
        PR(dst+8(%rip))
        PR(dst+16(%rip))
        PR(dst+24(%rip))
        PR(dst+32(%rip))
        PR(dst+40(%rip))
        PR(dst+48(%rip))
        PR(dst+56(%rip))
        .endm

        .macro movs sfx, n, down, so, doff
        fill
        lea     src+\so(%rip), %rsi
        lea     dst+\doff(%rip), %rdi
        mov     $\n, %ecx
        .if \down
        std
        .else
        cld
        .endif
        rep movs\sfx
        FLAGS
        cld
        dump
        .endm

        .macro stos sfx, n, down, doff
        fill
        movabs  $0xa1a2a3a4a5a6a7a8, %rax
        lea     dst+\doff(%rip), %rdi
        mov     $\n, %ecx
        xor     %esi, %esi
        lea     src(%rip), %rsi
        .if \down
        std
        .else
        cld
        .endif
        rep stos\sfx
        FLAGS
        cld
        dump
        .endm

TEST_BEGIN
        .irp n, 0, 1, 5
        movs    b, \n, 0, 3, 1
        movs    w, \n, 0, 2, 4
        movs    l, \n, 0, 4, 8
        movs    q, \n, 0, 8, 0
        movs    b, \n, 1, 40, 50
        movs    w, \n, 1, 40, 50
        movs    l, \n, 1, 40, 48
        movs    q, \n, 1, 40, 48
        stos    b, \n, 0, 3
        stos    w, \n, 0, 2
        stos    l, \n, 0, 4
        stos    q, \n, 0, 8
        stos    b, \n, 1, 50
        stos    w, \n, 1, 50
        stos    l, \n, 1, 48
        stos    q, \n, 1, 48
        .endr

        SAY(single)
        fill
        lea     src+8(%rip), %rsi
        lea     dst+8(%rip), %rdi
        mov     $77, %ecx
        movsq
        movsl
        movsw
        movsb
        std
        movsb
        movsq
        cld
        mov     $0x11, %al
        stosb
        stosw
        stosl
        stosq
        dump
TEST_END

        .data
        .balign 8
src:    .skip   64
dst:    .skip   64
