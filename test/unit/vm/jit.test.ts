// The block compiler's exactness at its edges, each checked against hand-computed values and
// against the interpreter: a page fault in the middle of a compiled block (RIP of the faulting
// instruction, CR2, registers as before it, exact count), instruction limits that stop inside a
// block, and a store in the running block that rewrites a later instruction of that block.
import { describe, expect, it } from "vitest";
import { encode, formByName } from "../../../src/isa/index.js";
import { FLAT64_IMAGE_BASE } from "../../../src/vm/index.js";
import type { MachineOptions } from "../../../src/vm/index.js";
import { asm, boot, i, m, r, to } from "./asm.js";
import type { Insn } from "./asm.js";
import { loopProgram } from "./loop-program.js";

const [RAX, RCX, RDX, RBX] = [0, 1, 2, 3];
const BASE_RIP = 0x10;
const ONE_GIB = 0x40000000;
const PAGE = 0x1000;

const compiled: MachineOptions = { jit: true, jitThreshold: 0 };
const interpreted: MachineOptions = { jit: false };

/** Address of instruction `index` (counting instructions only, not labels) in the image. */
function addressOf(prog: Insn[], index: number): number {
  const insns = prog.filter((x) => Array.isArray(x));
  return FLAT64_IMAGE_BASE + asm(insns.slice(0, index)).length;
}

describe("a fault inside a compiled block", () => {
  // The load walks up one page per pass and faults on the first page above the 1 GiB identity map
  // (PDPT entry 1 is not present) in its fourth pass, after the `add` before it in the block.
  const prog: Insn[] = [
    ["movabsGqIq", i(ONE_GIB - 3 * PAGE), r(RBX)],
    ["xorEdGd", r(RAX), r(RAX)],
    ["xorEdGd", r(RCX), r(RCX)],
    { label: "loop" },
    ["addEdId", i(1), r(RAX)],
    ["movGqEq", m(RBX), r(RDX)],
    ["addEqId", i(PAGE), r(RBX)],
    ["addEdId", i(1), r(RCX)],
    ["jmpJd", to("loop")],
  ];
  it("reports #PF at the load with CR2, the state before it and the exact count", () => {
    const mc = boot(prog, compiled);
    const res = mc.run();
    expect(mc.blocksCompiled).toBeGreaterThan(0);
    expect(res.reason).toBe("triple-fault");
    const pf = res.faultChain![0]!;
    expect(pf.name).toBe("#PF");
    expect(pf.errorCode).toBe(0); // not present, read, supervisor
    expect(pf.cr2).toBe(ONE_GIB.toString(16).padStart(16, "0"));
    const loadRip = addressOf(prog, 4);
    expect(pf.rip).toBe(loadRip.toString(16).padStart(16, "0"));
    expect(res.cpu.rip).toBe("0x" + loadRip.toString(16).padStart(16, "0"));
    expect(res.cpu.regs.rax).toBe("0x0000000000000004"); // the add before the load ran 4 times
    expect(res.cpu.regs.rcx).toBe("0x0000000000000003"); // the add after it only 3 times
    expect(res.cpu.regs.rbx).toBe("0x" + ONE_GIB.toString(16).padStart(16, "0"));
    expect(res.insns).toBe(3 + 3 * 5 + 1);
    expect(res).toEqual(boot(prog, interpreted).run());
  });
  it("a faulting store reports the write bit and leaves memory and registers untouched", () => {
    const store: Insn[] = prog.map((x) =>
      Array.isArray(x) && x[0] === "movGqEq" ? ["movEqGq", r(RCX), m(RBX)] : x,
    );
    const res = boot(store, compiled).run();
    expect(res.faultChain![0]!.errorCode).toBe(2); // not present, write, supervisor
    expect(res.cpu.regs.rcx).toBe("0x0000000000000003");
    expect(res).toEqual(boot(store, interpreted).run());
  });
});

describe("instruction limits with compiled blocks", () => {
  it("stop after exactly N instructions, inside a block or at its end", () => {
    // 9 set-up instructions, then 10 per pass over the loop block.
    for (const n of [1, 9, 10, 15, 19, 29, 100, 1001, 12345]) {
      const jit = boot(loopProgram(5000), { ...compiled, maxInsns: n }).run();
      const ref = boot(loopProgram(5000), { ...interpreted, maxInsns: n }).run();
      expect(jit.reason).toBe("limit");
      expect(jit.insns).toBe(n);
      expect(jit).toEqual(ref);
    }
  });
  it("resume exactly after a limit when run again with a higher one", () => {
    const mc = boot(loopProgram(200), { ...compiled, maxInsns: 777 });
    expect(mc.run().insns).toBe(777);
    mc.maxInsns = 1_000_000;
    const res = mc.run();
    const ref = boot(loopProgram(200), interpreted).run();
    expect(res).toEqual(ref);
    expect(res.reason).toBe("exit");
  });
});

describe("self-modifying code", () => {
  /** Offset of the imm32 inside `add $imm, %eax` (found by encoding a marker). */
  function immOffset(): number {
    const bytes = new Uint8Array(16);
    const n = encode(formByName("addEdId")!, 0, [i(0x11223344), r(RAX)], bytes, 0);
    for (let k = 0; k + 4 <= n; k++) if (bytes[k] === 0x44 && bytes[k + 1] === 0x33) return k;
    throw new Error("marker not found");
  }
  it("a store in the running block rewrites a later instruction of that block", () => {
    // Each pass stores ECX into the immediate of the `add` that follows the store, so the add
    // must see the value just written: EAX = 0 + 1 + 2 + 3 + 4 (a stale decode would keep 0).
    const prog: Insn[] = [
      ["xorEdGd", r(RAX), r(RAX)],
      ["xorEdGd", r(RCX), r(RCX)],
      { label: "loop" },
      ["movEdGd", r(RCX), m(BASE_RIP, immOffset())],
      ["addEdId", i(0), r(RAX)],
      ["addEdId", i(1), r(RCX)],
      ["cmpEdId", i(5), r(RCX)],
      ["jneJd", to("loop")],
      ["cli"],
      ["hlt"],
    ];
    const mc = boot(prog, compiled);
    const res = mc.run();
    expect(mc.blocksCompiled).toBeGreaterThan(1); // recompiled after each rewrite
    expect(res.reason).toBe("halt");
    expect(res.cpu.regs.rax).toBe("0x000000000000000a");
    expect(res).toEqual(boot(prog, interpreted).run());
  });
});
