// A line table held packed: each entry is one slot in six parallel typed arrays, and the file
// names and expansion-chain sites it refers to are interned once. The assembler fills one while
// it builds its object (no LineEntry objects for a 200,000-line file) and the writer encodes
// straight from it (./lines.ts); `entries()` gives the ObjectFile contract's LineEntry[] to any
// other reader, on demand (see `withLineTable`).
import type { LineEntry, LineSite, ObjectFile } from "./types.js";

/** Site kinds in their on-disk numbering (docs/object-format.md). */
export const SITE_KINDS: readonly LineSite["kind"][] = [
  "include",
  "cpp-macro",
  "gas-macro",
  "rept",
  "irp",
];

/** Numbers per interned site: kind, name, file, line, col, parent chain reference. */
export const SITE_FIELDS = 6;
const INITIAL_CAPACITY = 64;
/** Every number of the table is stored in 32 bits, as the on-disk decoder requires. */
const U32_LIMIT = 0x1_0000_0000;

/**
 * A producer may also fill the entry columns directly, up to the capacity it asked for, and then
 * set `length`.
 */
export class LineTable {
  /** ObjectFile section index of each entry. */
  section: Uint32Array;
  offset: Uint32Array;
  /** Index into `strings` of the entry's file name. */
  file: Uint32Array;
  line: Uint32Array;
  col: Uint32Array;
  /** Chain reference: 0 when the line was written directly, else 1 + its innermost site. */
  chain: Uint32Array;
  length = 0;
  /** Interned file and macro names. */
  readonly strings: string[] = [];
  /** SITE_FIELDS numbers per site: kind, name, file (string indices), line, col, parent ref. */
  readonly sites: number[] = [];
  private readonly stringIds = new Map<string, number>();
  private readonly siteIds = new Map<string, number>();

  constructor(capacity = INITIAL_CAPACITY) {
    const n = Math.max(capacity, 1);
    this.section = new Uint32Array(n);
    this.offset = new Uint32Array(n);
    this.file = new Uint32Array(n);
    this.line = new Uint32Array(n);
    this.col = new Uint32Array(n);
    this.chain = new Uint32Array(n);
  }

  get siteCount(): number {
    return this.sites.length / SITE_FIELDS;
  }

  /** The index of `s` in `strings`, adding it on first use. */
  string(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
  }

  /**
   * The chain reference of a site whose next outer site is `parent` (a chain reference). Equal
   * sites with equal parents are stored once, so equal chains share one reference.
   */
  site(site: LineSite, parent: number): number {
    const kind = SITE_KINDS.indexOf(site.kind);
    if (kind < 0) throw new Error(`internal: unknown line site kind ${site.kind}`);
    const name = this.string(site.name);
    const file = this.string(site.file);
    checkU32(site.line, "site line");
    checkU32(site.col, "site column");
    const key = `${kind},${name},${file},${site.line},${site.col},${parent}`;
    let ref = this.siteIds.get(key);
    if (ref === undefined) {
      this.sites.push(kind, name, file, site.line, site.col, parent);
      ref = this.siteCount;
      this.siteIds.set(key, ref);
    }
    return ref;
  }

  /** The chain reference of a whole chain (innermost site first, as LineEntry.chain). */
  chainRef(chain: readonly LineSite[]): number {
    let ref = 0;
    for (let i = chain.length - 1; i >= 0; i--) ref = this.site(chain[i]!, ref);
    return ref;
  }

  /** Append an entry; `file` is a string index, `chain` a chain reference. */
  push(section: number, offset: number, file: number, line: number, col: number, chain: number) {
    const i = this.length;
    if (i === this.section.length) this.grow();
    this.section[i] = section;
    this.offset[i] = offset;
    this.file[i] = file;
    this.line[i] = line;
    this.col[i] = col;
    this.chain[i] = chain;
    this.length = i + 1;
  }

