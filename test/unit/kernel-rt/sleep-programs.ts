// The sleep tests' user programs and runner: small assembly programs served to the user build
// through a Host next to the repository's files (USER_SHARED_PAGE holds their futex words), a
// run with a system-level trace, and the timer ticks each sleep took, read from that trace.
import { DiagnosticBag } from "../../../src/diag/index.js";
import type { Host } from "../../../src/diag/index.js";
import { USER_SHARED_PAGE, bootKernel } from "../../../src/kernel-rt/index.js";
import type { KernelConfig } from "../../../src/kernel-rt/index.js";
import type { MachineOptions, RunResult } from "../../../src/vm/index.js";
import { TraceRecorder } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { host, theKernel, userImage } from "./helpers.js";

export const NR_NANOSLEEP = 35n;
export const NR_FUTEX = 202n;
export const LOCAL_TIMER_VECTOR = 0xec;
export const RESCHEDULE_VECTOR = 0xfd;

/** Instructions per tick in the timed tests: long enough for a system call, short to run. */
export const TICK = 5000;
/** Nanoseconds per tick (HZ = 1000). */
const TICK_NSEC = 1_000_000;
/** A kernel address (the direct map): outside user space, so access_ok fails. */
const KERNEL_ADDRESS = "0xffff888000000000";
/** An instruction limit for runs with idle CPUs and the default tick. */
export const IDLE_ROOM = 50_000_000;

/** The futex word of the test programs: the first word of the page every task shares. */
const SHARED = `0x${USER_SHARED_PAGE.toString(16)}`;

/** Test programs, by file name, built with the user library like programs/user's. */
/** A program's last line: `len` bytes at `msg`, the number in `reg`, a newline; then exit(0). */
function sayAndExit(msg: string, len: number, reg: string): string {
  return `	leaq	${msg}(%rip), %rsi
	movl	$${len}, %edx
	call	write_out
	movq	${reg}, %rax
	call	print_dec
	leaq	nl(%rip), %rsi
	movl	$1, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit`;
}

/** The end of a checking program: a newline, exit(0); and `show`, which prints %rax and a space. */
const END_LINE_AND_EXIT = `	leaq	nl(%rip), %rsi
	movl	$1, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit
show:	call	print_dec
	leaq	sp(%rip), %rsi
	movl	$1, %edx
	jmp	write_out`;

