/**
 * Catalog queries for the explorer and the wizard: schemas, tables and views, columns with their
 * declared types, whether an object exists, tables that look like model tables, and what kind of
 * server this is.
 *
 * The queries use INFORMATION_SCHEMA views, sys.columns/sys.types (columns) and sys.indexes (keys),
 * and SERVERPROPERTY, which Synapse dedicated SQL pools, Azure SQL Managed Instance and the local
 * pool all provide (the local pool has no sys.indexes: no keys); names are always parameters.
 */
import { parseMultipartName, quoteObjectName, type ObjectName } from './names.js';
import { displaySqlType, parseSqlType, type PredictTarget, type SqlType } from './types.js';
import type { QueryResult, SqlCell, SqlParameter } from './port.js';

/** What the catalog needs from a connection (SqlConnection satisfies it; tests pass a fake). */
export interface CatalogRunner {
  query(sql: string, params?: readonly SqlParameter[]): Promise<QueryResult>;
}

export type CatalogObjectKind = 'table' | 'view';

export interface CatalogObject {
  readonly schema: string;
  readonly name: string;
  readonly kind: CatalogObjectKind;
}

export interface CatalogColumn {
  readonly name: string;
  /** 1-based position in the table. */
  readonly ordinal: number;
  /** The declared type as the catalog states it: `nvarchar(30)`, `decimal(18,4)`, `geography`. */
  readonly typeText: string;
  /** The parsed type; undefined for types this tool does not know (geography, user types...). */
  readonly type?: SqlType;
  readonly nullable: boolean;
  /** Part of the primary key (false when the server does not say). */
  readonly isKey: boolean;
}

export interface ModelTableCandidate {
  readonly table: ObjectName & { readonly schema: string };
  readonly columns: readonly CatalogColumn[];
}

export interface ServerInfo {
  /** SERVERPROPERTY('EngineEdition'): 6 = Synapse dedicated SQL pool, 8 = SQL Managed Instance, 9 = Azure SQL Edge. */
  readonly engineEdition: number | undefined;
  readonly productVersion: string | undefined;
  readonly database: string | undefined;
  /** The PREDICT dialect to generate for this server, when it has one. */
  readonly predictTarget: PredictTarget | undefined;
}

export class CatalogError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CatalogError';
  }
}

const NVARCHAR_128: SqlType = { name: 'nvarchar', length: 128 };
const nameParam = (name: string, value: string): SqlParameter => ({ name, type: NVARCHAR_128, value });

/** Schemas that hold system objects, never user tables. */
const SYSTEM_SCHEMAS = new Set(['sys', 'information_schema', 'guest']);

export function isSystemSchema(name: string): boolean {
  const lower = name.toLowerCase();
  return SYSTEM_SCHEMAS.has(lower) || lower.startsWith('db_');
}

function text(cell: SqlCell | undefined): string | undefined {
  if (cell === null || cell === undefined) return undefined;
  if (typeof cell === 'string') return cell;
  if (Buffer.isBuffer(cell) || cell instanceof Date) return undefined;
  return String(cell);
}

