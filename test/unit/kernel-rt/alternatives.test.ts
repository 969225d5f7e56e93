// The NOP padding of ALTERNATIVE sites (src/kernel-rt/boot/alternatives.ts). Like Linux v5.10's
// apply_alternatives, the boot fills the rest of a patched site with add_nops — the longest NOPs
// that fit, so the padding runs as few instructions as possible — and rewrites the one-byte NOP
// padding of a site it leaves alone the same way (optimize_nops). The bytecode's NOPs are the
// one-byte NOP and the multi-byte NOP with a register or a memory operand, which the VM must
// never access (SDM vol. 2 "NOP").
import { describe, expect, it } from "vitest";
import { FORMS, decode, disassemble, layout, type DecodedInsn } from "../../../src/isa/index.js";
import { addNops, type AltSite } from "../../../src/kernel-rt/boot/alternatives.js";
import { imagePhys } from "../../../src/kernel-rt/boot/image-access.js";
import { X86_FEATURE } from "../../../src/kernel-rt/index.js";
import type { KernelConfig } from "../../../src/kernel-rt/index.js";
import type { Features } from "../../../src/vm/index.js";
import { boot as bootFlat, i, m, r, to } from "../vm/asm.js";
import { bootRecorded, kernelSym, PTI_ON, theKernel, type RecordedBoot } from "./helpers.js";

/** A byte addNops must never write: around the padding it fills. */
const SENTINEL = 0xaa;
const MAX_PAD = 40;
/** isa-debug-exit statuses: (v << 1) | 1. */
const status = (v: number) => (v << 1) | 1;
const STEP_LIMIT = 200_000;

/** Every NOP length the bytecode has: each `nop` form, with a register and a memory E operand. */
const NOP_LENGTHS = [
  ...new Set(
    FORMS.filter((f) => f.mnemonic === "nop").flatMap((f) => [
      layout(f, 0).length,
      layout(f, 1).length,
    ]),
  ),
];

/** The fewest NOPs that cover `n` bytes exactly, by dynamic programming over NOP_LENGTHS. */
function fewestNops(n: number): number {
  const best = [0];
  for (let k = 1; k <= n; k++) {
    best[k] = Math.min(...NOP_LENGTHS.filter((l) => l <= k).map((l) => best[k - l]! + 1));
  }
  return best[n]!;
}

/** Decode `bytes[from, to)` instruction by instruction; throws if one runs past `to`. */
function decodeRun(bytes: Uint8Array, from: number, to: number): DecodedInsn[] {
  const out: DecodedInsn[] = [];
  for (let at = from; at < to;) {
    const insn = decode(bytes, at);
    if (insn === undefined) throw new Error(`no instruction at ${at}`);
    out.push(insn);
    at += insn.length;
  }
  if (out.reduce((s, x) => s + x.length, from) !== to) throw new Error("runs past the padding");
  return out;
}

const isNop = (x: DecodedInsn) => x.form.mnemonic === "nop";

describe("addNops (Linux's add_nops)", () => {
  it("has the bytecode's NOP lengths to choose from: 1, 3 and 9 bytes", () => {
    expect([...NOP_LENGTHS].sort((a, b) => a - b)).toEqual([1, 3, 9]);
  });

  it("covers every padding length exactly with the fewest NOPs, longest first", () => {
    for (let n = 0; n <= MAX_PAD; n++) {
      const buf = new Uint8Array(n + 2).fill(SENTINEL);
      addNops(buf, 1, n);
      expect([buf[0], buf[n + 1]]).toEqual([SENTINEL, SENTINEL]);
      const nops = decodeRun(buf, 1, n + 1);
      expect(nops.every(isNop)).toBe(true);
      expect(nops).toHaveLength(fewestNops(n));
      const lengths = nops.map((x) => x.length);
      expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
    }
  });

  it("writes x86's usual NOP spellings: nopl (%rax,%rax,1), nopl %eax, nop", () => {
    const buf = new Uint8Array(13);
    addNops(buf, 0, 13);
    expect(decodeRun(buf, 0, 13).map((x) => disassemble(x).replace(/\s+/g, " "))).toEqual([
      "nopl (%rax,%rax,1)",
      "nopl %eax",
      "nop",
    ]);
  });
});

/** Boot the kernel with getpid, at the insn level when asked. */
function bootGetpid(
  config: KernelConfig,
  features?: Features,
  level: "system" | "insn" = "system",
): RecordedBoot {
  // prettier-ignore
  return bootRecorded(theKernel(), ["getpid"], config, { maxInsns: 400_000, features }, level);
}

