/*
 * The TLB model (SDM 4.10): which stale translations survive each invalidation. A page of the
 * window is mapped to page_a (first qword 0xa), read (cached), then its PTE is pointed at page_b
 * (0xb) WITHOUT a flush: under the `strict` policy the old translation must survive until an
 * invalidation the SDM defines; under `off` (built with -DTLB_OFF) every access walks and sees
 * the new PTE at once. STALE(old) names the value each policy must read.
 */
#include "sys.h"

#ifdef TLB_OFF
#define STALE 0xb
#else
#define STALE 0xa
#endif
#define PCID1 1
#define PCID2 2
#define NOFLUSH_BIT 63

        /* PTE of window page n ← page | flags. */
        .macro map n:req, page:req, flags:req
        lea     \page(%rip), %rax
        or      $(\flags), %rax
        mov     %rax, pt_win + 8 * (\n)(%rip)
        .endm
        /* %rax ← the qword at window page n (+off). */
        .macro rd n:req, off=0
        mov     $(WIN + 0x1000 * (\n) + (\off)), %rbx
        mov     (%rbx), %rax
        .endm
        .macro invlpg_win n:req
        mov     $(WIN + 0x1000 * (\n)), %rbx
        invlpg  (%rbx)
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
        movq    $(WIN + 0x1000 * (\n)), desc+8(%rip)
        mov     $\type, %rcx
        invpcid desc(%rip), %rcx
        .endm

SYS_BEGIN
        movq    $0xa, page_a(%rip)
        movq    $0xb, page_b(%rip)

        /* A PTE changed without a flush (SDM 4.10.4.3: the old translation may be used). */
        map     0, page_a, PTE_P | PTE_W
        rd      0
        CHECK(%rax, $0xa, fill)
        map     0, page_b, PTE_P | PTE_W
        rd      0
        CHECK(%rax, $STALE, stale translation survives a PTE change)
        invlpg_win 0
        rd      0
        CHECK(%rax, $0xb, invlpg drops it)

        /* MOV CR3 with PCIDE=0: non-global entries go, global ones stay (SDM 4.10.4.1). */
        mov     %cr4, %rax
        or      $CR4_PGE, %rax
        mov     %rax, %cr4
        map     1, page_a, PTE_P | PTE_W | PTE_G
        map     2, page_a, PTE_P | PTE_W
        rd      1
        rd      2
        map     1, page_b, PTE_P | PTE_W | PTE_G
        map     2, page_b, PTE_P | PTE_W
        mov     %cr3, %rax
        mov     %rax, %cr3
        rd      1
        CHECK(%rax, $STALE, global entry survives mov cr3)
        rd      2
        CHECK(%rax, $0xb, non-global entry flushed by mov cr3)
        invlpg_win 1
        rd      1
        CHECK(%rax, $0xb, invlpg drops the global entry)

        /* MOV CR4 changing PGE: everything, global entries included. */
        map     1, page_a, PTE_P | PTE_W | PTE_G
        invlpg_win 1
        rd      1
        map     1, page_b, PTE_P | PTE_W | PTE_G
        mov     %cr4, %rax
        btr     $7, %rax
        mov     %rax, %cr4
        bts     $7, %rax
        mov     %rax, %cr4
        rd      1
        CHECK(%rax, $0xb, cr4.pge toggle flushes global entries)

        /* A page fault drops the faulting page's translation (SDM 4.10.4.2). */
        map     3, page_a, PTE_P
        rd      3
        map     3, page_a, PTE_P | PTE_W
        mov     $WIN_VA(3), %rbx
        TRY(1f)
        movq    $0xc, (%rbx)
        NOFAULT
1:
#ifdef TLB_OFF
        CHECK(exc_vec(%rip), $NO_EXC, write sees the new writable pte)
#else
        CHECK(exc_vec(%rip), $14, stale read-only entry faults the write)
        CHECK(exc_err(%rip), $3, error code p and w)
        CHECK(exc_cr2(%rip), $WIN_VA(3), cr2)
        movq    $0xc, (%rbx)
        CHECK(page_a(%rip), $0xc, the retried write uses the new pte)
#endif
        movq    $0xa, page_a(%rip)

        /* D is set on the first write through a translation cached by a read (SDM 4.8). */
        map     4, page_a, PTE_P | PTE_W
        rd      4
        mov     WIN_PTE(4)(%rip), %rax
        and     $(PTE_A | PTE_D), %eax
        CHECK(%rax, $PTE_A, a read sets a only)
        mov     $WIN_VA(4), %rbx
        movq    $0xa, (%rbx)
        mov     WIN_PTE(4)(%rip), %rax
        and     $(PTE_A | PTE_D), %eax
        CHECK(%rax, $(PTE_A | PTE_D), first write through the read entry sets d)
        andq    $~PTE_D, WIN_PTE(4)(%rip)
        movq    $0xa, (%rbx)
        mov     WIN_PTE(4)(%rip), %rax
        and     $PTE_D, %eax
