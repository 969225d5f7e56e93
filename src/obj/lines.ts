// The line table: its binary form in the `.entrylab.lines` section, and lookups by offset or
// address. The byte layout (docs/object-format.md has the full description):
//
//   header, 24 bytes          strings               sites                entries
//   +------+-----+-----+      +----------------+    +----------------+   +-------------------+
//   |magic |ver  |hsize|      | uleb length    |    | u8  kind       |   | uleb Δsection     |
//   |u32   |u16  |u16  |      | UTF-8 bytes    |    | uleb name str  |   | uleb offset or Δ  |
//   +------+-----+-----+      +----------------+    | uleb file str  |   | uleb file str     |
//   |nstrings |nsites |       × nstrings            | uleb line      |   | sleb Δline        |
//   |nentries |0      |                             | uleb col       |   | uleb col          |
//   +---------+-------+                             | uleb parent+1  |   | uleb site+1 or 0  |
//                                                   +----------------+   +-------------------+
//                                                   × nsites             × nentries
//
// Sites are the steps of expansion chains, stored as a tree: a chain is its innermost site, and
// each site points to the next outer one. Identical chains and shared outer parts are stored once,
// so the table stays small when thousands of lines come from the same macro.
import { Cursor, CursorError, decodeUtf8, encodeUtf8, withRoom } from "./bytes.js";
import { SITE_FIELDS, SITE_KINDS, type LineTable } from "./line-table.js";
import type { LineEntry, LineSite, ObjectFile } from "./types.js";

export const LINES_MAGIC = 0x544c4c45; // "ELLT" read little-endian
export const LINES_VERSION = 1;
export const LINES_HEADER_SIZE = 24;
/** The smallest encoding of a site (1 + 5 one-byte LEBs) and of an entry (6 one-byte LEBs). */
const MIN_SITE_BYTES = 6;
const MIN_ENTRY_BYTES = 6;
const MIN_STRING_BYTES = 1;
/** The largest: five 5-byte LEBs and a 5-byte SLEB (a 33-bit line difference). */
const MAX_ENTRY_BYTES = 30;
const MAX_SITE_BYTES = 1 + 5 * 5;
const LEB_MAX_BYTES = 5;
/** Average bytes per entry the output buffer starts with room for (they are often 6). */
const ENTRY_BYTES_GUESS = 8;

/** Entries sorted by (section, offset), stably: the order the line table is stored and searched in. */
export function sortLines(lines: readonly LineEntry[]): LineEntry[] {
  // The assembler emits them in order already: check in one pass before paying for a sort.
  if (isSorted(lines)) return lines.slice();
  return lines
    .map((entry, i) => ({ entry, i }))
    .sort(
      (a, b) => a.entry.section - b.entry.section || a.entry.offset - b.entry.offset || a.i - b.i,
    )
    .map((x) => x.entry);
}

function isSorted(lines: readonly LineEntry[]): boolean {
  for (let i = 1; i < lines.length; i++) {
    const a = lines[i - 1]!;
    const b = lines[i]!;
    if (a.section > b.section || (a.section === b.section && a.offset > b.offset)) return false;
  }
  return true;
}

/**
 * The table's entries in (section, offset) order, stably: undefined when they already are
 * (checked in one pass: the assembler emits them in order), else a permutation.
 */
function sortedOrder(t: LineTable): Uint32Array | undefined {
  const { section, offset } = t;
  let i = 1;
  while (i < t.length) {
    const ds = section[i]! - section[i - 1]!;
    if (ds < 0 || (ds === 0 && offset[i]! < offset[i - 1]!)) break;
    i++;
  }
  if (i >= t.length) return undefined;
  const order = new Uint32Array(t.length);
  for (let k = 0; k < order.length; k++) order[k] = k;
  return order.sort((a, b) => section[a]! - section[b]! || offset[a]! - offset[b]! || a - b);
}

/**
 * Encode the line table (entries in any order; they are stored sorted). `elfIndex` maps an
 * ObjectFile section index to the ELF section header index stored in the file; it must keep
 * the sections' order.
 *
 * Strings and sites are numbered in the order the entries first use them — every site (outer
 * ones first, each with its name and file) over all entries, then the entries' files — so the
 * bytes do not depend on how the table was filled.
 */
