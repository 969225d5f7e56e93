/*
 * smc.S: code that changes under the trace (as ALTERNATIVE patching changes the kernel's at
 * boot). `site` runs, then its bytes are overwritten with those of `replacement` (an
 * instruction of the same length), and it runs again: the insn records at that one RIP must
 * show each instruction as it was when it ran.
 */
#include "sys.h"

SYS_BEGIN
        xor     %eax, %eax
        call    site
        lea     replacement(%rip), %rsi
        lea     site(%rip), %rdi
        mov     $(replacement_end - replacement), %ecx
1:      movb    (%rsi), %dl
        movb    %dl, (%rdi)
        inc     %rsi
        inc     %rdi
        dec     %ecx
        jnz     1b
        call    site
        mov     %eax, %ebx
SYS_END

site:
        add     $1, %eax
        ret
replacement:
        add     $7, %eax
replacement_end:
