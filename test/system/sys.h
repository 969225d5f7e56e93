/*
 * sys.h: the harness of the bare-metal system tests (test/system/*.S, run by system.test.ts on the
 * flat64 machine). A test includes it, writes its body between SYS_BEGIN and SYS_END, checks
 * values with CHECK(actual, expected, name) — "ok name" or "FAIL name got=.. want=.." on COM1 —
 * and ends through isa-debug-exit (status 1 = finished; an unexpected exception exits 3).
 *
 * What sys_init leaves (the test may change any of it):
 *   - its own GDT (flat64's layout, kernel CS 0x10, DS 0x18, user DS 0x2b, user CS 0x33) plus a
 *     64-bit TSS at selector 0x38 (loaded with LTR): RSP0 = rsp0_top, IST1 = ist1_top,
 *     IST2 = ist2_top;
 *   - an IDT (256 gates, loaded) whose gates for the vectors in STUB_VECTORS are present 64-bit
 *     interrupt gates, DPL 0, IST 0, to per-vector stubs; other gates are not present;
 *   - its own page tables (CR3 = pml4): 0–1 GiB identity-mapped with supervisor 2 MiB pages
 *     (P RW PS), and a 2 MiB window at WIN (1 GiB) of 4 KiB pages in pt_win, all not present,
 *     whose upper levels allow user access (so a PTE decides);
 *   - RSP = kstack_top, interrupts off.
 *
 * Exceptions: every stub records vector, error code (for the vectors that have one), the frame
 * (RIP CS RFLAGS RSP SS), CR2, the frame's address, a running count and a log of vectors, then
 * acts on exc_action: EXC_FAIL (default) prints the exception and exits 3; EXC_JUMP resumes at
 * the label given to TRY on the stack TRY saw, at CPL 0 (a longjmp: no IRETQ); EXC_IRET returns
 * with IRETQ (for interrupts and traps).
 */
#ifndef ENTRYLAB_SYS_H
#define ENTRYLAB_SYS_H

#define COM1 0x3f8
#define DEBUG_EXIT 0xf4
#define KERNEL_CS 0x10
#define KERNEL_DS 0x18
#define USER_DS 0x2b
#define USER_CS 0x33
#define TSS_SEL 0x38
#define WIN 0x40000000
/* Paging-structure entry bits (SDM 4.5). */
#define PTE_P 0x1
#define PTE_W 0x2
#define PTE_U 0x4
#define PTE_A 0x20
#define PTE_D 0x40
#define PTE_PS 0x80
#define PTE_G 0x100
#define PTE_XD 0x8000000000000000
/* Control bits. */
#define CR0_WP 0x10000
#define CR4_PGE 0x80
#define CR4_FSGSBASE 0x10000
#define CR4_PCIDE 0x20000
#define CR4_SMEP 0x100000
#define CR4_SMAP 0x200000
#define EFER_MSR 0xc0000080
#define EFER_SCE 0x1
#define EFER_NXE 0x800
#define RFLAGS_IF 0x200
#define RFLAGS_AC 0x40000
/* TSS offsets (SDM 7.7). */
#define TSS_RSP0 4
#define TSS_IST1 36
#define TSS_IST2 44
/* Gate attribute byte (+5 of a gate): P | DPL << 5 | type. */
#define GATE_INT 0x8e
#define GATE_TRAP 0x8f
#define GATE_INT_DPL3 0xee
/* exc_action values. */
#define EXC_FAIL 0
#define EXC_JUMP 1
#define EXC_IRET 2
#define NO_EXC 0xff

/* The address of the PTE of window page n, and of IDT gate v's attribute bytes. */
#define WIN_PTE(n) (pt_win + 8 * (n))
#define WIN_VA(n) (WIN + 0x1000 * (n))
#define GATE(v) (idt + 16 * (v))

