/* lea (every addressing shape, 16/32/64-bit destinations) and cbtw cwtl cltq cwtd cltd cqto. */
#include "harness.h"

TEST_BEGIN
        SETF(F_ALL)
        SAY(lea)
        movabs  $0x00007fff12345678, %rbx
        movabs  $-3, %rcx
        movabs  $0xffffffff, %rsi
        lea     (%rbx), %rax
        PR(%rax)
        lea     8(%rbx), %rax
        PR(%rax)
        lea     -0x80000000(%rbx), %rax
        PR(%rax)
        lea     (%rbx,%rcx), %rax
        PR(%rax)
        lea     (%rbx,%rcx,2), %rax
        PR(%rax)
        lea     0x10(%rbx,%rcx,4), %rax
        PR(%rax)
        lea     -7(%rbx,%rcx,8), %rax
        PR(%rax)
        lea     (,%rcx,8), %rax
        PR(%rax)
        lea     0x7fffffff(,%rsi,8), %rax
        PR(%rax)
        lea     (%rsi,%rsi,1), %rax
        PR(%rax)
        movabs  $-1, %rax
        lea     0x10(%rbx,%rcx,4), %eax
        PR(%rax)
        movabs  $-1, %rax
        lea     0x10(%rbx,%rcx,4), %ax
        PR(%rax)
        lea     (%rsi,%rsi,1), %eax
        PR(%rax)
        lea     (%r8,%r9,2), %r10
        PR(%r10)
        lea     1f(%rip), %rax
        lea     here(%rip), %rdx
        sub     %rdx, %rax
        PR(%rax)
here:   nop
1:      FLAGS

        SAY(conversions)
        .irp v, 0, 1, 0x7f, 0x80, 0x7fff, 0x8000, 0x7fffffff, 0x80000000, 0xffffffffffffffff, 0x8000000000000000, 0x123456789abcdef0
        movabs  $\v, %rax
        movabs  $0x5555555555555555, %rdx
        cbtw
        PR(%rax)
        movabs  $\v, %rax
        cwtl
        PR(%rax)
        movabs  $\v, %rax
        cltq
        PR(%rax)
        movabs  $\v, %rax
        cwtd
        PR(%rax)
        PR(%rdx)
        movabs  $\v, %rax
        cltd
        PR(%rax)
        PR(%rdx)
        movabs  $\v, %rax
        cqto
        PR(%rax)
        PR(%rdx)
        .endr
        FLAGS
TEST_END
