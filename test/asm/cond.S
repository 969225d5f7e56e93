/* setcc, cmovcc (16/32/64-bit, register and memory sources) and jcc for all 16 conditions, after
 * compares that produce every combination of CF ZF SF OF PF. A 32-bit cmov zero-extends its
 * destination even when the condition is false; a 16-bit one merges. */
#include "harness.h"

#define CCS o, no, b, ae, e, ne, be, a, s, ns, p, np, l, ge, le, g

        .macro onecond cc
        movabs  $-1, %rax
        set\cc  %al
        set\cc  %ah
        PR(%rax)
        movabs  $-1, %rdx
        movabs  $0x1111111122222222, %rcx
        cmov\cc %ecx, %edx
        PR(%rdx)
        movabs  $-1, %rdx
        cmov\cc %cx, %dx
        PR(%rdx)
        movabs  $-1, %rdx
        cmov\cc %rcx, %rdx
        PR(%rdx)
        movabs  $-1, %rdx
        cmov\cc mem(%rip), %edx
        PR(%rdx)
        set\cc  mem+15(%rip)
        PR(mem+8(%rip))
        xor     %esi, %esi
        j\cc    1f
        mov     $1, %esi
1:      PR(%rsi)
        .endm

        .macro compare a, b
        movabs  $\a, %rax
        movabs  $\b, %rbx
        cmp     %rbx, %rax
        FLAGS
        .irp cc, CCS
        onecond \cc
        .endr
        .endm

TEST_BEGIN
        compare 0, 0
        compare 1, 2
        compare 2, 1
        compare 0x8000000000000000, 1
        compare 0x7fffffffffffffff, 0xffffffffffffffff
        compare 0xffffffffffffffff, 0x7fffffffffffffff
        compare 0x0000000000000003, 0x0000000000000000
        compare 0xffffffffffffffff, 0xfffffffffffffffe

        SAY(flags set directly)
        .irp f, 0, 0x001, 0x004, 0x040, 0x080, 0x800, 0x880, 0x041, 0x8c5, 0x8d5
        SETF(\f)
        FLAGS
        .irp cc, CCS
        onecond \cc
        .endr
        .endr
TEST_END

        .data
        .balign 8
mem:    .quad   0x3333333344444444, 0x7777777777777777
