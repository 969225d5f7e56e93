/* cmpxchg (equal and not equal, register and memory destinations, lock), xadd, xchg: every size
 * with AH..BH, the zero-extension of 32-bit results and all flags. */
#include "harness.h"

        .macro cx a, d, s, f
        movabs  $\a, %rax
        movabs  $\d, %rbx
        movabs  $\s, %rcx
        SETF(\f)
        cmpxchg %cl, %bl
        FLAGS
        PR(%rax)
        PR(%rbx)
        movabs  $\a, %rax
        movabs  $\d, %rbx
        cmpxchg %cx, %bx
        FLAGS
        PR(%rax)
        PR(%rbx)
        movabs  $\a, %rax
        movabs  $\d, %rbx
        cmpxchg %ecx, %ebx
        FLAGS
        PR(%rax)
        PR(%rbx)
        movabs  $\a, %rax
        movabs  $\d, %rbx
        cmpxchg %rcx, %rbx
        FLAGS
        PR(%rax)
        PR(%rbx)
        movabs  $\a, %rax
        mov     %rbx, mem(%rip)
        lock cmpxchg %rcx, mem(%rip)
        FLAGS
        PR(%rax)
        PR(mem(%rip))
        movabs  $\a, %rax
        movabs  $\d, %rbx
        lock cmpxchg %ecx, mem(%rip)
        FLAGS
        PR(%rax)
        PR(mem(%rip))
        .endm

        .macro xa a, b, f
        movabs  $\a, %rax
        movabs  $\b, %rbx
        SETF(\f)
        xadd    %bl, %al
        FLAGS
        PR(%rax)
        PR(%rbx)
        xadd    %bh, %ah
        FLAGS
        PR(%rax)
        PR(%rbx)
        xadd    %bx, %ax
        FLAGS
        PR(%rax)
        PR(%rbx)
        xadd    %ebx, %eax
        FLAGS
        PR(%rax)
        PR(%rbx)
        xadd    %rbx, %rax
        FLAGS
        PR(%rax)
        PR(%rbx)
        mov     %rax, mem(%rip)
        lock xadd %rbx, mem(%rip)
        FLAGS
        PR(%rbx)
        PR(mem(%rip))
        lock xadd %ebx, mem+4(%rip)
        FLAGS
        PR(%rbx)
        PR(mem(%rip))
        .endm

TEST_BEGIN
        .irp a, VALS
        .irp d, 0, 0xffffffffffffffff, 0x8000000080008080
        cx      \a, \d, 0x1234567890abcdef, F_NONE
        .endr
        cx      \a, \a, 0x1234567890abcdef, F_ALL
        .endr

        SAY(xadd)
        .irp a, VALS
        .irp b, 1, 0xffffffffffffffff, 0x7fffffff7fff7f7f
        xa      \a, \b, F_NONE
        .endr
        .endr

        SAY(xchg)
        SETF(F_ALL)
        movabs  $0x1111111111111111, %rax
        movabs  $0x2222222222222222, %rbx
        movabs  $0xfedcba9876543210, %rcx
        mov     %rcx, mem(%rip)
        xchg    %al, %bl
        PR(%rax)
        PR(%rbx)
        xchg    %ah, %bl
        PR(%rax)
        PR(%rbx)
        xchg    %ax, %bx
        PR(%rax)
        PR(%rbx)
        xchg    %eax, %ebx
        PR(%rax)
        PR(%rbx)
        xchg    %rax, %rbx
        PR(%rax)
        PR(%rbx)
        xchg    %eax, %eax
        PR(%rax)
        xchg    %r8, %rax
        PR(%rax)
        PR(%r8)
        xchg    %cl, mem+1(%rip)
        PR(%rcx)
        xchg    mem(%rip), %rcx
        PR(%rcx)
        lock xchg %edx, mem+4(%rip)
        PR(%rdx)
        xchg    %bx, mem+2(%rip)
        PR(%rbx)
        PR(mem(%rip))
        FLAGS
TEST_END

        .data
        .balign 8
mem:    .quad   0
