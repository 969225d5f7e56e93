// The recorder and the formats: a golden text trace of roundtrip.S, byte-identical traces for
// the same inputs (and from compiled blocks), RIPs named, stack regions, the JSON Lines round
// trip, and the entry order SYSCALL → CR3 (kernel) → task stack → CR3 (user) → SYSRET.
import { readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatJson, formatText, parseTrace, RegionMap, TraceRecorder } from "../../../src/trace/index.js"; // prettier-ignore
import type { TraceRecord } from "../../../src/trace/index.js";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import type { EventLevel, MachineOptions, VmEvent } from "../../../src/vm/index.js";
import type { ObjectFile } from "../../../src/obj/index.js";
import { buildProgram, runProgram, symbolValue, TRACE_DIR } from "./helpers.js";

const GOLDEN = `${TRACE_DIR}roundtrip.golden.txt`;

function record(file: string, level: EventLevel, opts: MachineOptions = {}): TraceRecord[] {
  const image = buildProgram(file);
  const rec = new TraceRecorder({ image, level });
  runProgram(file, { ...opts, events: rec });
  return rec.records;
}

const text = (rs: readonly TraceRecord[]): string => rs.map((r) => formatText(r) + "\n").join("");
const jsonl = (rs: readonly TraceRecord[]): string => rs.map((r) => formatJson(r) + "\n").join("");

