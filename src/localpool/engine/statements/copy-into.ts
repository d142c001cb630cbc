/**
 * Runs COPY INTO: the files under the import folder are read by DuckDB's CSV or Parquet reader
 * into a staging table of this session, each field is converted to the target column's declared
 * T-SQL type (the catalog keeps it), and rows that fail count against MAXERRORS. Every file is
 * read and checked before any row is inserted, so a statement that fails leaves the table as it
 * was; with ERRORFILE the rejected rows and their reasons are written under the import folder.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { SqlError } from '../api.js';
import type { TypeSpec } from '../ast.js';
import type { ColumnInfo, ObjectInfo } from '../catalog.js';
import { duckType, formatType } from '../types.js';
import type { CopyIntoSpec } from './copy-into-parse.js';
import { copyOptions, type CopyOptions, type DateFormat } from './copy-into-options.js';
import { resolveErrorFolder, resolveImportFiles, type ImportPolicy } from './import-paths.js';

/** SQL Server's bulk load conversion error (BULK INSERT, bcp, COPY INTO). */
export const CONVERSION_ERROR = 4864;

export interface CopyIntoHost {
  readonly conn: DuckDBConnection;
  readonly policy: ImportPolicy;
  /** The target table (permanent or the session's #temp), or undefined when there is none. */
  resolveTable(): ObjectInfo | undefined;
  /** Lower-cased names of the table's identity columns. */
  identityColumns(table: ObjectInfo): Promise<ReadonlySet<string>>;
  /** The DuckDB name of a table. */
  duckName(table: ObjectInfo): string;
  readonly inTransaction: boolean;
  readonly signal: AbortSignal;
  /** Names the ERRORFILE files of this statement. */
  readonly queryId: string;
}

export interface CopyIntoResult {
  readonly rows: number;
  readonly rejected: number;
  readonly messages: readonly string[];
}

interface Target {
  readonly column: ColumnInfo;
  readonly field: number;
  readonly default?: string;
}

const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const str = (s: string): string => `'${s.replace(/'/g, "''")}'`;
const STRING_TYPES = new Set(['char', 'varchar', 'nchar', 'nvarchar', 'text', 'ntext', 'sysname']);
const INT_TYPES = new Set(['tinyint', 'smallint', 'int', 'bigint']);

export async function executeCopyInto(spec: CopyIntoSpec, line: number, host: CopyIntoHost): Promise<CopyIntoResult> {
  const opts = copyOptions(spec.options);
  if (opts.autoCreateTable)
    throw new SqlError(40517, `The local pool does not support AUTO_CREATE_TABLE = 'ON' (line ${line}): create the table first, then COPY INTO it.`, line);
  const table = host.resolveTable();
  if (!table) throw new SqlError(208, `Invalid object name '${spec.table.text}'.`, line);
  if (table.type !== 'U')
    throw new SqlError(13815, `COPY INTO loads tables, and '${spec.table.text}' is a ${table.type === 'V' ? 'view' : 'procedure'}.`, line);
  const targets = mapColumns(spec, table, await host.identityColumns(table), opts, line);
  const files: string[] = [];
  for (const location of spec.locations) {
    for (const f of await resolveImportFiles(location, host.policy, line)) if (!files.includes(f)) files.push(f);
  }
  const errorFolder = opts.errorFile === undefined ? undefined : await resolveErrorFolder(opts.errorFile, host.policy, line);
  const own = !host.inTransaction;
  const conn = host.conn;
  const staged: string[] = [];
  if (own) await conn.run('BEGIN TRANSACTION');
  try {
    let rejected = 0;
    let first: Rejection | undefined;
    const fieldCount = Math.max(...targets.map((t) => t.field));
    for (const [k, file] of files.entries()) {
      checkCancel(host.signal);
      const name = `temp.main.__lp_copy_${k}`;
      staged.push(name);
      const width = await stage(conn, name, file, opts, fieldCount, targets, line);
      const bad = await conn.runAndReadAll(`SELECT count(*), min(__rid) FROM ${name} WHERE __bad > 0`);
      const [count, firstRid] = bad.getRows()[0]!;
      if (Number(count) > 0) {
        rejected += Number(count);
        first ??= await describeRejection(conn, name, Number(firstRid), file, targets);
        if (errorFolder) await writeRejected(conn, name, errorFolder, host.queryId, k, file, width, targets, opts);
      }
    }
    if (first && rejected > opts.maxErrors) {
      throw new SqlError(
        CONVERSION_ERROR,
        `Bulk load data conversion error for row ${first.row}, column ${first.column} (${first.name}) in file '${first.file}': ${first.reason}. ` +
          `${rejected} row${rejected === 1 ? ' was' : 's were'} rejected and MAXERRORS is ${opts.maxErrors}, so no row was loaded: the table is unchanged.` +
          (errorFolder ? ` The rejected rows are under ${errorFolder}.` : ' Fix the file, or raise MAXERRORS to skip such rows (ERRORFILE keeps them).'),
        line,
      );
    }
    let rows = 0;
    const list = targets.map((t) => q(t.column.name)).join(', ');
    const values = targets.map((t, i) => (t.default === undefined ? `__v${i}` : `coalesce(__v${i}, ${t.default})`)).join(', ');
    for (const name of staged) {
      checkCancel(host.signal);
      const r = await conn.run(`INSERT INTO ${host.duckName(table)} (${list}) SELECT ${values} FROM ${name} WHERE __bad = 0 ORDER BY __rid`);
      rows += Number(r.rowsChanged);
    }
    for (const name of staged) await conn.run(`DROP TABLE IF EXISTS ${name}`);
    if (own) await conn.run('COMMIT');
    const messages = rejected
      ? [`${rejected} row${rejected === 1 ? ' was' : 's were'} rejected (MAXERRORS is ${opts.maxErrors})${errorFolder ? `; see ${errorFolder}` : ''}.`]
      : [];
    return { rows, rejected, messages };
  } catch (e) {
    if (own) await conn.run('ROLLBACK').catch(() => undefined);
    else for (const name of staged) await conn.run(`DROP TABLE IF EXISTS ${name}`).catch(() => undefined);
    throw e;
  }
}

