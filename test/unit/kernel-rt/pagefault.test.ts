// Memory (kernel step 2): the user layout's shared page and areas, the guest page pool the boot
// builder reserves, demand-zero page faults and kill-on-bad-access (runtime/fault.c).
import { describe, expect, it } from "vitest";
import { ACC_READ, ACC_WRITE, ACC_FETCH, WalkResult, walk } from "../../../src/vm/index.js";
import type { AccessKind, WalkControls } from "../../../src/vm/index.js";
import {
  PAGE_OFFSET,
  USER_HEAP_END,
  USER_HEAP_START,
  USER_SHARED_PAGE,
  USER_STACK_LIMIT,
  USER_STACK_TOP,
  USER_TEXT_START,
  layoutHeader,
} from "../../../src/kernel-rt/index.js";
import { boot, theKernel } from "./helpers.js";

type Booted = ReturnType<typeof boot>;

function probe(pb: Booted, pgd: number, addr: bigint, acc: AccessKind, user: boolean): WalkResult {
  const c: WalkControls = { pml4: pgd, wp: true, smep: false, smap: false, nxe: true, ac: false, maxPhysAddr: 46, gbPages: true }; // prettier-ignore
  return walk(pb.boot.machine.mem, c, Number(BigInt.asIntN(64, addr)), acc, user, false, new WalkResult()); // prettier-ignore
}

describe("user layout", () => {
  it("orders text, heap and stack areas and exports them to guest code", () => {
    expect(USER_SHARED_PAGE < USER_TEXT_START).toBe(true);
    expect(USER_TEXT_START < USER_HEAP_START && USER_HEAP_START < USER_HEAP_END).toBe(true);
    expect(USER_HEAP_END < USER_STACK_LIMIT && USER_STACK_LIMIT < USER_STACK_TOP).toBe(true);
    for (const name of ["USER_SHARED_PAGE", "USER_HEAP_START", "USER_HEAP_END", "USER_STACK_LIMIT"])
      expect(layoutHeader()).toMatch(new RegExp(`^#define ${name}\\s`, "m"));
  });
});

describe("the shared page", () => {
  for (const pti of [true, false])
    it(`maps one frame user RW NX at USER_SHARED_PAGE in every task (pti ${pti ? "on" : "off"})`, () => {
      const pb = boot(["getpid", "getpid"], { pti, pcid: true });
      const frames = pb.boot.tasks.map((t) => {
        const pgd = pti ? t.pgd + 0x1000 : t.pgd;
        const w = probe(pb, pgd, USER_SHARED_PAGE, ACC_WRITE, true);
        expect(w.ok).toBe(true);
        expect(probe(pb, pgd, USER_SHARED_PAGE, ACC_FETCH, true).ok).toBe(false);
        expect(probe(pb, t.pgd, USER_SHARED_PAGE, ACC_READ, true).ok).toBe(true);
        return w.frame;
      });
      expect(frames[0]).toBe(frames[1]);
      expect(pb.boot.regions.some((r) => r.name === "user shared page" && r.start === USER_SHARED_PAGE)).toBe(true); // prettier-ignore
    });
});

/** A kernel variable's value in guest memory after boot. */
function kernelVar(pb: Booted, name: string): bigint {
  const v = theKernel().image.symbols.find((s) => s.name === name)!.value;
  const seg = theKernel().image.segments.find((s) => v >= s.vaddr && v < s.vaddr + s.memSize)!;
  const pa = Number(seg.paddr + (v - seg.vaddr));
  const mem = pb.boot.machine.mem;
  return (BigInt(mem.read32(pa + 4) >>> 0) << 32n) | BigInt(mem.read32(pa) >>> 0);
}

describe("the page pool", () => {
  it("takes every frame the boot left, up to the end of RAM, and tells the kernel", () => {
    const pb = boot(["getpid", "yield"], { pti: true, pcid: true });
    const { start, end } = pb.boot.pagePool;
    expect(start % 0x1000).toBe(0);
    expect(end).toBe(pb.boot.machine.mem.size);
    expect(kernelVar(pb, "page_pool_start")).toBe(BigInt(start));
    expect(kernelVar(pb, "page_pool_end")).toBe(BigInt(end));
    // Every structure the boot built lies below the pool: nothing maps a pool frame yet.
    const user = pb.boot.regions.filter((r) => r.name.startsWith("user stack") || r.name === "user shared page"); // prettier-ignore
    for (const t of pb.boot.tasks)
      for (const r of user) {
        const w = probe(pb, t.pgd, r.start, ACC_READ, true);
        if (w.ok) expect(w.frame).toBeLessThan(start);
      }
    expect(pb.boot.regions.find((r) => r.name === "page pool")!.start).toBe(PAGE_OFFSET + BigInt(start)); // prettier-ignore
  });

  it("is capped by the pagePool option", () => {
    const pb = boot(["getpid"], { pti: true, pcid: true, pagePool: 3 });
    expect(pb.boot.pagePool.end - pb.boot.pagePool.start).toBe(3 * 0x1000);
    expect(kernelVar(pb, "page_pool_end") - kernelVar(pb, "page_pool_start")).toBe(0x3000n);
  });

  it("maps nothing in the demand-zero areas at boot", () => {
    const pb = boot(["getpid"], { pti: true, pcid: true });
    const t = pb.boot.tasks[0]!;
    for (const a of [USER_HEAP_START, USER_STACK_LIMIT, USER_STACK_TOP - 0x5000n])
      expect(probe(pb, t.pgd + 0x1000, a, ACC_READ, true).ok).toBe(false);
  });
});
