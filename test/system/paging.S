/*
 * Paging permissions (SDM 4.5–4.8): each #PF error-code bit and CR2, A/D bits, U/S, R/W with
 * CR0.WP, XD with EFER.NXE, SMEP, SMAP with and without RFLAGS.AC, 2 MiB and 1 GiB pages,
 * reserved bits, and non-canonical addresses (#GP(0), or #SS(0) for stack references).
 * User-mode code lives on its own page (user_code), aliased into the window with U=1.
 * Built with -DNO_GBPAGES for a CPU without 1-GByte pages (PS in a PDPTE is then reserved).
 */
#include "sys.h"

#define UCODE 10        /* window page: user_code, user, read-only, executable */
#define USTACK 11       /* window page: user stack */
#define UDATA 12        /* window page: page_a, user, read-only */
#define XCODE 13        /* window page: user_code, supervisor, XD */
#define RO 14           /* window page: page_a, supervisor, read-only */
#define IDTS 15         /* window page: idt2, supervisor (gates 0-0x3f of the split IDT) */
#define IDTU 16         /* window page: idt2 + 4 KiB, user (gates 0x40-0xff) */
#define GATE41_VA (WIN_VA(IDTU) + 16 * (0x41 - 0x40))
#define UVA(sym) (WIN + 0x1000 * UCODE + ((sym) - user_code))
/* Error-code bits (SDM 4.7). */
#define EC_P 1
#define EC_W 2
#define EC_U 4
#define EC_RSVD 8
#define EC_I 16

        .macro map n:req, page:req, flags:req
        lea     \page(%rip), %rax
        or      $(\flags), %rax
        mov     %rax, pt_win + 8 * (\n)(%rip)
        .endm
        /* Run user code at `entry` with %rbx = addr; expect a fault; check vector and error code. */
        .macro user_fault entry:req, addr:req, vec:req, err:req, name:vararg
        mov     $\addr, %rbx
        TRY(.Luf\@)
        mov     $UVA(\entry), %rdi
        mov     $(WIN_VA(USTACK) + 0x1000), %rsi
        mov     $2, %edx
        jmp     to_user
.Luf\@: CHECK(exc_vec(%rip), $\vec, \name vector)
        CHECK(exc_err(%rip), $\err, \name error code)
        CHECK(exc_cr2(%rip), $\addr, \name cr2)
        .endm
        /* A supervisor access that must fault with #PF(err) at addr. */
        .macro sup_fault insn:req, addr:req, err:req, name:vararg
        mov     $\addr, %rbx
        TRY(.Lsf\@)
        \insn
        NOFAULT
.Lsf\@: CHECK(exc_vec(%rip), $14, \name vector)
        CHECK(exc_err(%rip), $\err, \name error code)
        CHECK(exc_cr2(%rip), $\addr, \name cr2)
        .endm

