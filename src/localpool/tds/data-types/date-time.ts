import type { PreciseDate, SqlValue, WireType } from '../../engine/api.js';
import { TypeId } from '../protocol.js';
import { ValueError, type DataTypeCodec, type TypeInfo } from './codec.js';

const MS_PER_DAY = 86_400_000;
/** Days from 0001-01-01 to 1970-01-01. */
const DAYS_0001_TO_1970 = 719_162;
/** Milliseconds from 1970-01-01 back to 1900-01-01. */
const MS_1900 = Date.UTC(1900, 0, 1);

function toDate(value: Exclude<SqlValue, null>, type: WireType): PreciseDate {
  if (value instanceof Date) return value;
  if (typeof value === 'string') {
    const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
    if (!Number.isNaN(d.getTime())) return d;
  }
  throw new ValueError(`A ${type.name} column received a value that is not a date.`);
}

function checkTime(d: Date, type: WireType): number {
  const ms = d.getTime();
  if (Number.isNaN(ms)) throw new ValueError(`A ${type.name} column received an invalid date.`);
  return ms;
}

/** Days since 0001-01-01 and 100-ns ticks since midnight of a (UTC) date. */
function split(d: PreciseDate, type: WireType): { days: number; ticks7: number } {
  const ms = checkTime(d, type);
  const dayMs = Math.floor(ms / MS_PER_DAY);
  const msOfDay = ms - dayMs * MS_PER_DAY;
  const extra = Math.round((d.nanosecondDelta ?? 0) * 1e7);
  const days = dayMs + DAYS_0001_TO_1970;
  if (days < 0 || days > 3_652_058) throw new ValueError(`A ${type.name} value is outside 0001-01-01 to 9999-12-31.`);
  return { days, ticks7: msOfDay * 10_000 + Math.min(Math.max(extra, 0), 9_999) };
}

export function timeLength(scale: number): number {
  return scale <= 2 ? 3 : scale <= 4 ? 4 : 5;
}

function makeDate(days: number, ticks7: number): PreciseDate {
  const d: PreciseDate = new Date((days - DAYS_0001_TO_1970) * MS_PER_DAY + Math.floor(ticks7 / 10_000));
  const rest = ticks7 % 10_000;
  Object.defineProperty(d, 'nanosecondDelta', { value: rest / 1e7, enumerable: false });
  return d;
}

/** date: DATEN on the wire (days since 0001-01-01, 3 bytes). */
export const dateCodec: DataTypeCodec = {
  names: ['date'],
  lengthKind: () => 'byte',
  writeTypeInfo(w) {
    w.u8(TypeId.DateN);
  },
  encode(type, value) {
    const b = Buffer.allocUnsafe(3);
    b.writeUIntLE(split(toDate(value, type), type).days, 0, 3);
    return b;
  },
  decode(_info, bytes) {
    if (bytes.length !== 3) throw new ValueError(`A date value is ${bytes.length} bytes long; it must be 3.`);
    return new Date((bytes.readUIntLE(0, 3) - DAYS_0001_TO_1970) * MS_PER_DAY);
  },
};

/** datetime2(n): DATETIME2N on the wire (time in 10^-n seconds, then days). */
export const datetime2Codec: DataTypeCodec = {
  names: ['datetime2'],
  lengthKind: () => 'byte',
  writeTypeInfo(w, type) {
    w.u8(TypeId.DateTime2N).u8(type.scale ?? 7);
  },
  encode(type, value) {
    const scale = type.scale ?? 7;
    const parts = split(toDate(value, type), type);
    let days = parts.days;
    const ticks7 = parts.ticks7;
    const div = 10 ** (7 - scale);
    let ticks = Math.round(ticks7 / div);
    if (ticks * div >= MS_PER_DAY * 10_000) {
      days += 1;
      ticks = 0;
    }
    const n = timeLength(scale);
    const b = Buffer.allocUnsafe(n + 3);
    b.writeUIntLE(ticks, 0, n);
    b.writeUIntLE(days, n, 3);
    return b;
  },
  decode(info: TypeInfo, bytes: Buffer): SqlValue {
    const scale = info.type.scale ?? 7;
    const n = timeLength(scale);
    if (bytes.length !== n + 3) throw new ValueError(`A datetime2(${scale}) value is ${bytes.length} bytes long; it must be ${n + 3}.`);
    const ticks7 = bytes.readUIntLE(0, n) * 10 ** (7 - scale);
    return makeDate(bytes.readUIntLE(n, 3), ticks7);
  },
};

/** datetime: DATETIMN on the wire (days since 1900-01-01, 1/300 s since midnight). */
export const datetimeCodec: DataTypeCodec = {
  names: ['datetime'],
  lengthKind: () => 'byte',
  writeTypeInfo(w) {
    w.u8(TypeId.DateTimeN).u8(8);
  },
  encode(type, value) {
    const ms = checkTime(toDate(value, type), type) - MS_1900;
    let days = Math.floor(ms / MS_PER_DAY);
    let ticks = Math.round(((ms - days * MS_PER_DAY) * 300) / 1000);
    if (ticks >= 300 * 86_400) {
      days += 1;
      ticks = 0;
    }
    const b = Buffer.allocUnsafe(8);
    b.writeInt32LE(days, 0);
    b.writeUInt32LE(ticks, 4);
    return b;
  },
  decode(_info, bytes) {
    if (bytes.length === 4) {
      return new Date(MS_1900 + bytes.readUInt16LE(0) * MS_PER_DAY + bytes.readUInt16LE(2) * 60_000);
    }
    if (bytes.length !== 8) throw new ValueError(`A datetime value is ${bytes.length} bytes long; it must be 8.`);
    return new Date(MS_1900 + bytes.readInt32LE(0) * MS_PER_DAY + Math.round((bytes.readUInt32LE(4) * 1000) / 300));
  },
};

/**
 * A date or datetime2 value as the text SQL Server sends clients older than TDS 7.3, which have no
 * date types: 'yyyy-mm-dd' for date, 'yyyy-mm-dd hh:mm:ss[.fffffff]' (scale digits) for datetime2.
 */
export function formatDateText(type: WireType, value: Exclude<SqlValue, null>): string {
  const parts = split(toDate(value, type), type);
  let days = parts.days;
  let ticks7 = parts.ticks7;
  const scale = type.name === 'date' ? 0 : (type.scale ?? 7);
  const div = 10 ** (7 - scale);
  ticks7 = Math.round(ticks7 / div) * div;
  if (ticks7 >= MS_PER_DAY * 10_000) {
    days += 1;
    ticks7 = 0;
  }
  const date = new Date((days - DAYS_0001_TO_1970) * MS_PER_DAY).toISOString().slice(0, 10);
  if (type.name === 'date') return date;
  const seconds = Math.floor(ticks7 / 10_000_000);
  const hms = [Math.floor(seconds / 3600), Math.floor(seconds / 60) % 60, seconds % 60].map((n) => String(n).padStart(2, '0')).join(':');
  const fraction =
    scale > 0
      ? `.${String(ticks7 % 10_000_000)
          .padStart(7, '0')
          .slice(0, scale)}`
      : '';
  return `${date} ${hms}${fraction}`;
}

/** The length in characters of formatDateText's result for `type`. */
export function dateTextLength(type: WireType): number {
  if (type.name === 'date') return 10;
  const scale = type.scale ?? 7;
  return scale > 0 ? 20 + scale : 19;
}
