/* and or xor test not: every size, register/immediate/memory forms, AH..BH. AF is undefined for
 * and/or/xor/test (SDM vol. 2); not writes no flags. */
#include "harness.h"

        .macro bin op, a, b, f, src, dst
        movabs  $\a, %rax
        movabs  $\b, %rbx
        SETF(\f)
        \op     \src, \dst
        FLAGSU(F_AF)
        PR(%rax)
        .endm

        .macro allsizes op, a, b, f
        bin     \op, \a, \b, \f, %bl, %al
        bin     \op, \a, \b, \f, %bx, %ax
        bin     \op, \a, \b, \f, %ebx, %eax
        bin     \op, \a, \b, \f, %rbx, %rax
        bin     \op, \a, \b, \f, %bh, %ah
        .endm

TEST_BEGIN
        .irp op, and, or, xor, test
        .irp a, VALS
        .irp b, VALS
        allsizes \op, \a, \b, F_ALL
        .endr
        .endr
        .endr

        SAY(immediates)
        .irp op, and, or, xor, test
        .irp a, VALS
        bin     \op, \a, 0, F_ALL, $0x90, %al
        bin     \op, \a, 0, F_NONE, $0x8001, %ax
        bin     \op, \a, 0, F_ALL, $0x7fffffff, %eax
        bin     \op, \a, 0, F_NONE, $-1, %rax
        bin     \op, \a, 0, F_ALL, $-0x80000000, %rax
        bin     \op, \a, 0, F_ALL, $0x10, %ah
        .endr
        .endr

        SAY(memory)
        .irp op, and, or, xor, test
        movabs  $0x8000000080ff8081, %rcx
        mov     %rcx, mem(%rip)
        movabs  $0x7fffffff7fff7f7f, %rcx
        SETF(F_ALL)
        \op     %cl, mem(%rip)
        FLAGSU(F_AF)
        \op     %cx, mem+2(%rip)
        FLAGSU(F_AF)
        \op     %ecx, mem(%rip)
        FLAGSU(F_AF)
        \op     %rcx, mem(%rip)
        FLAGSU(F_AF)
        PR(mem(%rip))
        lea     mem(%rip), %rbx
        \op\()l $0x80000001, 4(%rbx)
        FLAGSU(F_AF)
        \op\()q $-2, (%rbx)
        FLAGSU(F_AF)
        \op\()b $0x0f, 3(%rbx)
        FLAGSU(F_AF)
        \op\()w $0x8000, 6(%rbx)
        FLAGSU(F_AF)
        PR((%rbx))
        .endr
        .irp op, and, or, xor
        movabs  $0x00ff00ff00ff00ff, %rcx
        \op     mem(%rip), %rcx
        FLAGSU(F_AF)
        PR(%rcx)
        \op     mem+1(%rip), %cl
        FLAGSU(F_AF)
        \op     mem+1(%rip), %cx
        FLAGSU(F_AF)
        \op     mem+1(%rip), %ecx
        FLAGSU(F_AF)
        PR(%rcx)
        .endr

        SAY(not)
        .irp a, VALS
        movabs  $\a, %rax
        SETF(F_ALL)
        not     %al
        FLAGS
        PR(%rax)
        not     %ax
        PR(%rax)
        not     %ah
        PR(%rax)
        SETF(F_NONE)
        not     %eax
        FLAGS
        PR(%rax)
        not     %rax
        PR(%rax)
        .endr
        lea     mem(%rip), %rbx
        notb    1(%rbx)
        notw    2(%rbx)
        notl    4(%rbx)
        PR((%rbx))
        notq    (%rbx)
        PR((%rbx))
TEST_END

        .data
        .balign 8
mem:    .quad   0, 0
