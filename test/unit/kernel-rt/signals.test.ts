// Signals in the model kernel (runtime/signal.c): rt_sigaction, rt_sigprocmask, kill and tgkill
// with Linux's errors; delivery on the way back to user mode to a handler with an rt_sigframe on
// the user stack, or the default action; the mask while a handler runs (SA_NODEFER,
// SA_RESETHAND); exceptions as signals (si_code, si_addr, the trap number); sleeps interrupted
// (-EINTR); a task running on another CPU kicked by the IPI; and the workloads sigsegv, sigusr and
// badsigreturn - whose bad SS sends rt_sigreturn's IRET through the bad-IRET path - with PTI off
// and on and with patches 1-2 and 1-3 (patch 2 switches the IRET exit's CR3 in C).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { parseScenario } from "../../../src/kernel-rt/index.js";
import type { KernelBuild } from "../../../src/kernel-rt/index.js";
import { checkTrace } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { DESIGNS, PATCH1, PATCH2, PTI_ON } from "./helpers.js";
import { runSignals } from "./signal-programs.js";

/** isa-debug-exit: (v << 1) | 1; a task killed by a signal exits with its number. */
const status = (v: number) => (v << 1) | 1;
const CLEAN_EXIT = status(0);
const SIGUSR1 = 10;
const SIGSEGV = 11;
const SIGUSR2 = 12;
const NR_RT_SIGRETURN = 15n;
const VEC_GP = 13;
/** __KERNEL_DS, the SS badsigreturn's handler writes (RPL forced to 3 by rt_sigreturn). */
const KERNEL_DS = 0x18;
const EINTR = 4;
/** SA_SIGINFO | SA_NODEFER | SA_RESTORER, as rt_sigaction hands back the installed flags. */
const INSTALLED_FLAGS = 4 + 0x40000000 + 0x04000000;

function sym(k: KernelBuild, name: string): bigint {
  const s = k.image.symbols.find((x) => x.name === name);
  if (!s) throw new Error(`no symbol ${name}`);
  return BigInt.asUintN(64, BigInt(s.value));
}

/** The checks that did not pass (violated), by name. */
function violations(records: readonly TraceRecord[], k: KernelBuild): string[] {
  const entryText = { start: sym(k, "__entry_text_start"), end: sym(k, "__entry_text_end") };
  return checkTrace(records, { entryText })
    .filter((r) => r.status === "violated")
    .map((r) => r.name);
}

/** For each rt_sigreturn on CPU 0: how it went back to user mode (iret or sysret). */
function sigreturnExits(records: readonly TraceRecord[]): string[] {
  const out: string[] = [];
  let open = false;
  for (const r of records) {
    if (r.cpu !== 0) continue;
    if (r.kind === "syscall") open = r.rax === NR_RT_SIGRETURN;
    else if (open && (r.kind === "sysret" || (r.kind === "iret" && r.toCpl === 3))) {
      out.push(r.kind);
      open = false;
    }
  }
  return out;
}

describe("rt_sigaction, rt_sigprocmask, kill and tgkill", () => {
  it("refuse what Linux refuses and read back what was installed", () => {
    const r = runSignals(["sigerrors.S"], PTI_ON);
    // rt_sigaction: sig 0, SIGKILL, a sigsetsize of 4, a real-time signal -> EINVAL; a bad act ->
    // EFAULT; reading SIGKILL's -> 0; installing -> 0; reading it back: flags, handler, restorer.
    // kill: no pid 99 -> ESRCH; sig 0 -> 0; sig 64 -> EINVAL; pid 0 -> EINVAL. tgkill: tgid !=
    // tid -> ESRCH; sig 0 -> 0. rt_sigprocmask: how 7, sigsetsize 4 -> EINVAL; bad set -> EFAULT.
    const calls = `-22 -22 -22 -22 -14 0 0 0 ${INSTALLED_FLAGS} 1 1 -3 0 -22 -22 -3 0 -22 -22 -14 \n`;
    expect(r.output).toBe(calls);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });

  it("tgkill a task itself: siginfo's SI_TKILL and the sender's pid", () => {
    // The handler (signal, si_code, si_pid) runs before tgkill's result is seen.
    expect(runSignals(["sigtgkill.S"], PTI_ON).output).toBe("10 -6 1 0 \n");
  });

  it("keep a blocked signal pending and deliver it on the return from the unblocking call", () => {
    const r = runSignals(["sigmask.S"], PTI_ON);
    // Block: 0; kill: 0 (pending, not delivered); unblock: the handler runs before the call's
    // result is seen; the old mask had SIGUSR1 (bit 9 = 512).
    expect(r.output).toBe("0 0 blocked h10 0 512 \n");
  });

  it("ignore SIGCHLD and SIG_IGN and end the task on a default action that kills", () => {
    const r = runSignals(["sigdefault.S"], PTI_ON);
    expect(r.output).toBe("0 0 alive ");
    expect(r.result.exitStatus).toBe(status(SIGUSR2));
  });
});

