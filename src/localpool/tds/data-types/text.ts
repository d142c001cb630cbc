import type { SqlValue, WireType } from '../../engine/api.js';
import { DEFAULT_COLLATION, MAX_LENGTH, TypeId } from '../protocol.js';
import type { WireWriter } from '../wire-writer.js';
import { ValueError, type DataTypeCodec, type TypeInfo } from './codec.js';

const utf8Decoder = new TextDecoder('utf-8');

/** Code points 0x80-0x9F of Windows-1252, indexed by byte - 0x80 (0 where undefined). */
const CP1252_HIGH = [
  0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0, 0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022,
  0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
];
const CP1252_REVERSE = new Map<number, number>(CP1252_HIGH.map((cp, i) => [cp, 0x80 + i] as [number, number]).filter(([cp]) => cp !== 0));

/** Text in the server's (var)char code page, Windows-1252; characters it lacks become '?', as in SQL Server. */
export function encodeCp1252(text: string): Buffer {
  const out = Buffer.allocUnsafe(text.length);
  let n = 0;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x80 || (cp >= 0xa0 && cp <= 0xff)) out[n++] = cp;
    else out[n++] = CP1252_REVERSE.get(cp) ?? 0x3f;
  }
  return out.subarray(0, n);
}

/** Windows-1252 bytes as text (built here: not every Node build's TextDecoder knows windows-1252). */
export function decodeCp1252(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    const codes = Array.from(bytes.subarray(i, i + 8192), (b) => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] || b : b));
    out += String.fromCharCode(...codes);
  }
  return out;
}

/** Whether a collation's flags carry the UTF-8 bit (SQL Server 2019 _UTF8 collations). */
function isUtf8(collation: Buffer | undefined): boolean {
  return !!collation && collation.length === 5 && (collation[3]! & 0x04) !== 0;
}

const IDS: Record<string, number> = {
  char: TypeId.BigChar,
  varchar: TypeId.BigVarChar,
  nchar: TypeId.NChar,
  nvarchar: TypeId.NVarChar,
};

function isUnicode(type: WireType): boolean {
  return type.name === 'nchar' || type.name === 'nvarchar';
}

/** A column without a declared length is sent as (MAX), which holds any value. */
function isMax(type: WireType): boolean {
  return type.length === 'max' || type.length === undefined || (typeof type.length === 'number' && type.length * (isUnicode(type) ? 2 : 1) > 8000);
}

/** A (var)char TYPE_INFO; TDS 7.0 has no collation in it. */
export function writeTextTypeInfo(w: WireWriter, type: WireType, withCollation: boolean): void {
  const max = isMax(type);
  let id = IDS[type.name]!;
  // CHAR/NCHAR have no MAX form: an unbounded one is sent as its VAR type.
  if (max && id === TypeId.BigChar) id = TypeId.BigVarChar;
  if (max && id === TypeId.NChar) id = TypeId.NVarChar;
  w.u8(id);
  w.u16(max ? MAX_LENGTH : (type.length as number) * (isUnicode(type) ? 2 : 1));
  if (withCollation) w.bytes(DEFAULT_COLLATION);
}

/** char, varchar, nchar, nvarchar. */
export const textCodec: DataTypeCodec = {
  names: ['char', 'varchar', 'nchar', 'nvarchar'],
  lengthKind: (type) => (isMax(type) ? 'plp' : 'ushort'),
  writeTypeInfo(w, type) {
    writeTextTypeInfo(w, type, true);
  },
  encode(type, value) {
    const text =
      typeof value === 'string'
        ? value
        : value instanceof Date
          ? value.toISOString()
          : value instanceof Uint8Array
            ? Buffer.from(value).toString('utf8')
            : String(value);
    const bytes = isUnicode(type) ? Buffer.from(text, 'utf16le') : encodeCp1252(text);
    if (!isMax(type) && bytes.length > (type.length as number) * (isUnicode(type) ? 2 : 1)) {
      throw new ValueError(`String or binary data would be truncated: a value of ${text.length} characters in a ${type.name}(${String(type.length)}) column.`);
    }
    return bytes;
  },
  decode(info: TypeInfo, bytes: Buffer): SqlValue {
    if (info.type.name === 'nchar' || info.type.name === 'nvarchar') {
      if (bytes.length % 2) throw new ValueError('A Unicode value has an odd number of bytes.');
      return bytes.toString('utf16le');
    }
    return isUtf8(info.collation) ? utf8Decoder.decode(bytes) : decodeCp1252(bytes);
  },
};

export function textTypeFromId(id: number, maxLength: number): WireType {
  const name = id === TypeId.BigChar ? 'char' : id === TypeId.BigVarChar ? 'varchar' : id === TypeId.NChar ? 'nchar' : 'nvarchar';
  if (maxLength === MAX_LENGTH) return { name, length: 'max' };
  return { name, length: name === 'nchar' || name === 'nvarchar' ? maxLength / 2 : maxLength };
}

export { isMax as isMaxText, isUnicode as isUnicodeText };
