/*
 * fault.c - the page-fault handler, exc_page_fault (vector 14, reached
 * through the asm_exc_page_fault idtentry stub on the task's kernel stack and
 * the kernel CR3, interrupts off), shaped as Linux's do_user_addr_fault:
 *   - a user-mode fault, not present, in the heap or the stack area: map a
 *     zeroed page (user, RW, NX), building the missing table levels, and
 *     return so the instruction runs again (demand-zero paging);
 *   - a write to a present page fork made copy-on-write (P=1, W=1: a
 *     protection fault): copy it, or take it back writable when no one
 *     else maps it (do_wp_page, memory.c), and retry;
 *   - any other user-mode fault: SIGSEGV for the task (force_sig_fault,
 *     delivered on the way out: to its handler, or, with none, Linux's
 *     segfault line first and the task's death);
 *   - a kernel-mode fault on a user address in copy_user_generic (a system
 *     call's copy): demand-zero as for the user, else the copy's fixup (the
 *     call returns -EFAULT); any other kernel-mode fault is an oops: a report
 *     and the end of the machine.
 */
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/mm.h>
#include <linux/signal.h>
#include <asm/pgtable.h>
#include <asm/special_insns.h>
#include <asm/cpufeature.h>
#include <asm/idtentry.h>
#include <asm/trapnr.h>
#include <asm/entrylab-layout.h>

/* The error code's bits, X86_PF_* (SDM 4.7, figure 4-12), come from <asm/trapnr.h>. */
/* An oops ends the run with this: status (0x70 << 1) | 1 = 225, apart from die()'s 0x40 + v. */
#define OOPS_EXIT	0x70

/* The faulting instruction and the fixup of copy_user_generic (usercopy_64.S). */
extern char copy_user_insn[];
extern char copy_user_fixup[];

/* The demand-zero areas: the heap, and the stack down to USER_STACK_LIMIT. */
static int in_demand_zero_area(unsigned long address)
{
	if (address >= USER_HEAP_START && address < USER_HEAP_END)
		return 1;
	return address >= USER_STACK_LIMIT && address < USER_STACK_TOP;
}

/*
 * Map a zeroed page at the faulting page of current's mm: user, RW, NX. Returns 0 when the pool
 * is out of frames (for the page or a table on the way to it).
 */
static int do_anonymous_page(unsigned long address)
{
	struct mm_struct *mm = current->mm;
	unsigned long *pte, page, entry;

	if (mm == NULL)
		return 0;
	pte = user_pte_lookup(mm, address, true);
	if (pte == NULL)
		return 0;
	/* Another path mapped it since (a second fault on the same page): nothing to do. */
	if (*pte & _PAGE_PRESENT)
		return 1;
	page = get_zeroed_page();
	if (!page)
		return 0;
	entry = __pa(page) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER;
	/* XD is a reserved bit without EFER.NXE (SDM 4.5, table 4-19): set it only with NX. */
	if (boot_cpu_has(X86_FEATURE_NX))
		entry |= _PAGE_NX;
	/*
	 * SDM 4.10.4.3: a not-present entry is never cached in the TLB or the paging-structure
	 * caches, so making it present needs no invalidation; the retried access walks again.
	 */
	WRITE_ONCE(*pte, entry);
	return 1;
}

/* Could a demand-zero page fix this fault? Not present, a data access, inside an area. */
static int demand_zero_fault(unsigned long error_code, unsigned long address)
{
	/* SDM 4.7: P=1 is a protection violation on a present page: no page to add. */
	if (error_code & X86_PF_PROT)
		return 0;
	/* SDM 4.7: I/D=1 is an instruction fetch: the areas hold data only (NX pages). */
	if (error_code & X86_PF_INSTR)
		return 0;
	return in_demand_zero_area(address);
}

/* printk takes at most five arguments after the format (crt/lib.ts): long reports take two. */
static void show_error_code(unsigned long error_code)
{
	printk("#PF: error_code(0x%04lx) - %s %s %s", error_code,
	       error_code & X86_PF_PROT ? "protection" : "not-present",
	       error_code & X86_PF_WRITE ? "write" : "read",
	       error_code & X86_PF_USER ? "user" : "supervisor");
	printk(" %s%s\n", error_code & X86_PF_INSTR ? "instruction-fetch" : "data",
	       error_code & X86_PF_RSVD ? " reserved-bit" : "");
}

/* A fault the kernel cannot handle: report it and stop the machine (Linux's oops, then panic). */
static __noreturn void page_fault_oops(struct pt_regs *regs, unsigned long error_code,
				       unsigned long address)
{
	struct task_struct *tsk = current;

	printk("BUG: unable to handle page fault for address: %lx\n", address);
	show_error_code(error_code);
	printk("Oops: RIP: %lx RSP: %lx CS: %lx CPU: %d", regs->ip, regs->sp, regs->cs,
	       smp_processor_id());
	printk(" task: %s[%ld]\n", tsk->comm, tsk->pid);
	printk("Kernel panic - not syncing: Fatal exception in page fault\n");
	machine_exit(OOPS_EXIT);
}

