// Memory (kernel step 2): the user layout's shared page and areas, the guest page pool the boot
// builder reserves, demand-zero page faults and kill-on-bad-access (runtime/fault.c).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ACC_READ, ACC_WRITE, ACC_FETCH, WalkResult, walk } from "../../../src/vm/index.js";
import type { AccessKind, WalkControls } from "../../../src/vm/index.js";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import {
  bootKernel,
  parseScenario,
  type KernelConfig,
  type UserProgram,
  PAGE_OFFSET,
  USER_HEAP_END,
  USER_HEAP_START,
  USER_SHARED_PAGE,
  USER_STACK_LIMIT,
  USER_STACK_TOP,
  USER_TEXT_START,
  layoutHeader,
} from "../../../src/kernel-rt/index.js";
import { boot, program, run, theKernel, kernelVar } from "./helpers.js";

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

describe("the page pool", () => {
  it("takes every frame the boot left, up to the end of RAM, and tells the kernel", () => {
    const pb = boot(["getpid", "yield"], { pti: true, pcid: true });
    const { start, end } = pb.boot.pagePool;
    expect(start % 0x1000).toBe(0);
    expect(end).toBe(pb.boot.machine.mem.size);
    expect(kernelVar(theKernel(), pb.boot, "page_pool_start")).toBe(BigInt(start));
    expect(kernelVar(theKernel(), pb.boot, "page_pool_end")).toBe(BigInt(end));
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
    expect(
      kernelVar(theKernel(), pb.boot, "page_pool_end") -
        kernelVar(theKernel(), pb.boot, "page_pool_start"),
    ).toBe(0x3000n);
  });

  it("maps nothing in the demand-zero areas at boot", () => {
    const pb = boot(["getpid"], { pti: true, pcid: true });
    const t = pb.boot.tasks[0]!;
    for (const a of [USER_HEAP_START, USER_STACK_LIMIT, USER_STACK_TOP - 0x5000n])
      expect(probe(pb, t.pgd + 0x1000, a, ACC_READ, true).ok).toBe(false);
  });
});

// ---- demand-zero faults and kills, at run time (runtime/fault.c) ----

const CLEAN_EXIT = 1;
/** do_exit(SIGSEGV): the run's status is (11 << 1) | 1. */
const SEGV_EXIT = (11 << 1) | 1;
/** fault.c's OOPS_EXIT 0x70: (0x70 << 1) | 1. */
const OOPS_EXIT = (0x70 << 1) | 1;
const PAGE = 0x1000n;
const PFTOUCH_HEAP = 8;
const PFTOUCH_STACK = 3;
const pftouchLine = (pid: number): string =>
  `pftouch: pid ${pid} heap ${PFTOUCH_HEAP} stack ${PFTOUCH_STACK} zeroed ${PFTOUCH_HEAP + PFTOUCH_STACK} verified ${PFTOUCH_HEAP + PFTOUCH_STACK}\n`; // prettier-ignore
/** The first page below the initial stack (pftouch.S's STACK_BELOW). */
const STACK_BELOW = USER_STACK_TOP - 5n * PAGE;
const HEAP_SLOT = Number(USER_HEAP_START >> 39n);
const NX_HI = 0x80000000;

/** A user program written to a temporary file (programs built from text, for the bad accesses). */
const tmp = mkdtempSync(join(tmpdir(), "entrylab-pf-"));
function userProgram(name: string, body: string): UserProgram {
  const path = join(tmp, `${name}.S`);
  writeFileSync(path, `#include <asm/unistd_64.h>\n#include <asm/entrylab-layout.h>\n\t.text\n\t.globl _start\n_start:\n${body}\n\txorl %edi, %edi\n\tcall sys_exit\n`); // prettier-ignore
  return { name, image: program(path) };
}

