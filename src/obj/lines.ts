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
import { ByteWriter, Cursor, CursorError, decodeUtf8, encodeUtf8 } from "./bytes.js";
import type { LineEntry, LineSite, ObjectFile } from "./types.js";

export const LINES_MAGIC = 0x544c4c45; // "ELLT" read little-endian
export const LINES_VERSION = 1;
export const LINES_HEADER_SIZE = 24;
/** The smallest encoding of a site (1 + 5 one-byte LEBs) and of an entry (6 one-byte LEBs). */
const MIN_SITE_BYTES = 6;
const MIN_ENTRY_BYTES = 6;
const MIN_STRING_BYTES = 1;

/** Site kinds in their on-disk numbering. */
const SITE_KINDS: readonly LineSite["kind"][] = [
  "include",
  "cpp-macro",
  "gas-macro",
  "rept",
  "irp",
];

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
 * Encode the line table. `lines` must be sorted (see sortLines); `elfIndex` maps an ObjectFile
 * section index to the ELF section header index stored in the file.
 */
export function encodeLines(
  lines: readonly LineEntry[],
  elfIndex: (section: number) => number,
): Uint8Array {
  const strings = new Interner();
  const sites = new SiteTable(strings);
  const chainRefs = lines.map((e) => sites.chainRef(e.chain));
  for (const e of lines) strings.id(e.file);

  const w = new ByteWriter();
  w.u32(LINES_MAGIC);
  w.u16(LINES_VERSION);
  w.u16(LINES_HEADER_SIZE);
  w.u32(strings.list.length);
  w.u32(sites.rows.length);
  w.u32(lines.length);
  w.u32(0);
  for (const s of strings.list) {
    const b = encodeUtf8(s);
    w.uleb(b.length);
    w.bytes(b);
  }
  for (const row of sites.rows) for (const field of row) w.uleb(field);
  writeEntries(w, lines, chainRefs, strings, elfIndex);
  return w.finish();
}

function writeEntries(
  w: ByteWriter,
  lines: readonly LineEntry[],
  chainRefs: readonly number[],
  strings: Interner,
  elfIndex: (section: number) => number,
): void {
  let section = 0;
  let offset = 0;
  let line = 0;
  lines.forEach((e, i) => {
    const sec = elfIndex(e.section);
    if (sec < section || (sec === section && e.offset < offset)) {
      throw new Error("internal: line table entries are not sorted");
    }
    w.uleb(sec - section);
    w.uleb(sec === section ? e.offset - offset : e.offset);
    w.uleb(strings.id(e.file));
    w.sleb(e.line - line);
    w.uleb(e.col);
    w.uleb(chainRefs[i]!);
    section = sec;
    offset = e.offset;
    line = e.line;
  });
}

class Interner {
  readonly list: string[] = [];
  private ids = new Map<string, number>();
  id(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.list.length;
      this.list.push(s);
      this.ids.set(s, id);
    }
    return id;
  }
}

/** Sites as rows [kind, name, file, line, col, parent+1], each stored once, parents first. */
class SiteTable {
  readonly rows: number[][] = [];
  private ids = new Map<string, number>();
  constructor(private readonly strings: Interner) {}

  /** 0 for an empty chain, else 1 + the index of its innermost site. */
  chainRef(chain: readonly LineSite[]): number {
    let parent = 0;
    for (let i = chain.length - 1; i >= 0; i--) parent = this.siteRef(chain[i]!, parent);
    return parent;
  }

  private siteRef(site: LineSite, parent: number): number {
    const kind = SITE_KINDS.indexOf(site.kind);
    if (kind < 0) throw new Error(`internal: unknown line site kind ${site.kind}`);
    const row = [
      kind,
      this.strings.id(site.name),
      this.strings.id(site.file),
      site.line,
      site.col,
      parent,
    ];
    const key = row.join(",");
    let id = this.ids.get(key);
    if (id === undefined) {
      this.rows.push(row);
      id = this.rows.length;
      this.ids.set(key, id);
    }
    return id;
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