#ifdef TLB_OFF
        CHECK(%rax, $PTE_D, every write walks and sets d)
#else
        CHECK(%rax, $0, a cached dirty entry does not set d again)
#endif

        /* PCIDs (SDM 4.10.1): entries are tagged; bit 63 of the source skips the flush. */
        mov     %cr4, %rax
        or      $CR4_PCIDE, %rax
        mov     %rax, %cr4
        setcr3  PCID1
        map     5, page_a, PTE_P | PTE_W
        rd      5
        map     5, page_b, PTE_P | PTE_W
        setcr3  PCID2
        rd      5
        CHECK(%rax, $0xb, another pcid walks)
        setcr3  PCID1, 1
        mov     %cr3, %rax
        lea     pml4+PCID1(%rip), %rcx
        CHECK(%rax, %rcx, bit 63 is not stored in cr3)
        rd      5
        CHECK(%rax, $STALE, pcid 1 entry kept across switches without flush)
        map     5, page_a, PTE_P | PTE_W
        setcr3  PCID2, 1
        rd      5
#ifdef TLB_OFF
        CHECK(%rax, $0xa, pcid 2 sees the pte)
#else
        CHECK(%rax, $0xb, pcid 2 keeps its own entry)
#endif
        map     5, page_b, PTE_P | PTE_W
        setcr3  PCID1
        rd      5
        CHECK(%rax, $0xb, mov cr3 without bit 63 flushes the new pcid)

        /* INVLPG: the current PCID only (and globals). */
        map     6, page_a, PTE_P | PTE_W
        rd      6
        map     6, page_b, PTE_P | PTE_W
        setcr3  PCID2, 1
        invlpg_win 6
        setcr3  PCID1, 1
        rd      6
        CHECK(%rax, $STALE, invlpg under pcid 2 leaves pcid 1 entry)

        /* INVPCID (SDM vol. 2): types 0 and 1 per PCID and never globals; 3 all but globals; 2 all. */
        map     7, page_a, PTE_P | PTE_W
        map     8, page_a, PTE_P | PTE_W | PTE_G
        rd      7
        rd      8
        map     7, page_b, PTE_P | PTE_W
        map     8, page_b, PTE_P | PTE_W | PTE_G
        do_invpcid 0, PCID2, 7
        rd      7
        CHECK(%rax, $STALE, invpcid 0 for another pcid keeps the entry)
        do_invpcid 0, PCID1, 8
        rd      8
        CHECK(%rax, $STALE, invpcid 0 keeps a global entry)
        do_invpcid 0, PCID1, 7
        rd      7
        CHECK(%rax, $0xb, invpcid 0 drops the entry)
        map     7, page_a, PTE_P | PTE_W
        invlpg_win 7
        rd      7
        map     7, page_b, PTE_P | PTE_W
        do_invpcid 1, PCID2
        rd      7
        CHECK(%rax, $STALE, invpcid 1 for another pcid keeps the entry)
        do_invpcid 1, PCID1
        rd      7
        CHECK(%rax, $0xb, invpcid 1 drops the pcid entries)
        rd      8
        CHECK(%rax, $STALE, invpcid 1 keeps globals)
        map     7, page_a, PTE_P | PTE_W
        invlpg_win 7
        rd      7
        CHECK(%rax, $0xa, refill)
        map     7, page_b, PTE_P | PTE_W
        do_invpcid 3, 0
        rd      7
        CHECK(%rax, $0xb, invpcid 3 drops non-global entries)
        rd      8
        CHECK(%rax, $STALE, invpcid 3 keeps globals)
        do_invpcid 2, 0
        rd      8
        CHECK(%rax, $0xb, invpcid 2 drops globals)

        /* INVPCID faults: type > 3, descriptor bits 63:12, non-canonical type-0 address. */
        TRY(1f)
        do_invpcid 4, 0
        NOFAULT
1:      CHECK(exc_vec(%rip), $13, invpcid type 4 gp)
        TRY(1f)
        do_invpcid 1, 0x1000
        NOFAULT
1:      CHECK(exc_vec(%rip), $13, invpcid descriptor reserved bits gp)
        TRY(1f)
        movq    $1, desc(%rip)
        movabs  $0x0000800000000000, %rax
        mov     %rax, desc+8(%rip)
        xor     %ecx, %ecx
        invpcid desc(%rip), %rcx
        NOFAULT
