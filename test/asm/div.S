/* div, idiv: every size, register and memory divisors, AH..BH; every status flag is undefined
 * (SDM vol. 2 DIV, IDIV). #DE (divide by zero, quotient overflow) cannot be printed here: the
 * VM half is tested by test/asm/fault.test.ts. */
#include "harness.h"

#define DIV_U (F_OF | F_SF | F_ZF | F_AF | F_PF | F_CF)

        /* Divide rdx:rax = hi:lo by b at every size, where the quotient fits. */
        .macro d8 op, lo, b
        movabs  $\lo, %rax
        movabs  $\b, %rbx
        SETF(F_NONE)
        \op     %bl
        FLAGSU(DIV_U)
        PR(%rax)
        .endm
        .macro d16 op, hi, lo, b
        movabs  $\lo, %rax
        movabs  $\hi, %rdx
        movabs  $\b, %rbx
        SETF(F_ALL)
        \op     %bx
        FLAGSU(DIV_U)
        PR(%rax)
        PR(%rdx)
        .endm
        .macro d32 op, hi, lo, b
        movabs  $\lo, %rax
        movabs  $\hi, %rdx
        movabs  $\b, %rbx
        SETF(F_NONE)
        \op     %ebx
        FLAGSU(DIV_U)
        PR(%rax)
        PR(%rdx)
        .endm
        .macro d64 op, hi, lo, b
        movabs  $\lo, %rax
        movabs  $\hi, %rdx
        movabs  $\b, %rbx
        SETF(F_ALL)
        \op     %rbx
        FLAGSU(DIV_U)
        PR(%rax)
        PR(%rdx)
        .endm

TEST_BEGIN
        SAY(div)
        .irp b, 1, 2, 3, 7, 0xff, 0x80
        d8      div, 0xffffffffffff00fe, \b
        d8      div, 0x1234567890ab0064, \b
        .endr
        .irp b, 0x100, 0xffff, 0x1234, 0x8000
        d16     div, 0x11, 0xffff, \b
        d16     div, 0xffffffffffff0000, 0x5678, \b
        .endr
        .irp b, 0x10000, 0xffffffff, 0x80000000, 0x12345678, 7
        d32     div, 0x3, 0xffffffff, \b
        d32     div, 0xabcdef0000000006, 0x0123456789abcdef, \b
        .endr
        .irp b, 0x100000000, 0xffffffffffffffff, 0x8000000000000000, 0x123456789abcdef, 3, 10
        d64     div, 0, 0xffffffffffffffff, \b
        d64     div, 0x1, 0x8000000000000000, \b
        .endr
        movabs  $0x0134, %rax
        mov     $7, %ecx
        mov     %cl, %bh
        div     %bh
        FLAGSU(DIV_U)
        PR(%rax)

        SAY(idiv)
        .irp b, 1, 2, 3, 7, 0xff, 0x80, 0xfd
        d8      idiv, 0xffffffffffffff81, \b
        d8      idiv, 0x0000000000000064, \b
        d8      idiv, 0x000000000000ff9c, \b
        .endr
        .irp b, 0x100, 0xffff, 0x1234, 0x8000, 0xfff9
        d16     idiv, 0xffff, 0x8001, \b
        d16     idiv, 0x0, 0x7fff, \b
        d16     idiv, 0xffff, 0xfff9, \b
        .endr
        .irp b, 0x10000, 0xffffffff, 0x80000000, 0x12345678, 7, 0xfffffff9
        d32     idiv, 0xffffffff, 0x80000001, \b
        d32     idiv, 0, 0x7fffffff, \b
        d32     idiv, 0xffffffff, 0xfffffff9, \b
        .endr
        .irp b, 0x100000000, 0xffffffffffffffff, 0x123456789abcdef, 3, 0xfffffffffffffff6
        d64     idiv, 0xffffffffffffffff, 0x8000000000000001, \b
        d64     idiv, 0, 0x7fffffffffffffff, \b
        d64     idiv, 0xffffffffffffffff, 0xfffffffffffffff9, \b
        .endr

        SAY(memory)
        lea     mem(%rip), %rsi
        movq    $-7, (%rsi)
        movabs  $0x123456789, %rax
        cqto
        idivq   (%rsi)
        FLAGSU(DIV_U)
        PR(%rax)
        PR(%rdx)
        movabs  $0x123456789, %rax
        xor     %edx, %edx
        divl    4(%rsi)
        FLAGSU(DIV_U)
        PR(%rax)
        PR(%rdx)
        mov     $100, %eax
        idivb   (%rsi)
        FLAGSU(DIV_U)
        PR(%rax)
        mov     $1000, %eax
        xor     %edx, %edx
        divw    2(%rsi)
        FLAGSU(DIV_U)
        PR(%rax)
        PR(%rdx)
TEST_END

        .data
        .balign 8
mem:    .quad   0
