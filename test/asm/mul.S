/* mul, imul with one, two and three operands: every size, register and memory sources, AH..BH.
 * SF ZF AF PF are undefined (SDM vol. 2 MUL, IMUL); OF and CF are defined. */
#include "harness.h"

#define MUL_U (F_SF | F_ZF | F_AF | F_PF)

        .macro one op, a, b, f
        movabs  $\a, %rax
        movabs  $\b, %rbx
        movabs  $0x5555555555555555, %rdx
        SETF(\f)
        \op     %bl
        FLAGSU(MUL_U)
        PR(%rax)
        movabs  $\a, %rax
        SETF(\f)
        \op     %bh
        FLAGSU(MUL_U)
        PR(%rax)
        movabs  $\a, %rax
        SETF(\f)
        \op     %bx
        FLAGSU(MUL_U)
        PR(%rax)
        PR(%rdx)
        movabs  $\a, %rax
        SETF(\f)
        \op     %ebx
        FLAGSU(MUL_U)
        PR(%rax)
        PR(%rdx)
        movabs  $\a, %rax
        SETF(\f)
        \op     %rbx
        FLAGSU(MUL_U)
        PR(%rax)
        PR(%rdx)
        .endm

        .macro two a, b, f
        movabs  $\a, %rax
        movabs  $\b, %rbx
        SETF(\f)
        imul    %bx, %ax
        FLAGSU(MUL_U)
        PR(%rax)
        movabs  $\a, %rax
        SETF(\f)
        imul    %ebx, %eax
        FLAGSU(MUL_U)
        PR(%rax)
        movabs  $\a, %rax
        SETF(\f)
        imul    %rbx, %rax
        FLAGSU(MUL_U)
        PR(%rax)
        .endm

TEST_BEGIN
        .irp a, VALS, 3, 0xfffffffffffffffd
        .irp b, VALS, 3, 0xfffffffffffffffd
        one     mul, \a, \b, F_NONE
        one     imul, \a, \b, F_ALL
        two     \a, \b, F_ALL
        .endr
        .endr

        SAY(three operands)
        .irp a, VALS
        movabs  $\a, %rbx
        movabs  $-1, %rax
        SETF(F_NONE)
        imul    $3, %bx, %ax
        FLAGSU(MUL_U)
        PR(%rax)
        imul    $-0x8000, %bx, %ax
        FLAGSU(MUL_U)
        PR(%rax)
        imul    $0x7fffffff, %ebx, %eax
        FLAGSU(MUL_U)
        PR(%rax)
        imul    $-2, %ebx, %eax
        FLAGSU(MUL_U)
        PR(%rax)
        imul    $-0x80000000, %rbx, %rax
        FLAGSU(MUL_U)
        PR(%rax)
        imul    $7, %rbx, %rax
        FLAGSU(MUL_U)
        PR(%rax)
        imul    $5, %rbx
        FLAGSU(MUL_U)
        PR(%rbx)
        .endr

        SAY(memory)
        lea     mem(%rip), %rsi
        movabs  $0x89abcdef01234567, %rax
        mov     %rax, (%rsi)
        movabs  $0x7654321076543210, %rax
        movabs  $-1, %rdx
        SETF(F_NONE)
        mulb    (%rsi)
        FLAGSU(MUL_U)
        PR(%rax)
        mulw    2(%rsi)
        FLAGSU(MUL_U)
        PR(%rax)
        PR(%rdx)
        imull   4(%rsi)
        FLAGSU(MUL_U)
        PR(%rax)
        PR(%rdx)
        imulq   (%rsi)
        FLAGSU(MUL_U)
        PR(%rax)
        PR(%rdx)
        imul    (%rsi), %rcx
        FLAGSU(MUL_U)
        PR(%rcx)
        imul    $-9, 4(%rsi), %ecx
        FLAGSU(MUL_U)
        PR(%rcx)
        imul    $300, (%rsi), %cx
        FLAGSU(MUL_U)
        PR(%rcx)
TEST_END

        .data
        .balign 8
mem:    .quad   0
