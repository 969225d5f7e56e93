// The page tables the boot builder writes, checked with the VM's own walk (SDM 4.5): under PTI
// the user PGD maps user memory and exactly what PTI clones (entry text, cpu_entry_area, the
// per-CPU TSS page), never the kernel text or the direct map; the kernel PGD's user half is NX;
// the rights of each kernel mapping; what the alternatives patch.
import { describe, expect, it } from "vitest";
import { ACC_FETCH, ACC_READ, ACC_WRITE, WalkResult, walk } from "../../../src/vm/index.js";
import type { AccessKind, WalkControls } from "../../../src/vm/index.js";
import {
  CEA_ENTRY_STACK,
  CEA_TSS,
  PAGE_OFFSET,
  USER_STACK_TOP,
  USER_TEXT_START,
  X86_FEATURE,
  ceaBase,
} from "../../../src/kernel-rt/index.js";
import { boot, theKernel } from "./helpers.js";

const sym = (name: string): bigint => theKernel().image.symbols.find((s) => s.name === name)!.value;

function probe(
  pb: ReturnType<typeof boot>,
  pgd: number,
  addr: bigint,
  acc: AccessKind = ACC_READ,
  user = false,
): WalkResult {
  // prettier-ignore
  const c: WalkControls = { pml4: pgd, wp: true, smep: false, smap: false, nxe: true, ac: false, maxPhysAddr: 46, gbPages: true }; // prettier-ignore
  return walk(
    pb.boot.machine.mem,
    c,
    Number(BigInt.asIntN(64, addr)),
    acc,
    user,
    false,
    new WalkResult(),
  );
}

describe("PTI page tables", () => {
  const pb = boot(["getpid"], { pti: true, pcid: true });
  const task = pb.boot.tasks[0]!;
  const kpgd = task.pgd;
  const upgd = task.pgd + 0x1000;

  it("puts the PGD pair on an 8 KiB boundary, the user PGD at +4 KiB", () => {
    expect(kpgd % 0x2000).toBe(0);
    expect(pb.boot.regions.find((r) => r.name === "user PGD of pid 1")!.start % 0x2000n).toBe(0x1000n); // prettier-ignore
  });

  it("maps user memory, entry text, the cpu_entry_area and the TSS page in the user PGD", () => {
    expect(probe(pb, upgd, USER_TEXT_START, ACC_FETCH, true).ok).toBe(true);
    expect(probe(pb, upgd, USER_STACK_TOP - 8n, ACC_WRITE, true).ok).toBe(true);
    const entry = probe(pb, upgd, sym("entry_SYSCALL_64"), ACC_FETCH);
    expect(entry.ok && !entry.user && !entry.writable).toBe(true);
    expect(probe(pb, upgd, ceaBase(0) + BigInt(CEA_ENTRY_STACK), ACC_WRITE).ok).toBe(true);
    expect(probe(pb, upgd, ceaBase(0) + BigInt(CEA_TSS)).ok).toBe(true);
    expect(probe(pb, upgd, pb.boot.cpus[0]!.percpu + sym("cpu_tss_rw") + 20n, ACC_WRITE).ok).toBe(
      true,
    ); // TSS.sp2
  });

  it("does not map the kernel text, the rest of per-CPU data or the direct map in the user PGD", () => {
    expect(probe(pb, upgd, sym("startup_64"), ACC_FETCH).ok).toBe(false);
    expect(probe(pb, upgd, sym("do_syscall_64"), ACC_FETCH).ok).toBe(false);
    expect(probe(pb, upgd, pb.boot.cpus[0]!.percpu + sym("current_task")).ok).toBe(false);
    expect(probe(pb, upgd, PAGE_OFFSET + 0x1000000n).ok).toBe(false);
    expect(probe(pb, upgd, task.stack).ok).toBe(false); // the task's kernel stack
  });

  it("marks the kernel PGD's user half NX and shares its tables with the user PGD", () => {
    const k = probe(pb, kpgd, USER_TEXT_START, ACC_READ);
    expect(k.ok && k.nx).toBe(true);
    expect(probe(pb, upgd, USER_TEXT_START, ACC_READ).nx).toBe(false);
    const mem = pb.boot.machine.mem;
    expect(mem.read32(kpgd) & ~0xfff).toBe(mem.read32(upgd) & ~0xfff); // same PDPT
    expect(mem.read32(kpgd + 4) >>> 31).toBe(1);
  });

  it("maps the kernel with Linux's rights: text RO+X, data NX, direct map RW NX in 2 MiB pages", () => {
    const text = probe(pb, kpgd, sym("startup_64"), ACC_FETCH);
    expect(text.ok && !text.writable && !text.nx).toBe(true);
    const data = probe(pb, kpgd, sym("nr_boot_tasks"), ACC_WRITE);
    expect(data.ok && data.nx).toBe(true);
    expect(probe(pb, kpgd, sym("sys_call_table"), ACC_WRITE).ok).toBe(false); // .rodata
    const dm = probe(pb, kpgd, PAGE_OFFSET + 0x1000000n, ACC_WRITE);
    expect(dm.ok && dm.nx && dm.pageSize).toBe(0x200000);
    expect(probe(pb, kpgd, USER_TEXT_START, ACC_FETCH).ok).toBe(false); // NX from the PGD entry
  });

  it("makes the cloned mappings global and, with PCIDs, not the kernel text", () => {
    expect(probe(pb, kpgd, sym("entry_SYSCALL_64"), ACC_FETCH).global).toBe(true);
    expect(probe(pb, kpgd, ceaBase(0) + BigInt(CEA_TSS)).global).toBe(true);
    expect(probe(pb, kpgd, sym("startup_64"), ACC_FETCH).global).toBe(false);
  });

  it("patches the PTI alternatives", () => {
    const pti = pb.boot.alternatives.filter((a) => a.feature === X86_FEATURE.PTI);
    expect(pti.length).toBeGreaterThan(1);
    expect(pti.every((a) => a.patched)).toBe(true);
  });
});

describe("page tables without PTI", () => {
  const pb = boot(["getpid"], { pti: false, pcid: false });
  const kpgd = pb.boot.tasks[0]!.pgd;

  it("uses one PGD with executable user memory and global kernel text", () => {
    const u = probe(pb, kpgd, USER_TEXT_START, ACC_FETCH, true);
    expect(u.ok && !u.nx).toBe(true);
    expect(pb.boot.machine.mem.read32(kpgd + 0x1000)).toBe(0); // the user half stays empty
    expect(probe(pb, kpgd, sym("startup_64"), ACC_FETCH).global).toBe(true);
  });

  it("leaves the PTI sites unpatched", () => {
    const pti = pb.boot.alternatives.filter((a) => a.feature === X86_FEATURE.PTI);
    expect(pti.length).toBeGreaterThan(1);
    expect(pti.some((a) => a.patched)).toBe(false);
  });
});
