/* bt bts btr btc with immediate and register offsets, register operands (offset taken modulo the
 * size) and memory bit strings (a register offset is signed and reaches outside the operand,
 * below it for negative offsets); bsf bsr including a zero source. Undefined flags: OF SF AF PF for
 * bt*, CF OF SF AF PF for bsf/bsr. */
#include "harness.h"

#define BT_U (F_OF | F_SF | F_AF | F_PF)
#define BS_U (F_CF | F_OF | F_SF | F_AF | F_PF)

        /* Reset the 32-byte bit string at bits(%rip) to a fixed pattern. */
        .macro reset
        movabs  $0x0123456789abcdef, %rdx
        mov     %rdx, bits(%rip)
        movabs  $0xfedcba9876543210, %rdx
        mov     %rdx, bits+8(%rip)
        movabs  $0x8000000100000001, %rdx
        mov     %rdx, bits+16(%rip)
        movabs  $0x00ff00ff00ff00ff, %rdx
        mov     %rdx, bits+24(%rip)
        movabs  $0x5555555555555555, %rdx
        mov     %rdx, bits-32(%rip)
        mov     %rdx, bits-24(%rip)
        mov     %rdx, bits-16(%rip)
        mov     %rdx, bits-8(%rip)
        .endm

        .macro dump
        PR(bits-32(%rip))
        PR(bits-24(%rip))
        PR(bits-16(%rip))
        PR(bits-8(%rip))
        PR(bits(%rip))
        PR(bits+8(%rip))
        PR(bits+16(%rip))
        PR(bits+24(%rip))
        .endm

        /* Register offsets into memory at bits+16: every size, offsets in and out of range. */
        .macro memreg op, off, f
        reset
        lea     bits+16(%rip), %rbx
        movabs  $\off, %rcx
        SETF(\f)
        \op     %cx, (%rbx)
        FLAGSU(BT_U)
        SETF(\f ^ F_ALL)
        \op     %ecx, (%rbx)
        FLAGSU(BT_U)
        SETF(\f)
        \op     %rcx, (%rbx)
        FLAGSU(BT_U)
        dump
        .endm

        .macro regs op, v, off, f
        movabs  $\v, %rax
        movabs  $\off, %rcx
        SETF(\f)
        \op     %cx, %ax
        FLAGSU(BT_U)
        PR(%rax)
        movabs  $\v, %rax
        SETF(\f ^ F_ALL)
        \op     %ecx, %eax
        FLAGSU(BT_U)
        PR(%rax)
        movabs  $\v, %rax
        SETF(\f)
        \op     %rcx, %rax
        FLAGSU(BT_U)
        PR(%rax)
        movabs  $\v, %rax
        SETF(\f)
        \op     $\off & 0xff, %rax
        FLAGSU(BT_U)
        PR(%rax)
        movabs  $\v, %rax
        SETF(\f)
        \op     $\off & 0xff, %eax
        FLAGSU(BT_U)
        PR(%rax)
        movabs  $\v, %rax
        SETF(\f)
        \op     $\off & 0xff, %ax
        FLAGSU(BT_U)
        PR(%rax)
        .endm

#define OFFS 0, 1, 5, 15, 16, 31, 32, 33, 63, 64, 100, 127, 0xffffffffffffffff, 0xfffffffffffffff0, 0xffffffffffffff81, 0xffffffffffffff80, 0xfffffffffffffe80, 0xc0

TEST_BEGIN
        .irp op, bt, bts, btr, btc
        .irp off, OFFS
        memreg  \op, \off, F_NONE
        regs    \op, 0x8421084210842108, \off, F_ALL
        .endr
        .endr

        SAY(immediate offsets into memory)
        .irp op, bt, bts, btr, btc
        .irp off, 0, 7, 15, 16, 31, 63, 64, 200
        reset
        SETF(F_ALL)
        \op\()w $\off, bits+16(%rip)
        FLAGSU(BT_U)
        \op\()l $\off, bits+16(%rip)
        FLAGSU(BT_U)
        \op\()q $\off, bits+16(%rip)
        FLAGSU(BT_U)
        dump
        .endr
        .endr

        SAY(bsf bsr)
        .irp v, 0, 1, 0x8000, 0x10000, 0x80000000, 0x100000000, 0x8000000000000000, 0x0000f00000000000, 0x00000000000a0000, 0x6, 0xffffffffffffffff, 0x3c00
        .irp op, bsf, bsr
        movabs  $\v, %rbx
        movabs  $0x5555555555555555, %rax
        SETF(F_NONE)
        \op     %bx, %ax
        FLAGSU(BS_U)
        PR(%rax)
        movabs  $0x5555555555555555, %rax
        SETF(F_ALL)
        \op     %ebx, %eax
        FLAGSU(BS_U)
        PR(%rax)
        movabs  $0x5555555555555555, %rax
        SETF(F_NONE)
        \op     %rbx, %rax
        FLAGSU(BS_U)
        PR(%rax)
        mov     %rbx, bits(%rip)
        movabs  $0x5555555555555555, %rax
        SETF(F_ALL)
        \op     bits(%rip), %rax
        FLAGSU(BS_U)
        PR(%rax)
        .endr
        .endr
TEST_END

        .data
        .balign 8
        .quad   0x5555555555555555, 0x6666666666666666, 0x1111111111111111, 0x2222222222222222
bits:   .skip   32
        .quad   0x3333333333333333, 0x4444444444444444