SYS_BEGIN
        movq    $0xa, page_a(%rip)
        map     UCODE, user_code, PTE_P | PTE_U
        map     USTACK, ustack, PTE_P | PTE_W | PTE_U
        map     UDATA, page_a, PTE_P | PTE_U
        map     RO, page_a, PTE_P

        /* Not present: P=0; W/R says the access (SDM 4.7). */
        sup_fault "mov (%rbx), %rax", WIN_VA(0), 0, not present read
        sup_fault "movq $1, (%rbx)", WIN_VA(0), EC_W, not present write
        /* Without NXE and SMEP a fetch does not set I/D (SDM 4.7). */
        sup_fault "call *%rbx", WIN_VA(0), 0, not present fetch without nxe

        /* A and D (SDM 4.8): A in every entry used, D in the leaf on a write. */
        andq    $~PTE_A, pml4(%rip)
        andq    $~PTE_A, pdpt+8(%rip)
        andq    $~PTE_A, pd_win(%rip)
        mov     %cr3, %rax
        mov     %rax, %cr3
        mov     $WIN_VA(UDATA), %rbx
        mov     (%rbx), %rax
        mov     pml4(%rip), %rax
        and     $PTE_A, %eax
        CHECK(%rax, $PTE_A, a set in the pml4e)
        mov     pdpt+8(%rip), %rax
        and     $PTE_A, %eax
        CHECK(%rax, $PTE_A, a set in the pdpte)
        mov     pd_win(%rip), %rax
        and     $PTE_A, %eax
        CHECK(%rax, $PTE_A, a set in the pde)
        mov     WIN_PTE(UDATA)(%rip), %rax
        and     $(PTE_A | PTE_D), %eax
        CHECK(%rax, $PTE_A, a but not d in the pte after a read)

        /* U/S and R/W for user accesses (SDM 4.6.1). */
        user_fault u_read, 0x200000, 14, EC_P | EC_U, user read of a supervisor page
        user_fault u_write, WIN_VA(UDATA), 14, EC_P | EC_W | EC_U, user write to a read-only page
        user_fault u_read, WIN_VA(UDATA), 6, -1, user read of a user page
        user_fault u_read, WIN_VA(1), 14, EC_U, user read of a not-present page
        user_fault u_jump, 0x200000, 14, EC_P | EC_U, user fetch from a supervisor page

        /* CR0.WP (SDM 4.6.1): supervisor writes to read-only pages fault only with WP=1. */
        sup_fault "movq $0xa, (%rbx)", WIN_VA(RO), EC_P | EC_W, supervisor write read-only with wp
        mov     %cr0, %rax
        btr     $16, %rax
        mov     %rax, %cr0
        mov     $WIN_VA(RO), %rbx
        movq    $0xa, (%rbx)
        CHECK(page_a(%rip), $0xa, supervisor write read-only without wp)
        bts     $16, %rax
        mov     %rax, %cr0

        /* Reserved bits (SDM 4.5.4): above MAXPHYADDR; XD without NXE; PS in a PML4E. */
        lea     page_a(%rip), %rax
        or      $PTE_P, %rax
        bts     $51, %rax
        mov     %rax, WIN_PTE(2)(%rip)
        sup_fault "mov (%rbx), %rax", WIN_VA(2), EC_P | EC_RSVD, bit 51 reserved
        lea     page_a(%rip), %rax
        or      $PTE_P, %rax
        bts     $63, %rax
        mov     %rax, WIN_PTE(3)(%rip)
        sup_fault "movq $1, (%rbx)", WIN_VA(3), EC_P | EC_W | EC_RSVD, xd reserved without nxe
        movq    $(PTE_P | PTE_PS), pml4+8(%rip)
        sup_fault "mov (%rbx), %rax", 0x8000000000, EC_P | EC_RSVD, ps reserved in a pml4e
        movq    $0, pml4+8(%rip)

        /* EFER.NXE: XD pages may not be fetched (SDM 4.6.2); fetch faults set I/D (SDM 4.7). */
        mov     $EFER_MSR, %ecx
        rdmsr
        or      $EFER_NXE, %eax
        wrmsr
        mov     $WIN_VA(3), %rbx
        mov     (%rbx), %rax
        CHECK(%rax, $0xa, data read from an xd page)
        lea     user_code(%rip), %rax
        or      $PTE_P, %rax
        bts     $63, %rax
        mov     %rax, WIN_PTE(XCODE)(%rip)
        sup_fault "call *%rbx", WIN_VA(XCODE), EC_P | EC_I, fetch from an xd page
        sup_fault "call *%rbx", WIN_VA(0), EC_I, not present fetch with nxe
        user_fault u_jump, 0x200000, 14, EC_P | EC_U | EC_I, user fetch from a supervisor page with nxe

        /* SMEP (SDM 4.6.1): no supervisor fetch from a user page. */
        mov     $UVA(u_ret), %rbx
        call    *%rbx
        CHECK($1, $1, supervisor fetch from a user page without smep)
        mov     %cr4, %rax
        or      $CR4_SMEP, %rax
        mov     %rax, %cr4
        sup_fault "call *%rbx", UVA(u_ret), EC_P | EC_I, supervisor fetch from a user page with smep

        /* SMAP (SDM 4.6.1): supervisor data accesses to user pages only with AC=1. */
        mov     $WIN_VA(UDATA), %rbx
        mov     (%rbx), %rax
        CHECK(%rax, $0xa, supervisor read of a user page without smap)
        mov     %cr4, %rax
        or      $CR4_SMAP, %rax
        mov     %rax, %cr4
        sup_fault "mov (%rbx), %rax", WIN_VA(UDATA), EC_P, supervisor read of a user page with smap
        map     UDATA, page_a, PTE_P | PTE_W | PTE_U
        invlpg  (%rbx)
        sup_fault "movq $1, (%rbx)", WIN_VA(UDATA), EC_P | EC_W, supervisor write to a user page with smap
        stac
        mov     (%rbx), %rax
        CHECK(%rax, $0xa, smap read with ac set)
        movq    $0xa, (%rbx)
        CHECK($1, $1, smap write with ac set)
        clac
        /* SMAP and implicit supervisor accesses (SDM 4.6.1): "if EFLAGS.AC = 0 or the access is
         * implicit, data may not be read from any user-mode address" — at every CPL. A split IDT
         * puts gates 0-0x3f on a supervisor page and 0x40-0xff on a user page; with AC=1, INT 0x41
         * still faults reading its gate, at CPL 0 and at CPL 3 (error code P only: supervisor). */
        call    split_idt
        stac
        TRY(1f)
        int     $0x41
        NOFAULT
1:      clac
        CHECK(exc_vec(%rip), $14, smap implicit idt read with ac at cpl 0 faults)
        CHECK(exc_err(%rip), $EC_P, smap implicit idt read at cpl 0 error code)
        CHECK(exc_cr2(%rip), $GATE41_VA, smap implicit idt read at cpl 0 cr2)
        TRY(1f)
        mov     $UVA(u_int41), %rdi
        mov     $(WIN_VA(USTACK) + 0x1000), %rsi
        mov     $(RFLAGS_AC | 2), %edx
        jmp     to_user
