/*
 * The TLB audit's guests (src/vm/tlb-audit.ts, run by test/unit/vm/tlb-audit.test.ts): each
 * CASE_* changes a PTE of the window and then uses the page, with or without the invalidation the
 * SDM asks for (4.10.4). The machine keeps the stale translation either way, as hardware may; the
 * CHECKs say what each case reads, and the test says which runs must report a `stale-tlb`:
 *
 *   CASE_NOFLUSH     frame changed, no INVLPG: the old frame is read           → stale-tlb
 *   CASE_INVLPG      the same with INVLPG: the new frame                       → none
 *   CASE_RW_SET      R/W 0→1, no flush: the write faults once (the stale entry is less permissive,
 *                    SDM 4.10.4.3), the retry walks and writes                 → none
 *   CASE_RW_CLEAR    R/W 1→0, no flush: the write goes through the stale writable entry → stale-tlb
 *   CASE_GLOBAL      a global page changed, MOV CR3 (which keeps globals)      → stale-tlb
 *   CASE_GLOBAL_PGE  the same, then CR4.PGE toggled (drops globals)            → none
 *   CASE_GLOBAL_INVPCID  the same, then INVPCID type 2 (all, globals too)      → none
 *   CASE_PCID        changed while PCID 2 runs; PCID 1 resumed with the no-flush bit → stale-tlb
 *   CASE_PCID_FLUSH  the same, but INVPCID type 0 for PCID 1 first             → none
 */
#include "sys.h"

#define PCID1 1
#define PCID2 2
#define NOFLUSH_BIT 63

        /* PTE of window page n ← page | flags. */
        .macro map n:req, page:req, flags:req
        lea     \page(%rip), %rax
        or      $(\flags), %rax
        mov     %rax, pt_win + 8 * (\n)(%rip)
        .endm
        /* %rax ← the qword at window page n. */
        .macro rd n:req
        mov     $WIN_VA(\n), %rbx
        mov     (%rbx), %rax
        .endm
        /* CR3 ← pml4 | pcid | (noflush << 63). */
        .macro setcr3 pcid:req, noflush=0
        lea     pml4(%rip), %rax
        or      $\pcid, %rax
        .if \noflush
        bts     $NOFLUSH_BIT, %rax
        .endif
        mov     %rax, %cr3
        .endm
        /* INVPCID type with descriptor {pcid, window page n}. */
        .macro do_invpcid type:req, pcid:req, n=0
        movq    $\pcid, desc(%rip)
        movq    $WIN_VA(\n), desc+8(%rip)
        mov     $\type, %rcx
        invpcid desc(%rip), %rcx
        .endm

SYS_BEGIN
        movq    $0xa, page_a(%rip)
        movq    $0xb, page_b(%rip)

#if defined(CASE_NOFLUSH) || defined(CASE_INVLPG)
        map     0, page_a, PTE_P | PTE_W
        rd      0
        CHECK(%rax, $0xa, fill)
        map     0, page_b, PTE_P | PTE_W
#ifdef CASE_INVLPG
        mov     $WIN_VA(0), %rbx
        invlpg  (%rbx)
        rd      0
        CHECK(%rax, $0xb, invlpg then the new frame)
#else
        rd      0
        CHECK(%rax, $0xa, the stale frame is still read)
#endif
#endif

#ifdef CASE_RW_SET
        map     1, page_a, PTE_P
        rd      1
        map     1, page_a, PTE_P | PTE_W
        mov     $WIN_VA(1), %rbx
        TRY(1f)
        movq    $0xc, (%rbx)
        NOFAULT
1:      CHECK(exc_vec(%rip), $14, the stale read-only entry faults the write)
        movq    $0xc, (%rbx)
        CHECK(page_a(%rip), $0xc, the retry walks and writes)
#endif

#ifdef CASE_RW_CLEAR
        map     2, page_a, PTE_P | PTE_W
        mov     $WIN_VA(2), %rbx
        movq    $0xc, (%rbx)
        map     2, page_a, PTE_P
        movq    $0xd, (%rbx)
        CHECK(page_a(%rip), $0xd, the write went through the stale writable entry)
#endif

#if defined(CASE_GLOBAL) || defined(CASE_GLOBAL_PGE) || defined(CASE_GLOBAL_INVPCID)
        mov     %cr4, %rax
        or      $CR4_PGE, %rax
        mov     %rax, %cr4
        map     3, page_a, PTE_P | PTE_W | PTE_G
        rd      3
        map     3, page_b, PTE_P | PTE_W | PTE_G
        mov     %cr3, %rax
        mov     %rax, %cr3
#ifdef CASE_GLOBAL_PGE
        mov     %cr4, %rax
        btr     $7, %rax
        mov     %rax, %cr4
        bts     $7, %rax
        mov     %rax, %cr4
#endif
#ifdef CASE_GLOBAL_INVPCID
        do_invpcid 2, 0
#endif
        rd      3
#ifdef CASE_GLOBAL
        CHECK(%rax, $0xa, mov cr3 keeps the stale global entry)
#else
        CHECK(%rax, $0xb, the global entry was dropped)
#endif
#endif

#if defined(CASE_PCID) || defined(CASE_PCID_FLUSH)
        mov     %cr4, %rax
        or      $CR4_PCIDE, %rax
        mov     %rax, %cr4
        setcr3  PCID1
        map     4, page_a, PTE_P | PTE_W
        rd      4
        setcr3  PCID2
        map     4, page_b, PTE_P | PTE_W
        rd      4
        CHECK(%rax, $0xb, pcid 2 walks the new pte)
#ifdef CASE_PCID_FLUSH
        do_invpcid 0, PCID1, 4
#endif
        setcr3  PCID1, 1
        rd      4
#ifdef CASE_PCID
        CHECK(%rax, $0xa, pcid 1 keeps its stale entry)
#else
        CHECK(%rax, $0xb, pcid 1 entry was invalidated)
#endif
        setcr3  0
#endif
SYS_END

        .data
        .align  16
desc:   .quad   0, 0
        .bss
        .align  4096
page_a: .skip   4096
page_b: .skip   4096
