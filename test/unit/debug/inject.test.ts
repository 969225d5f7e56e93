// The debugger's `inject` command: an NMI or fixed interrupt raised on a CPU's local APIC during
// the session, taken at an instruction boundary by the machine's rules — an NMI at once even in
// kernel mode with IF clear (right after SYSCALL, before SWAPGS), a second NMI held until the
// IRET that ends the first (SDM 6.7.1), a fixed interrupt held while IF is clear (SDM 6.8.1).
import { describe, expect, it } from "vitest";
import type { Debugger } from "../../../src/debug/index.js";
import { createMachine } from "../../../src/vm/index.js";
import { kernelDebugger } from "./helpers.js";

const PTI = { pti: true, pcid: true };

/** Stopped in entry_SYSCALL_64 before its SWAPGS: CPL 0, user GS base, user CR3, IF clear. */
function beforeSwapgs(d: Debugger): void {
  d.execute("catch syscall");
  d.execute("c");
  expect(d.execute("si")).toMatch(/\nentry_SYSCALL_64\+0x0 .*\n=> 0x[0-9a-f]+:\tswapgs$/);
  d.execute("delete");
}

describe("debugger: inject", () => {
  it("an NMI right after SYSCALL is taken at the next boundary, through IST 2, CPL 0 -> 0", () => {
    const d = kernelDebugger(["getpid"], PTI);
    beforeSwapgs(d);
    expect(d.execute("inject nmi")).toBe("NMI raised on CPU 0's local APIC: taken at the next instruction boundary"); // prettier-ignore
    expect(d.execute("apic")).toMatch(/^ {2}NMI: pending$/m);
    const step = d.execute("si");
    expect(step).toMatch(/^\[NMI taken\]\n\[delivered NMI \(vector 2\) through the IDT's interrupt gate, stack ist2, CPL 0 -> 0, frame at 0x[0-9a-f]+\]\nasm_exc_nmi\+0x0 /); // prettier-ignore
    expect(d.execute("frame")).toMatch(/rip {8}0x[0-9a-f]+ {2}entry_SYSCALL_64\+0x0 /);
    expect(d.execute("stack 1")).toMatch(/^rsp 0x[0-9a-f]+ in NMI stack of CPU 0 /);
    expect(d.execute("gs")).toMatch(/^gs_base {8}0x0{16} {2}\(not the kernel's: the user's\)$/m);
    expect(d.execute("apic")).toMatch(/^ {2}NMI: none pending, blocked until the next IRET \(SDM 6\.7\.1\)$/m); // prettier-ignore
  });

  it("a second NMI waits for the IRET that ends the first, then arrives at the same instruction", () => {
    const d = kernelDebugger(["getpid"], PTI);
    beforeSwapgs(d);
    d.execute("inject nmi");
    d.execute("si");
    expect(d.execute("inject nmi")).toBe("NMI raised on CPU 0's local APIC: pending, NMIs are blocked until the next IRET (SDM 6.7.1)"); // prettier-ignore
    expect(d.execute("inject nmi")).toBe("NMI raised on CPU 0's local APIC: one was pending already; the two are one pending NMI"); // prettier-ignore
    d.execute("catch iret");
    const atIret = d.execute("c");
    expect(atIret).toMatch(/^Catchpoint 2 \(iret\), paranoid_exit\+0x[0-9a-f]+ .*\n=> 0x[0-9a-f]+:\tiretq$/); // prettier-ignore
    expect(d.execute("apic")).toMatch(/NMI: pending, blocked until the next IRET/);
    expect(d.execute("si")).toMatch(/^\[iretq: back to entry_SYSCALL_64\+0x0 .*CPL 0 -> 0\]\nentry_SYSCALL_64\+0x0 /); // prettier-ignore
    expect(d.execute("si")).toMatch(/^\[NMI taken\]\n\[delivered NMI .*stack ist2, CPL 0 -> 0/);
    expect(d.execute("frame")).toMatch(/rip {8}0x[0-9a-f]+ {2}entry_SYSCALL_64\+0x0 /);
    // Two NMIs were raised while one was pending: one handler run, then this one.
    d.execute("delete");
    expect(d.execute("c")).toMatch(/^Run ended: the guest exited, status 1 /);
  });

  it("a fixed interrupt waits while IF is clear (kernel mode) and is taken in user mode", () => {
    const d = kernelDebugger(["getpid"], PTI);
    beforeSwapgs(d);
    expect(d.execute("inject irq 0x41")).toBe("interrupt 65 requested on CPU 0's local APIC (IRR): held while IF is clear (SDM 6.8.1)"); // prettier-ignore
    expect(d.execute("apic")).toMatch(/^ {2}IRR \(requested\): {2}65$/m);
    expect(d.execute("si")).not.toContain("taken");
    d.execute("catch interrupt 65");
    expect(d.execute("c")).toMatch(/^Catchpoint 2 \(interrupt 65\), .*\n\[interrupt 65 taken\]\n\[delivered vector 65 .*CPL 3 -> 0/); // prettier-ignore
  });

  it("in user mode with IF set, a fixed interrupt is taken at the next boundary", () => {
    const d = kernelDebugger(["getpid"], PTI);
    d.execute("catch syscall");
    d.execute("c");
    expect(d.execute("inject irq 65")).toBe("interrupt 65 requested on CPU 0's local APIC (IRR): taken at the next instruction boundary its priority allows (SDM 10.8.3)"); // prettier-ignore
    expect(d.execute("si")).toMatch(/^\[interrupt 65 taken\]\n\[delivered vector 65 .*CPL 3 -> 0/);
  });

  it("cpu N sends the event to another CPU, which takes it in its own turn", () => {
    const d = kernelDebugger(["getpid", "getpid"], PTI, [], { cpus: 2 });
    expect(d.execute("inject nmi cpu 1")).toMatch(/^NMI raised on CPU 1's local APIC: /);
    d.execute("catch interrupt NMI");
    expect(d.execute("c")).toMatch(
      /^\[CPU 1\] Catchpoint 1 \(interrupt NMI 2\), asm_exc_nmi\+0x0 /,
    );
  });

  it("bad arguments are one-line errors", () => {
    const d = kernelDebugger(["getpid"], PTI);
    expect(d.execute("inject")).toBe("error: inject: give 'nmi [cpu N]' or 'irq VEC [cpu N]'");
    expect(d.execute("inject smi")).toBe("error: inject: give 'nmi [cpu N]' or 'irq VEC [cpu N]'");
    expect(d.execute("inject irq 3")).toBe("error: inject irq: '3' is not a vector 16-255");
    expect(d.execute("inject irq")).toBe("error: inject irq: '' is not a vector 16-255");
    expect(d.execute("inject nmi cpu 1")).toBe("error: inject: 'cpu 1' is not 'cpu N' (0-0)");
    expect(d.execute("inject nmi 1")).toBe("error: inject: '1' is not 'cpu N' (0-0)");
    expect(d.execute("apic")).toMatch(/NMI: none pending$/m);
  });
});

describe("Machine.inject", () => {
  it("posts an event whose count has come at once and schedules a later one like --inject", () => {
    const m = createMachine({});
    m.inject({ kind: "nmi", cpu: 0, at: 0 });
    expect(m.cpus[0]!.apic.nmiPending).toBe(true);
    m.cpus[0]!.apic.nmiPending = false;
    m.inject({ kind: "irq", vector: 0x41, cpu: 0, at: 10 });
    expect(m.cpus[0]!.apic.irr[0x41]).toBe(0);
    m.inject({ kind: "nmi", cpu: 7, at: 0 }); // no such CPU: nothing happens
    expect(m.cpus[0]!.apic.nmiPending).toBe(false);
  });
});
