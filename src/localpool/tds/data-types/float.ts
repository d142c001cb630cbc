import type { SqlValue } from '../../engine/api.js';
import { TypeId } from '../protocol.js';
import { ValueError, type DataTypeCodec } from './codec.js';

function toNumber(value: Exclude<SqlValue, null>, name: string): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  throw new ValueError(`A ${name} column received a value that is not a number.`);
}

/** real and float: FLTN on the wire. */
export const floatCodec: DataTypeCodec = {
  names: ['real', 'float'],
  lengthKind: () => 'byte',
  writeTypeInfo(w, type) {
    w.u8(TypeId.FltN).u8(type.name === 'real' ? 4 : 8);
  },
  encode(type, value) {
    const v = toNumber(value, type.name);
    if (!Number.isFinite(v)) throw new ValueError(`A ${type.name} column received ${v}; SQL has no infinities or NaN.`);
    const b = Buffer.allocUnsafe(type.name === 'real' ? 4 : 8);
    if (type.name === 'real') b.writeFloatLE(v);
    else b.writeDoubleLE(v);
    return b;
  },
  decode(_info, bytes) {
    if (bytes.length === 4) return bytes.readFloatLE(0);
    if (bytes.length === 8) return bytes.readDoubleLE(0);
    throw new ValueError(`A float value is ${bytes.length} bytes long; it must be 4 or 8.`);
  },
};
