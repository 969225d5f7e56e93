/*
 * linux/entry-common.h - the work between a handler and the return to user
 * mode (runtime/entry-common.c): rescheduling when need_resched() says so.
 * The interrupt side, irqentry_enter/irqentry_exit, is in <asm/idtentry.h>.
 */
#ifndef _LINUX_ENTRY_COMMON_H
#define _LINUX_ENTRY_COMMON_H

struct pt_regs;

/* Before any return to user mode. */
void exit_to_user_mode_prepare(struct pt_regs *regs);

/* The end of do_syscall_64: the exit work, then entry_SYSCALL_64 returns to user mode. */
void syscall_exit_to_user_mode(struct pt_regs *regs);

#endif /* _LINUX_ENTRY_COMMON_H */
