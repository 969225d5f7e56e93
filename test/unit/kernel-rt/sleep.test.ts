// Sleeping in the model kernel: wait queues and futexes (FUTEX_WAIT/FUTEX_WAKE keyed by the
// word's physical address, so tasks meet on the shared page), the idle loop that waits for an
// interrupt, and what a run whose last task sleeps forever ends as. Small user programs written
// here are served to the build through a Host next to the repository's files.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../../src/diag/index.js";
import type { Host } from "../../../src/diag/index.js";
import { USER_SHARED_PAGE, bootKernel, buildUserProgram } from "../../../src/kernel-rt/index.js";
import type { KernelConfig } from "../../../src/kernel-rt/index.js";
import type { MachineOptions, RunResult } from "../../../src/vm/index.js";
import { host, program, run, theKernel } from "./helpers.js";

/** isa-debug-exit: every task exited with 0. */
const CLEAN_EXIT = 1;
const ERRNO = { EAGAIN: 11, EFAULT: 14, EINVAL: 22, ENOSYS: 38 };

/** The futex word of the test programs: the first word of the page every task shares. */
const SHARED = `0x${USER_SHARED_PAGE.toString(16)}`;

/** Test programs, by file name, built with the user library like programs/user's. */
const TEST_PROGRAMS: Record<string, string> = {
  // Each futex call's result, negated, on one line: the error numbers (or counts) in order.
  "futexcheck.S": `
#include <asm/unistd_64.h>
	.macro	futex addr, op, val
	movl	$__NR_futex, %eax
	movq	$\\addr, %rdi
	movl	$\\op, %esi
	movl	$\\val, %edx
	xorl	%r10d, %r10d
	syscall
	negq	%rax
	call	show
	.endm
	.text
	.globl	_start
_start:
	futex	${SHARED}, 0, 5		/* the word is 0: EAGAIN */
	futex	${SHARED}, 128, 5	/* FUTEX_WAIT | FUTEX_PRIVATE_FLAG: EAGAIN */
	futex	${SHARED}, 9, 0		/* FUTEX_WAKE_OP is not here: ENOSYS */
	futex	${SHARED}, 1, 3		/* nobody waits: woke 0 */
	futex	${SHARED} + 2, 0, 0	/* misaligned: EINVAL */
	futex	0x1000, 1, 1			/* unmapped: EFAULT */
	futex	${SHARED}, 0x101, 1	/* FUTEX_CLOCK_REALTIME with FUTEX_WAKE: ENOSYS */
	leaq	nl(%rip), %rsi
	movl	$1, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit
show:	call	print_dec
	leaq	sp(%rip), %rsi
	movl	$1, %edx
	jmp	write_out
	.section .rodata, "a"
sp:	.ascii	" "
nl:	.ascii	"\\n"
`,
  // FUTEX_WAIT on the shared word (0), then "woke P R" with the result, and exit.
  "futexwaiter.S": `
#include <asm/unistd_64.h>
	.text
	.globl	_start
_start:
	movl	$__NR_futex, %eax
	movq	$${SHARED}, %rdi
	xorl	%esi, %esi
	xorl	%edx, %edx
	xorl	%r10d, %r10d
	syscall
	movq	%rax, %r12
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13
	leaq	woke(%rip), %rsi
	movl	$5, %edx
	call	write_out
	movq	%r13, %rax
	call	print_dec
	leaq	nl(%rip), %rsi
	movl	$1, %edx
	call	write_out
	movq	%r12, %rdi
	call	sys_exit
	.section .rodata, "a"
woke:	.ascii	"woke "
nl:	.ascii	"\\n"
`,
  // FUTEX_WAKE 2, yield (the woken run), then 5, then 1 on the shared word: prints the counts.
  "futexwaker.S": `
#include <asm/unistd_64.h>
	.macro	wake n
	movl	$__NR_futex, %eax
	movq	$${SHARED}, %rdi
	movl	$1, %esi
	movl	$\\n, %edx
	xorl	%r10d, %r10d
	syscall
	leaq	msg(%rip), %rsi
	movq	%rax, %r12
	movl	$5, %edx
	call	write_out
	movq	%r12, %rax
	call	print_dec
	leaq	nl(%rip), %rsi
	movl	$1, %edx
	call	write_out
	.endm
	.text
	.globl	_start
_start:
	wake	2
	movl	$__NR_sched_yield, %eax
	syscall
	wake	5
	wake	1
	xorl	%edi, %edi
	call	sys_exit
	.section .rodata, "a"
msg:	.ascii	"wake "
nl:	.ascii	"\\n"
`,
};

