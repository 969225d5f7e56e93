// fork, wait4, getppid and copy-on-write in the model kernel (runtime/fork.c, exit.c, memory.c):
// the forker workload on every design (PTI off and on, patches 1-2 and 1-3) on one and two CPUs,
// with the TLB audit on and the invariant checks clean; the copy-on-write faults' error code
// (P|W|U) in the trace; the parent sleeping in wait4; wait4's errors, WNOHANG and statuses;
// orphans released; and a fork loop that would run out of frames without freeing them.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import type { Host } from "../../../src/diag/index.js";
import { bootKernel, parseScenario, traceImage } from "../../../src/kernel-rt/index.js";
import type { BootedKernel, KernelBuild, KernelConfig } from "../../../src/kernel-rt/index.js";
import type { MachineOptions, RunResult } from "../../../src/vm/index.js";
import {
  checkTrace,
  exportChrome,
  filterRecords,
  formatText,
  TraceRecorder,
} from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { DESIGNS as EVERY_DESIGN, PTI_ON, host, patchedKernel, userImage, kernelVar } from "./helpers.js"; // prettier-ignore

/** Every design, and PTI without PCIDs: a new mm then has no ASID to keep across switches. */
const DESIGNS = [...EVERY_DESIGN.slice(0, 2), { name: "PTI on, no PCID", patches: [], config: { pti: true, pcid: false } }, ...EVERY_DESIGN.slice(2)]; // prettier-ignore
/** isa-debug-exit: (v << 1) | 1. */
const CLEAN_EXIT = 1;
/** #PF error code of a user write to a present read-only page: P | W | U (SDM 4.7). */
const PF_COW = 0x7;
/** The same from copy_to_user in the kernel: P | W. */
const PF_COW_KERNEL = 0x3;
const FORKER_OUTPUT = [
  "forker: child 1 pid 2 exit 21 status 5376",
  "forker: child 2 pid 3 exit 22 status 5632",
  "forker: child 3 pid 4 exit 23 status 5888",
  "forker: child 4 pid 5 signal 15 status 15",
  "forker: 4 children reaped, the parent's pages unchanged",
  "",
].join("\n");

/** The fork loop's page pool: enough for a few children at a time, not for 300. */
const POOL_FRAMES = 64;
/** CR3's PCID field holds a user PCID with bit 11 set (PTI_USER_PCID_BIT). */
const USER_PCID_BIT = 0x800;

const TEST_DIR = "<fork-test>";
const PROLOGUE = `
#include <asm/unistd_64.h>
#include <asm/entrylab-layout.h>
#define WNOHANG		1
#define WUNTRACED	2
#define BAD_ADDRESS	0x10
	.macro	sys4 nr, a, b, c, d
	movl	$\\nr, %eax
	movq	\\a, %rdi
	movq	\\b, %rsi
	movq	\\c, %rdx
	movq	\\d, %r10
	syscall
	.endm
	.text
`;
/** \`show\` prints %rax, signed, and a space; \`done\` a newline and exit(0). */
const EPILOGUE = `
show:	pushq	%rax
	testq	%rax, %rax
	jns	1f
	leaq	minus(%rip), %rsi
	movl	$1, %edx
	call	write_out
	negq	(%rsp)
1:	popq	%rax
	call	print_dec
	leaq	space(%rip), %rsi
	movl	$1, %edx
	jmp	write_out
done:	leaq	newline(%rip), %rsi
	movl	$1, %edx
	call	write_out
	xorl	%edi, %edi
	call	sys_exit
	.section .rodata, "a"
minus:	.ascii	"-"
space:	.ascii	" "
newline: .ascii	"\\n"
`;

