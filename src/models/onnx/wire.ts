/**
 * Protocol Buffers wire format, the small part ONNX files need: a writer that builds messages
 * into one growing buffer (fast enough for a 100 MB tree ensemble) and a reader that walks fields
 * without decoding what it does not need (so reading a big model's inputs skips its nodes).
 */

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const utf8 = new TextEncoder();

/** Appends protobuf fields to a growing byte buffer. */
export class ProtoWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialSize = 256) {
    this.buf = new Uint8Array(initialSize);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Writes an unsigned varint (up to 2^53; negative numbers as 64-bit two's complement). */
  varint(value: number): this {
    this.ensure(10);
    if (value < 0) return this.negativeVarint(value);
    if (!Number.isSafeInteger(value)) throw new RangeError(`varint out of range: ${value}`);
    while (value >= 0x80) {
      this.buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.pos++] = value;
    return this;
  }

  private negativeVarint(value: number): this {
    let v = BigInt.asUintN(64, BigInt(value));
    for (let i = 0; i < 9; i++) {
      this.buf[this.pos++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.pos++] = Number(v);
    return this;
  }

  tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  int(field: number, value: number): this {
    return this.tag(field, WIRE_VARINT).varint(value);
  }

  float(field: number, value: number): this {
    this.tag(field, WIRE_FIXED32);
    this.ensure(4);
    this.view.setFloat32(this.pos, value, true);
    this.pos += 4;
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, WIRE_LEN).varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  /** Appends bytes that are already encoded fields (copied from another message). */
  raw(value: Uint8Array): this {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  /** Writes a length-delimited sub-message built by `build` in place (length fixed up afterwards). */
  message(field: number, build: (w: ProtoWriter) => void): this {
    this.tag(field, WIRE_LEN);
    // Reserve 5 bytes for the length (enough for 2^35 - 1), then move the body if it is shorter.
    this.ensure(5);
    const lenPos = this.pos;
    this.pos += 5;
    const start = this.pos;
    build(this);
    const bodyLen = this.pos - start;
    const lenBytes = varintBytes(bodyLen);
    if (lenBytes.length !== 5) {
      this.buf.copyWithin(lenPos + lenBytes.length, start, this.pos);
      this.pos -= 5 - lenBytes.length;
    }
    this.buf.set(lenBytes, lenPos);
    return this;
  }

  packedVarints(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    return this.message(field, (w) => {
      for (let i = 0; i < values.length; i++) w.varint(values[i]!);
    });
  }

  packedFloats(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    this.tag(field, WIRE_LEN).varint(values.length * 4);
    this.ensure(values.length * 4);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat32(this.pos, values[i]!, true);
      this.pos += 4;
    }
    return this;
  }

  packedDoubles(field: number, values: ArrayLike<number>): this {
    if (values.length === 0) return this;
    this.tag(field, WIRE_LEN).varint(values.length * 8);
    this.ensure(values.length * 8);
    for (let i = 0; i < values.length; i++) {
      this.view.setFloat64(this.pos, values[i]!, true);
      this.pos += 8;
    }
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

function varintBytes(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
  return out;
}

/** A field as the reader sees it: number, wire type, and its value or byte range. */
export interface ProtoField {
  field: number;
  wire: number;
  /** For varints: the value (exact up to 2^53). */
  value: number;
  /** For length-delimited fields: the bytes. */
  start: number;
  end: number;
}

/** Thrown for bytes that do not follow the protobuf wire format; `message` is a short reason. */
export class WireFormatError extends Error {}

/** Walks the fields of one message in `bytes[start, end)`. */
export function* readFields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<ProtoField> {
  let pos = start;
  const readVarint = (what: string): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new WireFormatError(`the data ends inside ${what}`);
      const b = bytes[pos++]!;
      result += (b & 0x7f) * mul;
      mul *= 128;
      if ((b & 0x80) === 0) return result;
    }
    throw new WireFormatError(`a variable-length integer in ${what} is longer than 10 bytes`);
  };
  while (pos < end) {
    const at = pos;
    const key = readVarint(`a field key at byte ${at}`);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (field === 0) throw new WireFormatError(`field number 0 at byte ${at}`);
    switch (wire) {
      case WIRE_VARINT: {
        const value = readVarint(`field ${field} at byte ${at}`);
        yield { field, wire, value, start: at, end: pos };
        break;
      }
      case WIRE_FIXED64:
        if (pos + 8 > end) throw new WireFormatError(`the data ends inside field ${field} at byte ${at}`);
        yield { field, wire, value: 0, start: pos, end: pos + 8 };
        pos += 8;
        break;
      case WIRE_FIXED32:
        if (pos + 4 > end) throw new WireFormatError(`the data ends inside field ${field} at byte ${at}`);
        yield { field, wire, value: 0, start: pos, end: pos + 4 };
        pos += 4;
        break;
      case WIRE_LEN: {
        const len = readVarint(`the length of field ${field} at byte ${at}`);
        if (pos + len > end) {
          throw new WireFormatError(`field ${field} at byte ${at} claims ${len} bytes but only ${end - pos} remain`);
        }
        yield { field, wire, value: len, start: pos, end: pos + len };
        pos += len;
        break;
      }
      default:
        throw new WireFormatError(`unsupported wire type ${wire} for field ${field} at byte ${at}`);
    }
  }
}

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

export function fieldString(bytes: Uint8Array, f: ProtoField): string {
  try {
    return utf8Decoder.decode(bytes.subarray(f.start, f.end));
  } catch {
    throw new WireFormatError(`field ${f.field} is not valid UTF-8 text`);
  }
}

/** Varints read as int64 (values ≥ 2^63 are negative numbers). */
export function signedVarint(value: number): number {
  return value >= 2 ** 63 ? value - 2 ** 64 : value;
}