#define CHECK(actual, expected, name) h_check actual, expected, #name
#define SAY(text) h_say #text
/* Arm the exception handler: the next exception resumes at `label` on the current stack. */
#define TRY(label) h_try label
/* After the instruction that should fault: reached only when it did not. */
#define NOFAULT movq $NO_EXC, exc_vec(%rip); movq $EXC_FAIL, exc_action(%rip)

        .macro h_check actual:req, expected:req, name:req
        pushfq
        push    %rdi
        push    %rsi
        push    %rdx
        mov     \actual, %rdi
        mov     \expected, %rsi
        lea     .Lck_name\@(%rip), %rdx
        call    h_check_fn
        pop     %rdx
        pop     %rsi
        pop     %rdi
        popfq
        .pushsection .rodata
.Lck_name\@:
        .asciz  "\name"
        .popsection
        .endm

        .macro h_say text:req
        push    %rsi
        lea     .Lsay\@(%rip), %rsi
        call    h_puts
        pop     %rsi
        .pushsection .rodata
.Lsay\@:
        .asciz  "\text\n"
        .popsection
        .endm

        .macro h_try label:req
        push    %rax
        lea     \label(%rip), %rax
        mov     %rax, exc_resume(%rip)
        pop     %rax
        mov     %rsp, exc_saved_rsp(%rip)
        movq    $NO_EXC, exc_vec(%rip)
        movq    $EXC_JUMP, exc_action(%rip)
        .endm

/* x2APIC MSRs (SDM 10.12.1.2). */
#define X2_ID 0x802
#define X2_TPR 0x808
#define X2_EOI 0x80b
#define X2_ICR 0x830
#define X2_LVT_TIMER 0x832
#define X2_INIT_COUNT 0x838
#define X2_CUR_COUNT 0x839
#define X2_DIVIDE 0x83e
#define ICR_NMI 0x400
#define ICR_SELF 0x40000
#define LVT_MASKED 0x10000
#define LVT_PERIODIC 0x20000
/* WRMSR msr ← imm (64-bit value lo/hi), preserving RAX RCX RDX. */
#define WRMSR(msr, lo, hi) push %rax; push %rcx; push %rdx; mov $(msr), %ecx; mov $(lo), %eax; mov $(hi), %edx; wrmsr; pop %rdx; pop %rcx; pop %rax
#define EOI WRMSR(X2_EOI, 0, 0)

#define STUB_VECTORS 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,32,33,34,35,0x40,0x41,0x80,0xf0
/* Vectors that push an error code (SDM 6.13 table 6-1). */
#define ERR_VECTORS 8,10,11,12,13,14,17

/* Every CPU starts at _start (flat64): each gets its own 8 KiB of kstack by APIC ID; CPU 0 builds
 * the shared GDT/IDT/TSS/page tables, the others wait for it and load them (no TSS on them). */
#define SYS_BEGIN \
        .text; .globl _start; _start: mov $0x802, %ecx; rdmsr; shl $13, %eax; lea kstack_top(%rip), %rsp; \
        sub %rax, %rsp; call sys_init; jmp test_main; \
        test_main:
#define SYS_END jmp sys_done

        .text
/* ---- output ---------------------------------------------------------------------------- */
h_putc:                                 /* %al */
        push    %rdx
        mov     $COM1, %dx
        out     %al, %dx
        pop     %rdx
        ret
h_puts:                                 /* %rsi: NUL-terminated */
        push    %rax
        push    %rsi
1:      movzbl  (%rsi), %eax
        test    %al, %al
        jz      2f
        call    h_putc
        inc     %rsi
        jmp     1b
2:      pop     %rsi
        pop     %rax
        ret
h_hex:                                  /* %rdi as 16 hex digits */
        push    %rax
        push    %rcx
        push    %rdi
        mov     $16, %ecx
1:      rol     $4, %rdi
        mov     %edi, %eax
        and     $15, %eax
        cmp     $10, %eax
        jb      2f
        add     $('a' - '0' - 10), %eax
2:      add     $'0', %eax
        call    h_putc
        dec     %ecx
        jnz     1b
        pop     %rdi
        pop     %rcx
        pop     %rax
        ret
h_check_fn:                             /* %rdi actual, %rsi expected, %rdx name */
        push    %rax
        push    %rsi
        cmp     %rsi, %rdi
        jne     1f
        lea     .Lok(%rip), %rsi
        call    h_puts
        mov     %rdx, %rsi
        call    h_puts
        mov     $'\n', %al
        call    h_putc
        pop     %rsi
        pop     %rax
        ret