describe("delivery to a handler", () => {
  it("blocks the signal while its handler runs: a second one waits for rt_sigreturn", () => {
    expect(runSignals(["sigdefer.S"], PTI_ON).output).toBe("enter 1 leave 1 enter 2 leave 2 \n");
  });

  it("with SA_NODEFER, nests the second handler inside the first", () => {
    expect(runSignals(["signodefer.S"], PTI_ON).output).toBe("enter 1 enter 2 leave 2 leave 1 \n");
  });

  it("with SA_RESETHAND, handles once and then takes the default action", () => {
    const r = runSignals(["sigresethand.S"], PTI_ON);
    expect(r.output).toBe("h10 again ");
    expect(r.result.exitStatus).toBe(status(SIGUSR1));
  });

  it("kills a task that faults in its SIGSEGV handler (blocked there), with no report line", () => {
    const r = runSignals(["sigblockfault.S"], PTI_ON);
    expect(r.output).toBe("in-handler ");
    expect(r.result.exitStatus).toBe(status(SIGSEGV));
  });

  it("without SA_RESTORER builds no frame: SIGSEGV, as x86-64 Linux", () => {
    const r = runSignals(["signorestorer.S"], PTI_ON);
    expect(r.output).toBe("0 ");
    expect(r.result.exitStatus).toBe(status(SIGSEGV));
  });

  it("gives #UD and #DE to handlers as SIGILL and SIGFPE with si_code, trapno and si_addr", () => {
    const r = runSignals(["sigtraps.S"], PTI_ON);
    // SIGILL ILL_ILLOPN trap 6, SIGFPE FPE_INTDIV trap 0; si_addr is the saved RIP both times.
    expect(r.output).toBe("4 2 6 1 8 1 0 1 \n");
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });

  it("reaches a task spinning in user mode on another CPU through the reschedule IPI", () => {
    const r = runSignals(["sigkick.S", "sigkick.S"], { ...PTI_ON, tick: 0 }, { machine: { cpus: 2 } }); // prettier-ignore
    expect(r.output.split("\n").sort()).toEqual(["", "0 ", "woken "]);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
    const ipis = r.records.filter((x) => x.kind === "interrupt" && x.cpu === 0);
    expect(ipis.length).toBeGreaterThan(0);
  });

  it("interrupts nanosleep: -EINTR and the time left in rem", () => {
    const r = runSignals(["signanosleep.S", "signanosleep.S"], { ...PTI_ON, tick: 5000 });
    // The handler first; then -EINTR and rem: five seconds asked for, woken at once, four and
    // some left.
    expect(r.output).toBe(`h10 -${EINTR} 4 \n`);
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });
});

const SIGSEGV_OUT =
  "sigsegv: handler installed, writing to a bad address\n" +
  "sigsegv: handler: signal 11 code 1 addr 16 rsp%16 8, rip at the faulting instruction\n" +
  "sigsegv: went on after the handler\n";
const SIGUSR_OUT =
  "sigusr: sent SIGUSR1 to the sleeper\n" +
  "sigusr: handler: SIGUSR1 from pid 2\n" +
  `sigusr: futex wait returned -${EINTR}\n`;

