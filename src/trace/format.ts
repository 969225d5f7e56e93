// Writing trace records (./schema.ts) as text lines for people and golden tests, or as JSON
// Lines for tools. Both follow FIELDS: one record per line, fields in a fixed order, 64-bit
// values with a fixed width, so the same run gives byte-identical files (docs/trace-format.md).
//
// Text:  CPU ICOUNT RIP KIND rsp=… field=value … [# sym (file:line)]
//   cpu decimal; icount decimal, at least 10 digits; rip 16 hex digits; kind padded to 12.
//
// Speed: an insn-level run writes a record per instruction, so both writers build the line as
// one string straight from the record — no intermediate objects, no JSON.stringify of a whole
// record — following per-kind field lists made once (PLANS), and cache the quoted or bare form
// of the strings that repeat (disassembly, symbols, lines). The JSON is what JSON.stringify of
// the record's fields in FIELDS order gives, byte for byte.
import { BASE_FIELDS, ELEMENT_FIELDS, FIELDS, NAME_FIELDS, TRACE_KINDS } from "./schema.js";
import type { Field, FieldType, TraceKind, TraceRecord } from "./schema.js";

export type TraceFormat = "text" | "jsonl";
export const TRACE_FORMATS: readonly TraceFormat[] = ["text", "jsonl"];

const ICOUNT_WIDTH = 10;
const KIND_WIDTH = 12;
const U64_WIDTH = 16;
const HEX_WIDTH: Partial<Record<FieldType, number>> = { u64: U64_WIDTH, vec: 2, sel: 4, pcid: 3, h4: 4, h8: 8 }; // prettier-ignore
const ZEROS = "0".repeat(U64_WIDTH);
/** Cached string forms are dropped when a cache grows past this (a run has a few thousand). */
const STRING_CACHE_LIMIT = 1 << 16;

type Bag = Record<string, unknown>;

/** A field as the writers walk it: name, type, and the name's prefixes in each format. */
interface PlanField {
  name: string;
  type: FieldType;
  /** `name=` (text). */
  text: string;
  /** `"name":` (JSON). */
  json: string;
}

function plan(fields: readonly Field[]): readonly PlanField[] {
  return fields.map(([name, type]) => ({ name, type, text: `${name}=`, json: `${JSON.stringify(name)}:` })); // prettier-ignore
}

/** Per kind: the fields after the base ones (text: rsp and the kind's own; JSON: all of them). */
const TEXT_PLANS = new Map<string, readonly PlanField[]>();
const JSON_PLANS = new Map<string, readonly PlanField[]>();
for (const kind of TRACE_KINDS) {
  TEXT_PLANS.set(kind, plan([["rsp", "u64"], ...FIELDS[kind]]));
  JSON_PLANS.set(kind, plan([...BASE_FIELDS, ...FIELDS[kind], ...NAME_FIELDS]));
}
const ELEMENT_PLANS = {
  frame: plan(ELEMENT_FIELDS.frame),
  regs: plan(ELEMENT_FIELDS.regs),
  writes: plan(ELEMENT_FIELDS.writes),
  chain: plan(ELEMENT_FIELDS.chain),
};

function hex(v: bigint | number, width: number): string {
  const s = v.toString(16);
  return s.length >= width ? s : ZEROS.length >= width ? ZEROS.slice(0, width - s.length) + s : s.padStart(width, "0"); // prettier-ignore
}

/** A memo of a string function, emptied when it grows too big. */
function memo(f: (s: string) => string): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    let out = cache.get(s);
    if (out === undefined) {
      if (cache.size >= STRING_CACHE_LIMIT) cache.clear();
      out = f(s);
      cache.set(s, out);
    }
    return out;
  };
}