1:      lea     .Lfail(%rip), %rsi
        call    h_puts
        mov     %rdx, %rsi
        call    h_puts
        lea     .Lgot(%rip), %rsi
        call    h_puts
        call    h_hex
        lea     .Lwant(%rip), %rsi
        call    h_puts
        pop     %rsi
        push    %rdi
        mov     %rsi, %rdi
        call    h_hex
        pop     %rdi
        mov     $'\n', %al
        call    h_putc
        pop     %rax
        ret

sys_done:
        lea     .Ldone(%rip), %rsi
        call    h_puts
        xor     %eax, %eax
        out     %al, $DEBUG_EXIT
        hlt

/* ---- set-up ------------------------------------------------------------------------------ */
sys_init:
        mov     $0x802, %ecx
        rdmsr
        test    %eax, %eax
        jz      sys_init_bsp
1:      pause
        cmpq    $0, sys_ready(%rip)
        je      1b
        lgdt    gdtr(%rip)
        lidt    idtr(%rip)
        lea     pml4(%rip), %rax
        mov     %rax, %cr3
        ret
sys_init_bsp:
        lgdt    gdtr(%rip)
        /* The TSS descriptor (SDM 7.2.3): limit 0x67, type 9 (available 64-bit TSS), P. */
        lea     tss(%rip), %rax
        mov     %rax, %rcx
        shl     $16, %rcx
        and     $0xffff0000, %ecx
        or      $0x67, %rcx
        mov     %ecx, gdt_tss(%rip)
        mov     %rax, %rcx
        shr     $16, %rcx
        and     $0xff, %ecx
        mov     %rax, %rdx
        shr     $24, %rdx
        and     $0xff, %edx
        shl     $24, %edx
        or      %edx, %ecx
        or      $0x8900, %ecx
        mov     %ecx, gdt_tss+4(%rip)
        mov     %rax, %rcx
        shr     $32, %rcx
        mov     %ecx, gdt_tss+8(%rip)
        lea     rsp0_top(%rip), %rax
        mov     %rax, tss+TSS_RSP0(%rip)
        lea     ist1_top(%rip), %rax
        mov     %rax, tss+TSS_IST1(%rip)
        lea     ist2_top(%rip), %rax
        mov     %rax, tss+TSS_IST2(%rip)
        mov     $TSS_SEL, %ax
        ltr     %ax
        /* IDT: a present interrupt gate per stub. */
        lea     stub_table(%rip), %rsi
1:      mov     (%rsi), %rcx            /* vector, or -1 at the end */
        cmp     $-1, %rcx
        je      2f
        mov     8(%rsi), %rax           /* stub address */
        lea     idt(%rip), %rdi
        shl     $4, %rcx
        add     %rcx, %rdi
        mov     %ax, (%rdi)
        movw    $KERNEL_CS, 2(%rdi)
        movb    $0, 4(%rdi)
        movb    $GATE_INT, 5(%rdi)
        shr     $16, %rax
        mov     %ax, 6(%rdi)
        shr     $16, %rax
        mov     %eax, 8(%rdi)
        movl    $0, 12(%rdi)
        add     $16, %rsi
        jmp     1b
2:      lidt    idtr(%rip)
        /* Page tables. */
        lea     pd(%rip), %rdi
        xor     %ecx, %ecx
3:      mov     %rcx, %rax
        shl     $21, %rax
        or      $(PTE_P | PTE_W | PTE_PS), %rax
        mov     %rax, (%rdi,%rcx,8)
        inc     %ecx
        cmp     $512, %ecx
        jne     3b
        lea     pdpt(%rip), %rax
        or      $(PTE_P | PTE_W | PTE_U), %rax
        mov     %rax, pml4(%rip)
        lea     pd(%rip), %rax
        or      $(PTE_P | PTE_W | PTE_U), %rax
        mov     %rax, pdpt(%rip)
        lea     pd_win(%rip), %rax
        or      $(PTE_P | PTE_W | PTE_U), %rax
        mov     %rax, pdpt+8(%rip)
        lea     pt_win(%rip), %rax
        or      $(PTE_P | PTE_W | PTE_U), %rax
        mov     %rax, pd_win(%rip)
        lea     pml4(%rip), %rax
        mov     %rax, %cr3
        movq    $1, sys_ready(%rip)
        ret

