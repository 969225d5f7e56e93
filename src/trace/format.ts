// Writing trace records (./schema.ts) as text lines for people and golden tests, or as JSON
// Lines for tools. Both follow FIELDS: one record per line, fields in a fixed order, 64-bit
// values with a fixed width, so the same run gives byte-identical files (docs/trace-format.md).
//
// Text:  CPU ICOUNT RIP KIND rsp=… field=value … [# sym (file:line)]
//   cpu decimal; icount decimal, at least 10 digits; rip 16 hex digits; kind padded to 12.
import { ELEMENT_FIELDS, fieldsOf, FIELDS } from "./schema.js";
import type { Field, FieldType, TraceRecord } from "./schema.js";

export type TraceFormat = "text" | "jsonl";
export const TRACE_FORMATS: readonly TraceFormat[] = ["text", "jsonl"];

const ICOUNT_WIDTH = 10;
const KIND_WIDTH = 12;
const HEX_WIDTH: Partial<Record<FieldType, number>> = { u64: 16, vec: 2, sel: 4, pcid: 3, h4: 4, h8: 8 }; // prettier-ignore

type Bag = Record<string, unknown>;

function hex(v: bigint | number, width: number): string {
  return v.toString(16).padStart(width, "0");
}

/** A string as a text token: bare when it has no space or delimiter, else JSON-quoted. */
function word(s: string): string {
  return /^[\w.+#:/()|@$%-]+$/.test(s) ? s : JSON.stringify(s);
}

function textValue(type: FieldType, v: unknown): string {
  const width = HEX_WIDTH[type];
  if (width !== undefined) return hex(v as bigint | number, width);
  switch (type) {
    case "dec": return String(v);
    case "bool": return v ? "yes" : "no";
    case "str": return word(v as string);
    case "u64s": return `[${(v as bigint[]).map((x) => hex(x, 16)).join(",")}]`;
    case "decs": return `[${(v as number[]).join(",")}]`;
    case "frame": return `{${textFields(ELEMENT_FIELDS.frame, v as Bag, ",")}}`;
    case "regs": return `[${(v as Bag[]).map((r) => `${r.reg}:${hex(r.old as bigint, 16)}->${hex(r.new as bigint, 16)}`).join(",")}]`; // prettier-ignore
    case "writes": return `[${(v as Bag[]).map((w) => `${hex(w.address as bigint, 16)}/${hex(w.physical as bigint, 16)}:${w.size}=${hex(w.value as bigint, 2 * (w.size as number))}`).join(",")}]`; // prettier-ignore
    default: return `[${(v as Bag[]).map((l) => `{${textFields(ELEMENT_FIELDS.chain, l, ",")}}`).join(",")}]`; // chain
  } // prettier-ignore
}

function textFields(fields: readonly Field[], o: Bag, sep: string): string {
  const out: string[] = [];
  for (const [name, type] of fields) {
    const v = o[name];
    if (v !== undefined) out.push(`${name}=${textValue(type, v)}`);
  }
  return out.join(sep);
}

/** One record as a text line (no newline). */
export function formatText(r: TraceRecord): string {
  const o = r as unknown as Bag;
  const head = `${r.cpu} ${String(r.icount).padStart(ICOUNT_WIDTH, "0")} ${hex(r.rip, 16)} ${r.kind.padEnd(KIND_WIDTH)}`; // prettier-ignore
  const body = textFields([["rsp", "u64"], ...FIELDS[r.kind]], o, " ");
  const where = r.sym === undefined && r.line === undefined ? "" : ` # ${[r.sym, r.line && `(${r.line})`].filter((x) => x).join(" ")}`; // prettier-ignore
  return `${head} ${body}${where}`;
}

function jsonValue(type: FieldType, v: unknown): unknown {
  switch (type) {
    case "u64": return `0x${hex(v as bigint, 16)}`;
    case "u64s": return (v as bigint[]).map((x) => `0x${hex(x, 16)}`);
    case "frame": return jsonObject(ELEMENT_FIELDS.frame, v as Bag);
    case "regs": case "writes": case "chain": return (v as Bag[]).map((x) => jsonObject(ELEMENT_FIELDS[type], x)); // prettier-ignore
    default: return v;
  } // prettier-ignore
}

function jsonObject(fields: readonly Field[], o: Bag): Bag {
  const out: Bag = {};
  for (const [name, type] of fields) {
    const v = o[name];
    if (v !== undefined) out[name] = jsonValue(type, v);
  }
  return out;
}

/** One record as a JSON line (no newline): fields in FIELDS order, 64-bit values "0x…". */
export function formatJson(r: TraceRecord): string {
  return JSON.stringify(jsonObject(fieldsOf(r.kind), r as unknown as Bag));
}

export function formatRecord(r: TraceRecord, format: TraceFormat): string {
  return format === "text" ? formatText(r) : formatJson(r);
}