1:      CHECK(exc_vec(%rip), $13, invpcid 0 non-canonical gp)

        /* Clearing CR4.PCIDE: everything goes, global entries included. */
        map     8, page_a, PTE_P | PTE_W | PTE_G
        rd      8
        map     8, page_b, PTE_P | PTE_W | PTE_G
        setcr3  0
        mov     %cr4, %rax
        btr     $17, %rax
        mov     %rax, %cr4
        rd      8
        CHECK(%rax, $0xb, clearing pcide flushes globals)
        /* With PCIDE=0, INVPCID 0/1 need PCID 0. */
        TRY(1f)
        do_invpcid 1, PCID1
        NOFAULT
1:      CHECK(exc_vec(%rip), $13, invpcid pcid without pcide gp)
        /* Setting PCIDE with CR3[11:0] != 0 faults (SDM 4.10.1). */
        mov     %cr3, %rax
        or      $8, %rax
        mov     %rax, %cr3
        TRY(1f)
        mov     %cr4, %rax
        or      $CR4_PCIDE, %rax
        mov     %rax, %cr4
        NOFAULT
1:      CHECK(exc_vec(%rip), $13, pcide with cr3 low bits gp)
        setcr3  0

        /* MOV CR4 (SDM 4.10.4.1): setting SMEP drops the current PCID's entries; clearing SMEP
         * and setting PCIDE are not listed, so under strict the stale translation survives them. */
        map     9, page_a, PTE_P | PTE_W
        rd      9
        map     9, page_b, PTE_P | PTE_W
        mov     %cr4, %rax
        or      $CR4_SMEP, %rax
        mov     %rax, %cr4
        rd      9
        CHECK(%rax, $0xb, setting cr4.smep flushes the current pcid)
        map     9, page_a, PTE_P | PTE_W
        invlpg_win 9
        rd      9
        map     9, page_b, PTE_P | PTE_W
        mov     %cr4, %rax
        and     $~CR4_SMEP, %eax
        mov     %rax, %cr4
        rd      9
        CHECK(%rax, $STALE, clearing cr4.smep keeps the stale entry)
        mov     %cr4, %rax
        or      $CR4_PCIDE, %rax
        mov     %rax, %cr4
        rd      9
        CHECK(%rax, $STALE, setting cr4.pcide keeps the stale entry)
        /* With PCIDE=1: setting SMEP under PCID 2 leaves PCID 1's entry (and PCID 0's). */
        setcr3  PCID1
        map     10, page_a, PTE_P | PTE_W
        rd      10
        map     10, page_b, PTE_P | PTE_W
        setcr3  PCID2
        mov     %cr4, %rax
        or      $CR4_SMEP, %rax
        mov     %rax, %cr4
        and     $~CR4_SMEP, %eax
        mov     %rax, %cr4
        setcr3  PCID1, 1
        rd      10
        CHECK(%rax, $STALE, setting smep under pcid 2 keeps the pcid 1 entry)
        setcr3  0, 1
        rd      9
        CHECK(%rax, $STALE, setting smep under pcid 2 keeps the pcid 0 entry)
        setcr3  0
        /* Clearing CR4.PAE in IA-32e mode: #GP(0) (SDM 4.1.2), so PAE never changes here. */
        TRY(1f)
        mov     %cr4, %rax
        and     $~0x20, %eax
        mov     %rax, %cr4
        NOFAULT
1:      CHECK(exc_vec(%rip), $13, clearing cr4.pae in long mode gp)

        /* A 2 MiB page is cached in pieces; INVLPG of one address drops them all. */
        movq    $0x2a, 0x800000 + 0x5000
        movq    $0x2b, 0xa00000 + 0x5000
        movq    $(0x800000 | PTE_P | PTE_W | PTE_PS), pd_win+8(%rip)
        mov     $(WIN + 0x200000 + 0x5000), %rbx
        mov     (%rbx), %rax
        CHECK(%rax, $0x2a, 2m page read)
        movq    $(0xa00000 | PTE_P | PTE_W | PTE_PS), pd_win+8(%rip)
        mov     (%rbx), %rax
#ifdef TLB_OFF
        CHECK(%rax, $0x2b, 2m page stale)
#else
        CHECK(%rax, $0x2a, 2m page stale)
#endif
        mov     $(WIN + 0x200000 + 0x1000), %rcx
        invlpg  (%rcx)
        mov     (%rbx), %rax
        CHECK(%rax, $0x2b, invlpg elsewhere in the 2m page drops every piece)
SYS_END

        .data
        .align  16
desc:   .quad   0, 0
        .bss
        .align  4096
page_a: .skip   4096
page_b: .skip   4096
