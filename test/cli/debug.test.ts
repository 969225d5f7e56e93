// `entrylab debug` and `entrylab kernel debug`: commands from --ex, -x FILE and standard input,
// the echoed transcript, and the exit statuses (0 whatever the guest did; 2 for trouble).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, ROOT, scratch } from "./helpers.js";

const SYSCALL_S = ["test/system/syscall.S", "-I", "test/system"];

describe("entrylab debug", () => {
  it("runs --ex commands in order, echoing each after the prompt", () => {
    const r = entrylab(["debug", ...SYSCALL_S, "--ex", "break kentry", "--ex", "c", "--ex", "info break"]); // prettier-ignore
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.split("\n");
    expect(lines[0]).toBe("(entrylab) break kentry");
    expect(lines[1]).toMatch(/^Breakpoint 1 at 0x[0-9a-f]{16}: kentry\+0x0 \(test\/system\/syscall\.S:\d+\)$/); // prettier-ignore
    expect(lines[2]).toBe("(entrylab) c");
    expect(lines[3]).toMatch(/^Breakpoint 1, kentry\+0x0 /);
    expect(lines[4]).toMatch(/^=> 0x[0-9a-f]{16}:\tswapgs$/);
    expect(lines[5]).toBe("(entrylab) info break");
  });

  it("reads -x FILE (comments and blank lines skipped) before --ex; exit 0 although the guest exits 0 (status 1)", () => {
    const dir = scratch({ "cmds.gdb": "# stop at the first SYSCALL\ncatch syscall\n\nc\n" });
    const r = entrylab(["debug", ...SYSCALL_S, "-x", join(dir, "cmds.gdb"), "--ex", "delete", "--ex", "c"]); // prettier-ignore
    expect(r.status).toBe(0);
    const prompts = r.stdout.split("\n").filter((l) => l.startsWith("(entrylab) "));
    expect(prompts).toEqual(["(entrylab) catch syscall", "(entrylab) c", "(entrylab) delete", "(entrylab) c"]); // prettier-ignore
    expect(r.stdout).toMatch(/Run ended: the guest exited, status 1 \(isa-debug-exit 0\), after \d+ instructions\n$/); // prettier-ignore
  });

  it("reads standard input when no command is given, echoing each command; quit ends the session", () => {
    const bin = join(ROOT, "bin/entrylab.js");
    const r = spawnSync(process.execPath, [bin, "debug", ...SYSCALL_S], { cwd: ROOT, encoding: "latin1", input: "cpu\nbogus\nquit\nregs\n" }); // prettier-ignore
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\(entrylab\) cpu\nCPU 0 of 1\n_start\+0x0 .*\n=> .*\n\(entrylab\) bogus\nerror: unknown command 'bogus' \(try 'help'\)\n\(entrylab\) quit\n$/); // prettier-ignore
  });

  it("takes run's --inject: the NMI is taken at that count", () => {
    const r = entrylab(["debug", ...SYSCALL_S, "--inject", "nmi@0:3", "--ex", "catch interrupt NMI", "--ex", "c"]); // prettier-ignore
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^\[NMI taken\]$/m);
  });

  it("a missing -x file or a bad option is trouble: status 2", () => {
    const missing = entrylab(["debug", ...SYSCALL_S, "-x", "/nonexistent/cmds"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/error\[E0002\]: cannot read '\/nonexistent\/cmds'/);
    expect(entrylab(["debug", ...SYSCALL_S, "--cpus", "0", "--ex", "c"]).status).toBe(2);
    expect(entrylab(["debug", "nonexistent.S", "--ex", "c"]).status).toBe(2);
  });
});

describe("entrylab kernel debug", () => {
  it("boots a scenario and stops at its first SYSCALL, on the user PGD", () => {
    const r = entrylab(["kernel", "debug", "--scenario", "baseline-getpid", "--ex", "catch syscall", "--ex", "c", "--ex", "si", "--ex", "cr", "--ex", "task"]); // prettier-ignore
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^Catchpoint 1 \(syscall\), _start\+0x[0-9a-f]+ \(programs\/user\/getpid\.S:\d+\)$/m); // prettier-ignore
    expect(r.stdout).toMatch(/^entry_SYSCALL_64\+0x0 \(programs\/entry\/entry_64\.S:\d+\)$/m);
    expect(r.stdout).toMatch(/^cr3 .* = user PGD of pid 1$/m);
    expect(r.stdout).toMatch(/^CPU 0 runs pid 1 \(getpid\)/m);
  });

  it("--inject posts an NMI at an instruction count, as `kernel run --inject` does; a bad one is status 2", () => {
    const r = entrylab(["kernel", "debug", "--inject", "nmi@0:5000", "--ex", "catch interrupt NMI", "--ex", "c", "--ex", "apic"]); // prettier-ignore
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Catchpoint 1 \(interrupt NMI 2\), asm_exc_nmi\+0x0 /m);
    expect(r.stdout).toMatch(/NMI: none pending, blocked until the next IRET/);
    const run = entrylab(["kernel", "run", "--inject", "nmi@0:5000"]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("NMI 1 on CPU 0\n");
    const bad = entrylab(["kernel", "debug", "--inject", "nmi@1:5", "--ex", "c"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--inject: 'nmi@1:5': CPU 1 does not exist \(--cpus 1\)/);
  });

  it("a scenario that does not exist is trouble: status 2", () => {
    const r = entrylab(["kernel", "debug", "--scenario", "no-such-scenario", "--ex", "c"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/scenario 'no-such-scenario' not found/);
  });
});
