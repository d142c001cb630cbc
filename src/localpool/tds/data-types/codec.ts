import type { SqlValue, WireType, WireTypeName } from '../../engine/api.js';
import type { WireWriter } from '../wire-writer.js';

/** How a value's length is carried on the wire. */
export type LengthKind =
  /** A fixed number of bytes and never NULL (INT4, FLT8, ...). */
  | 'fixed'
  /** One length byte; 0 is NULL (INTN, BITN, DECIMALN, DATETIME2N, GUID, ...). */
  | 'byte'
  /** Two length bytes; 0xFFFF is NULL (BIGVARCHAR, NVARCHAR, BIGVARBINARY, ...). */
  | 'ushort'
  /** Partially length-prefixed: an 8-byte total, chunks, a zero terminator (the MAX types). */
  | 'plp';

/** A TYPE_INFO read from a request, with what is needed to read and decode its values. */
export interface TypeInfo {
  readonly id: number;
  readonly type: WireType;
  readonly lengthKind: LengthKind;
  /** For 'fixed'. */
  readonly fixedLength?: number;
  /** (var)char: the 5-byte collation the client sent. */
  readonly collation?: Buffer;
}

/** One family of SQL types: how its TYPE_INFO and values look on the wire. */
export interface DataTypeCodec {
  readonly names: readonly WireTypeName[];
  /** The length form of this type's values in results. */
  lengthKind(type: WireType): LengthKind;
  /** Writes TYPE_INFO for a column or return value of this type. */
  writeTypeInfo(w: WireWriter, type: WireType): void;
  /** The bytes of a non-NULL value (without its length prefix). */
  encode(type: WireType, value: Exclude<SqlValue, null>): Uint8Array;
  /** Decodes a non-NULL value of a request parameter. */
  decode(info: TypeInfo, bytes: Buffer): SqlValue;
}

/** Thrown when a value does not fit its declared type; the session reports it as a SQL error. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}
