/*
 * asm-offsets.c - the structure offsets assembly needs, generated into
 * <asm/asm-offsets.h> by the kernel build (Kbuild's way: DEFINE/OFFSET
 * markers compiled by handler-C). The boot builder reads the same values,
 * so C, assembly and TypeScript share one layout.
 */
#include <linux/kbuild.h>
#include <linux/sched.h>
#include <asm/tss.h>
#include <asm/tlbflush.h>
#include <asm/cpufeature.h>

void common(void)
{
	COMMENT("struct pt_regs");
	DEFINE(PTREGS_SIZE, sizeof(struct pt_regs));
	OFFSET(pt_regs_bx, pt_regs, bx);
	OFFSET(pt_regs_cx, pt_regs, cx);
	OFFSET(pt_regs_dx, pt_regs, dx);
	OFFSET(pt_regs_sp, pt_regs, sp);
	OFFSET(pt_regs_bp, pt_regs, bp);
	OFFSET(pt_regs_si, pt_regs, si);
	OFFSET(pt_regs_di, pt_regs, di);
	OFFSET(pt_regs_r8, pt_regs, r8);
	OFFSET(pt_regs_r9, pt_regs, r9);
	OFFSET(pt_regs_r10, pt_regs, r10);
	OFFSET(pt_regs_r11, pt_regs, r11);
	OFFSET(pt_regs_r12, pt_regs, r12);
	OFFSET(pt_regs_r13, pt_regs, r13);
	OFFSET(pt_regs_r14, pt_regs, r14);
	OFFSET(pt_regs_r15, pt_regs, r15);
	OFFSET(pt_regs_ax, pt_regs, ax);
	OFFSET(pt_regs_orig_ax, pt_regs, orig_ax);
	OFFSET(pt_regs_ip, pt_regs, ip);
	OFFSET(pt_regs_cs, pt_regs, cs);
	OFFSET(pt_regs_flags, pt_regs, flags);
	OFFSET(pt_regs_ss, pt_regs, ss);
	BLANK();

	COMMENT("struct tss_struct (the hardware TSS first)");
	OFFSET(TSS_sp0, x86_hw_tss, sp0);
	OFFSET(TSS_sp1, x86_hw_tss, sp1);
	OFFSET(TSS_sp2, x86_hw_tss, sp2);
	OFFSET(TSS_ist, x86_hw_tss, ist);
	OFFSET(TSS_io_bitmap_base, x86_hw_tss, io_bitmap_base);
	DEFINE(TSS_size, sizeof(struct x86_hw_tss));
	BLANK();

	COMMENT("struct tlb_state (cpu_tlbstate)");
	OFFSET(TLB_STATE_loaded_mm, tlb_state, loaded_mm);
	OFFSET(TLB_STATE_loaded_mm_asid, tlb_state, loaded_mm_asid);
	OFFSET(TLB_STATE_user_pcid_flush_mask, tlb_state, user_pcid_flush_mask);
	OFFSET(TLB_STATE_cr4, tlb_state, cr4);
	OFFSET(TLB_STATE_ctxs, tlb_state, ctxs);
	DEFINE(TLB_CONTEXT_size, sizeof(struct tlb_context));
	BLANK();

	COMMENT("struct task_struct, struct mm_struct");
	OFFSET(TASK_state, task_struct, state);
	OFFSET(TASK_stack, task_struct, stack);
	DEFINE(TASK_threadsp, __builtin_offsetof(struct task_struct, thread) +
			      __builtin_offsetof(struct thread_struct, sp));
	/* The FS and user GS bases __switch_to keeps (save_fsgs); read by the tests. */
	DEFINE(TASK_thread_fsbase, __builtin_offsetof(struct task_struct, thread) +
				   __builtin_offsetof(struct thread_struct, fsbase));
	DEFINE(TASK_thread_gsbase, __builtin_offsetof(struct task_struct, thread) +
				   __builtin_offsetof(struct thread_struct, gsbase));
	OFFSET(TASK_pid, task_struct, pid);
	OFFSET(TASK_mm, task_struct, mm);
	OFFSET(TASK_cpu, task_struct, cpu);
	OFFSET(TASK_comm, task_struct, comm);
	OFFSET(TASK_flags, task_struct, flags);
	DEFINE(TASK_STRUCT_size, sizeof(struct task_struct));
	OFFSET(MM_pgd, mm_struct, pgd);
	OFFSET(MM_ctx_id, mm_struct, ctx_id);
	OFFSET(MM_map_count, mm_struct, map_count);
	OFFSET(MM_mmap, mm_struct, mmap);
	OFFSET(VM_RANGE_vm_start, vm_range, vm_start);
	OFFSET(VM_RANGE_vm_end, vm_range, vm_end);
	DEFINE(VM_RANGE_size, sizeof(struct vm_range));
	DEFINE(NR_VM_RANGES_value, NR_VM_RANGES);
	DEFINE(MM_STRUCT_size, sizeof(struct mm_struct));
	OFFSET(FRAME_ret_addr, inactive_task_frame, ret_addr);
	DEFINE(FRAME_size, sizeof(struct inactive_task_frame));
	DEFINE(THREAD_SIZE_value, THREAD_SIZE);
	DEFINE(TASK_COMM_LEN_value, TASK_COMM_LEN);
	BLANK();

	COMMENT("struct cpuinfo_x86");
	OFFSET(CPUINFO_x86_capability, cpuinfo_x86, x86_capability);
}
