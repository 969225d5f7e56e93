/* push pop (registers, memory, immediates, %rsp itself, pop into (%rsp)), pushf/popf, call/ret
 * (direct and indirect through a register and memory), leave, and the stack pointer after each. */
#include "harness.h"

        /* Print %rsp relative to its value at the start (kept in %r15). */
        .macro prsp
        mov     %rsp, %r14
        sub     %r15, %r14
        PR(%r14)
        .endm

TEST_BEGIN
        /* A zeroed 64-byte area above the reference point %r15: pops may go there. */
        sub     $64, %rsp
        mov     $8, %ecx
1:      movq    $0, -8(%rsp,%rcx,8)
        dec     %ecx
        jnz     1b
        mov     %rsp, %r15
        movabs  $0x1122334455667788, %rax
        push    %rax
        prsp
        PR((%rsp))
        push    $-2
        PR((%rsp))
        push    $0x7fffffff
        PR((%rsp))
        pushq   8(%rsp)
        PR((%rsp))
        prsp
        pop     %rbx
        PR(%rbx)
        pop     %rcx
        pop     %rdx
        pop     %rsi
        PR(%rcx)
        PR(%rdx)
        PR(%rsi)
        prsp

        SAY(push rsp and pop into memory)
        push    %rsp
        pop     %rax
        sub     %r15, %rax
        PR(%rax)
        push    $5
        push    $6
        pop     (%rsp)
        PR((%rsp))
        prsp
        pop     %rax
        PR(%rax)
        lea     slot(%rip), %rbx
        push    $9
        pop     (%rbx)
        PR(slot(%rip))
        push    $0x1234
        popq    8(%rsp)
        prsp
        pop     %rax
        PR(%rax)
        prsp
        sub     $8, %rsp
        mov     %rsp, %rax
        push    $0x55
        popq    -8(%rax)
        add     $8, %rsp
        prsp
        push    %rsp
        pop     %rsp
        prsp

        SAY(pushf popf)
        SETF(F_ALL)
        pushfq
        pop     %rax
        and     $0x8d5, %eax
        PR(%rax)
        push    $0x8d5 | 0x400
        popfq
        FLAGS
        push    $0
        popfq
        FLAGS

        SAY(call ret leave)
        call    1f
1:      pop     %rax
        lea     1b(%rip), %rbx
        sub     %rbx, %rax
        PR(%rax)
        call    f1
        PR(%rax)
        prsp
        lea     f1(%rip), %rbx
        call    *%rbx
        PR(%rax)
        mov     %rbx, slot(%rip)
        call    *slot(%rip)
        PR(%rax)
        lea     f2(%rip), %rax
        jmp     *%rax
back:   PR(%rdx)
        mov     $0x1234, %ebp
        call    frame
        PR(%rbp)
        PR(%rax)
        prsp
        FLAGS
TEST_END

        .text
f1:     mov     (%rsp), %rax
        lea     f1(%rip), %rcx
        sub     %rcx, %rax
        sub     %r15, %rsp
        mov     %rsp, %rax
        add     %r15, %rsp
        ret
f2:     mov     $0xf2, %edx
        jmp     back
frame:  push    %rbp
        mov     %rsp, %rbp
        sub     $48, %rsp
        movq    $7, -8(%rbp)
        mov     -8(%rbp), %rax
        leave
        ret

        .data
        .balign 8
slot:   .quad   0, 0
