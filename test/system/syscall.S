/*
 * SYSCALL, SYSRETQ and SWAPGS (SDM vol. 2): the state each changes, their #UD/#GP cases, and
 * SYSRETQ to a non-canonical RCX: Intel raises #GP(0) at CPL 0 on the stack in use (the user's,
 * as entry code has switched back), AMD returns to CPL 3 and the fetch faults, delivered through
 * RSP0. Built with -DAMD for the `--vendor amd` run.
 */
#include "sys.h"

#define UCODE 10
#define USTACK 11
#define UVA(sym) (WIN + 0x1000 * UCODE + ((sym) - user_code))
#define USP (WIN_VA(USTACK) + 0x1000)
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define USER_BASE_SEL 0x23      /* SYSRET: CS = +16 (0x33), SS = +8 (0x2b) */
#define USER_FLAGS 0x246        /* IF ZF PF */
#define RFLAGS_TF 0x100
#define RFLAGS_DF 0x400

        .macro map n:req, page:req, flags:req
        lea     \page(%rip), %rax
        or      $(\flags), %rax
        mov     %rax, pt_win + 8 * (\n)(%rip)
        .endm
        .macro to_user_at entry:req, flags=2
        mov     $UVA(\entry), %rdi
        mov     $USP, %rsi
        mov     $\flags, %edx
        jmp     to_user
        .endm

SYS_BEGIN
        map     UCODE, user_code, PTE_P | PTE_U
        map     USTACK, ustack, PTE_P | PTE_W | PTE_U

        /* EFER.SCE=0: SYSCALL and SYSRETQ are #UD. */
        TRY(1f)
        syscall
        NOFAULT
1:      CHECK(exc_vec(%rip), $6, syscall without sce ud)
        TRY(1f)
        sysretq
        NOFAULT
1:      CHECK(exc_vec(%rip), $6, sysret without sce ud)

        mov     $EFER_MSR, %ecx
        rdmsr
        or      $EFER_SCE, %eax
        wrmsr
        WRMSR(MSR_STAR, 0, (USER_BASE_SEL << 16) | KERNEL_CS)
        lea     kentry(%rip), %rax
        mov     %rax, %rdx
        shr     $32, %rdx
        mov     $MSR_LSTAR, %ecx
        wrmsr
        WRMSR(MSR_SFMASK, RFLAGS_IF | RFLAGS_TF | RFLAGS_DF | RFLAGS_AC, 0)
        WRMSR(MSR_GS_BASE, 0x1111, 0)
        mov     %cr4, %rax
        or      $CR4_FSGSBASE, %rax
        mov     %rax, %cr4
        WRMSR(MSR_KERNEL_GS_BASE, 0x2222, 0)

        /* A round trip: user → SYSCALL → kentry (SWAPGS, record, SWAPGS) → SYSRETQ → user → ud2. */
        TRY(1f)
        to_user_at u_syscall, USER_FLAGS
1:      CHECK(exc_vec(%rip), $6, back in user after sysret)
        CHECK(exc_cs(%rip), $USER_CS, sysret cs is star 63 48 plus 16 rpl 3)
        CHECK(exc_ss(%rip), $USER_DS, sysret ss is star 63 48 plus 8 rpl 3)
        CHECK(exc_rflags(%rip), $USER_FLAGS, sysret rflags from r11)
        CHECK(k_rcx(%rip), $UVA(.Lu_after_syscall), syscall rcx is the next rip)
        CHECK(k_r11(%rip), $USER_FLAGS, syscall r11 is rflags)
        CHECK(k_flags(%rip), $(USER_FLAGS & ~RFLAGS_IF), syscall masks rflags with sfmask)
        CHECK(k_cs(%rip), $KERNEL_CS, syscall cs from star 47 32)
        CHECK(k_ss(%rip), $KERNEL_DS, syscall ss from star 47 32 plus 8)
        CHECK(k_rsp(%rip), $(USP - 8), syscall keeps the user rsp)
        CHECK(k_gs(%rip), $0x2222, swapgs exchanges gs base)
        mov     $MSR_GS_BASE, %ecx
        rdmsr
        CHECK(%rax, $0x1111, second swapgs restores gs base)

        /* SWAPGS and SYSRETQ at CPL 3: #GP(0). */
        TRY(1f)
        to_user_at u_swapgs
1:      CHECK(exc_vec(%rip), $13, swapgs at cpl 3 gp)
        TRY(1f)
        to_user_at u_sysret
1:      CHECK(exc_vec(%rip), $13, sysret at cpl 3 gp)

        /* SYSRETQ with a non-canonical RCX, on the user stack as entry code leaves it. */
        movabs  $0x0000800000000000, %rcx
        mov     $0x2, %r11d
        mov     %rsp, %r13
        mov     $USP, %rsp
        TRY(1f)
        mov     $USP, %rsp
        sysretq
        NOFAULT
1:      mov     %r13, %rsp
        CHECK(exc_vec(%rip), $13, non-canonical sysret gp)
        CHECK(exc_err(%rip), $0, non-canonical sysret error code)
#ifdef AMD
        CHECK(exc_cs(%rip), $USER_CS, amd faults after the return at cpl 3)
        movabs  $0x0000800000000000, %rax
        CHECK(exc_rip(%rip), %rax, amd frame rip is the non-canonical rcx)
        lea     rsp0_top-48(%rip), %rax
        CHECK(exc_frame(%rip), %rax, amd frame on the rsp0 stack)
#else
        CHECK(exc_cs(%rip), $KERNEL_CS, intel faults at cpl 0)
        CHECK(exc_frame(%rip), $(USP - 48), intel frame on the user stack)
#endif
SYS_END

kentry:
        swapgs
        mov     %rcx, k_rcx(%rip)
        mov     %r11, k_r11(%rip)
        mov     %rsp, k_rsp(%rip)
        pushfq
        popq    k_flags(%rip)
        mov     %cs, %rax
        mov     %rax, k_cs(%rip)
        mov     %ss, %rax
        mov     %rax, k_ss(%rip)
        rdgsbase %rax
        mov     %rax, k_gs(%rip)
        swapgs
        sysretq

        .text
        .align  4096
user_code:
u_syscall:
        push    $0
        syscall
.Lu_after_syscall:
        ud2
u_swapgs:
        swapgs
        ud2
u_sysret:
        sysretq
        ud2
        .align  4096

        .data
k_rcx:  .quad 0
k_r11:  .quad 0
k_rsp:  .quad 0
k_flags: .quad 0
k_cs:   .quad 0
k_ss:   .quad 0
k_gs:   .quad 0
        .bss
        .align  4096
ustack: .skip   4096
