/*
 * A triple fault (SDM 6.15, interrupt 8): #UD at CPL 3 with an unmapped RSP0 stack → #PF pushing
 * the frame → #PF again → #DF, whose gate is not present → #NP while delivering #DF → shutdown.
 * The run ends with reason "triple-fault" and the chain #UD #PF #DF #NP (system.test.ts checks it).
 */
#include "sys.h"

#define UCODE 10
#define UVA(sym) (WIN + 0x1000 * UCODE + ((sym) - user_code))

SYS_BEGIN
        lea     user_code(%rip), %rax
        or      $(PTE_P | PTE_U), %rax
        mov     %rax, WIN_PTE(UCODE)(%rip)
        movb    $0x0e, GATE(8)+5(%rip)          /* #DF gate not present */
        mov     $WIN_VA(20), %rax               /* RSP0: not mapped */
        mov     %rax, tss+TSS_RSP0(%rip)
        mov     $UVA(user_code), %rdi
        mov     $0x1000, %esi
        mov     $2, %edx
        jmp     to_user
SYS_END

        .text
        .align  4096
user_code:
        ud2
        .align  4096
