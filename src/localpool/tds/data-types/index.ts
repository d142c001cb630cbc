import type { SqlValue, WireType } from '../../engine/api.js';
import { MAX_LENGTH, TypeId } from '../protocol.js';
import { ProtocolError, RequestError } from '../errors.js';
import type { MessageReader } from '../incoming.js';
import type { WireWriter } from '../wire-writer.js';
import { binaryCodec, binaryTypeFromId } from './binary.js';
import { ValueError, type DataTypeCodec, type LengthKind, type TypeInfo } from './codec.js';
import { dateCodec, datetime2Codec, datetimeCodec } from './date-time.js';
import { decimalCodec } from './decimal.js';
import { floatCodec } from './float.js';
import { guidCodec } from './guid.js';
import { bitCodec, FIXED_INTEGERS, integerCodec } from './integer.js';
import { textCodec, textTypeFromId } from './text.js';

export { ValueError, type DataTypeCodec, type LengthKind, type TypeInfo };

const CODECS: readonly DataTypeCodec[] = [
  integerCodec,
  bitCodec,
  floatCodec,
  decimalCodec,
  textCodec,
  binaryCodec,
  dateCodec,
  datetime2Codec,
  datetimeCodec,
  guidCodec,
];
const BY_NAME = new Map<string, DataTypeCodec>(CODECS.flatMap((c) => c.names.map((n) => [n, c] as [string, DataTypeCodec])));

export function codecFor(type: WireType): DataTypeCodec {
  const codec = BY_NAME.get(type.name);
  if (!codec) throw new ValueError(`The local pool cannot send values of type ${String(type.name)}.`);
  return codec;
}

/** Writes a value as ROW / RETURNVALUE carry it: its length prefix and bytes, or the type's NULL. */
export function writeValue(w: WireWriter, type: WireType, value: SqlValue): void {
  const codec = codecFor(type);
  const kind = codec.lengthKind(type);
  if (value === null) {
    writeNull(w, kind);
    return;
  }
  const bytes = codec.encode(type, value);
  switch (kind) {
    case 'byte':
      w.u8(bytes.length).bytes(bytes);
      return;
    case 'ushort':
      w.u16(bytes.length).bytes(bytes);
      return;
    case 'plp':
      w.u64(bytes.length);
      if (bytes.length > 0) w.u32(bytes.length).bytes(bytes);
      w.u32(0);
      return;
    case 'fixed':
      w.bytes(bytes);
  }
}

export function writeNull(w: WireWriter, kind: LengthKind): void {
  if (kind === 'byte') w.u8(0);
  else if (kind === 'ushort') w.u16(0xffff);
  else if (kind === 'plp') w.u64(0xffffffffffffffffn);
  else throw new ValueError('A fixed-length type cannot be NULL.');
}

/** Whether values of this column type are written with a NULL bitmap-compatible form (all are). */
export function lengthKindOf(type: WireType): LengthKind {
  return codecFor(type).lengthKind(type);
}

async function readCollation(r: MessageReader): Promise<Buffer> {
  return Buffer.from(await r.readBytes(5, 'a collation'));
}

/** Reads a parameter's TYPE_INFO (MS-TDS 2.2.5.6). Types the local pool does not take are a RequestError. */
export async function readTypeInfo(r: MessageReader, paramName: string): Promise<TypeInfo> {
  const id = await r.u8('a parameter type');
  const fixed = FIXED_INTEGERS[id];
  if (fixed) return { id, type: { name: fixed.name }, lengthKind: 'fixed', fixedLength: fixed.length };
  switch (id) {
    case TypeId.Flt4:
      return { id, type: { name: 'real' }, lengthKind: 'fixed', fixedLength: 4 };
    case TypeId.Flt8:
      return { id, type: { name: 'float' }, lengthKind: 'fixed', fixedLength: 8 };
    case TypeId.DateTime:
      return { id, type: { name: 'datetime' }, lengthKind: 'fixed', fixedLength: 8 };
    case TypeId.IntN: {
      const len = await r.u8();
      const name = ({ 1: 'tinyint', 2: 'smallint', 4: 'int', 8: 'bigint' } as const)[len as 1 | 2 | 4 | 8];
      if (!name) throw new ProtocolError(`Parameter ${paramName} declares an integer of ${len} bytes.`);
      return { id, type: { name }, lengthKind: 'byte' };
    }
    case TypeId.BitN:
      await r.u8();
      return { id, type: { name: 'bit' }, lengthKind: 'byte' };
    case TypeId.FltN: {
      const len = await r.u8();
      if (len !== 4 && len !== 8) throw new ProtocolError(`Parameter ${paramName} declares a float of ${len} bytes.`);
      return { id, type: { name: len === 4 ? 'real' : 'float' }, lengthKind: 'byte' };
    }
    case TypeId.DecimalN:
    case TypeId.NumericN: {
      await r.u8();
      const precision = await r.u8();
      const scale = await r.u8();
      if (precision < 1 || precision > 38 || scale > precision) {
        throw new ProtocolError(`Parameter ${paramName} declares decimal(${precision},${scale}).`);
      }
      return { id, type: { name: id === TypeId.DecimalN ? 'decimal' : 'numeric', precision, scale }, lengthKind: 'byte' };
    }
    case TypeId.DateN:
      return { id, type: { name: 'date' }, lengthKind: 'byte' };
    case TypeId.DateTime2N: {
      const scale = await r.u8();
      if (scale > 7) throw new ProtocolError(`Parameter ${paramName} declares datetime2(${scale}).`);
      return { id, type: { name: 'datetime2', scale }, lengthKind: 'byte' };
    }
    case TypeId.DateTimeN: {
      const len = await r.u8();
      return { id, type: { name: 'datetime' }, lengthKind: 'byte', fixedLength: len };
    }
    case TypeId.Guid:
      await r.u8();
      return { id, type: { name: 'uniqueidentifier' }, lengthKind: 'byte' };
    case TypeId.BigVarChar:
    case TypeId.BigChar:
    case TypeId.NVarChar:
    case TypeId.NChar: {
      const max = await r.u16();
      const collation = await readCollation(r);
      return { id, type: textTypeFromId(id, max), lengthKind: max === MAX_LENGTH ? 'plp' : 'ushort', collation };
    }
    case TypeId.BigVarBinary:
    case TypeId.BigBinary: {
      const max = await r.u16();
      return { id, type: binaryTypeFromId(id, max), lengthKind: max === MAX_LENGTH ? 'plp' : 'ushort' };
    }
    default:
      throw new RequestError(
        8016,
        `Parameter ${paramName} has a type the local pool does not support (TDS type 0x${id.toString(16).padStart(2, '0')}). Use int, bigint, smallint, tinyint, bit, real, float, decimal, (n)varchar, varbinary, date, datetime2 or uniqueidentifier.`,
      );
  }
}

/** Decodes a non-NULL parameter value. */
export function decodeValue(info: TypeInfo, bytes: Buffer): SqlValue {
  return codecFor(info.type).decode(info, bytes);
}
