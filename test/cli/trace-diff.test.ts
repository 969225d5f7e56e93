// `entrylab trace diff|export|stats --cost` end to end: diff's exit statuses (0 equivalent, 1
// different, 2 trouble, 3 unreadable, as diff(1)), its text (the golden file the unit test
// checks too) and JSON, the Chrome export written with -o, cost files, and mutated diff inputs
// (diagnostics only, never a stack trace).
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { entrylab, ROOT, scratch } from "./helpers.js";
import { prng } from "../support/prng.js";

const SYS = "test/system";
const PAIR = "test/unit/trace/diff-pair.S";
const GOLDEN = join(ROOT, "test/unit/trace/diff.golden.txt");

const dir = scratch({ "cost.json": '{ "cr3NoFlush": 1000 }\n', "bad-cost.json": '{ "cr3": 5 }\n' });
for (const [name, defines] of [
  ["base", []],
  ["late", ["-D", "LATE_CR3"]],
  ["extra", ["-D", "EXTRA_INT80"]],
] as const)
  // prettier-ignore
  entrylab(["run", "-I", SYS, ...defines, PAIR, "--trace", join(dir, `${name}.jsonl`)]);
/** Run in the scratch directory; stdout as UTF-8 (the helper reads latin1; diff prints → and –). */
function inDir(args: string[]): ReturnType<typeof entrylab> {
  const r = entrylab(args, dir);
  return { ...r, stdout: Buffer.from(r.stdout, "latin1").toString("utf8") };
}

