/*
 * linux/const.h - constants that read the same in C and in assembly.
 *
 * C needs a type suffix on large constants (1UL << 63); GNU as rejects the
 * suffix. _AC() glues the suffix on only when the C compiler reads the file,
 * so one #define serves both languages.
 */
#ifndef _LINUX_CONST_H
#define _LINUX_CONST_H

#ifdef __ASSEMBLY__
#define _AC(value, suffix)	value
#define _AT(type, value)	value
#else
#define __AC(value, suffix)	(value##suffix)
#define _AC(value, suffix)	__AC(value, suffix)
#define _AT(type, value)	((type)(value))
#endif

#define _UL(x)		(_AC(x, UL))
#define _ULL(x)		(_AC(x, ULL))

/* A single set bit, as an unsigned long (C) or a 64-bit gas integer. */
#define _BITUL(nr)	(_UL(1) << (nr))
#define _BITULL(nr)	(_ULL(1) << (nr))

#define BIT(nr)		_BITUL(nr)

#endif /* _LINUX_CONST_H */
