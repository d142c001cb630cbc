/**
 * The local pool's type system: T-SQL declared types (as the catalog remembers them), the DuckDB
 * types that store them, the wire types results are reported with, and value conversion between
 * DuckDB's JS values and the engine contract's SqlValue.
 */
import { SqlError, type SqlValue, type WireType, type WireTypeName } from './api.js';
import type { TypeSpec } from './ast.js';
import { sqlTypeOfDuckType } from '../../sql/duckdb-types.js';
import { displaySqlType } from '../../sql/types.js';

const KNOWN = new Set([
  'bit',
  'tinyint',
  'smallint',
  'int',
  'bigint',
  'real',
  'float',
  'decimal',
  'numeric',
  'money',
  'smallmoney',
  'char',
  'varchar',
  'nchar',
  'nvarchar',
  'text',
  'ntext',
  'sysname',
  'binary',
  'varbinary',
  'image',
  'date',
  'datetime',
  'datetime2',
  'smalldatetime',
  'datetimeoffset',
  'time',
  'uniqueidentifier',
  'xml',
]);

/** Throws SQL Server's 2715 for a type the local pool does not know. */
export function checkType(t: TypeSpec, line: number, column?: string): void {
  if (!KNOWN.has(t.name)) {
    throw new SqlError(2715, `Column, parameter, or variable${column ? ` '${column}'` : ''}: Cannot find data type ${t.name}.`, line);
  }
  if (t.precision !== undefined && (t.precision < 1 || t.precision > 38)) {
    throw new SqlError(1002, `Line ${line}: Specified column precision ${t.precision} is greater than the maximum precision of 38.`, line);
  }
  if (typeof t.length === 'number') {
    const max = t.name === 'nvarchar' || t.name === 'nchar' ? 4000 : 8000;
    if ((t.name.endsWith('char') || t.name.endsWith('binary')) && (t.length < 1 || t.length > max)) {
      throw new SqlError(
        2717,
        `The size (${t.length}) given to the ${column ? `column '${column}'` : 'type'} exceeds the maximum allowed for any data type (${max}).`,
        line,
      );
    }
  }
}

/** The T-SQL text of a declared type: `nvarchar(30)`, `decimal(18,4)`, `varbinary(max)`, `real`. */
export function formatType(t: TypeSpec): string {
  return displaySqlType(t, { mode: 'declared' });
}

/** Parses the catalog's stored type text back (the inverse of formatType). */
export function parseTypeText(text: string): TypeSpec {
  const m = /^([a-z0-9_]+)(?:\((max|\d+)(?:,(\d+))?\))?$/i.exec(text.trim());
  if (!m) return { name: text.toLowerCase() };
  const name = m[1]!.toLowerCase();
  const a = m[2] === undefined ? undefined : m[2].toLowerCase() === 'max' ? ('max' as const) : Number(m[2]);
  const b = m[3] === undefined ? undefined : Number(m[3]);
  if (name === 'decimal' || name === 'numeric') return { name, precision: typeof a === 'number' ? a : 18, scale: b ?? 0 };
  if (name === 'datetime2' || name === 'time' || name === 'datetimeoffset') return { name, scale: typeof a === 'number' ? a : 7 };
  if (a !== undefined) return { name, length: a };
  return { name };
}

/** Default length for (n)char/(n)varchar/(var)binary declared without one (SQL Server: 1 in DDL). */
export function withDefaultLength(t: TypeSpec, inCast: boolean): TypeSpec {
  if (t.length === undefined && ['char', 'varchar', 'nchar', 'nvarchar', 'binary', 'varbinary'].includes(t.name)) {
    return { ...t, length: inCast ? 30 : 1 };
  }
  return t;
}

