// The binary trace format (src/trace/binary*.ts): every record kind of schema.ts round-trips to
// records deep-equal to the JSON Lines path's (edge values, absent optional fields, odd
// strings), a real run's trace too; the reader skips unknown kinds and fields by the layouts the
// file carries; bad input — cut short, wrong version, corrupt, a string index out of range — is
// one diagnostic with its code and no records; seeded mutations never throw and never hang.
import { describe, expect, it } from "vitest";
import { DiagnosticBag, SourceManager } from "../../../src/diag/index.js";
import {
  BinaryTraceWriter,
  encodeBinaryTrace,
  formatJson,
  isBinaryTrace,
  parseBinaryTrace,
  parseTrace,
  TraceRecorder,
  TRACE_KINDS,
} from "../../../src/trace/index.js";
import type { TraceKind, TraceRecord } from "../../../src/trace/index.js";
import { ELEMENT_FIELDS, fieldsOf } from "../../../src/trace/schema.js";
import type { Field, FieldType } from "../../../src/trace/schema.js";
import { ByteSink, encodeString } from "../../../src/trace/binary-bytes.js";
import { buildProgram, runProgram } from "./helpers.js";
import { prng } from "../../support/prng.js";

function viaJson(records: readonly TraceRecord[]): TraceRecord[] {
  const diags = new DiagnosticBag();
  const text = records.map((r) => formatJson(r) + "\n").join("");
  const out = parseTrace(new SourceManager().add("t.jsonl", text), diags);
  expect(diags.errors).toEqual([]);
  return out;
}

function readBin(bytes: Uint8Array) {
  const diags = new DiagnosticBag();
  const records = parseBinaryTrace(bytes, "t.elt", diags);
  return { records, diags: diags.items, codes: diags.items.map((d) => d.code) };
}

// ---- synthetic records of every kind -----------------------------------------------------------

const U64S = [0n, 1n, 0x7fn, 0x80n, 0xffffffff81000000n, 0xffff888000000000n, 0x8000000000000000n, 0xffffffffffffffffn, 0x7fffffffffffffffn, 0x4000c000n, (1n << 52n) - 1n, 1n << 52n, (1n << 53n) + 1n]; // prettier-ignore
const STRINGS = ["", "x", "entry_syscall+0x1f", "a b \"q\" \\", "naïve ✓ 𝄞", "lone \ud800 high", "lone \udc00 low", "\u0000nul", "kernel stack of pid 2"]; // prettier-ignore
const LIMIT: Partial<Record<FieldType, number>> = { vec: 0xff, sel: 0xffff, pcid: 0xfff, h4: 0xffff, h8: 0xffffffff }; // prettier-ignore

function pick<T>(rand: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rand() * xs.length)]!;
}

function value(rand: () => number, type: FieldType): unknown {
  const limit = LIMIT[type];
  if (limit !== undefined) return pick(rand, [0, 1, limit, Math.floor(rand() * limit)]);
  const dec = () => pick(rand, [0, 1, 127, 128, 2 ** 31, Number.MAX_SAFE_INTEGER, Math.floor(rand() * 1e6)]); // prettier-ignore
  const many = <T>(f: () => T): T[] => Array.from({ length: pick(rand, [0, 1, 3]) }, f);
  switch (type) {
    case "u64": return pick(rand, U64S);
    case "dec": return dec();
    case "bool": return rand() < 0.5;
    case "str": return pick(rand, STRINGS);
    case "u64s": return many(() => pick(rand, U64S));
    case "decs": return many(dec);
    case "frame": return object(rand, ELEMENT_FIELDS.frame);
    default: return many(() => object(rand, ELEMENT_FIELDS[type as "regs" | "writes" | "chain"]));
  } // prettier-ignore
}

function object(rand: () => number, fields: readonly Field[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [name, type, optional] of fields)
    if (!optional || rand() < 0.5) o[name] = value(rand, type);
  return o;
}

