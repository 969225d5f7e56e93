/*
 * linux/types.h - the fixed-width integer types of the model kernel's C code
 * (LP64: long and pointers are 64 bits, as the psABI and handler-C have it).
 */
#ifndef _LINUX_TYPES_H
#define _LINUX_TYPES_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long s64;
typedef unsigned long size_t;
typedef long ssize_t;
typedef _Bool bool;

#define NULL	((void *)0)
#define true	1
#define false	0

#endif /* _LINUX_TYPES_H */
