/*
 * IRETQ's checks (SDM vol. 2, IRET, IA-32e mode): which frame faults, with which vector and
 * error code, and that the fault is taken at the IRETQ itself, in kernel mode, before anything
 * is popped - the case Linux's fixup_bad_iret handles. Return CS: null → #GP(0); beyond the GDT
 * limit, not code, non-conforming DPL ≠ RPL → #GP(CS); not present → #NP(CS). RIP not canonical
 * → #GP(0). SS (popped on every 64-bit return): null back to CPL 3, or a null SS whose RPL is
 * not the new CPL → #GP(0); beyond the limit, RPL ≠ CS RPL, not writable data, DPL ≠ CS RPL →
 * #GP(SS); not present → #SS(SS). EFLAGS.NT = 1 → #GP(0). And the frames that must work: back
 * to CPL 3, to CPL 0 with a null or the kernel SS, and through a conforming DPL 0 code segment.
 */
#include "sys.h"

#define UCODE 10
#define USTACK 11
#define UVA(sym) (WIN + 0x1000 * UCODE + ((sym) - user_code))
#define USP (WIN_VA(USTACK) + 0x1000 - 16)
#define USER_RPL 3
#define KERNEL32_CS 0x08
/* gdt2: sys.h's descriptors and its (busy) TSS descriptor, copied at the start, then: */
#define NP_CS (9 * 8 + USER_RPL)        /* 64-bit user code, not present */
#define NP_DS (10 * 8 + USER_RPL)       /* user data, not present */
#define CONF_CS (11 * 8 + USER_RPL)     /* 64-bit conforming code, DPL 0 */
#define BEYOND (12 * 8 + USER_RPL)      /* the first selector past gdt2's limit */
#define RFLAGS_NT 0x4000
#define VEC_UD 6
#define VEC_NP 11
#define VEC_SS 12
#define VEC_GP 13

        .macro map n:req, page:req, flags:req
        lea     \page(%rip), %rax
        or      $(\flags), %rax
        mov     %rax, pt_win + 8 * (\n)(%rip)
        .endm

/* IRETQ a frame (ret_ip an operand for pushq, ret_cs and ret_ss immediates): it must fault there. */
#define BAD_IRET(ret_ip, ret_cs, ret_ss, vec, err, name) \
        TRY(1f); pushq $(ret_ss); pushq $USP; pushq $2; pushq $(ret_cs); pushq ret_ip; \
2:      iretq; \
        NOFAULT; \
1:      CHECK(exc_vec(%rip), $(vec), name); \
        CHECK(exc_err(%rip), $(err), name error code); \
        lea 2b(%rip), %rax; \
        CHECK(exc_rip(%rip), %rax, name at the iretq); \
        CHECK(exc_cs(%rip), $KERNEL_CS, name in kernel mode)

/* IRETQ to user code that executes UD2: the #UD frame shows where the return went. */
#define USER_IRET(ret_cs, name) \
        TRY(1f); pushq $USER_DS; pushq $USP; pushq $2; pushq $(ret_cs); pushq $UVA(u_ud2); \
        iretq; \
        NOFAULT; \
1:      CHECK(exc_vec(%rip), $VEC_UD, name); \
        CHECK(exc_cs(%rip), $(ret_cs), name cs); \
        CHECK(exc_ss(%rip), $USER_DS, name ss); \
        CHECK(exc_rsp(%rip), $USP, name rsp)

/* IRETQ to the next label at CPL 0 with SS = ss: must not fault. */
#define KERNEL_IRET(ret_ss, name) \
        mov %rsp, %rax; pushq $(ret_ss); push %rax; pushq $2; pushq $KERNEL_CS; lea 3f(%rip), %rax; push %rax; \
        iretq; \
3:      mov %ss, %eax; \
        CHECK(%rax, $(ret_ss), name)