function checkCancel(signal: AbortSignal): void {
  if (signal.aborted) throw new Error('COPY INTO was cancelled.');
}

/** Which input field goes to which column: the column list, or the table's columns in order. */
function mapColumns(spec: CopyIntoSpec, table: ObjectInfo, identity: ReadonlySet<string>, opts: CopyOptions, line: number): Target[] {
  const byName = new Map(table.columns.map((c) => [c.name.toLowerCase(), c]));
  if (!spec.columns) {
    if (identity.size && !opts.identityInsert) {
      throw new SqlError(
        13811,
        `'${spec.table.text}' has an identity column and IDENTITY_INSERT is 'OFF': give a column list that does not map an input field to the identity column.`,
        line,
      );
    }
    return table.columns.map((column, i) => ({ column, field: i + 1 }));
  }
  const seen = new Set<string>();
  const targets: Target[] = spec.columns.map((c, i) => {
    const column = byName.get(c.name.toLowerCase());
    if (!column) throw new SqlError(207, `Invalid column name '${c.name}'.`, line);
    if (seen.has(c.name.toLowerCase())) throw new SqlError(1036, `The column '${c.name}' is listed more than once in COPY INTO.`, line);
    seen.add(c.name.toLowerCase());
    const isIdentity = identity.has(c.name.toLowerCase());
    if (isIdentity && !opts.identityInsert)
      throw new SqlError(
        13811,
        `'${c.name}' is an identity column and IDENTITY_INSERT is 'OFF': leave it out of the column list (values are generated).`,
        line,
      );
    if (isIdentity && c.default) throw new SqlError(13811, `A default value is not allowed for the identity column '${c.name}'.`, line);
    const def = c.default && c.default.kind !== 'null' ? convertLiteral(c.default.text, column.type, opts.dateFormat) : undefined;
    return { column, field: c.field ?? i + 1, default: def };
  });
  if (opts.identityInsert)
    for (const id of identity)
      if (!seen.has(id))
        throw new SqlError(
          13811,
          `IDENTITY_INSERT is 'ON': the column list must map an input field to the identity column '${byName.get(id)?.name ?? id}'.`,
          line,
        );
  return targets;
}

function convertLiteral(text: string, type: TypeSpec, dateFormat: DateFormat): string {
  return `(${convertText(str(text), type, dateFormat)})`;
}

