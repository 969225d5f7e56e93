// The VM's event stream (src/vm/events.ts) on bare-metal programs: the exact events of a SYSCALL
// round trip with CR3 and SWAPGS, a #PF through RSP0 and INT 0x80 through IST1 (roundtrip.S);
// the same stream from compiled blocks and from the interpreter; the "insn" level leaves every
// architectural result unchanged; paging, interrupts, INVLPG/INVPCID, #DF and the triple fault.
import { describe, expect, it } from "vitest";
import { runProgram, symbolValue, userAddress } from "./helpers.js";
import type { Run } from "./helpers.js";
import type {
  EventLevel,
  InvalidateEvent,
  MachineOptions,
  VmEvent,
} from "../../../src/vm/index.js";

const ROUNDTRIP = "roundtrip.S";

function traced(
  file: string,
  level: EventLevel,
  opts: MachineOptions = {},
  defines: string[] = [],
) {
  const events: VmEvent[] = [];
  const run = runProgram(
    file,
    { ...opts, events: { level, event: (e) => events.push(e) } },
    defines,
  );
  return { events, run };
}

/** Events as JSON with 64-bit values in hex (for whole-stream comparisons). */
function json(events: readonly VmEvent[]): string[] {
  return events.map((e) =>
    JSON.stringify(e, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)),
  );
}

function symbol(run: Run, name: string): bigint {
  return symbolValue(run.image, name);
}

const WIN = 0x40000000n;
const USP = WIN + 0xc000n; // USTACK 11: the user stack top
const UCODE = WIN + 0xa000n;

