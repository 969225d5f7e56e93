/* kernel/types.h: the kernel's fixed-width integer names (include/linux/types.h). */
#ifndef _KERNEL_TYPES_H
#define _KERNEL_TYPES_H
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long u64;
typedef signed char s8;
typedef short s16;
typedef int s32;
typedef long s64;
typedef unsigned long size_t;
#define __always_inline inline __attribute__((always_inline))
#define noinline __attribute__((noinline))
#define __section(s) __attribute__((section(s)))
#define noinstr noinline __section(".noinstr.text")
#endif
