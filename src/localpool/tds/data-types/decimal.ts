import type { SqlValue, WireType } from '../../engine/api.js';
import { TypeId } from '../protocol.js';
import { ValueError, type DataTypeCodec, type TypeInfo } from './codec.js';

/** The value size in bytes (sign byte included) for a precision. */
export function decimalSize(precision: number): number {
  if (precision <= 9) return 5;
  if (precision <= 19) return 9;
  if (precision <= 28) return 13;
  return 17;
}

function precisionOf(type: WireType): number {
  return type.precision ?? 18;
}

/** Scales decimal text to an integer of `scale` fractional digits, rounding half away from zero. */
export function parseDecimal(text: string, scale: number): bigint {
  const m = /^\s*([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new ValueError(`'${text}' is not a decimal number.`);
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
    const r = magnitude % div;
    magnitude = r * 2n >= div ? q + 1n : q;
  } else if (fraction < scale) {
    magnitude *= 10n ** BigInt(scale - fraction);
  }
  return m[1] === '-' ? -magnitude : magnitude;
}

/** An integer of `scale` fractional digits as decimal text ("-12.3400"). */
export function formatDecimal(scaled: bigint, scale: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

/** decimal and numeric: DECIMALN / NUMERICN on the wire; values cross the engine boundary as exact text. */
export const decimalCodec: DataTypeCodec = {
  names: ['decimal', 'numeric'],
  lengthKind: () => 'byte',
  writeTypeInfo(w, type) {
    const precision = precisionOf(type);
    w.u8(type.name === 'numeric' ? TypeId.NumericN : TypeId.DecimalN)
      .u8(decimalSize(precision))
      .u8(precision)
      .u8(type.scale ?? 0);
  },
  encode(type, value) {
    const precision = precisionOf(type);
    const scale = type.scale ?? 0;
    const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : '';
    if (text === '') throw new ValueError(`A ${type.name} column received a value that is not a number.`);
    const scaled = parseDecimal(text, scale);
    const magnitude = scaled < 0n ? -scaled : scaled;
    if (magnitude >= 10n ** BigInt(precision)) {
      throw new ValueError(`Arithmetic overflow error converting ${text} to data type ${type.name}(${precision},${scale}).`);
    }
    const size = decimalSize(precision);
    const b = Buffer.alloc(size);
    b[0] = scaled < 0n ? 0 : 1;
    let rest = magnitude;
    for (let i = 1; i < size; i++) {
      b[i] = Number(rest & 0xffn);
      rest >>= 8n;
    }
    return b;
  },
  decode(info: TypeInfo, bytes: Buffer): SqlValue {
    if (bytes.length < 2 || bytes.length > 17) throw new ValueError(`A decimal value is ${bytes.length} bytes long.`);
    let magnitude = 0n;
    for (let i = bytes.length - 1; i >= 1; i--) magnitude = (magnitude << 8n) | BigInt(bytes[i]!);
    return formatDecimal(bytes[0] === 0 ? -magnitude : magnitude, info.type.scale ?? 0);
  },
};
