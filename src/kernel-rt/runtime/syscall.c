/*
 * syscall.c - do_syscall_64 and the system call table (Linux's numbers, from
 * <asm/unistd_64.h>; handlers take the pt_regs as v5.10's __x64_sys_*
 * wrappers do). Entered from entry_SYSCALL_64 with interrupts off, on the
 * task's kernel stack, on the kernel page table.
 */
#include <linux/kernel.h>
#include <linux/entry-common.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>
#include <asm/errno.h>
#include <asm/unistd_64.h>
#include <asm/entrylab-layout.h>
#include <asm/special_insns.h>

typedef long (*sys_call_ptr_t)(const struct pt_regs *);


#define WRITE_CHUNK 64

/* One write() reaches the console whole: CPUs take turns by this lock (interrupts are off). */
static raw_spinlock_t console_lock;

/* write(fd, buf, count): fds 1 and 2 are the console (the UART, through putchar). */
long __x64_sys_write(const struct pt_regs *regs)
{
	unsigned long fd = regs->di, buf = regs->si, count = regs->dx, done = 0;
	char kbuf[WRITE_CHUNK];

	if (fd != 1 && fd != 2)
		return -EBADF;
	if (!access_ok(buf, count))
		return -EFAULT;
	raw_spin_lock(&console_lock);
	while (done < count) {
		unsigned long n = min(count - done, (unsigned long)WRITE_CHUNK), i;
		if (copy_user_generic(kbuf, (const void *)(buf + done), n) != 0)
			break;
		for (i = 0; i < n; i++)
			putchar(kbuf[i]);
		done += n;
	}
	raw_spin_unlock(&console_lock);
	return done == count ? (long)count : -EFAULT;
}

long __x64_sys_getpid(const struct pt_regs *regs)
{
	return current->pid;
}

long __x64_sys_sched_yield(const struct pt_regs *regs)
{
	schedule();
	return 0;
}

/* exit(code): the wait status is the low byte of the code, shifted (Linux's sys_exit). */
long __x64_sys_exit(const struct pt_regs *regs)
{
	do_exit((regs->di & 0xff) << 8);
	return 0;
}

long __x64_sys_nanosleep(const struct pt_regs *regs);
long __x64_sys_futex(const struct pt_regs *regs);

long __x64_sys_rt_sigaction(const struct pt_regs *regs);
long __x64_sys_rt_sigprocmask(const struct pt_regs *regs);
long __x64_sys_rt_sigreturn(const struct pt_regs *regs);
long __x64_sys_kill(const struct pt_regs *regs);
long __x64_sys_tgkill(const struct pt_regs *regs);

long __x64_sys_fork(const struct pt_regs *regs);
long __x64_sys_clone(const struct pt_regs *regs);
long __x64_sys_wait4(const struct pt_regs *regs);
long __x64_sys_getppid(const struct pt_regs *regs);

long __x64_sys_ni_syscall(const struct pt_regs *regs)
{
	return -ENOSYS;
}

/* Read-only, as Linux's: handler-C places a const array of pointers in .data unless told. */
__attribute__((section(".rodata"))) const sys_call_ptr_t sys_call_table[NR_syscalls] = {
	[0 ... NR_syscalls - 1] = __x64_sys_ni_syscall,
	[__NR_write] = __x64_sys_write,
	[__NR_rt_sigaction] = __x64_sys_rt_sigaction,
	[__NR_rt_sigprocmask] = __x64_sys_rt_sigprocmask,
	[__NR_rt_sigreturn] = __x64_sys_rt_sigreturn,
	[__NR_sched_yield] = __x64_sys_sched_yield,
	[__NR_nanosleep] = __x64_sys_nanosleep,
	[__NR_getpid] = __x64_sys_getpid,
	[__NR_clone] = __x64_sys_clone,
	[__NR_fork] = __x64_sys_fork,
	[__NR_exit] = __x64_sys_exit,
	[__NR_wait4] = __x64_sys_wait4,
	[__NR_kill] = __x64_sys_kill,
	[__NR_getppid] = __x64_sys_getppid,
	[__NR_futex] = __x64_sys_futex,
	[__NR_tgkill] = __x64_sys_tgkill,
};

/*
 * do_syscall_64(nr, regs), as entry_SYSCALL_64 calls it; the result goes to
 * regs->ax. Then the exit work: a wake-up or the tick may have asked this task
 * to give up the CPU while it was in the kernel.
 */
void do_syscall_64(unsigned long nr, struct pt_regs *regs)
{
	if (likely(nr < NR_syscalls))
		regs->ax = sys_call_table[nr](regs);
	syscall_exit_to_user_mode(regs);
}