/* ---- exception stubs ------------------------------------------------------------------- */
        .irp v, STUB_VECTORS
stub_\v:
        movq    $\v, exc_vec(%rip)
        jmp     h_common
        .endr

h_common:
        mov     %rsp, exc_frame(%rip)           /* the frame's lowest slot (the error code if any) */
        mov     %rax, exc_rax(%rip)
        pushfq
        popq    exc_hflags(%rip)
        mov     %rcx, exc_rcx(%rip)
        movq    $-1, exc_err(%rip)
        mov     exc_vec(%rip), %rax
        .irp e, ERR_VECTORS
        cmp     $\e, %rax
        je      1f
        .endr
        jmp     2f
1:      pop     %rcx
        mov     %rcx, exc_err(%rip)
2:      mov     (%rsp), %rcx
        mov     %rcx, exc_rip(%rip)
        mov     8(%rsp), %rcx
        mov     %rcx, exc_cs(%rip)
        mov     16(%rsp), %rcx
        mov     %rcx, exc_rflags(%rip)
        mov     24(%rsp), %rcx
        mov     %rcx, exc_rsp(%rip)
        mov     32(%rsp), %rcx
        mov     %rcx, exc_ss(%rip)
        mov     %cr2, %rcx
        mov     %rcx, exc_cr2(%rip)
        mov     exc_count(%rip), %rcx
        cmp     $64, %rcx
        jae     3f
        lea     exc_log(%rip), %rax
        add     %rcx, %rax
        mov     exc_vec(%rip), %rcx
        mov     %cl, (%rax)
3:      incq    exc_count(%rip)
        mov     exc_action(%rip), %rax
        cmp     $EXC_JUMP, %rax
        je      4f
        cmp     $EXC_IRET, %rax
        je      5f
        lea     .Lunexpected(%rip), %rsi
        call    h_puts
        mov     exc_vec(%rip), %rdi
        call    h_hex
        lea     .Lat(%rip), %rsi
        call    h_puts
        mov     exc_rip(%rip), %rdi
        call    h_hex
        lea     .Lerr(%rip), %rsi
        call    h_puts
        mov     exc_err(%rip), %rdi
        call    h_hex
        mov     $'\n', %al
        call    h_putc
        mov     $1, %al
        out     %al, $DEBUG_EXIT
        hlt
4:      movq    $EXC_FAIL, exc_action(%rip)
        mov     exc_saved_rsp(%rip), %rsp
        mov     exc_rax(%rip), %rax
        mov     exc_rcx(%rip), %rcx
        jmp     *exc_resume(%rip)
5:      mov     exc_rax(%rip), %rax
        mov     exc_rcx(%rip), %rcx
        iretq

/* Gate %rdi ← a present DPL-0 interrupt gate to %rsi (IST 0). */
set_gate:
        push    %rdi
        push    %rsi
        shl     $4, %rdi
        lea     idt(%rip), %rax
        add     %rax, %rdi
        mov     %si, (%rdi)
        movw    $KERNEL_CS, 2(%rdi)
        movb    $0, 4(%rdi)
        movb    $GATE_INT, 5(%rdi)
        shr     $16, %rsi
        mov     %si, 6(%rdi)
        shr     $16, %rsi
        mov     %esi, 8(%rdi)
        pop     %rsi
        pop     %rdi
        ret

/* iretq to CPL 3 at %rdi with RSP %rsi and RFLAGS %rdx. */
to_user:
        pushq   $USER_DS
        push    %rsi
        push    %rdx
        pushq   $USER_CS
        push    %rdi
        iretq

        .section .rodata
