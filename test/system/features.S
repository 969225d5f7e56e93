/*
 * A CPU without PCID, INVPCID, SMEP, SMAP, FSGSBASE, RDTSCP, NX, PGE and SYSCALL
 * (--features -pcid,-invpcid,-smep,-smap,-fsgsbase,-rdtscp,-nx,-pge,-syscall): CPUID reports them
 * absent, and using one raises what the SDM lists: #GP(0) for a CR4 bit or EFER bit the CPU lacks
 * (SDM 2.5, vol. 4 IA32_EFER), #UD for an instruction (SDM vol. 2 INVPCID, STAC, RDTSCP,
 * RDGSBASE). Built with -DALL_ON for the default CPU: CPUID reports every feature.
 */
#include "sys.h"

        .macro gp_on_cr4 bit:req, name:vararg
        TRY(.Lcr\@)
        mov     %cr4, %rax
        or      $\bit, %rax
        mov     %rax, %cr4
        NOFAULT
.Lcr\@: CHECK(exc_vec(%rip), $13, \name)
        .endm
        .macro ud insn:req, name:vararg
        TRY(.Lud\@)
        \insn
        NOFAULT
.Lud\@: CHECK(exc_vec(%rip), $6, \name)
        .endm

SYS_BEGIN
        mov     $7, %eax
        xor     %ecx, %ecx
        cpuid
        and     $((1 << 0) | (1 << 7) | (1 << 10) | (1 << 20)), %ebx
        mov     %rbx, %r9
        mov     $1, %eax
        cpuid
        and     $(1 << 17), %ecx
        mov     %rcx, %r8
        mov     $0x80000001, %eax
        cpuid
        and     $((1 << 11) | (1 << 20) | (1 << 27)), %edx
#ifdef ALL_ON
        CHECK(%r9, $0x100481, cpuid 7 fsgsbase smep invpcid smap)
        CHECK(%r8, $(1 << 17), cpuid 1 pcid)
        CHECK(%rdx, $0x8100800, cpuid 80000001 syscall nx rdtscp)
#else
        CHECK(%r9, $0, cpuid 7 reports none)
        CHECK(%r8, $0, cpuid 1 reports no pcid)
        CHECK(%rdx, $0, cpuid 80000001 reports no syscall nx rdtscp)
        gp_on_cr4 CR4_SMEP, cr4 smep gp
        gp_on_cr4 CR4_SMAP, cr4 smap gp
        gp_on_cr4 CR4_PCIDE, cr4 pcide gp
        gp_on_cr4 CR4_FSGSBASE, cr4 fsgsbase gp
        gp_on_cr4 CR4_PGE, cr4 pge gp
        ud "invpcid desc(%rip), %rax", invpcid ud
        ud stac, stac ud
        ud rdtscp, rdtscp ud
        ud "rdgsbase %rax", rdgsbase ud
        TRY(1f)
        mov     $EFER_MSR, %ecx
        rdmsr
        or      $EFER_NXE, %eax
        wrmsr
        NOFAULT
1:      CHECK(exc_vec(%rip), $13, efer nxe gp)
        TRY(1f)
        mov     $EFER_MSR, %ecx
        rdmsr
        or      $EFER_SCE, %eax
        wrmsr
        NOFAULT
1:      CHECK(exc_vec(%rip), $13, efer sce gp)
#endif
SYS_END
        .data
desc:   .quad 0, 0
