/*
 * traps.c - the C ends of the exception stubs (DEFINE_IDTENTRY* shims from
 * <asm/idtentry.h>) and the helpers error_entry calls.
 *
 * An exception from user mode is the task's: the signal Linux sends, to its
 * handler (signal.c), or, with none, Linux's report ("<comm>[<pid>] trap
 * <name> ip:... sp:... error:...") and the task's death by that signal.
 * An exception in kernel mode is a kernel bug: die() prints an
 * oops and ends the machine with status DIE_EXIT_BASE + vector, distinct from
 * every clean exit. Page faults are fault.c's; the timer is time.c's.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <asm/idtentry.h>
#include <asm/apic.h>
#include <asm/ptrace.h>
#include <asm/special_insns.h>
#include <asm/tss.h>

DECLARE_PER_CPU(struct tss_struct, cpu_tss_rw);

/* Kernel-mode exceptions end the run with this plus the vector (0x40 + v: (v << 1) | 1 on the port). */
#define DIE_EXIT_BASE	0x40

/* Linux's signal numbers come from <linux/signal.h>, through <linux/sched.h>. */

__noreturn void die(const char *str, struct pt_regs *regs, unsigned long vector, unsigned long err)
{
	printk("entrylab kernel: oops: %s: error %lx on CPU %ld\n", str, err, (long)smp_processor_id());
	printk("RIP: %lx CS: %lx RFLAGS: %lx\n", regs->ip, regs->cs, regs->flags);
	printk("RSP: %lx SS: %lx CR2: %lx CR3: %lx\n", regs->sp, regs->ss, native_read_cr2(), native_read_cr3());
	printk("RAX: %lx RBX: %lx RCX: %lx RDX: %lx\n", regs->ax, regs->bx, regs->cx, regs->dx);
	printk("RSI: %lx RDI: %lx RBP: %lx\n", regs->si, regs->di, regs->bp);
	printk("task: %s[%ld]\n", current->comm, current->pid);
	machine_exit(DIE_EXIT_BASE + vector);
}

/* Where exc_nmi_int3's INT3 returns to. */
extern char nmi_int3_ret[];

/* exc_nmi_int3's own breakpoint, as a kprobe's would be: handled, nothing to report. */
static int nmi_int3_handled(struct pt_regs *regs, unsigned long vector)
{
	return vector == X86_TRAP_BP && regs->ip == (unsigned long)nmi_int3_ret;
}

/*
 * do_trap_fault: a user task's exception is a signal (si_code and si_addr for
 * its siginfo), reported first when no handler will see it (Linux's
 * show_signal); a kernel one is fatal.
 */
static void do_trap_fault(struct pt_regs *regs, unsigned long vector, const char *str,
			  unsigned long err, int signr, int code, unsigned long addr)
{
	struct task_struct *tsk = current;

	if (!user_mode(regs)) {
		if (nmi_int3_handled(regs, vector))
			return;
		die(str, regs, vector, err);
	}
	if (!sig_handler_installed(tsk, signr)) {
		/* printk takes at most five arguments after the format (crt/lib.ts): two calls. */
		printk("%s[%ld] trap %s ip:%lx sp:%lx ", tsk->comm, tsk->pid, str, regs->ip, regs->sp);
		printk("error:%lx\n", err);
	}
	tsk->thread.trap_nr = vector;
	tsk->thread.error_code = err;
	force_sig_fault(signr, code, addr);
}

/* The exceptions Linux sends with force_sig: si_code SI_KERNEL, no address. */
static void do_trap(struct pt_regs *regs, unsigned long vector, const char *str,
		    unsigned long err, int signr)
{
	do_trap_fault(regs, vector, str, err, signr, SI_KERNEL, 0);
}

DEFINE_IDTENTRY(exc_divide_error)
{
	do_trap_fault(regs, X86_TRAP_DE, "divide error", 0, SIGFPE, FPE_INTDIV, regs->ip);
}

DEFINE_IDTENTRY(exc_debug)
{
	do_trap(regs, X86_TRAP_DB, "debug", 0, SIGTRAP);
}

DEFINE_IDTENTRY(exc_int3)
{
	do_trap(regs, X86_TRAP_BP, "int3", 0, SIGTRAP);
}

DEFINE_IDTENTRY(exc_overflow)
{
	do_trap(regs, X86_TRAP_OF, "overflow", 0, SIGSEGV);
}

DEFINE_IDTENTRY(exc_bounds)
{
	do_trap(regs, X86_TRAP_BR, "bounds", 0, SIGSEGV);
}

DEFINE_IDTENTRY(exc_invalid_op)
{
	do_trap_fault(regs, X86_TRAP_UD, "invalid opcode", 0, SIGILL, ILL_ILLOPN, regs->ip);
}

DEFINE_IDTENTRY(exc_device_not_available)
{
	do_trap(regs, X86_TRAP_NM, "device not available", 0, SIGSEGV);
}

DEFINE_IDTENTRY(exc_coproc_segment_overrun)
{
	do_trap(regs, X86_TRAP_OLD_MF, "coprocessor segment overrun", 0, SIGFPE);
}

