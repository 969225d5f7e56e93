/*
 * harness.h: the self-checking assembly test harness (Blink's manner). A test file includes it,
 * opens with TEST_BEGIN, prints values with PR(src) and flags with FLAGS / FLAGSU(undefined mask),
 * and ends with TEST_END. The same file builds two ways:
 *   - entrylab (flat64 machine): output through COM1 (port 0x3F8), exit through isa-debug-exit
 *     (port 0xF4);
 *   - natively with `gcc -nostdlib -static -DNATIVE`: output buffered and written with write(2),
 *     exit with exit(2).
 * Both builds must print the same text (test/asm/asm.test.ts compares them). Every macro
 * preserves all general registers and RFLAGS.
 *
 * Flags print as seven characters in the order O D S Z A P C: a defined flag as its capital
 * letter when set and '.' when clear; a flag the SDM leaves undefined for the instruction just
 * run (named in FLAGSU's mask) as a small letter when set and '_' when clear. The VM matches this
 * host CPU on undefined flags too (docs/machine.md, "Undefined flags"); on another host the
 * driver compares only the defined positions.
 */
#ifndef ENTRYLAB_TEST_HARNESS_H
#define ENTRYLAB_TEST_HARNESS_H

/* RFLAGS bits, for FLAGSU masks. */
#define F_CF 0x001
#define F_PF 0x004
#define F_AF 0x010
#define F_ZF 0x040
#define F_SF 0x080
#define F_DF 0x400
#define F_OF 0x800

/* Operand values chosen so that every size (8/16/32/64) sees zero, one, all ones, its most
 * negative and most positive neighbourhood, and mixed nibbles (AF). */
#define VALS 0, 1, 0xffffffffffffffff, 0x8000000080008080, 0x7fffffff7fff7f7f, \
        0x123456789abcdef0, 0x0f0f0f0f0f0f0f0f, 0x8000000000000000
/* Status-flag values to start from: all clear, all set. */
#define F_NONE 0
#define F_ALL (F_OF | F_SF | F_ZF | F_AF | F_PF | F_CF)
/* Set RFLAGS (status flags and DF) to v. */
#define SETF(v) push $(v); popfq

/* Print a 64-bit source operand (register, memory or $imm) as `text=hex16`. */
#define PR(x) h_print x, #x
/* Print the status flags and DF; FLAGSU marks the SDM-undefined ones. */
#define FLAGS h_flags 0
#define FLAGSU(mask) h_flags (mask)
/* Print a line of text. */
#define SAY(text) h_say #text

#ifdef NATIVE
#define SYS_WRITE 1
#define SYS_EXIT 60
#define H_BUF_SIZE 65536
#endif

        /* The operand is read before the stack moves, so %rsp-relative operands (and %rsp) print
         * what the test sees; %rdi is saved just below the stack first (the red zone natively). */
        .macro h_print src:req, name:req
        mov     %rdi, -8(%rsp)
        mov     \src, %rdi
        lea     -8(%rsp), %rsp
        pushfq
        push    %rsi
        lea     .Lh_name\@(%rip), %rsi
        call    h_print_hex
        pop     %rsi
        popfq
        pop     %rdi
        .pushsection .rodata
.Lh_name\@:
        .asciz  "\name"
        .popsection
        .endm

        .macro h_flags mask:req
        pushfq
        push    %rdi
        push    %rsi
        mov     16(%rsp), %rdi
        mov     $\mask, %esi
        call    h_print_flags
        pop     %rsi
        pop     %rdi
        popfq
        .endm

        .macro h_say text:req
        pushfq
        push    %rsi
        lea     .Lh_say\@(%rip), %rsi
        call    h_puts
        mov     $10, %sil
        call    h_putc_sil
        pop     %rsi
        popfq
        .pushsection .rodata
.Lh_say\@:
        .asciz  "\text"
        .popsection
        .endm

/* The entry: every general register but %rsp zeroed, status flags and DF clear. */
#define TEST_BEGIN      \
        .text;          \
        .globl _start;  \
_start:                 \
        h_start

        .macro h_start
        xor     %eax, %eax
        xor     %ebx, %ebx
        xor     %ecx, %ecx
        xor     %edx, %edx
        xor     %esi, %esi
        xor     %edi, %edi
        xor     %ebp, %ebp
        xor     %r8d, %r8d
        xor     %r9d, %r9d
        xor     %r10d, %r10d
        xor     %r11d, %r11d
        xor     %r12d, %r12d
        xor     %r13d, %r13d
        xor     %r14d, %r14d
        xor     %r15d, %r15d
        push    $0
        popfq
        .endm

