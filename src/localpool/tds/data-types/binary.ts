import type { WireType } from '../../engine/api.js';
import { MAX_LENGTH, TypeId } from '../protocol.js';
import { ValueError, type DataTypeCodec } from './codec.js';

function isMax(type: WireType): boolean {
  return type.length === 'max' || type.length === undefined || (typeof type.length === 'number' && type.length > 8000);
}

/** binary, varbinary. */
export const binaryCodec: DataTypeCodec = {
  names: ['binary', 'varbinary'],
  lengthKind: (type) => (isMax(type) ? 'plp' : 'ushort'),
  writeTypeInfo(w, type) {
    const max = isMax(type);
    w.u8(type.name === 'binary' && !max ? TypeId.BigBinary : TypeId.BigVarBinary);
    w.u16(max ? MAX_LENGTH : (type.length as number));
  },
  encode(type, value) {
    let bytes: Uint8Array;
    if (value instanceof Uint8Array) bytes = value;
    else if (typeof value === 'string') bytes = Buffer.from(value, 'utf8');
    else throw new ValueError(`A ${type.name} column received a value that is not binary.`);
    if (!isMax(type) && bytes.length > (type.length as number)) {
      throw new ValueError(`String or binary data would be truncated: ${bytes.length} bytes in a ${type.name}(${String(type.length)}) column.`);
    }
    return bytes;
  },
  decode(_info, bytes) {
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length).slice();
  },
};

export function binaryTypeFromId(id: number, maxLength: number): WireType {
  const name = id === TypeId.BigBinary ? 'binary' : 'varbinary';
  return { name, length: maxLength === MAX_LENGTH ? 'max' : maxLength };
}
