/**
 * DuckDB's column types as T-SQL types: the one table for the local pool (a column whose declared
 * type is not known, e.g. an expression) and for Load data… (the types a data file suggests).
 */
import type { SqlType } from './types.js';

/** The T-SQL type of a DuckDB type, or undefined for text, nested and other types each caller maps itself. */
export function sqlTypeOfDuckType(duckType: string): SqlType | undefined {
  const t = duckType.toUpperCase();
  const dec = /^DECIMAL\((\d+),\s*(\d+)\)$/.exec(t);
  if (dec) return { name: 'decimal', precision: Number(dec[1]), scale: Number(dec[2]) };
  const known = DUCK_TYPES[t];
  return known && { ...known };
}

const DUCK_TYPES: Readonly<Record<string, SqlType>> = {
  BOOLEAN: { name: 'bit' },
  UTINYINT: { name: 'tinyint' },
  TINYINT: { name: 'smallint' },
  SMALLINT: { name: 'smallint' },
  USMALLINT: { name: 'int' },
  INTEGER: { name: 'int' },
  UINTEGER: { name: 'bigint' },
  BIGINT: { name: 'bigint' },
  UBIGINT: { name: 'decimal', precision: 38, scale: 0 },
  HUGEINT: { name: 'decimal', precision: 38, scale: 0 },
  UHUGEINT: { name: 'decimal', precision: 38, scale: 0 },
  FLOAT: { name: 'real' },
  DOUBLE: { name: 'float' },
  BLOB: { name: 'varbinary', length: 'max' },
  DATE: { name: 'date' },
  TIMESTAMP: { name: 'datetime2', scale: 7 },
  'TIMESTAMP WITH TIME ZONE': { name: 'datetime2', scale: 7 },
  TIMESTAMP_NS: { name: 'datetime2', scale: 7 },
  TIMESTAMP_MS: { name: 'datetime2', scale: 7 },
  TIMESTAMP_S: { name: 'datetime2', scale: 7 },
  UUID: { name: 'uniqueidentifier' },
};
