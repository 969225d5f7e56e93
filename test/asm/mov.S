/* mov movabs movzx movsx: every size and form, zero-extension of 32-bit writes, merging of
 * 8/16-bit writes, AH..BH, memory operands with base/index/scale/disp; no flags change. */
#include "harness.h"

#define BIG 0x1122334455667788
#define NEG 0x8899aabbccddeeff

TEST_BEGIN
        SETF(F_ALL)
        SAY(register sizes)
        .irp v, BIG, NEG
        movabs  $\v, %rbx
        movabs  $0xa5a5a5a5a5a5a5a5, %rax
        mov     %bl, %al
        PR(%rax)
        mov     %bh, %ah
        PR(%rax)
        mov     %bl, %ah
        PR(%rax)
        mov     %bh, %al
        PR(%rax)
        mov     %bx, %ax
        PR(%rax)
        mov     %ebx, %eax
        PR(%rax)
        movabs  $0xa5a5a5a5a5a5a5a5, %rax
        mov     %rbx, %rax
        PR(%rax)
        mov     %bl, %r9b
        PR(%r9)
        mov     %r9b, %sil
        PR(%rsi)
        mov     %dil, %bpl
        PR(%rbp)
        mov     %ebx, %r15d
        PR(%r15)
        mov     %r15w, %r14w
        PR(%r14)
        .endr
        FLAGS

        SAY(immediates)
        movabs  $-1, %rax
        mov     $0x12, %al
        PR(%rax)
        mov     $0x34, %ah
        PR(%rax)
        mov     $0x5678, %ax
        PR(%rax)
        mov     $0x9abcdef0, %eax
        PR(%rax)
        mov     $-5, %rax
        PR(%rax)
        mov     $0x7fffffff, %rax
        PR(%rax)
        movabs  $0x123456789abcdef0, %rax
        PR(%rax)
        mov     $0x80, %r12b
        PR(%r12)
        mov     $-1, %r12d
        PR(%r12)

        SAY(memory)
        lea     mem(%rip), %rbx
        mov     $3, %ecx
        movabs  $BIG, %rax
        mov     %rax, (%rbx)
        movabs  $NEG, %rax
        mov     %rax, 8(%rbx)
        movl    $0xdeadbeef, 16(%rbx)
        movw    $0xcafe, 20(%rbx)
        movb    $0x5a, 22(%rbx)
        movq    $-2, 24(%rbx)
        mov     %al, 23(%rbx)
        mov     %ah, 31(%rbx)
        PR(16(%rbx))
        PR(24(%rbx))
        movabs  $-1, %rdx
        mov     (%rbx,%rcx,2), %dl
        PR(%rdx)
        mov     1(%rbx,%rcx,2), %dh
        PR(%rdx)
        mov     -1(%rbx,%rcx,4), %dx
        PR(%rdx)
        mov     4(%rbx,%rcx,1), %edx
        PR(%rdx)
        mov     -16(%rbx,%rcx,8), %rdx
        PR(%rdx)
        mov     mem+8(%rip), %r11
        PR(%r11)
        mov     %r11d, mem+36(%rip)
        PR(mem+32(%rip))
        mov     %r11w, mem+33(%rip)
        PR(mem+32(%rip))

        SAY(movzx movsx)
        .irp v, BIG, NEG, 0x80, 0x7f, 0x8000, 0x7fff, 0x80000000, 0x7fffffff
        movabs  $\v, %rbx
        movabs  $-1, %rax
        movzbw  %bl, %ax
        PR(%rax)
        movzbl  %bl, %eax
        PR(%rax)
        movzbq  %bl, %rax
        PR(%rax)
        movzbl  %bh, %eax
        PR(%rax)
        movzwl  %bx, %eax
        PR(%rax)
        movzwq  %bx, %rax
        PR(%rax)
        movabs  $-1, %rax
        movsbw  %bl, %ax
        PR(%rax)
        movsbl  %bl, %eax
        PR(%rax)
        movsbq  %bl, %rax
        PR(%rax)
        movsbw  %bh, %ax
        PR(%rax)
        movswl  %bx, %eax
        PR(%rax)
        movswq  %bx, %rax
        PR(%rax)
        movslq  %ebx, %rax
        PR(%rax)
        movslq  %ebx, %rbx
        PR(%rbx)
        .endr
        lea     mem(%rip), %rbx
        movzbl  8(%rbx), %eax
        PR(%rax)
        movsbq  15(%rbx), %rax
        PR(%rax)
        movzwq  14(%rbx), %rax
        PR(%rax)
        movswl  14(%rbx), %eax
        PR(%rax)
        movslq  12(%rbx), %rax
        PR(%rax)
        movsbw  8(%rbx), %r8w
        PR(%r8)
        FLAGS
TEST_END

        .data
        .balign 8
mem:    .skip   64
