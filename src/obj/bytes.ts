// Little-endian byte helpers for the ELF writer and reader: a growable writer, a bounds-checked
// cursor for variable-length data (LEB128), and UTF-8 conversion. No Node buffers: this runs in a
// browser too.

const INITIAL_CAPACITY = 256;
const U32_LIMIT = 0x1_0000_0000;
/** 5 × 7 bits hold any 32-bit value (and any 33-bit signed one). */
const LEB_MAX_BYTES = 5;
const UTF8_ENCODER = new TextEncoder();
/** fatal: a name that is not valid UTF-8 is reported, not silently replaced. */
const UTF8_DECODER = new TextDecoder("utf-8", { fatal: true });

/**
 * `buf` when it holds `need` bytes, else a buffer doubled until it does, holding a copy of
 * `buf`'s first `used` bytes (the growable writers here share it).
 */
export function withRoom<T extends Uint8Array>(
  buf: T,
  used: number,
  need: number,
): T | Uint8Array<ArrayBuffer> {
  if (need <= buf.length) return buf;
  let cap = Math.max(1, buf.length * 2);
  while (cap < need) cap *= 2;
  const next = new Uint8Array(cap);
  next.set(buf.subarray(0, used));
  return next;
}

export function encodeUtf8(text: string): Uint8Array {
  return UTF8_ENCODER.encode(text);
}

/** The text of a UTF-8 byte range, or undefined if it is not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8_DECODER.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A growable little-endian byte buffer. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private len = 0;

  /** `capacity`: the bytes to make room for up front (it grows past them by doubling). */
  constructor(capacity = INITIAL_CAPACITY) {
    this.buf = new Uint8Array(Math.max(capacity, 1));
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.len;
  }

  /** The bytes written so far (a copy-free view). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  u8(v: number): void {
    this.reserve(1);
    this.buf[this.len++] = v & 0xff;
  }

  u16(v: number): void {
    this.reserve(2);
    this.view.setUint16(this.len, v, true);
    this.len += 2;
  }

  u32(v: number): void {
    this.reserve(4);
    this.view.setUint32(this.len, v >>> 0, true);
    this.len += 4;
  }

  /** A 64-bit field; negative values are written in two's complement. */
  u64(v: bigint | number): void {
    this.reserve(8);
    this.view.setBigUint64(this.len, BigInt.asUintN(64, BigInt(v)), true);
    this.len += 8;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Zero-fill up to the next multiple of `align`. */
  align(align: number): void {
    const pad = (align - (this.len % align)) % align;
    this.zeros(pad);
  }

  zeros(n: number): void {
    this.reserve(n);
    this.buf.fill(0, this.len, this.len + n);
    this.len += n;
  }

  /** Unsigned LEB128 of a non-negative integer. */
  uleb(v: number): void {
    let rest = v;
    while (rest >= 0x80) {
      this.u8((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.u8(rest);
  }

  /** Signed LEB128 of a safe integer. */
  sleb(v: number): void {
    let rest = v;
    for (;;) {
      const byte = ((rest % 0x80) + 0x80) % 0x80;
      rest = Math.floor(rest / 0x80);
      const done = (rest === 0 && (byte & 0x40) === 0) || (rest === -1 && (byte & 0x40) !== 0);
      this.u8(done ? byte : byte | 0x80);
      if (done) return;
    }
  }

  /** Overwrite a 32-bit field written earlier. */
  patchU32(at: number, v: number): void {
    this.view.setUint32(at, v >>> 0, true);
  }

  private reserve(n: number): void {
    const next = withRoom(this.buf, this.len, this.len + n);
    if (next === this.buf) return;
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

/** Fixed-offset little-endian reads; the caller has checked the range. */
export class ByteView {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u8(at: number): number {
    return this.bytes[at]!;
  }
  u16(at: number): number {
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    return this.view.getUint32(at, true);
  }
  u64(at: number): bigint {
    return this.view.getBigUint64(at, true);
  }
  i64(at: number): bigint {
    return this.view.getBigInt64(at, true);
  }
  /** A 64-bit field that must fit a JS number (an offset or size); undefined when it does not. */
  offset(at: number): number | undefined {
    const v = this.u64(at);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  }
}

/** Thrown by Cursor when data runs out or a number is too big; caught by the line-table decoder. */
export class CursorError extends Error {}

/** A forward-only reader over variable-length data. Every read is bounds-checked. */
export class Cursor {
  private pos: number;
  private readonly view: ByteView;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
  ) {
    this.pos = start;
    this.view = new ByteView(bytes);
  }

  get offset(): number {
    return this.pos;
  }

  get atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  need(n: number, what: string): void {
    if (this.pos + n > this.bytes.length) {
      throw new CursorError(`${what} runs past the end (at byte ${this.pos})`);
    }
  }

  u8(what: string): number {
    this.need(1, what);
    return this.bytes[this.pos++]!;
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.view.u16(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.view.u32(this.pos);
    this.pos += 4;
    return v;
  }

  bytesOf(n: number, what: string): Uint8Array {
    this.need(n, what);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Unsigned LEB128 that must fit in 32 bits: every field of the line table does. */
  uleb(what: string): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < LEB_MAX_BYTES; i++) {
      const byte = this.u8(what);
      result += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        if (result >= U32_LIMIT) break;
        return result;
      }
      scale *= 0x80;
    }
    throw new CursorError(`${what} is too large (at byte ${this.pos})`);
  }

  /** Signed LEB128 that must fit in 33 bits (a difference of two 32-bit values). */
  sleb(what: string): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < LEB_MAX_BYTES; i++) {
      const byte = this.u8(what);
      result += (byte & 0x7f) * scale;
      scale *= 0x80;
      if ((byte & 0x80) === 0) return (byte & 0x40) !== 0 ? result - scale : result;
    }
    throw new CursorError(`${what} is too large (at byte ${this.pos})`);
  }
}
