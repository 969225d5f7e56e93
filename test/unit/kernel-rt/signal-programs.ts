// The signal tests' user programs and runner: small assembly programs, built with the user library
// (sigaction, kill, __restore_rt) and served through a Host next to the repository's files, each
// printing what its system calls returned and what its handlers saw; and a run of any of them, or of
// programs/user's workloads, on a kernel with a patch series, with a trace.
import { DiagnosticBag } from "../../../src/diag/index.js";
import type { Host } from "../../../src/diag/index.js";
import { bootKernel, traceImage } from "../../../src/kernel-rt/index.js";
import type { KernelBuild, KernelConfig } from "../../../src/kernel-rt/index.js";
import type { MachineOptions, RunResult } from "../../../src/vm/index.js";
import { TraceRecorder } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { host, patchedKernel, userImage } from "./helpers.js";

const TEST_DIR = "<signal-test>";

/** What every test program starts with: numbers, a `say` macro, the syscall helper macros. */
const PROLOGUE = `
#include <asm/unistd_64.h>
#include <asm/entrylab-layout.h>
#define SIGILL		4
#define SIGFPE		8
#define SIGKILL		9
#define SIGUSR1		10
#define SIGSEGV		11
#define SIGUSR2		12
#define SIGCHLD		17
#define SA_SIGINFO	4
#define SA_RESTORER	0x04000000
#define SA_NODEFER	0x40000000
#define SA_RESETHAND	0x80000000
#define SIG_IGN		1
#define SIG_BLOCK	0
#define SIG_UNBLOCK	1
#define READY		USER_SHARED_PAGE
#define BAD_ADDRESS	0x10
/* siginfo_t and ucontext offsets (<asm/sigcontext.h>, <asm/ucontext.h>). */
#define SI_SIGNO	0
#define SI_CODE		8
#define SI_ADDR		16
#define UC_RIP		(40 + 128)
#define UC_TRAPNO	(40 + 160)
	.macro	say msg
	leaq	\\msg(%rip), %rsi
	movl	$\\msg\\()_len, %edx
	call	write_out
	.endm
	.macro	text name, str
	.section .rodata, "a"
\\name:	.ascii	"\\str"
	.set	\\name\\()_len, . - \\name
	.text
	.endm
	/* rt_sigaction(sig, act, oact, size), the result shown */
	.macro	rtsa sig, act, oact, size
	movl	$__NR_rt_sigaction, %eax
	movq	\\sig, %rdi
	movq	\\act, %rsi
	movq	\\oact, %rdx
	movq	\\size, %r10
	syscall
	call	show
	.endm
	.macro	sys3 nr, a, b, c
	movl	$\\nr, %eax
	movq	\\a, %rdi
	movq	\\b, %rsi
	movq	\\c, %rdx
	syscall
	.endm
	.macro	killself sig
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %rdi
	movl	$\\sig, %esi
	call	kill
	.endm
	.text
`;

/** The end of every test program: a newline, exit(0); \`show\` prints %rax, signed, and a space. */
const EPILOGUE = `
done:	say	nl
	xorl	%edi, %edi
	call	sys_exit
show:	pushq	%rax
	testq	%rax, %rax
	jns	1f
	say	minus
	negq	(%rsp)
1:	popq	%rax
	call	print_dec
	say	space
	ret
/* handler(sig): prints "h<sig> " */
handler:
	movq	%rdi, %rbx
	say	hmsg
	movq	%rbx, %rax
	jmp	show
	text	minus, "-"
	text	space, " "
	text	nl, "\\n"
	text	hmsg, "h"
`;