const PROGRAMS: Record<string, string> = {
  // wait4 with nothing to wait for, bad options and pids, getppid of a boot task; then two
  // children: WNOHANG while they have not run (one CPU, no tick), the first reaped with its
  // status (its exit code is its getppid()), the second's status to a bad address: EFAULT, yet
  // reaped (ECHILD after).
  "waiterrs.S": `
	.globl	_start
_start:
	sys4	__NR_wait4, $-1, $0, $0, $0
	call	show
	sys4	__NR_wait4, $-1, $0, $WUNTRACED, $0
	call	show
	sys4	__NR_wait4, $0, $0, $0, $0
	call	show
	movl	$__NR_getppid, %eax
	syscall
	call	show
	movl	$__NR_fork, %eax
	syscall
	testq	%rax, %rax
	jz	child
	movq	%rax, %r12
	movl	$__NR_fork, %eax
	syscall
	testq	%rax, %rax
	jz	child
	movq	%rax, %r13
	leaq	status(%rip), %rbx
	sys4	__NR_wait4, $-1, %rbx, $WNOHANG, $0
	call	show
	sys4	__NR_wait4, %r12, %rbx, $0, $0
	subq	%r12, %rax
	call	show
	movl	status(%rip), %eax
	call	show
	sys4	__NR_wait4, %r13, $BAD_ADDRESS, $0, $0
	call	show
	sys4	__NR_wait4, $-1, %rbx, $0, $0
	call	show
	jmp	done
child:	movl	$__NR_getppid, %eax
	syscall
	movq	%rax, %rdi
	call	sys_exit
	.data
status:	.long	-1
	.text
`,
  // The parent forks FORKS children and exits at once: each child, orphaned, sees getppid() 0
  // and exits; it is released by its own CPU after its last switch.
  "orphans.S": `
#ifndef FORKS
#define FORKS 3
#endif
	.globl	_start
_start:
	xorl	%r12d, %r12d
1:	movl	$__NR_fork, %eax
	syscall
	testq	%rax, %rax
	jz	child
	incq	%r12
	cmpq	$FORKS, %r12
	jb	1b
	jmp	done
child:	movl	$__NR_sched_yield, %eax
	syscall
	movl	$__NR_getppid, %eax
	syscall
	call	show
	jmp	done
`,
  // ITERATIONS times: fork a child that writes a heap page and a data word it shares with the
  // parent (copy-on-write) and exits with (i & 0x7f); wait4 for it and check its status. Exit
  // codes: 2 fork failed, 3 wait4 failed, 4 wrong status.
  "forkloop.S": `
#define ITERATIONS 300
	.globl	_start
_start:
	movabsq	$USER_HEAP_START, %rbx
	movq	$0x1234, (%rbx)
	xorl	%r12d, %r12d
1:	movl	$__NR_fork, %eax
	syscall
	testq	%rax, %rax
	js	2f
	jz	child
	movq	%rax, %r14
	leaq	status(%rip), %r15
	sys4	__NR_wait4, %r14, %r15, $0, $0
	cmpq	%r14, %rax
	jne	3f
	movq	%r12, %rax
	andq	$0x7f, %rax
	shlq	$8, %rax
	cmpl	%eax, status(%rip)
	jne	4f
	incq	%r12
	cmpq	$ITERATIONS, %r12
	jb	1b
	movq	%r12, %rax
	call	show
	jmp	done
2:	movl	$2, %edi
	call	sys_exit
3:	movl	$3, %edi
	call	sys_exit
4:	movl	$4, %edi
	call	sys_exit
child:	movq	%r12, (%rbx)
	movq	%r12, word(%rip)
	movq	%r12, %rdi
	andq	$0x7f, %rdi
	call	sys_exit
	.data
word:	.quad	0
status:	.long	0
	.text
`,
};

const testHost: Host = {
  readFile(path: string): string | undefined {
    const name = path.startsWith(`${TEST_DIR}/`) ? path.slice(TEST_DIR.length + 1) : undefined;
    const body = name !== undefined ? PROGRAMS[name] : undefined;
    return body !== undefined ? PROLOGUE + body + EPILOGUE : host.readFile(path);
  },
};

interface ForkRun {
  result: RunResult;
  output: string;
  records: TraceRecord[];
  kernel: KernelBuild;
  boot: BootedKernel;
}

