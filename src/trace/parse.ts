// Reading a JSON Lines trace back into records (./schema.ts), checking every field against
// FIELDS. Bad input never throws: each bad line becomes one diagnostic at its file:line (E8001
// not JSON, E8002 no known kind, E8003 a field missing or mistyped) and is skipped; a text-format
// trace is recognised and refused as a whole (E8004). Unknown extra fields are ignored, so a
// newer writer's additions do not break an older reader.
import type { DiagnosticBag, Loc, SourceFile } from "../diag/index.js";
import { ELEMENT_FIELDS, fieldsOf, TRACE_KINDS } from "./schema.js";
import type { Field, FieldType, TraceKind, TraceRecord } from "./schema.js";

const U64_TEXT = /^0x[0-9a-fA-F]{1,16}$/;
const TEXT_LINE = /^\d+ \d{10,} [0-9a-f]{16} [a-z-]+ /;
const LIMITS: Partial<Record<FieldType, number>> = { vec: 0xff, sel: 0xffff, pcid: 0xfff, h4: 0xffff, h8: 0xffffffff }; // prettier-ignore
const TYPE_TEXT: Record<FieldType, string> = {
  u64: 'a 64-bit value as a "0x…" string of 1–16 hex digits',
  dec: "a non-negative integer",
  vec: "an integer 0–255",
  sel: "an integer 0–65535",
  pcid: "an integer 0–4095",
  h4: "an integer 0–65535",
  h8: "an integer 0–4294967295",
  bool: "true or false",
  str: "a string",
  frame: "an object {ss, rsp, rflags, cs, rip[, errorCode]}",
  u64s: 'an array of "0x…" strings',
  decs: "an array of non-negative integers",
  regs: "an array of {reg, old, new}",
  writes: "an array of {address, physical, size, value}",
  chain: "an array of {vector, name[, errorCode], rip, rsp, cr2, cr3}",
};

/** A failed field check: the dotted path of the field and what it should have been. */
class FieldError {
  constructor(
    readonly path: string,
    readonly want: string,
  ) {}
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isCount(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function value(type: FieldType, v: unknown, path: string): unknown {
  const bad = (): never => {
    throw new FieldError(path, TYPE_TEXT[type]);
  };
  const limit = LIMITS[type];
  if (limit !== undefined) return isCount(v) && v <= limit ? v : bad();
  switch (type) {
    case "u64": return typeof v === "string" && U64_TEXT.test(v) ? BigInt(v) : bad();
    case "dec": return isCount(v) ? v : bad();
    case "bool": return typeof v === "boolean" ? v : bad();
    case "str": return typeof v === "string" ? v : bad();
    case "u64s": return Array.isArray(v) ? v.map((x, i) => value("u64", x, `${path}[${i}]`)) : bad();
    case "decs": return Array.isArray(v) ? v.map((x, i) => value("dec", x, `${path}[${i}]`)) : bad();
    case "frame": return isObject(v) ? object(ELEMENT_FIELDS.frame, v, `${path}.`) : bad();
    default:
      if (!Array.isArray(v)) return bad();
      return v.map((x, i) => (isObject(x) ? object(ELEMENT_FIELDS[type as "regs" | "writes" | "chain"], x, `${path}[${i}].`) : bad()));
  } // prettier-ignore
}

function object(fields: readonly Field[], o: Record<string, unknown>, prefix: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, type, optional] of fields) {
    const v = o[name];
    if (v === undefined) {
      if (!optional) throw new FieldError(prefix + name, `${TYPE_TEXT[type]} (required)`);
      continue;
    }
    out[name] = value(type, v, prefix + name);
  }
  return out;
} // prettier-ignore

/** One line's record, or a diagnostic. */
function parseLine(text: string, loc: Loc, diags: DiagnosticBag): TraceRecord | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    diags.error("E8001", loc, `not valid JSON: ${(e as Error).message}`);
    return undefined;
  }
  if (!isObject(json) || typeof json.kind !== "string") {
    diags.error("E8002", loc, "a trace record must be a JSON object with a string field 'kind'");
    return undefined;
  }
  const kind = json.kind;
  if (!(TRACE_KINDS as string[]).includes(kind)) {
    diags.error("E8002", loc, `unknown record kind '${kind}' (known: ${TRACE_KINDS.join(", ")})`);
    return undefined;
  }
  try {
    return object(fieldsOf(kind as TraceKind), json, "") as unknown as TraceRecord;
  } catch (e) {
    if (!(e instanceof FieldError)) throw e;
    diags.error("E8003", loc, `'${kind}' record: field '${e.path}' must be ${e.want}`);
    return undefined;
  }
}

/** The records of a JSON Lines trace; problems go to `diags` (blank lines are skipped). */
export function parseTrace(file: SourceFile, diags: DiagnosticBag): TraceRecord[] {
  const records: TraceRecord[] = [];
  const text = file.text;
  let start = 0;
  let first = true;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, "");
    const loc: Loc = { file: file.id, start, end: start + line.length };
    if (line.trim() !== "") {
      if (first && TEXT_LINE.test(line)) {
        diags.error("E8004", loc, "this is a text-format trace; record with --trace-format jsonl to read it back"); // prettier-ignore
        return [];
      }
      first = false;
      const r = parseLine(line, loc, diags);
      if (r !== undefined) records.push(r);
    }
    start = end + 1;
  }
  if (records.length === 0 && !diags.hasErrors)
    diags.error("E8005", { file: file.id, start: 0, end: 0 }, "the trace holds no records");
  else if (records.length > 0 && records[records.length - 1]!.kind !== "end")
    diags.warning("W8001", undefined, `${file.name}: no run-end record: the run was cut short or the file is truncated`); // prettier-ignore
  return records;
}
