/*
 * asm/alternative.h - ALTERNATIVE patch sites (the v5.10 asm form).
 *
 * A site is assembled with its original instructions, padded so that every
 * replacement fits. A record in .altinstructions names the site, the
 * replacement (kept in .altinstr_replacement, never run in place) and the CPU
 * feature. At boot, apply_alternatives copies the replacement over the site
 * when the feature is present and pads the rest with NOPs.
 *
 * The record is struct alt_instr (13 bytes, packed):
 *
 *   offset  size  field
 *   0       s32   instr_offset     site - &instr_offset
 *   4       s32   repl_offset      replacement - &repl_offset
 *   8       u16   cpuid            X86_FEATURE_* (word*32 + bit)
 *   10      u8    instrlen         site length, padding included
 *   11      u8    replacementlen   replacement length
 *   12      u8    padlen           padding length at the end of the site
 *
 * Numeric labels 140..145 are reserved for these macros: 140/141 bracket the
 * original code, 142 ends the padding, 143/144(/145) bracket the
 * replacement(s). The pad size is a forward reference into another section,
 * so the assembler must iterate layout to a fixed point.
 */
#ifndef _ASM_X86_ALTERNATIVE_H
#define _ASM_X86_ALTERNATIVE_H

#include <linux/const.h>

/* Byte offsets and size of struct alt_instr, for code that walks the table. */
#define ALT_INSTR_OFFSET_INSTR		0
#define ALT_INSTR_OFFSET_REPL		4
#define ALT_INSTR_OFFSET_CPUID		8
#define ALT_INSTR_OFFSET_INSTRLEN	10
#define ALT_INSTR_OFFSET_REPLLEN	11
#define ALT_INSTR_OFFSET_PADLEN		12
#define ALT_INSTR_SIZE			13

/* x86's one-byte NOP: the fill of the padding before the site is patched. */
#define ALT_PAD_BYTE			0x90

#ifdef __ASSEMBLY__

/* Emit one struct alt_instr at the current location. */
.macro altinstruction_entry orig alt feature orig_len alt_len pad_len
	.long	\orig - .
	.long	\alt - .
	.word	\feature
	.byte	\orig_len
	.byte	\alt_len
	.byte	\pad_len
.endm

/*
 * Length expressions. gas comparisons are -1 when true, so -(a > b) is 1 or 0;
 * multiplying by it keeps a positive difference and drops a negative one.
 */
#define alt_old_len		(141b-140b)
#define alt_new_len1		(144f-143f)
#define alt_new_len2		(145f-144f)

/* max(a, b) without branches, for gas: b if a < b, else a. */
#define alt_max_short(a, b)	((a) ^ (((a) ^ (b)) & -(-((a) < (b)))))

/* Bytes to pad the original code with so that a replacement of new_len fits. */
#define alt_pad_len(new_len)	(-(((new_len) - alt_old_len) > 0) * ((new_len) - alt_old_len))

/* ALTERNATIVE oldinstr, newinstr, feature: run newinstr instead on CPUs with feature. */
.macro ALTERNATIVE oldinstr, newinstr, feature
140:
	\oldinstr
141:
	.skip	alt_pad_len(alt_new_len1), ALT_PAD_BYTE
142:

	.pushsection .altinstructions, "a"
	altinstruction_entry 140b, 143f, \feature, 142b-140b, 144f-143f, 142b-141b
	.popsection

	.pushsection .altinstr_replacement, "ax"
143:
	\newinstr
144:
	.popsection
.endm

/*
 * ALTERNATIVE_2 oldinstr, newinstr1, feature1, newinstr2, feature2: two
 * candidates; both records are applied in order, so feature2 wins when both
 * features are present.
 */
.macro ALTERNATIVE_2 oldinstr, newinstr1, feature1, newinstr2, feature2
140:
	\oldinstr
141:
	.skip	alt_pad_len(alt_max_short(alt_new_len1, alt_new_len2)), ALT_PAD_BYTE
142:

	.pushsection .altinstructions, "a"
	altinstruction_entry 140b, 143f, \feature1, 142b-140b, 144f-143f, 142b-141b
	altinstruction_entry 140b, 144f, \feature2, 142b-140b, 145f-144f, 142b-141b
	.popsection

	.pushsection .altinstr_replacement, "ax"
143:
	\newinstr1
144:
	\newinstr2
145:
	.popsection
.endm

#endif /* __ASSEMBLY__ */

#endif /* _ASM_X86_ALTERNATIVE_H */
