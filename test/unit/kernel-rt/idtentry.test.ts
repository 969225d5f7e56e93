// The idtentry stubs and what runs behind them: exceptions from user mode kill the task with
// Linux's report and signal, a kernel-mode exception is an oops, the IDT holds each stub with the
// DPL and IST the design gives it, NMIs and stray interrupts are taken from user and kernel mode
// and returned from, and the APIC tick preempts a task that never enters the kernel itself.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager, renderDiagnostics } from "../../../src/diag/index.js";
import type { Host } from "../../../src/diag/index.js";
import { bootKernel, buildKernel } from "../../../src/kernel-rt/index.js";
import type { KernelBuild, KernelConfig } from "../../../src/kernel-rt/index.js";
import { mappedRanges } from "../../../src/vm/index.js";
import type { MachineOptions, RunResult } from "../../../src/vm/index.js";
import { host, theKernel, userImage } from "./helpers.js";

/** isa-debug-exit statuses: (v << 1) | 1. */
const status = (v: number) => (v << 1) | 1;
const SIG = { SIGILL: 4, SIGTRAP: 5, SIGFPE: 8, SIGSEGV: 11 };
/** traps.c: a kernel-mode exception ends the run with 0x40 + vector. */
const DIE_EXIT_BASE = 0x40;
const PTI_ON = { pti: true, pcid: true };

/** One-instruction user programs that fault, each followed by an exit that must not be reached. */
const FAULTING: Record<string, string> = {
  "ud.S": "ud2",
  "de.S": "xorl %ecx, %ecx\n\tmovl $5, %eax\n\tdivl %ecx",
  "bp.S": "int3",
  "hlt.S": "hlt",
  "int80.S": "int $0x80",
};
const TEST_DIR = "<idtentry-test>";
const testHost: Host = {
  readFile: (path) => {
    if (!path.startsWith(`${TEST_DIR}/`)) return host.readFile(path);
    const body = FAULTING[path.slice(TEST_DIR.length + 1)];
    return body && `\t.text\n\t.globl _start\n_start:\n\t${body}\n\tmovl $60, %eax\n\tsyscall\n`;
  },
};

function image(name: string) {
  return userImage(name, TEST_DIR, testHost);
}

interface Run {
  result: RunResult;
  output: string;
}

function runOn(
  kernel: KernelBuild,
  names: string[],
  config: KernelConfig = PTI_ON,
  machine: MachineOptions = {},
): Run {
  const diags = new DiagnosticBag();
  let output = "";
  const users = names.map((name) => ({ name, image: image(name) }));
  const b = bootKernel(kernel, users, config, {
    diags,
    machine: { maxInsns: 3_000_000, ...machine, output: (bytes) => (output += new TextDecoder().decode(bytes)) }, // prettier-ignore
  });
  if (!b) throw new Error(diags.items.map((d) => d.message).join("\n"));
  return { result: b.machine.run(), output };
}

const run = (names: string[], config?: KernelConfig, machine?: MachineOptions) =>
  runOn(theKernel(), names, config, machine);

describe("exceptions from user mode", () => {
  const cases: [string, string, number, string][] = [
    ["ud.S", "invalid opcode", SIG.SIGILL, "error:0"],
    ["de.S", "divide error", SIG.SIGFPE, "error:0"],
    ["bp.S", "int3", SIG.SIGTRAP, "error:0"],
    // HLT at CPL 3: #GP(0) (SDM vol. 2, HLT).
    ["hlt.S", "general protection", SIG.SIGSEGV, "error:0"],
    // INT 0x80 through a DPL 0 gate: #GP with the IDT error code 0x80 * 8 + 2 (SDM 6.12.1.1).
    ["int80.S", "general protection", SIG.SIGSEGV, "error:402"],
  ];
  for (const [prog, name, signal, error] of cases)
    it(`${prog}: reports '${name}' and kills the task with signal ${signal}; the next task runs`, () => {
      for (const config of [PTI_ON, { pti: false, pcid: false }]) {
        const r = run([prog, "getpid"], config);
        expect(r.output).toMatch(new RegExp(`^${prog.replace(".", "\\.")}\\[1\\] trap ${name} ip:40[0-9a-f]+ sp:7ffffffff000 ${error}\n`)); // prettier-ignore
        expect(r.output).toContain("getpid: pid 2 after 10 calls\n");
        expect(r.result.reason).toBe("exit");
        expect(r.result.exitStatus).toBe(status(signal));
      }
    });

  it("int3 is a trap through a DPL 3 gate: the report names the next instruction", () => {
    const r = run(["bp.S"]);
    const ud = run(["ud.S"]);
    // ud2 is a fault: its RIP is the instruction's own (the program's first).
    expect(ud.output).toMatch(/ip:400000 /);
    expect(r.output).not.toMatch(/ip:400000 /);
  });
});

