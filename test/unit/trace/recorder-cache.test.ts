// The recorder's per-RIP cache (src/trace/recorder.ts): the disassembly of an instruction is
// made once per RIP and decoded form, so code that changes under the trace (smc.S rewrites an
// instruction, as ALTERNATIVE patching does at boot) shows as it was when it ran; and the
// writers' direct formatting (src/trace/format.ts) gives what JSON.stringify of the fields does.
import { describe, expect, it } from "vitest";
import { disassemble } from "../../../src/isa/index.js";
import { formatJson, formatText, TraceRecorder } from "../../../src/trace/index.js";
import type { TraceRecord } from "../../../src/trace/index.js";
import { ELEMENT_FIELDS, fieldsOf } from "../../../src/trace/schema.js";
import type { Field } from "../../../src/trace/schema.js";
import type { InsnEvent, VmEvent } from "../../../src/vm/index.js";
import { buildProgram, runProgram, symbolValue } from "./helpers.js";

/** The insn-level events of smc.S, and the records the recorder made of them. */
function smc(): { events: VmEvent[]; records: TraceRecord[]; rbx: string } {
  const image = buildProgram("smc.S");
  const rec = new TraceRecorder({ image, level: "insn" });
  const events: VmEvent[] = [];
  const sink = { level: "insn" as const, event: (e: VmEvent) => (events.push(e), rec.event(e)) };
  const run = runProgram("smc.S", { events: sink });
  return { events, records: rec.records, rbx: run.result.cpu.regs.rbx };
}

describe("the disassembly cache", () => {
  it("shows a rewritten instruction as it was each time it ran", () => {
    const { records, rbx } = smc();
    expect(rbx).toBe("0x0000000000000008"); // 1, then 7 from the rewritten site
    const site = symbolValue(buildProgram("smc.S"), "site");
    const atSite = records.filter((r) => r.kind === "insn" && r.rip === site);
    expect(atSite.map((r) => r.kind === "insn" && r.text)).toEqual(["add    $0x1,%eax", "add    $0x7,%eax"]); // prettier-ignore
  });

  it("disassembles a RIP anew when its decoded instruction changes, and reuses it when not", () => {
    const { events } = smc();
    const insns = events.filter((e): e is InsnEvent => e.kind === "insn" && e.insn !== undefined);
    const [a, b] = [insns[0]!, insns.find((e) => e.insn !== insns[0]!.insn && e.rip !== insns[0]!.rip)!]; // prettier-ignore
    const rec = new TraceRecorder({ level: "insn" });
    for (const e of [a, { ...a, insn: b.insn }, a, { ...a, insn: undefined }]) rec.event(e);
    const texts = rec.records.flatMap((r) => (r.kind === "insn" ? [r.text] : []));
    expect(texts).toEqual([disassemble(a.insn!, { address: a.rip }), disassemble(b.insn!, { address: a.rip }), disassemble(a.insn!, { address: a.rip }), "(bad)"]); // prettier-ignore
    expect(texts[0]).not.toBe(texts[1]);
  });
});

/** What the JSON Lines writer wrote before it built lines itself: JSON.stringify of objects. */
function referenceJson(r: TraceRecord): string {
  type Bag = Record<string, unknown>;
  const hex = (v: bigint) => `0x${v.toString(16).padStart(16, "0")}`;
  const object = (fields: readonly Field[], o: Bag): Bag => {
    const out: Bag = {};
    for (const [name, type] of fields) if (o[name] !== undefined) out[name] = value(type, o[name]);
    return out;
  };
  const value = (type: string, v: unknown): unknown => {
    if (type === "u64") return hex(v as bigint);
    if (type === "u64s") return (v as bigint[]).map(hex);
    if (type === "frame") return object(ELEMENT_FIELDS.frame, v as Bag);
    if (type === "regs" || type === "writes" || type === "chain") return (v as Bag[]).map((x) => object(ELEMENT_FIELDS[type], x)); // prettier-ignore
    return v;
  };
  return JSON.stringify(object(fieldsOf(r.kind), r as unknown as Bag));
}

