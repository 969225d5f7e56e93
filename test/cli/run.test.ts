import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, scratch } from "./helpers.js";

const LOOP = join(import.meta.dirname, "../../../shared/bench/loop.S");

/** The calibration loop's checksum computed independently with BigInt. */
function loopChecksum(iters: number): string {
  const m = (v: bigint) => BigInt.asUintN(64, v);
  let rax = 0n, rbx = 1n, rdx = 0x12345n, rdi = 0n, slot = 7n; // prettier-ignore
  for (let rcx = 0n; rcx < BigInt(iters); rcx++) {
    rax = m(rax + rcx);
    rdx ^= rax;
    rbx = m(rbx + slot);
    slot = rbx;
    rdi ^= rbx;
  }
  return (rax ^ rbx ^ rdx ^ rdi).toString(16).padStart(16, "0");
}

describe("entrylab run", () => {
  it("assembles, links and runs the calibration loop from source; exit status from port 0xf4", () => {
    const r = entrylab(["run", "-D", "ITERS=5000", LOOP]);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`${loopChecksum(5000)}\n`);
    expect(r.status).toBe(1);
  });

  it("runs a linked image and writes the final state", () => {
    const dir = scratch({
      "t.S": "\t.globl _start\n_start:\n\tmovq $0x1234, %rbx\n\tcli\n\thlt\n",
    });
    expect(entrylab(["as", join(dir, "t.S"), "-o", join(dir, "t.o")]).status).toBe(0);
    expect(entrylab(["link", join(dir, "t.o"), "-o", join(dir, "t.img")]).status).toBe(0);
    const r = entrylab(["run", join(dir, "t.img"), "--state-out", join(dir, "s.json")]);
    expect(r.status).toBe(0);
    const state = JSON.parse(readFileSync(join(dir, "s.json"), "utf8"));
    expect(state.end).toBe("halt");
    expect(state.regs.rbx).toBe("0x0000000000001234");
    expect(state.insns).toBe(3);
  });

  it("stops at the instruction limit with status 4 and a report naming the source line", () => {
    const r = entrylab(["run", "--max-insns", "100", LOOP]);
    expect(r.status).toBe(4);
    expect(r.stderr).toMatch(/instruction limit reached after 100 instructions/);
    expect(r.stderr).toMatch(/rip 0x0000000000[0-9a-f]{6} loop\+0x[0-9a-f]+ \(.*loop\.S:\d+\)/);
  });

  it("reports a triple fault with the chain of faults and status 6", () => {
    const dir = scratch({ "u.S": "\t.globl _start\n_start:\n\tud2\n" });
    const r = entrylab(["run", join(dir, "u.S")]);
    expect(r.status).toBe(6);
    expect(r.stderr).toMatch(/triple fault/);
    expect(r.stderr).toMatch(/fault #UD at 0x0000000000100000 _start \(.*u\.S:3\)/);
    expect(r.stderr).toMatch(/fault #DF/);
  });

  it("rejects bad options and bad images with clear errors", () => {
    expect(entrylab(["run", "--max-insns", "lots", LOOP]).status).toBe(2);
    expect(entrylab(["run", "--mem", "12Q", LOOP]).stderr).toMatch(/not a size/);
    const dir = scratch({ "junk.img": "not an elf at all" });
    const bad = entrylab(["run", join(dir, "junk.img")]);
    expect(bad.status).toBe(2); // trouble: a guest's exit 0 is 1
    expect(bad.stderr).toMatch(/error\[E4\d{3}\]/);
  });

  it("reports assembler errors in sources with status 2, which no guest status is", () => {
    const dir = scratch({ "e.S": "_start:\n\tmovq %rax, %rbx, %rcx\n" });
    const r = entrylab(["run", join(dir, "e.S")]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/e\.S:2:\d+: error\[E\d{4}\]/);
  });
});

describe("entrylab as and objdump", () => {
  it("assembles the baseline entry stub without a warning and shows its source lines", () => {
    const dir = scratch();
    const out = join(dir, "entry.o");
    const r = entrylab([
      "as",
      "-I",
      "src/kernel-rt/include",
      "-D__ASSEMBLY__",
      "programs/entry/entry_64.S",
      "-o",
      out,
    ]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const d = entrylab(["objdump", out]);
    expect(d.status).toBe(0);
    expect(d.stdout).toMatch(/<entry_SYSCALL_64>:\nprograms\/entry\/entry_64\.S:\d+\n\s+swapgs/);
    expect(d.stdout).toMatch(/sysretq/);
  });

  it("prints preprocessed source with -E and a listing with -a", () => {
    const dir = scratch({ "p.S": "#define VAL 42\n\t.data\nx:\t.long VAL\n" });
    const e = entrylab(["as", "-E", join(dir, "p.S")]);
    expect(e.status).toBe(0);
    expect(e.stdout).toMatch(/\.long 42/);
    const a = entrylab(["as", "-a", join(dir, "p.S"), "-o", join(dir, "p.o")]);
    expect(a.status).toBe(0);
    expect(a.stdout).toMatch(/^\s+3 \.data\s+0000 2a000000\s+x:\s+\.long 42$/m);
  });

  it("rejects a file that is not an object", () => {
    const dir = scratch();
    writeFileSync(join(dir, "x.o"), new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]));
    const r = entrylab(["objdump", join(dir, "x.o")]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^entrylab: error\[E4\d{3}\]/);
  });
});