describe("system events of roundtrip.S", () => {
  const { events, run } = traced(ROUNDTRIP, "system");
  const firstUser = events.findIndex((e) => e.kind === "iret" && e.toCpl === 3);
  const tail = events.slice(firstUser);
  const user = (name: string): bigint => userAddress(run.image, name);

  it("runs to its exit", () => {
    expect(run.output).toContain("done");
    expect(run.result.exitStatus).toBe(1);
  });

  it("reports the user round trip in order", () => {
    expect(tail.map((e) => e.kind)).toEqual([
      "iret", // to_user
      "syscall", "swapgs", "cr", "cr", "swapgs", "sysret", // SYSCALL 39
      "page-fault", "deliver", "iret", // the write to the not-present page
      "deliver", "iret", // INT 0x80 on IST1
      "syscall", "swapgs", "cr", // SYSCALL 60
      "end",
    ]); // prettier-ignore
  });

  it("gives SYSCALL's target, the user RSP and RAX", () => {
    const e = tail[1]!;
    if (e.kind !== "syscall") throw new Error("not syscall");
    expect(e.rip).toBe(user("u_syscall"));
    expect(e.target).toBe(symbol(run, "entry_syscall"));
    expect(e.rsp).toBe(USP);
    expect(e.rax).toBe(39n);
    expect(e.icount).toBeGreaterThan(tail[0]!.icount);
  });

  it("gives SWAPGS's bases after the exchange", () => {
    const [a, b] = [tail[2]!, tail[5]!];
    if (a.kind !== "swapgs" || b.kind !== "swapgs") throw new Error("not swapgs");
    expect(a.gsBase).toBe(symbol(run, "percpu"));
    expect(a.kernelGsBase).toBe(0n);
    expect(b.gsBase).toBe(0n);
    expect(b.kernelGsBase).toBe(symbol(run, "percpu"));
  });

  it("decodes the CR3 writes: PGD, PCID, no-flush, entries dropped", () => {
    const pgd = symbol(run, "pgd");
    const [toKernel, toUser] = [tail[3]!, tail[4]!];
    if (toKernel.kind !== "cr" || toUser.kind !== "cr") throw new Error("not cr");
    expect(toKernel).toMatchObject({ reg: "cr3", old: pgd + 0x1801n, new: pgd + 1n, pgd, pcid: 1 });
    expect(toKernel.noflush).toBe(true);
    expect(toKernel.flushed).toBe(0);
    expect(toUser).toMatchObject({ reg: "cr3", old: pgd + 1n, new: pgd + 0x1801n, pcid: 0x801 });
    expect(toUser.pgd).toBe(pgd + 0x1000n);
    // The kernel's first CR3 write in sys_init flushes the boot translations (PCIDE=0).
    const first = events.find((e) => e.kind === "cr" && e.reg === "cr3");
    expect(first?.kind === "cr" && first.flushed).toBeGreaterThan(0);
    expect(first?.kind === "cr" && first.noflush).toBe(false);
  });

  it("gives SYSRET's target and selectors", () => {
    const e = tail[6]!;
    expect(e).toMatchObject({
      kind: "sysret",
      target: user("u_store"),
      cs: 0x33,
      ss: 0x2b,
      rsp: USP,
    });
  });

  it("decodes the page fault and its delivery through RSP0", () => {
    const pf = tail[7]!;
    expect(pf).toMatchObject({
      kind: "page-fault",
      address: WIN + 0xc000n,
      errorCode: 6,
      level: 4,
    });
    const d = tail[8]!;
    if (d.kind !== "deliver") throw new Error("not deliver");
    const top = symbol(run, "entry_stack") + 4096n;
    expect(d).toMatchObject({ vector: 14, name: "#PF", soft: false, gate: "interrupt" });
    expect(d).toMatchObject({ stack: "rsp0", fromCpl: 3, toCpl: 0, rsp: top - 48n });
    expect(d.handler).toBe(symbol(run, "pf_handler"));
    expect(d.frame).toEqual({ ss: 0x2b, rsp: USP, rflags: 2n, cs: 0x33, rip: user("u_store"), errorCode: 6 }); // prettier-ignore
    expect(d.rip).toBe(user("u_store"));
    const back = tail[9]!;
    expect(back).toMatchObject({ kind: "iret", fromCpl: 0, toCpl: 3, rsp: USP });
  });

  it("delivers INT 0x80 on IST1 with the next RIP in the frame", () => {
    const d = tail[10]!;
    if (d.kind !== "deliver") throw new Error("not deliver");
    expect(d).toMatchObject({ vector: 0x80, soft: true, stack: "ist1", fromCpl: 3, toCpl: 0 });
    expect(d.rsp).toBe(symbol(run, "ist_stack") + 4096n - 40n);
    expect(d.rip).toBe(user("u_int80"));
    expect(d.frame.rip).toBe(user("u_after_int80"));
    expect(d.frame.errorCode).toBeUndefined();
    const r = tail[11]!;
    if (r.kind !== "iret") throw new Error("not iret");
    expect(r.frame.rip).toBe(d.frame.rip);
  });

  it("ends with the reason, the status and the counts", () => {
    const e = tail[tail.length - 1]!;
    expect(e).toMatchObject({ kind: "end", reason: "exit", exitStatus: 1, insns: [run.result.insns] }); // prettier-ignore
    expect(e.icount).toBe(run.result.insns);
  });

  it("reports WRMSR (EFER as a cr event)", () => {
    const efer = events.find((e) => e.kind === "cr" && e.reg === "efer");
    expect(efer).toMatchObject({ old: 0x500n, new: 0x501n });
    const lstar = events.find((e) => e.kind === "wrmsr" && e.msr === 0xc0000082);
    expect(lstar).toMatchObject({ value: symbol(run, "entry_syscall") });
  });
});

describe("compiled blocks and the interpreter", () => {
  it.each([ROUNDTRIP, "system/syscall.S", "system/delivery.S", "system/tlb.S"])(
    "give identical streams: %s",
    (file) => {
      const jit = traced(file, "system", { jit: true, jitThreshold: 0 });
      const interp = traced(file, "system", { jit: false });
      expect(jit.run.machine.blocksCompiled).toBeGreaterThan(0);
      expect(json(jit.events)).toEqual(json(interp.events));
    },
  );
});

