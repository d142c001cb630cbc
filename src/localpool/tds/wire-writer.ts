/** A growable little-endian byte builder for tokens and payloads. */
export class WireWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  u8(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
    return this;
  }

  u16(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16LE(v, this.pos);
    this.pos += 2;
    return this;
  }

  u16be(v: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
    return this;
  }

  u32(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  u32be(v: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  i32(v: number): this {
    this.ensure(4);
    this.buf.writeInt32LE(v, this.pos);
    this.pos += 4;
    return this;
  }

  u64(v: bigint | number): this {
    this.ensure(8);
    this.buf.writeBigUInt64LE(BigInt(v), this.pos);
    this.pos += 8;
    return this;
  }

  i64(v: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64LE(v, this.pos);
    this.pos += 8;
    return this;
  }

  f32(v: number): this {
    this.ensure(4);
    this.buf.writeFloatLE(v, this.pos);
    this.pos += 4;
    return this;
  }

  f64(v: number): this {
    this.ensure(8);
    this.buf.writeDoubleLE(v, this.pos);
    this.pos += 8;
    return this;
  }

  /** An unsigned little-endian integer of `bytes` bytes (up to 6). */
  uintLE(v: number, bytes: number): this {
    this.ensure(bytes);
    this.buf.writeUIntLE(v, this.pos, bytes);
    this.pos += bytes;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** UTF-16LE text with no length prefix. */
  ucs2(s: string): this {
    const n = s.length * 2;
    this.ensure(n);
    this.buf.write(s, this.pos, n, 'utf16le');
    this.pos += n;
    return this;
  }

  /** B_VARCHAR: a character count in one byte, then UTF-16LE. Longer text is cut to 255 characters. */
  bVarchar(s: string): this {
    const text = s.length > 255 ? s.slice(0, 255) : s;
    return this.u8(text.length).ucs2(text);
  }

  /** US_VARCHAR: a character count in two bytes, then UTF-16LE. */
  usVarchar(s: string): this {
    const text = s.length > 0xffff ? s.slice(0, 0xffff) : s;
    return this.u16(text.length).ucs2(text);
  }

  /** B_VARBYTE: a byte count in one byte, then the bytes. */
  bVarbyte(b: Uint8Array): this {
    return this.u8(b.length).bytes(b);
  }

  /** Overwrites a 16-bit length at `offset` (for tokens whose length precedes their body). */
  patchU16(offset: number, v: number): this {
    this.buf.writeUInt16LE(v, offset);
    return this;
  }

  /**
   * Makes room for `n` more bytes and returns the buffer to write them into, from `length` on;
   * `advance` then says where the writing ended. The buffer is valid until the next write.
   */
  reserve(n: number): Buffer {
    this.ensure(n);
    return this.buf;
  }

  /** Moves the end to `position` after writing into the buffer `reserve` returned. */
  advance(position: number): void {
    this.pos = position;
  }

  /** The bytes written so far (a view, valid until the next write). */
  view(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  /** A copy of the bytes written so far. */
  toBuffer(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.pos));
  }

  reset(): void {
    this.pos = 0;
  }

  /** Drops everything written after `length` bytes (undoes a half-written token). */
  truncate(length: number): void {
    if (length < this.pos) this.pos = length;
  }
}
