// Reading JSON Lines traces: each bad line is one diagnostic at its file:line with a stable code,
// a text trace is refused, a truncated one warned about; seeded mutations of a real trace never
// throw.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import { formatJson, parseTrace, TraceRecorder } from "../../../src/trace/index.js";
import { buildProgram, runProgram } from "./helpers.js";
import { prng } from "../../support/prng.js";

function parse(text: string) {
  const sources = new SourceManager();
  const diags = new DiagnosticBag(10_000);
  const records = parseTrace(sources.add("t.jsonl", text), diags);
  const where = diags.items.map((d) => `${d.loc ? sources.format(d.loc) : "-"} ${d.code}`);
  return { records, diags: diags.items, where };
}

const END =
  '{"kind":"end","cpu":0,"icount":5,"rip":"0x10","rsp":"0x20","reason":"exit","insns":[5]}';

describe("parseTrace", () => {
  it("reports bad lines at their line with their code and keeps the good ones", () => {
    const text = ["{oops", "[1,2]", '{"kind":"nope"}', END.replace('"0x10"', '"16"'), "", END].join("\n"); // prettier-ignore
    const r = parse(text);
    expect(r.where).toEqual(["t.jsonl:1:1 E8001", "t.jsonl:2:1 E8002", "t.jsonl:3:1 E8002", "t.jsonl:4:1 E8003"]); // prettier-ignore
    expect(r.diags[3]!.message).toBe(`'end' record: field 'rip' must be a 64-bit value as a "0x…" string of 1–16 hex digits`); // prettier-ignore
    expect(r.records).toHaveLength(1);
    expect(r.records[0]).toMatchObject({ kind: "end", rip: 0x10n, insns: [5] });
  });

  it("checks nested fields by path", () => {
    const d = '{"kind":"iret","cpu":0,"icount":1,"rip":"0x1","rsp":"0x2","frame":{"ss":43,"rsp":"0x3","rflags":"0x2","cs":99999,"rip":"0x4"},"fromCpl":0,"toCpl":3}'; // prettier-ignore
    expect(parse(d + "\n" + END).diags[0]!.message).toMatch(/field 'frame\.cs' must be an integer 0–65535/); // prettier-ignore
  });

  it("refuses a text trace, warns about a missing end, and an empty file is an error", () => {
    const text = "0 0000000001 0000000000100000 syscall      rsp=0000000000000000 target=0 rax=0\n";
    expect(parse(text).where).toEqual(["t.jsonl:1:1 E8004"]);
    const noEnd = parse(END.replace('"end"', '"stack"').replace(/"reason.*/, '"from":"-","to":"a","cause":"insn"}')); // prettier-ignore
    expect(noEnd.where).toEqual(["- W8001"]);
    expect(parse("\n \n").where).toEqual(["t.jsonl:1:1 E8005"]);
  });

  it("never throws on mutated traces", () => {
    const rec = new TraceRecorder({ image: buildProgram("roundtrip.S"), level: "insn" });
    runProgram("roundtrip.S", { events: rec });
    const lines = rec.records.filter((_, i) => i % 7 === 0).map(formatJson);
    const rand = prng(0x7ace5);
    const junk = ['"', "{", "}", "[", "]", ",", ":", "0x", "-", "1e999", "null", "true", "\\", "\u0000", "\"kind\":\"cr\""]; // prettier-ignore
    let bad = 0;
    for (let n = 0; n < 300; n++) {
      const copy = [...lines];
      for (let m = 0; m < 1 + Math.floor(rand() * 3); m++) {
        const i = Math.floor(rand() * copy.length);
        const at = Math.floor(rand() * copy[i]!.length);
        copy[i] = copy[i]!.slice(0, at) + junk[Math.floor(rand() * junk.length)] + copy[i]!.slice(at + Math.floor(rand() * 3)); // prettier-ignore
      }
      const r = parse(copy.join("\n"));
      if (r.diags.some((d) => d.severity === "error")) bad++;
      for (const d of r.diags) expect(d.code).toMatch(/^[EW]800\d$/);
    }
    expect(bad).toBeGreaterThan(200);
  });
});