/** Run named programs (the task's comm is the name) on one CPU. */
function runPrograms(
  users: UserProgram[],
  config: KernelConfig,
): { status: number | undefined; output: string } {
  // prettier-ignore
  const diags = new DiagnosticBag();
  let out = "";
  const b = bootKernel(theKernel(), users, config, { diags, machine: { maxInsns: 2_000_000, output: (bytes) => (out += new TextDecoder().decode(bytes)) } }); // prettier-ignore
  expect(diags.items).toEqual([]);
  const r = b!.machine.run();
  expect(r.reason).toBe("exit");
  return { status: r.exitStatus, output: out };
}
const named = (name: string): UserProgram => ({ name, image: program(name) });

/** Guest RAM of every pool frame set to a nonzero byte: a page that reads zero was zeroed. */
function dirtyPool(pb: Booted): void {
  const { start, end } = pb.boot.pagePool;
  pb.boot.machine.mem.fill(start, end - start, 0xa5);
}

function runBooted(pb: Booted): { status: number | undefined; output: string } {
  const r = pb.boot.machine.run();
  expect(r.reason).toBe("exit");
  return { status: r.exitStatus, output: pb.output() };
}

describe("demand-zero pages", () => {
  for (const pti of [true, false])
    for (const pcid of [true, false])
      it(`maps zeroed heap and stack pages on first touch (pti ${pti ? "on" : "off"}, pcid ${pcid ? "on" : "off"})`, () => {
        const pb = boot(["pftouch"], { pti, pcid });
        dirtyPool(pb);
        const r = runBooted(pb);
        expect(r.output).toBe(pftouchLine(1));
        expect(r.status).toBe(CLEAN_EXIT);
        const t = pb.boot.tasks[0]!;
        const pgd = pti ? t.pgd + 0x1000 : t.pgd;
        const pages = [
          ...Array.from({ length: PFTOUCH_HEAP }, (_, i) => USER_HEAP_START + BigInt(i) * PAGE),
          ...Array.from({ length: PFTOUCH_STACK }, (_, i) => STACK_BELOW - BigInt(i) * PAGE),
        ];
        for (const a of pages) {
          const w = probe(pb, pgd, a, ACC_WRITE, true);
          expect(w.ok && w.user && w.writable && w.nx).toBe(true);
          expect(w.frame >= pb.boot.pagePool.start && w.frame < pb.boot.pagePool.end).toBe(true);
        }
        // Only what was touched: the next heap page and the page below the stack pages are not.
        expect(probe(pb, pgd, USER_HEAP_START + BigInt(PFTOUCH_HEAP) * PAGE, ACC_READ, true).ok).toBe(false); // prettier-ignore
        expect(probe(pb, pgd, STACK_BELOW - BigInt(PFTOUCH_STACK) * PAGE, ACC_READ, true).ok).toBe(false); // prettier-ignore
        // The kernel's count: 11 pages plus the heap's PUD, PMD and PT (the stack's PT exists).
        expect(kernelVar(theKernel(), pb.boot, "nr_pages_in_use")).toBe(
          BigInt(PFTOUCH_HEAP + PFTOUCH_STACK + 3),
        );
      });

  it("writes a new PGD entry in both PGDs under PTI, the kernel copy with NX", () => {
    const pb = boot(["pftouch"], { pti: true, pcid: true });
    const t = pb.boot.tasks[0]!;
    const mem = pb.boot.machine.mem;
    expect(mem.read32(t.pgd + HEAP_SLOT * 8) & 1).toBe(0); // not present before the run
    runBooted(pb);
    const [klo, khi] = [mem.read32(t.pgd + HEAP_SLOT * 8), mem.read32(t.pgd + HEAP_SLOT * 8 + 4)];
    const [ulo, uhi] = [mem.read32(t.pgd + 0x1000 + HEAP_SLOT * 8), mem.read32(t.pgd + 0x1000 + HEAP_SLOT * 8 + 4)]; // prettier-ignore
    expect(ulo & 7).toBe(7); // P, RW, U/S
    const A = 0x20; // the accessed bit: user walks set it in the user PGD's copy only
    expect(klo & ~A).toBe(ulo & ~A); // the same PUD
    expect(khi >>> 0).toBe((uhi | NX_HI) >>> 0);
    expect(uhi & NX_HI).toBe(0);
  });

  it("without PTI writes the kernel PGD only, without NX", () => {
    const pb = boot(["pftouch"], { pti: false, pcid: true });
    const t = pb.boot.tasks[0]!;
    const mem = pb.boot.machine.mem;
    runBooted(pb);
    expect(mem.read32(t.pgd + HEAP_SLOT * 8) & 7).toBe(7);
    expect(mem.read32(t.pgd + HEAP_SLOT * 8 + 4) & NX_HI).toBe(0);
    expect(mem.read32(t.pgd + 0x1000 + HEAP_SLOT * 8)).toBe(0);
  });

  it("gives tasks on several CPUs distinct frames from the one pool", () => {
    // Each touches its heap pages, then yields for good: the run stops at its limit with every
    // task alive, so no page has gone back to the pool.
    const body = `\tmovabsq $USER_HEAP_START, %rbx\n\tmovl $${PFTOUCH_HEAP}, %r12d\n1:\tmovq %rbx, (%rbx)\n\taddq $0x1000, %rbx\n\tdecl %r12d\n\tjnz 1b\n2:\tmovl $__NR_sched_yield, %eax\n\tsyscall\n\tjmp 2b`; // prettier-ignore
    const hold = userProgram("hold", body);
    const diags = new DiagnosticBag();
    const b = bootKernel(theKernel(), [hold, hold, hold], { pti: true, pcid: true }, { diags, machine: { cpus: 2, maxInsns: 3_000_000 } }); // prettier-ignore
    expect(b!.machine.run().reason).toBe("limit");
    const pb = { boot: b!, output: () => "" };
    const frames = b!.tasks.flatMap(
      (t) =>
      Array.from({ length: PFTOUCH_HEAP }, (_, i) => probe(pb, t.pgd + 0x1000, USER_HEAP_START + BigInt(i) * PAGE, ACC_READ, true).frame), // prettier-ignore
    );
    expect(new Set(frames).size).toBe(3 * PFTOUCH_HEAP);
    // Each task: its pages plus the heap's PUD, PMD and page table.
    expect(kernelVar(theKernel(), pb.boot, "nr_pages_in_use")).toBe(BigInt(3 * (PFTOUCH_HEAP + 3)));
  });

  it("gives a task's pages and tables back at exit, for the next task", () => {
    // Room for one pftouch (11 pages and 3 tables) only; no tick, so the first runs to its end.
    const need = PFTOUCH_HEAP + PFTOUCH_STACK + 3;
    const pb = boot(["pftouch", "pftouch"], { pti: true, pcid: true, tick: 0, pagePool: need });
    const r = runBooted(pb);
    expect(r.output).toBe(pftouchLine(1) + pftouchLine(2));
    expect(r.status).toBe(CLEAN_EXIT);
    // The first task's tables no longer point at pool frames; the last one's are kept.
    const [first, last] = pb.boot.tasks;
    expect(probe(pb, first!.pgd + 0x1000, USER_HEAP_START, ACC_READ, true).ok).toBe(false);
    expect(pb.boot.machine.mem.read32(first!.pgd + 0x1000 + HEAP_SLOT * 8)).toBe(0);
    expect(pb.boot.machine.mem.read32(first!.pgd + HEAP_SLOT * 8)).toBe(0);
    expect(probe(pb, last!.pgd + 0x1000, USER_HEAP_START, ACC_READ, true).ok).toBe(true);
    expect(kernelVar(theKernel(), pb.boot, "nr_pages_in_use")).toBe(BigInt(need));
  });

  it("runs without NX: the new entries carry no XD bit (it would be reserved)", () => {
    const pb = boot(["pftouch"], { pti: true, pcid: true }, { features: { pcid: true, invpcid: false, smep: false, smap: false, fsgsbase: false, nx: false, gbpages: true, pge: true, x2apic: true, syscall: true, rdtscp: true, rdpid: false } }); // prettier-ignore
    const r = runBooted(pb);
    expect(r.output).toBe(pftouchLine(1));
    expect(r.status).toBe(CLEAN_EXIT);
  });
});