/** `n` records of each kind, fields random (edge values favoured), CPUs 0–2 interleaved. */
function everyKind(seed: number, n: number): TraceRecord[] {
  const rand = prng(seed);
  const out: TraceRecord[] = [];
  for (let i = 0; i < n; i++)
    for (const kind of TRACE_KINDS) {
      const r = object(rand, fieldsOf(kind as TraceKind).slice(1));
      r.cpu = Math.floor(rand() * 3);
      out.push({ kind, ...r } as unknown as TraceRecord);
    }
  return out;
}

describe("binary traces round-trip", () => {
  it("every record kind, as the JSON Lines path reads it back", () => {
    const records = everyKind(0xb1, 40);
    expect(new Set(records.map((r) => r.kind))).toEqual(new Set(TRACE_KINDS));
    const bin = readBin(encodeBinaryTrace(records));
    expect(bin.codes).toEqual(records.at(-1)!.kind === "end" ? [] : ["W8001"]);
    expect(bin.records).toStrictEqual(viaJson(records));
  });

  it("a real insn-level run, and is far smaller than its JSON Lines", () => {
    const rec = new TraceRecorder({ image: buildProgram("roundtrip.S"), level: "insn" });
    runProgram("roundtrip.S", { events: rec });
    const bytes = encodeBinaryTrace(rec.records);
    const json = rec.records.map((r) => formatJson(r) + "\n").join("");
    const bin = readBin(bytes);
    expect(bin.codes).toEqual([]);
    expect(bin.records).toStrictEqual(viaJson(rec.records));
    expect(bytes.length * 4).toBeLessThan(json.length);
  });

  it("streams: take() as it goes, then finish(), gives the bytes of one encode", () => {
    const records = everyKind(7, 5);
    const w = new BinaryTraceWriter();
    const parts: number[] = [];
    for (const r of records) {
      w.write(r);
      parts.push(...w.take());
    }
    parts.push(...w.finish());
    expect(new Uint8Array(parts)).toEqual(encodeBinaryTrace(records));
    expect(isBinaryTrace(new Uint8Array(parts))).toBe(true);
    expect(isBinaryTrace(new TextEncoder().encode('{"kind":"end"}'))).toBe(false);
  });

  it("writes each string once and deltas of counts and addresses", () => {
    const base = { kind: "stack", cpu: 0, rsp: 0xffffc90000004000n, task: 1, from: "a long region name", to: "-", cause: "insn" }; // prettier-ignore
    const records = Array.from({ length: 100 }, (_, i) => ({ ...base, icount: 1_000_000 + i, rip: 0xffffffff81000000n + BigInt(4 * i) })) as TraceRecord[]; // prettier-ignore
    const bytes = encodeBinaryTrace(records);
    const text = new TextDecoder("latin1").decode(bytes);
    expect(text.split("a long region name")).toHaveLength(2);
    expect(bytes.length).toBeLessThan(400 + 100 * 12);
    expect(readBin(bytes).records).toStrictEqual(viaJson(records));
  });
});

// ---- hand-built files: unknown kinds and fields, bad input ------------------------------------

/** A file from chunks ([tag, body bytes]) after a header of the given version. */
function file(chunks: [number, number[] | Uint8Array][], version = 1): Uint8Array {
  const s = new ByteSink();
  for (const b of [0x89, 0x45, 0x4c, 0x54, 0x0d, 0x0a, 0x1a, 0x0a, version, 0, 0, 0]) s.byte(b);
  for (const [tag, body] of chunks) {
    s.varint(tag);
    s.varint(body.length);
    s.bytes(Uint8Array.from(body));
  }
  return s.take();
}

const str = (s: string): [number, Uint8Array] => [1, encodeString(s)];