.Lok:   .asciz  "ok "
.Lfail: .asciz  "FAIL "
.Lgot:  .asciz  " got="
.Lwant: .asciz  " want="
.Ldone: .asciz  "done\n"
.Lunexpected: .asciz "FAIL unexpected exception "
.Lat:   .asciz  " rip="
.Lerr:  .asciz  " err="

        .data
        .align  16
stub_table:
        .irp v, STUB_VECTORS
        .quad   \v, stub_\v
        .endr
        .quad   -1, 0
gdt:
        .quad   0, 0x00cf9b000000ffff, 0x00af9b000000ffff, 0x00cf93000000ffff
        .quad   0x00cffb000000ffff, 0x00cff3000000ffff, 0x00affb000000ffff
gdt_tss:
        .quad   0, 0
gdt_end:
        .align  16
gdtr:   .word   gdt_end - gdt - 1
        .quad   gdt
        .align  16
idtr:   .word   256 * 16 - 1
        .quad   idt
        .align  16
tss:    .fill   104, 1, 0
exc_vec:        .quad NO_EXC
exc_err:        .quad 0
exc_rip:        .quad 0
exc_cs:         .quad 0
exc_rflags:     .quad 0
exc_rsp:        .quad 0
exc_ss:         .quad 0
exc_cr2:        .quad 0
exc_frame:      .quad 0
exc_count:      .quad 0
exc_action:     .quad EXC_FAIL
exc_resume:     .quad 0
exc_saved_rsp:  .quad 0
exc_rax:        .quad 0
exc_rcx:        .quad 0
exc_hflags:     .quad 0
sys_ready:      .quad 0
exc_log:        .fill 64, 1, 0

        .bss
        .align  4096
pml4:   .skip   4096
pdpt:   .skip   4096
pd:     .skip   4096
pd_win: .skip   4096
pt_win: .skip   4096
idt:    .skip   4096
        .skip   32768                   /* 8 KiB per CPU, CPU n at kstack_top - n * 8 KiB */
kstack_top:
        .skip   8192
rsp0_top:
        .skip   8192
ist1_top:
        .skip   8192
ist2_top:
        .text

/* ---- a PTI entry harness (the trace tests' programs, test/unit/trace/*.S) -------------------
 * Kept after everything above so that adding to it moves no line of the harness (traces name
 * them). A program using it provides, besides its entry code:
 *   - `user_code` (a page of user code) and `ustack` (a page), mapped at window pages UCODE and
 *     USTACK, so the program starts at UVA(user_code) with RSP at the top of its stack page;
 *   - `pgd`, an 8 KiB PGD pair: the kernel half, and the user half at +4 KiB (CR3 bit 12,
 *     PTI_USER) — both copy sys_init's PML4, so both map everything;
 *   - for PTI_PERCPU_GS: `percpu` (PCPU_USER_RSP, PCPU_TOP slots) and `task_stack` (8 KiB);
 *   - for PTI_INT80_GATE: `ist_stack` (4 KiB) and `int80_handler`.
 */
#define UCODE 10
#define USTACK 11
#define UVA(sym) (WIN + 0x1000 * UCODE + ((sym) - user_code))
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_SFMASK 0xc0000084
#define MSR_KERNEL_GS_BASE 0xc0000102
#define USER_BASE_SEL 0x23
#define PTI_USER 0x1000         /* CR3 bit 12: the user half of the PGD pair */
#define USER_PCID 0x800         /* CR3 bit 11: the user PCID of kernel PCID 1 */
#define KERNEL_PCID 1
#define CR3_NOFLUSH_BIT 63      /* with CR4.PCIDE: keep the PCID's translations (SDM 4.10.4.1) */
#define PCPU_USER_RSP 0
#define PCPU_TOP 8
#define PERCPU_SIZE 64
#define TASK_STACK_SIZE 8192
#define IST_STACK_SIZE 4096
#define GATE_INT_IST1_DPL3 0xee
#define IST1 1
#define RFLAGS_FIXED 0x2        /* bit 1 reads as 1 (SDM 3.4.3) */
#define SYS_EXIT 60

