// Writing trace records (./schema.ts) in the binary format (./binary.ts): the header, then per
// record its chunk — preceded, the first time they are needed, by the STRING chunks of its new
// strings and the LAYOUT chunks of its kind and elements. The writer streams: `take()` hands over
// the bytes made so far (the CLI writes them to the file as the run goes) and `finish()` the END
// chunk with the record count, which a reader needs to tell a complete file from a cut one.
//
// Per CPU it keeps the last record's instruction count, RIP and RSP, and writes each record's
// as the difference: consecutive instructions are a few bytes apart, and RSP moves by a push.
import {
  BINARY_MAGIC,
  BINARY_VERSION,
  ELEMENT_CODES,
  FIELD_OPTIONAL,
  FIXED_FIELDS,
  INSN_FAST,
  isElementType,
  LAYOUT_ELEMENT,
  LAYOUT_KIND,
  SCALAR_CODES,
  T_BOOL,
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
  type ElementType,
} from "./binary.js";
import { ByteSink, encodeString } from "./binary-bytes.js";
import { ELEMENT_FIELDS, fieldsOf } from "./schema.js";
import type { Field, InsnRecord, Named, OnTask, TraceKind, TraceRecord } from "./schema.js";

type Bag = Record<string, unknown>;

/** A field as the writer walks it. */
interface WField {
  name: string;
  code: number;
  /** For T_OBJECT and T_LIST: the element's layout. */
  element: WLayout | undefined;
  optional: boolean;
}

interface WLayout {
  id: number;
  fields: readonly WField[];
  /** Whether any field is optional (else the presence word is always 0). */
  optionals: number;
}

interface CpuState {
  icount: number;
  rip: bigint;
  rsp: bigint;
}

const HEADER_FLAGS = 0;

export class BinaryTraceWriter {
  /** Records written so far. */
  count = 0;
  private readonly out = new ByteSink(1 << 16);
  private readonly body = new ByteSink(1 << 10);
  private readonly strings = new Map<string, number>();
  private readonly kinds = new Map<string, WLayout>();
  private readonly elements = new Map<ElementType, WLayout>();
  private layoutCount = 0;
  private readonly cpus: CpuState[] = [];

  constructor() {
    for (const b of BINARY_MAGIC) this.out.byte(b);
    this.word(BINARY_VERSION);
    this.word(HEADER_FLAGS);
  }

  private word(w: number): void {
    this.out.byte(w & 0xff);
    this.out.byte(w >> 8);
  }

  /** Append one record. */
  write(r: TraceRecord): void {
    const layout = this.kindLayout(r.kind);
    const b = this.body;
    const o = r as unknown as Bag;
    b.pos = 0;
    b.varint(this.presence(layout, o));
    const cpu = this.cpu(r.cpu);
    b.varint(r.cpu);
    b.svarint(r.icount - cpu.icount);
    b.s64(r.rip - cpu.rip);
    b.s64(r.rsp - cpu.rsp);
    cpu.icount = r.icount;
    cpu.rip = r.rip;
    cpu.rsp = r.rsp;
    if (INSN_FAST && r.kind === "insn") this.insn(r);
    else this.fields(layout, o);
    this.out.varint(TAG_FIRST_RECORD + layout.id);
    this.out.varint(b.pos);
    this.out.append(b);
    this.count++;
  }

  /** Bytes made and not taken yet. */
  get pending(): number {
    return this.out.pos;
  }

  /** An insn record's fields by the fast path (./binary.ts INSN_LAYOUT): plain property reads. */
  private insn(r: InsnRecord & Named & OnTask): void {
    const b = this.body;
    if (r.task !== undefined) b.varint(r.task);
    b.varint(this.stringIndex(r.text));
    b.varint(r.length);
    b.varint(r.regs.length);
    for (const x of r.regs) {
      b.byte(0); // presence: no optional fields
      b.varint(this.stringIndex(x.reg));
      b.s64(x.old);
      b.s64(x.new);
    }
    b.varint(r.writes.length);
    for (const w of r.writes) {
      b.byte(0);
      b.s64(w.address);
      b.s64(w.physical);
      b.varint(w.size);
      b.s64(w.value);
    }
    if (r.sym !== undefined) b.varint(this.stringIndex(r.sym));
    if (r.line !== undefined) b.varint(this.stringIndex(r.line));
  }

  /** The bytes made since the last take (header, chunks). */
  take(): Uint8Array {
    return this.out.take();
  }

