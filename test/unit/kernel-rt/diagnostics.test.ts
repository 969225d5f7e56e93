// Bad boots are diagnostics with stable codes, never exceptions.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { bootKernel, buildUserProgram } from "../../../src/kernel-rt/index.js";
import { host, program, theKernel } from "./helpers.js";

const codes = (d: DiagnosticBag): string[] => d.items.map((x) => x.code);

describe("boot diagnostics", () => {
  it("needs at least one task (E9007)", () => {
    const diags = new DiagnosticBag();
    expect(bootKernel(theKernel(), [], { pti: true, pcid: true }, { diags })).toBeUndefined();
    expect(codes(diags)).toEqual(["E9007"]);
  });

  it("reports guest memory too small for the tables (E9004)", () => {
    const diags = new DiagnosticBag();
    const users = [{ name: "getpid", image: program("getpid") }];
    expect(bootKernel(theKernel(), users, { pti: true, pcid: true }, { diags, machine: { memSize: 0x1100000 } })).toBeUndefined(); // prettier-ignore
    expect(codes(diags)).toEqual(["E9004"]);
  });

  it("rejects more CPUs than NR_CPUS and too many tasks (E9005)", () => {
    const diags = new DiagnosticBag();
    const users = Array.from({ length: 65 }, () => ({ name: "getpid", image: program("getpid") }));
    expect(bootKernel(theKernel(), users, { pti: true, pcid: true }, { diags })).toBeUndefined();
    expect(codes(diags)).toEqual(["E9005"]);
  });

  it("rejects a user program linked outside user space (E9002)", () => {
    const diags = new DiagnosticBag();
    const users = [{ name: "k", image: theKernel().image }];
    expect(bootKernel(theKernel(), users, { pti: true, pcid: true }, { diags })).toBeUndefined();
    expect(codes(diags)).toEqual(["E9002"]);
  });

  it("reports a missing user program (E9001)", () => {
    const diags = new DiagnosticBag();
    expect(buildUserProgram("no-such-program", { host, sources: new SourceManager(), diags })).toBeUndefined(); // prettier-ignore
    expect(codes(diags)).toEqual(["E9001"]);
  });
});
