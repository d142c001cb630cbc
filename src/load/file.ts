/**
 * A CSV or Parquet file on this machine, read with DuckDB: its columns with the types DuckDB infers
 * (read_csv_auto's sniffer, Parquet's schema), the SQL type suggested for each, its row count, and
 * its rows streamed in chunks (DuckDB reads ahead a chunk at a time, so memory stays bounded
 * whatever the file's size). DuckDB is loaded on first use, never when this module is imported.
 */
import { extname } from 'node:path';
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import type { SqlType } from '../sql/types.js';
import { sqlTypeOfDuckType } from '../sql/duckdb-types.js';
import { messageOf } from '../common/errors.js';

export type DataFileKind = 'csv' | 'parquet';

export interface FileColumn {
  /** The column's name in the file (a CSV's header, or column0… when it has none). */
  readonly name: string;
  /** DuckDB's type for it: BIGINT, DOUBLE, VARCHAR, DATE, DECIMAL(18,3)… */
  readonly duckType: string;
  /** The SQL type suggested for a new table's column. */
  readonly suggested: SqlType;
}

export interface DataFile {
  readonly path: string;
  readonly kind: DataFileKind;
  readonly columns: readonly FileColumn[];
  readonly rowCount: number;
}

export class DataFileError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DataFileError';
  }
}

/** The file's kind from its extension (`.csv`, `.tsv`, `.txt`, `.csv.gz`, `.parquet`). */
export function dataFileKind(path: string): DataFileKind | undefined {
  const lower = path.toLowerCase().replace(/\.(gz|gzip|zst)$/, '');
  const ext = extname(lower);
  if (ext === '.parquet' || ext === '.pq') return 'parquet';
  if (ext === '.csv' || ext === '.tsv' || ext === '.txt') return 'csv';
  return undefined;
}

const str = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const dq = (name: string): string => `"${name.replace(/"/g, '""')}"`;

function scanOf(file: Pick<DataFile, 'path' | 'kind'>): string {
  return file.kind === 'parquet' ? `read_parquet(${str(file.path)})` : `read_csv_auto(${str(file.path)}, sample_size = -1)`;
}

/** String lengths a new column is rounded up to. */
const LENGTHS = [10, 20, 50, 100, 200, 500, 1000, 2000, 4000];

/**
 * The SQL type for a DuckDB type. Strings get nvarchar of the longest value rounded up (max above
 * 4000 characters); nested types are loaded as their text.
 */
export function sqlTypeForDuck(duckType: string, maxLength?: number): SqlType {
  if (duckType.toUpperCase() === 'TIME') return { name: 'time', scale: 7 };
  const known = sqlTypeOfDuckType(duckType);
  if (known) return known;
  const n = maxLength ?? 4000;
  const length = LENGTHS.find((l) => l >= Math.max(1, n));
  return { name: 'nvarchar', length: length ?? 'max' };
}

let duck: Promise<typeof import('@duckdb/node-api')> | undefined;

async function openDuck(): Promise<{ instance: DuckDBInstance; conn: DuckDBConnection }> {
  duck ??= import('@duckdb/node-api');
  const { DuckDBInstance } = await duck;
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  return { instance, conn: await instance.connect() };
}

function close(d: { instance: DuckDBInstance; conn: DuckDBConnection }): void {
  d.conn.closeSync();
  d.instance.closeSync();
}

function readError(path: string, kind: DataFileKind, e: unknown): DataFileError {
  const msg = messageOf(e).split('\n').slice(0, 3).join(' ').trim();
  return new DataFileError(`Could not read ${path} as ${kind === 'csv' ? 'CSV' : 'Parquet'}: ${msg}`, { cause: e });
}

