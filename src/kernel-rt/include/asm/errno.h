/*
 * asm/errno.h - the error numbers the entry code and the model kernel's
 * syscalls return (negated), with Linux's values.
 */
#ifndef _ASM_X86_ERRNO_H
#define _ASM_X86_ERRNO_H

#define EPERM		1
#define ENOENT		2
#define ESRCH		3
#define EINTR		4
#define EIO		5
#define EBADF		9
#define ECHILD		10
#define EAGAIN		11
#define ENOMEM		12
#define EFAULT		14
#define EBUSY		16
#define EINVAL		22
#define EPIPE		32
#define ENOSYS		38	/* rax preset for an unknown syscall number */
#define ETIMEDOUT	110

#endif /* _ASM_X86_ERRNO_H */