  /** Pack LineEntry objects (any order), checking that every number fits the table. */
  static fromEntries(lines: readonly LineEntry[]): LineTable {
    const t = new LineTable(lines.length);
    const refs = new Map<readonly LineSite[], number>();
    for (const e of lines) {
      let chain = refs.get(e.chain);
      if (chain === undefined) refs.set(e.chain, (chain = t.chainRef(e.chain)));
      checkU32(e.section, "section");
      checkU32(e.offset, "offset");
      checkU32(e.line, "line");
      checkU32(e.col, "column");
      t.push(e.section, e.offset, t.string(e.file), e.line, e.col, chain);
    }
    return t;
  }

  /** The entries as LineEntry objects, in table order; entries of one chain share its array. */
  entries(): LineEntry[] {
    const chains = this.chains();
    const out = new Array<LineEntry>(this.length);
    for (let i = 0; i < this.length; i++) {
      out[i] = {
        section: this.section[i]!,
        offset: this.offset[i]!,
        file: this.strings[this.file[i]!]!,
        line: this.line[i]!,
        col: this.col[i]!,
        chain: chains[this.chain[i]!]!,
      };
    }
    return out;
  }

  /** Each chain reference's sites, innermost first (index 0: the empty chain). */
  private chains(): LineSite[][] {
    const out: LineSite[][] = [[]];
    const s = this.sites;
    // A parent is always interned before its children, so its chain is already built.
    for (let k = 0; k < s.length; k += SITE_FIELDS) {
      const site: LineSite = {
        kind: SITE_KINDS[s[k]!]!,
        name: this.strings[s[k + 1]!]!,
        file: this.strings[s[k + 2]!]!,
        line: s[k + 3]!,
        col: s[k + 4]!,
      };
      out.push([site, ...out[s[k + 5]!]!]);
    }
    return out;
  }

  private grow(): void {
    const n = this.section.length * 2;
    this.section = grown(this.section, n);
    this.offset = grown(this.offset, n);
    this.file = grown(this.file, n);
    this.line = grown(this.line, n);
    this.col = grown(this.col, n);
    this.chain = grown(this.chain, n);
  }
}

function grown(a: Uint32Array, n: number): Uint32Array {
  const b = new Uint32Array(n);
  b.set(a);
  return b;
}

function checkU32(v: number, what: string): void {
  if (!(Number.isInteger(v) && v >= 0 && v < U32_LIMIT))
    throw new Error(`internal: line table ${what} ${v} is not a 32-bit unsigned integer`);
}

/** Tables of objects whose `lines` nobody has read or replaced yet (see withLineTable). */
const untouched = new WeakMap<ObjectFile, LineTable>();

/**
 * An ObjectFile whose `lines` is made from `table` the first time it is read. Until then the
 * writer encodes straight from the table (`lineTableOf`); once read (or assigned), `lines` is an
 * ordinary array its reader may change, so the table is dropped and the array is what counts.
 */
export function withLineTable(fields: Omit<ObjectFile, "lines">, table: LineTable): ObjectFile {
  let lines: LineEntry[] | undefined;
  const obj: ObjectFile = {
    kind: fields.kind,
    name: fields.name,
    sections: fields.sections,
    symbols: fields.symbols,
    get lines(): LineEntry[] {
      if (lines === undefined) {
        lines = table.entries();
        untouched.delete(obj);
      }
      return lines;
    },
    set lines(value: LineEntry[]) {
      lines = value;
      untouched.delete(obj);
    },
    entry: fields.entry,
    segments: fields.segments,
  };
  untouched.set(obj, table);
  return obj;
}

/** The object's line table packed: the producer's own table if `lines` is untouched. */
export function lineTableOf(obj: ObjectFile): LineTable {
  return untouched.get(obj) ?? LineTable.fromEntries(obj.lines);
}

/** The number of line-table entries, without making LineEntry objects. */
export function lineCount(obj: ObjectFile): number {
  return untouched.get(obj)?.length ?? obj.lines.length;
}