/** Reads a file's columns, their types and its row count. */
export async function inspectDataFile(path: string, kind = dataFileKind(path)): Promise<DataFile> {
  if (!kind) throw new DataFileError(`${path} is not a CSV or Parquet file: pick a .csv, .tsv, .txt or .parquet file.`);
  const d = await openDuck();
  try {
    const scan = scanOf({ path, kind });
    let described: [string, string][];
    try {
      described = (await d.conn.runAndReadAll(`DESCRIBE SELECT * FROM ${scan}`)).getRows().map((r) => [String(r[0]), String(r[1])]);
    } catch (e) {
      throw readError(path, kind, e);
    }
    const texts = described.filter(([, t]) => sqlTypeForDuck(t).name === 'nvarchar');
    const stats = [`count(*)`, ...texts.map(([n]) => `max(length(CAST(${dq(n)} AS VARCHAR)))`)];
    const row = (await d.conn.runAndReadAll(`SELECT ${stats.join(', ')} FROM ${scan}`)).getRows()[0]!;
    const lengths = new Map(texts.map(([n], i) => [n, row[i + 1] === null ? 0 : Number(row[i + 1])]));
    return {
      path,
      kind,
      rowCount: Number(row[0]),
      columns: described.map(([name, duckType]) => ({ name, duckType, suggested: sqlTypeForDuck(duckType, lengths.get(name)) })),
    };
  } finally {
    close(d);
  }
}

/** A value as tedious sends it for the column's SQL type. */
export type BulkValue = null | boolean | number | bigint | string | Date | Buffer;

/** The SELECT expression that gives a file column's values in the shape tedious wants for `type`. */
function selectFor(source: string, type: SqlType): string {
  const c = dq(source);
  switch (type.name) {
    case 'bit':
      return `CAST(${c} AS BOOLEAN)`;
    case 'tinyint':
    case 'smallint':
    case 'int':
      return `CAST(${c} AS INTEGER)`;
    case 'bigint':
      return `CAST(${c} AS BIGINT)`;
    case 'real':
    case 'float':
    case 'decimal':
    case 'numeric':
    case 'money':
    case 'smallmoney':
      return `CAST(${c} AS DOUBLE)`;
    case 'date':
    case 'datetime':
    case 'datetime2':
    case 'smalldatetime':
    case 'datetimeoffset':
      return `epoch_ms(CAST(${c} AS TIMESTAMP))`;
    case 'time':
      return `epoch_ms(TIMESTAMP '1970-01-01' + CAST(${c} AS TIME))`;
    case 'binary':
    case 'varbinary':
      return `CAST(${c} AS BLOB)`;
    default:
      return `CAST(${c} AS VARCHAR)`;
  }
}

function toBulkValue(v: unknown, type: SqlType): BulkValue {
  if (v === null || v === undefined) return null;
  switch (type.name) {
    case 'date':
    case 'datetime':
    case 'datetime2':
    case 'smalldatetime':
    case 'datetimeoffset':
    case 'time':
      return new Date(Number(v));
    case 'binary':
    case 'varbinary': {
      const bytes = (v as { bytes?: Uint8Array }).bytes;
      return bytes ? Buffer.from(bytes) : Buffer.from(String(v));
    }
    default:
      if (typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
      return String(v);
  }
}

export interface ReadColumn {
  /** The file column. */
  readonly source: string;
  /** The target column's SQL type: values come converted for it. */
  readonly type: SqlType;
}

/**
 * The file's rows, one array per row in `columns` order, read a DuckDB chunk (2048 rows) at a
 * time. A value DuckDB cannot convert to the column's type ends the iteration with a DataFileError
 * naming the column. Stops (and releases DuckDB) when the consumer stops or `signal` fires.
 */
export async function* readDataRows(file: Pick<DataFile, 'path' | 'kind'>, columns: readonly ReadColumn[], signal?: AbortSignal): AsyncGenerator<BulkValue[]> {
  const d = await openDuck();
  try {
    const select = columns.map((c) => selectFor(c.source, c.type)).join(', ');
    let result;
    try {
      result = await d.conn.stream(`SELECT ${select} FROM ${scanOf(file)}`);
    } catch (e) {
      throw readError(file.path, file.kind, e);
    }
    for (;;) {
      if (signal?.aborted) return;
      let chunk;
      try {
        chunk = await result.fetchChunk();
      } catch (e) {
        throw readError(file.path, file.kind, e);
      }
      if (!chunk || chunk.rowCount === 0) return;
      for (const row of chunk.getRows()) yield row.map((v, i) => toBulkValue(v, columns[i]!.type));
    }
  } finally {
    close(d);
  }
}