SYS_BEGIN
        map     UCODE, user_code, PTE_P | PTE_U
        map     USTACK, ustack, PTE_P | PTE_W | PTE_U
        mov     gdt_tss(%rip), %rax
        mov     %rax, gdt2 + TSS_SEL(%rip)
        mov     gdt_tss+8(%rip), %rax
        mov     %rax, gdt2 + TSS_SEL + 8(%rip)
        lgdt    gdtr2(%rip)

        /* Frames that work. */
        USER_IRET(USER_CS, back to user mode)
        USER_IRET(CONF_CS, conforming dpl 0 code at rpl 3)
        KERNEL_IRET(0, same level with a null ss)
        KERNEL_IRET(KERNEL_DS, same level with the kernel ss)

        /* The return CS. */
        BAD_IRET($UVA(u_ud2), USER_RPL, USER_DS, VEC_GP, 0, null cs)
        BAD_IRET($UVA(u_ud2), BEYOND, USER_DS, VEC_GP, BEYOND - USER_RPL, cs beyond the limit)
        BAD_IRET($UVA(u_ud2), USER_DS, USER_DS, VEC_GP, USER_DS - USER_RPL, cs a data segment)
        BAD_IRET($UVA(u_ud2), KERNEL_CS | USER_RPL, USER_DS, VEC_GP, KERNEL_CS, cs dpl 0 rpl 3)
        BAD_IRET($UVA(u_ud2), TSS_SEL | USER_RPL, USER_DS, VEC_GP, TSS_SEL, cs a system segment)
        BAD_IRET($UVA(u_ud2), NP_CS, USER_DS, VEC_NP, NP_CS - USER_RPL, cs not present)
        movabs  $0x0001000000000000, %r8
        BAD_IRET(%r8, USER_CS, USER_DS, VEC_GP, 0, rip not canonical)

        /* The SS popped with it, checked against the return CS's RPL. */
        BAD_IRET($UVA(u_ud2), USER_CS, USER_RPL, VEC_GP, 0, null ss back to cpl 3)
        BAD_IRET($UVA(u_ud2), USER_CS, BEYOND, VEC_GP, BEYOND - USER_RPL, ss beyond the limit)
        BAD_IRET($UVA(u_ud2), USER_CS, USER_DS - 1, VEC_GP, USER_DS - USER_RPL, ss rpl 2 cs rpl 3)
        BAD_IRET($UVA(u_ud2), USER_CS, KERNEL_DS | USER_RPL, VEC_GP, KERNEL_DS, ss dpl 0 cs rpl 3)
        BAD_IRET($UVA(u_ud2), USER_CS, USER_CS, VEC_GP, USER_CS - USER_RPL, ss a code segment)
        BAD_IRET($UVA(u_ud2), USER_CS, NP_DS, VEC_SS, NP_DS - USER_RPL, ss not present)
        BAD_IRET($UVA(u_ud2), KERNEL_CS, USER_RPL, VEC_GP, 0, null ss rpl 3 back to cpl 0)
        BAD_IRET($UVA(u_ud2), KERNEL_CS, USER_DS, VEC_GP, USER_DS - USER_RPL, ss dpl 3 back to cpl 0)
        /* Both bad: the CS checks come first. */
        BAD_IRET($UVA(u_ud2), KERNEL_CS | USER_RPL, KERNEL_DS | USER_RPL, VEC_GP, KERNEL_CS, cs before ss)

        /* EFLAGS.NT set: IA-32e mode has no task return. */
        pushfq
        orq     $RFLAGS_NT, (%rsp)
        popfq
        BAD_IRET($UVA(u_ud2), USER_CS, USER_DS, VEC_GP, 0, nt set)
        mov     exc_rflags(%rip), %rax
        and     $RFLAGS_NT, %eax
        CHECK(%rax, $RFLAGS_NT, the frame keeps nt)
        lgdt    gdtr(%rip)
SYS_END

        .text
        .align  4096
user_code:
u_ud2:  ud2
        .align  4096

        .data
        .align  16
gdt2:
        .quad   0, 0x00cf9b000000ffff, 0x00af9b000000ffff, 0x00cf93000000ffff
        .quad   0x00cffb000000ffff, 0x00cff3000000ffff, 0x00affb000000ffff
        .quad   0, 0                    /* the TSS descriptor (16 bytes) */
        .quad   0x00af7b000000ffff      /* NP_CS: P = 0 */
        .quad   0x00cf73000000ffff      /* NP_DS: P = 0 */
        .quad   0x00af9f000000ffff      /* CONF_CS: type F (conforming, readable, accessed) */
gdt2_end:
        .align  16
gdtr2:  .word   gdt2_end - gdt2 - 1
        .quad   gdt2
        .bss
        .align  4096
ustack: .skip   4096