describe("bad accesses kill the task", () => {
  const segvIp = (): bigint => {
    const img = program("segv");
    return img.symbols.find((s) => s.name === "_start")!.value;
  };

  for (const pti of [true, false])
    it(`kills segv with Linux's segfault line while getpid completes (pti ${pti ? "on" : "off"})`, () => {
      const r = run(["segv", "getpid"], { pti, pcid: true });
      const line = /^segv\[1\]: segfault at 10 ip ([0-9a-f]+) sp 7ffffffff000 error 6$/m.exec(r.output); // prettier-ignore
      expect(line).not.toBeNull();
      const ip = BigInt(`0x${line![1]}`);
      expect(ip > segvIp() && ip < segvIp() + 0x40n).toBe(true);
      expect(r.output).toContain("segv: writing to a bad address\n");
      expect(r.output).not.toContain("survived");
      expect(r.output).toContain("getpid: pid 2 after 10 calls\n");
      expect(r.result.exitStatus).toBe(SEGV_EXIT);
      expect(r.boot.tasks.length).toBe(2);
    });

  // Each: the access, the fault address and the error code (SDM 4.7: P W U RSVD I).
  const cases: [name: string, body: string, cr2: bigint, pti: boolean, error: number][] = [
    ["text-write", "\tleaq _start(%rip), %rax\n\tmovb $1, (%rax)", USER_TEXT_START, true, 0x7],
    ["heap-exec", "\tmovabsq $USER_HEAP_START, %rax\n\tcall *%rax", USER_HEAP_START, true, 0x14],
    ["heap-nx", "\tmovabsq $USER_HEAP_START, %rax\n\tmovb $0xc3, (%rax)\n\tcall *%rax", USER_HEAP_START, true, 0x15], // prettier-ignore
    ["heap-end", "\tmovabsq $USER_HEAP_END, %rax\n\tmovq (%rax), %rax", USER_HEAP_END, true, 0x4],
    ["stack-limit", "\tmovabsq $USER_STACK_LIMIT - 8, %rax\n\tmovq $1, (%rax)", USER_STACK_LIMIT - 8n, true, 0x6], // prettier-ignore
    ["kernel-pti", "\tmovabsq $__PAGE_OFFSET, %rax\n\tmovq (%rax), %rax", PAGE_OFFSET, true, 0x4],
    ["kernel-nopti", "\tmovabsq $__PAGE_OFFSET, %rax\n\tmovq (%rax), %rax", PAGE_OFFSET, false, 0x5], // prettier-ignore
  ];
  for (const [name, body, cr2, pti, error] of cases)
    it(`kills on ${name}: segfault at ${cr2.toString(16)} error ${error.toString(16)}`, () => {
      const r = runPrograms([userProgram(name, body), named("getpid")], { pti, pcid: true });
      expect(r.output).toMatch(new RegExp(`^${name}\\[1\\]: segfault at ${cr2.toString(16)} ip [0-9a-f]+ sp [0-9a-f]+ error ${error.toString(16)}$`, "m")); // prettier-ignore
      expect(r.output).toContain("getpid: pid 2 after 10 calls\n");
      expect(r.status).toBe(SEGV_EXIT);
    });

  it("kills with an out-of-memory report when the pool runs dry, the other task completes", () => {
    // Three frames: the heap's PUD, PMD and page table; then none is left for the page itself.
    const r = run(["pftouch", "getpid"], { pti: true, pcid: true, pagePool: 3 });
    expect(r.output).toContain(`pftouch[1]: out of memory: no free page for ${USER_HEAP_START.toString(16)}\n`); // prettier-ignore
    // Its first touch is a read (the zero check): error 4, not present, user.
    expect(r.output).toMatch(/^pftouch\[1\]: segfault at 8000000000 ip [0-9a-f]+ sp [0-9a-f]+ error 4$/m); // prettier-ignore
    expect(r.output).not.toContain("pftouch: pid");
    expect(r.output).toContain("getpid: pid 2 after 10 calls\n");
    expect(r.result.exitStatus).toBe(SEGV_EXIT);
  });
});