/** Run user programs (programs/user names or this file's .S) on a design, traced, TLB audit on. */
function runFork(
  names: string[],
  config: KernelConfig,
  opts: { patches?: readonly string[]; machine?: MachineOptions; audit?: boolean; level?: "system" | "insn" } = {}, // prettier-ignore
): ForkRun {
  const k = patchedKernel([...(opts.patches ?? [])]);
  const diags = new DiagnosticBag();
  let output = "";
  const events = new TraceRecorder({ image: traceImage(k.image, []), level: opts.level ?? "system", auditTlb: opts.audit ?? true }); // prettier-ignore
  const users = names.map((name) => ({ name: name.replace(/\.S$/, ""), image: userImage(name, TEST_DIR, testHost) })); // prettier-ignore
  const b = bootKernel(k, users, config, {
    diags,
    machine: { maxInsns: 20_000_000, events, ...opts.machine, output: (bytes) => (output += new TextDecoder().decode(bytes)) }, // prettier-ignore
  });
  if (!b) throw new Error(diags.items.map((d) => `${d.code} ${d.message}`).join("\n"));
  events.addRegions(b.regions);
  return { result: b.machine.run(), output, records: events.records, kernel: k, boot: b };
}

function sym(k: KernelBuild, name: string): bigint {
  const s = k.image.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return BigInt.asUintN(64, BigInt(s.value));
}

/** The checks that did not pass (violated), by name; stale-translation needs the audit. */
function violations(r: ForkRun): string[] {
  const entryText = { start: sym(r.kernel, "__entry_text_start"), end: sym(r.kernel, "__entry_text_end") }; // prettier-ignore
  const results = checkTrace(r.records, { entryText });
  expect(results.find((x) => x.name === "stale-translation")?.status).toBe("ok");
  return results.filter((x) => x.status === "violated").map((x) => x.name);
}

/** Page faults with this error code, per pid. */
function faultsWith(records: readonly TraceRecord[], errorCode: number): Map<number, number> {
  const out = new Map<number, number>();
  for (const r of records)
    if (r.kind === "page-fault" && r.errorCode === errorCode && r.task !== undefined)
      out.set(r.task, (out.get(r.task) ?? 0) + 1);
  return out;
}

describe("the forker workload", () => {
  for (const d of DESIGNS)
    for (const cpus of [1, 2])
      it(`forks, copies on write and reaps: ${d.name}, ${cpus} CPU(s), audit and checks clean`, () => {
        const r = runFork(["forker"], d.config, { patches: d.patches, machine: { cpus } });
        expect(r.output).toBe(FORKER_OUTPUT);
        expect(r.result.exitStatus).toBe(CLEAN_EXIT);
        expect(r.records.some((x) => x.kind === "stale-tlb")).toBe(false);
        expect(violations(r)).toEqual([]);
        // Every child wrote cow_page and the heap word it shared with the parent: two write
        // faults on present read-only pages at least (its stack may add one), P|W|U.
        const cow = faultsWith(r.records, PF_COW);
        for (const pid of [2, 3, 4, 5]) expect(cow.get(pid) ?? 0).toBeGreaterThanOrEqual(2);
      });

  it("shows the parent sleeping in wait4 and its children woken as new tasks", () => {
    // No tick: the parent keeps the CPU until it sleeps in wait4 for its first child.
    const r = runFork(["forker"], { ...PTI_ON, tick: 0 }, { machine: { cpus: 1 }, audit: false });
    const switches = r.records.filter((x) => x.kind === "sched-switch");
    expect(switches.some((x) => x.prevPid === 1 && x.prevState === "sleeping")).toBe(true);
    const wakeups = r.records.filter((x) => x.kind === "sched-wakeup");
    for (const pid of [2, 3, 4, 5]) expect(wakeups.some((x) => x.pid === pid && x.by === 1)).toBe(true); // prettier-ignore
    // Each child exits once and is switched out dead.
    const exits = r.records.filter((x) => x.kind === "sched-exit").map((x) => x.pid);
    expect(exits).toEqual(expect.arrayContaining([2, 3, 4, 5, 1]));
  });

  for (const d of [DESIGNS[1]!, DESIGNS[3]!])
    it(`passes every check at the insn level too: the children's first returns (${d.name})`, () => {
      const r = runFork(["forker"], { ...d.config, tick: 0 }, { patches: d.patches, machine: { cpus: 1 }, level: "insn" }); // prettier-ignore
      expect(r.output).toBe(FORKER_OUTPUT);
      expect(violations(r)).toEqual([]);
      // Every task's first run goes through ret_from_fork once: the boot task's and each child's.
      const retFromFork = sym(r.kernel, "ret_from_fork");
      const first = r.records.filter((x) => x.kind === "insn" && x.rip === retFromFork);
      expect(first.map((x) => x.task).sort()).toEqual([1, 2, 3, 4, 5]);
    });

  it("puts children on the least loaded CPU with two CPUs", () => {
    const r = runFork(["forker"], PTI_ON, { machine: { cpus: 2 }, audit: false });
    const cpuOf = new Map<number, number>();
    for (const x of r.records) if (x.kind === "sched-wakeup") cpuOf.set(x.pid, x.targetCpu);
    expect(new Set([2, 3, 4, 5].map((p) => cpuOf.get(p))).size).toBe(2);
  });
});

