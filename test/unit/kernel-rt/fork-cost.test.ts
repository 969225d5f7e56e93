// What fork and exit cost in the model kernel, and that their walks of the page tables cover what
// the mm maps (mm->mmap[], runtime/memory.c and pgtable.c) and nothing else: instructions per
// fork and per exit of the forker workload, measured from the trace, under bounds well below the
// whole-table scans' (about 47,500 and 45,000); and an address space spread over more ranges
// than an mm keeps (NR_VM_RANGES), forked and reaped again and again, every page seen by the
// child and none lost: the frames in use do not grow with the number of forks.
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import type { Host } from "../../../src/diag/index.js";
import { bootKernel, traceImage } from "../../../src/kernel-rt/index.js";
import type { BootedKernel, KernelBuild, KernelConfig } from "../../../src/kernel-rt/index.js";
import type { RunResult } from "../../../src/vm/index.js";
import { TraceRecorder } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { PTI_ON, boot, host, kernelVar, theKernel, userImage } from "./helpers.js";

/** isa-debug-exit: (v << 1) | 1. */
const CLEAN_EXIT = 1;
const NR_FORK = 57;
const NR_EXIT = 60;
/** CPL in CS's low bits (SDM 5.5): 3 is a return to user mode. */
const RPL_MASK = 3;
const USER_RPL = 3;
/**
 * Bounds, with margin, over what a run measured (docs/kernel.md "Fork"): fork about 16,200
 * instructions and exit about 17,700 once the walks follow the mm's ranges, against 47,500 and
 * 45,000 when they scanned every entry of every table.
 */
const FORK_BOUND = 25_000;
const EXIT_BOUND = 25_000;
/** The same for the spread program: about 56,000 and 67,000 measured, 110,000 and 107,500 before. */
const SPREAD_FORK_BOUND = 75_000;
const SPREAD_EXIT_BOUND = 85_000;

const TEST_DIR = "<fork-cost-test>";
const PROGRAMS: Record<string, string> = {
  // The parent writes a word into PAGES pages spread over the heap area and the stack area
  // (each its own range: with the program, stack and shared page, more than NR_VM_RANGES), then ITERATIONS times forks a child that
  // checks every word, writes its own over each (copy-on-write) and exits 0, or 1 on a wrong
  // word; the parent reaps it, checks the status and its own words, and prints "ok".
  "spread.S": `
#include <asm/unistd_64.h>
#include <asm/entrylab-layout.h>
#ifndef ITERATIONS
#define ITERATIONS 1
#endif
#define PAGES		14
#define STRIDE		0x400000	/* 4 MiB: each page in a PT table of its own */
#define MAGIC		0x5370726561640000
	.text
	.globl	_start
_start:
	xorl	%ecx, %ecx
1:	call	page_of
	movabsq	$MAGIC, %rax
	addq	%rcx, %rax
	movq	%rax, (%rdx)
	incq	%rcx
	cmpq	$PAGES + 2, %rcx
	jb	1b
	xorl	%r12d, %r12d
2:	movl	$__NR_fork, %eax
	syscall
	testq	%rax, %rax
	js	fail
	jz	child
	movq	%rax, %r14
	movl	$__NR_wait4, %eax
	movq	%r14, %rdi
	leaq	status(%rip), %rsi
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	syscall
	cmpq	%r14, %rax
	jne	fail
	cmpl	$0, status(%rip)
	jne	fail
	call	check
	testq	%rax, %rax
	jnz	fail
	incq	%r12
	cmpq	$ITERATIONS, %r12
	jb	2b
	leaq	ok(%rip), %rsi
	movl	$3, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit
fail:	movl	$2, %edi
	call	sys_exit
child:	call	check
	movq	%rax, %rdi
	xorl	%ecx, %ecx
3:	call	page_of
	movq	%rcx, (%rdx)
	incq	%rcx
	cmpq	$PAGES + 2, %rcx
	jb	3b
	call	sys_exit

/* %rdx = page %rcx: PAGES heap pages STRIDE apart, then two in the stack's growth area. */
page_of:
	cmpq	$PAGES, %rcx
	jae	1f
	movq	%rcx, %rdx
	imulq	$STRIDE, %rdx
	movabsq	$USER_HEAP_START, %rax
	addq	%rax, %rdx
	ret
1:	movq	%rcx, %rdx
	subq	$PAGES, %rdx
	imulq	$STRIDE, %rdx
	movabsq	$USER_STACK_LIMIT, %rax
	addq	%rax, %rdx
	ret

/* %rax = 0 when every page holds MAGIC + its index, else 1. */
check:	xorl	%ecx, %ecx
1:	call	page_of
	movabsq	$MAGIC, %rax
	addq	%rcx, %rax
	cmpq	%rax, (%rdx)
	jne	2f
	incq	%rcx
	cmpq	$PAGES + 2, %rcx
	jb	1b
	xorl	%eax, %eax
	ret
2:	movl	$1, %eax
	ret

	.data
status:	.long	-1
	.section .rodata, "a"
ok:	.ascii	"ok\\n"
`,
};

