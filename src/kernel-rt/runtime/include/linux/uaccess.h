/*
 * linux/uaccess.h - the kernel's reads of user memory: access_ok checks that
 * a range lies in user space, copy_from_user checks it and copies with SMAP
 * opened (copy_user_generic, usercopy_64.S, whose fault on an unmapped user
 * address the page-fault handler turns into a short copy); copy_to_user
 * writes the same way. They return what Linux's do: access_ok true/false,
 * the copies the bytes not copied.
 */
#ifndef _LINUX_UACCESS_H
#define _LINUX_UACCESS_H

#include <linux/kernel.h>
#include <asm/entrylab-layout.h>

unsigned long copy_user_generic(void *to, const void *from, unsigned long len);

static inline int access_ok(unsigned long addr, unsigned long size)
{
	return size <= USER_STACK_TOP && addr <= USER_STACK_TOP - size;
}

static inline unsigned long copy_from_user(void *to, unsigned long from, unsigned long n)
{
	if (!access_ok(from, n))
		return n;
	return copy_user_generic(to, (const void *)from, n);
}

/* The other way: a kernel buffer to user memory (a signal frame, nanosleep's rem). */
static inline unsigned long copy_to_user(unsigned long to, const void *from, unsigned long n)
{
	if (!access_ok(to, n))
		return n;
	return copy_user_generic((void *)to, from, n);
}

#endif /* _LINUX_UACCESS_H */
