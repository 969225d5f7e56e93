/* stddef-lite.h: the parts of <stddef.h> the tests use, for gcc and entrylab alike. */
#ifndef STDDEF_LITE_H
#define STDDEF_LITE_H
typedef unsigned long size_t;
typedef long ptrdiff_t;
#define NULL ((void *)0)
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif
