// The byte-level codec of the binary trace format (./binary.ts, docs/trace-format.md "Binary
// traces"): a growable output buffer and a bounds-checked input cursor over Uint8Array, with
// unsigned LEB128 varints, zigzag varints of 64-bit two's-complement values, and strings as
// UTF-8 that also carries lone UTF-16 surrogates (WTF-8), so that every JS string round-trips
// as it does through JSON. No Buffer, no DataView of the host: it runs in a browser too.
//
// Speed: values that fit in 2^52 take a number path (plain arithmetic); only larger ones use
// bigint operations. A kernel address is sign-extended, so as a signed value it is small.

/** Zigzag varints of values with |v| < 2^52 are done on numbers (exact below 2^53). */
const NUMBER_LIMIT = 2 ** 52;
const TWO64 = 1n << 64n;
/** Bits of a varint byte's payload and its continuation flag. */
const PAYLOAD = 0x7f;
const MORE = 0x80;
/** Seven payload bits: a varint of n bytes holds 7n bits. */
const RADIX = 128;
/** A number varint has at most 8 bytes (56 bits ≥ 53); a 64-bit one at most 10. */
const MAX_NUMBER_BYTES = 8;
const MAX_U64_BYTES = 10;
/** Varint bytes read on the number path of a 64-bit value (49 bits, exact). */
const FAST_U64_BYTES = 7;
/** Bodies up to this many bytes are copied by a loop rather than by a subarray and set. */
const SHORT_COPY = 64;

/** Bad input found while reading: the reader turns it into a diagnostic (never thrown out). */
export class CorruptTrace {
  constructor(
    readonly code: string,
    readonly offset: number,
    readonly message: string,
  ) {}
}

/** A growable byte buffer written front to back. */
export class ByteSink {
  buf: Uint8Array;
  pos = 0;

  constructor(capacity = 1 << 12) {
    this.buf = new Uint8Array(capacity);
  }

