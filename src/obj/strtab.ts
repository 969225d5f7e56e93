// ELF string tables (.strtab, .shstrtab): NUL-terminated UTF-8 names, index 0 the empty name.
import { ByteWriter, encodeUtf8 } from "./bytes.js";

/** Builds a string table, storing each distinct name once. */
export class StringTableBuilder {
  private readonly w = new ByteWriter();
  private readonly offsets = new Map<string, number>();

  constructor() {
    // gABI: the first byte of a string table is NUL, so index 0 is the empty name.
    this.w.u8(0);
    this.offsets.set("", 0);
  }

  /** The index of `name`, adding it on first use. */
  add(name: string): number {
    const known = this.offsets.get(name);
    if (known !== undefined) return known;
    const at = this.w.length;
    const bytes = encodeUtf8(name);
    if (bytes.includes(0))
      throw new Error(`internal: name with a NUL byte: ${JSON.stringify(name)}`);
    this.w.bytes(bytes);
    this.w.u8(0);
    this.offsets.set(name, at);
    return at;
  }

  finish(): Uint8Array {
    return this.w.finish();
  }
}
