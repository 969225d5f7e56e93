// entrylab kernel: run user tasks on the model kernel from the command line (any directory),
// trace the run, build the image; bad input gives stable codes and run's statuses.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, scratch } from "./helpers.js";
import { DiagnosticBag } from "../../src/diag/index.js";
import { bootKernel } from "../../src/kernel-rt/index.js";
import { TraceRecorder, formatRecord } from "../../src/trace/index.js";
import { program, theKernel } from "../unit/kernel-rt/helpers.js";

/**
 * The trace `kernel run --trace` wrote while it booted twice: a first boot to learn the
 * builder's regions, named as image symbols, and a second one with the recorder.
 */
function twoBootTrace(users: string[], cpus: number): string {
  const k = theKernel();
  const progs = users.map((name) => ({ name, image: program(name) }));
  const config = { pti: true, pcid: true };
  const diags = new DiagnosticBag();
  const first = bootKernel(k, progs, config, { diags, machine: { cpus } })!;
  // The boot's regions as regions (not as image symbols): they keep their address spaces.
  const recorder = new TraceRecorder({ image: k.image, regions: first.regions, level: "paging" }); // prettier-ignore
  bootKernel(k, progs, config, { diags, machine: { cpus, events: recorder, output: () => {} } })!.machine.run(); // prettier-ignore
  expect(diags.items).toEqual([]);
  return recorder.records.map((r) => formatRecord(r, "jsonl") + "\n").join("");
}

