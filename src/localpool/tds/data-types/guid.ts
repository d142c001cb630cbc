import { TypeId } from '../protocol.js';
import { ValueError, type DataTypeCodec } from './codec.js';

/** Byte order of a GUID on the wire: the first three groups are little-endian. */
const ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

export function guidToBytes(text: string): Buffer {
  const hex = /^\{?([0-9a-fA-F]{8})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{4})-([0-9a-fA-F]{12})\}?$/.exec(text.trim());
  if (!hex) throw new ValueError(`Conversion failed when converting '${text}' to uniqueidentifier.`);
  const raw = Buffer.from(hex.slice(1).join(''), 'hex');
  const out = Buffer.allocUnsafe(16);
  ORDER.forEach((from, to) => (out[to] = raw[from]!));
  return out;
}

export function bytesToGuid(bytes: Buffer): string {
  const raw = Buffer.allocUnsafe(16);
  ORDER.forEach((from, to) => (raw[from] = bytes[to]!));
  const h = raw.toString('hex').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** uniqueidentifier: GUID on the wire; the engine sees the canonical upper-case text. */
export const guidCodec: DataTypeCodec = {
  names: ['uniqueidentifier'],
  lengthKind: () => 'byte',
  writeTypeInfo(w) {
    w.u8(TypeId.Guid).u8(16);
  },
  encode(_type, value) {
    if (typeof value !== 'string') throw new ValueError('A uniqueidentifier column received a value that is not text.');
    return guidToBytes(value);
  },
  decode(_info, bytes) {
    if (bytes.length !== 16) throw new ValueError(`A uniqueidentifier value is ${bytes.length} bytes long; it must be 16.`);
    return bytesToGuid(bytes);
  },
};
