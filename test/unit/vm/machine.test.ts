// Flat64 initial state, faults without an IDT (→ #GP → #DF → triple fault), #DE, #UD, lazy flags
// through jcc/setcc, and the pure page walk's fault records.
import { describe, expect, it } from "vitest";
import { boot, f, i, m, r } from "./asm.js";
import {
  PhysMem,
  walk,
  WalkResult,
  ACC_READ,
  ACC_WRITE,
  ACC_FETCH,
  PFEC_P,
  PFEC_W,
  PFEC_U,
  PFEC_RSVD,
  PFEC_I,
} from "../../../src/vm/index.js";
import type { WalkControls } from "../../../src/vm/index.js";

describe("flat64", () => {
  it("starts in long mode at CPL 0 with paging on and RSP at the documented stack", () => {
    const mc = boot([["cli"], ["hlt"]]);
    const res = mc.run();
    expect(res.reason).toBe("halt");
    expect(res.cpu.cpl).toBe(0);
    expect(res.cpu.regs.rsp).toBe("0x0000000000080000");
    expect(res.cpu.segments.cs!.selector).toBe("0x10");
    expect(res.cpu.cr3).toBe("0x0000000000001000");
    expect(Number(res.cpu.cr0) >>> 31).toBe(1);
  });
});

describe("faults without an IDT", () => {
  it("ud2 escalates #UD → #GP → #DF → triple fault with the chain", () => {
    const res = boot([["ud2"]]).run();
    expect(res.reason).toBe("triple-fault");
    expect(res.faultChain!.map((x) => x.name)).toEqual(["#UD", "#GP", "#DF", "#GP"]);
    expect(res.faultChain![1]!.errorCode).toBe(13 * 0 + 6 * 8 + 2 + 1);
  });
  it("divide by zero raises #DE", () => {
    const res = boot([
      ["xorEdGd", r(1), r(1)],
      ["divEd", r(1)],
    ]).run();
    expect(res.faultChain![0]!.name).toBe("#DE");
  });
  it("a load from unmapped memory raises #PF with CR2 set", () => {
    const res = boot([
      ["movabsGqIq", i(0x80000000n), r(0)],
      ["movGqEq", m(0), r(1)],
    ]).run();
    expect(res.faultChain![0]!.name).toBe("#PF");
    expect(res.faultChain![0]!.errorCode).toBe(0);
    expect(res.faultChain![0]!.cr2).toBe("0000000080000000");
  });
  it("a non-canonical address raises #GP(0)", () => {
    const res = boot([
      ["movabsGqIq", i(0x0000800000000000n), r(0)],
      ["movGqEq", m(0), r(1)],
    ]).run();
    expect(res.faultChain![0]!.name).toBe("#GP");
    expect(res.faultChain![0]!.errorCode).toBe(0);
  });
});

describe("arithmetic and flags", () => {
  it("add sets CF/ZF; sbb/adc chain carries; setcc reads lazy flags", () => {
    const mc = boot([
      ["movEdId", i(-1), r(0)],
      ["addEdId", i(1), r(0)], // eax = 0, CF=1, ZF=1
      ["setbEb", r(1)],
      ["seteEb", r(2)],
      ["movEqId", i(-1), r(3)],
      ["addEqId", i(1), r(3)], // rbx = 0, CF=1 (64-bit carry)
      ["adcEqId", i(0), r(6)], // rsi = 1
      ["cli"],
      ["hlt"],
    ]);
    const s = mc.run().cpu;
    expect(s.regs.rcx!.endsWith("01")).toBe(true);
    expect(s.regs.rdx!.endsWith("01")).toBe(true);
    expect(s.regs.rbx).toBe("0x0000000000000000");
    expect(s.regs.rsi).toBe("0x0000000000000001");
  });
  it("32-bit writes zero-extend and 8-bit writes merge", () => {
    const s = boot([
      ["movEqId", i(-1), r(0)],
      ["movEdId", i(5), r(0)],
      ["movEqId", i(-1), r(1)],
      ["movEbIb", i(0), r(1)],
      ["cli"],
      ["hlt"],
    ]).run().cpu;
    expect(s.regs.rax).toBe("0x0000000000000005");
    expect(s.regs.rcx).toBe("0xffffffffffffff00");
  });
  it("64-bit mul and div round-trip", () => {
    const s = boot([
      ["movabsGqIq", i(0x123456789abcdefn), r(0)],
      ["movabsGqIq", i(0xfedcba987n), r(1)],
      ["mulEq", r(1)],
      ["divEq", r(1)],
      ["cli"],
      ["hlt"],
    ]).run().cpu;
    expect(s.regs.rax).toBe("0x0123456789abcdef");
    expect(s.regs.rdx).toBe("0x0000000000000000");
  });
  it("out to the UART reaches the output callback", () => {
    let out = "";
    boot(
      [
        ["movEwIw", i(0x3f8), r(2)],
        ["movEbIb", i(0x41), r(0)],
        ["outDXAL", f, f],
        ["cli"],
        ["hlt"],
      ],
      {
        output: (b) => (out += String.fromCharCode(...b)),
      },
    ).run();
    expect(out).toBe("A");
  });
});

