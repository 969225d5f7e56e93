// Stack regions per address space (src/trace/regions.ts, the recorder's CR3 tracking): every
// task's user stack is at the same virtual address, so the recorder names a user-half RSP after
// the region of the address space CR3 selects — with PTI (the user PGD at +4 KiB) and PCID (the
// low 12 bits) or without. Hand-made events first, then the model kernel's ping-pong.
import { describe, expect, it } from "vitest";
import { DiagnosticBag } from "../../../src/diag/index.js";
import { bootKernel } from "../../../src/kernel-rt/index.js";
import { RegionMap, TraceRecorder } from "../../../src/trace/index.js";
import type { Region, TraceRecord } from "../../../src/trace/index.js";
import { addressSpaceOf } from "../../../src/trace/regions.js";
import type { VmEvent } from "../../../src/vm/index.js";
import { program, theKernel } from "../kernel-rt/helpers.js";

const USER_STACK = { start: 0x7fffff0000n, end: 0x7ffffff000n };
const USER_RSP = USER_STACK.end - 0x40n;
const PGD = [0x200000n, 0x204000n]; // kernel PGDs of pid 1 and pid 2 (8 KiB-aligned pairs)
const KSTACK = [0xffff888000100000n, 0xffff888000104000n];
const KSTACK_SIZE = 0x4000n;
const PTI_USER = 0x1000n;
const PTI_USER_PCID = 0x800n; // the user ASID's PCID bit (X86_CR3_PTI_PCID_USER_BIT)

const regions: Region[] = [
  { name: "user stack of pid 1", ...USER_STACK, space: PGD[0] },
  { name: "user stack of pid 2", ...USER_STACK, space: PGD[1] },
  { name: "kernel stack of pid 1", start: KSTACK[0]!, end: KSTACK[0]! + KSTACK_SIZE },
  { name: "kernel stack of pid 2", start: KSTACK[1]!, end: KSTACK[1]! + KSTACK_SIZE },
];

interface Config {
  pti: boolean;
  pcid: boolean;
}

/** CR3 of task `i` (0-based) for its kernel or user half, as the kernel's switches write it. */
function cr3(c: Config, i: number, user: boolean): bigint {
  const pcid = c.pcid ? BigInt(i + 1) | (user && c.pti ? PTI_USER_PCID : 0n) : 0n;
  return PGD[i]! | (user && c.pti ? PTI_USER : 0n) | pcid;
}

/** Events on CPU 0, one count apart. */
class Events {
  private n = 100;
  readonly list: VmEvent[] = [];
  private base(rsp: bigint) {
    return { cpu: 0, icount: this.n++, rip: 0xffffffff81000000n, rsp };
  }
  cr3(value: bigint, rsp: bigint): void {
    this.list.push({ kind: "cr", ...this.base(rsp), reg: "cr3", old: 0n, new: value, flushed: 0, pgd: value & ~0xfffn, pcid: Number(value & 0xfffn), noflush: false }); // prettier-ignore
  }
  insn(rsp: bigint): void {
    this.list.push({ kind: "insn", ...this.base(rsp), insn: undefined, length: 1, regs: [], writes: [] }); // prettier-ignore
  }
  iret(rsp: bigint): void {
    const frame = { ss: 0x2b, rsp, rflags: 0x202n, cs: 0x33, rip: 0x400000n };
    this.list.push({ kind: "iret", ...this.base(rsp), frame, fromCpl: 0, toCpl: 3 });
  }
}

/** Task `i` returns to user mode from its kernel stack: kernel CR3, the user one, IRETQ. */
function toUser(ev: Events, c: Config, i: number): void {
  const k = KSTACK[i]! + 0x3f00n;
  ev.insn(k);
  ev.cr3(cr3(c, i, false), k);
  if (c.pti) ev.cr3(cr3(c, i, true), k);
  ev.iret(USER_RSP);
}

function stackMoves(build: (ev: Events) => void): string[] {
  const ev = new Events();
  build(ev);
  const rec = new TraceRecorder({ level: "insn", regions });
  for (const e of ev.list) rec.event(e);
  return rec.records.flatMap((r) => (r.kind === "stack" ? [`${r.from} -> ${r.to}`] : []));
}

const CONFIGS: Config[] = [
  { pti: false, pcid: false },
  { pti: false, pcid: true },
  { pti: true, pcid: false },
  { pti: true, pcid: true },
];