/** A SIGUSR1 handler that sends itself a second SIGUSR1 from inside: nesting shows the mask. */
const nest = (flags: string) => `
	.globl	_start
_start:
	movl	$SIGUSR1, %edi
	leaq	nested(%rip), %rsi
	movl	$(${flags}), %edx
	call	sigaction
	killself SIGUSR1
	jmp	done
nested:
	incq	entries(%rip)
	movq	entries(%rip), %rbx
	say	enter
	movq	%rbx, %rax
	call	show
	cmpq	$1, %rbx
	jne	1f
	killself SIGUSR1
1:	say	leave
	movq	%rbx, %rax
	jmp	show
	text	enter, "enter "
	text	leave, "leave "
	.bss
entries: .quad 0
	.text
`;

const BODIES: Record<string, string> = {
  // rt_sigaction, kill, tgkill and rt_sigprocmask refusing what Linux refuses; oact read back.
  "sigerrors.S": `
	.globl	_start
_start:
	leaq	act(%rip), %rbx
	leaq	oact(%rip), %r12
	rtsa	$0, %rbx, $0, $8
	rtsa	$SIGKILL, %rbx, $0, $8
	rtsa	$SIGUSR1, %rbx, $0, $4
	rtsa	$32, %rbx, $0, $8
	rtsa	$SIGUSR1, $BAD_ADDRESS, $0, $8
	rtsa	$SIGKILL, $0, %r12, $8
	movl	$SIGUSR1, %edi
	leaq	handler(%rip), %rsi
	movl	$(SA_SIGINFO | SA_NODEFER), %edx
	call	sigaction
	call	show
	rtsa	$SIGUSR1, $0, %r12, $8
	movq	8(%r12), %rax
	call	show
	leaq	handler(%rip), %rax
	cmpq	%rax, (%r12)
	sete	%al
	movzbl	%al, %eax
	call	show
	leaq	__restore_rt(%rip), %rax
	cmpq	%rax, 16(%r12)
	sete	%al
	movzbl	%al, %eax
	call	show
	sys3	__NR_kill, $99, $0, $0
	call	show
	sys3	__NR_kill, $1, $0, $0
	call	show
	sys3	__NR_kill, $1, $64, $0
	call	show
	sys3	__NR_kill, $0, $SIGUSR1, $0
	call	show
	sys3	__NR_tgkill, $1, $2, $SIGUSR1
	call	show
	sys3	__NR_tgkill, $1, $1, $0
	call	show
	movq	$8, %r10
	sys3	__NR_rt_sigprocmask, $7, %rbx, $0
	call	show
	movq	$4, %r10
	sys3	__NR_rt_sigprocmask, $SIG_BLOCK, %rbx, $0
	call	show
	movq	$8, %r10
	sys3	__NR_rt_sigprocmask, $SIG_BLOCK, $BAD_ADDRESS, $0
	call	show
	jmp	done
	.data
act:	.quad	0, SA_RESTORER, 0, 0
oact:	.quad	0, 0, 0, 0
	.text
`,
  "sigdefer.S": nest("SA_SIGINFO"),
  "signodefer.S": nest("SA_SIGINFO | SA_NODEFER"),
  // SA_RESETHAND: the first SIGUSR1 is handled, the second takes the default action.
  "sigresethand.S": `
	.globl	_start
_start:
	movl	$SIGUSR1, %edi
	leaq	handler(%rip), %rsi
	movl	$SA_RESETHAND, %edx
	call	sigaction
	killself SIGUSR1
	say	again
	killself SIGUSR1
	jmp	done
	text	again, "again "
`,
  // A fault in a SIGSEGV handler, SIGSEGV being blocked there: the task dies (force_sig).
  "sigblockfault.S": `
	.globl	_start
_start:
	movl	$SIGSEGV, %edi
	leaq	segv(%rip), %rsi
	movl	$SA_SIGINFO, %edx
	call	sigaction
	movq	$1, BAD_ADDRESS
	jmp	done
segv:	say	inh
	movq	$2, BAD_ADDRESS
	ret
	text	inh, "in-handler "
`,
  // rt_sigprocmask: a blocked signal stays pending and is delivered when unblocked.
  "sigmask.S": `
	.globl	_start
_start:
	movl	$SIGUSR1, %edi
	leaq	handler(%rip), %rsi
	xorl	%edx, %edx
	call	sigaction
	leaq	set(%rip), %rbx
	leaq	old(%rip), %r12
	movq	$8, %r10
	sys3	__NR_rt_sigprocmask, $SIG_BLOCK, %rbx, %r12
	call	show
	killself SIGUSR1
	call	show
	say	blocked
	movq	$8, %r10
	sys3	__NR_rt_sigprocmask, $SIG_UNBLOCK, %rbx, %r12
	call	show
	movq	(%r12), %rax
	call	show
	jmp	done
	text	blocked, "blocked "
	.data
set:	.quad	1 << (SIGUSR1 - 1)
old:	.quad	0
	.text
`,
  // A handler without SA_RESTORER: x86-64 has no frame to return through, SIGSEGV instead.
  "signorestorer.S": `
	.globl	_start
_start:
	leaq	act(%rip), %rbx
	leaq	handler(%rip), %rax
	movq	%rax, (%rbx)
	rtsa	$SIGUSR1, %rbx, $0, $8
	killself SIGUSR1
	say	after
	jmp	done
	text	after, "after "
	.data
act:	.quad	0, SA_SIGINFO, 0, 0
	.text
`,
  // Default actions: SIGCHLD ignored, SIG_IGN ignored, SIGUSR2 terminates.
  "sigdefault.S": `
	.globl	_start
_start:
	killself SIGCHLD
	call	show
	movl	$SIGUSR1, %edi
	movl	$SIG_IGN, %esi
	xorl	%edx, %edx
	call	sigaction
	killself SIGUSR1
	call	show
	say	alive
	killself SIGUSR2
	jmp	done
	text	alive, "alive "
`,
  // #UD and #DE to handlers: signal, si_code, the trap number, si_addr = the saved RIP.
  "sigtraps.S": `
	.globl	_start
_start:
	movl	$SIGILL, %edi
	leaq	trap(%rip), %rsi
	movl	$SA_SIGINFO, %edx
	call	sigaction
	movl	$SIGFPE, %edi
	leaq	trap(%rip), %rsi
	movl	$SA_SIGINFO, %edx
	call	sigaction
	movq	$(ud_end - ud), skip(%rip)
ud:	ud2
ud_end:
	movq	$(de_end - de), skip(%rip)
	xorl	%edx, %edx
	xorl	%ecx, %ecx
	movl	$1, %eax
de:	divq	%rcx
de_end:
	jmp	done
trap:	movq	%rsi, %r12
	movq	%rdx, %r13
	movslq	SI_SIGNO(%r12), %rax
	call	show
	movslq	SI_CODE(%r12), %rax
	call	show
	movq	UC_TRAPNO(%r13), %rax
	call	show
	movq	SI_ADDR(%r12), %rax
	cmpq	%rax, UC_RIP(%r13)
	sete	%al
	movzbl	%al, %eax
	call	show
	movq	skip(%rip), %rax
	addq	%rax, UC_RIP(%r13)
	ret
	.bss
skip:	.quad	0
	.text
`,
  // Two CPUs, no tick: pid 1 spins in user mode until its handler runs; pid 2, on the other
  // CPU, signals it. Only the reschedule IPI (kick_process) brings pid 1 into the kernel.
  "sigkick.S": `
	.globl	_start
_start:
	movl	$__NR_getpid, %eax
	syscall
	cmpq	$1, %rax
	jne	sender
	movl	$SIGUSR1, %edi
	leaq	flagger(%rip), %rsi
	xorl	%edx, %edx
	call	sigaction
	movl	$1, READY
1:	cmpq	$0, flag(%rip)
	je	1b
	say	woken
	jmp	done
flagger:
	movq	$1, flag(%rip)
	ret
sender:
2:	cmpl	$1, READY
	jne	2b
	movl	$1, %edi
	movl	$SIGUSR1, %esi
	call	kill
	call	show
	jmp	done
	text	woken, "woken "
	.bss
flag:	.quad	0
	.text
`,
  // tgkill to itself: the handler's siginfo says SI_TKILL (-6) and the sender's pid.
  "sigtgkill.S": `
	.globl	_start
_start:
	movl	$SIGUSR1, %edi
	leaq	info(%rip), %rsi
	movl	$SA_SIGINFO, %edx
	call	sigaction
	movl	$__NR_getpid, %eax
	syscall
	movq	%rax, %rbx
	sys3	__NR_tgkill, %rbx, %rbx, $SIGUSR1
	call	show
	jmp	done
info:	movq	%rsi, %r12
	movslq	SI_SIGNO(%r12), %rax
	call	show
	movslq	SI_CODE(%r12), %rax
	call	show
	movslq	SI_ADDR(%r12), %rax
	jmp	show
`,
  // nanosleep interrupted: pid 1 sleeps 5 s with rem, pid 2 signals it: -EINTR, rem's seconds.
  "signanosleep.S": `
	.globl	_start
_start:
	movl	$__NR_getpid, %eax
	syscall
	cmpq	$1, %rax
	jne	sender
	movl	$SIGUSR1, %edi
	leaq	handler(%rip), %rsi
	xorl	%edx, %edx
	call	sigaction
	movl	$1, READY
	leaq	req(%rip), %rdi
	leaq	rem(%rip), %rsi
	movl	$__NR_nanosleep, %eax
	syscall
	call	show
	movq	rem(%rip), %rax
	call	show
	jmp	done
sender:
2:	cmpl	$1, READY
	je	3f
	movl	$__NR_sched_yield, %eax
	syscall
	jmp	2b
3:	movl	$1, %edi
	movl	$SIGUSR1, %esi
	call	kill
	xorl	%edi, %edi			/* silent: the tick could split the sleeper's line */
	call	sys_exit
	.data
req:	.quad	5, 0
rem:	.quad	0, 0
	.text
`,
};