describe("faults in kernel mode", () => {
  it("lets write() fault in a heap page and return -EFAULT for an unmapped buffer", () => {
    // write(1, heap page, 4): the copy faults in kernel mode on a user address: a demand-zero page,
    // so four NUL bytes reach the console; write(1, 0x1000, 4): the copy's fixup, -EFAULT (-14).
    const body = [
      "\tmovabsq $USER_HEAP_START, %rsi\n\tmovl $4, %edx\n\tcall write_out\n\tmovq %rax, %r12",
      "\tmovl $0x1000, %esi\n\tmovl $4, %edx\n\tcall write_out\n\tnegq %rax\n\tmovq %rax, %r13",
      "\tmovq %r12, %rax\n\tcall print_dec\n\tmovq %r13, %rax\n\tcall print_dec",
    ].join("\n");
    for (const pti of [true, false]) {
      const r = runPrograms([userProgram("copy", body)], { pti, pcid: true });
      expect(r.output).toBe(`${"\x00".repeat(4)}4${"14"}`);
      expect(r.status).toBe(CLEAN_EXIT);
    }
  });

  it("is an oops on a kernel address: the report and status 225", () => {
    // getpid's table entry points at an unmapped kernel address: an instruction fetch faults
    // in supervisor mode, not present.
    const bad = 0xffffc90000001000n;
    const pb = boot(["getpid"], { pti: true, pcid: true });
    const table = theKernel().image.symbols.find((s) => s.name === "sys_call_table")!.value;
    const seg = theKernel().image.segments.find((s) => table >= s.vaddr && table < s.vaddr + s.memSize)!; // prettier-ignore
    const pa = Number(seg.paddr + (table - seg.vaddr)) + 39 * 8;
    pb.boot.machine.mem.write32(pa, Number(bad & 0xffffffffn) | 0);
    pb.boot.machine.mem.write32(pa + 4, Number(bad >> 32n) | 0);
    const r = runBooted(pb);
    expect(r.output).toContain(`BUG: unable to handle page fault for address: ${bad.toString(16)}\n`); // prettier-ignore
    expect(r.output).toContain("#PF: error_code(0x0010) - not-present read supervisor instruction-fetch\n"); // prettier-ignore
    expect(r.output).toMatch(new RegExp(`^Oops: RIP: ${bad.toString(16)} RSP: [0-9a-f]+ CS: 10 CPU: 0 task: getpid\\[1\\]$`, "m")); // prettier-ignore
    expect(r.output).toContain("Kernel panic - not syncing: Fatal exception in page fault\n");
    expect(r.status).toBe(OOPS_EXIT);
  });
});

