// The TLB audit (src/vm/tlb-audit.ts) and the `stale-translation` check (src/trace/check-tlb.ts)
// on the guests of test/system/stale-tlb.S: a PTE changed and the page used with or without the
// invalidation it needs. Each case runs with the audit on, passes the guest's own CHECKs (the
// machine behaves as without the audit: a stale entry is still used), and is checked for its
// `pte-write` and `stale-tlb` records and the check's verdict. Also: the audit off changes nothing
// and costs no record; the audit on leaves exit, state and output as they were.
import { describe, expect, it } from "vitest";
import { TraceRecorder, checkTrace, diffTraces, formatRecord } from "../../../src/trace/index.js";
import type { StaleTlbRecord, TraceRecord } from "../../../src/trace/index.js";
import type { MachineOptions } from "../../../src/vm/index.js";
import { buildSystem, runImage } from "../../system/run.js";

interface Case {
  define: string;
  /** Whether the run must report a stale translation, and of which access. */
  stale: false | "read" | "write";
  global?: boolean;
  pcid?: number;
  /** Bits the `pte-write` names as changed. */
  changed: string;
}

const CASES: Case[] = [
  { define: "CASE_NOFLUSH", stale: "read", changed: "address" },
  { define: "CASE_INVLPG", stale: false, changed: "address" },
  { define: "CASE_RW_SET", stale: false, changed: "R/W" },
  { define: "CASE_RW_CLEAR", stale: "write", changed: "R/W" },
  { define: "CASE_GLOBAL", stale: "read", global: true, changed: "address" },
  { define: "CASE_GLOBAL_PGE", stale: false, changed: "address" },
  { define: "CASE_GLOBAL_INVPCID", stale: false, changed: "address" },
  { define: "CASE_PCID", stale: "read", pcid: 1, changed: "address" },
  { define: "CASE_PCID_FLUSH", stale: false, changed: "address" },
];

function run(define: string, opts: MachineOptions = {}, auditTlb = true) {
  const image = buildSystem("stale-tlb.S", [define]);
  const rec = new TraceRecorder({ image, level: "system", auditTlb });
  const r = runImage(image, { ...opts, events: rec });
  const fails = r.output.split("\n").filter((l) => l.startsWith("FAIL"));
  return { ...r, records: rec.records, fails };
}

const of = <K extends TraceRecord["kind"]>(rs: readonly TraceRecord[], kind: K) =>
  rs.filter((r): r is Extract<TraceRecord, { kind: K }> => r.kind === kind);

describe.each(CASES)("$define", (c) => {
  const r = run(c.define);
  it("runs the guest's checks as without the audit", () => {
    expect(r.fails).toEqual([]);
    expect(r.output).toMatch(/done\n$/);
    expect(r.result.exitStatus).toBe(1);
  });
  it("records the PTE change that made the entry stale", () => {
    const writes = of(r.records, "pte-write");
    expect(writes.length).toBeGreaterThanOrEqual(1);
    const w = writes[0]!;
    expect(w.level).toBe(4);
    expect(w.changed).toBe(c.changed);
    expect(w.affected).toBe(1);
    expect(w.pages[0]! >= 0x40000000n && w.pages[0]! < 0x40200000n).toBe(true);
    expect(w.sym).toMatch(/^test_main\+0x/);
  });
  it(c.stale ? `reports one stale ${c.stale}` : "reports no stale use", () => {
    const stale = of(r.records, "stale-tlb");
    expect(stale.length).toBe(c.stale ? 1 : 0);
    if (!c.stale) return;
    const s = stale[0]!;
    expect(s.access).toBe(c.stale);
    expect(s.global).toBe(c.global ?? false);
    expect(s.pcid).toBe(c.pcid ?? 0);
    const w = of(r.records, "pte-write").find((p) => p.icount === s.writeIcount)!;
    expect(s.writeRip).toBe(w.rip);
    expect(s.entry).toBe(w.entry);
    expect(s.writeSym).toBe(w.sym);
    expect(s.icount).toBeGreaterThan(s.writeIcount);
  });
  it(`the stale-translation check says ${c.stale ? "violated" : "ok"}`, () => {
    const res = checkTrace(r.records).find((x) => x.name === "stale-translation")!;
    expect(res.status).toBe(c.stale ? "violated" : "ok");
    if (!c.stale) return;
    const v = res.violation!;
    const s = v.at as StaleTlbRecord;
    expect(v.message).toContain(`${c.stale} of 0x${s.address.toString(16)}`);
    expect(v.message).toContain(`at icount ${s.writeIcount} (${s.writeSym})`);
    expect(v.message).toContain(`changed from 0x${s.old.toString(16)} to 0x${s.new.toString(16)}`);
    expect(v.message).toContain(`no INVLPG of 0x${s.page.toString(16)}`);
  });
});