#define TEST_END h_end

        .macro h_end
        SAY(done)
        jmp     h_exit
        h_routines
        .endm

        .macro h_routines
        .text
/* h_print_hex: print the string at %rsi, '=', %rdi as 16 hex digits, newline. */
h_print_hex:
        push    %rax
        push    %rcx
        push    %rsi
        call    h_puts
        mov     $0x3d, %sil
        call    h_putc_sil
        mov     $16, %ecx
1:      rol     $4, %rdi
        mov     %edi, %eax
        and     $15, %eax
        cmp     $10, %eax
        jb      2f
        add     $0x27, %eax
2:      add     $0x30, %eax
        mov     %al, %sil
        call    h_putc_sil
        dec     %ecx
        jnz     1b
        mov     $10, %sil
        call    h_putc_sil
        pop     %rsi
        pop     %rcx
        pop     %rax
        ret

/* h_print_flags: print "flags=" and the flags in %rdi, undefined mask %rsi (see the top). */
h_print_flags:
        push    %rax
        push    %rbx
        push    %rcx
        push    %rdx
        push    %rsi
        mov     %rsi, %rdx
        lea     h_flags_name(%rip), %rsi
        call    h_puts
        lea     h_flag_table(%rip), %rbx
        mov     $7, %ecx
1:      movzwl  (%rbx), %eax            /* the flag bit */
        movzbl  2(%rbx), %esi           /* its capital letter */
        test    %eax, %edi
        jnz     2f
        mov     $0x2e, %sil
2:      test    %eax, %edx
        jz      3f
        or      $0x20, %sil             /* undefined: small letter, or _ when clear */
        cmp     $0x2e, %sil
        jne     3f
        mov     $0x5f, %sil
3:      call    h_putc_sil
        add     $4, %rbx
        dec     %ecx
        jnz     1b
        mov     $10, %sil
        call    h_putc_sil
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rbx
        pop     %rax
        ret

/* h_puts: print the NUL-terminated string at %rsi. */
h_puts:
        push    %rsi
        push    %rdi
        mov     %rsi, %rdi
1:      movzbl  (%rdi), %esi
        test    %esi, %esi
        jz      2f
        call    h_putc_sil
        inc     %rdi
        jmp     1b
2:      pop     %rdi
        pop     %rsi
        ret

#ifdef NATIVE
/* h_putc_sil: append %sil to the output buffer (flushed at exit or when full). */
h_putc_sil:
        push    %rax
        mov     h_buf_len(%rip), %rax
        cmp     $H_BUF_SIZE, %rax
        jb      1f
        call    h_flush
        xor     %eax, %eax
1:      push    %rdi
        lea     h_buf(%rip), %rdi
        mov     %sil, (%rdi,%rax)
        pop     %rdi
        inc     %rax
        mov     %rax, h_buf_len(%rip)
        pop     %rax
        ret

h_flush:
        push    %rax
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %r11
        mov     $SYS_WRITE, %eax
        mov     $1, %edi
        lea     h_buf(%rip), %rsi
        mov     h_buf_len(%rip), %rdx
        syscall
        movq    $0, h_buf_len(%rip)
        pop     %r11
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rax
        ret

h_exit:
        call    h_flush
        mov     $SYS_EXIT, %eax
        xor     %edi, %edi
        syscall

        .bss
        .balign 8
h_buf_len:
        .skip   8
h_buf:
        .skip   H_BUF_SIZE
#else
/* h_putc_sil: write %sil to the COM1 transmit register. */
h_putc_sil:
        push    %rax
        push    %rdx
        mov     %esi, %eax
        mov     $0x3f8, %dx
        out     %al, %dx
        pop     %rdx
        pop     %rax
        ret

/* h_exit: isa-debug-exit with 0 (exit status 1), then stop. */
h_exit:
        xor     %eax, %eax
        out     %al, $0xf4
        cli
        hlt
#endif

        .section .rodata
h_flags_name:
        .asciz  "flags="
        .balign 4
/* Each entry: the RFLAGS bit (16 bits), its letter, a pad byte; order O D S Z A P C. */
h_flag_table:
        .short  F_OF
        .byte   0x4f, 0
        .short  F_DF
        .byte   0x44, 0
        .short  F_SF
        .byte   0x53, 0
        .short  F_ZF
        .byte   0x5a, 0
        .short  F_AF
        .byte   0x41, 0
        .short  F_PF
        .byte   0x50, 0
        .short  F_CF
        .byte   0x43, 0
        .text
        .endm

#endif