describe("the insn level", () => {
  it.each([ROUNDTRIP, "system/syscall.S", "system/delivery.S", "system/paging.S", "system/tlb.S"])(
    "leaves the architectural result unchanged: %s",
    (file) => {
      const plain = runProgram(file);
      const { events, run } = traced(file, "insn");
      expect(run.output).toBe(plain.output);
      expect(run.result).toEqual(plain.result);
      // One event per retired instruction, in order (HLT advances the count without any).
      const counts = events.filter((e) => e.kind === "insn").map((e) => e.icount);
      expect(counts.every((n, i) => i === 0 || n > counts[i - 1]!)).toBe(true);
      if (!file.includes("delivery")) expect(counts.length).toBe(run.result.insns);
    },
  );

  it("reports each instruction's register changes and memory writes", () => {
    const { events, run } = traced(ROUNDTRIP, "insn");
    const insns = events.filter((e) => e.kind === "insn");
    // `movq $7, WIN_VA(UDATA)` retired after the #PF handler mapped the page.
    const user = (name: string): bigint => userAddress(run.image, name);
    const store = insns.find((e) => e.rip === user("u_store"));
    expect(store?.writes).toEqual([
      { address: WIN + 0xc000n, physical: symbol(run, "udata"), size: 8, value: 7n },
    ]);
    expect(store?.insn?.form.mnemonic).toBe("mov");
    const mov = insns.find((e) => e.rip === UCODE);
    expect(mov?.regs).toEqual([{ reg: "rax", old: expect.any(BigInt), new: 39n }]);
    // SYSCALL changes RCX and R11.
    const sc = insns.find((e) => e.rip === user("u_syscall"));
    expect(sc?.regs.map((r) => r.reg)).toEqual(["rcx", "r11"]);
    expect(sc?.regs[0]?.new).toBe(user("u_store"));
    // Events of one instruction come before its insn event and share its count.
    const i = events.findIndex((e) => e.kind === "syscall");
    expect(events[i + 1]).toMatchObject({ kind: "insn", icount: events[i]!.icount });
  });
});

describe("the paging level", () => {
  it("reports a walk and a fill per TLB miss, with the PCID", () => {
    const { events, run } = traced(ROUNDTRIP, "paging");
    const walks = events.filter((e) => e.kind === "walk");
    const fetch = walks.find((e) => e.address === UCODE);
    expect(fetch).toMatchObject({ access: "fetch", pcid: 0x801, levels: 4, pageSize: 4096 });
    expect(fetch?.physical).toBe(symbol(run, "user_code"));
    expect(fetch?.entries.length).toBe(4);
    const i = events.indexOf(fetch!);
    expect(events[i + 1]).toMatchObject({ kind: "tlb-fill", page: UCODE, pcid: 0x801, global: false }); // prettier-ignore
    expect(events.filter((e) => e.kind === "tlb-fill").length).toBe(walks.length);
    // The system level has none of them.
    expect(traced(ROUNDTRIP, "system").events.some((e) => e.kind === "walk")).toBe(false);
  });
});

describe("other system events", () => {
  it("reports injected NMIs and interrupts before their delivery", () => {
    const inject = [
      { kind: "nmi" as const, cpu: 0, at: 20000 },
      { kind: "irq" as const, vector: 0x41, cpu: 0, at: 40000 },
    ];
    const { events } = traced("system/inject.S", "system", { inject });
    const taken = events.filter((e) => e.kind === "interrupt");
    expect(taken).toMatchObject([
      { vector: 2, nmi: true },
      { vector: 0x41, nmi: false },
    ]);
    expect(taken[0]!.icount).toBeGreaterThanOrEqual(20000);
    const next = events[events.indexOf(taken[1]!) + 1];
    expect(next).toMatchObject({ kind: "deliver", vector: 0x41, soft: false });
  });

  it("reports INVLPG and INVPCID with the entries they dropped", () => {
    const { events } = traced("system/tlb.S", "system");
    const invlpg = events.filter((e): e is InvalidateEvent => e.kind === "invlpg");
    const invpcid = events.filter((e): e is InvalidateEvent => e.kind === "invpcid");
    expect(invlpg.length).toBeGreaterThan(0);
    expect(invlpg.some((e) => e.flushed > 0)).toBe(true);
    expect(new Set(invpcid.map((e) => e.type))).toEqual(new Set([0, 1, 2, 3]));
  });

  it("reports the #DF escalation and the triple fault, then the end", () => {
    const { events, run } = traced("system/triple.S", "system");
    const df = events.find((e) => e.kind === "double-fault");
    expect(df).toMatchObject({ first: 14, second: 14 });
    const tf = events.find((e) => e.kind === "triple-fault");
    expect(tf?.kind === "triple-fault" && tf.chain.map((f) => f.name)).toEqual(
      run.result.faultChain?.map((f) => f.name),
    );
    expect(events[events.length - 1]).toMatchObject({ kind: "end", reason: "triple-fault" });
  });
});
