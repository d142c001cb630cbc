/**
 * Bulk load values: how a value a client sends in a TDS bulk load (typed by its COLMETADATA) becomes
 * the DuckDB value of the table column it goes into (typed by the column's declared T-SQL type).
 * Which pairs of types convert at all is decided once per load (`converterFor`); each value is then
 * converted, checked against the column's range and length, or refused with the kind of failure
 * SQL Server's bulk load errors name (type mismatch, overflow, truncation).
 */
import type * as Duck from '@duckdb/node-api';
import type { PreciseDate, SqlValue, WireType } from './api.js';
import type { TypeSpec } from './ast.js';

/** Why one value could not be stored; the loader adds the row and column. */
export class BulkValueError extends Error {
  constructor(
    readonly kind: 'mismatch' | 'overflow' | 'truncation',
    message: string,
  ) {
    super(message);
    this.name = 'BulkValueError';
  }
}

export type DuckModule = typeof Duck;
export type Converter = (v: Exclude<SqlValue, null>) => Duck.DuckDBValue;

type Family = 'bit' | 'integer' | 'float' | 'decimal' | 'text' | 'binary' | 'date' | 'datetime' | 'time' | 'guid' | 'other';

function familyOf(name: string): Family {
  switch (name) {
    case 'bit':
      return 'bit';
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
      return 'integer';
    case 'real':
    case 'float':
      return 'float';
    case 'decimal':
    case 'numeric':
    case 'money':
    case 'smallmoney':
      return 'decimal';
    case 'char':
    case 'varchar':
    case 'nchar':
    case 'nvarchar':
    case 'text':
    case 'ntext':
    case 'sysname':
    case 'xml':
      return 'text';
    case 'binary':
    case 'varbinary':
    case 'image':
      return 'binary';
    case 'date':
      return 'date';
    case 'datetime':
    case 'datetime2':
    case 'smalldatetime':
    case 'datetimeoffset':
      return 'datetime';
    case 'time':
      return 'time';
    case 'uniqueidentifier':
      return 'guid';
    default:
      return 'other';
  }
}

const NUMERIC: readonly Family[] = ['bit', 'integer', 'float', 'decimal'];

/** Which client types a column of each family accepts. */
const ACCEPTS: Record<Family, readonly Family[]> = {
  bit: [...NUMERIC, 'text'],
  integer: [...NUMERIC, 'text'],
  float: [...NUMERIC, 'text'],
  decimal: [...NUMERIC, 'text'],
  text: [...NUMERIC, 'text', 'date', 'datetime', 'guid'],
  binary: ['binary'],
  date: ['date', 'datetime', 'text'],
  datetime: ['date', 'datetime', 'text'],
  time: ['datetime', 'text'],
  guid: ['guid', 'text'],
  other: [],
};

const INTEGER_RANGE: Record<string, [bigint, bigint]> = {
  tinyint: [0n, 255n],
  smallint: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};

const MS_PER_DAY = 86_400_000;
/** datetime's first day, 1753-01-01, and smalldatetime's range, in ms since 1970. */
const DATETIME_MIN = Date.UTC(1753, 0, 1);
const SMALLDATETIME_MIN = Date.UTC(1900, 0, 1);
const SMALLDATETIME_MAX = Date.UTC(2079, 5, 6, 23, 59, 59);
const YEAR_10000 = Date.UTC(10000, 0, 1);

function mismatch(text: string): never {
  throw new BulkValueError('mismatch', text);
}
function overflow(text: string): never {
  throw new BulkValueError('overflow', text);
}

/** Decimal text (or a JS number's text, exponent allowed) scaled to `scale` digits, rounding half away from zero. */
export function scaleDecimal(text: string, scale: number): bigint {
  const m = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) mismatch(`'${text}' is not a number`);
  let digits = (m[2] ?? '') + (m[3] ?? '');
  let fraction = (m[3] ?? '').length - Number(m[4] ?? 0);
  if (fraction < 0) {
    digits += '0'.repeat(-fraction);
    fraction = 0;
  }
  let magnitude = BigInt(digits || '0');
  if (fraction > scale) {
    const div = 10n ** BigInt(fraction - scale);
    const q = magnitude / div;
    magnitude = (magnitude % div) * 2n >= div ? q + 1n : q;
  } else if (fraction < scale) {
    magnitude *= 10n ** BigInt(scale - fraction);
  }
  return m[1] === '-' ? -magnitude : magnitude;
}

function numberText(v: Exclude<SqlValue, null>): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) overflow(`${v} is not a finite number`);
    return String(v);
  }
  if (typeof v === 'bigint' || typeof v === 'string') return String(v);
  return mismatch('the value is not a number');
}

function toInteger(v: Exclude<SqlValue, null>, sourceIsDecimal: boolean): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) overflow(`${v} is not a finite number`);
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string') {
    if (/^\s*[+-]?\d+\s*$/.test(v)) return BigInt(v.trim());
    // A decimal value converts to an integer by truncation, as CONVERT does; text must be an integer.
    if (sourceIsDecimal) return scaleDecimal(v, 0) - roundingCarry(v);
    mismatch(`'${v}' is not an integer`);
  }
  return mismatch('the value is not a number');
}

/** scaleDecimal rounds; integer conversion truncates: the one unit rounding added, if any. */
function roundingCarry(text: string): bigint {
  const rounded = scaleDecimal(text, 0);
  const exact = scaleDecimal(text, 12);
  const diff = rounded * 10n ** 12n - exact;
  if (rounded > 0n && diff > 0n) return 1n;
  if (rounded < 0n && diff < 0n) return -1n;
  return 0n;
}

