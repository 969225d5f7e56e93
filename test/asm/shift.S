/* shl shr sar rol ror: every size, counts 0, 1, n and at or above the width, immediate and %cl
 * counts, register/memory/AH operands. The SDM leaves OF undefined for counts above 1, AF for
 * shifts by a non-zero count, and CF for SHL/SHR by at least the operand size; a masked count of 0
 * changes no flag. */
#include "harness.h"

        /* um = the flags the SDM leaves undefined for this shift (kind 0) or rotate (kind 1). */
        .macro undef kind, sz, cnt
        .if \sz == 64
        .set    mc, (\cnt) & 63
        .else
        .set    mc, (\cnt) & 31
        .endif
        .set    um, 0
        .if mc > 1
        .set    um, F_OF
        .endif
        .if (\kind == 0) && (mc >= 1)
        .set    um, um | F_AF
        .endif
        .if (\kind == 2) && (mc >= \sz)
        .set    um, um | F_AF | F_CF
        .elseif (\kind == 2) && (mc >= 1)
        .set    um, um | F_AF
        .endif
        .endm

        .macro case op, kind, sz, v, cnt, reg, f
        undef   \kind, \sz, \cnt
        movabs  $\v, %rax
        SETF(\f)
        \op     $\cnt, \reg
        FLAGSU(um)
        PR(%rax)
        movabs  $\v, %rax
        mov     $\cnt, %ecx
        SETF(\f ^ F_ALL)
        \op     %cl, \reg
        FLAGSU(um)
        PR(%rax)
        .endm

        .macro sizes op, kind, v, cnt
        case    \op, \kind, 8, \v, \cnt, %al, F_NONE
        case    \op, \kind, 8, \v, \cnt, %ah, F_ALL
        case    \op, \kind, 16, \v, \cnt, %ax, F_NONE
        case    \op, \kind, 32, \v, \cnt, %eax, F_ALL
        case    \op, \kind, 64, \v, \cnt, %rax, F_NONE
        .endm

#define COUNTS 0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 255
#define SHVALS 0x8000000080008080, 0x7fffffff7fff7f7f, 0x123456789abcdef0, 0xffffffffffffffff, 1, 0xc3c3c3c3c3c3c3c3

TEST_BEGIN
        .irp v, SHVALS
        .irp cnt, COUNTS
        sizes   shl, 2, \v, \cnt
        sizes   shr, 2, \v, \cnt
        sizes   sar, 0, \v, \cnt
        sizes   rol, 1, \v, \cnt
        sizes   ror, 1, \v, \cnt
        .endr
        .endr

        SAY(memory)
        lea     mem(%rip), %rbx
        movabs  $0x8123456789abcdef, %rax
        mov     %rax, (%rbx)
        mov     $5, %cl
        SETF(F_NONE)
        shlb    $1, (%rbx)
        FLAGS
        shrw    %cl, 2(%rbx)
        FLAGSU(F_OF | F_AF)
        sarl    $31, 4(%rbx)
        FLAGSU(F_OF | F_AF)
        rolq    %cl, (%rbx)
        FLAGSU(F_OF)
        rorb    $1, 7(%rbx)
        FLAGS
        PR((%rbx))
        shlq    $1, (%rbx)
        FLAGSU(F_AF)
        shrq    (%rbx)
        FLAGSU(F_AF)
        sarq    $63, (%rbx)
        FLAGSU(F_OF | F_AF)
        PR((%rbx))
TEST_END

        .data
        .balign 8
mem:    .quad   0
