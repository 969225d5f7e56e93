// The machine options of `entrylab run` (src/cli/commands/run.ts machineOptions): values reach
// the machine; bad values are usage errors (EXIT_USAGE, status 2) with a message naming the option.
// And the page-table view (`entrylab pt`, `run --pt-out`) over a system test's final state.
import { afterEach, describe, expect, it, vi } from "vitest";
import { machineOptions } from "../../src/cli/commands/run.js";
import { formatPageTables } from "../../src/cli/commands/pt.js";
import { ExitError, EXIT_USAGE } from "../../src/cli/exit.js";
import { mappedRanges } from "../../src/vm/index.js";
import { runSystem } from "./run.js";

afterEach(() => vi.restoreAllMocks());

function usage(flags: Parameters<typeof machineOptions>[0]): string {
  let text = "";
  vi.spyOn(process.stderr, "write").mockImplementation((s) => ((text += String(s)), true));
  try {
    machineOptions(flags);
  } catch (e) {
    expect(e).toBeInstanceOf(ExitError);
    expect((e as ExitError).status).toBe(EXIT_USAGE);
    return text;
  }
  throw new Error("no usage error");
}

describe("machine options", () => {
  it("parse every option", () => {
    const o = machineOptions({
      cpus: "2", quantum: "10", tlb: "finite", tlbSets: "64", tlbWays: "4", vendor: "amd",
      features: "-smap,-pcid", inject: ["nmi@1:500", "irq:0x40@0:1000"], mem: "128M",
    }); // prettier-ignore
    expect(o).toMatchObject({ cpus: 2, quantum: 10, tlb: "finite", tlbSets: 64, tlbWays: 4, vendor: "amd", memSize: 128 << 20 }); // prettier-ignore
    expect(o.features!.smap).toBe(false);
    expect(o.features!.pcid).toBe(false);
    expect(o.features!.smep).toBe(true);
    expect(o.inject).toEqual([
      { kind: "nmi", cpu: 1, at: 500 },
      { kind: "irq", vector: 0x40, cpu: 0, at: 1000 },
    ]);
  });
  it("a plain feature list replaces the default set", () => {
    const f = machineOptions({ features: "nx,pge,x2apic" }).features!;
    expect(Object.entries(f).filter(([, on]) => on).map(([n]) => n).sort()).toEqual(["nx", "pge", "x2apic"]); // prettier-ignore
  });
  it("reject bad values as usage errors", () => {
    expect(usage({ cpus: "0" })).toMatch(/--cpus/);
    expect(usage({ cpus: "99" })).toMatch(/--cpus: '99' is not 1-32/);
    expect(usage({ tlb: "lru" })).toMatch(/--tlb: 'lru' is not one of strict, finite, off/);
    expect(usage({ tlb: "finite", tlbSets: "3" })).toMatch(/power of two/);
    expect(usage({ tlbWays: "4" })).toMatch(/need --tlb finite/);
    expect(usage({ vendor: "via" })).toMatch(/--vendor/);
    expect(usage({ features: "+smep,nx" })).toMatch(/mix of/);
    expect(usage({ features: "-avx512" })).toMatch(/unknown feature 'avx512'/);
    expect(usage({ inject: ["nmi@0"] })).toMatch(/--inject/);
    expect(usage({ inject: ["nmi@2:10"] })).toMatch(/CPU 2 does not exist/);
    expect(usage({ inject: ["irq:3@0:10"] })).toMatch(/vector must be 16-255/);
    expect(usage({ quantum: "-1" })).toMatch(/--quantum/);
  });
});

describe("page-table view", () => {
  it("lists mapped ranges with effective rights and the TLB by PCID", () => {
    const { machine } = runSystem("tlb.S");
    const c = machine.cpu;
    const ranges = mappedRanges(machine.mem, c.cr3 - (c.cr3 % 4096));
    // sys.h: 0–1 GiB identity in supervisor 2 MiB pages, merged into one range.
    expect(ranges[0]).toMatchObject({ start: 0, end: 0x40000000, phys: 0, pageSize: 0x200000, writable: true, user: false }); // prettier-ignore
    const win = ranges.find((r) => r.start === 0x40000000)!;
    expect(win.pageSize).toBe(0x1000);
    const text = formatPageTables(machine.mem, c, true);
    expect(text).toMatch(
      /^0x0000000000000000-0x0000000040000000\s+1G\s+2M pages\s+RW\s+sup\s+x\s+-> 0x0+$/m,
    );
    expect(text).toMatch(/CPU 0 TLB \(strict\): \d+ hits, \d+ misses, \d+ fills/);
    expect(text).toMatch(
      /flushes: cr0 \d+, cr3 [1-9]\d*, cr4 [1-9]\d*, invlpg [1-9]\d*, invpcid [1-9]\d*, pf [1-9]/,
    );
    expect(text).toMatch(/^ {2}pcid 0: \d+ entr/m);
    expect(text).toMatch(/^ {2}global: 1 entry\n {4}0x0000000040008000 -> /m);
  });
});
