/*
 * asm/unistd_64.h - the system call numbers of the model kernel, with Linux
 * x86-64's values (arch/x86/entry/syscalls/syscall_64.tbl), shared by the
 * kernel's sys_call_table and the user programs.
 */
#ifndef _ASM_X86_UNISTD_64_H
#define _ASM_X86_UNISTD_64_H

#define __NR_write		1
#define __NR_rt_sigaction	13
#define __NR_rt_sigprocmask	14
#define __NR_rt_sigreturn	15
#define __NR_sched_yield	24
#define __NR_nanosleep		35
#define __NR_getpid		39
#define __NR_clone		56
#define __NR_fork		57
#define __NR_exit		60
#define __NR_wait4		61
#define __NR_kill		62
#define __NR_getppid		110
#define __NR_futex		202
#define __NR_tgkill		234

/* One past the highest number the table has a slot for. */
#define __NR_syscall_max	__NR_tgkill
#define NR_syscalls		(__NR_syscall_max + 1)

#endif /* _ASM_X86_UNISTD_64_H */