/** Reads one file into a staging table: the raw fields c1..cN, each target's converted value __vI, and __bad (the first failing target, 1-based; 0 = good). Returns N. */
async function stage(
  conn: DuckDBConnection,
  name: string,
  file: string,
  opts: CopyOptions,
  fieldCount: number,
  targets: readonly Target[],
  line: number,
): Promise<number> {
  let source: string;
  let width: number;
  let rid: string;
  const raw = `${name}_raw`;
  try {
    if (opts.fileType === 'CSV') {
      width = fieldCount;
      const columns = Array.from({ length: width }, (_, i) => `'c${i + 1}': 'VARCHAR'`).join(', ');
      const args = [
        `delim = ${str(opts.fieldTerminator)}`,
        `quote = ${str(opts.fieldQuote)}`,
        `escape = ${str(opts.fieldQuote)}`,
        'header = false',
        `skip = ${opts.firstRow - 1}`,
        'auto_detect = false',
        `columns = {${columns}}`,
        'null_padding = true',
        'strict_mode = false',
        'allow_quoted_nulls = false',
        `compression = ${str(opts.compression === 'snappy' ? 'auto' : opts.compression)}`,
        `encoding = ${str(opts.encoding === 'UTF16' ? 'utf-16' : 'utf-8')}`,
      ];
      if (opts.rowTerminator) args.push(`new_line = ${str(opts.rowTerminator.replace('\r', '\\r').replace('\n', '\\n'))}`);
      await conn.run(`CREATE TEMP TABLE ${raw} AS SELECT * FROM read_csv(${str(file)}, ${args.join(', ')})`);
      source = raw;
      // Temp tables number rows from an offset; the reader keeps the file's order.
      rid = `rowid - (SELECT min(rowid) FROM ${raw}) + ${opts.firstRow}`;
    } else {
      const described = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet(${str(file)})`);
      const cols = described.getRows().map((r) => String(r[0]));
      width = cols.length;
      if (fieldCount > width) {
        throw new SqlError(
          CONVERSION_ERROR,
          `The Parquet file '${file}' has ${width} column${width === 1 ? '' : 's'}, and COPY INTO maps field ${fieldCount}.`,
          line,
        );
      }
      source = `(SELECT file_row_number, ${cols.map((c, i) => `${q(c)} AS c${i + 1}`).join(', ')} FROM read_parquet(${str(file)}, file_row_number = true))`;
      rid = 'file_row_number + 1';
    }
  } catch (e) {
    if (e instanceof SqlError) throw e;
    throw new SqlError(CONVERSION_ERROR, `COPY INTO could not read '${file}' as ${opts.fileType}: ${firstLines((e as Error).message)}`, line);
  }
  const csv = opts.fileType === 'CSV';
  const conv = targets.map(
    (t, i) => `${csv ? convertText(`c${t.field}`, t.column.type, opts.dateFormat) : convertTyped(`c${t.field}`, t.column.type)} AS __v${i}`,
  );
  const bad = targets.map((t, i) => {
    const value = t.default === undefined ? `__v${i}` : `coalesce(__v${i}, ${t.default})`;
    const cond = [`(c${t.field} IS NOT NULL AND __v${i} IS NULL)`];
    if (!t.column.nullable) cond.push(`${value} IS NULL`);
    return `WHEN ${cond.join(' OR ')} THEN ${i + 1}`;
  });
  const fields = Array.from({ length: width }, (_, i) => `c${i + 1}`).join(', ');
  await conn.run(
    `CREATE TEMP TABLE ${name} AS SELECT *, CASE ${bad.join(' ')} ELSE 0 END AS __bad FROM (SELECT ${rid} AS __rid, ${fields}, ${conv.join(', ')} FROM ${source})`,
  );
  if (csv) await conn.run(`DROP TABLE ${raw}`);
  return width;
}

function firstLines(message: string): string {
  return message.split('\n').slice(0, 3).join(' ').trim();
}

function dateFormats(order: DateFormat): string[] {
  const part = { m: '%m', d: '%d', y: '%Y' } as const;
  const out: string[] = [];
  for (const sep of ['/', '-', '.']) {
    const date = [...order].map((c) => part[c as 'm' | 'd' | 'y']).join(sep);
    for (const time of ['', ' %H:%M', ' %H:%M:%S', ' %H:%M:%S.%f']) out.push(date + time);
  }
  return out;
}

/** A CSV field (VARCHAR) converted to a column's type as SQL Server's bulk load does; NULL when it does not convert. */
function convertText(v: string, t: TypeSpec, dateFormat: DateFormat): string {
  const trimmed = `trim(${v})`;
  if (STRING_TYPES.has(t.name)) return typeof t.length === 'number' ? `CASE WHEN length(${v}) <= ${t.length} THEN ${v} END` : v;
  if (INT_TYPES.has(t.name)) return `CASE WHEN regexp_full_match(${trimmed}, '[-+]?[0-9]+') THEN TRY_CAST(${trimmed} AS ${duckType(t)}) END`;
  switch (t.name) {
    case 'bit':
      return `CASE lower(${trimmed}) WHEN '1' THEN true WHEN '0' THEN false WHEN 'true' THEN true WHEN 'false' THEN false END`;
    case 'date':
    case 'datetime':
    case 'datetime2':
    case 'smalldatetime':
    case 'datetimeoffset': {
      const formats = `[${dateFormats(dateFormat).map(str).join(', ')}]`;
      const ts = `coalesce(TRY_CAST(${trimmed} AS TIMESTAMP), try_strptime(${trimmed}, ${formats}))`;
      return t.name === 'date' ? `CAST(${ts} AS DATE)` : ts;
    }
    case 'binary':
    case 'varbinary': {
      const hex = `regexp_replace(${trimmed}, '^0[xX]', '')`;
      const max = typeof t.length === 'number' ? ` AND length(${hex}) <= ${t.length * 2}` : '';
      return `CASE WHEN regexp_full_match(${trimmed}, '(0[xX])?([0-9a-fA-F]{2})*')${max} THEN unhex(${hex}) END`;
    }
    default:
      return `TRY_CAST(${trimmed} AS ${duckType(t)})`;
  }
}

/** A Parquet value converted to a column's type; NULL when it does not convert. */
function convertTyped(v: string, t: TypeSpec): string {
  if (STRING_TYPES.has(t.name)) {
    const s = `CAST(${v} AS VARCHAR)`;
    return typeof t.length === 'number' ? `CASE WHEN length(${s}) <= ${t.length} THEN ${s} END` : s;
  }
  if ((t.name === 'binary' || t.name === 'varbinary') && typeof t.length === 'number')
    return `CASE WHEN octet_length(${v}::BLOB) <= ${t.length} THEN ${v}::BLOB END`;
  return `TRY_CAST(${v} AS ${duckType(t)})`;
}

interface Rejection {
  readonly file: string;
  readonly row: number;
  readonly column: number;
  readonly name: string;
  readonly reason: string;
}

function reason(target: Target, value: string | null): string {
  const t = target.column.type;
  if (value === null) return `the column does not allow NULLs and the field is empty`;
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  if (STRING_TYPES.has(t.name)) return `'${shown}' is longer than ${formatType(t)} allows`;
  return `'${shown}' is not a valid ${formatType(t)}`;
}

async function describeRejection(conn: DuckDBConnection, name: string, rid: number, file: string, targets: readonly Target[]): Promise<Rejection> {
  const r = await conn.runAndReadAll(`SELECT __bad, ${targets.map((t) => `CAST(c${t.field} AS VARCHAR)`).join(', ')} FROM ${name} WHERE __rid = ${rid}`);
  const row = r.getRows()[0]!;
  const i = Number(row[0]) - 1;
  const target = targets[i]!;
  const value = row[i + 1] === null ? null : String(row[i + 1]);
  return { file, row: rid, column: target.field, name: target.column.name, reason: reason(target, value) };
}

/**
 * ERRORFILE: `<folder>/_rejectedrows/<yyyyMMdd-HHmmss>/<query>_<n>.row.csv` holds the rejected rows
 * (their fields as read) and `<query>_<n>.error.json` one JSON object per row with the file, row,
 * column and reason — the data (Row) and reason (Error) files Synapse writes.
 */
async function writeRejected(
  conn: DuckDBConnection,
  name: string,
  folder: string,
  queryId: string,
  k: number,
  file: string,
  width: number,
  targets: readonly Target[],
  opts: CopyOptions,
): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  const dir = join(folder, '_rejectedrows', stamp);
  await mkdir(dir, { recursive: true });
  const fields = Array.from({ length: width }, (_, i) => `CAST(c${i + 1} AS VARCHAR) AS c${i + 1}`).join(', ');
  const delim = opts.fileType === 'CSV' ? opts.fieldTerminator : ',';
  await conn.run(
    `COPY (SELECT ${fields} FROM ${name} WHERE __bad > 0 ORDER BY __rid) TO ${str(join(dir, `${queryId}_${k + 1}.row.csv`))} (FORMAT csv, HEADER false, DELIMITER ${str(delim)}, QUOTE ${str(opts.fieldQuote)})`,
  );
  const why = targets.map((t, i) => {
    const v = `CAST(c${t.field} AS VARCHAR)`;
    const invalid = STRING_TYPES.has(t.column.type.name)
      ? `'is longer than ${formatType(t.column.type)} allows'`
      : `'is not a valid ${formatType(t.column.type)}'`;
    return `WHEN ${i + 1} THEN CASE WHEN ${v} IS NULL THEN 'the column does not allow NULLs and the field is empty' ELSE '''' || left(${v}, 60) || ''' ' || ${invalid} END`;
  });
  const columns = targets.map((t, i) => `WHEN ${i + 1} THEN ${str(t.column.name)}`);
  const fieldNo = targets.map((t, i) => `WHEN ${i + 1} THEN ${t.field}`);
  await conn.run(
    `COPY (SELECT ${str(file)} AS file, __rid AS "row", CASE __bad ${fieldNo.join(' ')} END AS field, CASE __bad ${columns.join(' ')} END AS "column", CASE __bad ${why.join(' ')} END AS error
       FROM ${name} WHERE __bad > 0 ORDER BY __rid) TO ${str(join(dir, `${queryId}_${k + 1}.error.json`))} (FORMAT json)`,
  );
}