describe("the reader follows the file's layouts", () => {
  it("skips a kind it does not know (W8003 once) and drops a field it does not know", () => {
    const bytes = file([
      str("future-kind"),
      str("x"),
      str("end"),
      str("reason"),
      str("insns"),
      str("exit"),
      str("later"), // prettier-ignore
      [2, [0, 0, 1, 1, 1, 0]], // layout 0: future-kind { x: dec }
      [2, [0, 2, 3, 3, 8, 0, 4, 10, 0, 6, 0, 1]], // layout 1: end { reason str, insns decs, later u64? }
      [16, [0, 0, 2, 0, 0, 5]], // future-kind: cpu 0, icount 1, x 5
      [16, [0, 0, 2, 0, 0, 6]],
      [17, [1, 0, 6, 0x20, 0, 5, 1, 9, 0x7e]], // end: later present; icount 3, rip 0x10
      [0, [3]],
    ]);
    const r = readBin(bytes);
    expect(r.codes).toEqual(["W8003"]);
    expect(r.diags[0]!.message).toBe("t.elt: records of kind 'future-kind', unknown to this entrylab, are skipped"); // prettier-ignore
    expect(r.records).toStrictEqual([{ kind: "end", cpu: 0, icount: 3, rip: 0x10n, rsp: 0n, reason: "exit", insns: [9] }]); // prettier-ignore
  });

  it("reads an insn layout other than its own (an extra field) by the generic path", () => {
    const names = ["insn", "future", "text", "length", "regs", "writes", "reg", "old", "new", "address", "physical", "size", "value", "mov", "rax"]; // prettier-ignore
    const bytes = file([
      ...names.map(str),
      [2, [1, 4, 3, 6, 8, 0, 7, 0, 0, 8, 0, 0]], // layout 0: regs
      [2, [1, 5, 4, 9, 0, 0, 10, 0, 0, 11, 1, 0, 12, 0, 0]], // layout 1: writes
      [2, [0, 0, 5, 1, 1, 0, 2, 8, 0, 3, 1, 0, 4, 12, 0, 0, 5, 12, 1, 0]], // layout 2: insn, `future` first
      [18, [0, 0, 2, 0x20, 0, 7, 13, 3, 1, 0, 14, 0, 2, 0]],
      [0, [1]],
    ]);
    const r = readBin(bytes);
    expect(r.codes).toEqual(["W8001"]);
    expect(r.records).toStrictEqual([{ kind: "insn", cpu: 0, icount: 1, rip: 0x10n, rsp: 0n, text: "mov", length: 3, regs: [{ reg: "rax", old: 0n, new: 1n }], writes: [] }]); // prettier-ignore
  });

  const good = encodeBinaryTrace(everyKind(3, 2));

  it.each([
    ["cut inside a chunk", good.subarray(0, good.length - 1), "E8009", /ends inside a chunk \(0 of its 1 bytes\)/], // prettier-ignore
    ["cut inside a chunk's header", good.subarray(0, good.length - 2), "E8009", /ends inside a chunk's header/], // prettier-ignore
    ["cut at a chunk boundary", good.subarray(0, good.length - 3), "E8009", new RegExp(`after ${2 * TRACE_KINDS.length} records without its END chunk`)], // prettier-ignore
    ["cut inside the header", good.subarray(0, 10), "E8009", /inside its header/],
    ["cut inside the magic", good.subarray(0, 3), "E8009", /inside its header/],
    ["a wrong magic", Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 0, 0, 0]), "E8011", /wrong magic/], // prettier-ignore
    ["version 2", file([[0, [0]]], 2), "E8010", /version 2: this entrylab reads version 1/],
    ["a string index out of range", file([str("end"), [2, [0, 5, 0]]]), "E8012", /string index 5 out of range \(1 strings/], // prettier-ignore
    ["an undefined layout", file([[16, [0, 0, 0, 0, 0]]]), "E8012", /layout 0, which is not defined/], // prettier-ignore
    ["an unknown type code", file([str("end"), str("reason"), [2, [0, 0, 1, 1, 99, 0]]]), "E8011", /unknown type code 99/], // prettier-ignore
    ["a known field with another type", file([str("end"), str("reason"), [2, [0, 0, 1, 1, 1, 0]]]), "E8011", /field 'reason' is not of type str/], // prettier-ignore
    ["a required field missing", file([str("end"), str("reason"), [2, [0, 0, 1, 1, 8, 0]]]), "E8011", /required field 'insns' is missing/], // prettier-ignore
    ["a record longer than its fields", file([str("sched-exit"), str("comm"), str("pid"), [2, [0, 0, 2, 1, 8, 0, 2, 1, 0]], [16, [0, 0, 0, 0, 0, 0, 7, 99]]]), "E8011", /1 bytes more than its content/], // prettier-ignore
    ["a value past its chunk", file([str("sched-exit"), str("comm"), str("pid"), [2, [0, 0, 2, 1, 8, 0, 2, 1, 0]], [16, [0, 0, 0, 0, 0, 0]]]), "E8011", /runs past the end of its chunk/], // prettier-ignore
    ["a vector out of range", file([str("double-fault"), str("first"), str("second"), [2, [0, 0, 2, 1, 2, 0, 2, 2, 0]], [16, [0, 0, 0, 0, 0, 0x80, 2, 1]]]), "E8011", /value 256 is out of its type's range 0–255/], // prettier-ignore
    ["a list longer than its chunk", file([str("end"), str("reason"), str("insns"), [2, [0, 0, 2, 1, 8, 0, 2, 10, 0]], [16, [0, 0, 0, 0, 0, 0, 100, 1]]]), "E8011", /claims 100 items/], // prettier-ignore
    ["a wrong record count", file([[0, [4]]]), "E8011", /END chunk counts 4 records, the file holds 0/], // prettier-ignore
    ["bytes after the end", Uint8Array.from([...good, 0]), "E8011", /1 bytes after the END chunk/], // prettier-ignore
    ["an overlong varint", file([[0, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]]]), "E8011", /varint is too long/], // prettier-ignore
    ["invalid UTF-8", file([[1, [0x61, 0xc0, 0x80]]]), "E8011", /not valid UTF-8/],
  ])("%s", (_, bytes, code, message) => {
    const r = readBin(bytes);
    expect(r.codes).toEqual([code]);
    expect(r.diags[0]!.message).toMatch(/^t\.elt: at byte \d+ \(0x[0-9a-f]+\): /);
    expect(r.diags[0]!.message).toMatch(message);
    expect(r.records).toEqual([]);
  });

  it("an empty but complete file holds no records (E8005); one without an end warns (W8001)", () => {
    expect(readBin(file([[0, [0]]])).codes).toEqual(["E8005"]);
    const noEnd = everyKind(5, 1).filter((r) => r.kind !== "end");
    const r = readBin(encodeBinaryTrace(noEnd));
    expect(r.codes).toEqual(["W8001"]);
    expect(r.records).toHaveLength(noEnd.length);
  });
});

