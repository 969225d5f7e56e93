// ELF string tables (.strtab, .shstrtab): NUL-terminated UTF-8 names, index 0 the empty name.
// Symbol names are almost always ASCII, so they are copied a character at a time into the
// table's buffer; only other names go through the UTF-8 encoder.
import { encodeUtf8, withRoom } from "./bytes.js";

const INITIAL_CAPACITY = 256;
/** UTF-8 encodes code units below this as themselves, one byte each. */
const ASCII_LIMIT = 0x80;

/** Builds a string table, storing each distinct name once. */
export class StringTableBuilder {
  private buf = new Uint8Array(INITIAL_CAPACITY);
  private len = 1; // gABI: the first byte of a string table is NUL, so index 0 is the empty name.
  private readonly offsets = new Map<string, number>([["", 0]]);

  /** The index of `name`, adding it on first use. */
  add(name: string): number {
    const known = this.offsets.get(name);
    if (known !== undefined) return known;
    const at = this.len;
    // At most one byte per code unit when ASCII, plus the NUL.
    this.reserve(name.length + 1);
    const buf = this.buf;
    let p = at;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c === 0) throw new Error(`internal: name with a NUL byte: ${JSON.stringify(name)}`);
      if (c >= ASCII_LIMIT) return this.addEncoded(name, at);
      buf[p++] = c;
    }
    buf[p++] = 0;
    this.len = p;
    this.offsets.set(name, at);
    return at;
  }

  /** The bytes written so far (a copy-free view). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  private addEncoded(name: string, at: number): number {
    const bytes = encodeUtf8(name);
    if (bytes.includes(0))
      throw new Error(`internal: name with a NUL byte: ${JSON.stringify(name)}`);
    this.reserve(bytes.length + 1);
    this.buf.set(bytes, at);
    this.buf[at + bytes.length] = 0;
    this.len = at + bytes.length + 1;
    this.offsets.set(name, at);
    return at;
  }

  private reserve(n: number): void {
    this.buf = withRoom(this.buf, this.len, this.len + n);
  }
}
