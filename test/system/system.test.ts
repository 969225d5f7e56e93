// The bare-metal system tests: each test/system/*.S program sets up its own GDT, IDT, TSS, page
// tables and MSRs (sys.h), checks in the guest what the SDM says happens (CHECK prints "ok name"
// or "FAIL name got=.. want=.."), and exits through isa-debug-exit. A run passes when it exits
// with status 1 and COM1's output equals test/system/expected/NAME.txt — so every check ran and
// none failed. UPDATE_GOLDEN=1 rewrites an expected file (only from a run without FAIL lines).
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseFeatures } from "../../src/vm/index.js";
import type { Features, MachineOptions } from "../../src/vm/index.js";
import { runSystem, SYSTEM_DIR } from "./run.js";

interface Case {
  name: string;
  file: string;
  opts?: MachineOptions;
  defines?: string[];
  /** Expected-output file name when it differs from `name`. */
  expected?: string;
}

function without(name: string): Features {
  return parseFeatures(`-${name}`) as Features;
}

const CASES: Case[] = [
  { name: "tlb", file: "tlb.S" },
  { name: "tlb-off", file: "tlb.S", opts: { tlb: "off" }, defines: ["TLB_OFF"] },
  { name: "tlb-finite", file: "tlb.S", opts: { tlb: "finite" }, expected: "tlb" },
  { name: "paging", file: "paging.S" },
  { name: "paging-no-gbpages", file: "paging.S", opts: { features: without("gbpages") }, defines: ["NO_GBPAGES"] }, // prettier-ignore
  { name: "delivery", file: "delivery.S" },
  { name: "iret", file: "iret.S" },
  { name: "syscall", file: "syscall.S" },
  { name: "syscall-amd", file: "syscall.S", opts: { vendor: "amd" }, defines: ["AMD"] },
  { name: "features-off", file: "features.S", opts: { features: parseFeatures("-pcid,-invpcid,-smep,-smap,-fsgsbase,-rdtscp,-nx,-pge,-syscall") as Features } }, // prettier-ignore
  { name: "features-on", file: "features.S", defines: ["ALL_ON"] },
  { name: "inject", file: "inject.S", opts: { inject: [{ kind: "nmi", cpu: 0, at: 20000 }, { kind: "irq", vector: 0x41, cpu: 0, at: 40000 }] } }, // prettier-ignore
  { name: "smp", file: "smp.S", opts: { cpus: 2, quantum: 50 } },
  { name: "smp-quantum-1", file: "smp.S", opts: { cpus: 2, quantum: 1 }, expected: "smp" },
  { name: "smp-quantum-default", file: "smp.S", opts: { cpus: 2 }, expected: "smp" },
];

describe.each(CASES)("$name", (c) => {
  it("prints the expected checks and exits", () => {
    const { output, result } = runSystem(c.file, c.opts ?? {}, c.defines ?? []);
    const file = `${SYSTEM_DIR}expected/${c.expected ?? c.name}.txt`;
    if (process.env.UPDATE_GOLDEN && !/^FAIL/m.test(output)) writeFileSync(file, output);
    expect(output.split("\n").filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(output).toBe(readFileSync(file, "latin1"));
    expect(result.reason).toBe("exit");
    expect(result.exitStatus).toBe(1);
  });
});

describe("triple fault", () => {
  it("ends the run with the chain #UD #PF #DF #NP and each fault's CR2", () => {
    const { result } = runSystem("triple.S");
    expect(result.reason).toBe("triple-fault");
    const chain = result.faultChain!;
    expect(chain.map((f) => f.name)).toEqual(["#UD", "#PF", "#DF", "#NP"]);
    const RSP0 = 0x40000000 + 20 * 0x1000; // WIN_VA(20): not mapped
    expect(chain[1]!.errorCode).toBe(2); // a supervisor write (the frame push), not present
    expect(parseInt(chain[1]!.cr2, 16)).toBe(RSP0 - 8);
    expect(chain[2]!.errorCode).toBe(0);
    expect(chain[3]!.errorCode).toBe(8 * 8 + 2 + 1); // the #DF gate, IDT bit, EXT
  });
});

describe("several CPUs", () => {
  it("interleave deterministically: the same run twice gives the same state", () => {
    const a = runSystem("smp.S", { cpus: 2, quantum: 7 });
    const b = runSystem("smp.S", { cpus: 2, quantum: 7 });
    expect(a.result.cpus).toHaveLength(2);
    expect(JSON.stringify(b.result)).toBe(JSON.stringify(a.result));
    expect(b.output).toBe(a.output);
  });
  it("end as a deadlock when every CPU halts with nothing pending", () => {
    for (const cpus of [1, 3]) {
      const { result } = runSystem("deadlock.S", { cpus });
      expect(result.reason).toBe("deadlock");
      expect(result.cpus.every((c) => c.halted)).toBe(true);
    }
  });
});
