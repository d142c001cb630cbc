import type { SqlValue, WireType } from '../../engine/api.js';
import { TypeId } from '../protocol.js';
import type { WireWriter } from '../wire-writer.js';
import { ValueError, type DataTypeCodec, type TypeInfo } from './codec.js';

const SIZES = { tinyint: 1, smallint: 2, int: 4, bigint: 8 } as const;
type IntName = keyof typeof SIZES;

function toBigInt(value: Exclude<SqlValue, null>, type: WireType): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return BigInt(Math.trunc(value));
  if (typeof value === 'boolean') return value ? 1n : 0n;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return BigInt(value.trim());
  throw new ValueError(`A ${type.name} column received ${typeof value === 'object' ? 'a non-numeric value' : JSON.stringify(String(value))}.`);
}

const RANGES: Record<IntName, [bigint, bigint]> = {
  tinyint: [0n, 255n],
  smallint: [-32768n, 32767n],
  int: [-2147483648n, 2147483647n],
  bigint: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** tinyint, smallint, int, bigint: INTN on the wire. */
export const integerCodec: DataTypeCodec = {
  names: ['tinyint', 'smallint', 'int', 'bigint'],
  lengthKind: () => 'byte',
  writeTypeInfo(w: WireWriter, type: WireType): void {
    w.u8(TypeId.IntN).u8(SIZES[type.name as IntName]);
  },
  encode(type, value) {
    const name = type.name as IntName;
    const v = toBigInt(value, type);
    const [lo, hi] = RANGES[name];
    if (v < lo || v > hi) throw new ValueError(`Arithmetic overflow converting ${v} to data type ${name}.`);
    const b = Buffer.allocUnsafe(SIZES[name]);
    if (name === 'tinyint') b.writeUInt8(Number(v));
    else if (name === 'smallint') b.writeInt16LE(Number(v));
    else if (name === 'int') b.writeInt32LE(Number(v));
    else b.writeBigInt64LE(v);
    return b;
  },
  decode(_info: TypeInfo, bytes: Buffer): SqlValue {
    switch (bytes.length) {
      case 1:
        return bytes.readUInt8(0);
      case 2:
        return bytes.readInt16LE(0);
      case 4:
        return bytes.readInt32LE(0);
      case 8:
        return bytes.readBigInt64LE(0);
      default:
        throw new ValueError(`An integer value is ${bytes.length} bytes long; it must be 1, 2, 4 or 8.`);
    }
  },
};

/** bit: BITN on the wire. */
export const bitCodec: DataTypeCodec = {
  names: ['bit'],
  lengthKind: () => 'byte',
  writeTypeInfo(w) {
    w.u8(TypeId.BitN).u8(1);
  },
  encode(_type, value) {
    return Buffer.from([value === true || (typeof value === 'number' && value !== 0) || value === 1n ? 1 : 0]);
  },
  decode(_info, bytes) {
    if (bytes.length !== 1) throw new ValueError(`A bit value is ${bytes.length} bytes long; it must be 1.`);
    return bytes[0] !== 0;
  },
};

/** Fixed-length integer ids a client may use instead of INTN. */
export const FIXED_INTEGERS: Record<number, { name: WireType['name']; length: number }> = {
  [TypeId.Int1]: { name: 'tinyint', length: 1 },
  [TypeId.Int2]: { name: 'smallint', length: 2 },
  [TypeId.Int4]: { name: 'int', length: 4 },
  [TypeId.Int8]: { name: 'bigint', length: 8 },
  [TypeId.Bit]: { name: 'bit', length: 1 },
};