export function encodeLineTable(t: LineTable, elfIndex: (section: number) => number): Uint8Array {
  const order = sortedOrder(t);
  const n = t.length;
  const num = new Numbering(t);
  const chain = t.chain;
  const file = t.file;
  for (let k = 0; k < n; k++) num.site(chain[order ? order[k]! : k]!);
  for (let k = 0; k < n; k++) num.string(file[order ? order[k]! : k]!);

  const out = new LebBuffer(
    LINES_HEADER_SIZE + num.siteList.length * MAX_SITE_BYTES + n * ENTRY_BYTES_GUESS,
  );
  writeHeader(out, num, n);
  writeStrings(out, t, num);
  writeSites(out, t, num);
  writeEntries(out, t, order, num, elfIndex);
  return out.finish();
}

/** On-disk numbers of the strings and sites the entries use, in order of first use. */
class Numbering {
  /** Per table string: its on-disk index, or -1 while unused. */
  readonly stringOut: Int32Array;
  /** Table string indices in on-disk order. */
  readonly stringList: number[] = [];
  /** Per table chain reference: its on-disk reference (0: not yet numbered, or no chain). */
  readonly siteOut: Uint32Array;
  /** Table chain references in on-disk order. */
  readonly siteList: number[] = [];

  constructor(private readonly t: LineTable) {
    this.stringOut = new Int32Array(t.strings.length).fill(-1);
    this.siteOut = new Uint32Array(t.siteCount + 1);
  }

  string(s: number): void {
    if (this.stringOut[s]! >= 0) return;
    this.stringOut[s] = this.stringList.length;
    this.stringList.push(s);
  }

  /** Number a chain reference, its outer sites first. */
  site(ref: number): void {
    if (ref === 0 || this.siteOut[ref] !== 0) return;
    const k = (ref - 1) * SITE_FIELDS;
    const sites = this.t.sites;
    this.site(sites[k + 5]!);
    this.string(sites[k + 1]!);
    this.string(sites[k + 2]!);
    this.siteList.push(ref);
    this.siteOut[ref] = this.siteList.length;
  }
}

function writeHeader(out: LebBuffer, num: Numbering, entries: number): void {
  const v = new DataView(out.buf.buffer);
  v.setUint32(0, LINES_MAGIC, true);
  v.setUint16(4, LINES_VERSION, true);
  v.setUint16(6, LINES_HEADER_SIZE, true);
  v.setUint32(8, num.stringList.length, true);
  v.setUint32(12, num.siteList.length, true);
  v.setUint32(16, entries, true);
  v.setUint32(20, 0, true);
  out.len = LINES_HEADER_SIZE;
}

function writeStrings(out: LebBuffer, t: LineTable, num: Numbering): void {
  for (const s of num.stringList) {
    const b = encodeUtf8(t.strings[s]!);
    out.reserve(LEB_MAX_BYTES + b.length);
    out.len = uleb(out.buf, out.len, b.length);
    out.buf.set(b, out.len);
    out.len += b.length;
  }
}

function writeSites(out: LebBuffer, t: LineTable, num: Numbering): void {
  const s = t.sites;
  for (const ref of num.siteList) {
    const k = (ref - 1) * SITE_FIELDS;
    out.reserve(MAX_SITE_BYTES);
    const buf = out.buf;
    let p = out.len;
    buf[p++] = s[k]!;
    p = uleb(buf, p, num.stringOut[s[k + 1]!]!);
    p = uleb(buf, p, num.stringOut[s[k + 2]!]!);
    p = uleb(buf, p, s[k + 3]!);
    p = uleb(buf, p, s[k + 4]!);
    out.len = uleb(buf, p, num.siteOut[s[k + 5]!]!);
  }
}

/**
 * Entries as deltas from the previous one: Δsection, offset (Δ within a section), Δline. This loop
 * runs once per object over every entry, mostly before V8 optimizes it, so the one-byte case of
 * each LEB128 (nearly every field) is written inline and only longer values call a function.
 */
