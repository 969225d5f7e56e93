/*
 * The syscall round-trip microbenchmark (bench/vm-syscall.mjs): user code calls SYSCALL in a loop;
 * the kernel entry does what a PTI entry does at minimum — SWAPGS, MOV to CR3 (kernel tables),
 * MOV to CR3 (user tables), SWAPGS, SYSRETQ. ITERS round trips, then exit. -DPCID uses PCIDs 1/2
 * with the no-flush bit, as Linux does with PCID.
 */
#include "sys.h"

#ifndef ITERS
#define ITERS 100000
#endif
#define UCODE 10
#define USTACK 11
#define UVA(sym) (WIN + 0x1000 * UCODE + ((sym) - user_code))
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#ifdef PCID
#define KPCID 1
#define UPCID (2 | (1 << 63))
#else
#define KPCID 0
#define UPCID 0
#endif

SYS_BEGIN
        lea     user_code(%rip), %rax
        or      $(PTE_P | PTE_U), %rax
        mov     %rax, WIN_PTE(UCODE)(%rip)
        lea     ustack(%rip), %rax
        or      $(PTE_P | PTE_W | PTE_U), %rax
        mov     %rax, WIN_PTE(USTACK)(%rip)
        /* The user tables: a second PML4 with the same entries (a PTI user PGD's shape). */
        mov     pml4(%rip), %rax
        mov     %rax, upml4(%rip)
#ifdef PCID
        mov     %cr4, %rax
        or      $CR4_PCIDE, %rax
        mov     %rax, %cr4
#endif
        lea     pml4+KPCID(%rip), %rax
        mov     %rax, kcr3(%rip)
        lea     upml4(%rip), %rax
        movabs  $UPCID, %rcx
        or      %rcx, %rax
        mov     %rax, ucr3(%rip)
        mov     $EFER_MSR, %ecx
        rdmsr
        or      $EFER_SCE, %eax
        wrmsr
        WRMSR(MSR_STAR, 0, (0x23 << 16) | KERNEL_CS)
        lea     kentry(%rip), %rax
        mov     %rax, %rdx
        shr     $32, %rdx
        mov     $MSR_LSTAR, %ecx
        wrmsr
        WRMSR(MSR_SFMASK, RFLAGS_IF, 0)
        mov     ucr3(%rip), %rax
        mov     %rax, %cr3
        mov     $ITERS, %ebx
        mov     $UVA(user_code), %rdi
        mov     $(WIN_VA(USTACK) + 0x1000), %rsi
        mov     $2, %edx
        jmp     to_user
SYS_END

kentry:
        swapgs
        mov     kcr3(%rip), %rax
        mov     %rax, %cr3
        test    %ebx, %ebx
        jz      sys_done
        mov     ucr3(%rip), %rax
        mov     %rax, %cr3
        swapgs
        sysretq

        .text
        .align  4096
user_code:
1:      dec     %ebx
        syscall
        jmp     1b
        .align  4096

        .data
kcr3:   .quad 0
ucr3:   .quad 0
        .bss
        .align  4096
upml4:  .skip   4096
ustack: .skip   4096