describe("the signal workloads", () => {
  for (const d of DESIGNS) {
    it(`${d.name}: sigsegv's handler repairs the fault and rt_sigreturn leaves by IRET`, () => {
      const r = runSignals(["sigsegv", "getpid"], d.config, { patches: d.patches, level: "insn" });
      expect(r.output).toBe(`${SIGSEGV_OUT}getpid: pid 2 after 10 calls\n`);
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      expect(sigreturnExits(r.records)).toEqual(["iret"]);
      expect(violations(r.records, r.kernel)).toEqual([]);
    });

    it(`${d.name}: sigusr's SIGUSR1 ends the futex wait with -EINTR after the handler`, () => {
      const r = runSignals(["sigusr", "sigusr"], d.config, { patches: d.patches, level: "insn" });
      expect(r.output).toBe(SIGUSR_OUT);
      expect(r.result.exitStatus).toBe(CLEAN_EXIT);
      // Interrupted at a SYSCALL, the saved RCX and R11 are its RIP and RFLAGS: the restored frame
      // passes entry_SYSCALL_64's SYSRET checks, and Linux v5.10 (no force_iret) takes SYSRET too.
      expect(sigreturnExits(r.records)).toEqual(["sysret"]);
      expect(violations(r.records, r.kernel)).toEqual([]);
    });

    it(`${d.name}: badsigreturn's bad SS faults at native_irq_return_iret: SIGSEGV, no oops`, () => {
      const r = runSignals(["badsigreturn", "getpid"], d.config, { patches: d.patches });
      expect(r.output).toMatch(/^badsigreturn\[1\] trap general protection ip:[0-9a-f]+ sp:[0-9a-f]+ error:18$/m); // prettier-ignore
      expect(r.output).not.toContain("survived");
      expect(r.output).not.toContain("oops");
      expect(r.output).toContain("getpid: pid 2 after 10 calls\n");
      expect(r.result.exitStatus).toBe(status(SIGSEGV));
      // rt_sigreturn's exit is the IRET, and it faults there once, from CPL 0, #GP(__KERNEL_DS).
      const iret = sym(r.kernel, "native_irq_return_iret");
      const faults = r.records.filter((x) => x.kind === "deliver" && x.rip === iret);
      expect(faults.map((x) => x.kind === "deliver" && [x.vector, x.fromCpl, x.frame.errorCode])).toEqual([[VEC_GP, 0, KERNEL_DS]]); // prettier-ignore
      const bad = violations(r.records, r.kernel);
      expect(bad.filter((n) => n === "swapgs-balance" || n === "user-return-with-kernel-cr3")).toEqual([]); // prettier-ignore
    });
  }
});

describe("the signal_deliver tracepoint", () => {
  it("records each dequeued signal in get_signal: the task, signal, si_code and handler", () => {
    const r = runSignals(["sigsegv", "badsigreturn"], PTI_ON);
    const got = r.records.flatMap(
      (x) =>
      x.kind === "signal-deliver" ? [[x.task, x.sig, x.code, x.handler !== 0n, x.sym?.split("+")[0]]] : [], // prettier-ignore
    );
    // sigsegv's fault to its handler; badsigreturn's kill to its handler, then the #GP's SIGSEGV
    // to the default action (SIG_DFL: handler 0).
    expect(got).toEqual([
      [1, SIGSEGV, "SEGV_MAPERR", true, "get_signal"],
      [2, SIGUSR1, "SI_USER", true, "get_signal"],
      [2, SIGSEGV, "SI_KERNEL", false, "get_signal"],
    ]);
  });
});

describe("the signal scenarios", () => {
  const scenario = (name: string) => {
    const sources = new SourceManager();
    const diags = new DiagnosticBag();
    const s = parseScenario(name, readFileSync(`programs/scenarios/${name}.json`, "utf8"), { sources, diags })!; // prettier-ignore
    expect(diags.items).toEqual([]);
    return s;
  };

  it("signals: sigusr's pair and sigsegv on one CPU, a clean run", () => {
    const s = scenario("signals");
    const r = runSignals(s.users, s.config, { patches: s.patches, machine: { cpus: Number(s.machine.cpus ?? 1) } }); // prettier-ignore
    // The woken sleeper waits for its turn: a wake-up on the same CPU does not preempt.
    const [sent, ...woken] = SIGUSR_OUT.split(/(?<=\n)/);
    expect(r.output).toBe(sent + SIGSEGV_OUT + woken.join(""));
    expect(r.result.exitStatus).toBe(CLEAN_EXIT);
  });

  it("badsigreturn: the bad-IRET path from a real workload, patches 1-2", () => {
    const s = scenario("badsigreturn");
    expect(s.patches).toEqual([PATCH1, PATCH2]);
    const r = runSignals(s.users, s.config, { patches: s.patches });
    expect(r.output).toContain("badsigreturn[1] trap general protection");
    expect(r.result.exitStatus).toBe(status(SIGSEGV));
  });
});
