// Reading a binary trace (./binary.ts) back into records deep-equal to what the JSON Lines
// reader (./parse.ts) gives for the same run: u64 values as unsigned bigints, the other numbers
// as numbers, fields in FIELDS order, absent optional fields left out.
//
// Bad input never throws: the first problem ends the reading with one diagnostic naming the
// byte offset — E8009 the file is cut short (inside a chunk, or no END chunk), E8010 a version
// this reader does not know, E8011 corrupt (bad magic, varint, layout, value, length), E8012 a
// string or layout index that was never defined — and no records (never a silent truncation:
// the CLI reports an unreadable trace, status 3). A record of a kind this reader does not know
// is skipped by its length with one W8003 per kind; a field it does not know is decoded and
// dropped. Lists are bounded by the bytes left and layouts may only use earlier layouts, so a
// mutated file cannot make the reader loop or recurse without end (test/unit/trace/binary.test.ts
// fuzzes it).
import type { DiagnosticBag } from "../diag/index.js";
import {
  BINARY_MAGIC,
  BINARY_VERSION,
  ELEMENT_CODES,
  ELEMENT_TYPES,
  FIELD_OPTIONAL,
  FIXED_FIELDS,
  HEADER_SIZE,
  isElementType,
  LAST_TYPE,
  LAYOUT_ELEMENT,
  LAYOUT_KIND,
  MAX_OPTIONAL,
  SCALAR_CODES,
  T_BOOL,
  T_DEC,
  T_DECS,
  T_LIST,
  T_OBJECT,
  T_STR,
  T_U64,
  T_U64S,
  TAG_END,
  TAG_FIRST_RECORD,
  TAG_LAYOUT,
  TAG_STRING,
  TYPE_LIMITS,
  HAS_LINE,
  HAS_SYM,
  HAS_TASK,
  INSN_FAST,
  INSN_LAYOUT,
  type ElementType,
} from "./binary.js";
import { ByteSource, CorruptTrace } from "./binary-bytes.js";
import { ELEMENT_FIELDS, fieldsOf, TRACE_KINDS } from "./schema.js";
import type { Field, TraceKind, TraceRecord } from "./schema.js";
import type { MemWrite, RegChange } from "../vm/index.js";

type Bag = Record<string, unknown>;

/** Element layouts nest at most this deep (version 1 has no nesting at all). */
const MAX_DEPTH = 8;
/** Deltas stay on numbers while the running value does (|v| < 2^52). */
const NUMBER_LIMIT = 2 ** 52;

interface RField {
  name: string;
  code: number;
  element: RLayout | undefined;
  optional: boolean;
  /** The reader's schema has it: put it in the record (else decode and drop it). */
  keep: boolean;
}

interface RLayout {
  cls: number;
  name: string;
  fields: readonly RField[];
  /** Presence bits the layout can have set. */
  presenceMask: number;
  /** A kind or element this reader knows. */
  known: boolean;
  depth: number;
  /** Decoded by the spelt-out insn path (below): the layout is the one it is written for. */
  fastInsn: boolean;
}

/** A running 64-bit value (RIP, RSP) rebuilt from deltas: a number while small, and its bigint. */
class Running {
  n = 0;
  b = 0n;

  /** The value after adding `d`; `src` makes (or finds in its cache) the bigint. */
  step(d: number | bigint, src: ByteSource): bigint {
    if (typeof d === "number") {
      if (d === 0) return this.b;
      const n = this.n + d;
      if (n > -NUMBER_LIMIT && n < NUMBER_LIMIT) {
        this.n = n;
        return (this.b = src.cachedU64(n));
      }
      d = BigInt(d);
    }
    this.b = BigInt.asUintN(64, this.b + d);
    const s = Number(BigInt.asIntN(64, this.b));
    this.n = s > -NUMBER_LIMIT && s < NUMBER_LIMIT ? s : NaN;
    return this.b;
  }
}

interface CpuState {
  icount: number;
  rip: Running;
  rsp: Running;
}

/** Whether `bytes` is a binary trace: its first byte is the magic's, never the start of text. */
export function isBinaryTrace(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] === BINARY_MAGIC[0];
}