function writeEntries(
  out: LebBuffer,
  t: LineTable,
  order: Uint32Array | undefined,
  num: Numbering,
  elfIndex: (section: number) => number,
): void {
  const { section: secs, offset: offs, file, line: lines, col, chain } = t;
  const { stringOut, siteOut } = num;
  let objSection = -1;
  let section = 0;
  let sec = 0;
  let offset = 0;
  let line = 0;
  let buf = out.buf;
  let p = out.len;
  for (let k = 0; k < t.length; k++) {
    const i = order ? order[k]! : k;
    if (secs[i] !== objSection) {
      objSection = secs[i]!;
      sec = elfIndex(objSection);
      if (sec < section) throw new Error("internal: elfIndex does not keep the sections' order");
    }
    if (p + MAX_ENTRY_BYTES > buf.length) {
      out.len = p;
      out.reserve(MAX_ENTRY_BYTES);
      buf = out.buf;
    }
    const off = offs[i]!;
    const dSection = sec - section;
    if (dSection === 0) {
      buf[p++] = 0;
      const d = off - offset;
      if (d < LEB_ONE_BYTE) buf[p++] = d;
      else p = uleb(buf, p, d);
    } else {
      p = uleb(buf, p, dSection);
      p = uleb(buf, p, off);
    }
    const f = stringOut[file[i]!]!;
    if (f < LEB_ONE_BYTE) buf[p++] = f;
    else p = uleb(buf, p, f);
    const l = lines[i]!;
    const dLine = l - line;
    // A one-byte SLEB holds −64..63.
    if (dLine >= -SLEB_ONE_BYTE && dLine < SLEB_ONE_BYTE) buf[p++] = dLine & LEB_PAYLOAD;
    else p = sleb(buf, p, dLine);
    const c = col[i]!;
    if (c < LEB_ONE_BYTE) buf[p++] = c;
    else p = uleb(buf, p, c);
    const ref = siteOut[chain[i]!]!;
    if (ref < LEB_ONE_BYTE) buf[p++] = ref;
    else p = uleb(buf, p, ref);
    section = sec;
    offset = off;
    line = l;
  }
  out.len = p;
}

/** Values below this take one LEB128 byte; its low 7 bits are the payload. */
const LEB_ONE_BYTE = 0x80;
const LEB_PAYLOAD = 0x7f;
const SLEB_ONE_BYTE = 0x40;

/** A growable byte buffer written through `buf`/`len` directly by the LEB128 loops. */
class LebBuffer {
  buf: Uint8Array;
  len = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  /** Room for `n` more bytes. */
  reserve(n: number): void {
    this.buf = withRoom(this.buf, this.len, this.len + n);
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** Unsigned LEB128 of a 32-bit value at `p`; returns the next position. */
function uleb(buf: Uint8Array, p: number, v: number): number {
  while (v >= 0x80) {
    buf[p++] = (v & 0x7f) | 0x80;
    v >>>= 7;
  }
  buf[p++] = v;
  return p;
}

/** Signed LEB128 of a difference of two 32-bit values (33 bits); returns the next position. */
function sleb(buf: Uint8Array, p: number, v: number): number {
  if ((v | 0) !== v) return slebWide(buf, p, v);
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      buf[p++] = byte;
      return p;
    }
    buf[p++] = byte | 0x80;
  }
}

/** sleb for values beyond 32 bits, by division (shifts would truncate them). */
function slebWide(buf: Uint8Array, p: number, v: number): number {
  for (;;) {
    const byte = ((v % 0x80) + 0x80) % 0x80;
    v = Math.floor(v / 0x80);
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      buf[p++] = byte;
      return p;
    }
    buf[p++] = byte | 0x80;
  }
}

/** A decoded entry before its ELF section index is mapped back to an ObjectFile index. */
export interface RawLineEntry extends Omit<LineEntry, "section"> {
  elfSection: number;
}

/** Decode the line table; a string describing the first problem when it is malformed. */
export function decodeLines(bytes: Uint8Array): RawLineEntry[] | string {
  try {
    return decodeLinesOrThrow(new Cursor(bytes));
  } catch (e) {
    if (e instanceof CursorError) return e.message;
    throw e;
  }
}

function decodeLinesOrThrow(c: Cursor): RawLineEntry[] {
  const magic = c.u32("header");
  if (magic !== LINES_MAGIC) fail(`bad magic 0x${magic.toString(16)}`);
  const version = c.u16("header");
  if (version !== LINES_VERSION) fail(`version ${version}, expected ${LINES_VERSION}`);
  if (c.u16("header") !== LINES_HEADER_SIZE) fail(`header size is not ${LINES_HEADER_SIZE}`);
  const nStrings = c.u32("header");
  const nSites = c.u32("header");
  const nEntries = c.u32("header");
  c.u32("header");
  // Counts are checked against the bytes left before anything is allocated for them.
  const room = c.bytes.length - c.offset;
  const least = nStrings * MIN_STRING_BYTES + nSites * MIN_SITE_BYTES + nEntries * MIN_ENTRY_BYTES;
  if (least > room)
    fail(
      `counts (${nStrings} strings, ${nSites} sites, ${nEntries} entries) exceed the ${room} bytes of data`,
    );
  const strings = readStrings(c, nStrings);
  const chains = readSites(c, nSites, strings);
  const entries = readEntries(c, nEntries, strings, chains);
  if (!c.atEnd) fail(`${c.bytes.length - c.offset} bytes after the last entry`);
  return entries;
}

