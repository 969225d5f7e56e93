// The TLB stores and counters (src/vm/mmu/tlb.ts, tlb-store.ts): finite geometry and LRU, global
// entries matching every PCID, invalidation by PCID/address, and the counters by cause.
import { describe, expect, it } from "vitest";
import { Tlb } from "../../../src/vm/mmu/tlb.js";
import { ANY_PCID } from "../../../src/vm/mmu/tlb.js";
import { WalkResult, PAGE_4K, PAGE_2M } from "../../../src/vm/mmu/walk.js";

function walked(frame: number, global = false, size = PAGE_4K): WalkResult {
  const w = new WalkResult();
  Object.assign(w, { ok: true, frame, pageSize: size, writable: true, user: false, nx: false, global, dirty: false, levels: 4 }); // prettier-ignore
  return w;
}

describe("finite policy", () => {
  it("evicts the least recently used way of a set", () => {
    const t = new Tlb(Infinity, new Uint8Array(0), { policy: "finite", sets: 1, ways: 2 });
    t.insert(0x1000, 0, walked(0x10000), false);
    t.insert(0x2000, 0, walked(0x20000), false);
    expect(t.lookup(0x1000, 0)).toBeDefined(); // 0x1000 is now the most recent
    t.insert(0x3000, 0, walked(0x30000), false);
    expect(t.evictions).toBe(1);
    expect(t.lookup(0x2000, 0)).toBeUndefined();
    expect(t.lookup(0x1000, 0)?.frame).toBe(0x10000);
    expect(t.lookup(0x3000, 0)?.frame).toBe(0x30000);
    expect(t.hits).toBe(3);
  });
  it("sets come from the low page-number bits", () => {
    const t = new Tlb(Infinity, new Uint8Array(0), { policy: "finite", sets: 2, ways: 1 });
    t.insert(0x1000, 0, walked(0x10000), false);
    t.insert(0x2000, 0, walked(0x20000), false); // the other set
    expect(t.evictions).toBe(0);
    t.insert(0x3000, 0, walked(0x30000), false); // same set as 0x1000
    expect(t.evictions).toBe(1);
    expect(t.lookup(0x1000, 0)).toBeUndefined();
  });
});

describe("tags and invalidation", () => {
  for (const policy of ["strict", "finite"] as const) {
    it(`${policy}: a global entry matches every PCID; a PCID entry only its own`, () => {
      const t = new Tlb(Infinity, new Uint8Array(0), { policy });
      t.insert(0x1000, 1, walked(0x10000, true), true);
      t.insert(0x2000, 1, walked(0x20000), true);
      expect(t.lookup(0x1000, 7)?.frame).toBe(0x10000);
      expect(t.lookup(0x2000, 7)).toBeUndefined();
      expect(t.lookup(0x2000, 1)?.frame).toBe(0x20000);
    });
    it(`${policy}: G without CR4.PGE is not global`, () => {
      const t = new Tlb(Infinity, new Uint8Array(0), { policy });
      t.insert(0x1000, 1, walked(0x10000, true), false);
      expect(t.lookup(0x1000, 2)).toBeUndefined();
    });
    it(`${policy}: flushNonGlobal by PCID and for all; flushAddress covers a large page`, () => {
      const t = new Tlb(Infinity, new Uint8Array(0), { policy });
      t.insert(0x1000, 1, walked(0x10000), true);
      t.insert(0x1000, 2, walked(0x11000), true);
      t.insert(0x5000, 2, walked(0x50000, true), true);
      t.flushNonGlobal("cr3", 1);
      expect(t.lookup(0x1000, 1)).toBeUndefined();
      expect(t.lookup(0x1000, 2)?.frame).toBe(0x11000);
      t.flushNonGlobal("invpcid", ANY_PCID);
      expect(t.lookup(0x1000, 2)).toBeUndefined();
      expect(t.lookup(0x5000, 2)).toBeDefined();
      t.insert(0x200000 + 0x3000, 0, walked(0x403000, false, PAGE_2M), true);
      t.flushAddress("invlpg", 0x200000 + 0x1f0000, 0, true);
      expect(t.lookup(0x203000, 0)).toBeUndefined();
      expect(t.flushes).toMatchObject({ cr3: 1, invpcid: 1, invlpg: 1 });
      expect(t.invalidated).toBe(3);
      expect(t.fills).toBe(4);
    });
  }
  it("off: nothing is stored", () => {
    const t = new Tlb(Infinity, new Uint8Array(0), { policy: "off" });
    t.insert(0x1000, 0, walked(0x10000), false);
    expect(t.lookup(0x1000, 0)).toBeUndefined();
    expect(t.entries()).toEqual([]);
  });
});