/** What the text writer wrote before it built lines itself (its old code, field by field). */
function referenceText(r: TraceRecord): string {
  type Bag = Record<string, unknown>;
  const WIDTH: Record<string, number> = { u64: 16, vec: 2, sel: 4, pcid: 3, h4: 4, h8: 8 };
  const hex = (v: bigint | number, w: number) => v.toString(16).padStart(w, "0");
  const word = (x: string) => (/^[\w.+#:/()|@$%-]+$/.test(x) ? x : JSON.stringify(x));
  const value = (type: string, v: unknown): string => {
    if (WIDTH[type] !== undefined) return hex(v as bigint, WIDTH[type]!);
    if (type === "dec") return String(v);
    if (type === "bool") return v ? "yes" : "no";
    if (type === "str") return word(v as string);
    if (type === "u64s") return `[${(v as bigint[]).map((x) => hex(x, 16)).join(",")}]`;
    if (type === "decs") return `[${(v as number[]).join(",")}]`;
    if (type === "frame") return `{${fields(ELEMENT_FIELDS.frame, v as Bag, ",")}}`;
    if (type === "regs") return `[${(v as Bag[]).map((x) => `${x.reg}:${hex(x.old as bigint, 16)}->${hex(x.new as bigint, 16)}`).join(",")}]`; // prettier-ignore
    if (type === "writes") return `[${(v as Bag[]).map((w) => `${hex(w.address as bigint, 16)}/${hex(w.physical as bigint, 16)}:${w.size}=${hex(w.value as bigint, 2 * (w.size as number))}`).join(",")}]`; // prettier-ignore
    return `[${(v as Bag[]).map((l) => `{${fields(ELEMENT_FIELDS.chain, l, ",")}}`).join(",")}]`;
  };
  const fields = (fs: readonly Field[], o: Bag, sep: string): string =>
    fs.flatMap(([n, t]) => (o[n] === undefined ? [] : [`${n}=${value(t, o[n])}`])).join(sep);
  const head = `${r.cpu} ${String(r.icount).padStart(10, "0")} ${hex(r.rip, 16)} ${r.kind.padEnd(12)}`; // prettier-ignore
  const own = fieldsOf(r.kind).filter(([n]) => !["kind", "cpu", "icount", "rip", "sym", "line"].includes(n)); // prettier-ignore
  const where = r.sym === undefined && r.line === undefined ? "" : ` # ${[r.sym, r.line && `(${r.line})`].filter((x) => x).join(" ")}`; // prettier-ignore
  return `${head} ${fields(own, r as unknown as Bag, " ")}${where}`;
}

describe("the writers", () => {
  it("write text as the field-by-field writer did, insn records (their fast path) included", () => {
    const { records } = smc();
    for (const r of records) expect(formatText(r)).toBe(referenceText(r));
    const odd = records.find((r) => r.kind === "insn")!;
    for (const r of [
      { ...odd, length: undefined },
      { ...odd, cpu: 1.5, sym: "a b" },
    ] as TraceRecord[]) {
      expect(formatText(r)).toBe(referenceText(r));
      expect(formatJson(r)).toBe(referenceJson(r));
    }
  });

  it("write JSON as JSON.stringify does, odd strings included", () => {
    const { records } = smc();
    expect(records.some((r) => r.kind === "insn" && r.regs.length > 0 && r.writes.length > 0)).toBe(true); // prettier-ignore
    for (const r of records) expect(formatJson(r)).toBe(referenceJson(r));
    const odd: TraceRecord = { kind: "stack", cpu: 3, icount: 12, rip: 0xffffffff81000000n, rsp: 0x10n, from: 'a "quoted"\nname', to: "é\u2028\u0001", cause: "insn", sym: "f\\g" }; // prettier-ignore
    expect(formatJson(odd)).toBe(referenceJson(odd));
    expect(JSON.parse(formatJson(odd)).from).toBe('a "quoted"\nname');
    expect(formatText(odd)).toBe(`3 0000000012 ffffffff81000000 stack        rsp=0000000000000010 from="a \\"quoted\\"\\nname" to="é\u2028\\u0001" cause=insn # f\\g`); // prettier-ignore
  });

  it("end a text line with the names that are there", () => {
    const base: TraceRecord = { kind: "stack", cpu: 0, icount: 1, rip: 0n, rsp: 0n, from: "-", to: "-", cause: "insn" }; // prettier-ignore
    const tail = (n: { sym?: string; line?: string }) => formatText({ ...base, ...n }).replace(/^.*cause=insn/, ""); // prettier-ignore
    expect([tail({}), tail({ sym: "f" }), tail({ line: "a.S:3" }), tail({ sym: "f+0x4", line: "a.S:3" }), tail({ sym: "", line: "" })]).toEqual(["", " # f", " # (a.S:3)", " # f+0x4 (a.S:3)", " # "]); // prettier-ignore
  });
});