describe("what each stale use reports", () => {
  it("a frame change: the TLB's frame beside the walk's, and the CR3 write that was missing", () => {
    const r = run("CASE_NOFLUSH");
    const s = of(r.records, "stale-tlb")[0]!;
    expect(s.tlbFrame).not.toBe(s.walkFrame);
    expect(s.tlbFrame + 0x1000n).toBe(s.walkFrame); // page_a, then page_b right after it
    expect([s.tlbRights, s.walkRights, s.walkFault]).toEqual(["W", "W", undefined]);
    const msg = checkTrace(r.records).find((x) => x.name === "stale-translation")!.violation!.message; // prettier-ignore
    expect(msg).toMatch(/the PTE at 0x[0-9a-f]+ mapping 0x40000000 changed/);
    expect(msg).toContain("no INVLPG of 0x40000000 or CR3 write came after it");
  });
  it("R/W cleared: the write the tables now refuse (#PF P|W), on the same frame", () => {
    const s = of(run("CASE_RW_CLEAR").records, "stale-tlb")[0]!;
    expect(s.walkFrame).toBeUndefined();
    expect(s.walkFault).toBe(3);
    expect(s.tlbRights).toBe("W");
  });
  it("a global entry: the flush named is one that drops globals", () => {
    const r = run("CASE_GLOBAL");
    const msg = checkTrace(r.records).find((x) => x.name === "stale-translation")!.violation!.message; // prettier-ignore
    expect(msg).toContain("CR4.PGE toggle or INVPCID type 2");
    expect(of(r.records, "pte-write")[0]!.pcids).toEqual([0x1000]);
  });
  it("PCID: the entry of PCID 1, changed while PCID 2 ran, used back under PCID 1", () => {
    const r = run("CASE_PCID");
    const w = of(r.records, "pte-write")[0]!;
    expect(w.pcids).toEqual([1]);
    const s = of(r.records, "stale-tlb")[0]!;
    const cr3 = of(r.records, "cr").filter((x) => x.reg === "cr3" && x.icount < s.icount);
    expect(cr3.at(-1)!.pcid).toBe(1);
    expect(cr3.at(-1)!.noflush).toBe(true);
    const msg = checkTrace(r.records).find((x) => x.name === "stale-translation")!.violation!.message; // prettier-ignore
    expect(msg).toContain("INVPCID for PCID 1 or CR3 write to PCID 1 without the no-flush bit");
  });
  it("the text and JSON Lines forms carry the audit records", () => {
    const r = run("CASE_NOFLUSH");
    const s = of(r.records, "stale-tlb")[0]!;
    const text = formatRecord(s, "text");
    expect(text).toMatch(/ stale-tlb +rsp=/);
    expect(text).toContain(`writeIcount=${s.writeIcount}`);
    expect(JSON.parse(formatRecord(s, "jsonl"))).toMatchObject({
      kind: "stale-tlb",
      access: "read",
    });
    const end = of(r.records, "end")[0]!;
    expect(end.tlbAudit).toBe(true);
  });
});

describe("several CPUs", () => {
  it("a PTE changed on CPU 0 makes CPU 1's entry stale; CPU 1's read before the shootdown is reported", () => {
    // smp.S: CPU 0 changes the PTE and runs INVLPG; CPU 1 reads through its own stale entry once
    // more (its check "cpu 1 still uses its stale entry"), then the shootdown IPI flushes it.
    const image = buildSystem("smp.S");
    const rec = new TraceRecorder({ image, auditTlb: true });
    const r = runImage(image, { cpus: 2, quantum: 50, events: rec });
    expect(r.output).toMatch(/done\n$/);
    const w = of(rec.records, "pte-write");
    expect(w).toHaveLength(1);
    expect([w[0]!.cpu, w[0]!.cpus, w[0]!.affected]).toEqual([0, [0, 1], 2]);
    const s = of(rec.records, "stale-tlb");
    expect(s.map((x) => [x.cpu, x.writeCpu])).toEqual([[1, 0]]);
    const msg = checkTrace(rec.records).find((x) => x.name === "stale-translation")!.violation!.message; // prettier-ignore
    expect(msg).toContain(`at icount ${s[0]!.writeIcount} (${s[0]!.writeSym}) on CPU 0`);
    expect(msg).toContain("or CR3 write on CPU 1 (a TLB shootdown) came after it");
  });
});

describe("the audit off and on", () => {
  it("off: no audit record, and the check is skipped with how to record it", () => {
    const r = run("CASE_NOFLUSH", {}, false);
    expect(r.records.filter((x) => x.kind === "pte-write" || x.kind === "stale-tlb")).toEqual([]);
    expect(of(r.records, "end")[0]!.tlbAudit).toBeUndefined();
    const res = checkTrace(r.records).find((x) => x.name === "stale-translation")!;
    expect(res.status).toBe("skipped");
    expect(res.note).toContain("--audit-tlb");
  });
  it("on: the same exit, final state and output as a run without it, under every policy", () => {
    for (const tlb of ["strict", "finite"] as const) {
      const on = run("CASE_PCID", { tlb });
      const off = runImage(buildSystem("stale-tlb.S", ["CASE_PCID"]), { tlb });
      expect(on.output).toBe(off.output);
      expect(JSON.stringify(on.result)).toBe(JSON.stringify(off.result));
    }
  });
  it("trace diff compares the audit's records only when both traces have them", () => {
    const on = run("CASE_NOFLUSH").records;
    const off = run("CASE_NOFLUSH", {}, false).records;
    expect(diffTraces(on, off).equivalent).toBe(true);
    expect(diffTraces(on, run("CASE_NOFLUSH").records).equivalent).toBe(true);
  });
  it("the machine's own TLB test runs unchanged with the audit on, and reports its stale uses", () => {
    const image = buildSystem("tlb.S");
    const rec = new TraceRecorder({ image, auditTlb: true });
    const on = runImage(image, { events: rec });
    const off = runImage(image);
    expect(on.output).toBe(off.output);
    expect(JSON.stringify(on.result.cpus)).toBe(JSON.stringify(off.result.cpus));
    // Every use the test calls stale (it reads the old value) is reported; the ones it flushes are not.
    expect(of(rec.records, "stale-tlb").length).toBeGreaterThanOrEqual(8);
  });
});
