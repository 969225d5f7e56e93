// The debugger on bare flat64 programs (test/system): SYSCALL entry, #PF delivery and its frame,
// the #DF IST stack, breakpoints, probe reads, the end of the run, and bad input.
import { describe, expect, it } from "vitest";
import type { Debugger } from "../../../src/debug/index.js";
import { bareDebugger } from "./helpers.js";

/** `c` until the selected CPU stops at CPL `cpl` (the bare tests fault on purpose in ring 0 first). */
function continueToCpl(d: Debugger, cpl: number): string {
  for (let i = 0; i < 20; i++) {
    const out = d.execute("c");
    if (d.execute("regs").includes(`cpl ${cpl} `)) return out;
  }
  throw new Error(`never stopped at CPL ${cpl}`);
}

/** A register's value from the `regs` view. */
function reg(regs: string, name: string): string {
  return new RegExp(`\\b${name} +(0x[0-9a-f]+)`).exec(regs)![1]!;
}

describe("debugger on bare programs", () => {
  it("catch syscall stops before a user SYSCALL; si enters LSTAR's handler at CPL 0", () => {
    const d = bareDebugger("syscall.S");
    expect(d.execute("catch syscall")).toBe("Catchpoint 1 (syscall)");
    const stop = continueToCpl(d, 3);
    // The user code runs at a window alias that no symbol names: the stop shows the address.
    expect(stop).toMatch(/^Catchpoint 1 \(syscall\), 0x0*4000a[0-9a-f]{3}\n=> 0x[0-9a-f]{16}:\tsyscall$/); // prettier-ignore
    const userRip = BigInt(/rip (0x[0-9a-f]+)/.exec(d.execute("regs"))![1]!);
    const userFlags = BigInt(/rflags (0x[0-9a-f]+)/.exec(d.execute("regs"))![1]!);
    const step = d.execute("si");
    expect(step).toMatch(/^\[syscall: rax 0x[0-9a-f]+, rip -> kentry\+0x0 .*CPL 3 -> 0\]/);
    const regs = d.execute("regs");
    expect(regs).toContain("cpl 0 (kernel mode)");
    expect(regs).toMatch(/rip 0x[0-9a-f]+ {3}kentry\+0x0/);
    // SDM "SYSCALL": RCX gets the next instruction's address, R11 the RFLAGS at the SYSCALL.
    expect(BigInt(reg(regs, "rcx"))).toBe(userRip + 2n);
    expect(BigInt(reg(regs, "r11"))).toBe(userFlags);
  });

  it("catch exception 14 stops after #PF delivery: frame shows the error code and faulting RIP; cr shows CR2", () => {
    const d = bareDebugger("paging.S");
    expect(d.execute("catch exception 14")).toBe("Catchpoint 1 (exception #PF 14)");
    const stop = d.execute("c");
    expect(stop).toContain("[page fault at 0x0000000040000000: not present (P=0), read, supervisor (cr2 set)]"); // prettier-ignore
    expect(stop).toMatch(/\[delivered #PF \(vector 14, error code 0x0\)/);
    const frame = d.execute("frame").split("\n");
    expect(frame[0]).toMatch(/^frame of #PF \(vector 14\) at rsp 0x[0-9a-f]+, pushed by the CPU/);
    expect(frame[1]).toMatch(/error code 0x0{16} {2}not present \(P=0\), read, supervisor$/);
    expect(frame[2]).toMatch(/rip {8}0x[0-9a-f]+ {2}test_main\+0x[0-9a-f]+ \(.*paging\.S:\d+\)$/);
    expect(frame.map((l) => l.trim().split(/\s+/)[1])).toEqual(["of", "error", "rip", "cs", "rflags", "rsp", "ss"]); // prettier-ignore
    expect(d.execute("cr")).toMatch(/^cr2 {2}0x0000000040000000$/m);
    expect(d.execute("where")).toMatch(/^#1 .*test_main\+0x[0-9a-f]+ .*\[entered by #PF\]$/m);
  });

  it("a #DF takes IST 1: the stop names the IST stack and frame reads the CPL 3 frame", () => {
    const d = bareDebugger("delivery.S");
    d.execute("catch exception #DF");
    const stop = d.execute("c");
    expect(stop).toMatch(/\[double fault: vector 14 then 14\]/);
    expect(stop).toMatch(/delivered #DF \(vector 8, error code 0x0\) .*stack ist1, CPL 3 -> 0/);
    expect(d.execute("frame")).toMatch(/cs {9}0x0000000000000033 {2}\(RPL 3\)/);
    expect(d.execute("tss")).toMatch(/ist1 0x0*[1-9a-f][0-9a-f]*/);
  });

  it("breakpoints: break, info break, hit counts, delete; continue steps over the one it stopped at", () => {
    const d = bareDebugger("syscall.S");
    const set = d.execute("break kentry");
    expect(set).toMatch(/^Breakpoint 1 at 0x[0-9a-f]{16}: kentry\+0x0 \(.*syscall\.S:\d+\)$/);
    expect(d.execute("b test_main")).toMatch(/^Breakpoint 2 at .*test_main\+0x0 /);
    expect(d.execute("c")).toMatch(/^Breakpoint 2, test_main\+0x0 /);
    expect(d.execute("c")).toMatch(/^Breakpoint 1, kentry\+0x0 /);
    expect(d.execute("info break")).toMatch(
      /^1 +breakpoint +0x[0-9a-f]+ kentry\+0x0 .*, hit 1 time$/m,
    );
    expect(d.execute("delete 2")).toBe("");
    expect(d.execute("info break")).not.toMatch(/^2 /m);
    expect(d.execute("delete 9")).toBe("error: delete: no breakpoint or catchpoint number 9");
    d.execute("delete");
    expect(d.execute("info break")).toBe("No breakpoints or catchpoints.");
  });

  it("runs to the end and reports it; stepping afterwards says the run has ended", () => {
    const d = bareDebugger("syscall.S");
    expect(d.execute("c")).toMatch(/^Run ended: the guest exited, status 1 \(isa-debug-exit 0\), after \d+ instructions$/); // prettier-ignore
    expect(d.execute("si")).toMatch(/^The run has ended; nothing to step\./);
    expect(d.finished?.reason).toBe("exit");
  });

  it("reports a triple fault with its chain", () => {
    const d = bareDebugger("triple.S");
    const out = d.execute("c");
    expect(out).toMatch(
      /^Run ended: triple fault \(shutdown\), after \d+ instructions\n {2}fault /,
    );
  });

  it("x/Ng, x/Nb and disas read through the page tables; stepi N runs N instructions", () => {
    const d = bareDebugger("syscall.S");
    d.execute("break kentry");
    d.execute("c");
    expect(d.execute("x/2g $rip")).toMatch(/^0x[0-9a-f]{16} <kentry\+0x0>:\t0x[0-9a-f]{16}\t0x[0-9a-f]{16}$/); // prettier-ignore
    expect(d.execute("x/10b kentry").split("\n")).toHaveLength(2);
    const dis = d.execute("disas $rip 3").split("\n");
    expect(dis[0]).toMatch(/syscall\.S:\d+$/);
    expect(dis.filter((l) => l.startsWith("=> "))).toHaveLength(1);
    expect(dis.filter((l) => /^(=>| {2}) 0x/.test(l))).toHaveLength(3);
    const rip0 = d.execute("regs");
    d.execute("si 3");
    expect(d.execute("regs")).not.toBe(rip0);
    expect(d.execute("x/1g 0x7fff00000000")).toMatch(/^0x00007fff00000000: cannot access memory: not mapped/); // prettier-ignore
  });

  it("answers bad commands and arguments with one line and goes on", () => {
    const d = bareDebugger("syscall.S");
    const bad: [string, string][] = [
      ["frobnicate", "error: unknown command 'frobnicate' (try 'help')"],
      ["break", "error: break: give SYM, SYM+OFF or an address"],
      ["break nosuch", "error: no symbol 'nosuch' in the images"],
      [
        "b kentry+zz",
        "error: 'kentry+zz' is not an address (give SYM, FILE:SYM, SYM+OFF, 0xADDR or $reg)",
      ],
      ["x/2g $foo", "error: no register '$foo' (the 64-bit GPRs, $rip, $pc, $sp)"],
      ["si 0", "error: stepi: '0' must be at least 1"],
      ["si many", "error: stepi: 'many' is not a number"],
      ["catch lunch", "error: catch: give one of syscall, sysret, exception, interrupt, iret, cr3, swapgs, wrmsr"], // prettier-ignore
      ["catch syscall 3", "error: catch syscall takes no argument"],
      ["catch exception #XX", "error: catch: '#XX' is not a vector (0-255 or a name like #PF)"],
      ["cpu 5", "error: cpu: '5' is not a CPU (0-0)"],
      ["tlb 5000", "error: tlb: '5000' is not a PCID (0-4095)"],
      ["pt", "error: pt: give an address"],
      ["info frogs", "error: info: give 'break', 'registers' or 'tasks'"],
      ["c now", "error: continue takes no argument"],
    ];
    for (const [cmd, msg] of bad) expect(d.execute(cmd)).toBe(msg);
    expect(d.execute("")).toBe("");
    expect(d.execute("# a comment")).toBe("");
    expect(d.execute("help")).toContain("stepi [N] (si)");
    expect(d.execute("cpu")).toMatch(/^CPU 0 of 1\n_start\+0x0/);
  });
});