function int(cell: SqlCell | undefined): number | undefined {
  if (cell === null || cell === undefined) return undefined;
  const n = typeof cell === 'number' ? cell : typeof cell === 'bigint' ? Number(cell) : typeof cell === 'string' ? Number(cell) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function rowsOf(result: QueryResult, what: string, minColumns: number): readonly (readonly SqlCell[])[] {
  const set = result.resultSets[0];
  if (!set) throw new CatalogError(`The server returned no rows for ${what}.`);
  if (set.columns.length < minColumns) {
    throw new CatalogError(`The server returned ${set.columns.length} columns for ${what}; expected ${minColumns}.`);
  }
  return set.rows;
}

/** User schemas of the current database, sorted; system schemas (sys, INFORMATION_SCHEMA, db_*) left out. */
export async function listSchemas(db: CatalogRunner): Promise<string[]> {
  const result = await db.query('SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA ORDER BY SCHEMA_NAME');
  const names = rowsOf(result, 'the list of schemas', 1)
    .map((r) => text(r[0]))
    .filter((n): n is string => n !== undefined && !isSystemSchema(n));
  return [...new Set(names)].sort((a, b) => a.localeCompare(b));
}

/** Tables and views of one schema, sorted by name. */
export async function listObjects(db: CatalogRunner, schema: string): Promise<CatalogObject[]> {
  const result = await db.query('SELECT TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = @schema ORDER BY TABLE_NAME', [
    nameParam('schema', schema),
  ]);
  const out: CatalogObject[] = [];
  for (const r of rowsOf(result, `the tables of schema '${schema}'`, 2)) {
    const name = text(r[0]);
    const type = (text(r[1]) ?? '').toUpperCase();
    if (!name) continue;
    out.push({ schema, name, kind: type === 'VIEW' ? 'view' : 'table' });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Where the next page of a schema's objects starts: after this object (tables come before views). */
export interface ObjectCursor {
  readonly kind: CatalogObjectKind;
  readonly name: string;
}

function pageLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new RangeError(`A catalog page holds 1 to 100 000 rows (got ${limit}).`);
  return limit;
}

const TABLE_TYPE_OF: Readonly<Record<CatalogObjectKind, string>> = { table: 'BASE TABLE', view: 'VIEW' };

/**
 * Up to `limit` tables and views of one schema, tables first, each kind in the server's name order,
 * after `after` (keyset paging with TOP, which every target runs). `next` is where the following
 * page starts, when there is one.
 */
export async function listObjectsPage(
  db: CatalogRunner,
  schema: string,
  options: { readonly limit: number; readonly after?: ObjectCursor },
): Promise<{ objects: CatalogObject[]; next?: ObjectCursor }> {
  const limit = pageLimit(options.limit);
  const params = [nameParam('schema', schema)];
  let where = 'TABLE_SCHEMA = @schema';
  if (options.after) {
    where += ' AND (TABLE_TYPE > @afterType OR (TABLE_TYPE = @afterType AND TABLE_NAME > @afterName))';
    params.push(nameParam('afterType', TABLE_TYPE_OF[options.after.kind]), nameParam('afterName', options.after.name));
  }
  const result = await db.query(
    `SELECT TOP (${limit + 1}) TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE ${where} ORDER BY TABLE_TYPE, TABLE_NAME`,
    params,
  );
  const objects: CatalogObject[] = [];
  const rows = rowsOf(result, `the tables of schema '${schema}'`, 2);
  for (const r of rows.slice(0, limit)) {
    const name = text(r[0]);
    if (!name) continue;
    objects.push({ schema, name, kind: (text(r[1]) ?? '').toUpperCase() === 'VIEW' ? 'view' : 'table' });
  }
  const last = objects[objects.length - 1];
  return { objects, ...(rows.length > limit && last ? { next: { kind: last.kind, name: last.name } } : {}) };
}

/**
 * The declared type of an INFORMATION_SCHEMA.COLUMNS row as T-SQL text.
 * `maxLength` is CHARACTER_MAXIMUM_LENGTH (characters; -1 = max).
 */
export function informationSchemaTypeText(c: { dataType: string; maxLength?: number; precision?: number; scale?: number; datetimePrecision?: number }): string {
  const name = c.dataType.toLowerCase();
  const fractional = name === 'datetime2' || name === 'time' || name === 'datetimeoffset';
  const length = c.maxLength === -1 ? 'max' : c.maxLength;
  const type: SqlType = { name, length, precision: c.precision, scale: fractional ? c.datetimePrecision : c.scale };
  return displaySqlType(type, { mode: 'catalog' });
}

/**
 * A table's or view's columns from sys.columns, each with its system type (an alias type shows as
 * the type it is based on, as INFORMATION_SCHEMA.COLUMNS shows it). The object is named through
 * OBJECT_ID of its quoted two-part name, given as a parameter. sys.columns rather than
 * INFORMATION_SCHEMA.COLUMNS: the same facts in fewer, mostly numeric cells, and with no view over
 * every column of the database to evaluate (bench/catalog.bench.ts).
 */
const COLUMNS_QUERY =
  'c.name, c.column_id, COALESCE(base.name, own.name) AS type_name, c.max_length, c.precision, c.scale, c.is_nullable ' +
  'FROM sys.columns AS c JOIN sys.types AS own ON own.user_type_id = c.user_type_id ' +
  // The system type an alias type is based on; CLR types (geography, hierarchyid) have none: their own name.
  'LEFT JOIN sys.types AS base ON base.user_type_id = c.system_type_id WHERE c.object_id = OBJECT_ID(@object)';

const UNICODE_TYPES = new Set(['nchar', 'nvarchar']);
const FRACTIONAL_TYPES = new Set(['datetime2', 'time', 'datetimeoffset']);

function columnFromRow(r: readonly SqlCell[], keys: ReadonlySet<string>): CatalogColumn | undefined {
  const name = text(r[0]);
  const dataType = text(r[2])?.toLowerCase();
  if (!name || !dataType) return undefined;
  // sys.columns gives bytes (-1 for max) and, for the date/time types, the fractional digits as scale.
  const bytes = int(r[3]);
  const typeText = informationSchemaTypeText({
    dataType,
    maxLength: bytes === undefined || bytes === -1 || !UNICODE_TYPES.has(dataType) ? bytes : bytes / 2,
    precision: int(r[4]),
    scale: int(r[5]),
    datetimePrecision: FRACTIONAL_TYPES.has(dataType) ? int(r[5]) : undefined,
  });
  let type: SqlType | undefined;
  try {
    type = parseSqlType(typeText);
  } catch {
    type = undefined; // a type the tool does not know: shown, never mapped
  }
  const nullable = r[6];
  return {
    name,
    ordinal: int(r[1]) ?? 0,
    typeText,
    ...(type ? { type } : {}),
    nullable: nullable === null || nullable === undefined ? true : nullable === true || Number(nullable) === 1,
    isKey: keys.has(name.toLowerCase()),
  };
}

/** The OBJECT_ID argument naming a table or view: its quoted two-part name. */
function objectParam(object: { schema: string; name: string }): SqlParameter {
  // OBJECT_ID takes nvarchar(776): two quoted names of up to 128 characters each fit.
  return { name: 'object', type: { name: 'nvarchar', length: 776 }, value: quoteObjectName({ schema: object.schema, name: object.name }) };
}

/**
 * Connections to a server that has no catalog views for keys (it answered error 208, invalid
 * object name): their columns are listed without asking for keys again, one round trip each.
 */
const noKeyViews = new WeakSet<CatalogRunner>();

/** Primary-key columns; an empty set when the server cannot say (the explorer still shows the columns). */
async function keyColumns(db: CatalogRunner, object: { schema: string; name: string }): Promise<Set<string>> {
  if (noKeyViews.has(db)) return new Set();
  try {
    const result = await db.query(
      'SELECT c.name FROM sys.indexes AS i ' +
        'JOIN sys.index_columns AS ic ON ic.object_id = i.object_id AND ic.index_id = i.index_id ' +
        'JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id ' +
        'WHERE i.is_primary_key = 1 AND i.object_id = OBJECT_ID(@object)',
      [objectParam(object)],
    );
    return new Set((result.resultSets[0]?.rows ?? []).map((r) => text(r[0])?.toLowerCase()).filter((n): n is string => !!n));
  } catch (e) {
    if ((e as { number?: unknown }).number === 208) noKeyViews.add(db);
    return new Set();
  }
}

function missingObject(object: { schema: string; name: string }): CatalogError {
  return new CatalogError(`The table or view ${object.schema}.${object.name} does not exist, or you have no permission to see it. Refresh the explorer.`);
}

/** The columns of a table or view in declaration order. Throws CatalogError when the object does not exist. */
export async function listColumns(db: CatalogRunner, object: { schema: string; name: string }): Promise<CatalogColumn[]> {
  const result = await db.query(`SELECT ${COLUMNS_QUERY} ORDER BY c.column_id`, [objectParam(object)]);
  const rows = rowsOf(result, `the columns of ${object.schema}.${object.name}`, 7);
  if (rows.length === 0) throw missingObject(object);
  const keys = await keyColumns(db, object);
  return rows
    .map((r) => columnFromRow(r, keys))
    .filter((c): c is CatalogColumn => c !== undefined)
    .sort((a, b) => a.ordinal - b.ordinal);
}

/**
 * Up to `limit` columns of a table or view in declaration order, after the column at ordinal
 * `afterOrdinal` (keyset paging); `next` is the ordinal the following page starts after. Throws
 * CatalogError when the first page is empty: the object does not exist.
 */
export async function listColumnsPage(
  db: CatalogRunner,
  object: { schema: string; name: string },
  options: { readonly limit: number; readonly afterOrdinal?: number },
): Promise<{ columns: CatalogColumn[]; next?: number }> {
  const limit = pageLimit(options.limit);
  const params = [objectParam(object)];
  let after = '';
  if (options.afterOrdinal !== undefined) {
    after = ' AND c.column_id > @after';
    params.push({ name: 'after', type: { name: 'int' }, value: options.afterOrdinal });
  }
  const result = await db.query(`SELECT TOP (${limit + 1}) ${COLUMNS_QUERY}${after} ORDER BY c.column_id`, params);
  const rows = rowsOf(result, `the columns of ${object.schema}.${object.name}`, 7);
  if (rows.length === 0 && options.afterOrdinal === undefined) throw missingObject(object);
  const keys = await keyColumns(db, object);
  const columns = rows
    .slice(0, limit)
    .map((r) => columnFromRow(r, keys))
    .filter((c): c is CatalogColumn => c !== undefined);
  const last = columns[columns.length - 1];
  return { columns, ...(rows.length > limit && last ? { next: last.ordinal } : {}) };
}

export type ExistingObjectKind = 'table' | 'view' | 'procedure';

/**
 * What `name` (`schema.object` or an ObjectName; default schema dbo) is in the current database:
 * a table, a view, a stored procedure, or undefined when nothing has that name.
 */
export async function objectExists(db: CatalogRunner, name: string | ObjectName): Promise<ExistingObjectKind | undefined> {
  const obj = typeof name === 'string' ? toObjectName(name) : name;
  const schema = obj.schema ?? 'dbo';
  const tables = await db.query('SELECT TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = @schema AND TABLE_NAME = @name', [
    nameParam('schema', schema),
    nameParam('name', obj.name),
  ]);
  const row = tables.resultSets[0]?.rows[0];
  if (row) return (text(row[0]) ?? '').toUpperCase() === 'VIEW' ? 'view' : 'table';
  const routines = await db.query(
    "SELECT ROUTINE_TYPE FROM INFORMATION_SCHEMA.ROUTINES WHERE ROUTINE_SCHEMA = @schema AND ROUTINE_NAME = @name AND ROUTINE_TYPE = 'PROCEDURE'",
    [nameParam('schema', schema), nameParam('name', obj.name)],
  );
  return routines.resultSets[0]?.rows.length ? 'procedure' : undefined;
}

function toObjectName(text: string): ObjectName {
  const parts = parseMultipartName(text, 2);
  return parts.length === 2 ? { schema: parts[0]!, name: parts[1]! } : { name: parts[0]! };
}

/**
 * Base tables that could hold models: those with a varbinary(max) column. Each comes with its
 * columns so that the caller can check the layout (`checkModelTable`). At most `limit` tables.
 */
export async function findModelTables(db: CatalogRunner, limit = 50): Promise<ModelTableCandidate[]> {
  const result = await db.query(
    'SELECT c.TABLE_SCHEMA, c.TABLE_NAME FROM INFORMATION_SCHEMA.COLUMNS AS c ' +
      'JOIN INFORMATION_SCHEMA.TABLES AS t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME ' +
      "WHERE t.TABLE_TYPE = 'BASE TABLE' AND c.DATA_TYPE = 'varbinary' AND c.CHARACTER_MAXIMUM_LENGTH = -1 " +
      'ORDER BY c.TABLE_SCHEMA, c.TABLE_NAME',
  );
  const seen = new Set<string>();
  const tables: { schema: string; name: string }[] = [];
  for (const r of rowsOf(result, 'tables with a varbinary(max) column', 2)) {
    const schema = text(r[0]);
    const name = text(r[1]);
    if (!schema || !name) continue;
    const key = `${schema}\u0000${name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    tables.push({ schema, name });
    if (tables.length >= limit) break;
  }
  const out: ModelTableCandidate[] = [];
  for (const t of tables) {
    out.push({ table: t, columns: await listColumns(db, t) });
  }
  return out;
}

/** The PREDICT dialect of an engine edition. */
export function predictTargetForEdition(edition: number | undefined): PredictTarget | undefined {
  switch (edition) {
    case 6:
      return 'synapse-dedicated';
    case 8:
      return 'sql-mi';
    case 9:
      return 'sql-edge';
    default:
      return undefined;
  }
}

/** What kind of server the connection reached. */
export async function serverInfo(db: CatalogRunner): Promise<ServerInfo> {
  const result = await db.query(
    "SELECT CAST(SERVERPROPERTY('EngineEdition') AS int) AS engine_edition, CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) AS product_version, DB_NAME() AS database_name",
  );
  const row = rowsOf(result, 'the server properties', 3)[0] ?? [];
  const engineEdition = int(row[0]);
  return { engineEdition, productVersion: text(row[1]), database: text(row[2]), predictTarget: predictTargetForEdition(engineEdition) };
}

/** Databases on the server (for a connection without a database), system databases left out. */
export async function listDatabases(db: CatalogRunner): Promise<string[]> {
  const result = await db.query('SELECT name FROM sys.databases ORDER BY name');
  const system = new Set(['master', 'tempdb', 'model', 'msdb']);
  return rowsOf(result, 'the list of databases', 1)
    .map((r) => text(r[0]))
    .filter((n): n is string => !!n && !system.has(n.toLowerCase()));
}