/** The bytes of an ALTERNATIVE site in guest memory, after the boot patched it. */
function siteBytes(v: RecordedBoot, a: AltSite): Uint8Array {
  const pa = imagePhys(v.k.image, a.site)!;
  return v.m.mem.u8.slice(pa, pa + a.length);
}

describe("apply_alternatives pads with the fewest NOPs", () => {
  const v = bootGetpid(PTI_ON);

  it("decodes each patched site's padding as the fewest NOPs covering every byte", () => {
    const patched = v.b.alternatives.filter((a) => a.patched);
    const padded = patched.filter((a) => a.length - a.replacementLength >= 3);
    expect(padded.length).toBeGreaterThan(3);
    for (const a of patched) {
      const nops = decodeRun(siteBytes(v, a), a.replacementLength, a.length);
      expect(nops.every(isNop)).toBe(true);
      expect(nops).toHaveLength(fewestNops(a.length - a.replacementLength));
    }
  });

  it("leaves GET_PERCPU_BASE's RDPID followed by four NOPs, not eight", () => {
    const [a] = v.b.alternatives.filter((x) => x.feature === X86_FEATURE.RDPID);
    const insns = decodeRun(siteBytes(v, a!), 0, a!.length);
    expect(insns.map((x) => [x.form.mnemonic, x.length])).toEqual([
      ["rdpid", 3],
      ["nop", 3],
      ["nop", 3],
      ["nop", 1],
      ["nop", 1],
    ]);
  });

  it("rewrites an unpatched site's one-byte NOP padding too (optimize_nops): PCID's, without PCID", () => {
    const w = bootGetpid({ pti: true, pcid: false });
    const sites = w.b.alternatives.filter((a) => a.feature === X86_FEATURE.PCID && !a.patched && a.padLength > 1); // prettier-ignore
    expect(sites.length).toBeGreaterThan(0);
    for (const a of sites) {
      const nops = decodeRun(siteBytes(w, a), a.length - a.padLength, a.length);
      expect(nops.every(isNop)).toBe(true);
      expect(nops).toHaveLength(fewestNops(a.padLength));
      expect(nops.length).toBeLessThan(a.padLength);
    }
    expect(w.m.run().exitStatus).toBe(status(0));
  });
});

describe("paranoid_entry's FSGSBASE path", () => {
  it("runs 4 NOPs after RDPID instead of 8, covering the site's 8 bytes of padding", () => {
    const v = bootGetpid(PTI_ON, undefined, "insn");
    const target = kernelSym(v.k, "do_syscall_64");
    const c = v.m.cpus[0]!;
    for (let n = 0; n < STEP_LIMIT && c.rip !== target; n++) v.m.debugStep(0);
    expect(c.rip).toBe(target);
    v.m.inject({ kind: "nmi", cpu: 0, at: 0 });
    expect(v.m.run().exitStatus).toBe(status(0));
    const insns = v.records.flatMap((x) => (x.kind === "insn" ? [x] : []));
    const at = insns.findIndex((x) => x.text.startsWith("rdpid"));
    expect(at).toBeGreaterThan(0);
    const after = insns.slice(at + 1);
    const nops = after.slice(
      0,
      after.findIndex((x) => !x.text.startsWith("nop")),
    );
    expect(nops.map((x) => x.length)).toEqual([3, 3, 1, 1]);
    expect(after[nops.length]!.text).toMatch(/^and/);
  });
});

describe("the VM's multi-byte NOP", () => {
  const RAX = 0;
  const NON_CANONICAL = 0x8000_0000_0000_0000n;
  for (const jit of [false, true]) {
    it(`never accesses its memory operand, even a non-canonical one (${jit ? "compiled" : "interpreted"})`, () => {
      const loops = 4;
      const res = bootFlat(
        [
          ["movabsGqIq", i(NON_CANONICAL), r(RAX)],
          ["movEdId", i(loops), r(1)],
          { label: "top" },
          ["nopEd", m(RAX)],
          ["nopEq", m(RAX, 0x1000, RAX, 3)],
          ["decEd", r(1)],
          ["jneJd", to("top")],
          ["cli"],
          ["hlt"],
        ],
        jit ? { jitThreshold: 0 } : { jit: false },
      ).run();
      expect(res.reason).toBe("halt");
      expect(res.faultChain ?? []).toEqual([]);
      expect(BigInt.asUintN(64, BigInt(res.cpu.regs.rax!))).toBe(NON_CANONICAL);
    });
  }
});