describe("entrylab kernel run", () => {
  it("runs the default getpid task and exits with status 1 (debug-exit 0)", () => {
    const r = entrylab(["kernel", "run"], scratch());
    expect(r.stdout).toBe("getpid: pid 1 after 10 calls\n");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
  });

  it("runs two yielding tasks with PTI and PCID off", () => {
    const r = entrylab(["kernel", "run", "--user", "yield", "--user", "yield", "--pti", "off", "--pcid", "off"]); // prettier-ignore
    expect(r.stdout.split("\n").slice(0, 2)).toEqual(["yield: pid 1 round 0", "yield: pid 2 round 0"]); // prettier-ignore
    expect(r.status).toBe(1);
  });

  it("writes a trace that names the PTI CR3 writes and the builder's regions", () => {
    const dir = scratch();
    const r = entrylab(["kernel", "run", "--trace", join(dir, "k.trace")], dir);
    expect(r.status).toBe(1);
    const text = readFileSync(join(dir, "k.trace"), "latin1");
    expect(text).toMatch(/ cr .*pcid=801 noflush=yes/);
    expect(text).toContain('to="entry stack of CPU 0"');
  });

  it("boots once with --trace, and the trace is byte for byte the two-boot one", () => {
    const dir = scratch();
    const file = join(dir, "k.jsonl");
    const r = entrylab(["kernel", "run", "--user", "yield", "--user", "yield", "--cpus", "2", "--trace", file, "--trace-level", "paging"], dir); // prettier-ignore
    expect(r.status).toBe(1);
    const text = readFileSync(file, "latin1");
    expect(text).toContain('"to":"kernel stack of pid 2"');
    // Each task's user stack by its own name, though both are at the same address.
    expect(text).toContain('"to":"user stack of pid 2"');
    expect(text).toBe(twoBootTrace(["yield", "yield"], 2));
  });

  it("sets the timer's period with --tick: without a timer a spinner keeps the CPU", () => {
    const spinners = (tick: string) => entrylab(["kernel", "run", "--user", "spinner", "--user", "spinner", "--tick", tick]).stdout.split("\n").slice(0, 2); // prettier-ignore
    expect(spinners("0")).toEqual(["spinner: pid 1 round 0", "spinner: pid 1 round 1"]);
    expect(spinners("20000")).toEqual(["spinner: pid 1 round 0", "spinner: pid 2 round 0"]);
    const bad = entrylab(["kernel", "run", "--tick", "-5"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("error[E0001]: --tick: '-5' is not an instruction count from 0 (no timer) to 4294967295"); // prettier-ignore
  });

  it("makes the NMI handler take a #BP with --nmi-int3 or a scenario's config.nmiInt3", () => {
    const dir = scratch({ "nmi.json": '{ "users": ["getpid"], "config": { "nmiInt3": true } }' });
    const inject = ["--inject", "nmi@0:5000", "--inject", "nmi@0:5003", "--trace-format", "text"]; // prettier-ignore
    const bps = (opts: string[]): number => {
      const trace = join(dir, "t.txt");
      const r = entrylab(["kernel", "run", ...opts, ...inject, "--trace", trace], dir);
      expect(r.stdout).toBe("NMI 1 on CPU 0\nNMI 2 on CPU 0\ngetpid: pid 1 after 10 calls\n");
      expect(r.status).toBe(1);
      return readFileSync(trace, "latin1").split("\n").filter((l) => / deliver .* name=#BP /.test(l)).length; // prettier-ignore
    };
    expect(bps([])).toBe(0);
    expect(bps(["--nmi-int3"])).toBe(2);
    expect(bps(["--scenario", join(dir, "nmi.json")])).toBe(2);
  });

  it("reports the instruction limit with run's status 4", () => {
    const r = entrylab(["kernel", "run", "--max-insns", "500"]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/kernel run ended: limit/);
  });

  it("rejects a missing user program (E9001) and a bad option (E0001) with status 2", () => {
    const missing = entrylab(["kernel", "run", "--user", "no-such-program"]);
    expect(missing.stderr).toMatch(/error\[E9001\]: user program 'no-such-program' not found/);
    expect(missing.status).toBe(2);
    const bad = entrylab(["kernel", "run", "--pcid", "sometimes"]);
    expect(bad.stderr).toMatch(/error\[E0001\]: --pcid: 'sometimes' is not on or off/);
    expect(bad.status).toBe(2);
    const cpus = entrylab(["kernel", "run", "--cpus", "0"]);
    expect(cpus.status).toBe(2);
  });

  it("ends trouble on entrylab's side with 2, which no guest status is (docs/diagnostics.md)", () => {
    const dir = scratch({ "bad.json": "{ nope" });
    const guest = new Set([0, 4, 6, 8]); // halt, limit, triple fault, deadlock; exits are odd
    for (const args of [
      ["--scenario", join(dir, "bad.json")], // E9020, was 1 = a clean exit
      ["--scenario", "no-such"], // E9022, was 3 = exit code 1
      ["--mem", "1M"], // E9004 from the boot builder
      ["--trace", join(dir, "no-dir", "t.jsonl")], // E0003: cannot write
      ["--trace", "/dev/full", "--trace-level", "insn"], // E0003 during the run
    ]) {
      const r = entrylab(["kernel", "run", ...args], dir);
      expect(r.stderr).toMatch(/error\[E\d{4}\]/);
      expect(r.status).toBe(2);
      expect(r.status % 2 === 1 || guest.has(r.status)).toBe(false);
    }
  });

  it("reports a user program that does not assemble with its location (status 2)", () => {
    const dir = scratch({ "bad.S": "\tmovq %rax\n" });
    const r = entrylab(["kernel", "run", "--user", join(dir, "bad.S")], dir);
    expect(r.stderr).toMatch(/bad\.S:1:\d+: error\[E\d+\]/);
    expect(r.status).toBe(2);
  });
});

describe("entrylab kernel build", () => {
  it("writes the kernel image", () => {
    const dir = scratch();
    const r = entrylab(["kernel", "build", "-o", join(dir, "vmlinux")], dir);
    expect(r.status).toBe(0);
    expect([...readFileSync(join(dir, "vmlinux")).subarray(0, 4)]).toEqual([0x7f, 0x45, 0x4c, 0x46]); // prettier-ignore
  });
});