/* Window page n → page, with PTE flags (clobbers %rax). */
        .macro win_map n:req, page:req, flags:req
        lea     \page(%rip), %rax
        or      $(\flags), %rax
        mov     %rax, pt_win + 8 * (\n)(%rip)
        .endm

/* Map the user program and its stack; fill both halves of the pair; CR3 = the kernel half. */
        .macro PTI_PGD_PAIR
        win_map UCODE, user_code, PTE_P | PTE_U
        win_map USTACK, ustack, PTE_P | PTE_W | PTE_U
        mov     pml4(%rip), %rax
        mov     %rax, pgd(%rip)
        mov     %rax, pgd + PTI_USER(%rip)
        lea     pgd(%rip), %rax
        mov     %rax, %cr3
        .endm

/* CR4.PCIDE on (from PCID 0), then CR3 = the kernel half with the kernel PCID. */
        .macro PTI_PCID_ON
        mov     %cr4, %rax
        or      $CR4_PCIDE, %rax
        mov     %rax, %cr4
        lea     pgd + KERNEL_PCID(%rip), %rax
        mov     %rax, %cr3
        .endm

/* SYSCALL/SYSRET: EFER.SCE, STAR (kernel CS, user selector base), LSTAR = entry, SFMASK. */
        .macro PTI_SYSCALL entry:req, sfmask:req
        mov     $EFER_MSR, %ecx
        rdmsr
        or      $EFER_SCE, %eax
        wrmsr
        WRMSR(MSR_STAR, 0, (USER_BASE_SEL << 16) | KERNEL_CS)
        lea     \entry(%rip), %rax
        mov     %rax, %rdx
        shr     $32, %rdx
        mov     $MSR_LSTAR, %ecx
        wrmsr
        WRMSR(MSR_SFMASK, \sfmask, 0)
        .endm

/* KERNEL_GS_BASE = percpu (SWAPGS makes it GS base), whose PCPU_TOP is the task stack's top. */
        .macro PTI_PERCPU_GS
        lea     percpu(%rip), %rax
        mov     %rax, %rdx
        shr     $32, %rdx
        mov     $MSR_KERNEL_GS_BASE, %ecx
        wrmsr
        lea     task_stack + TASK_STACK_SIZE(%rip), %rax
        mov     %rax, percpu + PCPU_TOP(%rip)
        .endm

/* TSS.IST1 = the top of ist_stack. */
        .macro PTI_IST1_STACK
        lea     ist_stack + IST_STACK_SIZE(%rip), %rax
        mov     %rax, tss + TSS_IST1(%rip)
        .endm

/* Vector 0x80 → int80_handler: an interrupt gate user mode may INT to, on IST1. */
        .macro PTI_INT80_GATE
        mov     $0x80, %edi
        lea     int80_handler(%rip), %rsi
        call    set_gate
        movb    $IST1, GATE(0x80) + 4(%rip)
        movb    $GATE_INT_IST1_DPL3, GATE(0x80) + 5(%rip)
        .endm

/* To CPL 3 at the user program with CR3 = `cr3` (an offset from pgd: half and PCID), with the
 * no-flush bit when `noflush` is 1; RSP at the top of the user stack page. */
        .macro PTI_TO_USER cr3:req, noflush:req
        lea     pgd + \cr3(%rip), %rax
        .if     \noflush
        bts     $CR3_NOFLUSH_BIT, %rax
        .endif
        mov     %rax, %cr3
        mov     $UVA(user_code), %rdi
        mov     $(WIN_VA(USTACK) + 0x1000), %rsi
        mov     $RFLAGS_FIXED, %edx
        jmp     to_user
        .endm

/* The pair and the user stack page, in .bss (what PTI_PGD_PAIR maps). */
        .macro PTI_PAIR_BSS
        .bss
        .align  8192
        .type   pgd, @object
pgd:    .skip   8192
        .size   pgd, 8192
        .align  4096
ustack: .skip   4096
        .endm

/* `size` bytes named `name` as a sized object: the trace recorder names stacks after them. */
        .macro SIZED_OBJECT name:req, size:req
        .type   \name, @object
\name: .skip   \size
        .size   \name, \size
        .endm
#endif
