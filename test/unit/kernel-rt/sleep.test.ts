// Sleeping in the model kernel: wait queues and futexes (FUTEX_WAIT/FUTEX_WAKE keyed by the
// word's physical address, so tasks meet on the shared page), the idle loop that waits for an
// interrupt, and what a run whose last task sleeps forever ends as. Small user programs written
// here are served to the build through a Host next to the repository's files.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../../src/diag/index.js";
import type { Host } from "../../../src/diag/index.js";
import { readFileSync } from "node:fs";
import {
  USER_SHARED_PAGE,
  bootKernel,
  buildUserProgram,
  parseScenario,
} from "../../../src/kernel-rt/index.js";
import type { KernelConfig } from "../../../src/kernel-rt/index.js";
import type { MachineOptions, RunResult } from "../../../src/vm/index.js";
import { TraceRecorder } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { host, program, run, theKernel } from "./helpers.js";

/** isa-debug-exit: every task exited with 0. */
const CLEAN_EXIT = 1;
const ERRNO = { EAGAIN: 11, EFAULT: 14, EINVAL: 22, ENOSYS: 38, ETIMEDOUT: 110 };
const NR_NANOSLEEP = 35n;
/** The idle loop's report when every task sleeps with nothing left to wake one. */
const HUNG_REPORT = "entrylab kernel: every task sleeps and nothing is left to wake one:\n";
const NR_FUTEX = 202n;
const LOCAL_TIMER_VECTOR = 0xec;
const RESCHEDULE_VECTOR = 0xfd;
/** Instructions per tick in the timed tests: long enough for a system call, short to run. */
const TICK = 5000;
/** Nanoseconds per tick (HZ = 1000). */
const TICK_NSEC = 1_000_000;
/** A kernel address (the direct map): outside user space, so access_ok fails. */
const KERNEL_ADDRESS = "0xffff888000000000";
/** An instruction limit for runs with idle CPUs and the default tick. */
const IDLE_ROOM = 50_000_000;

/** The futex word of the test programs: the first word of the page every task shares. */
const SHARED = `0x${USER_SHARED_PAGE.toString(16)}`;

/** Test programs, by file name, built with the user library like programs/user's. */
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
  // FUTEX_WAIT with timeouts: a word that differs, a zero timeout, 2 ms, a bad pointer, a bad
  // time; each result negated on one line. Then pid 2's part: see futexwoken.
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
say:	movq	%rax, %r12
	movl	$5, %edx
	call	write_out
	movq	%r12, %rax
	call	print_dec
	leaq	nl(%rip), %rsi
	movl	$1, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit
	.section .rodata, "a"
	.balign	8
t1s:	.quad	1, 0
woke:	.ascii	"woke "
wake:	.ascii	"wake "
nl:	.ascii	"\\n"
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
	leaq	wake(%rip), %rsi
	movl	$5, %edx
	call	write_out
	movq	%r12, %rax
	call	print_dec
	leaq	nl(%rip), %rsi
	movl	$1, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit
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
const TIGHT_ROUNDS = 200;
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
	leaq	msg(%rip), %rsi
	movl	$5, %edx
	call	write_out
	movq	%r13, %rax
	call	print_dec
	leaq	nl(%rip), %rsi
	movl	$1, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit
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
 * For each nanosleep (or system call nr) of a CPU (0): its timer ticks until the SYSRET back behind it (other tasks'
 * system calls in between are theirs), and when the last of them came.
 */