describe("page walk", () => {
  const ctl = (o: Partial<WalkControls> = {}): WalkControls => ({
    pml4: 0x1000,
    wp: true,
    smep: false,
    smap: false,
    nxe: true,
    ac: false,
    maxPhysAddr: 46,
    gbPages: true,
    ...o,
  });
  function tables(leafLo: number, leafHi = 0): PhysMem {
    const mem = new PhysMem(1 << 20);
    mem.write32(0x1000, 0x2000 | 7);
    mem.write32(0x2000, 0x3000 | 7);
    mem.write32(0x3000, 0x4000 | 7);
    mem.write32(0x4000, leafLo);
    mem.write32(0x4004, leafHi);
    return mem;
  }
  it("translates a 4K page and reports combined rights", () => {
    const w = walk(tables(0x5000 | 7), ctl(), 0x123, ACC_READ, false, false, new WalkResult());
    expect(w.ok).toBe(true);
    expect(w.frame).toBe(0x5000);
    expect(w.user).toBe(true);
  });
  it("indexes the PDPT with bits 38:30, including 38:32 from the high half", () => {
    // 0x7f_c000_0000: PML4 index 0, PDPT index 0x1ff (bits 38:30 all ones), PD and PT index 0.
    const mem = new PhysMem(1 << 20);
    mem.write32(0x1000, 0x2000 | 7);
    mem.write32(0x2000 + 8 * 0x1ff, 0x3000 | 7);
    mem.write32(0x3000, 0x4000 | 7);
    mem.write32(0x4000, 0x6000 | 7);
    const w = walk(mem, ctl(), 0x7fc0000000, ACC_READ, false, false, new WalkResult());
    expect(w.ok).toBe(true);
    expect(w.entryAddr[1]).toBe(0x2000 + 8 * 0x1ff);
    expect(w.frame).toBe(0x6000);
  });
  it("not present → error code without P", () => {
    const w = walk(tables(0), ctl(), 0, ACC_WRITE, true, false, new WalkResult());
    expect(w.ok).toBe(false);
    expect(w.errorCode).toBe(PFEC_W | PFEC_U);
  });
  it("write to a read-only page with WP → P|W", () => {
    const w = walk(tables(0x5000 | 5), ctl(), 0, ACC_WRITE, false, false, new WalkResult());
    expect(w.errorCode).toBe(PFEC_P | PFEC_W);
  });
  it("reserved bit above MAXPHYADDR → RSVD", () => {
    const w = walk(tables(0x5000 | 7, 1 << 15), ctl(), 0, ACC_READ, false, false, new WalkResult());
    expect(w.errorCode).toBe(PFEC_P | PFEC_RSVD);
  });
  it("fetch from an XD page → P|I", () => {
    const w = walk(
      tables(0x5000 | 7, 1 << 31),
      ctl(),
      0,
      ACC_FETCH,
      false,
      false,
      new WalkResult(),
    );
    expect(w.errorCode).toBe(PFEC_P | PFEC_I);
  });
  it("SMEP blocks a supervisor fetch from a user page; SMAP a data read unless AC", () => {
    expect(
      walk(tables(0x5000 | 7), ctl({ smep: true }), 0, ACC_FETCH, false, false, new WalkResult())
        .ok,
    ).toBe(false);
    expect(
      walk(tables(0x5000 | 7), ctl({ smap: true }), 0, ACC_READ, false, false, new WalkResult()).ok,
    ).toBe(false);
    expect(
      walk(
        tables(0x5000 | 7),
        ctl({ smap: true, ac: true }),
        0,
        ACC_READ,
        false,
        false,
        new WalkResult(),
      ).ok,
    ).toBe(true);
    expect(
      walk(
        tables(0x5000 | 7),
        ctl({ smap: true, ac: true }),
        0,
        ACC_READ,
        false,
        true,
        new WalkResult(),
      ).ok,
    ).toBe(false);
  });
});