describe("a kernel-mode exception", () => {
  it("is an oops: the report and the run's end with 0x40 + vector", () => {
    // A kernel with a bug: do_syscall_64 executes ud2.
    const text = host.readFile("src/kernel-rt/runtime/syscall.c")!;
    const broken = text.replace(
      /(void do_syscall_64\([^)]*\)\n\{\n)/,
      '$1\tasm volatile("ud2");\n',
    );
    expect(broken).not.toBe(text);
    const sources = new SourceManager();
    const diags = new DiagnosticBag();
    const bugHost: Host = { readFile: (p) => (p.endsWith("runtime/syscall.c") ? broken : host.readFile(p)) }; // prettier-ignore
    const kernel = buildKernel({ host: bugHost, sources, diags });
    if (!kernel) throw new Error(renderDiagnostics(diags.items, sources));
    const r = runOn(kernel, ["getpid"]);
    expect(r.output).toContain("entrylab kernel: oops: invalid opcode: error 0 on CPU 0\n");
    expect(r.output).toMatch(/RIP: ffffffff81[0-9a-f]+ CS: 10 /);
    expect(r.output).toContain("task: getpid[1]\n");
    expect(r.result.exitStatus).toBe(status(DIE_EXIT_BASE + 6));
  });
});

describe("the IDT", () => {
  /** Gate fields of a vector, read from the booted machine's IDT page (SDM figure 6-8). */
  function gate(vector: number) {
    const diags = new DiagnosticBag();
    const b = bootKernel(theKernel(), [{ name: "getpid", image: image("getpid") }], PTI_ON, { diags }); // prettier-ignore
    const sym = (n: string) => theKernel().image.symbols.find((s) => s.name === n)!.value;
    const idtr = b!.machine.cpus[0]!.idtrBase;
    const range = mappedRanges(b!.machine.mem, b!.swapper.kernel).find((r) => r.start <= idtr && idtr < r.end)!; // prettier-ignore
    const read = (off: number) => b!.machine.mem.read32(range.phys + (idtr - range.start) + vector * 16 + off); // prettier-ignore
    const [w0, w1, w2] = [read(0), read(4), read(8)];
    const target = (BigInt(w2 >>> 0) << 32n) | BigInt((w1 & 0xffff0000) >>> 0) | BigInt(w0 & 0xffff); // prettier-ignore
    return { present: (w1 >>> 15) & 1, dpl: (w1 >>> 13) & 3, ist: w1 & 7, type: (w1 >>> 8) & 0xf, target, sym }; // prettier-ignore
  }

  it("gives #BP and #OF DPL 3, #DF IST 1 and NMI IST 2, and interrupt gates throughout", () => {
    expect(gate(3)).toMatchObject({ present: 1, dpl: 3, ist: 0, type: 0xe });
    expect(gate(4)).toMatchObject({ dpl: 3 });
    expect(gate(13)).toMatchObject({ present: 1, dpl: 0, ist: 0 });
    expect(gate(8)).toMatchObject({ ist: 1 });
    expect(gate(2)).toMatchObject({ ist: 2 });
  });

  it("points each vector at its stub: exceptions, sysvecs, and the per-vector irq stubs", () => {
    const pf = gate(14);
    expect(pf.target).toBe(BigInt.asUintN(64, pf.sym("asm_exc_page_fault")));
    const timer = gate(0xec);
    expect(timer.target).toBe(BigInt.asUintN(64, timer.sym("asm_sysvec_apic_timer_interrupt")));
    const ext = gate(0x41);
    expect(ext.target).toBe(BigInt.asUintN(64, ext.sym("irq_entries_start")) + BigInt((0x41 - 0x20) * 16)); // prettier-ignore
    // #MC has no stub in the model: its gate is not present.
    expect(gate(18).present).toBe(0);
  });
});