  /** The END chunk (with the record count) and whatever was not taken yet. */
  finish(): Uint8Array {
    const b = new ByteSink(16);
    b.varint(this.count);
    this.chunk(TAG_END, b.buf.subarray(0, b.pos));
    return this.out.take();
  }

  private cpu(n: number): CpuState {
    let s = this.cpus[n];
    if (s === undefined) this.cpus[n] = s = { icount: 0, rip: 0n, rsp: 0n };
    return s;
  }

  private chunk(tag: number, body: Uint8Array): void {
    this.out.varint(tag);
    this.out.varint(body.length);
    this.out.bytes(body);
  }

  private presence(layout: WLayout, o: Bag): number {
    if (layout.optionals === 0) return 0;
    let bits = 0;
    let bit = 1;
    for (const f of layout.fields) {
      if (!f.optional) continue;
      if (o[f.name] !== undefined) bits |= bit;
      bit <<= 1;
    }
    return bits;
  }

  private fields(layout: WLayout, o: Bag): void {
    for (const f of layout.fields) {
      const v = o[f.name];
      if (v === undefined) {
        if (f.optional) continue;
        throw new Error(`internal: trace record without its required field '${f.name}'`);
      }
      this.value(f, v);
    }
  }

  private value(f: WField, v: unknown): void {
    const b = this.body;
    switch (f.code) {
      case T_U64: return b.s64(v as bigint);
      case T_BOOL: return b.byte(v ? 1 : 0);
      case T_STR: return b.varint(this.stringIndex(v as string));
      case T_U64S: return this.list(v as bigint[], (x) => b.s64(x));
      case T_DECS: return this.list(v as number[], (x) => b.varint(x));
      case T_OBJECT: return this.element(f.element!, v as Bag);
      case T_LIST: return this.list(v as Bag[], (x) => this.element(f.element!, x));
      default: return b.varint(v as number); // dec, vec, sel, pcid, h4, h8
    } // prettier-ignore
  }

  private list<T>(items: readonly T[], each: (x: T) => void): void {
    this.body.varint(items.length);
    for (const x of items) each(x);
  }

  private element(layout: WLayout, o: Bag): void {
    this.body.varint(this.presence(layout, o));
    this.fields(layout, o);
  }

  /** A string's index, its STRING chunk written the first time (before the record using it). */
  private stringIndex(s: string): number {
    let i = this.strings.get(s);
    if (i === undefined) {
      i = this.strings.size;
      this.strings.set(s, i);
      this.chunk(TAG_STRING, encodeString(s));
    }
    return i;
  }

  private kindLayout(kind: TraceKind): WLayout {
    let l = this.kinds.get(kind);
    if (l === undefined) {
      const own = fieldsOf(kind).filter(([name]) => !FIXED_FIELDS.includes(name));
      l = this.layout(LAYOUT_KIND, kind, own);
      this.kinds.set(kind, l);
    }
    return l;
  }

  private elementLayout(type: ElementType): WLayout {
    let l = this.elements.get(type);
    if (l === undefined) {
      l = this.layout(LAYOUT_ELEMENT, type, ELEMENT_FIELDS[type]);
      this.elements.set(type, l);
    }
    return l;
  }

  /** Write a LAYOUT chunk (its element layouts and strings first) and return its plan. */
  private layout(cls: number, name: string, list: readonly Field[]): WLayout {
    const fields: WField[] = list.map(([fname, type, optional]) => {
      const element = isElementType(type) ? this.elementLayout(type) : undefined;
      const code = isElementType(type) ? ELEMENT_CODES[type] : SCALAR_CODES[type];
      return { name: fname, code, element, optional: optional === true };
    });
    const b = new ByteSink(64);
    b.byte(cls);
    b.varint(this.stringIndex(name));
    b.varint(fields.length);
    for (const f of fields) {
      b.varint(this.stringIndex(f.name));
      b.byte(f.code);
      if (f.element !== undefined) b.varint(f.element.id);
      b.byte(f.optional ? FIELD_OPTIONAL : 0);
    }
    this.chunk(TAG_LAYOUT, b.buf.subarray(0, b.pos));
    const optionals = fields.filter((f) => f.optional).length;
    return { id: this.layoutCount++, fields, optionals };
  }
}

/** A whole trace in the binary format. */
export function encodeBinaryTrace(records: readonly TraceRecord[]): Uint8Array {
  const w = new BinaryTraceWriter();
  const parts: Uint8Array[] = [];
  for (const r of records) w.write(r);
  parts.push(w.take(), w.finish());
  const out = new ByteSink(parts[0]!.length + parts[1]!.length + 1);
  for (const p of parts) out.bytes(p);
  return out.take();
}
