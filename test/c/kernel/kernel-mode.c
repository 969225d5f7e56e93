// kernel-mode.c: privileged operations from kernel-style headers, run at CPL 0 on the flat64
// machine (VM only: gcc's build cannot run them in user mode). test/unit/cc/kernel-mode.test.ts
// checks the printed results and the machine's final state.
#include "test.h"
#include "kernel/special_insns.h"
#include "kernel/msr.h"
#include "kernel/irqflags.h"
#include "kernel/percpu.h"

DEFINE_PER_CPU(long, cpu_number);
DEFINE_PER_CPU(int, irq_count);
DEFINE_PER_CPU(u8, in_nmi);

/* CPU 1's copy of the per-CPU area (the template is cpu_number..in_nmi in .data..percpu). */
long cpu1_area[8];
/* A page-aligned copy of the boot PML4, so writing CR3 changes it without changing the map. */
u64 pml4_copy[512] __attribute__((aligned(4096)));
u64 *const boot_pml4 = (u64 *)0x1000;

noinstr int run_checks(void)
{
	unsigned long cr3 = native_read_cr3();
	ASSERT(0x1000, cr3);
	for (int i = 0; i < 512; i++)
		pml4_copy[i] = boot_pml4[i];
	native_write_cr3((unsigned long)pml4_copy);
	ASSERT(1, native_read_cr3() == (unsigned long)pml4_copy);
	ASSERT(0x20, native_read_cr4() & 0x20); /* CR4.PAE */

	/* GS base 0: %gs:var is the template copy itself. */
	wrmsrl(MSR_GS_BASE, 0);
	this_cpu_write(cpu_number, 0);
	this_cpu_write(irq_count, 5);
	ASSERT(5, irq_count);
	/* GS base = CPU 1's offset: the same accesses reach cpu1_area. */
	long offset = (long)cpu1_area - (long)&cpu_number;
	wrmsrl(MSR_GS_BASE, offset);
	this_cpu_write(cpu_number, 1);
	this_cpu_write(irq_count, 77);
	this_cpu_write(in_nmi, 3);
	ASSERT(1, this_cpu_read(cpu_number));
	ASSERT(77, this_cpu_read(irq_count));
	ASSERT(3, this_cpu_read(in_nmi));
	ASSERT(0, cpu_number);
	ASSERT(5, irq_count);
	ASSERT(1, cpu1_area[0]);

	/* swapgs exchanges GS base with IA32_KERNEL_GS_BASE (SDM vol. 2, SWAPGS). */
	wrmsrl(MSR_KERNEL_GS_BASE, 0x1234000);
	native_swapgs();
	u64 gs;
	rdmsrl(MSR_GS_BASE, gs);
	ASSERT(0x1234000, gs);
	ASSERT(1, native_read_msr(MSR_KERNEL_GS_BASE) == (u64)offset);
	native_swapgs();
	ASSERT(1, this_cpu_read(cpu_number));

	native_irq_enable();
	ASSERT(0, arch_irqs_disabled());
	native_irq_disable();
	ASSERT(1, arch_irqs_disabled());
	native_irq_enable(); /* left enabled: the test reads RFLAGS.IF from the final state */
	return 0;
}

int main(void)
{
	run_checks();
	return DONE();
}
