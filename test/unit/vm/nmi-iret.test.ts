// NMI blocking and the IRET that ends it (SDM vol. 3A 6.7.1), on the bare flat64 machine: the
// blocking ends at an IRET executed by any handler — here a #BP handler running inside the NMI
// handler — and an NMI that arrived while blocked stays pending and is delivered at the boundary
// right after that IRET (nmi-iret.S checks the order in the guest). Also the same rule seen from
// the host: an NMI injected while blocked stays pending until the IRET.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { assembleText } from "../../../src/asm/index.js";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { link } from "../../../src/link/index.js";
import { createMachine } from "../../../src/vm/index.js";
import type { ObjectFile } from "../../../src/obj/index.js";
import { runImage, SYSTEM_DIR } from "../../system/run.js";
import { fileHost } from "../../support/host.js";

const HERE = new URL(".", import.meta.url).pathname;

const STEP_LIMIT = 100_000;
const RSP = 4; // the register number of %rsp

function build(file: string, defines: string[] = []): ObjectFile {
  const sources = new SourceManager();
  const diags = new DiagnosticBag();
  const path = HERE + file;
  const r = assembleText(path, readFileSync(path, "latin1"), {
    host: fileHost, sources, diags, includePaths: [SYSTEM_DIR], defines: defines.map((name) => ({ name })),
  }); // prettier-ignore
  const image = r.object && link([r.object], { diags });
  if (!image || diags.hasErrors) throw new Error(diags.items.map((d) => d.message).join("\n"));
  return image;
}

const CHECKS = [
  "both nmis ran",
  "the second nmi waits while the first runs",
  "the second nmi waits through the bp handler",
  "first the nmi",
  "then the bp",
  "then the second nmi right after the bp handler iretq",
  "and only then the instruction after int3",
  "the second nmi interrupts the first at after_int3",
];

describe("IRET ends NMI blocking whichever handler executes it", () => {
  it("a #BP handler's IRETQ inside the NMI handler lets the pending NMI in at once", () => {
    const { output, result } = runImage(build("nmi-iret.S"));
    expect(output).toBe(CHECKS.map((c) => `ok ${c}\n`).join("") + "done\n");
    expect(result.reason).toBe("exit");
  });

  it("an NMI injected while blocked stays pending until that IRET, then comes at once", () => {
    const image = build("nmi-iret.S", ["HOST_NMI"]);
    const addr = (name: string): number =>
      Number(image.symbols.find((s) => s.name === name)!.value);
    let output = "";
    const m = createMachine({
      maxInsns: 5_000_000,
      output: (b) => (output += String.fromCharCode(...b)),
    });
    expect(m.loadFlat64(image)).toEqual([]);
    const c = m.cpus[0]!;
    const stepUntil = (done: () => boolean): void => {
      for (let n = 0; !done(); n++) {
        expect(n).toBeLessThan(STEP_LIMIT);
        expect(m.debugStep(0)).toBeUndefined();
      }
    };
    stepUntil(() => c.rip === addr("nmi_handler"));
    expect(c.nmiBlocked).toBe(true);
    m.inject({ kind: "nmi", cpu: 0, at: 0 });
    expect(c.apic.nmiPending).toBe(true);
    stepUntil(() => c.rip === addr("bp_handler"));
    expect(c.apic.nmiPending).toBe(true); // delivering the #BP does not end the blocking
    stepUntil(() => !c.nmiBlocked); // the #BP handler's IRETQ
    expect(c.rip).toBe(addr("after_int3"));
    expect(c.apic.nmiPending).toBe(true);
    m.debugStep(0); // the next boundary delivers the NMI, before after_int3 runs
    expect(c.rip).toBe(addr("nmi_handler"));
    expect([c.nmiBlocked, c.apic.nmiPending]).toEqual([true, false]);
    expect(m.mem.read32(c.regAsNumber(RSP))).toBe(addr("after_int3")); // flat64: identity-mapped, below 4 GiB
    expect(m.run().reason).toBe("exit");
    expect(output).toBe(CHECKS.map((k) => `ok ${k}\n`).join("") + "done\n");
  });
});