1:      CHECK(exc_vec(%rip), $14, smap implicit idt read with ac at cpl 3 faults)
        CHECK(exc_err(%rip), $EC_P, smap implicit idt read at cpl 3 error code)
        CHECK(exc_cr2(%rip), $GATE41_VA, smap implicit idt read at cpl 3 cr2)
        mov     %cr4, %rax
        and     $~(CR4_SMAP | CR4_SMEP), %eax
        mov     %rax, %cr4
        /* The same INT 0x41 without SMAP reads its user-page gate and arrives. */
        TRY(1f)
        mov     $UVA(u_int41), %rdi
        mov     $(WIN_VA(USTACK) + 0x1000), %rsi
        mov     $(RFLAGS_AC | 2), %edx
        jmp     to_user
1:      CHECK(exc_vec(%rip), $0x41, split idt gate 0x41 without smap arrives)
        lidt    idtr(%rip)

        /* 1 GiB and 2 MiB pages; their reserved bits (SDM 4.5.4, tables 4-16, 4-18). */
        movq    $(PTE_P | PTE_W | PTE_PS), pdpt+16(%rip)
        lea     page_a(%rip), %rbx
        mov     $0x80000000, %eax
        add     %rax, %rbx
#ifdef NO_GBPAGES
        TRY(1f)
        mov     (%rbx), %rax
        NOFAULT
1:      CHECK(exc_vec(%rip), $14, 1g page without page1gb faults)
        CHECK(exc_err(%rip), $(EC_P | EC_RSVD), 1g page without page1gb is reserved)
#else
        mov     (%rbx), %rax
        CHECK(%rax, $0xa, read through a 1g page)
        movq    $(0x2000 | PTE_P | PTE_PS), pdpt+24(%rip)
        sup_fault "mov (%rbx), %rax", 0xc0000000, EC_P | EC_RSVD, 1g page bit 13 reserved
#endif
        movq    $(0x802000 | PTE_P | PTE_PS), pd_win+16(%rip)
        sup_fault "mov (%rbx), %rax", WIN + 0x400000, EC_P | EC_RSVD, 2m page bit 13 reserved
        movq    $(0x800000 | PTE_P | PTE_PS), pd_win+16(%rip)
        movq    $0x2c, 0x800000 + 0x12340
        mov     $(WIN + 0x400000 + 0x12340), %rbx
        mov     (%rbx), %rax
        CHECK(%rax, $0x2c, read through a 2m page)
        mov     pd_win+16(%rip), %rax
        and     $(PTE_A | PTE_D), %eax
        CHECK(%rax, $PTE_A, a set in the 2m pde)

        /* Non-canonical (SDM 3.3.7.1): #GP(0); a stack reference (RSP/RBP base, push) #SS(0). */
        movabs  $0x0000800000000000, %rbx
        TRY(1f)
        mov     (%rbx), %rax
        NOFAULT
1:      CHECK(exc_vec(%rip), $13, non-canonical data gp)
        CHECK(exc_err(%rip), $0, non-canonical data error code)
        movb    $2, GATE(12)+4(%rip)          /* #SS on IST2: the stack is what faulted */
        TRY(1f)
        mov     %rbx, %rbp
        mov     8(%rbp), %rax
        NOFAULT
1:      CHECK(exc_vec(%rip), $12, non-canonical rbp base ss)
        lea     8(%rbx), %rcx               /* the push would write at 0x0000800000000000 */
        TRY(1f)
        mov     %rcx, %rsp
        push    $1
        NOFAULT
1:      CHECK(exc_vec(%rip), $12, push on a non-canonical stack ss)
        CHECK(exc_err(%rip), $0, ss error code)
        CHECK(exc_rsp(%rip), %rcx, ss frame holds the rsp before the push)
SYS_END

/* Load a copy of the IDT at WIN_VA(IDTS) + 0xc00, so gate 0x40 starts the user page IDTU; gate
 * 0x41 gets DPL 3 (so INT 0x41 at CPL 3 passes the DPL check once its gate is read). */
split_idt:
        map     IDTS, idt2, PTE_P | PTE_W
        map     IDTU, idt2 + 0x1000, PTE_P | PTE_W | PTE_U
        lea     idt(%rip), %rsi
        lea     idt2 + 0xc00(%rip), %rdi
        mov     $(256 * 2), %ecx
1:      mov     (%rsi), %rax
        mov     %rax, (%rdi)
        add     $8, %rsi
        add     $8, %rdi
        dec     %ecx
        jnz     1b
        movb    $GATE_INT_DPL3, idt2 + 0xc00 + 16 * 0x41 + 5(%rip)
        lidt    idtr2(%rip)
        ret

        .data
        .align  16
idtr2:  .word   256 * 16 - 1
        .quad   WIN_VA(IDTS) + 0xc00

        /* User code: one page, position-independent, entered with iretq (sys.h to_user). */
        .text
        .align  4096
user_code:
u_read: mov     (%rbx), %rax
        ud2
u_write:
        movq    $1, (%rbx)
        ud2
u_jump: jmp     *%rbx
u_ret:  ret
u_int41:
        int     $0x41
        ud2
        .align  4096

        .bss
        .align  4096
page_a: .skip   4096
ustack: .skip   4096
        .align  4096
idt2:   .skip   8192