/** The DuckDB type that stores a T-SQL type. */
export function duckType(t: TypeSpec): string {
  switch (t.name) {
    case 'bit':
      return 'BOOLEAN';
    case 'tinyint':
      return 'UTINYINT';
    case 'smallint':
      return 'SMALLINT';
    case 'int':
      return 'INTEGER';
    case 'bigint':
      return 'BIGINT';
    case 'real':
      return 'FLOAT';
    case 'float':
      return 'DOUBLE';
    case 'decimal':
    case 'numeric':
      return `DECIMAL(${t.precision ?? 18},${t.scale ?? 0})`;
    case 'money':
      return 'DECIMAL(19,4)';
    case 'smallmoney':
      return 'DECIMAL(10,4)';
    case 'binary':
    case 'varbinary':
    case 'image':
      return 'BLOB';
    case 'date':
      return 'DATE';
    case 'datetime':
    case 'datetime2':
    case 'smalldatetime':
    case 'datetimeoffset':
      return 'TIMESTAMP';
    case 'time':
      return 'TIME';
    case 'uniqueidentifier':
      return 'UUID';
    default:
      return 'VARCHAR';
  }
}

/** The wire type a declared T-SQL type is reported with. */
export function wireTypeOf(t: TypeSpec): WireType {
  switch (t.name) {
    case 'bit':
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'bigint':
    case 'real':
    case 'float':
    case 'date':
    case 'datetime':
    case 'uniqueidentifier':
      return { name: t.name };
    case 'smalldatetime':
      return { name: 'datetime' };
    case 'decimal':
    case 'numeric':
      return { name: t.name, precision: t.precision ?? 18, scale: t.scale ?? 0 };
    case 'money':
      return { name: 'decimal', precision: 19, scale: 4 };
    case 'smallmoney':
      return { name: 'decimal', precision: 10, scale: 4 };
    case 'datetime2':
    case 'datetimeoffset':
      return { name: 'datetime2', scale: t.scale ?? 7 };
    case 'char':
    case 'varchar':
    case 'nchar':
    case 'nvarchar':
    case 'binary':
    case 'varbinary':
      return { name: t.name as WireTypeName, length: t.length ?? 1 };
    case 'text':
      return { name: 'varchar', length: 'max' };
    case 'sysname':
      return { name: 'nvarchar', length: 128 };
    case 'image':
      return { name: 'varbinary', length: 'max' };
    default:
      return { name: 'nvarchar', length: 'max' };
  }
}

/** The wire type for a DuckDB result column whose T-SQL type is not known (an expression). */
export function wireTypeForDuck(duck: string): WireType {
  const t = sqlTypeOfDuckType(duck);
  if (!t) return { name: 'nvarchar', length: 'max' };
  return { ...t, name: t.name as WireTypeName };
}

/** The T-SQL declared type for a DuckDB type (used when a view's or CTAS table's column is an expression). */
export function typeSpecForDuck(duck: string): TypeSpec {
  const w = wireTypeForDuck(duck);
  return { name: w.name, length: w.length, precision: w.precision, scale: w.scale };
}

/** Duck-typed DuckDB value objects the node API returns. */
interface BytesLike {
  bytes: Uint8Array;
}
interface DateLike {
  days: number;
}
interface MicrosLike {
  micros: bigint;
}

/** Converts a value read from DuckDB (DuckDBValue) to a SqlValue for the given wire type. */
export function toSqlValue(v: unknown, wire: WireType): SqlValue {
  if (v === null || v === undefined) return null;
  switch (wire.name) {
    case 'bit':
      return typeof v === 'boolean' ? v : Boolean(v);
    case 'tinyint':
    case 'smallint':
    case 'int':
    case 'real':
    case 'float':
      return typeof v === 'number' ? v : Number(String(v));
    case 'bigint':
      return typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? Math.trunc(v) : String(v));
    case 'decimal':
    case 'numeric':
      return typeof v === 'string' ? v : String(v);
    case 'binary':
    case 'varbinary':
      if (v instanceof Uint8Array) return v;
      if (typeof v === 'object' && 'bytes' in (v as object)) return (v as BytesLike).bytes;
      return new TextEncoder().encode(String(v));
    case 'date':
    case 'datetime':
    case 'datetime2':
      if (v instanceof Date) return v;
      if (typeof v === 'object' && v && 'days' in v) return new Date((v as DateLike).days * 86_400_000);
      if (typeof v === 'object' && v && 'micros' in v) return new Date(Number((v as MicrosLike).micros / 1000n));
      return new Date(String(v));
    case 'uniqueidentifier':
      return String(v).toUpperCase();
    default:
      if (typeof v === 'string') return v;
      if (typeof v === 'object' && v && 'bytes' in v) return new TextDecoder().decode((v as BytesLike).bytes);
      return String(v);
  }
}