const testHost: Host = {
  readFile(path: string): string | undefined {
    const name = path.startsWith(`${TEST_DIR}/`) ? path.slice(TEST_DIR.length + 1) : undefined;
    const body = name !== undefined ? PROGRAMS[name] : undefined;
    return body ?? host.readFile(path);
  },
};

interface CostRun {
  result: RunResult;
  output: string;
  records: TraceRecord[];
  kernel: KernelBuild;
  boot: BootedKernel;
}

function runTraced(name: string, config: KernelConfig): CostRun {
  const k = theKernel();
  const diags = new DiagnosticBag();
  let output = "";
  const events = new TraceRecorder({ image: traceImage(k.image, []), level: "system" });
  const users = [{ name: name.replace(/\.S$/, ""), image: userImage(name, TEST_DIR, testHost) }];
  const b = bootKernel(k, users, config, {
    diags,
    machine: { cpus: 1, maxInsns: 20_000_000, events, output: (bytes) => (output += new TextDecoder().decode(bytes)) }, // prettier-ignore
  });
  if (!b) throw new Error(diags.items.map((d) => `${d.code} ${d.message}`).join("\n"));
  return { result: b.machine.run(), output, records: events.records, kernel: k, boot: b };
}

/**
 * Instructions from each `syscall` with %rax = nr to the next return to user mode on its CPU
 * (SYSRET, or an IRET to CPL 3: for exit, the next task's), as docs/kernel.md counts them.
 */
function syscallCosts(records: readonly TraceRecord[], nr: number): number[] {
  const open = new Map<number, number>();
  const costs: number[] = [];
  for (const r of records) {
    if (r.kind === "syscall" && Number(r.rax) === nr) open.set(r.cpu, r.icount);
    const toUser = r.kind === "sysret" || (r.kind === "iret" && (r.frame.cs & RPL_MASK) === USER_RPL); // prettier-ignore
    const start = open.get(r.cpu);
    if (toUser && start !== undefined) {
      costs.push(r.icount - start);
      open.delete(r.cpu);
    }
  }
  return costs;
}

describe("fork and exit walk what the mm maps", () => {
  for (const config of [PTI_ON, { pti: false, pcid: false }])
    it(`keeps each fork and exit of forker under its bound (PTI ${config.pti ? "on" : "off"})`, () => {
      const r = runTraced("forker", config);
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      const forks = syscallCosts(r.records, NR_FORK);
      const exits = syscallCosts(r.records, NR_EXIT);
      // Four children forked; three exit by exit() (the fourth kills itself), the parent's
      // exit ends the machine before any return.
      expect(forks).toHaveLength(4);
      expect(exits).toHaveLength(3);
      for (const n of forks) expect(n).toBeLessThan(FORK_BOUND);
      for (const n of exits) expect(n).toBeLessThan(EXIT_BOUND);
    });

  it("copies and frees an address space of more ranges than an mm keeps, losing no frame", () => {
    const pages: bigint[] = [];
    for (const iterations of [1, 3]) {
      PROGRAMS[`spread${iterations}.S`] = `#define ITERATIONS ${iterations}\n${PROGRAMS["spread.S"]!}`; // prettier-ignore
      const r = runTraced(`spread${iterations}.S`, PTI_ON);
      expect(r.output).toBe("ok\n");
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      // The mm kept at most NR_VM_RANGES ranges by joining neighbours; each fork and exit still
      // costs well under what the scans of whole tables did.
      const forks = syscallCosts(r.records, NR_FORK);
      expect(forks).toHaveLength(iterations);
      for (const n of forks) expect(n).toBeLessThan(SPREAD_FORK_BOUND);
      for (const n of syscallCosts(r.records, NR_EXIT)) expect(n).toBeLessThan(SPREAD_EXIT_BOUND);
      pages.push(kernelVar(r.kernel, r.boot, "nr_pages_in_use"));
    }
    // Each child's tables and copies went back to the pool: two more forks, no more frames.
    expect(pages[1]).toBe(pages[0]);
  });

  it("looks for the idlest CPU among the machine's CPUs only (nr_cpu_ids), not NR_CPUS slots", () => {
    // select_task_rq stops at nr_cpu_ids, which the boot builder writes: a one-CPU fork no
    // longer walks 32 per-CPU slots.
    for (const cpus of [1, 2]) {
      const b = boot(["getpid"], PTI_ON, { cpus });
      expect(kernelVar(theKernel(), b.boot, "nr_cpu_ids")).toBe(BigInt(cpus));
    }
  });
});
