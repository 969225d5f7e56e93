/*
 * asm/cpufeatures.h - CPU feature numbers, as Linux numbers them.
 *
 * A feature is word*32 + bit: the word is one 32-bit register of some CPUID
 * leaf (or a Linux-defined synthetic word), the bit its position there.
 * ALTERNATIVE records store this number (u16 cpuid field), and the boot
 * builder patches each site by testing the machine's feature set with it.
 * Only the features entrylab's machine can have are listed.
 */
#ifndef _ASM_X86_CPUFEATURES_H
#define _ASM_X86_CPUFEATURES_H

/* Number of 32-bit capability words (Linux v5.10). */
#define NCAPINTS			19

/* Word 0: CPUID.01H:EDX */
#define X86_FEATURE_FPU			( 0*32+ 0)
#define X86_FEATURE_PSE			( 0*32+ 3)
#define X86_FEATURE_TSC			( 0*32+ 4)
#define X86_FEATURE_MSR			( 0*32+ 5)
#define X86_FEATURE_PAE			( 0*32+ 6)
#define X86_FEATURE_APIC		( 0*32+ 9)
#define X86_FEATURE_SEP			( 0*32+11)
#define X86_FEATURE_PGE			( 0*32+13)
#define X86_FEATURE_CMOV		( 0*32+15)
#define X86_FEATURE_PAT			( 0*32+16)

/* Word 1: CPUID.80000001H:EDX */
#define X86_FEATURE_SYSCALL		( 1*32+11)
#define X86_FEATURE_NX			( 1*32+20)
#define X86_FEATURE_GBPAGES		( 1*32+26)
#define X86_FEATURE_RDTSCP		( 1*32+27)
#define X86_FEATURE_LM			( 1*32+29)

/* Word 3: Linux-defined, miscellaneous. ALWAYS is set on every CPU. */
#define X86_FEATURE_CONSTANT_TSC	( 3*32+ 8)
#define X86_FEATURE_NOPL		( 3*32+20)
#define X86_FEATURE_ALWAYS		( 3*32+21)

/* Word 4: CPUID.01H:ECX */
#define X86_FEATURE_PCID		( 4*32+17)
#define X86_FEATURE_X2APIC		( 4*32+21)
#define X86_FEATURE_TSC_DEADLINE_TIMER	( 4*32+24)
#define X86_FEATURE_HYPERVISOR		( 4*32+31)

/* Word 7: Linux-defined, scattered. PTI is a kernel decision, not a CPUID bit. */
#define X86_FEATURE_INVPCID_SINGLE	( 7*32+ 7)
#define X86_FEATURE_PTI			( 7*32+11)

/* Word 9: CPUID.(EAX=07H,ECX=0):EBX */
#define X86_FEATURE_FSGSBASE		( 9*32+ 0)
#define X86_FEATURE_SMEP		( 9*32+ 7)
#define X86_FEATURE_ERMS		( 9*32+ 9)
#define X86_FEATURE_INVPCID		( 9*32+10)
#define X86_FEATURE_SMAP		( 9*32+20)

/* Word 16: CPUID.(EAX=07H,ECX=0):ECX */
#define X86_FEATURE_UMIP		(16*32+ 2)
#define X86_FEATURE_RDPID		(16*32+22)
#define X86_FEATURE_LA57		(16*32+16)

#endif /* _ASM_X86_CPUFEATURES_H */