function toBoolean(v: Exclude<SqlValue, null>): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
    if (/^[+-]?\d+(\.\d*)?$/.test(t)) return Number(t) !== 0;
  }
  return mismatch(`'${String(v)}' is not a bit value`);
}

/** Milliseconds since 1970 and the 100-ns ticks below the millisecond of a date, date-time or text. */
function toInstant(v: Exclude<SqlValue, null>): { ms: number; ticks: number } {
  if (v instanceof Date) {
    const ms = v.getTime();
    if (Number.isNaN(ms)) mismatch('the date is not valid');
    const delta = (v as PreciseDate).nanosecondDelta ?? 0;
    return { ms, ticks: Math.min(Math.max(Math.round(delta * 1e7), 0), 9_999) };
  }
  if (typeof v !== 'string') mismatch('the value is not a date');
  const m = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?\s*(Z|[+-]\d{2}:\d{2})?\s*$/i.exec(v);
  if (!m) mismatch(`'${v}' is not a date`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const fraction = (m[7] ?? '').padEnd(7, '0');
  // setUTCFullYear, unlike Date.UTC, keeps years 1-99 as they are.
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Number(fraction.slice(0, 3)));
  if (year < 1 || d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) mismatch(`'${v}' is not a valid date`);
  const ms = d.getTime();
  const offset = m[8] && m[8].toUpperCase() !== 'Z' ? (m[8][0] === '-' ? -1 : 1) * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6))) : 0;
  return { ms: ms - offset * 60_000, ticks: Number(fraction.slice(3)) };
}

function checkLength(actual: number, declared: number | 'max' | undefined, what: string): void {
  if (typeof declared === 'number' && actual > declared) {
    throw new BulkValueError('truncation', `${actual} ${what} do not fit in ${declared}`);
  }
}

function toText(v: Exclude<SqlValue, null>): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) {
    const iso = v.toISOString();
    return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  }
  return mismatch('binary data is not text');
}

/**
 * The converter for values of the client's type `source` going into a column declared `target`,
 * or undefined when no value of that type can go into such a column.
 */
export function converterFor(duck: DuckModule, source: WireType, target: TypeSpec): Converter | undefined {
  const from = familyOf(source.name);
  const to = familyOf(target.name);
  if (!ACCEPTS[to].includes(from)) return undefined;
  const fromDecimal = from === 'decimal';
  switch (to) {
    case 'bit':
      return toBoolean;
    case 'integer': {
      const [lo, hi] = INTEGER_RANGE[target.name]!;
      const big = target.name === 'bigint';
      return (v) => {
        const n = toInteger(v, fromDecimal);
        if (n < lo || n > hi) overflow(`${n} is outside the range of ${target.name}`);
        return big ? n : Number(n);
      };
    }
    case 'float': {
      const real = target.name === 'real';
      return (v) => {
        const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'boolean' ? Number(v) : Number(numberText(v).trim() || 'x');
        if (Number.isNaN(n)) mismatch(`'${String(v)}' is not a number`);
        if (!Number.isFinite(n) || (real && Math.abs(n) > 3.4028234663852886e38)) overflow(`${String(v)} is outside the range of ${target.name}`);
        return n;
      };
    }
    case 'decimal': {
      const precision = target.name === 'money' ? 19 : target.name === 'smallmoney' ? 10 : (target.precision ?? 18);
      const scale = target.name === 'money' || target.name === 'smallmoney' ? 4 : (target.scale ?? 0);
      const limit = 10n ** BigInt(precision);
      return (v) => {
        const scaled = scaleDecimal(numberText(v), scale);
        if (scaled >= limit || -scaled >= limit) overflow(`${numberText(v)} does not fit in ${target.name}(${precision},${scale})`);
        return new duck.DuckDBDecimalValue(scaled, precision, scale);
      };
    }
    case 'text':
      return (v) => {
        const text = toText(v);
        checkLength(text.length, target.length, 'characters');
        return text;
      };
    case 'binary':
      return (v) => {
        if (!(v instanceof Uint8Array)) mismatch('the value is not binary');
        checkLength(v.length, target.length, 'bytes');
        return new duck.DuckDBBlobValue(v);
      };
    case 'date':
      return (v) => {
        const { ms } = toInstant(v);
        if (ms >= YEAR_10000) overflow('the date is after 9999-12-31');
        return new duck.DuckDBDateValue(Math.floor(ms / MS_PER_DAY));
      };
    case 'datetime': {
      const min = target.name === 'datetime' ? DATETIME_MIN : target.name === 'smalldatetime' ? SMALLDATETIME_MIN : -Infinity;
      const max = target.name === 'smalldatetime' ? SMALLDATETIME_MAX : YEAR_10000 - 1;
      return (v) => {
        const { ms, ticks } = toInstant(v);
        if (ms < min || ms > max) overflow(`${new Date(ms).toISOString()} is outside the range of ${target.name}`);
        return new duck.DuckDBTimestampValue(BigInt(ms) * 1000n + BigInt(Math.round(ticks / 10)));
      };
    }
    case 'time':
      return (v) => {
        const text = typeof v === 'string' && /^\s*\d{1,2}:\d{2}/.test(v) ? `1970-01-01 ${v.trim()}` : v;
        const { ms, ticks } = toInstant(text);
        const ofDay = ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
        return new duck.DuckDBTimeValue(BigInt(ofDay) * 1000n + BigInt(Math.round(ticks / 10)));
      };
    case 'guid':
      return (v) => {
        const m = typeof v === 'string' ? /^\s*\{?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})\}?\s*$/i.exec(v) : null;
        if (!m) mismatch(`'${String(v)}' is not a uniqueidentifier`);
        return duck.DuckDBUUIDValue.fromUint128(BigInt(`0x${m.slice(1).join('')}`));
      };
    default:
      return undefined;
  }
}