describe("wait4 and getppid", () => {
  it("return ECHILD, EINVAL, 0 with WNOHANG, statuses as Linux encodes them, EFAULT", () => {
    // No tick: the parent keeps the CPU until it sleeps, so WNOHANG comes before the children ran.
    const r = runFork(["waiterrs.S"], { ...PTI_ON, tick: 0 }, { machine: { cpus: 1 } });
    // wait4 alone: ECHILD; WUNTRACED: EINVAL; pid 0: EINVAL; getppid of a boot task: 0; WNOHANG
    // before the children ran: 0; the first child reaped (its pid), status 1 << 8 (its getppid
    // was 1); the second's status to a bad address: EFAULT; then nobody is left: ECHILD.
    expect(r.output).toBe("-10 -22 -22 0 0 0 256 -14 -10 \n");
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    // wait4's copy_to_user wrote the status into the parent's copy-on-write data page: a
    // supervisor write to a present read-only page, P|W (CR0.WP), copied there.
    expect(faultsWith(r.records, PF_COW_KERNEL).get(1)).toBe(1);
  });

  it("release orphans: getppid() is 0, and the frames in use do not grow with their number", () => {
    const pages: bigint[] = [];
    for (const forks of [1, 3]) {
      PROGRAMS[`orphans${forks}.S`] = `#define FORKS ${forks}\n${PROGRAMS["orphans.S"]!}`;
      const r = runFork([`orphans${forks}.S`], { ...PTI_ON, tick: 0 }, { machine: { cpus: 1 } });
      expect(r.output).toBe("\n" + "0 \n".repeat(forks));
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      expect(violations(r)).toEqual([]);
      pages.push(kernelVar(r.kernel, r.boot, "nr_pages_in_use"));
    }
    expect(pages[1]).toBe(pages[0]);
  });
});

