// The binary trace format, version 1 (docs/trace-format.md, "Binary traces"): what the writer
// (./binary-write.ts) and the reader (./binary-read.ts) share — the magic, the chunk tags, the
// value type codes and how schema.ts's field types map onto them.
//
// A file is a header (magic, version) and a sequence of length-prefixed chunks: strings and
// layouts (a kind's or a composite element's field list: names, types, optional flags) each
// written once, before their first use, then records that name their layout by tag and refer
// to strings by index. Because the layouts travel in the file, a reader decodes fields by what
// the file says, drops fields it does not know, and skips whole records of a kind it does not
// know — the binary counterpart of JSON Lines' "readers ignore fields they do not know".
import { ELEMENT_FIELDS, fieldsOf } from "./schema.js";
import type { Field, FieldType } from "./schema.js";

/** `\x89ELT\r\n\x1a\n`: a non-text first byte (never the start of UTF-8 text), then line ends
 * and ^Z that a text-mode copy would mangle (as PNG's signature does). */
export const BINARY_MAGIC: readonly number[] = [0x89, 0x45, 0x4c, 0x54, 0x0d, 0x0a, 0x1a, 0x0a];
/** The version this code writes and the only one it reads. */
export const BINARY_VERSION = 1;
/** Magic, then version and flags, each a 16-bit little-endian word. */
export const HEADER_SIZE = BINARY_MAGIC.length + 4;

/** Chunk tags. 3–15 are reserved (a reader skips them); 16 + n is a record of layout n. */
export const TAG_END = 0;
export const TAG_STRING = 1;
export const TAG_LAYOUT = 2;
export const TAG_FIRST_RECORD = 16;

/** A layout's class byte. */
export const LAYOUT_KIND = 0;
export const LAYOUT_ELEMENT = 1;

/** A field descriptor's flags byte. */
export const FIELD_OPTIONAL = 1;

/** Value type codes in a layout's field descriptors. */
export const T_U64 = 0;
export const T_DEC = 1;
export const T_VEC = 2;
export const T_SEL = 3;
export const T_PCID = 4;
export const T_H4 = 5;
export const T_H8 = 6;
export const T_BOOL = 7;
export const T_STR = 8;
export const T_U64S = 9;
export const T_DECS = 10;
/** An element (its layout id follows the type code). */
export const T_OBJECT = 11;
/** A count, then that many elements (layout id follows the type code). */
export const T_LIST = 12;
export const LAST_TYPE = T_LIST;

/** The composite field types: an element layout each, one object or a list. */
export type ElementType = "frame" | "regs" | "writes" | "chain";
export const ELEMENT_TYPES: readonly ElementType[] = ["frame", "regs", "writes", "chain"];

/** Each scalar field type's code. */
export const SCALAR_CODES: Readonly<Record<Exclude<FieldType, ElementType>, number>> = {
  u64: T_U64,
  dec: T_DEC,
  vec: T_VEC,
  sel: T_SEL,
  pcid: T_PCID,
  h4: T_H4,
  h8: T_H8,
  bool: T_BOOL,
  str: T_STR,
  u64s: T_U64S,
  decs: T_DECS,
};

/** How each composite type is written: `frame` one element, the others lists. */
export const ELEMENT_CODES: Readonly<Record<ElementType, number>> = {
  frame: T_OBJECT,
  regs: T_LIST,
  writes: T_LIST,
  chain: T_LIST,
};

export function isElementType(t: FieldType): t is ElementType {
  return (ELEMENT_TYPES as readonly string[]).includes(t);
}

/** Fields every record body carries in a fixed form (cpu, then deltas), not through its layout. */
export const FIXED_FIELDS: readonly string[] = ["kind", "cpu", "icount", "rip", "rsp"];

/** Largest value of the bounded numeric types, as the JSON reader checks them. */
export const TYPE_LIMITS: Readonly<Record<number, number>> = {
  [T_VEC]: 0xff,
  [T_SEL]: 0xffff,
  [T_PCID]: 0xfff,
  [T_H4]: 0xffff,
  [T_H8]: 0xffffffff,
};

/** Optional fields of one layout are flagged in a 30-bit presence word (bit operations). */
export const MAX_OPTIONAL = 30;

// ---- the insn records' fast paths ---------------------------------------------------------------
// Nearly every record of an insn-level trace is an `insn` one: the writer and the reader spell
// its fields out (plain property reads, one object literal per record) instead of walking the
// layout. They rely on the insn layout being exactly INSN_LAYOUT, checked once here against
// FIELDS (and by the reader against each file's layout).

/** `name:type` (`?` when optional) of each field, elements expanded: `regs:regs{reg:str …}`. */
export function schemaLayout(fields: readonly Field[]): string {
  return fields.map(([n, t, o]) => `${n}:${t}${o === true ? "?" : ""}${isElementType(t) ? `{${schemaLayout(ELEMENT_FIELDS[t])}}` : ""}`).join(" "); // prettier-ignore
}

/** The insn layout as the fast paths spell it out. */
export const INSN_LAYOUT = "task:dec? text:str length:dec regs:regs{reg:str old:u64 new:u64} writes:writes{address:u64 physical:u64 size:dec value:u64} sym:str? line:str?"; // prettier-ignore
export const INSN_FAST = schemaLayout(fieldsOf("insn").filter(([n]) => !FIXED_FIELDS.includes(n))) === INSN_LAYOUT && ELEMENT_CODES.regs === T_LIST && ELEMENT_CODES.writes === T_LIST; // prettier-ignore
/** Presence bits of the insn layout's optional fields, in their order. */
export const HAS_TASK = 1;
export const HAS_SYM = 2;
export const HAS_LINE = 4;
