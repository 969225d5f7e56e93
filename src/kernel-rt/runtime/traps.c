/*
 * traps.c - the step-1 exception report: an exception the model kernel does
 * not handle yet prints its vector, error code, RIP, CS and CR2 and ends the
 * run with status EARLY_TRAP_EXIT_BASE + vector (so (v << 1) | 1 on the
 * isa-debug-exit port: distinct from every clean exit). The idtentry
 * handlers replace it in step 2.
 */
#include <linux/kernel.h>

#define EARLY_TRAP_EXIT_BASE	0x40

__noreturn void early_trap_report(unsigned long vector, unsigned long error,
				  unsigned long ip, unsigned long cs, unsigned long cr2)
{
	printk("entrylab kernel: unhandled exception %lu error %lx at rip %lx cs %lx cr2 %lx\n",
	       vector, error, ip, cs, cr2);
	machine_exit(EARLY_TRAP_EXIT_BASE + vector);
}
