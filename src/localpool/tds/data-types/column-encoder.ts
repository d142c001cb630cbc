import type { SqlValue, WireType } from '../../engine/api.js';
import { DEFAULT_COLLATION, TypeId } from '../protocol.js';
import type { TdsVersion } from '../version.js';
import type { WireWriter } from '../wire-writer.js';
import type { DataTypeCodec } from './codec.js';
import { dateTextLength, formatDateText } from './date-time.js';
import { codecFor, writeValue } from './index.js';
import { isUnicodeText, textCodec, writeTextTypeInfo } from './text.js';

/**
 * How one result column (or return value) of a type is written in one TDS version: its TYPE_INFO
 * and its values. Chosen once per result set, so rows pay no per-value type lookup, and the place
 * where a type a version lacks becomes the type SQL Server sends such clients instead.
 */
export interface ColumnEncoder {
  writeTypeInfo(w: WireWriter): void;
  /** The value with its length prefix, or the type's NULL. */
  write(w: WireWriter, value: SqlValue): void;
  /** Whether TYPE_INFO names a legacy text/ntext/image type, which COLMETADATA follows with a table name. */
  readonly hasTableName: boolean;
  /** The column's type, when values are written in its own TDS form (not converted for an older version). */
  readonly native?: WireType;
}

export function columnEncoder(type: WireType, version: TdsVersion): ColumnEncoder {
  if (!version.dateTypes && (type.name === 'date' || type.name === 'datetime2')) return dateAsText(type, version);
  const codec = codecFor(type);
  if (!version.plp && codec.lengthKind(type) === 'plp') return longValue(type, codec, version);
  const text = codec === textCodec;
  return {
    hasTableName: false,
    native: type,
    writeTypeInfo: (w) => (text ? writeTextTypeInfo(w, type, version.collations) : codec.writeTypeInfo(w, type)),
    write: fastWriter(type) ?? ((w, value) => writeValue(w, type, value)),
  };
}

/**
 * Bounded nvarchar and varbinary, the common variable-length columns: written straight from the
 * string or bytes, with no intermediate buffer per value.
 */
function fastWriter(type: WireType): ColumnEncoder['write'] | undefined {
  if (typeof type.length !== 'number') return undefined;
  if (type.name === 'nvarchar' && type.length <= 4000) {
    const maxChars = type.length;
    return (w, value) => {
      if (value === null) w.u16(0xffff);
      else if (typeof value === 'string' && value.length <= maxChars) w.u16(value.length * 2).ucs2(value);
      else writeValue(w, type, value);
    };
  }
  if (type.name === 'varbinary' && type.length <= 8000) {
    const maxBytes = type.length;
    return (w, value) => {
      if (value === null) w.u16(0xffff);
      else if (value instanceof Uint8Array && value.length <= maxBytes) w.u16(value.length).bytes(value);
      else writeValue(w, type, value);
    };
  }
  return undefined;
}

/** Before TDS 7.3: date and datetime2 as nvarchar, in the form CONVERT(nvarchar, x, 121) gives. */
function dateAsText(type: WireType, version: TdsVersion): ColumnEncoder {
  const textType: WireType = { name: 'nvarchar', length: dateTextLength(type) };
  return {
    hasTableName: false,
    writeTypeInfo: (w) => writeTextTypeInfo(w, textType, version.collations),
    write(w, value) {
      if (value === null) {
        w.u16(0xffff);
        return;
      }
      const text = formatDateText(type, value);
      w.u16(text.length * 2).ucs2(text);
    },
  };
}

/** Text pointer and timestamp of a legacy long value; the pool has no pages to point at. */
const TEXT_POINTER = Buffer.alloc(16, 0);
const TIMESTAMP = Buffer.alloc(8, 0);

/**
 * Before TDS 7.2, which has no PLP: varchar(max) as text, nvarchar(max) as ntext, varbinary(max)
 * as image, as SQL Server sends (max) columns to such clients (MS-TDS 2.2.5.4.3 TEXTTYPE, NTEXTTYPE,
 * IMAGETYPE): a text pointer, a timestamp and a 4-byte length before the bytes; NULL is an empty
 * text pointer.
 */
function longValue(type: WireType, codec: DataTypeCodec, version: TdsVersion): ColumnEncoder {
  const isText = codec === textCodec;
  const unicode = isText && isUnicodeText(type);
  const id = !isText ? TypeId.Image : unicode ? TypeId.NText : TypeId.Text;
  return {
    hasTableName: true,
    writeTypeInfo(w) {
      w.u8(id).u32(unicode ? 0x7ffffffe : 0x7fffffff);
      if (isText && version.collations) w.bytes(DEFAULT_COLLATION);
    },
    write(w, value) {
      if (value === null) {
        w.u8(0);
        return;
      }
      const bytes = codec.encode(type, value);
      w.u8(TEXT_POINTER.length).bytes(TEXT_POINTER).bytes(TIMESTAMP).u32(bytes.length).bytes(bytes);
    },
  };
}
