import type { RawLayout, WireType } from '../../engine/api.js';
import { ValueError } from './codec.js';
import { timeLength } from './date-time.js';
import { decimalSize } from './decimal.js';

/**
 * Writes the non-NULL item `i` of a fixed-width column, with its length byte, into `buf` at `pos`
 * (which has room for `maxBytes`), and returns where it ended. Items are read byte by byte from the
 * engine's memory and written in the TDS form of the column's type, with no value built in between.
 */
export type CellWriter = (buf: Buffer, pos: number, i: number) => number;

export interface RawCells {
  readonly maxBytes: number;
  readonly write: CellWriter;
}

/** Days from 0001-01-01 to 1970-01-01. */
const DAYS_0001_TO_1970 = 719_162;
const MAX_DAYS = 3_652_058;
const US_PER_DAY = 86_400_000_000;
const TICKS7_PER_DAY = 864_000_000_000;

function copier(bytes: Uint8Array, width: number): RawCells {
  return {
    maxBytes: width + 1,
    write(buf, pos, i) {
      buf[pos] = width;
      const o = i * width;
      for (let k = 0; k < width; k++) buf[pos + 1 + k] = bytes[o + k]!;
      return pos + 1 + width;
    },
  };
}

function floats(bytes: Uint8Array, width: 4 | 8, type: WireType): RawCells {
  const copy = copier(bytes, width).write;
  return {
    maxBytes: width + 1,
    write(buf, pos, i) {
      // All exponent bits set: an infinity or NaN, which SQL cannot hold.
      const top = i * width + width - 1;
      const infinite =
        width === 4 ? (bytes[top]! & 0x7f) === 0x7f && (bytes[top - 1]! & 0x80) === 0x80 : (bytes[top]! & 0x7f) === 0x7f && (bytes[top - 1]! & 0xf0) === 0xf0;
      if (infinite) throw new ValueError(`A ${type.name} column received an infinity or NaN; SQL has neither.`);
      return copy(buf, pos, i);
    },
  };
}

/** DuckDB's scaled two's-complement integer as DECIMALN: a sign byte, then the magnitude in `size - 1` bytes. */
function decimals(bytes: Uint8Array, width: number, type: WireType): RawCells {
  const size = decimalSize(type.precision ?? 18);
  const magnitudeBytes = size - 1;
  const take = Math.min(width, magnitudeBytes);
  return {
    maxBytes: size + 1,
    write(buf, pos, i) {
      const o = i * width;
      buf[pos] = size;
      const negative = (bytes[o + width - 1]! & 0x80) !== 0;
      buf[pos + 1] = negative ? 0 : 1;
      const at = pos + 2;
      if (!negative) {
        for (let k = 0; k < take; k++) buf[at + k] = bytes[o + k]!;
      } else {
        let carry = 1;
        for (let k = 0; k < take; k++) {
          const v = (~bytes[o + k]! & 0xff) + carry;
          buf[at + k] = v & 0xff;
          carry = v >> 8;
        }
      }
      for (let k = take; k < magnitudeBytes; k++) buf[at + k] = 0;
      return pos + 1 + size;
    },
  };
}

function dates(bytes: Uint8Array, type: WireType): RawCells {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    maxBytes: 4,
    write(buf, pos, i) {
      const days = view.readInt32LE(i * 4) + DAYS_0001_TO_1970;
      if (days < 0 || days > MAX_DAYS) throw new ValueError(`A ${type.name} value is outside 0001-01-01 to 9999-12-31.`);
      buf[pos] = 3;
      buf[pos + 1] = days & 0xff;
      buf[pos + 2] = (days >> 8) & 0xff;
      buf[pos + 3] = (days >> 16) & 0xff;
      return pos + 4;
    },
  };
}

/** TIMESTAMP (microseconds since 1970) as DATETIME2N of the column's scale: time of day in 10^-scale s, then days. */
function timestamps(bytes: Uint8Array, type: WireType): RawCells {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const scale = type.scale ?? 7;
  const div = 10 ** (7 - scale);
  const n = timeLength(scale);
  return {
    maxBytes: n + 4,
    write(buf, pos, i) {
      const hi = view.readInt32LE(i * 8 + 4);
      let days: number;
      let usOfDay: number;
      if (hi > -0x100000 && hi < 0x100000) {
        // Within 2^52 microseconds of 1970 (years 1827-2112): exact in a double.
        const us = hi * 4294967296 + view.readUInt32LE(i * 8);
        days = Math.floor(us / US_PER_DAY);
        usOfDay = us - days * US_PER_DAY;
      } else {
        const us = view.readBigInt64LE(i * 8);
        const d = us / 86_400_000_000n - (us % 86_400_000_000n < 0n ? 1n : 0n);
        days = Number(d);
        usOfDay = Number(us - d * 86_400_000_000n);
      }
      let ticks = Math.round((usOfDay * 10) / div);
      if (ticks * div >= TICKS7_PER_DAY) {
        days += 1;
        ticks = 0;
      }
      days += DAYS_0001_TO_1970;
      if (days < 0 || days > MAX_DAYS) throw new ValueError(`A ${type.name} value is outside 0001-01-01 to 9999-12-31.`);
      buf[pos] = n + 3;
      let p = pos + 1;
      for (let k = 0; k < n; k++) {
        buf[p++] = ticks % 256;
        ticks = Math.floor(ticks / 256);
      }
      buf[p++] = days & 0xff;
      buf[p++] = (days >> 8) & 0xff;
      buf[p++] = (days >> 16) & 0xff;
      return p;
    },
  };
}

/** The writer of a fixed-width column sent as `type` (its own TDS form), or undefined when there is none. */
export function rawCells(layout: RawLayout, bytes: Uint8Array, type: WireType): RawCells | undefined {
  switch (layout) {
    case 'bool':
      return {
        maxBytes: 2,
        write(buf, pos, i) {
          buf[pos] = 1;
          buf[pos + 1] = bytes[i] ? 1 : 0;
          return pos + 2;
        },
      };
    case 'u8':
      return copier(bytes, 1);
    case 'i16':
      return copier(bytes, 2);
    case 'i32':
      return copier(bytes, 4);
    case 'i64':
      return copier(bytes, 8);
    case 'f32':
      return floats(bytes, 4, type);
    case 'f64':
      return floats(bytes, 8, type);
    case 'dec16':
      return decimals(bytes, 2, type);
    case 'dec32':
      return decimals(bytes, 4, type);
    case 'dec64':
      return decimals(bytes, 8, type);
    case 'dec128':
      return decimals(bytes, 16, type);
    case 'date':
      return type.name === 'date' ? dates(bytes, type) : undefined;
    case 'timestamp':
      return type.name === 'datetime2' ? timestamps(bytes, type) : undefined;
  }
}
