// Writing trace records (./schema.ts) as text lines for people and golden tests, or as JSON
// Lines for tools. Both follow FIELDS: one record per line, fields in a fixed order, 64-bit
// values with a fixed width, so the same run gives byte-identical files (docs/trace-format.md).
//
// Text:  CPU ICOUNT RIP KIND rsp=… task=… field=value … [# sym (file:line)]
//   cpu decimal; icount decimal, at least 10 digits; rip 16 hex digits; kind padded to 12.
//
// Speed: an insn-level run writes a record per instruction, so both writers build the line as
// one string straight from the record — no intermediate objects, no JSON.stringify of a whole
// record — following per-kind field lists made once (PLANS), and cache the quoted or bare form
// of the strings that repeat (disassembly, symbols, lines). The JSON is what JSON.stringify of
// the record's fields in FIELDS order gives, byte for byte.
import { BASE_FIELDS, ELEMENT_FIELDS, FIELDS, NAME_FIELDS, TRACE_KINDS } from "./schema.js";
import type {
  Field,
  FieldType,
  InsnRecord,
  Named,
  OnTask,
  TraceKind,
  TraceRecord,
} from "./schema.js";
import type { MemWrite, RegChange } from "../vm/index.js";

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

/** How a kind's records are written: the text's fields (rsp, task, the kind's own), the JSON's. */
interface KindPlan {
  text: readonly PlanField[];
  /** `{"kind":"insn"`: the JSON line's start, the kind being the first field. */
  jsonHead: string;
  /** Every JSON field after `kind`. */
  json: readonly PlanField[];
}

function kindPlan(kind: TraceKind): KindPlan {
  const [first, ...rest] = [...BASE_FIELDS, ...FIELDS[kind], ...NAME_FIELDS];
  if (first?.[0] !== "kind") throw new Error("the kind must be a record's first field"); // schema.ts's invariant
  return { text: plan([["rsp", "u64"], ["task", "dec"], ...FIELDS[kind]]), jsonHead: `{"kind":${JSON.stringify(kind)}`, json: plan(rest) }; // prettier-ignore
}

const PLANS = new Map<string, KindPlan>(TRACE_KINDS.map((k) => [k, kindPlan(k)]));
/** The plan of a record's kind (one not in FIELDS fails as it always did: no fields). */
const planOf = (kind: string): KindPlan => PLANS.get(kind) ?? kindPlan(kind as TraceKind);
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
    case "u64s": return textU64s(v as bigint[]);
    case "decs": return `[${(v as number[]).join(",")}]`;
    case "frame": return `{${textFields(ELEMENT_PLANS.frame, v as Bag, ",")}}`;
    case "regs": return textRegs(v as Bag[]);
    case "writes": return textWrites(v as Bag[]);
    default: return textChain(v as Bag[]);
  } // prettier-ignore
}

function textU64s(list: readonly bigint[]): string {
  let s = "[";
  for (let i = 0; i < list.length; i++) s += (i === 0 ? "" : ",") + hex(list[i]!, U64_WIDTH);
  return s + "]";
}

function textRegs(list: readonly Bag[]): string {
  let s = "[";
  for (let i = 0; i < list.length; i++) s += (i === 0 ? "" : ",") + textReg(list[i]!);
  return s + "]";
}

function textWrites(list: readonly Bag[]): string {
  let s = "[";
  for (let i = 0; i < list.length; i++) s += (i === 0 ? "" : ",") + textWrite(list[i]!);
  return s + "]";
}

function textChain(list: readonly Bag[]): string {
  let s = "[";
  for (let i = 0; i < list.length; i++) s += `${i === 0 ? "" : ","}{${textFields(ELEMENT_PLANS.chain, list[i]!, ",")}}`; // prettier-ignore
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
  if (isFastInsn(r)) return insnText(r);
  const head = `${r.cpu} ${String(r.icount).padStart(ICOUNT_WIDTH, "0")} ${hex(r.rip, U64_WIDTH)} ${r.kind.padEnd(KIND_WIDTH)}`; // prettier-ignore
  const body = textFields(planOf(r.kind).text, r as unknown as Bag, " ");
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
    case "u64s": return jsonU64s(v as bigint[]);
    case "frame": return jsonObject(ELEMENT_PLANS.frame, v as Bag, "{");
    case "regs": case "writes": case "chain": return jsonObjects(ELEMENT_PLANS[type], v as Bag[]);
    case "decs": return Array.isArray(v) ? jsonScalars(v) : JSON.stringify(v);
    default: return jsonScalar(v);
  } // prettier-ignore
}

function jsonU64s(list: readonly bigint[]): string {
  let s = "[";
  for (let i = 0; i < list.length; i++) s += `${i === 0 ? "" : ","}"0x${hex(list[i]!, U64_WIDTH)}"`;
  return s + "]";
}

function jsonScalars(list: readonly unknown[]): string {
  let s = "[";
  for (let i = 0; i < list.length; i++) s += (i === 0 ? "" : ",") + jsonScalar(list[i]);
  return s + "]";
}

function jsonObjects(fields: readonly PlanField[], list: readonly Bag[]): string {
  let s = "[";
  for (let i = 0; i < list.length; i++) s += (i === 0 ? "" : ",") + jsonObject(fields, list[i]!, "{"); // prettier-ignore
  return s + "]";
}