const TEST_PROGRAMS: Record<string, string> = {
  // nanosleep(req, NULL) for each timespec of the table (tv_sec, tv_nsec), then through a kernel
  // address and an unmapped user address: each result, negated, on one line.
  "sleepcheck.S": `
#include <asm/unistd_64.h>
	.macro	sleep req
	movl	$__NR_nanosleep, %eax
	movq	\\req, %rdi
	xorl	%esi, %esi
	syscall
	negq	%rax
	call	show
	.endm
	.text
	.globl	_start
_start:
	leaq	times(%rip), %rbx
1:	sleep	%rbx
	addq	$16, %rbx
	leaq	times_end(%rip), %rax
	cmpq	%rax, %rbx
	jne	1b
	movabsq	$${KERNEL_ADDRESS}, %rbx
	sleep	%rbx
	sleep	$0x1000
${END_LINE_AND_EXIT}
	.section .rodata, "a"
	.balign	8
times:	.quad	0, ${TICK_NSEC * 2.5}		/* 3 ticks (rounded up) */
	.quad	0, 0				/* at least one tick */
	.quad	0, ${TICK_NSEC}			/* exactly 1 */
	.quad	0, ${TICK_NSEC + 1}		/* 2 */
	.quad	0, 1000000000			/* a whole second in tv_nsec: EINVAL */
	.quad	0, -1				/* EINVAL */
	.quad	-1, 0				/* EINVAL */
times_end:
sp:	.ascii	" "
nl:	.ascii	"\\n"
`,
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
${END_LINE_AND_EXIT}
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
  // FUTEX_WAIT with timeouts: a word that differs, a zero timeout, 2 ms, a bad pointer, a bad
  // time, a bad pointer with a misaligned word; each result negated on one line. Then pid 2's part: see futexwoken.
  "futextimeout.S": `
#include <asm/unistd_64.h>
	.macro	wait val, timeout
	movl	$__NR_futex, %eax
	movq	$${SHARED}, %rdi
	xorl	%esi, %esi
	movl	$\\val, %edx
	movq	\\timeout, %r10
	syscall
	negq	%rax
	call	show
	.endm
	.text
	.globl	_start
_start:
	leaq	t2ms(%rip), %rbx
	wait	5, %rbx
	leaq	t0(%rip), %rbx
	wait	0, %rbx
	leaq	t2ms(%rip), %rbx
	wait	0, %rbx
	movabsq	$${KERNEL_ADDRESS}, %rbx
	wait	0, %rbx
	leaq	tbad(%rip), %rbx
	wait	0, %rbx
	movabsq	$${KERNEL_ADDRESS}, %rbx	/* the timeout is read before the word is looked at */
	movl	$__NR_futex, %eax
	movq	$${SHARED} + 2, %rdi
	xorl	%esi, %esi
	xorl	%edx, %edx
	movq	%rbx, %r10
	syscall
	negq	%rax
	call	show
${END_LINE_AND_EXIT}
	.section .rodata, "a"
	.balign	8
t0:	.quad	0, 0
t2ms:	.quad	0, ${2 * TICK_NSEC}
tbad:	.quad	0, -1
sp:	.ascii	" "
nl:	.ascii	"\\n"
`,
  // Pid 1 waits with a one-second timeout; pid 2 wakes it long before: "wake 1", "woke 0".
  "futexwoken.S": `
#include <asm/unistd_64.h>
	.text
	.globl	_start
_start:
	movl	$__NR_getpid, %eax
	syscall
	cmpq	$1, %rax
	movl	$__NR_futex, %eax		/* MOVs leave the flags alone */
	movq	$${SHARED}, %rdi
	jne	waker
	xorl	%esi, %esi
	xorl	%edx, %edx
	leaq	t1s(%rip), %r10
	syscall
	leaq	woke(%rip), %rsi
	jmp	say
waker:	movl	$1, %esi
	movl	$1, %edx
	syscall
	leaq	wake(%rip), %rsi
	/* The line in one write (the result is one digit): a tick between two writes would mix the lines. */
say:	leaq	line(%rip), %rdi
	movl	$5, %ecx
	rep movsb
	addb	$0x30, %al
	movb	%al, (%rdi)
	movb	$0x0a, 1(%rdi)
	leaq	line(%rip), %rsi
	movl	$7, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit
	.section .rodata, "a"
	.balign	8
t1s:	.quad	1, 0
woke:	.ascii	"woke "
wake:	.ascii	"wake "
	.bss
line:	.skip	8
`,
  // FUTEX_WAKE 1 on the shared word until it wakes someone, then "wake 1".
  "wakeuntil.S": `
#include <asm/unistd_64.h>
	.text
	.globl	_start
_start:
1:	movl	$__NR_futex, %eax
	movq	$${SHARED}, %rdi
	movl	$1, %esi
	movl	$1, %edx
	syscall
	testq	%rax, %rax
	jz	1b
	movq	%rax, %r12
${sayAndExit("wake", 5, "%r12")}
	.section .rodata, "a"
wake:	.ascii	"wake "
nl:	.ascii	"\\n"
`,
  // Pids 1 and 2 wait on two words that share a hash queue (64 bytes apart); pid 3 wakes the
  // second word's waiters, yields, then the first's: each wake-up reaches its own word only.
  "futexkeys.S": `
#include <asm/unistd_64.h>
	.macro	futex addr, op, val
	movl	$__NR_futex, %eax
	movq	\\addr, %rdi
	movl	$\\op, %esi
	movl	$\\val, %edx
	xorl	%r10d, %r10d
	syscall
	.endm
	.macro	say msg, n
	movq	\\n, %r12
	leaq	\\msg(%rip), %rsi
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
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13
	cmpq	$3, %r13
	je	waker
	leaq	-1(%r13), %rbx
	shlq	$6, %rbx
	addq	$${SHARED}, %rbx		/* pid 1: the word, pid 2: 64 bytes on */
	futex	%rbx, 0, 0
	say	woke, %r13
	xorl	%edi, %edi
	call	sys_exit
waker:
	movq	$${SHARED} + 64, %rbx
	futex	%rbx, 1, 5
	say	wake, %rax
	movl	$__NR_sched_yield, %eax
	syscall
	movq	$${SHARED}, %rbx
	futex	%rbx, 1, 5
	say	wake, %rax
	xorl	%edi, %edi
	call	sys_exit
	.section .rodata, "a"
woke:	.ascii	"woke "
wake:	.ascii	"wake "
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
/** Rounds of the tight ping-pong: no output inside the loop, so wake and wait meet closely. */
export const TIGHT_ROUNDS = 200;
// The turn protocol of pingpong.S without the printing: each task hands the turn over and at
// once waits for it again, so one CPU's FUTEX_WAKE keeps landing near the other's FUTEX_WAIT.
TEST_PROGRAMS["pingpong-tight.S"] = `
#include <asm/unistd_64.h>
	.text
	.globl	_start
_start:
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %r13
	leal	-1(%rax), %r14d
	andl	$1, %r14d
	movl	$13, %r15d
	testl	%r14d, %r14d
	jz	0f
	movl	$7, %r15d
0:	xorl	%r12d, %r12d
1:	movl	${SHARED}, %edx
	cmpl	%r14d, %edx
	je	2f
	movl	$__NR_futex, %eax
	movq	$${SHARED}, %rdi
	xorl	%esi, %esi
	xorl	%r10d, %r10d
	syscall
	jmp	1b
2:	movl	%r14d, %eax
	xorl	$1, %eax
	movl	%eax, ${SHARED}
	movl	$__NR_futex, %eax
	movq	$${SHARED}, %rdi
	movl	$1, %esi
	movl	$1, %edx
	syscall
	/* Spin (round * step) mod 997 times, step 13 or 7 by pid: the tasks' timings drift apart
	   round by round, so each one's wait meets the other's wake at many offsets. */
	movl	%r12d, %eax
	imull	%r15d, %eax
	xorl	%edx, %edx
	movl	$997, %ecx
	divl	%ecx
	incl	%edx
3:	decl	%edx
	jnz	3b
	incl	%r12d
	cmpl	$${TIGHT_ROUNDS}, %r12d
	jne	1b
${sayAndExit("msg", 5, "%r13")}
	.section .rodata, "a"
msg:	.ascii	"done "
nl:	.ascii	"\\n"
`;

const testHost: Host = {
  readFile: (path) =>
    path.startsWith(`${TEST_DIR}/`) ? TEST_PROGRAMS[path.slice(TEST_DIR.length + 1)] : host.readFile(path), // prettier-ignore
};

/** A user program: a name in programs/user, or one of TEST_PROGRAMS (its file name). */
function image(name: string) {
  return userImage(name, TEST_DIR, testHost);
}

export function runUsers(
  names: string[],
  config: KernelConfig,
  machine: MachineOptions = {},
): { result: RunResult; output: string; records: TraceRecord[] } {
  const diags = new DiagnosticBag();
  let output = "";
  const events = new TraceRecorder({ level: "system" });
  const users = names.map((name) => ({ name: name.replace(/\.S$/, ""), image: image(name) }));
  const b = bootKernel(theKernel(), users, config, {
    diags,
    machine: { maxInsns: 2_000_000, events, ...machine, output: (bytes) => (output += new TextDecoder().decode(bytes)) }, // prettier-ignore
  });
  if (!b) throw new Error(diags.items.map((d) => `${d.code} ${d.message}`).join("\n"));
  return { result: b.machine.run(), output, records: events.records };
}

/** The length of SYSCALL (0f 05): SYSRET returns to the syscall's address plus this. */
const SYSCALL_LENGTH = 2n;

/**
 * For each nanosleep (or system call nr) of a CPU (0): its timer ticks until the SYSRET back
 * behind it (other tasks' system calls in between are theirs), and when the last of them came.
 */
export function nanosleeps(
  records: TraceRecord[],
  nr = NR_NANOSLEEP,
  cpu = 0,
): { ticks: number; lastTick: number }[] {
  const out: { ticks: number; lastTick: number }[] = [];
  let cur: { ticks: number; start: number; lastTick: number; back: bigint } | undefined;
  for (const r of records) {
    if (r.cpu !== cpu) continue;
    if (r.kind === "syscall" && r.rax === nr)
      cur = { ticks: 0, start: r.icount, lastTick: 0, back: r.rip + SYSCALL_LENGTH };
    else if (cur && r.kind === "interrupt" && r.vector === LOCAL_TIMER_VECTOR) {
      cur.ticks++;
      cur.lastTick = r.icount - cur.start;
    } else if (cur && r.kind === "sysret" && r.target === cur.back) {
      out.push({ ticks: cur.ticks, lastTick: cur.lastTick });
      cur = undefined;
    }
  }
  return out;
}