/** The records of a binary trace; on any problem one diagnostic and no records. */
export function parseBinaryTrace(
  bytes: Uint8Array,
  name: string,
  diags: DiagnosticBag,
): TraceRecord[] {
  const reader = new BinaryReader(bytes, name, diags);
  let records: TraceRecord[];
  try {
    records = reader.read();
  } catch (e) {
    if (!(e instanceof CorruptTrace)) throw e;
    diags.error(e.code, undefined, `${name}: at byte ${e.offset} (0x${e.offset.toString(16)}): ${e.message}`); // prettier-ignore
    return [];
  }
  if (records.length === 0) diags.error("E8005", undefined, `${name}: the trace holds no records`);
  else if (records[records.length - 1]!.kind !== "end")
    diags.warning("W8001", undefined, `${name}: no run-end record: the run was cut short`);
  return records;
}

class BinaryReader {
  private readonly strings: string[] = [];
  private readonly layouts: RLayout[] = [];
  private readonly cpus: CpuState[] = [];
  private readonly warned = new Set<string>();
  private readonly src: ByteSource;
  /** Record chunks seen, skipped ones included (the END chunk's count). */
  private chunks = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly name: string,
    private readonly diags: DiagnosticBag,
  ) {
    this.src = new ByteSource(bytes, 0, bytes.length);
  }

  read(): TraceRecord[] {
    this.header();
    const records: TraceRecord[] = [];
    const bytes = this.bytes;
    const head = new ByteSource(bytes, HEADER_SIZE, bytes.length, "E8009");
    const src = this.src;
    for (;;) {
      if (head.pos >= bytes.length)
        head.fail("E8009", `the file ends after ${this.chunks} records without its END chunk: it was cut short`); // prettier-ignore
      const at = head.pos;
      const tag = head.varint();
      const length = head.varint();
      if (length > bytes.length - head.pos)
        head.fail("E8009", `the file ends inside a chunk (${bytes.length - head.pos} of its ${length} bytes)`, at); // prettier-ignore
      src.pos = head.pos;
      src.end = head.pos + length;
      head.pos = src.end;
      if (tag >= TAG_FIRST_RECORD) {
        const r = this.record(tag - TAG_FIRST_RECORD, at);
        if (r !== undefined) records.push(r);
      } else if (tag === TAG_STRING) this.strings.push(src.string(length));
      else if (tag === TAG_LAYOUT) this.layout(at);
      else if (tag === TAG_END) {
        this.end(at);
        return records;
      } // other tags are reserved: skipped by their length
      if (src.pos !== src.end && tag <= TAG_LAYOUT) this.extra(at);
    }
  }

  private header(): void {
    const b = this.bytes;
    const src = new ByteSource(b, 0, b.length);
    for (let i = 0; i < BINARY_MAGIC.length; i++) {
      if (i >= b.length) src.fail("E8009", "the file ends inside its header", i);
      if (b[i] !== BINARY_MAGIC[i]) src.fail("E8011", "not an entrylab binary trace (wrong magic)", i); // prettier-ignore
    }
    if (b.length < HEADER_SIZE) src.fail("E8009", "the file ends inside its header", b.length);
    const version = b[BINARY_MAGIC.length]! | (b[BINARY_MAGIC.length + 1]! << 8);
    if (version !== BINARY_VERSION)
      src.fail("E8010", `binary trace version ${version}: this entrylab reads version ${BINARY_VERSION}`, BINARY_MAGIC.length); // prettier-ignore
  }

  private extra(at: number): never {
    return this.src.fail("E8011", `the chunk at byte ${at} holds ${this.src.end - this.src.pos} bytes more than its content`); // prettier-ignore
  }

  private end(at: number): void {
    const count = this.src.varint();
    if (this.src.pos !== this.src.end) this.extra(at);
    if (count !== this.chunks)
      this.src.fail("E8011", `the END chunk counts ${count} records, the file holds ${this.chunks}`, at); // prettier-ignore
    if (this.src.end !== this.bytes.length)
      this.src.fail("E8011", `${this.bytes.length - this.src.end} bytes after the END chunk`, this.src.end); // prettier-ignore
  }

  private string(): string {
    const at = this.src.pos;
    const i = this.src.varint();
    const s = this.strings[i];
    if (s === undefined) this.src.fail("E8012", `string index ${i} out of range (${this.strings.length} strings defined so far)`, at); // prettier-ignore
    return s;
  }

  private layoutRef(): RLayout {
    const at = this.src.pos;
    const id = this.src.varint();
    const l = this.layouts[id];
    if (l === undefined) this.src.fail("E8012", `layout ${id} is not defined (${this.layouts.length} defined so far)`, at); // prettier-ignore
    return l;
  }

  // ---- layouts -------------------------------------------------------------------------------

  private layout(at: number): void {
    const src = this.src;
    const cls = src.byte();
    if (cls !== LAYOUT_KIND && cls !== LAYOUT_ELEMENT) src.fail("E8011", `unknown layout class ${cls}`, at); // prettier-ignore
    const name = this.string();
    const count = src.varint();
    if (count > src.end - src.pos) src.fail("E8011", `layout '${name}' claims ${count} fields`, at);
    const fields: RField[] = [];
    let depth = 1;
    for (let i = 0; i < count; i++) {
      const f = this.fieldDescriptor(name);
      if (f.element !== undefined) depth = Math.max(depth, f.element.depth + 1);
      fields.push(f);
    }
    const optionals = fields.filter((f) => f.optional).length;
    if (optionals > MAX_OPTIONAL) src.fail("E8011", `layout '${name}' has ${optionals} optional fields (at most ${MAX_OPTIONAL})`, at); // prettier-ignore
    if (depth > MAX_DEPTH) src.fail("E8011", `layout '${name}' nests elements ${depth} deep`, at);
    const schema = this.schemaOf(cls, name);
    if (schema !== undefined) this.match(cls, name, fields, schema, at);
    const fastInsn = INSN_FAST && cls === LAYOUT_KIND && name === "insn" && fileLayout(fields) === INSN_LAYOUT; // prettier-ignore
    this.layouts.push({ cls, name, fields, presenceMask: 2 ** optionals - 1, known: schema !== undefined, depth, fastInsn }); // prettier-ignore
  }

  private fieldDescriptor(layout: string): RField {
    const src = this.src;
    const at = src.pos;
    const name = this.string();
    const code = src.byte();
    if (code > LAST_TYPE) src.fail("E8011", `field '${name}' of '${layout}' has unknown type code ${code}`, at); // prettier-ignore
    let element: RLayout | undefined;
    if (code === T_OBJECT || code === T_LIST) {
      element = this.layoutRef();
      if (element.cls !== LAYOUT_ELEMENT) src.fail("E8011", `field '${name}' of '${layout}' uses the record layout '${element.name}' as an element`, at); // prettier-ignore
    }
    const flags = src.byte();
    if (flags > FIELD_OPTIONAL) src.fail("E8011", `field '${name}' of '${layout}' has unknown flags ${flags}`, at); // prettier-ignore
    return { name, code, element, optional: flags === FIELD_OPTIONAL, keep: false };
  }

  /** The reader's own fields for a layout (undefined: a kind or element it does not know). */
  private schemaOf(cls: number, name: string): readonly Field[] | undefined {
    if (cls === LAYOUT_KIND) {
      if (!(TRACE_KINDS as string[]).includes(name)) return undefined;
      return fieldsOf(name as TraceKind).filter(([n]) => !FIXED_FIELDS.includes(n));
    }
    return (ELEMENT_TYPES as string[]).includes(name) ? ELEMENT_FIELDS[name as ElementType] : undefined; // prettier-ignore
  }

  /** Mark the fields the reader keeps; a known one must have its type, a required one be there. */
  private match(
    cls: number,
    layout: string,
    fields: RField[],
    schema: readonly Field[],
    at: number,
  ): void {
    // prettier-ignore
    const fail = (msg: string): never => this.src.fail("E8011", `layout '${layout}': ${msg}`, at);
    // A record's fixed fields are in every body already: a layout may not list them again.
    const seen = new Set<string>(cls === LAYOUT_KIND ? FIXED_FIELDS : []);
    for (const f of fields) {
      if (seen.has(f.name)) fail(`field '${f.name}' given twice`);
      seen.add(f.name);
      const want = schema.find(([n]) => n === f.name);
      if (want === undefined) continue;
      const [, type, optional] = want;
      const ok = isElementType(type) ? f.code === ELEMENT_CODES[type] && f.element?.name === type : f.code === SCALAR_CODES[type]; // prettier-ignore
      if (!ok) fail(`field '${f.name}' is not of type ${type}`);
      if (f.optional && optional !== true) fail(`required field '${f.name}' is marked optional`);
      f.keep = true;
    }
    for (const [n, , optional] of schema)
      if (optional !== true && !seen.has(n)) fail(`required field '${n}' is missing`);
  }

  // ---- records -------------------------------------------------------------------------------

  private record(id: number, at: number): TraceRecord | undefined {
    const src = this.src;
    const layout = this.layouts[id];
    if (layout === undefined) src.fail("E8012", `record of layout ${id}, which is not defined (${this.layouts.length} defined so far)`, at); // prettier-ignore
    if (layout.cls !== LAYOUT_KIND) src.fail("E8011", `record of the element layout '${layout.name}'`, at); // prettier-ignore
    this.chunks++;
    if (!layout.known) {
      if (!this.warned.has(layout.name)) {
        this.warned.add(layout.name);
        this.diags.warning("W8003", undefined, `${this.name}: records of kind '${layout.name}', unknown to this entrylab, are skipped`); // prettier-ignore
      }
      src.pos = src.end;
      return undefined;
    }
    const presence = this.presence(layout);
    const cpuAt = src.pos;
    const cpu = src.varint();
    let state = this.cpus[cpu];
    if (state === undefined) this.cpus[cpu] = state = { icount: 0, rip: new Running(), rsp: new Running() }; // prettier-ignore
    const icount = state.icount + src.svarint();
    if (!Number.isSafeInteger(icount) || icount < 0) src.fail("E8011", `instruction count ${icount} of CPU ${cpu} is not a count`, cpuAt); // prettier-ignore
    state.icount = icount;
    const rip = state.rip.step(src.s64(), src);
    const rsp = state.rsp.step(src.s64(), src);
    if (layout.fastInsn) return this.insn(presence, cpu, icount, rip, rsp, at);
    const r: Bag = { kind: layout.name, cpu, icount, rip, rsp };
    this.fields(layout, presence, r);
    if (src.pos !== src.end) this.extra(at);
    return r as unknown as TraceRecord;
  }

  private presence(layout: RLayout): number {
    const at = this.src.pos;
    const p = this.src.varint();
    if (p > layout.presenceMask) this.src.fail("E8011", `presence bits 0x${p.toString(16)} for '${layout.name}', which has ${Math.log2(layout.presenceMask + 1)} optional fields`, at); // prettier-ignore
    return p;
  }

  private fields(layout: RLayout, presence: number, out: Bag): void {
    let bit = 1;
    for (const f of layout.fields) {
      if (f.optional) {
        const present = (presence & bit) !== 0;
        bit <<= 1;
        if (!present) continue;
      }
      const v = this.value(f);
      if (f.keep) out[f.name] = v;
    }
  }

  private value(f: RField): unknown {
    const src = this.src;
    switch (f.code) {
      case T_U64: return src.u64();
      case T_DEC: return src.varint();
      case T_BOOL: return this.bool();
      case T_STR: return this.string();
      case T_U64S: return this.list(() => src.u64());
      case T_DECS: return this.list(() => src.varint());
      case T_OBJECT: return this.element(f.element!);
      case T_LIST: return this.list(() => this.element(f.element!));
      default: return this.bounded(f.code);
    } // prettier-ignore
  }

  private bool(): boolean {
    const b = this.src.byte();
    if (b > 1) this.src.fail("E8011", `a boolean is ${b}`, this.src.pos - 1);
    return b === 1;
  }

  /** vec, sel, pcid, h4, h8: a varint within the type's range (as the JSON reader checks). */
  private bounded(code: number): number {
    const at = this.src.pos;
    const v = this.src.varint();
    if (v > TYPE_LIMITS[code]!) this.src.fail("E8011", `value ${v} is out of its type's range 0–${TYPE_LIMITS[code]}`, at); // prettier-ignore
    return v;
  }

  /** A count, then the items; every item takes at least a byte, so the count is bounded. */
  private list<T>(item: () => T): T[] {
    const src = this.src;
    const at = src.pos;
    const n = src.varint();
    if (n > src.end - src.pos) src.fail("E8011", `a list claims ${n} items in ${src.end - src.pos} bytes`, at); // prettier-ignore
    const out: T[] = new Array<T>(n);
    for (let i = 0; i < n; i++) out[i] = item();
    return out;
  }

  private element(layout: RLayout): Bag {
    const o: Bag = {};
    this.fields(layout, this.presence(layout), o);
    return o;
  }

  /** An insn record by the fast path (below): object literals, fields in FIELDS order. */
  private insn(
    presence: number,
    cpu: number,
    icount: number,
    rip: bigint,
    rsp: bigint,
    at: number,
  ): TraceRecord {
    // prettier-ignore
    const src = this.src;
    const task = (presence & HAS_TASK) !== 0 ? src.varint() : undefined;
    const text = this.string();
    const length = src.varint();
    const regs = this.regs();
    const writes = this.writes();
    const sym = (presence & HAS_SYM) !== 0 ? this.string() : undefined;
    const line = (presence & HAS_LINE) !== 0 ? this.string() : undefined;
    if (src.pos !== src.end) this.extra(at);
    if (presence === HAS_TASK + HAS_SYM + HAS_LINE)
      return { kind: "insn", cpu, icount, rip, rsp, task: task!, text, length, regs, writes, sym, line }; // prettier-ignore
    if (presence === HAS_TASK) return { kind: "insn", cpu, icount, rip, rsp, task: task!, text, length, regs, writes }; // prettier-ignore
    const r: Bag = { kind: "insn", cpu, icount, rip, rsp };
    if (task !== undefined) r.task = task;
    r.text = text;
    r.length = length;
    r.regs = regs;
    r.writes = writes;
    if (sym !== undefined) r.sym = sym;
    if (line !== undefined) r.line = line;
    return r as unknown as TraceRecord;
  }

  /** The count of a list of elements without optional fields; each takes at least a byte. */
  private count(): number {
    const src = this.src;
    const at = src.pos;
    const n = src.varint();
    if (n > src.end - src.pos) src.fail("E8011", `a list claims ${n} items in ${src.end - src.pos} bytes`, at); // prettier-ignore
    return n;
  }

  /** An element's presence word, which must be 0 (none of its fields is optional). */
  private none(): void {
    if (this.src.byte() !== 0) this.src.fail("E8011", "presence bits for an element without optional fields", this.src.pos - 1); // prettier-ignore
  }

  private regs(): RegChange[] {
    const src = this.src;
    const n = this.count();
    const out = new Array<RegChange>(n);
    for (let i = 0; i < n; i++) {
      this.none();
      const reg = this.string();
      const old = src.u64();
      out[i] = { reg, old, new: src.u64() };
    }
    return out;
  }

  private writes(): MemWrite[] {
    const src = this.src;
    const n = this.count();
    const out = new Array<MemWrite>(n);
    for (let i = 0; i < n; i++) {
      this.none();
      const address = src.u64();
      const physical = src.u64();
      const size = src.varint();
      out[i] = { address, physical, size, value: src.u64() };
    }
    return out;
  }
}

// ---- the insn records' fast path (BinaryReader.insn) ------------------------------------------
// What costs in reading an insn-level trace is making the objects: the fast path builds each
// insn record, register change and memory write as one object literal (one allocation of its
// final shape, where the generic path adds properties one by one). It is used for a file's insn
// layout only when it is INSN_LAYOUT (./binary.ts), as this entrylab writes it.

const TYPE_NAMES = new Map<number, string>(Object.entries(SCALAR_CODES).map(([t, c]) => [c, t]));

/** The same description of a file's layout (an element's type is its layout's name). */
function fileLayout(fields: readonly RField[]): string {
  return fields.map((f) => `${f.name}:${f.element ? f.element.name : TYPE_NAMES.get(f.code)}${f.optional ? "?" : ""}${f.element ? `{${fileLayout(f.element.fields)}}` : ""}`).join(" "); // prettier-ignore
}