function nanosleeps(
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

describe("futex timeouts", () => {
  it("times out after the ticks asked for, at once for zero, and checks the word and the time", () => {
    const r = runUsers(["futextimeout.S"], { pti: true, pcid: true, tick: TICK });
    const { EAGAIN, EFAULT, EINVAL, ETIMEDOUT } = ERRNO;
    expect(r.output).toBe(`${EAGAIN} ${ETIMEDOUT} ${ETIMEDOUT} ${EFAULT} ${EINVAL} \n`);
    const waits = nanosleeps(r.records, NR_FUTEX);
    expect(waits.map((x) => x.ticks)).toEqual([0, 0, 2, 0, 0]);
    expect(waits[2]!.lastTick).toBeGreaterThan(TICK);
    expect(waits[2]!.lastTick).toBeLessThanOrEqual(2 * TICK);
  });

  it("returns 0 when woken before the timeout runs out", () => {
    const r = runUsers(["futexwoken.S", "futexwoken.S"], { pti: true, pcid: true, tick: TICK });
    // The waker's line may come second: the tick can preempt it after its FUTEX_WAKE.
    expect(r.output.split("\n").sort()).toEqual(["", "wake 1", "woke 0"]);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    // Woken within a tick or two of the wake, not at the second's end.
    expect(r.result.insns).toBeLessThan(20 * TICK);
  });
});

describe("futex keys", () => {
  it("wakes only the waiters of the word named, also when two words share a queue", () => {
    const r = runUsers(["futexkeys.S", "futexkeys.S", "futexkeys.S"], { pti: true, pcid: true });
    expect(r.output).toBe("wake 1\nwoke 2\nwake 1\nwoke 1\n");
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });
});

describe("pingpong: two tasks hand a turn back and forth through a futex", () => {
  for (const config of CONFIGS)
    for (const cpus of [1, 2])
      it(`interleaves ping and pong on ${cpus} CPU(s) (${label(config)})`, () => {
        // A halted CPU's clock jumps to its next tick while the other runs a quantum: room for it.
        const r = run(["pingpong", "pingpong"], config, { cpus, maxInsns: IDLE_ROOM });
        expect(r.output).toBe(pingpongLines(3));
        expect(r.result.reason).toBe("exit");
        expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      });

  it("wakes the other CPU by the reschedule IPI alone, without a timer", () => {
    const r = runUsers(["pingpong", "pingpong"], { pti: true, pcid: true, tick: 0 }, { cpus: 2 });
    expect(r.output).toBe(pingpongLines(3));
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    const ipis = r.records.filter((x) => x.kind === "interrupt" && x.vector === RESCHEDULE_VECTOR);
    expect(ipis.length).toBeGreaterThan(0);
    expect(r.records.some((x) => x.kind === "interrupt" && x.vector === LOCAL_TIMER_VECTOR)).toBe(false); // prettier-ignore
  });
});

describe("no lost wake-ups between two CPUs", () => {
  // The VM runs each CPU for a quantum of instructions in turn, and the tasks' spins drift
  // round by round: one CPU's FUTEX_WAKE lands all over the other's FUTEX_WAIT. (Setting the
  // state after the waiter's last look instead of before, with a 40-PAUSE window, deadlocks
  // every one of these runs.)
  for (const quantum of [7, 61])
    for (const tick of [0, 3000])
      it(`ping-pongs ${TIGHT_ROUNDS} rounds with a quantum of ${quantum}${tick ? ", with a tick" : ""}`, () => {
        const r = runUsers(["pingpong-tight.S", "pingpong-tight.S"], { pti: true, pcid: true, tick }, { cpus: 2, quantum, maxInsns: IDLE_ROOM }); // prettier-ignore
        // Each write() is whole, but the CPUs' writes interleave: compare the characters.
        expect([...r.output].sort().join("")).toBe([..."done 1\ndone 2\n"].sort().join(""));
        expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      });
});

describe("the reschedule IPI", () => {
  it("preempts a task spinning on the other CPU for the task it woke, without a timer", () => {
    // CPU 0: pid 1 wakes the word's waiter as soon as there is one, pid 3 getpid. CPU 1: pid 2
    // waits on the word, pid 4 spins in user mode (a write per round, no yield).
    const users = ["wakeuntil.S", "futexwaiter.S", "getpid", "spinner"];
    const r = runUsers(users, { pti: true, pcid: true, tick: 0 }, { cpus: 2, maxInsns: IDLE_ROOM }); // prettier-ignore
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    // The woken task ran while the spinner still had rounds to go: the IPI's return to user
    // mode rescheduled CPU 1. (Each write is whole; the two CPUs' writes interleave.)
    const woke = r.output.indexOf("woke ");
    expect(woke).toBeGreaterThanOrEqual(0);
    expect(r.output.indexOf("spinner: pid 4 round 3")).toBeGreaterThan(woke);
    const ipis = r.records.filter((x) => x.kind === "interrupt" && x.cpu === 1 && x.vector === RESCHEDULE_VECTOR); // prettier-ignore
    expect(ipis.length).toBeGreaterThan(0);
  });
});

describe("nanosleep", () => {
  for (const config of CONFIGS)
    it(`sleeps whole ticks, rounded up, at least one (${label(config)})`, () => {
      const r = runUsers(["sleepcheck.S"], { ...config, tick: TICK });
      const { EINVAL, EFAULT } = ERRNO;
      expect(r.output).toBe(`0 0 0 0 ${EINVAL} ${EINVAL} ${EINVAL} ${EFAULT} ${EFAULT} \n`);
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      const sleeps = nanosleeps(r.records);
      // The valid requests sleep; the bad ones return at once, without a tick.
      expect(sleeps.map((x) => x.ticks)).toEqual([3, 1, 1, 2, 0, 0, 0, 0, 0]);
      // Woken by the n-th tick after the call: more than n - 1 tick periods later, at most n.
      for (const { ticks, lastTick } of sleeps.slice(0, 4)) {
        expect(lastTick).toBeGreaterThan((ticks - 1) * TICK);
        expect(lastTick).toBeLessThanOrEqual(ticks * TICK);
      }
    });

  it("runs the sleeper workload: three rounds of three ticks", () => {
    const r = runUsers(["sleeper"], { pti: true, pcid: true, tick: TICK });
    expect(r.output).toBe([0, 1, 2].map((n) => `sleeper: pid 1 round ${n}\n`).join(""));
    expect(nanosleeps(r.records).map((x) => x.ticks)).toEqual([3, 3, 3]);
  });

  it("sleeps on CPU 1 by CPU 0's jiffies, CPU 1's own tick waking it", () => {
    const r = runUsers(["getpid", "sleeper"], { pti: true, pcid: true, tick: TICK }, { cpus: 2, maxInsns: IDLE_ROOM }); // prettier-ignore
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    const sleeps = nanosleeps(r.records, NR_NANOSLEEP, 1);
    expect(sleeps).toHaveLength(3);
    // CPU 1's tick may come just before CPU 0's advances jiffies: then the next one wakes it.
    for (const { ticks, lastTick } of sleeps) {
      expect([3, 4]).toContain(ticks);
      expect(lastTick).toBeGreaterThan(2 * TICK);
      expect(lastTick).toBeLessThanOrEqual(4 * TICK);
    }
  });

  it("lets other tasks run while one sleeps, on one CPU and on two", () => {
    for (const cpus of [1, 2]) {
      const r = runUsers(["sleeper", "getpid"], { pti: true, pcid: true, tick: TICK }, { cpus });
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      // getpid's line comes first: it runs while the sleeper sleeps its first three ticks.
      expect(r.output.split("\n")[0]).toBe("getpid: pid 2 after 10 calls");
    }
  });
});

describe("a task that waits forever", () => {
  it("is not reported while a timer or a running task can still wake it", () => {
    const a = runUsers(["futexwoken.S", "futexwoken.S"], { pti: true, pcid: true, tick: TICK });
    expect(a.output).not.toContain(HUNG_REPORT);
    const b = runUsers(["sleeper"], { pti: true, pcid: true, tick: TICK }, { cpus: 2 });
    expect(b.output).not.toContain(HUNG_REPORT);
    expect(b.result.exitStatus).toBe(CLEAN_EXIT);
  });

  it("ends the run as a deadlock (every CPU waiting in default_idle) without a timer", () => {
    const r = runUsers(["futexwaiter.S"], { pti: true, pcid: true, tick: 0 });
    expect(r.output).toBe(`${HUNG_REPORT}  pid 1 (futexwaiter) state 1 on CPU 0\n`);
    expect(r.result.reason).toBe("deadlock");
    const idle = theKernel().image.symbols.find((s) => s.name === "default_idle")!;
    const rip = BigInt(r.result.cpu.rip);
    expect(rip >= idle.value && rip < idle.value + idle.size).toBe(true);
  });

  it("ends at the instruction limit with the timer ticking, idle in between", () => {
    const r = runUsers(["futexwaiter.S", "futexwaiter.S"], { pti: true, pcid: true, tick: TICK }, { cpus: 2, maxInsns: 200 * TICK }); // prettier-ignore
    expect(r.result.reason).toBe("limit");
    // Reported once, when both CPUs had gone idle.
    const tasks = [0, 1].map((cpu) => `  pid ${cpu + 1} (futexwaiter) state 1 on CPU ${cpu}\n`);
    expect(r.output).toBe(HUNG_REPORT + tasks.join(""));
    // Both CPUs took their ticks while they waited.
    for (const cpu of [0, 1])
      expect(r.records.filter((x) => x.cpu === cpu && x.kind === "interrupt" && x.vector === LOCAL_TIMER_VECTOR).length).toBeGreaterThanOrEqual(150); // prettier-ignore
  });
});

describe("the sleep and pingpong scenarios", () => {
  /** A scenario's run: its users, config, CPUs and instruction limit. */
  function runScenario(name: string) {
    const path = `programs/scenarios/${name}.json`;
    const diags = new DiagnosticBag();
    const sc = parseScenario(path, readFileSync(path, "utf8"), { sources: new SourceManager(), diags }); // prettier-ignore
    expect(diags.items).toEqual([]);
    const machine: MachineOptions = { cpus: Number(sc!.machine.cpus ?? 1) };
    if (sc!.machine.maxInsns !== undefined) machine.maxInsns = Number(sc!.machine.maxInsns);
    return { sc: sc!, r: runUsers(sc!.users, sc!.config, machine) };
  }

  it("sleep: getpid runs while the sleeper sleeps, one CPU, with a tick", () => {
    const { sc, r } = runScenario("sleep");
    expect([sc.machine.cpus, sc.config.tick !== undefined]).toEqual(["1", true]);
    const rounds = [0, 1, 2].map((n) => `sleeper: pid 1 round ${n}\n`).join("");
    expect(r.output).toBe(`getpid: pid 2 after 10 calls\n${rounds}`);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    expect(nanosleeps(r.records).map((x) => x.ticks)).toEqual([3, 3, 3]);
  });

  it("pingpong: two CPUs take turns", () => {
    const { sc, r } = runScenario("pingpong");
    expect(sc.machine.cpus).toBe("2");
    expect(r.output).toBe(pingpongLines(3));
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });
});
