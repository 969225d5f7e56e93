// expect: accept
// The C preprocessor in front of gas: object-like and function-like macros,
// # and ##, variadic macros, #if with C precedence (unlike gas), defined(),
// __ASSEMBLER__, and lines that only pass through.
#define ONE		1
#define ADD(a, b)	((a) + (b))
#define STR(x)		#x
#define CAT(a, b)	a##b
#define DATA(dir, ...)	dir __VA_ARGS__
#define SECTION_NAME	.data

	SECTION_NAME
cpp_obj:	.byte ONE, ADD(ONE, 2)
cpp_str:	.ascii STR(hello)
CAT(cpp_, pasted):	.byte 3
cpp_va:		DATA(.short, 1, 2, 3)
#if 2 | 1 + 1 == 3		/* C: 2 | ((1 + 1) == 3) = 2, true */
cpp_cprec:	.byte 1
#else
cpp_cprec:	.byte 0
#endif
cpp_gasprec:	.byte 2 | 1 + 1	/* gas: (2|1)+1 = 4 */
#if defined(ONE) && !defined(TWO) && defined __ASSEMBLER__
cpp_defined:	.byte 1
#endif
#ifdef __ASSEMBLY__
cpp_assembly:	.byte 1		/* passed with -D__ASSEMBLY__ */
#endif
#undef ONE
#ifndef ONE
cpp_undef:	.byte 1
#endif
#if 0
	this text is skipped entirely
#elif ADD(1, 1) == 2
cpp_elif:	.byte 1
#endif
cpp_line:	.long __LINE__
/* In a .S source, gcc passes a "# N" line through as a gas comment and does
   not renumber; #line does renumber. */
# 100 "renamed.S"
cpp_after_marker: .long __LINE__
#line 200 "renamed.S"
cpp_after_line:	.long __LINE__
cpp_end:
