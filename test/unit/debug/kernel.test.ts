// The debugger on the model kernel: a getpid SYSCALL followed from user mode through
// entry_SYSCALL_64 (baseline, CR3 switched in assembly) and through patch 1 (CR3 switched in C),
// a user page fault, probe reads that leave no trace, and two CPUs.
import { describe, expect, it } from "vitest";
import type { Debugger } from "../../../src/debug/index.js";
import { kernelDebugger, PATCH1 } from "./helpers.js";

const PTI = { pti: true, pcid: true };

function reg(regs: string, name: string): bigint {
  return BigInt(new RegExp(`\\b${name} +(0x[0-9a-f]+)`).exec(regs)![1]!);
}

/** `catch syscall`, `c`: stopped before the first SYSCALL of pid 1. */
function atFirstSyscall(d: Debugger): string {
  expect(d.execute("catch syscall")).toBe("Catchpoint 1 (syscall)");
  return d.execute("c");
}

describe("debugger on the model kernel", () => {
  for (const [name, patches] of [
    ["baseline", []],
    ["patch 1 (CR3 switch in C)", [PATCH1]],
  ] as const) {
    it(`${name}: SYSCALL from user mode, entry_SYSCALL_64 on the user PGD, do_syscall_64 on the kernel PGD`, () => {
      const d = kernelDebugger(["getpid"], PTI, [...patches]);
      const stop = atFirstSyscall(d);
      expect(stop).toMatch(/^Catchpoint 1 \(syscall\), _start\+0x[0-9a-f]+ \(programs\/user\/getpid\.S:\d+\)\n=> 0x0{10}4[0-9a-f]{5}:\tsyscall$/); // prettier-ignore
      const user = d.execute("regs");
      expect(user).toContain("cpl 3 (user mode)");
      expect(d.execute("cr")).toMatch(/^cr3 .* = user PGD of pid 1$/m);
      expect(d.execute("stack")).toMatch(/^rsp 0x[0-9a-f]+ in user stack of pid 1 /);
      expect(d.execute("gs")).toMatch(/^kernel_gs_base 0x[0-9a-f]+ {2}= per-CPU area of CPU 0 \(the kernel's\)$/m); // prettier-ignore

      const step = d.execute("si");
      expect(step).toMatch(/^\[syscall: rax 0x27, rip -> entry_SYSCALL_64\+0x0 \(programs\/entry\/entry_64\.S:\d+\) \(LSTAR\), CPL 3 -> 0\]\nentry_SYSCALL_64\+0x0 /); // prettier-ignore
      const kernel = d.execute("regs");
      expect(kernel).toMatch(/^rip 0x[0-9a-f]+ {3}entry_SYSCALL_64\+0x0 /m);
      expect(kernel).toContain("cpl 0 (kernel mode)");
      expect(reg(kernel, "rcx")).toBe(reg(user, "rip") + 2n); // SDM "SYSCALL": RCX = next RIP
      expect(reg(kernel, "r11")).toBe(reg(user, "rflags")); // R11 = RFLAGS
      expect(d.execute("cr")).toMatch(/= user PGD of pid 1$/m); // SYSCALL does not touch CR3
      expect(d.execute("stack")).toMatch(/in user stack of pid 1 /); // ... nor RSP
      expect(d.execute("si")).toMatch(
        /^\[swapgs: gs_base 0xffff8[0-9a-f]+, kernel_gs_base 0x0{16}\]/,
      );
      expect(d.execute("gs")).toMatch(/^gs_base {8}0x[0-9a-f]+ {2}= per-CPU area of CPU 0 \(the kernel's\)$/m); // prettier-ignore

      expect(d.execute("break do_syscall_64")).toMatch(/^Breakpoint 2 at 0xffffffff8[0-9a-f]+: do_syscall_64\+0x0 \(src\/kernel-rt\/runtime\/syscall\.c:\d+\)$/); // prettier-ignore
      expect(d.execute("c")).toMatch(/^Breakpoint 2, do_syscall_64\+0x0 \(src\/kernel-rt\/runtime\/syscall\.c:\d+\)\n=> /); // prettier-ignore
      expect(d.execute("stack")).toMatch(/^rsp 0x[0-9a-f]+ in kernel stack of pid 1 /);
      expect(d.execute("task")).toBe("CPU 0 runs pid 1 (getpid) (last sched_switch)");
      expect(d.execute("where")).toMatch(/^#0 .*do_syscall_64\+0x0 .*\[CPL 0, kernel stack of pid 1\]\n#1 .*_start\+0x[0-9a-f]+ .*\[entered by SYSCALL\]$/); // prettier-ignore
      // Both designs are on the kernel PGD by do_syscall_64 (patch 1: user_pagetable_escape).
      expect(d.execute("cr")).toMatch(/= kernel PGD of pid 1$/m);

      // Kernel text outside .entry.text is mapped in the kernel PGD only (PTI clones entry text).
      const pt = d.execute("pt do_syscall_64").split(/\n(?=\S)/);
      expect(pt[1]).toMatch(/^kernel PGD of pid 1 at 0x[0-9a-f]+/);
      expect(pt[1]).toMatch(/-> phys 0x[0-9a-f]+, 4K page, effective ro sup x$/);
      expect(pt[2]).toMatch(/^user PGD of pid 1 at 0x[0-9a-f]+/);
      expect(pt[2]).toMatch(
        /-> not mapped \(a walk stops at the (PTE|PDE|PDPTE|PML4E): #PF with P=0\)$/,
      );
      const entry = d.execute("pt entry_SYSCALL_64").split(/\n(?=\S)/);
      expect(entry[1]).toMatch(/-> phys .* effective ro sup x/);
      expect(entry[2]).toMatch(/-> phys .* effective ro sup x/);
    });
  }

  it("catch cr3 stops before each MOV to CR3; si shows the write and cr the kernel PGD", () => {
    const d = kernelDebugger(["getpid"], PTI, [PATCH1]);
    atFirstSyscall(d);
    d.execute("delete 1");
    expect(d.execute("catch cr3")).toBe("Catchpoint 2 (cr3)");
    const stop = d.execute("c");
    expect(stop).toMatch(/^Catchpoint 2 \(cr3\), user_pagetable_escape\+0x[0-9a-f]+ \(.*\.h:\d+\)\n=> 0x[0-9a-f]+:\tmov +%\w+,%cr3$/); // prettier-ignore
    expect(d.execute("stack")).toMatch(/in entry stack of CPU 0 /);
    expect(d.execute("si")).toMatch(/^\[cr3 write: 0x[0-9a-f]+ -> 0x[0-9a-f]+ \(kernel PGD of pid 1\), PCID 1, no-flush \(bit 63\), 0 TLB entries flushed\]/); // prettier-ignore
    expect(d.execute("cr")).toMatch(/PCID 1 \(0x1\) {2}last write with no-flush \(bit 63\) {2}= kernel PGD of pid 1$/m); // prettier-ignore
  });

  it("catch sysret stops before SYSRETQ, still on the user PGD", () => {
    const d = kernelDebugger(["getpid"], PTI);
    d.execute("catch sysret");
    expect(d.execute("c")).toMatch(/^Catchpoint 1 \(sysret\), syscall_return_via_sysret\+0x[0-9a-f]+ \(programs\/entry\/entry_64\.S:\d+\)\n=> 0x[0-9a-f]+:\tsysretq$/); // prettier-ignore
    expect(d.execute("cr")).toMatch(/= user PGD of pid 1$/m);
    expect(d.execute("si")).toMatch(/^\[sysretq: back to _start\+0x[0-9a-f]+ .*CPL 0 -> 3\]/);
    expect(d.execute("regs")).toContain("cpl 3 (user mode)");
  });

  it("catch interrupt stops after a timer delivery; catch iret and catch swapgs before those instructions", () => {
    const d = kernelDebugger(["getpid"], { ...PTI, tick: 3000 });
    d.execute("catch interrupt");
    const stop = d.execute("c");
    expect(stop).toMatch(/^Catchpoint 1 \(interrupt\), asm_sysvec_apic_timer_interrupt\+0x0 /);
    expect(stop).toMatch(/\[delivered vector 236 through the IDT's interrupt gate, stack rsp0, CPL 3 -> 0, frame at 0x[0-9a-f]+\]/); // prettier-ignore
    expect(d.execute("frame")).toMatch(/^frame of vector 236 at rsp 0x[0-9a-f]+, pushed by the CPU \(SDM 6\.14\.2\):\n {2}0x[0-9a-f]+ {2}rip /); // prettier-ignore
    expect(d.execute("stack")).toMatch(/in entry stack of CPU 0 /);
    expect(d.execute("where")).toMatch(/^#1 .*\[entered by vector 236\]$/m);
    d.execute("delete 1");
    d.execute("catch iret");
    expect(d.execute("c")).toMatch(/^Catchpoint 2 \(iret\), \S+ \(programs\/entry\/entry_64\.S:\d+\)\n=> 0x[0-9a-f]+:\tiretq$/); // prettier-ignore
    expect(d.execute("si")).toMatch(/^\[iretq: back to _start\+0x[0-9a-f]+ .*CPL 0 -> 3\]/);
    expect(d.execute("where")).toMatch(/^#0 [^\n]*\[CPL 3, user stack of pid 1\]$/); // the trail is empty again
    d.execute("catch swapgs");
    expect(d.execute("c")).toMatch(/^Catchpoint 3 \(swapgs\), \S+ .*\n=> 0x[0-9a-f]+:\tswapgs$/);
  });

  it("frame forgets a delivery once RSP has moved: the exit's copy at the same address is not the CPU's", () => {
    const d = kernelDebugger(["spinner"], { ...PTI, tick: 3000 });
    d.execute("catch interrupt 236");
    d.execute("c");
    d.execute("si"); // clac: RSP still at the frame
    expect(d.execute("frame")).toMatch(/^frame of vector 236 at rsp (0x[0-9a-f]+), pushed by the CPU/); // prettier-ignore
    const at = /at rsp (0x[0-9a-f]+)/.exec(d.execute("frame"))![1];
    d.execute("delete");
    d.execute("catch iret");
    d.execute("c");
    // No error code: the exit copies the IRET frame back to the very address the CPU pushed it at.
    expect(d.execute("frame")).toMatch(new RegExp(`^no delivery just made: the qwords at rsp ${at} read as an IRET frame:`)); // prettier-ignore
  });

  it("apic shows the timer vector in service until the EOI, which catch wrmsr stops before", () => {
    const d = kernelDebugger(["spinner"], { ...PTI, tick: 3000 });
    const boot = d.execute("apic").split("\n");
    expect(boot[0]).toBe("x2APIC of CPU 0 (ID 0): SVR 0xff (disabled, spurious vector 255), TPR 0x0"); // prettier-ignore
    expect(boot[3]).toBe("  timer: masked"); // the reset state, before setup_local_APIC
    d.execute("catch interrupt 236");
    d.execute("c");
    const taken = d.execute("apic").split("\n");
    expect(taken[0]).toMatch(/SVR 0x1ff \(enabled, spurious vector 255\)/);
    expect(taken[1]).toBe("  ISR (in service): 236"); // SDM 10.8.4: delivery moves IRR → ISR
    expect(taken[2]).toBe("  IRR (requested):  none");
    expect(taken[3]).toMatch(/^ {2}timer: vector 236, periodic, initial count 3000, current count \d+$/); // prettier-ignore
    expect(taken[4]).toBe("  NMI: none pending");
    d.execute("delete");
    expect(d.execute("catch wrmsr")).toBe("Catchpoint 2 (wrmsr)");
    expect(d.execute("c")).toMatch(/^Catchpoint 2 \(wrmsr\), native_apic_msr_write\+0x[0-9a-f]+ .*\n=> 0x[0-9a-f]+:\twrmsr$/); // prettier-ignore
    expect(reg(d.execute("regs"), "rcx")).toBe(0x80bn); // the x2APIC EOI register
    const count = (t: string): number => Number(/current count (\d+)/.exec(t)![1]);
    const before = d.execute("apic");
    expect(before).toContain("ISR (in service): 236");
    expect(d.execute("si")).toMatch(/^\[wrmsr 0x80b = 0x0\]/);
    const after = d.execute("apic");
    expect(after).toContain("ISR (in service): none");
    expect(count(after)).toBe(count(before) - 1); // divide by 1: one count per instruction
  });

  it("a user page fault: catch exception 14, frame with the U bit and the user RIP, CR2", () => {
    const d = kernelDebugger(["pftouch"], PTI);
    d.execute("catch exception #PF");
    const stop = d.execute("c");
    expect(stop).toMatch(/^Catchpoint 1 \(exception #PF 14\), asm_exc_page_fault\+0x0 /);
    expect(stop).toMatch(
      /\[delivered #PF \(vector 14, error code 0x[0-9a-f]+\) .*stack rsp0, CPL 3 -> 0/,
    );
    const frame = d.execute("frame");
    expect(frame).toMatch(/error code 0x0*[4-7e-f] {2}not present \(P=0\), (read|write), user$/m);
    expect(frame).toMatch(/rip {8}0x0{10}4[0-9a-f]{5} {2}\S+ \(programs\/user\/pftouch\.S:\d+\)$/m);
    expect(frame).toMatch(/cs {9}0x0000000000000033 {2}\(RPL 3\)$/m);
    const cr2 = /^cr2 {2}(0x[0-9a-f]+)$/m.exec(d.execute("cr"))![1]!;
    expect(stop).toContain(`page fault at ${cr2}:`);
    expect(d.execute("stack")).toMatch(/in entry stack of CPU 0 /); // PTI: the TSS's sp0
  });

  it("probe reads leave no trace: no A bit, no TLB fill", () => {
    const d = kernelDebugger(["getpid"], PTI);
    const before = d.execute("pt do_syscall_64");
    expect(before).toMatch(/PTE\[\d+\] .* P ro sup\n/);
    const tlb = d.execute("tlb");
    d.execute("x/4g do_syscall_64");
    d.execute("disas do_syscall_64 4");
    expect(d.execute("pt do_syscall_64")).toBe(before);
    expect(d.execute("tlb")).toBe(tlb);
  });

  it("two CPUs: continue interleaves them; stops name the CPU; cpu N selects", () => {
    const d = kernelDebugger(["getpid", "getpid"], PTI, [], { cpus: 2 });
    d.execute("break do_syscall_64");
    const cpus = new Set<string>();
    // Each CPU may reach the breakpoint a few times in a row (its share of the interleaving): stop
    // until both have, within a bound.
    for (let i = 0; i < 16 && cpus.size < 2; i++) {
      const stop = d.execute("c");
      expect(stop).toMatch(/^\[CPU [01]\] Breakpoint 1, do_syscall_64\+0x0 /);
      cpus.add(stop.slice(5, 6));
      expect(d.execute("task")).toMatch(new RegExp(`^CPU ${stop.slice(5, 6)} runs pid [12] \\(getpid\\)`)); // prettier-ignore
    }
    expect([...cpus].sort()).toEqual(["0", "1"]);
    expect(d.execute("cpu 1")).toMatch(/^CPU 1 of 2\n\[CPU 1\] /);
    expect(d.execute("tlb 1")).toMatch(/^CPU 1 TLB \(strict\)/);
  });
});

describe("forked tasks in the debugger", () => {
  it("names a forked child's kernel stack, its task and its PGD from the sched_process_fork record", () => {
    // No tick: the parent runs until it sleeps in wait4, then its first child starts.
    const d = kernelDebugger(["forker"], { ...PTI, tick: 0 }, [], { maxInsns: 20_000_000 });
    d.execute("break ret_from_fork");
    expect(d.execute("continue")).toMatch(/Breakpoint 1/); // pid 1, the boot task
    expect(d.execute("task")).toMatch(/pid 1 \(forker\)/);
    expect(d.execute("continue")).toMatch(/Breakpoint 1/); // pid 2, the first child
    expect(d.execute("task")).toBe("CPU 0 runs pid 2 (forker) (last sched_switch)");
    expect(d.execute("stack 1")).toMatch(/in kernel stack of pid 2 \[/);
    expect(d.execute("where")).toMatch(/\[CPL 0, kernel stack of pid 2\]/);
    expect(d.execute("cr")).toMatch(/kernel PGD of pid 2/);
    const tasks = d.execute("info tasks").split("\n");
    expect(tasks[0]).toMatch(/PID\s+COMM\s+CPU\s+KERNEL STACK/);
    expect(tasks.find((l) => /^\s+2\s+forker\s+0\s+\[0x/.test(l))).toBeDefined();
    expect(tasks.find((l) => /^\s+1\s+forker\s+-\s+\[0x/.test(l))).toBeDefined();
  });

  it("forgets a reaped child: sched_process_free drops it from `info tasks`", () => {
    const d = kernelDebugger(["forker"], { ...PTI, tick: 0 }, [], { maxInsns: 20_000_000 });
    d.execute("continue");
    const tasks = d.execute("info tasks");
    // Every child was reaped by its parent; the parent released itself (no parent: no reaper).
    expect(tasks).not.toMatch(/^\s+[2-5]\s/m);
  });

  it("refuses a name two static functions share, and takes FILE:SYM to pick by file", () => {
    const d = kernelDebugger(["getpid"], PTI);
    // apic_eoi is a static inline of <asm/apic.h>, emitted in two objects: no silent pick.
    const both = d.execute("break apic_eoi");
    expect(both).toMatch(/^error: 'apic_eoi' names 2 symbols, at 0x[0-9a-f]{16} \(.*apic\.h:\d+, unit \S+\.c\) and 0x[0-9a-f]{16} \(.*apic\.h:\d+, unit \S+\.c\): give FILE:apic_eoi or the address$/); // prettier-ignore
    const [a1, a2] = [...both.matchAll(/0x[0-9a-f]{16}/g)].map((m) => m[0]);
    expect(a1).not.toBe(a2);
    expect(d.execute(`break ${a2}`)).toMatch(/^Breakpoint 1 at /);
    expect(d.execute("break sched.c:schedule")).toMatch(/^Breakpoint 2 at 0x[0-9a-f]+: schedule\+0x0 \(src\/kernel-rt\/runtime\/sched\.c:\d+\)$/); // prettier-ignore
    expect(d.execute("break traps.c:schedule")).toBe("error: no symbol 'schedule' in traps.c");
    expect(d.execute("break sched.c:0x10")).toBe("error: 'sched.c:0x10': a FILE: prefix goes with a symbol"); // prettier-ignore
  });
});