describe("address spaces", () => {
  it("keys a CR3 by its PGD pair: PCID and PTI's user bit cleared", () => {
    expect(addressSpaceOf(0x204000n)).toBe(0x204000n);
    expect(addressSpaceOf(0x205000n)).toBe(0x204000n); // PTI user PGD
    expect(addressSpaceOf(0x205802n)).toBe(0x204000n); // with a user PCID
    expect(addressSpaceOf(0x8000000000204003n)).toBe(0x204000n); // bit 63 (no-flush)
  });

  it("names a user-half region only in its own address space; kernel regions in all", () => {
    const m = new RegionMap(undefined, [...regions, { name: "kernel thing", start: 0xffffffff82000000n, end: 0xffffffff82001000n, space: PGD[0] }]); // prettier-ignore
    expect(m.stackRegion(USER_RSP, PGD[0])?.name).toBe("user stack of pid 1");
    expect(m.stackRegion(USER_RSP, PGD[1])?.name).toBe("user stack of pid 2");
    expect(m.stackRegion(USER_RSP, 0x300000n)).toBeUndefined(); // a third mm: no stack of its own named
    expect(m.stackRegion(USER_RSP)?.name).toBe("user stack of pid 1"); // space unknown: first listed
    expect(m.stackRegion(0xffffffff82000800n, PGD[1])?.name).toBe("kernel thing"); // key ignored
  });
});

describe("the recorder's user stacks", () => {
  it.each(CONFIGS)("names each task's user stack by its own pid (PTI $pti, PCID $pcid)", (c) => {
    const moves = stackMoves((ev) => {
      ev.insn(KSTACK[0]! + 0x3f00n);
      toUser(ev, c, 0);
      ev.insn(USER_RSP - 8n);
      ev.insn(KSTACK[0]! + 0x3f58n); // the system call's stack switch
      ev.insn(KSTACK[1]! + 0x3e00n); // __switch_to_asm
      toUser(ev, c, 1);
      ev.insn(KSTACK[1]! + 0x3f58n);
      ev.insn(KSTACK[0]! + 0x3e00n);
      toUser(ev, c, 0);
    });
    expect(moves).toEqual([
      "- -> kernel stack of pid 1",
      "kernel stack of pid 1 -> user stack of pid 1",
      "user stack of pid 1 -> kernel stack of pid 1",
      "kernel stack of pid 1 -> kernel stack of pid 2",
      "kernel stack of pid 2 -> user stack of pid 2",
      "user stack of pid 2 -> kernel stack of pid 2",
      "kernel stack of pid 2 -> kernel stack of pid 1",
      "kernel stack of pid 1 -> user stack of pid 1",
    ]);
  });

  it("moves to the other task's stack when CR3 changes under a user RSP", () => {
    const c = { pti: true, pcid: true };
    const moves = stackMoves((ev) => {
      ev.cr3(cr3(c, 0, true), USER_RSP);
      ev.cr3(cr3(c, 1, true), USER_RSP);
      ev.cr3(cr3(c, 1, false), USER_RSP); // the other half of the same pair: no move
    });
    expect(moves).toEqual(["- -> user stack of pid 1", "user stack of pid 1 -> user stack of pid 2"]); // prettier-ignore
  });
});

/** Stack records of the model kernel's ping-pong (two tasks on one CPU) at the system level. */
function pingpong(c: Config) {
  const users = ["pingpong", "pingpong"].map((name) => ({ name, image: program(name) }));
  const rec = new TraceRecorder({ image: theKernel().image, level: "system" });
  const machine = { cpus: 1, maxInsns: 2_000_000, events: rec, output: () => {} };
  const b = bootKernel(theKernel(), users, { ...c, tick: 0 }, { diags: new DiagnosticBag(), machine })!; // prettier-ignore
  rec.addRegions(b.regions);
  const result = b.machine.run();
  return { result, records: rec.records, pgds: b.tasks.map((t) => BigInt(t.pgd)) };
}

/** Each `user stack of pid N` record with the PGD pair (from the last CR3 write) it happened in. */
function userStackEntries(records: readonly TraceRecord[]): { pid: number; pgd: bigint }[] {
  let pgd = -1n;
  const out: { pid: number; pgd: bigint }[] = [];
  for (const r of records) {
    if (r.kind === "cr" && r.reg === "cr3") pgd = r.pgd! & ~PTI_USER;
    const m = r.kind === "stack" ? /^user stack of pid (\d+)$/.exec(r.to) : null;
    if (m) out.push({ pid: Number(m[1]), pgd });
  }
  return out;
}

describe("the model kernel's ping-pong on one CPU", () => {
  it.each(CONFIGS)(
    "names the user stacks by the task running (PTI $pti, PCID $pcid)",
    (c) => {
      const { result, records, pgds } = pingpong(c);
      expect(result.reason).toBe("exit");
      const entries = userStackEntries(records);
      expect(new Set(entries.map((e) => e.pid))).toEqual(new Set([1, 2]));
      for (const e of entries) expect(e.pgd).toBe(pgds[e.pid - 1]);
    },
    60_000,
  );
});