describe("NMIs and stray interrupts", () => {
  /** The instruction count of CPU 0 when the getpid task is in user mode, and in the kernel. */
  it("takes an NMI from user mode and from kernel mode and returns to each", () => {
    const quiet = run(["getpid"], PTI_ON);
    const total = quiet.result.insns;
    const points = [Math.floor(total / 3), Math.floor(total / 2), total - 40];
    const r = run(["getpid"], PTI_ON, { inject: points.map((at) => ({ kind: "nmi" as const, cpu: 0, at })) }); // prettier-ignore
    expect(r.output.match(/NMI \d+ on CPU 0\n/g)).toEqual(["NMI 1 on CPU 0\n", "NMI 2 on CPU 0\n", "NMI 3 on CPU 0\n"]); // prettier-ignore
    expect(r.output).toContain("getpid: pid 1 after 10 calls\n");
    expect(r.result.exitStatus).toBe(status(0));
  });

  it("reports an interrupt on a vector nobody handles, acknowledges it and goes on", () => {
    const r = run(["getpid"], PTI_ON, { inject: [{ kind: "irq", vector: 0x41, cpu: 0, at: 5000 }] }); // prettier-ignore
    expect(r.output).toContain("CPU 0: interrupt on vector 41 with no handler\n");
    expect(r.output).toContain("getpid: pid 1 after 10 calls\n");
    expect(r.result.exitStatus).toBe(status(0));
  });
});

describe("the tick", () => {
  const rounds = (out: string) => out.split("\n").filter((l) => l.startsWith("spinner:"));
  const sequential = [1, 2].flatMap((pid) => [0, 1, 2, 3].map((r) => `spinner: pid ${pid} round ${r}`)); // prettier-ignore

  it("without a timer, a spinner keeps its CPU until it exits", () => {
    const r = run(["spinner", "spinner"], { ...PTI_ON, tick: 0 });
    expect(rounds(r.output)).toEqual(sequential);
  });

  it("preempts a spinner on its way back to user mode, so two spinners take turns", () => {
    for (const config of [PTI_ON, { pti: false, pcid: false }]) {
      const r = run(["spinner", "spinner"], { ...config, tick: 20_000 });
      const lines = rounds(r.output);
      expect([...lines].sort()).toEqual([...sequential].sort());
      expect(lines).not.toEqual(sequential);
      expect(lines.indexOf("spinner: pid 2 round 0")).toBeLessThan(lines.indexOf("spinner: pid 1 round 3")); // prettier-ignore
      expect(r.result.exitStatus).toBe(status(0));
    }
  });

  it("keeps an idle CPU's clock with the busy one's, so its tick cannot end the run early", () => {
    // CPU 1 idles once its ping-pong task is done while CPU 0's spinner still runs: a halted
    // CPU waits with the others instead of jumping to its next tick, so the limit is not reached
    // by an idle clock racing ahead.
    const r = run(["pingpong", "pingpong", "spinner"], PTI_ON, { cpus: 2 });
    expect(r.output.split("\n").filter((l) => l.startsWith("spinner"))).toHaveLength(4);
    expect(r.result.reason).toBe("exit");
    const [c0, c1] = r.result.cpus.map((c) => c.insns);
    expect(Math.abs(c0! - c1!)).toBeLessThan(200_000);
  });
});