describe("the text format", () => {
  it("matches the golden trace of roundtrip.S (UPDATE_GOLDEN=1 rewrites it)", () => {
    const now = text(record("roundtrip.S", "system"));
    if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, now);
    expect(now).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("puts CPU, count, RIP and kind first, fixed-width, and names the RIP", () => {
    const rs = record("roundtrip.S", "system");
    const sc = rs.find((r) => r.kind === "swapgs")!;
    expect(formatText(sc)).toMatch(
      /^0 \d{10} [0-9a-f]{16} swapgs {7}rsp=[0-9a-f]{16} task=0 gsBase=[0-9a-f]{16} kernelGsBase=[0-9a-f]{16} # entry_syscall \(test\/unit\/trace\/roundtrip\.S:\d+\)$/,
    );
    const pf = rs.find((r) => r.kind === "page-fault")!;
    expect(formatText(pf)).toContain("errorCode=0006 bits=W|U level=4");
    expect(pf.sym).toBeUndefined(); // a user address: no symbol of the image there
  });
});

describe("determinism", () => {
  it.each(["system", "paging", "insn"] as const)(
    "gives byte-identical traces at the %s level",
    (level) => {
      const a = record("roundtrip.S", level);
      const b = record("roundtrip.S", level);
      expect(text(a)).toBe(text(b));
      expect(jsonl(a)).toBe(jsonl(b));
    },
  );

  it("gives the same JSON Lines from compiled blocks as from the interpreter", () => {
    const jit = record("system/syscall.S", "system", { jit: true, jitThreshold: 0 });
    const interp = record("system/syscall.S", "system", { jit: false });
    expect(jsonl(jit)).toBe(jsonl(interp));
  });
});

describe("JSON Lines", () => {
  it.each(["system", "insn"] as const)("reads back what it wrote (%s)", (level) => {
    const rs = record("roundtrip.S", level);
    const sources = new SourceManager();
    const diags = new DiagnosticBag();
    const back = parseTrace(sources.add("t.jsonl", jsonl(rs)), diags);
    expect(diags.items).toEqual([]);
    expect(jsonl(back)).toBe(jsonl(rs));
    expect(text(back)).toBe(text(rs));
  });

  it("writes 64-bit values as 0x strings of 16 digits and 32-bit ones as numbers", () => {
    const rs = record("roundtrip.S", "system");
    const d = JSON.parse(formatJson(rs.find((r) => r.kind === "deliver")!));
    expect(d.rip).toMatch(/^0x[0-9a-f]{16}$/);
    expect(d.frame.rsp).toMatch(/^0x[0-9a-f]{16}$/);
    expect(d.vector).toBe(14);
    expect(d.frame.errorCode).toBe(6);
    expect(Object.keys(d).slice(0, 5)).toEqual(["kind", "cpu", "icount", "rip", "rsp"]);
  });
});

describe("stack regions", () => {
  it("names sized objects, top-inclusive, smallest first", () => {
    const image = {
      symbols: [
        { name: "big", type: "object", size: 0x2000n, value: 0x1000n, section: 1 },
        { name: "inner", type: "object", size: 0x1000n, value: 0x2000n, section: 1 },
        { name: "code", type: "func", size: 0x100n, value: 0x5000n, section: 1 },
      ],
    } as unknown as ObjectFile;
    const m = new RegionMap(image);
    expect(m.stackRegion(0x1000n)).toBeUndefined(); // a full stack: below the region
    expect(m.stackRegion(0x1008n)?.name).toBe("big");
    expect(m.stackRegion(0x2000n)?.name).toBe("big"); // the top of nothing but big
    expect(m.stackRegion(0x2ff0n)?.name).toBe("inner");
    expect(m.stackRegion(0x3000n)?.name).toBe("inner"); // inner's empty stack
    expect(m.stackRegion(0x5080n)).toBeUndefined(); // functions are not regions
  });

  it("takes regions known only at run time, added before or after the recorder exists", () => {
    const m = new RegionMap(undefined, [{ name: "entry stack of CPU 0", start: 0x8000n, end: 0x9000n }]); // prettier-ignore
    expect(m.stackRegion(0x8ff8n)?.name).toBe("entry stack of CPU 0");
    m.add([{ name: "kernel stack of pid 1", start: 0x4000n, end: 0x8000n }, { name: "empty", start: 1n, end: 1n }]); // prettier-ignore
    expect(m.stackRegion(0x7000n)?.name).toBe("kernel stack of pid 1");
    expect(m.regions.map((r) => r.name)).toEqual(["kernel stack of pid 1", "entry stack of CPU 0"]); // prettier-ignore
    // Through the recorder: a region added after construction names the stack in `stack`
    // records (a sub-range of the image's task_stack: the smaller region wins).
    const image = buildProgram("roundtrip.S");
    const sym = image.symbols.find((x) => x.name === "task_stack")!;
    const rec = new TraceRecorder({ image, level: "system" });
    rec.addRegions([{ name: "kernel stack of pid 1", start: sym.value + 8n, end: sym.value + sym.size }]); // prettier-ignore
    runProgram("roundtrip.S", { events: rec });
    const moves = rec.records.filter((r) => r.kind === "stack").map((r) => r.kind === "stack" && r.to); // prettier-ignore
    expect(moves).toContain("kernel stack of pid 1");
    expect(moves).not.toContain("task_stack");
  });

  it("reports each move between regions at the system events", () => {
    const rs = record("roundtrip.S", "system");
    const moves = rs.filter((r) => r.kind === "stack").map((r) => r.kind === "stack" && `${r.from}>${r.to}:${r.cause}`); // prettier-ignore
    expect(moves).toEqual([
      "->task_stack:cr", // seen at the CR3 write back to the user (the mov to %rsp is not an event)
      "task_stack>-:swapgs",
      "->entry_stack:deliver", // #PF through RSP0
      "entry_stack>-:iret",
      "->ist_stack:deliver", // INT 0x80 through IST1
      "ist_stack>-:iret",
    ]);
  });

  it("shows the entry in order at the insn level: SYSCALL, CR3, task stack, CR3 back, SYSRET", () => {
    const rs = record("roundtrip.S", "insn");
    const image = buildProgram("roundtrip.S");
    const pgd = symbolValue(image, "pgd");
    const i = rs.findIndex((r) => r.kind === "syscall");
    const seq = rs
      .slice(i, rs.findIndex((r) => r.kind === "sysret") + 1)
      .filter((r) => r.kind !== "insn" && r.kind !== "walk" && r.kind !== "tlb-fill")
      .filter((r) => !(r.kind === "stack" && (r.to === "pgd" || r.from === "pgd"))) // RSP as CR3 scratch
      .map((r) => (r.kind === "cr" ? `cr3:${r.new === pgd + 1n ? "kernel" : "user"}` : r.kind === "stack" ? `stack:${r.to}` : r.kind)); // prettier-ignore
    expect(seq).toEqual(["syscall", "swapgs", "cr3:kernel", "stack:task_stack", "cr3:user", "stack:-", "swapgs", "sysret"]); // prettier-ignore
  });

  it("disassembles each instruction with symbols for branch targets", () => {
    const rs = record("roundtrip.S", "insn");
    const texts = rs.filter((r) => r.kind === "insn").map((r) => r.kind === "insn" && r.text);
    expect(texts).toContain("mov    $0x27,%eax");
    expect(texts).toContain("je     sys_done");
  });
});

describe("the running task", () => {
  const at = (cpu: number, icount: number) => ({ cpu, icount, rip: 0x1000n, rsp: 0x8000n });
  const sw = (cpu: number, icount: number, prevPid: number, nextPid: number): VmEvent => ({ kind: "sched-switch", ...at(cpu, icount), prevComm: "a", prevPid, prevState: "running", nextComm: "b", nextPid }); // prettier-ignore
  const gs = (cpu: number, icount: number): VmEvent => ({ kind: "swapgs", ...at(cpu, icount), gsBase: 0n, kernelGsBase: 0n }); // prettier-ignore
  const insn = (cpu: number, icount: number): VmEvent => ({ kind: "insn", ...at(cpu, icount), insn: undefined, length: 1, regs: [], writes: [] }); // prettier-ignore

  it("is the boot task until a switch, the outgoing task on the switch, the incoming one after", () => {
    const rec = new TraceRecorder({ level: "insn" });
    for (const e of [gs(0, 1), insn(1, 1), sw(0, 2, 0, 3), gs(0, 3), insn(0, 4), gs(1, 5), sw(0, 6, 3, 0), insn(0, 7)]) rec.event(e); // prettier-ignore
    expect(rec.records.map((r) => `${r.cpu}:${r.kind}:${r.task}`)).toEqual(["0:swapgs:0", "1:insn:0", "0:sched-switch:0", "0:swapgs:3", "0:insn:3", "1:swapgs:0", "0:sched-switch:3", "0:insn:0"]); // prettier-ignore
  });

  it("starts from the boot task it is told, and stack records carry it too", () => {
    const rec = new TraceRecorder({ level: "system", bootTask: 7, regions: [{ name: "s", start: 0x7000n, end: 0x9000n }] }); // prettier-ignore
    rec.event(gs(0, 1));
    expect(rec.records.map((r) => `${r.kind}:${r.task}`)).toEqual(["swapgs:7", "stack:7"]);
  });

  it("stays the outgoing task on the move the switch's own RSP shows", () => {
    const rec = new TraceRecorder({ level: "system", regions: [{ name: "kernel stack of pid 1", start: 0x7000n, end: 0x9000n }] }); // prettier-ignore
    rec.event({ ...sw(0, 2, 1, 2), rsp: 0x8000n });
    rec.event({ ...gs(0, 3), rsp: 0x100n });
    expect(rec.records.map((r) => `${r.kind}:${r.task}`)).toEqual(["sched-switch:0", "stack:0", "swapgs:2", "stack:2"]); // prettier-ignore
  });

  it("is written after rsp in both formats and read back", () => {
    const rec = new TraceRecorder({ level: "insn" });
    for (const e of [sw(0, 2, 0, 3), insn(0, 3)]) rec.event(e);
    const [s, i] = rec.records;
    expect(formatText(s!)).toBe("0 0000000002 0000000000001000 sched-switch rsp=0000000000008000 task=0 prevComm=a prevPid=0 prevState=running nextComm=b nextPid=3"); // prettier-ignore
    expect(formatText(i!)).toMatch(/ insn {9}rsp=0000000000008000 task=3 text=\(bad\) /);
    expect(Object.keys(JSON.parse(formatJson(i!))).slice(0, 7)).toEqual(["kind", "cpu", "icount", "rip", "rsp", "task", "text"]); // prettier-ignore
    const back = parseTrace(new SourceManager().add("t.jsonl", jsonl(rec.records)), new DiagnosticBag()); // prettier-ignore
    expect(back.map((r) => r.task)).toEqual([0, 3]);
    // A trace written before the field still reads, without it.
    const old = formatJson(i!).replace(',"task":3', "");
    const [o] = parseTrace(new SourceManager().add("o.jsonl", old), new DiagnosticBag());
    expect(o!.task).toBeUndefined();
    expect(formatText(o!)).not.toContain("task=");
  });
});