const testHost: Host = {
  readFile: (path) => {
    if (!path.startsWith(`${TEST_DIR}/`)) return host.readFile(path);
    const body = BODIES[path.slice(TEST_DIR.length + 1)];
    return body === undefined ? undefined : PROLOGUE + body + EPILOGUE;
  },
};

/** A user program: a name in programs/user, or one of the test programs (its file name). */
function image(name: string) {
  return userImage(name, TEST_DIR, testHost);
}

/** The kernel with a patch series applied (file names under the repository), built once. */
export function kernel(patches: readonly string[] = []): KernelBuild {
  return patchedKernel([...patches]);
}

export interface SignalRun {
  result: RunResult;
  output: string;
  records: TraceRecord[];
  kernel: KernelBuild;
}

/** Run programs (programs/user names or test programs) with a trace at `level`. */
export function runSignals(
  names: string[],
  config: KernelConfig,
  opts: { patches?: readonly string[]; machine?: MachineOptions; level?: "system" | "insn" } = {},
): SignalRun {
  const k = kernel(opts.patches);
  const diags = new DiagnosticBag();
  let output = "";
  const events = new TraceRecorder({ image: traceImage(k.image, []), level: opts.level ?? "system" }); // prettier-ignore
  const users = names.map((name) => ({ name: name.replace(/\.S$/, ""), image: image(name) }));
  const b = bootKernel(k, users, config, {
    diags,
    machine: { maxInsns: 3_000_000, events, ...opts.machine, output: (bytes) => (output += new TextDecoder().decode(bytes)) }, // prettier-ignore
  });
  if (!b) throw new Error(diags.items.map((d) => `${d.code} ${d.message}`).join("\n"));
  events.addRegions(b.regions);
  return { result: b.machine.run(), output, records: events.records, kernel: k };
}