/** `head` (`{`, or a line's start up to its first field) and the fields that are there, `}`. */
function jsonObject(fields: readonly PlanField[], o: Bag, head: string): string {
  let s = head;
  let first = head.length === 1;
  for (const f of fields) {
    const v = o[f.name];
    if (v === undefined) continue;
    s += (first ? "" : ",") + f.json + jsonValue(f.type, v);
    first = false;
  }
  return s + "}";
}

/** One record as a JSON line (no newline): fields in FIELDS order, 64-bit values "0x…". */
export function formatJson(r: TraceRecord): string {
  if (isFastInsn(r)) return insnJson(r);
  const p = planOf(r.kind);
  return jsonObject(p.json, r as unknown as Bag, p.jsonHead);
}

// ---- the insn records' fast path ----------------------------------------------------------------
// Nearly every record of an insn-level trace is an `insn` one: these writers spell its fields out
// (plain property reads, where the generic loop reads by computed name) and write exactly what
// the generic ones would. They are used only while FIELDS lists the insn fields as spelt here
// (checked once, below) and for a record whose fields all have their usual JS types.

/** `name:type …`: what a fast writer below assumes of a field list. */
const layoutOf = (fields: readonly Field[]): string => fields.map(([n, t]) => `${n}:${t}`).join(" "); // prettier-ignore
const INSN_LAYOUT = "kind:str cpu:dec icount:dec rip:u64 rsp:u64 task:dec text:str length:dec regs:regs writes:writes sym:str line:str"; // prettier-ignore
const INSN_FAST = layoutOf([...BASE_FIELDS, ...FIELDS.insn, ...NAME_FIELDS]) === INSN_LAYOUT;
const INSN_KIND_TEXT = "insn".padEnd(KIND_WIDTH);

type InsnLine = InsnRecord & Named & OnTask;

function isFastInsn(r: TraceRecord): r is InsnLine {
  return (
    r.kind === "insn" && INSN_FAST && typeof r.cpu === "number" && typeof r.icount === "number" &&
    typeof r.rip === "bigint" && typeof r.rsp === "bigint" && typeof r.text === "string" &&
    (r.task === undefined || typeof r.task === "number") &&
    typeof r.length === "number" && Array.isArray(r.regs) && Array.isArray(r.writes)
  ); // prettier-ignore
}

function insnText(r: InsnLine): string {
  return `${r.cpu} ${String(r.icount).padStart(ICOUNT_WIDTH, "0")} ${hex(r.rip, U64_WIDTH)} ${INSN_KIND_TEXT} rsp=${hex(r.rsp, U64_WIDTH)}${r.task === undefined ? "" : ` task=${r.task}`} text=${word(r.text)} length=${r.length} regs=${textRegs(r.regs as unknown as Bag[])} writes=${textWrites(r.writes as unknown as Bag[])}${textWhere(r.sym, r.line)}`; // prettier-ignore
}

function insnJson(r: InsnLine): string {
  let s = `{"kind":"insn","cpu":${jsonScalar(r.cpu)},"icount":${jsonScalar(r.icount)},"rip":"0x${hex(r.rip, U64_WIDTH)}","rsp":"0x${hex(r.rsp, U64_WIDTH)}"${r.task === undefined ? "" : `,"task":${jsonScalar(r.task)}`},"text":${quoted(r.text)},"length":${jsonScalar(r.length)},"regs":${jsonRegs(r.regs)},"writes":${jsonWrites(r.writes)}`; // prettier-ignore
  if (r.sym !== undefined) s += `,"sym":${jsonScalar(r.sym)}`;
  if (r.line !== undefined) s += `,"line":${jsonScalar(r.line)}`;
  return s + "}";
}

const REG_LAYOUT = "reg:str old:u64 new:u64";
const WRITE_LAYOUT = "address:u64 physical:u64 size:dec value:u64";
const REGS_FAST = layoutOf(ELEMENT_FIELDS.regs) === REG_LAYOUT;
const WRITES_FAST = layoutOf(ELEMENT_FIELDS.writes) === WRITE_LAYOUT;

function jsonRegs(list: readonly RegChange[]): string {
  let s = "[";
  for (let i = 0; i < list.length; i++) {
    const x = list[i]!;
    s += i === 0 ? "" : ",";
    s += REGS_FAST && typeof x.reg === "string" && typeof x.old === "bigint" && typeof x.new === "bigint"
      ? `{"reg":${quoted(x.reg)},"old":"0x${hex(x.old, U64_WIDTH)}","new":"0x${hex(x.new, U64_WIDTH)}"}`
      : jsonObject(ELEMENT_PLANS.regs, x as unknown as Bag, "{"); // prettier-ignore
  }
  return s + "]";
}

function jsonWrites(list: readonly MemWrite[]): string {
  let s = "[";
  for (let i = 0; i < list.length; i++) {
    const x = list[i]!;
    s += i === 0 ? "" : ",";
    s += WRITES_FAST && typeof x.address === "bigint" && typeof x.physical === "bigint" && typeof x.size === "number" && typeof x.value === "bigint"
      ? `{"address":"0x${hex(x.address, U64_WIDTH)}","physical":"0x${hex(x.physical, U64_WIDTH)}","size":${jsonScalar(x.size)},"value":"0x${hex(x.value, U64_WIDTH)}"}`
      : jsonObject(ELEMENT_PLANS.writes, x as unknown as Bag, "{"); // prettier-ignore
  }
  return s + "]";
}

export function formatRecord(r: TraceRecord, format: TraceFormat): string {
  return format === "text" ? formatText(r) : formatJson(r);
}