describe("a fork loop", () => {
  for (const d of [DESIGNS[1]!, DESIGNS[4]!])
    it(`forks and reaps 300 children in a pool of 64 frames (${d.name})`, () => {
      // Each iteration takes a PGD pair, a task page, a 16 KiB stack, about eight page tables
      // and two copies: some twenty frames, 6,000 in all without freeing.
      const r = runFork(["forkloop.S"], { ...d.config, pagePool: POOL_FRAMES }, { patches: d.patches, machine: { cpus: 1, maxInsns: 100_000_000 }, audit: false }); // prettier-ignore
      expect(r.output).toBe("300 \n");
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    });

  it("keeps the TLB audit clean while the ASIDs wrap around (more mms than a CPU's six)", () => {
    PROGRAMS["forkloop20.S"] = PROGRAMS["forkloop.S"]!.replace("ITERATIONS 300", "ITERATIONS 20");
    const r = runFork(["forkloop20.S"], PTI_ON, { machine: { cpus: 1 } });
    expect(r.output).toBe("20 \n");
    expect(violations(r)).toEqual([]);
    const pcids = new Set(r.records.flatMap((x) => (x.kind === "cr" && x.reg === "cr3" && x.pcid! < USER_PCID_BIT ? [x.pcid] : []))); // prettier-ignore
    // Kernel PCIDs 1..6 (ASIDs 0..5): reused, never a seventh.
    expect([...pcids].sort()).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe("the fork scenario", () => {
  it("parses and runs as it says", () => {
    const sources = new SourceManager();
    const diags = new DiagnosticBag();
    const s = parseScenario("fork", readFileSync("programs/scenarios/fork.json", "utf8"), { sources, diags })!; // prettier-ignore
    expect(diags.items).toEqual([]);
    expect(s.users).toEqual(["forker"]);
    const r = runFork(s.users, s.config, { machine: { cpus: Number(s.machine.cpus) }, audit: false }); // prettier-ignore
    expect(r.output).toBe(FORKER_OUTPUT);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });
});

describe("forked tasks in the trace (sched_process_fork, sched_process_free)", () => {
  for (const d of [DESIGNS[1]!, DESIGNS[4]!])
    it(`records one fork per child and names each child's stacks (${d.name})`, () => {
      const r = runFork(["forker"], d.config, { patches: d.patches, machine: { cpus: 2 }, audit: false }); // prettier-ignore
      expect(r.output).toBe(FORKER_OUTPUT);
      const forks = r.records.filter((x) => x.kind === "sched-process-fork");
      expect(forks.map((f) => [f.parentPid, f.childPid, f.childComm])).toEqual([2, 3, 4, 5].map((p) => [1, p, "forker"])); // prettier-ignore
      const moves = r.records.flatMap((x) => (x.kind === "stack" ? [x.from, x.to] : []));
      expect(moves).not.toContain("page pool");
      for (const f of forks) {
        // The child's kernel stack, named from the record, and each entry of the child lands on it.
        const onIt = r.records.filter((x) => x.kind === "stack" && x.to === `kernel stack of pid ${f.childPid}`); // prettier-ignore
        expect(onIt.length).toBeGreaterThan(0);
        for (const x of onIt) expect(x.rsp > f.stack && x.rsp <= f.stack + BigInt(f.stackSize)).toBe(true); // prettier-ignore
        expect(moves).toContain(`user stack of pid ${f.childPid}`);
      }
      const freed = r.records.filter((x) => x.kind === "sched-process-free").map((x) => x.pid);
      expect(freed).toEqual(expect.arrayContaining([2, 3, 4, 5]));
    });

  it("drops a freed child's regions: a later child on the same frames is named after itself", () => {
    PROGRAMS["forkloop8.S"] = PROGRAMS["forkloop.S"]!.replace("ITERATIONS 300", "ITERATIONS 8");
    const r = runFork(["forkloop8.S"], { ...PTI_ON, tick: 0 }, { machine: { cpus: 1 }, audit: false }); // prettier-ignore
    expect(r.output).toBe("8 \n");
    const forks = r.records.filter((x) => x.kind === "sched-process-fork");
    expect(forks).toHaveLength(8);
    // Each child is reaped before the next fork, so the allocator hands its stack out again.
    const reused = forks.filter((f, i) => forks.slice(0, i).some((g) => g.stack === f.stack));
    expect(reused.length).toBeGreaterThan(0);
    for (const f of reused) {
      const names = r.records.filter((x) => x.kind === "stack" && x.rsp > f.stack && x.rsp <= f.stack + BigInt(f.stackSize) && x.icount > f.icount && x.task === f.childPid).map((x) => (x.kind === "stack" ? x.to : "")); // prettier-ignore
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names)).toEqual(new Set([`kernel stack of pid ${f.childPid}`]));
    }
  });

  it("`trace show --kind sched-process-fork` finds the fork records", () => {
    const r = runFork(["forker"], { ...PTI_ON, tick: 0 }, { machine: { cpus: 1 }, audit: false });
    const shown = filterRecords(r.records, { kinds: ["sched-process-fork"] });
    expect(shown.map((x) => (x.kind === "sched-process-fork" ? x.childPid : -1))).toEqual([
      2, 3, 4, 5,
    ]);
    const text = shown.map(formatText).join("\n");
    expect(text).toMatch(/sched-process-fork .*parentComm=forker parentPid=1 childComm=forker childPid=2 stack=[0-9a-f]{16} stackSize=16384 pgd=/); // prettier-ignore
  });

  it("exports forked tasks' tracks named, with a fork instant on the parent's track", () => {
    const r = runFork(["forker"], { ...PTI_ON, tick: 0 }, { machine: { cpus: 1 }, audit: false });
    const ev = exportChrome(r.records).traceEvents;
    const names = ev.filter((e) => e.name === "thread_name").map((e) => e.args?.["name"]);
    for (const pid of [2, 3, 4, 5]) expect(names).toContain(`pid ${pid} (forker)`);
    const forks = ev.filter((e) => e.ph === "i" && e.name.startsWith("fork: pid"));
    expect(forks.map((e) => [e.tid, e.name])).toEqual(
      [2, 3, 4, 5].map((p) => [1, `fork: pid ${p}`]),
    );
  });
});