describe("fuzzing the reader", () => {
  it("gives only diagnostics or valid records for seeded mutations of a real trace, quickly", () => {
    const rec = new TraceRecorder({ image: buildProgram("roundtrip.S"), level: "insn" });
    runProgram("roundtrip.S", { events: rec });
    const good = encodeBinaryTrace(rec.records.filter((_, i) => i % 9 === 0 || rec.records[i]!.kind !== "insn")); // prettier-ignore
    const rand = prng(0xf022);
    const counts = { error: 0, clean: 0 };
    for (let n = 0; n < 400; n++) {
      const bytes = Array.from(good);
      for (let m = 0; m < 1 + Math.floor(rand() * 4); m++) {
        const at = Math.floor(rand() * bytes.length);
        const op = Math.floor(rand() * 4);
        if (op === 0) bytes[at] = Math.floor(rand() * 256);
        else if (op === 1) bytes[at] = bytes[at]! ^ (1 << Math.floor(rand() * 8));
        else if (op === 2) bytes.splice(at, 1 + Math.floor(rand() * 8));
        else bytes.splice(at, 0, Math.floor(rand() * 256));
      }
      if (rand() < 0.1) bytes.length = Math.floor(rand() * bytes.length);
      const start = performance.now();
      const r = readBin(Uint8Array.from(bytes));
      expect(performance.now() - start).toBeLessThan(2000);
      for (const d of r.diags) expect(d.code).toMatch(/^(E8005|E8009|E8010|E8011|E8012|W8001|W8003)$/); // prettier-ignore
      if (r.diags.some((d) => d.severity === "error")) {
        counts.error++;
        expect(r.records).toEqual([]);
      } else {
        counts.clean++;
        // What was read is a valid trace: the JSON Lines writer and reader take it unchanged.
        expect(viaJson(r.records)).toStrictEqual(r.records);
      }
    }
    expect(counts.error).toBeGreaterThan(300);
  });
});