  private grow(need: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    if (this.pos + b.length > this.buf.length) this.grow(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** What `other` holds, copied (a record's body: a byte loop beats a subarray for short ones). */
  append(other: ByteSink): void {
    const n = other.pos;
    if (this.pos + n > this.buf.length) this.grow(n);
    if (n > SHORT_COPY) this.buf.set(other.buf.subarray(0, n), this.pos);
    else for (let i = 0; i < n; i++) this.buf[this.pos + i] = other.buf[i]!;
    this.pos += n;
  }

  /** An unsigned varint of a non-negative safe integer. */
  varint(n: number): void {
    if (this.pos + MAX_U64_BYTES > this.buf.length) this.grow(MAX_U64_BYTES);
    const buf = this.buf;
    let p = this.pos;
    while (n >= RADIX) {
      buf[p++] = (n % RADIX) | MORE;
      n = Math.floor(n / RADIX);
    }
    buf[p++] = n;
    this.pos = p;
  }

  /** A zigzag varint of a signed safe integer. */
  svarint(n: number): void {
    if (n > -NUMBER_LIMIT && n < NUMBER_LIMIT) this.varint(n >= 0 ? 2 * n : -2 * n - 1);
    else this.s64Big(BigInt(n));
  }

  /** A zigzag varint of a 64-bit value (taken as two's complement: mod 2^64). */
  s64(v: bigint): void {
    const n = Number(BigInt.asIntN(64, v));
    if (n > -NUMBER_LIMIT && n < NUMBER_LIMIT) this.varint(n >= 0 ? 2 * n : -2 * n - 1);
    else this.s64Big(v);
  }

  private s64Big(v: bigint): void {
    const s = BigInt.asIntN(64, v);
    let z = BigInt.asUintN(64, (s << 1n) ^ (s >> 63n));
    while (z >= 0x80n) {
      this.byte(Number(z & 0x7fn) | MORE);
      z >>= 7n;
    }
    this.byte(Number(z));
  }

  /** The bytes written so far (a copy), and the buffer emptied. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.pos);
    this.pos = 0;
    return out;
  }
}

/** A string's WTF-8 bytes: UTF-8, with a lone surrogate written as its own 3-byte sequence. */
export function encodeString(s: string): Uint8Array {
  const out = new ByteSink(s.length * 3 + 1);
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    const next = s.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
      i++;
    }
    if (c < 0x80) out.byte(c);
    else if (c < 0x800) {
      out.byte(0xc0 | (c >> 6));
      out.byte(0x80 | (c & 0x3f));
    } else if (c < 0x10000) {
      out.byte(0xe0 | (c >> 12));
      out.byte(0x80 | ((c >> 6) & 0x3f));
      out.byte(0x80 | (c & 0x3f));
    } else {
      out.byte(0xf0 | (c >> 18));
      out.byte(0x80 | ((c >> 12) & 0x3f));
      out.byte(0x80 | ((c >> 6) & 0x3f));
      out.byte(0x80 | (c & 0x3f));
    }
  }
  return out.take();
}

/** Entries of the reader's cache of recent 64-bit values (a power of two). */
const U64_CACHE = 1 << 12;

/**
 * A bounds-checked cursor over `buf[pos, end)`; every overrun is a CorruptTrace. It keeps a
 * direct-mapped cache of the bigints it made for small values: a trace repeats RIPs, stack
 * addresses and register values, and one bigint per value read is most of what reading costs.
 */
export class ByteSource {
  private readonly cacheKeys = new Float64Array(U64_CACHE).fill(NaN);
  private readonly cacheValues: bigint[] = new Array<bigint>(U64_CACHE);

  /**
   * @param overrunCode the code of a value that runs past `end`: E8011 (corrupt) inside a chunk
   * whose length says where it ends, E8009 (truncated) where `end` is the end of the file.
   */
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    public end: number,
    public overrunCode = "E8011",
  ) {}

  fail(code: string, message: string, at = this.pos): never {
    throw new CorruptTrace(code, at, message);
  }

  /** The chunk's body ended before the value did. */
  private overrun(): never {
    return this.overrunCode === "E8011"
      ? this.fail("E8011", "a value runs past the end of its chunk")
      : this.fail(this.overrunCode, "the file ends inside a chunk's header");
  }

  byte(): number {
    if (this.pos >= this.end) this.overrun();
    return this.buf[this.pos++]!;
  }

  /** An unsigned varint that must be a safe integer. */
  varint(): number {
    const start = this.pos;
    let n = 0;
    let scale = 1;
    for (let i = 0; i < MAX_NUMBER_BYTES; i++) {
      const b = this.byte();
      n += (b & PAYLOAD) * scale;
      if (b < MORE) {
        if (!Number.isSafeInteger(n)) break;
        return n;
      }
      scale *= RADIX;
    }
    return this.fail("E8011", "a varint is too long or too large", start);
  }

  /** A zigzag varint that must be a safe integer (written by ByteSink.svarint). */
  svarint(): number {
    const start = this.pos;
    const v = this.s64();
    if (typeof v === "number") return v;
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : this.fail("E8011", "a signed varint is too large", start);
  }

  /**
   * A zigzag varint of a 64-bit value: a number when it is small (|v| < 2^48, the usual case:
   * deltas, sign-extended addresses), else a bigint in [-2^63, 2^63).
   */
  s64(): number | bigint {
    const buf = this.buf;
    const start = this.pos;
    let z = 0;
    let scale = 1;
    for (let i = 0; i < FAST_U64_BYTES; i++) {
      if (this.pos >= this.end) this.overrun();
      const b = buf[this.pos++]!;
      z += (b & PAYLOAD) * scale;
      if (b < MORE) return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      scale *= RADIX;
    }
    this.pos = start;
    return this.s64Big();
  }

  private s64Big(): bigint {
    const start = this.pos;
    let z = 0n;
    for (let i = 0; i < MAX_U64_BYTES; i++) {
      const b = this.byte();
      z |= BigInt(b & PAYLOAD) << BigInt(7 * i);
      if (b < MORE) {
        if (z >= TWO64) break;
        return (z >> 1n) ^ -(z & 1n);
      }
    }
    return this.fail("E8011", "a 64-bit varint is too long or too large", start);
  }

  /** A 64-bit value as the unsigned bigint the JSON reader gives. */
  u64(): bigint {
    const v = this.s64();
    return typeof v === "number" ? this.cachedU64(v) : toU64(v);
  }

  /** toU64 of a number, from the cache when it holds it. */
  cachedU64(v: number): bigint {
    const i = v & (U64_CACHE - 1);
    if (this.cacheKeys[i] === v) return this.cacheValues[i]!;
    const b = toU64(v);
    this.cacheKeys[i] = v;
    this.cacheValues[i] = b;
    return b;
  }

  /** `n` bytes as a WTF-8 string (./encodeString). */
  string(n: number): string {
    if (n > this.end - this.pos) this.overrun();
    const start = this.pos;
    const end = this.pos + n;
    const buf = this.buf;
    let s = "";
    let p = start;
    const bad = (): never => this.fail("E8011", "a string is not valid UTF-8", p);
    while (p < end) {
      const b = buf[p]!;
      let c: number;
      let len: number;
      if (b < 0x80) [c, len] = [b, 1];
      else if (b >= 0xc2 && b < 0xe0) [c, len] = [b & 0x1f, 2];
      else if (b >= 0xe0 && b < 0xf0) [c, len] = [b & 0x0f, 3];
      else if (b >= 0xf0 && b < 0xf5) [c, len] = [b & 0x07, 4];
      else return bad();
      if (p + len > end) bad();
      for (let k = 1; k < len; k++) {
        const cb = buf[p + k]!;
        if ((cb & 0xc0) !== 0x80) bad();
        c = (c << 6) | (cb & 0x3f);
      }
      // Overlong forms and values past U+10FFFF are not UTF-8.
      if ((len === 3 && c < 0x800) || (len === 4 && (c < 0x10000 || c > 0x10ffff))) bad();
      s += String.fromCodePoint(c);
      p += len;
    }
    this.pos = end;
    return s;
  }
}

/** A signed 64-bit value (number or bigint) as the unsigned bigint of its bits. */
export function toU64(v: number | bigint): bigint {
  if (typeof v === "number") return v >= 0 ? BigInt(v) : TWO64 + BigInt(v);
  return v >= 0n ? v : TWO64 + v;
}
