/* add adc sub sbb cmp neg inc dec: every size, register/immediate/memory forms, AH..BH, carry in
 * 0 and 1; results as full 64-bit registers (zero-extension and merge) and every flag. */
#include "harness.h"

        /* op %src, %dst for one size: dst=a, src=b, flags=f before. */
        .macro bin op, a, b, f, src, dst
        movabs  $\a, %rax
        movabs  $\b, %rbx
        SETF(\f)
        \op     \src, \dst
        FLAGS
        PR(%rax)
        .endm

        .macro allsizes op, a, b, f
        bin     \op, \a, \b, \f, %bl, %al
        bin     \op, \a, \b, \f, %bx, %ax
        bin     \op, \a, \b, \f, %ebx, %eax
        bin     \op, \a, \b, \f, %rbx, %rax
        .endm

        .macro unary op, a, f
        movabs  $\a, %rax
        SETF(\f)
        \op     %al
        FLAGS
        PR(%rax)
        movabs  $\a, %rax
        SETF(\f)
        \op     %ax
        FLAGS
        PR(%rax)
        movabs  $\a, %rax
        SETF(\f)
        \op     %eax
        FLAGS
        PR(%rax)
        movabs  $\a, %rax
        SETF(\f)
        \op     %rax
        FLAGS
        PR(%rax)
        movabs  $\a, %rax
        SETF(\f)
        \op     %ah
        FLAGS
        PR(%rax)
        .endm

TEST_BEGIN
        .irp op, add, sub, cmp
        .irp a, VALS
        .irp b, VALS
        allsizes \op, \a, \b, F_NONE
        .endr
        .endr
        .endr

        .irp op, adc, sbb
        .irp a, VALS
        .irp b, VALS
        allsizes \op, \a, \b, F_NONE
        allsizes \op, \a, \b, F_CF
        .endr
        .endr
        .endr

        SAY(high byte registers)
        .irp op, add, adc, sub, sbb, cmp
        bin     \op, 0x1234567890abcdef, 0x0000000000008f7f, F_CF, %bh, %ah
        bin     \op, 0x1234567890abcdef, 0x0000000000008f7f, F_CF, %bl, %ah
        bin     \op, 0x1234567890abcdef, 0x0000000000008f7f, F_CF, %bh, %al
        .endr

        SAY(immediates)
        .irp op, add, adc, sub, sbb, cmp
        .irp a, VALS
        bin     \op, \a, 0, F_CF, $0x7f, %al
        bin     \op, \a, 0, F_NONE, $0x80, %al
        bin     \op, \a, 0, F_CF, $0x8001, %ax
        bin     \op, \a, 0, F_NONE, $0x7fffffff, %eax
        bin     \op, \a, 0, F_CF, $-1, %rax
        bin     \op, \a, 0, F_NONE, $-0x80000000, %rax
        bin     \op, \a, 0, F_NONE, $1, %rax
        .endr
        .endr

        SAY(memory)
        .irp op, add, adc, sub, sbb, cmp
        movabs  $0x8000000080008080, %rcx
        mov     %rcx, mem(%rip)
        movabs  $0x7fffffff7fff7f7f, %rcx
        SETF(F_CF)
        \op     %cl, mem(%rip)
        FLAGS
        \op     %cx, mem+2(%rip)
        FLAGS
        \op     %ecx, mem(%rip)
        FLAGS
        \op     %rcx, mem(%rip)
        FLAGS
        PR(mem(%rip))
        \op     mem(%rip), %rcx
        FLAGS
        PR(%rcx)
        \op     mem(%rip), %cl
        FLAGS
        PR(%rcx)
        \op     mem+1(%rip), %cx
        FLAGS
        PR(%rcx)
        \op     mem+3(%rip), %ecx
        FLAGS
        PR(%rcx)
        lea     mem(%rip), %rbx
        movl    $0x7fffffff, %edx
        \op     %edx, 4(%rbx)
        FLAGS
        \op\()l  $5, 4(%rbx)
        FLAGS
        \op\()q  $-3, (%rbx)
        FLAGS
        \op\()b  $0x70, 3(%rbx)
        FLAGS
        PR((%rbx))
        .endr

        SAY(neg inc dec)
        .irp op, neg, inc, dec
        .irp a, VALS
        unary   \op, \a, F_NONE
        unary   \op, \a, F_ALL
        .endr
        .endr
        lea     mem(%rip), %rbx
        movq    $-1, (%rbx)
        SETF(F_NONE)
        incb    (%rbx)
        FLAGS
        incw    2(%rbx)
        FLAGS
        decl    4(%rbx)
        FLAGS
        negq    (%rbx)
        FLAGS
        PR((%rbx))
        negq    (%rbx)
        FLAGS
        PR((%rbx))
TEST_END

        .data
        .balign 8
mem:    .quad   0, 0