/*
 * A bad user access: SIGSEGV, MAPERR where nothing is mapped, ACCERR for a
 * page present but refused (SDM 4.7: P=1). Linux's show_signal_msg line only
 * when no handler will see the signal; the fault's details are kept for the
 * signal frame's sigcontext (trapno, err, cr2).
 */
static void bad_area(struct pt_regs *regs, unsigned long error_code, unsigned long address)
{
	struct task_struct *tsk = current;
	int code = (error_code & X86_PF_PROT) && address < TASK_SIZE_MAX ? SEGV_ACCERR : SEGV_MAPERR;

	if (!sig_handler_installed(tsk, SIGSEGV)) {
		printk("%s[%ld]: segfault at %lx ip %lx sp %lx", tsk->comm, tsk->pid, address,
		       regs->ip, regs->sp);
		printk(" error %lx\n", error_code);
	}
	tsk->thread.trap_nr = X86_TRAP_PF;
	tsk->thread.error_code = error_code;
	tsk->thread.cr2 = address;
	force_sig_fault(SIGSEGV, code, address);
}

/* The pool is empty: say so, then kill as for a bad access (Linux would OOM-kill). */
static void out_of_memory(struct pt_regs *regs, unsigned long error_code,
				     unsigned long address)
{
	printk("%s[%ld]: out of memory: no free page for %lx\n", current->comm, current->pid,
	       address);
	bad_area(regs, error_code, address);
}

/* SDM 4.7: P=1 and W/R=1, not a fetch: a write refused on a present page (R/W clear). */
static int write_protect_fault(unsigned long error_code, unsigned long address)
{
	unsigned long wp = X86_PF_PROT | X86_PF_WRITE;

	return (error_code & (wp | X86_PF_INSTR)) == wp && address < TASK_SIZE_MAX;
}

static void do_user_addr_fault(struct pt_regs *regs, unsigned long error_code,
			       unsigned long address)
{
	long wp;

	/* SDM 4.7: RSVD=1: a paging entry is malformed; the kernel built it, so it is a bug. */
	if (error_code & X86_PF_RSVD)
		page_fault_oops(regs, error_code, address);
	if (write_protect_fault(error_code, address)) {
		wp = do_wp_page(current->mm, address);
		if (wp == 0)
			bad_area(regs, error_code, address);
		else if (wp < 0)
			out_of_memory(regs, error_code, address);
		return;
	}
	/* A user access to a kernel address: the U/S bit refused it (SDM 4.6.1). */
	if (address >= TASK_SIZE_MAX || !demand_zero_fault(error_code, address))
		bad_area(regs, error_code, address);
	else if (!do_anonymous_page(address))
		out_of_memory(regs, error_code, address);
}

/* A supervisor-mode fault: only a system call's copy of user memory may fault. */
static void do_kern_addr_fault(struct pt_regs *regs, unsigned long error_code,
			       unsigned long address)
{
	int in_copy = regs->ip == (unsigned long)copy_user_insn;

	if (!in_copy || address >= TASK_SIZE_MAX || (error_code & X86_PF_RSVD))
		page_fault_oops(regs, error_code, address);
	if (demand_zero_fault(error_code, address) && do_anonymous_page(address))
		return;
	/* The copy writes a copy-on-write page (CR0.WP makes R/W bind the kernel: SDM 4.6.1). */
	if (write_protect_fault(error_code, address) && do_wp_page(current->mm, address) > 0)
		return;
	/* Linux's fixup_exception: the copy stops and returns the bytes it did not copy. */
	regs->ip = (unsigned long)copy_user_fixup;
}

static void handle_page_fault(struct pt_regs *regs, unsigned long error_code,
			      unsigned long address)
{
	if (user_mode(regs))
		do_user_addr_fault(regs, error_code, address);
	else
		do_kern_addr_fault(regs, error_code, address);
}

/* A raw entry, as Linux's: CR2 is read before irqentry_enter() (which could fault in a real kernel). */
DEFINE_IDTENTRY_RAW_ERRORCODE(exc_page_fault)
{
	/* SDM 4.7: CR2 holds the linear address that faulted; read it before anything can fault. */
	unsigned long address = native_read_cr2();
	irqentry_state_t state = irqentry_enter(regs);

	handle_page_fault(regs, error_code, address);
	/* Back to user mode through the exit work (a pending reschedule runs here). */
	irqentry_exit(regs, state);
}
