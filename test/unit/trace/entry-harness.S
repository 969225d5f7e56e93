/*
 * entry-harness.S: the smallest kernel around programs/entry/entry_64.S for the trace test
 * (entry.test.ts), on the sys.h harness. It provides what the entry code links against —
 * cpu_tss_rw (sp0: the per-CPU entry/trampoline stack, sp1: the task stack top, sp2: the
 * scratch slot), cpu_tlbstate, do_syscall_64 — a PTI page-table pair (user half at CR3 bit 12;
 * both halves map everything here), SYSCALL set up with LSTAR = entry_SYSCALL_64 and a
 * per-CPU GS base of 0 (PER_CPU_VAR(x) is %gs:x), then runs a user program that makes
 * getpid (39) and exit (60). The test patches the X86_FEATURE_PTI alternatives into guest
 * memory before the run, as the boot builder will.
 */
#include "sys.h"

#define UCODE 10
#define USTACK 11
#define UVA(sym) (WIN + 0x1000 * UCODE + ((sym) - user_code))
#define USP (WIN_VA(USTACK) + 0x1000)
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define USER_BASE_SEL 0x23
#define PTI_USER 0x1000
#define TSS_SP0 4
#define TSS_SP1 12
#define PT_RAX (10*8)
#define SYS_GETPID 39
#define SYS_EXIT 60

        .macro map n:req, page:req, flags:req
        lea     \page(%rip), %rax
        or      $(\flags), %rax
        mov     %rax, pt_win + 8 * (\n)(%rip)
        .endm

SYS_BEGIN
        map     UCODE, user_code, PTE_P | PTE_U
        map     USTACK, ustack, PTE_P | PTE_W | PTE_U
        mov     pml4(%rip), %rax
        mov     %rax, pgd(%rip)
        mov     %rax, pgd + PTI_USER(%rip)
        lea     pgd(%rip), %rax
        mov     %rax, %cr3

        mov     $EFER_MSR, %ecx
        rdmsr
        or      $EFER_SCE, %eax
        wrmsr
        WRMSR(MSR_STAR, 0, (USER_BASE_SEL << 16) | KERNEL_CS)
        lea     entry_SYSCALL_64(%rip), %rax
        mov     %rax, %rdx
        shr     $32, %rdx
        mov     $MSR_LSTAR, %ecx
        wrmsr
        WRMSR(MSR_SFMASK, 0x47700, 0)   /* TF DF IF IOPL AC NT, as Linux */
        lea     cpu_entry_stack + 4096(%rip), %rax
        mov     %rax, cpu_tss_rw + TSS_SP0(%rip)
        lea     task_stack + 8192(%rip), %rax
        mov     %rax, cpu_tss_rw + TSS_SP1(%rip)

        lea     pgd + PTI_USER(%rip), %rax
        mov     %rax, %cr3
        mov     $UVA(user_code), %rdi
        mov     $USP, %rsi
        mov     $2, %edx
        jmp     to_user
SYS_END

/* do_syscall_64(nr, regs): getpid returns 1; exit ends the run. */
        .globl  do_syscall_64
do_syscall_64:
        cmp     $SYS_EXIT, %rdi
        je      sys_done
        movq    $1, PT_RAX(%rsi)
        ret

        .text
        .align  4096
user_code:
        mov     $SYS_GETPID, %eax
u_syscall:
        syscall
u_after:
        mov     $SYS_EXIT, %eax
        syscall
        ud2
        .align  4096

        .data
        .align  16
        .globl  cpu_tss_rw
        .type   cpu_tss_rw, @object
cpu_tss_rw: .fill 104, 1, 0
        .size   cpu_tss_rw, 104
        .globl  cpu_tlbstate
        .type   cpu_tlbstate, @object
cpu_tlbstate: .fill 64, 1, 0
        .size   cpu_tlbstate, 64
        .bss
        .align  8192
        .type   pgd, @object
pgd:    .skip   8192
        .size   pgd, 8192
        .align  4096
ustack: .skip   4096
        .type   cpu_entry_stack, @object
cpu_entry_stack: .skip 4096
        .size   cpu_entry_stack, 4096
        .type   task_stack, @object
task_stack: .skip 8192
        .size   task_stack, 8192