/** A string as a text token: bare when it has no space or delimiter, else JSON-quoted. */
const word = memo((s) => (/^[\w.+#:/()|@$%-]+$/.test(s) ? s : JSON.stringify(s)));
const quoted = memo((s) => JSON.stringify(s));

// ---- text ------------------------------------------------------------------------------------

function textValue(type: FieldType, v: unknown): string {
  const width = HEX_WIDTH[type];
  if (width !== undefined) return hex(v as bigint | number, width);
  switch (type) {
    case "dec": return String(v);
    case "bool": return v ? "yes" : "no";
    case "str": return word(v as string);
    case "u64s": return textList(v as bigint[], (x) => hex(x, U64_WIDTH));
    case "decs": return `[${(v as number[]).join(",")}]`;
    case "frame": return `{${textFields(ELEMENT_PLANS.frame, v as Bag, ",")}}`;
    case "regs": return textList(v as Bag[], textReg);
    case "writes": return textList(v as Bag[], textWrite);
    default: return textList(v as Bag[], (l) => `{${textFields(ELEMENT_PLANS.chain, l, ",")}}`); // chain
  } // prettier-ignore
}

function textList<T>(list: readonly T[], f: (x: T) => string): string {
  let s = "[";
  for (let i = 0; i < list.length; i++) s += (i === 0 ? "" : ",") + f(list[i]!);
  return s + "]";
}

function textReg(r: Bag): string {
  return `${r.reg}:${hex(r.old as bigint, U64_WIDTH)}->${hex(r.new as bigint, U64_WIDTH)}`;
}

function textWrite(w: Bag): string {
  const size = w.size as number;
  return `${hex(w.address as bigint, U64_WIDTH)}/${hex(w.physical as bigint, U64_WIDTH)}:${size}=${hex(w.value as bigint, 2 * size)}`; // prettier-ignore
}

function textFields(fields: readonly PlanField[], o: Bag, sep: string): string {
  let s = "";
  for (const f of fields) {
    const v = o[f.name];
    if (v !== undefined) s += (s === "" ? "" : sep) + f.text + textValue(f.type, v);
  }
  return s;
}

/** ` # sym (file:line)`, the parts that are there, or nothing. */
function textWhere(sym: string | undefined, line: string | undefined): string {
  if (sym === undefined && line === undefined) return "";
  const paren = line ? `(${line})` : "";
  return ` # ${sym ? (paren ? `${sym} ${paren}` : sym) : paren}`;
}

/** One record as a text line (no newline). */
export function formatText(r: TraceRecord): string {
  const head = `${r.cpu} ${String(r.icount).padStart(ICOUNT_WIDTH, "0")} ${hex(r.rip, U64_WIDTH)} ${r.kind.padEnd(KIND_WIDTH)}`; // prettier-ignore
  const body = textFields(TEXT_PLANS.get(r.kind) ?? plan([["rsp", "u64"], ...FIELDS[r.kind as TraceKind]]), r as unknown as Bag, " "); // prettier-ignore
  return `${head} ${body}${textWhere(r.sym, r.line)}`;
}

// ---- JSON Lines --------------------------------------------------------------------------------

/** A scalar as JSON.stringify writes it. */
function jsonScalar(v: unknown): string {
  if (typeof v === "string") return quoted(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  return JSON.stringify(v) ?? "null";
}

function jsonValue(type: FieldType, v: unknown): string {
  switch (type) {
    case "u64": return `"0x${hex(v as bigint, U64_WIDTH)}"`;
    case "u64s": return textList(v as bigint[], (x) => `"0x${hex(x, U64_WIDTH)}"`);
    case "frame": return jsonObject(ELEMENT_PLANS.frame, v as Bag);
    case "regs": case "writes": case "chain": { const p = ELEMENT_PLANS[type]; return textList(v as Bag[], (x) => jsonObject(p, x)); } // prettier-ignore
    case "decs": return Array.isArray(v) ? textList(v as unknown[], (x) => jsonScalar(x) ) : JSON.stringify(v); // prettier-ignore
    default: return jsonScalar(v);
  } // prettier-ignore
}

function jsonObject(fields: readonly PlanField[], o: Bag): string {
  let s = "{";
  for (const f of fields) {
    const v = o[f.name];
    if (v !== undefined) s += (s.length === 1 ? "" : ",") + f.json + jsonValue(f.type, v);
  }
  return s + "}";
}

/** One record as a JSON line (no newline): fields in FIELDS order, 64-bit values "0x…". */
export function formatJson(r: TraceRecord): string {
  const fields = JSON_PLANS.get(r.kind) ?? plan([...BASE_FIELDS, ...FIELDS[r.kind as TraceKind], ...NAME_FIELDS]); // prettier-ignore
  return jsonObject(fields, r as unknown as Bag);
}

export function formatRecord(r: TraceRecord, format: TraceFormat): string {
  return format === "text" ? formatText(r) : formatJson(r);
}