describe("the pagefault scenario", () => {
  it("parses, and its tasks run as it says: pftouch completes, segv is killed, getpid completes", () => {
    const sources = new SourceManager();
    const diags = new DiagnosticBag();
    const path = "programs/scenarios/pagefault.json";
    const s = parseScenario("pagefault", readFileSync(path, "utf8"), { sources, diags })!;
    expect(diags.items).toEqual([]);
    expect(s.users).toEqual(["pftouch", "segv", "getpid"]);
    const r = run(s.users, s.config, { cpus: Number(s.machine.cpus), maxInsns: 8_000_000 });
    expect(r.result.exitStatus).toBe(SEGV_EXIT);
    // The segfault line as segv prints it alone on one CPU.
    const alone = run(["segv"], s.config).output.split("\n")[1]!;
    expect(alone).toMatch(/^segv\[1\]: segfault at 10 ip [0-9a-f]+ sp 7ffffffff000 error 6$/);
    // Two CPUs: each write() and printk is whole, but the CPUs' outputs interleave.
    const segfault = `${alone.replace("[1]", "[2]")}\n`;
    const all = `${pftouchLine(1)}segv: writing to a bad address\n${segfault}getpid: pid 3 after 10 calls\n`; // prettier-ignore
    expect([...r.output].sort().join("")).toBe([...all].sort().join(""));
  });
});