function fail(message: string): never {
  throw new CursorError(message);
}

function readStrings(c: Cursor, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const len = c.uleb("string length");
    const text = decodeUtf8(c.bytesOf(len, `string ${i}`));
    if (text === undefined) fail(`string ${i} is not valid UTF-8`);
    out.push(text);
  }
  return out;
}

function stringAt(strings: readonly string[], i: number, what: string): string {
  const s = strings[i];
  if (s === undefined) fail(`${what} refers to string ${i} of ${strings.length}`);
  return s;
}

/** Each site's full chain (innermost first), shared by every entry that refers to it. */
function readSites(c: Cursor, n: number, strings: readonly string[]): LineSite[][] {
  const chains: LineSite[][] = [];
  for (let i = 0; i < n; i++) {
    const kindNo = c.u8("site kind");
    const kind = SITE_KINDS[kindNo];
    if (kind === undefined) fail(`site ${i} has unknown kind ${kindNo}`);
    const name = stringAt(strings, c.uleb("site name"), `site ${i}`);
    const file = stringAt(strings, c.uleb("site file"), `site ${i}`);
    const line = c.uleb("site line");
    const col = c.uleb("site col");
    const parent = c.uleb("site parent");
    // Parents come first, so a chain can never loop.
    if (parent > i) fail(`site ${i} has parent ${parent - 1}, which is not before it`);
    const outer = parent === 0 ? [] : chains[parent - 1]!;
    chains.push([{ kind, name, file, line, col }, ...outer]);
  }
  return chains;
}

function readEntries(
  c: Cursor,
  n: number,
  strings: readonly string[],
  chains: readonly LineSite[][],
): RawLineEntry[] {
  const out: RawLineEntry[] = [];
  const none: LineSite[] = [];
  let section = 0;
  let offset = 0;
  let line = 0;
  for (let i = 0; i < n; i++) {
    const dSection = c.uleb("entry section");
    const off = c.uleb("entry offset");
    section += dSection;
    offset = dSection === 0 ? offset + off : off;
    const file = stringAt(strings, c.uleb("entry file"), `entry ${i}`);
    line += c.sleb("entry line");
    const col = c.uleb("entry col");
    const ref = c.uleb("entry chain");
    if (ref > chains.length) fail(`entry ${i} refers to site ${ref - 1} of ${chains.length}`);
    if (line < 0 || !Number.isSafeInteger(offset))
      fail(`entry ${i} has line ${line}, offset ${offset}`);
    const chain = ref === 0 ? none : chains[ref - 1]!;
    out.push({ elfSection: section, offset, file, line, col, chain });
  }
  return out;
}

/**
 * The entry for the instruction at or before `offset` in `section`: the last entry of that section
 * whose offset is ≤ `offset`. `obj.lines` must be sorted as readObject returns it (see sortLines).
 */
export function lineTableLookup(
  obj: ObjectFile,
  section: number,
  offset: number,
): LineEntry | undefined {
  const lines = obj.lines;
  // First index whose (section, offset) is greater than the key.
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = lines[mid]!;
    if (e.section < section || (e.section === section && e.offset <= offset)) lo = mid + 1;
    else hi = mid;
  }
  const found = lines[lo - 1];
  return found && found.section === section ? found : undefined;
}

/** The entry for an address in an image: finds the allocated section holding it, then looks up. */
export function lineTableLookupAddr(obj: ObjectFile, addr: bigint): LineEntry | undefined {
  const index = obj.sections.findIndex(
    (s) => s.alloc && s.size > 0 && addr >= s.addr && addr < s.addr + BigInt(s.size),
  );
  if (index < 0) return undefined;
  return lineTableLookup(obj, index, Number(addr - obj.sections[index]!.addr));
}
