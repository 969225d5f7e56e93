// The cost model: each record kind costs its figure from the table (CR3 writes by flush
// behaviour, walks per level, deliveries on top of instructions, serialising instructions at
// the insn level), stats gain estimated cycles per episode and per CPU, and a JSON override
// file replaces figures — bad ones are diagnostics with a location, never exceptions.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { COST_NAMES, CostModel, DEFAULT_COSTS, formatStats, parseCostFile, traceStats } from "../../../src/trace/index.js"; // prettier-ignore
import type { TraceRecord } from "../../../src/trace/index.js";
import { ofKind, recordPair } from "./diff-helpers.js";

const base = { cpu: 0, icount: 10, rip: 0n, rsp: 0n };
const cr3 = (pcid: number, noflush?: boolean): TraceRecord => ({ ...base, kind: "cr", reg: "cr3", old: 0n, new: 0x1000n, flushed: 0, pcid, ...(noflush === undefined ? {} : { noflush }) }); // prettier-ignore
const F = DEFAULT_COSTS;

describe("the default figures", () => {
  const m = new CostModel();

  it("costs a CR3 write by what it flushes", () => {
    expect(m.recordCycles(cr3(0, false))).toBe(F.cr3Flush);
    expect(m.recordCycles(cr3(0x801, false))).toBe(F.cr3PcidFlush);
    expect(m.recordCycles(cr3(0x801, true))).toBe(F.cr3NoFlush);
    expect(m.recordCycles({ ...base, kind: "cr", reg: "cr4", old: 0n, new: 0n, flushed: 3 })).toBe(F.crWrite); // prettier-ignore
  });

  it("costs a walk per level read, and entry/exit instructions by their figure", () => {
    const walk: TraceRecord = { ...base, kind: "walk", address: 0n, physical: 0n, pcid: 0, access: "read", levels: 4, pageSize: 4096, entries: [] }; // prettier-ignore
    expect(m.recordCycles(walk)).toBe(4 * F.walkLevel);
    expect(m.recordCycles({ ...base, kind: "syscall", target: 0n, rax: 39n })).toBe(F.syscall);
    expect(m.recordCycles({ ...base, kind: "sysret", target: 0n, cs: 0x33, ss: 0x2b })).toBe(F.sysret); // prettier-ignore
    expect(m.recordCycles({ ...base, kind: "swapgs", gsBase: 0n, kernelGsBase: 0n })).toBe(
      F.swapgs,
    );
    expect(m.recordCycles({ ...base, kind: "wrmsr", msr: 0xc0000082, value: 0n })).toBe(F.wrmsr);
    expect(m.recordCycles({ ...base, kind: "invlpg", address: 0n, pcid: 0, flushed: 1 })).toBe(F.invlpg); // prettier-ignore
    expect(m.recordCycles({ ...base, kind: "stack", from: "-", to: "x", cause: "cr" })).toBe(0);
  });

  it("adds a delivery on top of the instructions and replaces an instruction's own cost", () => {
    const frame = { ss: 0, rsp: 0n, rflags: 0n, cs: 0, rip: 0n };
    const deliver: TraceRecord = { ...base, kind: "deliver", vector: 14, name: "#PF", soft: false, gate: "interrupt", stack: "rsp0", fromCpl: 3, toCpl: 0, handler: 0n, frame }; // prettier-ignore
    expect(m.extraCycles(deliver)).toBe(F.deliver);
    expect(m.extraCycles(cr3(1, true))).toBe(F.cr3NoFlush - F.insn);
    expect(m.cycles(10, [deliver, cr3(1, true)])).toBe(10 * F.insn + F.deliver + F.cr3NoFlush - F.insn); // prettier-ignore
  });

  it("costs a serialising instruction at the insn level, an ordinary one nothing extra", () => {
    const insn = (text: string): TraceRecord => ({ ...base, kind: "insn", text, length: 2, regs: [], writes: [] }); // prettier-ignore
    expect(m.extraCycles(insn("cpuid"))).toBe(F.serialising - F.insn);
    expect(m.extraCycles(insn("lidt 0x10(%rip)"))).toBe(F.serialising - F.insn);
    expect(m.extraCycles(insn("mov %rax, %rbx"))).toBe(0);
  });
});

describe("estimated cycles in stats", () => {
  const rs = recordPair();
  const cost = new CostModel();
  const s = traceStats(rs, { cost });

  it("gives each episode its instructions plus the figures of its system records", () => {
    const [sys] = s.cpus[0]!.episodes;
    const enter = ofKind(rs, "syscall")[0]!;
    const ret = ofKind(rs, "sysret")[0]!;
    const insns = ret.icount - enter.icount + 1;
    // SYSCALL, two no-flush CR3 writes, two SWAPGS, SYSRET: each replaces one ordinary instruction.
    const want = insns * F.insn + (F.syscall - F.insn) + 2 * (F.cr3NoFlush - F.insn) + 2 * (F.swapgs - F.insn) + (F.sysret - F.insn); // prettier-ignore
    expect(sys!.cycles).toBe(want);
    expect(s.cpus[0]!.cycles).toBe(cost.cycles(s.cpus[0]!.instructions, rs));
  });

  it("prints an est-cycles column and the total; without a model, neither", () => {
    const text = formatStats(s);
    expect(text).toMatch(/^ +#  trigger .* faults  est-cycles$/m);
    expect(text).toMatch(/^total: ~\d+ estimated cycles \(an estimate/m);
    expect(formatStats(traceStats(rs))).not.toMatch(/est-cycles|estimated/);
    expect(traceStats(rs).cpus[0]!.episodes[0]!.cycles).toBeUndefined();
  });

  it("follows an override", () => {
    const dearer = traceStats(rs, { cost: new CostModel({ cr3NoFlush: F.cr3NoFlush + 1000 }) });
    expect(dearer.cpus[0]!.episodes[0]!.cycles).toBe(s.cpus[0]!.episodes[0]!.cycles! + 2000);
  });
});

describe("cost files", () => {
  function parse(text: string): { model?: CostModel; where: string[]; messages: string[] } {
    const sources = new SourceManager();
    const diags = new DiagnosticBag();
    const file = sources.add("cost.json", text);
    const model = parseCostFile(file, diags);
    const where = diags.items.map((d) => `${d.loc ? sources.format(d.loc) : "-"} ${d.code}`);
    return { model, where, messages: diags.items.map((d) => d.message) };
  }

  it("overrides the figures it names and keeps the others", () => {
    const r = parse('{ "cr3NoFlush": 120, "walkLevel": 4.5 }');
    expect(r.where).toEqual([]);
    expect(r.model!.figures).toEqual({ ...DEFAULT_COSTS, cr3NoFlush: 120, walkLevel: 4.5 });
  });

  it("reports bad files with a code and where", () => {
    expect(parse("{ nope").where).toEqual(["cost.json:1:3 E8006"]);
    expect(parse("[1, 2]").where).toEqual(["cost.json:1:1 E8006"]);
    const r = parse('{\n  "insn": 1,\n  "cr3Flsh": 9,\n  "swapgs": -1,\n  "iret": "fast"\n}');
    expect(r.model).toBeUndefined();
    expect(r.where).toEqual(["cost.json:3:3 E8007", "cost.json:4:3 E8008", "cost.json:5:3 E8008"]);
    expect(r.messages[0]).toContain(`known: ${COST_NAMES.join(", ")}`);
    expect(r.messages[2]).toContain('not "fast"');
  });
});