const TEST_DIR = "<sleep-test>";
const testHost: Host = {
  readFile: (path) =>
    path.startsWith(`${TEST_DIR}/`) ? TEST_PROGRAMS[path.slice(TEST_DIR.length + 1)] : host.readFile(path), // prettier-ignore
};

/** A user program: a name in programs/user, or one of TEST_PROGRAMS (its file name). */
function image(name: string) {
  if (!name.endsWith(".S")) return program(name);
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const img = buildUserProgram(`${TEST_DIR}/${name}`, { host: testHost, sources, diags });
  if (diags.hasErrors || !img) throw new Error(renderDiagnostics(diags.items, sources));
  return img;
}

function runUsers(
  names: string[],
  config: KernelConfig,
  machine: MachineOptions = {},
): { result: RunResult; output: string } {
  const diags = new DiagnosticBag();
  let output = "";
  const users = names.map((name) => ({ name: name.replace(/\.S$/, ""), image: image(name) }));
  const b = bootKernel(theKernel(), users, config, {
    diags,
    machine: { maxInsns: 2_000_000, ...machine, output: (bytes) => (output += new TextDecoder().decode(bytes)) }, // prettier-ignore
  });
  if (!b) throw new Error(diags.items.map((d) => `${d.code} ${d.message}`).join("\n"));
  return { result: b.machine.run(), output };
}

const CONFIGS: KernelConfig[] = [
  { pti: true, pcid: true },
  { pti: true, pcid: false },
  { pti: false, pcid: true },
  { pti: false, pcid: false },
];
const label = (c: KernelConfig) => `pti ${c.pti ? "on" : "off"}, pcid ${c.pcid ? "on" : "off"}`;

const pingpongLines = (rounds: number) =>
  Array.from({ length: rounds }, (_, r) => `pingpong: pid 1 round ${r}\npingpong: pid 2 round ${r}\n`).join(""); // prettier-ignore

describe("futex", () => {
  it("returns EAGAIN, ENOSYS, EINVAL, EFAULT and zero wake-ups as Linux does", () => {
    const r = runUsers(["futexcheck.S"], { pti: true, pcid: true });
    const { EAGAIN, EFAULT, EINVAL, ENOSYS } = ERRNO;
    expect(r.output).toBe(`${EAGAIN} ${EAGAIN} ${ENOSYS} 0 ${EINVAL} ${EFAULT} ${ENOSYS} \n`);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });

  it("FUTEX_WAKE wakes up to val waiters, first come first woken, and counts them", () => {
    const names = ["futexwaiter.S", "futexwaiter.S", "futexwaiter.S", "futexwaker.S"];
    const r = runUsers(names, { pti: true, pcid: true });
    // The three waiters sleep first (pids 1-3, one CPU); the first two woken run at the yield.
    expect(r.output).toBe("wake 2\nwoke 1\nwoke 2\nwake 1\nwake 0\nwoke 3\n");
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });
});

describe("pingpong: two tasks hand a turn back and forth through a futex", () => {
  for (const config of CONFIGS)
    it(`interleaves ping and pong on one CPU (${label(config)})`, () => {
      const r = run(["pingpong", "pingpong"], config);
      expect(r.output).toBe(pingpongLines(3));
      expect(r.result.reason).toBe("exit");
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    });
});

describe("a task that waits forever", () => {
  it("ends the run as a deadlock (every CPU waiting in default_idle), not a hang", () => {
    const r = runUsers(["futexwaiter.S"], { pti: true, pcid: true });
    expect(r.output).toBe("");
    expect(r.result.reason).toBe("deadlock");
    const idle = theKernel().image.symbols.find((s) => s.name === "default_idle")!;
    const rip = BigInt(r.result.cpu.rip);
    expect(rip >= idle.value && rip < idle.value + idle.size).toBe(true);
  });
});