DEFINE_IDTENTRY_ERRORCODE(exc_invalid_tss)
{
	do_trap(regs, X86_TRAP_TS, "invalid TSS", error_code, SIGSEGV);
}

DEFINE_IDTENTRY_ERRORCODE(exc_segment_not_present)
{
	do_trap(regs, X86_TRAP_NP, "segment not present", error_code, SIGBUS);
}

DEFINE_IDTENTRY_ERRORCODE(exc_stack_segment)
{
	do_trap(regs, X86_TRAP_SS, "stack segment", error_code, SIGBUS);
}

DEFINE_IDTENTRY_ERRORCODE(exc_general_protection)
{
	do_trap(regs, X86_TRAP_GP, "general protection", error_code, SIGSEGV);
}

DEFINE_IDTENTRY(exc_spurious_interrupt_bug)
{
	/* Vector 15 is reserved (SDM 6.3.1): nothing raises it; Linux ignores it too. */
}

DEFINE_IDTENTRY(exc_coprocessor_error)
{
	do_trap(regs, X86_TRAP_MF, "coprocessor error", 0, SIGFPE);
}

DEFINE_IDTENTRY_ERRORCODE(exc_alignment_check)
{
	do_trap(regs, X86_TRAP_AC, "alignment check", error_code, SIGBUS);
}

DEFINE_IDTENTRY(exc_simd_coprocessor_error)
{
	do_trap(regs, X86_TRAP_XF, "SIMD coprocessor error", 0, SIGFPE);
}

/* #DF: the CPU could not deliver an exception (SDM 6.15, interrupt 8): never restartable. */
DEFINE_IDTENTRY_DF(exc_double_fault)
{
	die("double fault", regs, X86_TRAP_DF, error_code);
}

/* NMIs counted per CPU; the model has no NMI sources but --inject and IPIs. */
DEFINE_PER_CPU(unsigned long, nmi_count);

DEFINE_IDTENTRY_NMI(exc_nmi)
{
	unsigned long n = this_cpu_read(nmi_count) + 1;

	this_cpu_write(nmi_count, n);
	printk("NMI %lu on CPU %ld\n", n, (long)smp_processor_id());
}

/*
 * exc_nmi_int3: what asm_exc_nmi calls instead of exc_nmi when booted with
 * KernelConfig.nmiInt3 (the boot builder retargets the stub's calls, listed
 * in nmi_handler_calls). The handler, then one INT3, as a kprobe in an NMI
 * handler or a page fault in Linux's copy_from_user_nmi() would make it take
 * an exception: the #BP handler's IRETQ ends NMI blocking (SDM 6.7.1) while
 * this NMI still runs on the NMI stack - the case asm_exc_nmi's nested-NMI
 * frames are for (programs/entry/entry_64.S).
 */
DEFINE_IDTENTRY_NMI(exc_nmi_int3)
{
	exc_nmi(regs);
	asm volatile("int3\n"
		     ".globl nmi_int3_ret\n"
		     "nmi_int3_ret:" : : : "memory");
}

/* An external interrupt nobody asked for: say so and acknowledge it. */
DEFINE_IDTENTRY_IRQ(common_interrupt)
{
	printk("CPU %ld: interrupt on vector %lx with no handler\n", (long)smp_processor_id(), vector);
	apic_eoi();
}

/* SDM 10.9: a spurious interrupt is not put in service, so it takes no EOI. */
DEFINE_IDTENTRY_SYSVEC(sysvec_spurious_apic_interrupt)
{
}

/* Another CPU woke a task of ours: look at the run queue on the way out. */
DEFINE_IDTENTRY_SYSVEC(sysvec_reschedule_ipi)
{
	apic_eoi();
	set_tsk_need_resched(current);
}

/*
 * sync_regs: error_entry, from user mode, built the pt_regs on the per-CPU
 * entry stack; copy it to the top of the task's stack, where entry_SYSCALL_64
 * would have put it, and continue there.
 */
struct pt_regs *sync_regs(struct pt_regs *eregs)
{
	struct pt_regs *regs = (struct pt_regs *)this_cpu_ptr(&cpu_tss_rw)->x86_tss.sp1 - 1;

	if (regs != eregs)
		*regs = *eregs;
	return regs;
}

/*
 * fixup_bad_iret: the IRETQ to user mode faulted (its frame at bad_regs->sp,
 * on the entry stack, is ip, cs, flags, sp, ss). Make the fault look as if it
 * came from that user context: the frame's values replace the kernel ones,
 * and the result lands on the task's stack like any user-mode entry.
 */
struct pt_regs *fixup_bad_iret(struct pt_regs *bad_regs)
{
	unsigned long *frame = (unsigned long *)bad_regs->sp;
	struct pt_regs tmp = *bad_regs;

	tmp.ip = frame[0];
	tmp.cs = frame[1];
	tmp.flags = frame[2];
	tmp.sp = frame[3];
	tmp.ss = frame[4];
	return sync_regs(&tmp);
}