describe("entrylab trace diff", () => {
  it("prints the golden text and exits 1 when the traces differ", () => {
    const r = inDir(["trace", "diff", "base.jsonl", "late.jsonl"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(readFileSync(GOLDEN, "utf8"));
  });

  it("exits 0 for equivalent traces and reports an extra episode", () => {
    const same = inDir(["trace", "diff", "base.jsonl", "base.jsonl"]);
    expect(same.status).toBe(0);
    expect(same.stdout).toMatch(/^result: equivalent/m);
    const extra = inDir(["trace", "diff", "base.jsonl", "extra.jsonl"]);
    expect(extra.status).toBe(1);
    expect(extra.stdout).toMatch(/^first divergence: cpu 0 episode vector 128 #1 is only in B \(counts \d+–\d+\)$/m); // prettier-ignore
  });

  it("writes JSON with --format json", () => {
    const r = inDir(["trace", "diff", "base.jsonl", "late.jsonl", "--format", "json", "--context", "1"]); // prettier-ignore
    expect(r.status).toBe(1);
    const d = JSON.parse(r.stdout) as { equivalent: boolean; first: { event: { what: string }; contextA: unknown[] } }; // prettier-ignore
    expect(d.equivalent).toBe(false);
    expect(d.first.event.what).toBe("moved");
    expect(d.first.contextA).toHaveLength(3);
  });

  it("compares at a coarser level with --level, and refuses an unknown level", () => {
    entrylab(["run", "-I", SYS, PAIR, "--trace", join(dir, "base.insn.jsonl"), "--trace-level", "insn"]); // prettier-ignore
    entrylab(["run", "-I", SYS, "-D", "LATE_CR3", PAIR, "--trace", join(dir, "late.insn.jsonl"), "--trace-level", "insn"]); // prettier-ignore
    const insn = inDir(["trace", "diff", "base.insn.jsonl", "late.insn.jsonl"]);
    expect(insn.stdout).toMatch(/^ {6}\+\d+ +insn /m);
    expect(insn.stdout).not.toMatch(/^ {2}A \+\d+ +cr /m);
    const r = inDir(["trace", "diff", "--level", "system", "base.insn.jsonl", "late.insn.jsonl"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^note: both were recorded at the insn level; compared at system$/m);
    expect(r.stdout).toMatch(/^ {2}A \+\d+ +cr +entry_syscall\S* +reg=cr3 to=kernel/m);
    const bad = inDir(["trace", "diff", "--level", "cycle", "base.jsonl", "late.jsonl"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--level: 'cycle' is not one of system, paging, insn/);
  });

  it("exits 2 on usage errors and bad trace or cost files, 3 on a missing file", () => {
    writeFileSync(join(dir, "bad.jsonl"), '{"kind":"warp"}\n');
    expect(inDir(["trace", "diff", "base.jsonl", "late.jsonl", "--format", "html"]).status).toBe(2);
    expect(inDir(["trace", "diff", "base.jsonl"]).status).toBe(2);
    const bad = inDir(["trace", "diff", "base.jsonl", "bad.jsonl"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.jsonl:1:1: error\[E8002\]/);
    const cost = inDir(["trace", "diff", "base.jsonl", "late.jsonl", "--cost", "bad-cost.json"]);
    expect(cost.status).toBe(2);
    expect(cost.stderr).toMatch(/bad-cost\.json:1:3: error\[E8007\]: unknown cost figure 'cr3'/);
    expect(inDir(["trace", "diff", "base.jsonl", "missing.jsonl"]).status).toBe(3);
  });

  it("survives mutated inputs: diagnostics only, no exception escapes", () => {
    const lines = readFileSync(join(dir, "late.jsonl"), "utf8").trimEnd().split("\n");
    const rand = prng(0xd1ff);
    const junk = ['"', "}", "0x", "-1", "null", "[]", "", "\\u0000", "9999999999999999999", '"kind":"cr",']; // prettier-ignore
    for (let n = 0; n < 10; n++) {
      const copy = [...lines];
      for (let k = 0; k < 1 + (n % 3); k++) {
        const i = Math.floor(rand() * copy.length);
        const line = copy[i]!;
        const at = Math.floor(rand() * line.length);
        copy[i] = line.slice(0, at) + junk[(n + k) % junk.length]! + line.slice(at + 1 + Math.floor(rand() * 4)); // prettier-ignore
      }
      if (n % 4 === 3) copy.splice(Math.floor(rand() * copy.length), 1); // a record lost
      writeFileSync(join(dir, `m${n}.jsonl`), copy.join("\n"));
      const r = inDir(["trace", "diff", "base.jsonl", `m${n}.jsonl`]);
      expect(r.stderr).not.toMatch(/internal error|E0005|at .*\.js:\d+/);
      expect([0, 1, 2]).toContain(r.status);
      if (r.status === 2) expect(r.stderr).toMatch(/m\d+\.jsonl:\d+:\d+: error\[E800[1-5]\]/);
      else expect(r.stdout).toMatch(/^result: /m);
    }
  });
});

describe("entrylab trace export", () => {
  it("writes a Chrome trace with -o: one track per CPU, episodes and their phases", () => {
    const r = inDir(["trace", "export", "base.jsonl", "--format", "chrome", "-o", "out.json"]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    const t = JSON.parse(readFileSync(join(dir, "out.json"), "utf8")) as { traceEvents: { name: string; ph: string; ts: number; tid: number; cat?: string }[] }; // prettier-ignore
    expect(t.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name")).toHaveLength(1);
    expect(t.traceEvents.filter((e) => e.cat === "episode")).toHaveLength(4);
    expect(new Set(t.traceEvents.filter((e) => e.cat === "phase").map((e) => e.name))).toEqual(new Set(["entry", "kernel", "exit"])); // prettier-ignore
    const ts = t.traceEvents.filter((e) => e.ph !== "M").map((e) => e.ts);
    expect(ts).toEqual([...ts].sort((a, b) => a - b));
    expect(inDir(["trace", "export", "base.jsonl", "--format", "perfetto"]).status).toBe(2);
    expect(inDir(["trace", "export", "base.jsonl"]).stdout).toBe(readFileSync(join(dir, "out.json"), "utf8")); // prettier-ignore
  });
});

describe("entrylab trace stats --cost", () => {
  it("prints estimated cycles that follow the cost file; a bad one is trouble (status 2)", () => {
    const def = inDir(["trace", "stats", "base.jsonl"]);
    const dear = inDir(["trace", "stats", "base.jsonl", "--cost", "cost.json"]);
    expect(def.status).toBe(0);
    const total = (s: string): number => Number(/^total: ~(\d+) estimated cycles/m.exec(s)![1]);
    const cr3Writes = (readFileSync(join(dir, "base.jsonl"), "utf8").match(/"reg":"cr3"[^\n]*"noflush":true/g) ?? []).length; // prettier-ignore
    expect(total(dear.stdout) - total(def.stdout)).toBe(cr3Writes * (1000 - 200));
    const bad = inDir(["trace", "stats", "base.jsonl", "--cost", "bad-cost.json"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/error\[E8007\]/);
  });
});
