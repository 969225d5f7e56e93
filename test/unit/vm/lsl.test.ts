// LSL (SDM vol. 2 "LSL"): for a selector whose descriptor is visible from the current CPL and the
// selector's RPL, ZF = 1 and the destination gets the segment limit in bytes (scaled by G), zero-
// extended; otherwise ZF = 0, the destination keeps its value, and nothing faults: a null
// selector, an LDT selector (the subset has no LDT), one past the GDT limit, or a data segment
// with DPL < max(CPL, RPL). Checked on flat64's GDT (src/vm/loader.ts): every segment there is
// flat, limit 0xfffff with G set, so 0xffffffff bytes.
import { describe, expect, it } from "vitest";
import { boot, i, r } from "./asm.js";

const RAX = 0;
const RBX = 3;
const FLAG_ZF = 1 << 6;
const FLAG_CF = 1 << 0;
const FLAT_LIMIT = 0xffffffffn;
const KERNEL_DS = 0x18;
const USER_DS = 0x2b;
const SELECTOR_RPL3 = 3;
const SELECTOR_TI = 4;
/** Past flat64's seven descriptors. */
const PAST_GDT = 8 * 8;
const UNCHANGED = 0x1234n;

/** STC (a flag LSL must keep), RBX := 0x1234, LSL sel → RBX. */
function lsl(sel: number) {
  const res = boot([
    ["movEqId", i(UNCHANGED), r(RBX)],
    ["movEqId", i(sel), r(RAX)],
    ["stc"],
    ["lslGqEq", r(RAX), r(RBX)],
    ["cli"],
    ["hlt"],
  ]).run();
  expect(res.reason).toBe("halt");
  const flags = Number(res.cpu.rflags);
  return { zf: (flags & FLAG_ZF) !== 0, cf: (flags & FLAG_CF) !== 0, rbx: BigInt(res.cpu.regs.rbx!) }; // prettier-ignore
}

describe("LSL", () => {
  it("loads the byte-granular limit of a visible segment and sets ZF", () => {
    for (const sel of [KERNEL_DS, USER_DS, 0x10]) {
      expect(lsl(sel), `selector ${sel}`).toEqual({ zf: true, cf: true, rbx: FLAT_LIMIT });
    }
  });
  it("clears ZF and leaves the destination for a selector it may not see, without a fault", () => {
    const sels = [0, SELECTOR_RPL3, KERNEL_DS | SELECTOR_RPL3, KERNEL_DS | SELECTOR_TI, PAST_GDT];
    for (const sel of sels) {
      expect(lsl(sel), `selector ${sel}`).toEqual({ zf: false, cf: true, rbx: UNCHANGED });
    }
  });
});
