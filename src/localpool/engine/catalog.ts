/**
 * The local pool's catalog. DuckDB stores the rows; the catalog remembers what DuckDB cannot:
 * each column's declared T-SQL type (so `nvarchar(30)` comes back as nvarchar(30) and `real` as
 * real), each view's and procedure's T-SQL text, object ids and Synapse table options. It lives
 * in DuckDB itself (schema `__lp`), so it is transactional and persists with the data directory.
 * INFORMATION_SCHEMA and sys views are DuckDB views over it (schema `__lpsys`) with SQL Server's
 * column names; their declared column types are listed here.
 */
import type { TypeSpec } from './ast.js';
import { parseTypeText } from './types.js';

export interface ColumnInfo {
  readonly name: string;
  readonly type: TypeSpec;
  readonly nullable: boolean;
}

export type ObjectType = 'U' | 'V' | 'P';

export interface ObjectInfo {
  readonly id: number;
  readonly schema: string;
  readonly name: string;
  readonly type: ObjectType;
  /** T-SQL text of a view's or procedure's CREATE statement. */
  readonly definition?: string;
  readonly columns: readonly ColumnInfo[];
  /** The DuckDB name when it is not `schema.name`: a session's `#temp` table lives in DuckDB's temp catalog. */
  readonly duckName?: string;
}

export interface CatalogSnapshot {
  /** Lower-cased schema name → schema id and name as created. */
  readonly schemas: ReadonlyMap<string, { id: number; name: string }>;
  /** `schema.name` lower-cased → object. */
  readonly objects: ReadonlyMap<string, ObjectInfo>;
}

export const BUILTIN_SCHEMAS: readonly { id: number; name: string }[] = [
  { id: 1, name: 'dbo' },
  { id: 2, name: 'guest' },
  { id: 3, name: 'INFORMATION_SCHEMA' },
  { id: 4, name: 'sys' },
];

export const META_DDL = [
  `CREATE SCHEMA IF NOT EXISTS __lp`,
  `CREATE TABLE IF NOT EXISTS __lp.schemas (schema_id INTEGER PRIMARY KEY, name VARCHAR NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS __lp.objects (object_id INTEGER PRIMARY KEY, schema_id INTEGER NOT NULL, name VARCHAR NOT NULL, type VARCHAR NOT NULL,
     definition VARCHAR, options VARCHAR, create_date TIMESTAMP NOT NULL, modify_date TIMESTAMP NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS __lp.columns (object_id INTEGER NOT NULL, column_id INTEGER NOT NULL, name VARCHAR NOT NULL, type VARCHAR NOT NULL,
     type_name VARCHAR NOT NULL, char_length INTEGER, max_length INTEGER NOT NULL, precision INTEGER NOT NULL, scale INTEGER NOT NULL,
     is_nullable BOOLEAN NOT NULL, is_identity BOOLEAN NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS __lp.settings (name VARCHAR PRIMARY KEY, value VARCHAR)`,
  `CREATE SCHEMA IF NOT EXISTS dbo`,
  `INSERT INTO __lp.schemas SELECT * FROM (VALUES (1, 'dbo'), (2, 'guest')) v(a, b) WHERE NOT EXISTS (SELECT 1 FROM __lp.schemas)`,
];

/** SQL Server's system_type_id for each type. */
export const SYSTEM_TYPE_IDS: Record<string, number> = {
  image: 34,
  text: 35,
  uniqueidentifier: 36,
  date: 40,
  time: 41,
  datetime2: 42,
  datetimeoffset: 43,
  tinyint: 48,
  smallint: 52,
  int: 56,
  smalldatetime: 58,
  real: 59,
  money: 60,
  datetime: 61,
  float: 62,
  ntext: 99,
  bit: 104,
  decimal: 106,
  numeric: 108,
  smallmoney: 122,
  bigint: 127,
  varbinary: 165,
  varchar: 167,
  binary: 173,
  char: 175,
  nvarchar: 231,
  nchar: 239,
  xml: 241,
  sysname: 231,
};

const FIXED: Record<string, [number, number, number]> = {
  // max_length (bytes), precision, scale
  bit: [1, 1, 0],
  tinyint: [1, 3, 0],
  smallint: [2, 5, 0],
  int: [4, 10, 0],
  bigint: [8, 19, 0],
  real: [4, 24, 0],
  float: [8, 53, 0],
  money: [8, 19, 4],
  smallmoney: [4, 10, 4],
  date: [3, 10, 0],
  datetime: [8, 23, 3],
  smalldatetime: [4, 16, 0],
  uniqueidentifier: [16, 0, 0],
  text: [16, 0, 0],
  ntext: [16, 0, 0],
  image: [16, 0, 0],
  xml: [-1, 0, 0],
};

/** The sys.columns facts of a declared type: [max_length in bytes, precision, scale, character length or null]. */
export function columnFacts(t: TypeSpec): { maxLength: number; precision: number; scale: number; charLength: number | null } {
  if (t.name === 'decimal' || t.name === 'numeric') {
    const p = t.precision ?? 18;
    return { maxLength: p <= 9 ? 5 : p <= 19 ? 9 : p <= 28 ? 13 : 17, precision: p, scale: t.scale ?? 0, charLength: null };
  }
  if (t.name === 'datetime2' || t.name === 'time' || t.name === 'datetimeoffset') {
    const s = t.scale ?? 7;
    const base = t.name === 'time' ? 3 : t.name === 'datetime2' ? 6 : 8;
    return {
      maxLength: base + (s <= 2 ? 0 : s <= 4 ? 1 : 2),
      precision: (t.name === 'time' ? 8 : t.name === 'datetime2' ? 19 : 26) + (s ? s + 1 : 0),
      scale: s,
      charLength: null,
    };
  }
  if (t.name === 'sysname') return { maxLength: 256, precision: 0, scale: 0, charLength: 128 };
  const f = FIXED[t.name];
  if (f) return { maxLength: f[0], precision: f[1], scale: f[2], charLength: t.name === 'text' || t.name === 'ntext' ? 2147483647 : null };
  const len = t.length === 'max' ? -1 : (t.length ?? 1);
  const unicode = t.name === 'nvarchar' || t.name === 'nchar';
  return { maxLength: len === -1 ? -1 : unicode ? len * 2 : len, precision: 0, scale: 0, charLength: len };
}

export async function loadCatalog(run: (sql: string) => Promise<unknown[][]>): Promise<CatalogSnapshot> {
  const schemas = new Map<string, { id: number; name: string }>();
  for (const s of BUILTIN_SCHEMAS) schemas.set(s.name.toLowerCase(), s);
  for (const [id, name] of await run(`SELECT schema_id, name FROM __lp.schemas`))
    schemas.set(String(name).toLowerCase(), { id: Number(id), name: String(name) });
  const byId = new Map<number, { schema: string; name: string; type: ObjectType; definition?: string; columns: ColumnInfo[] }>();
  const schemaName = new Map([...schemas.values()].map((s) => [s.id, s.name]));
  for (const [id, schemaId, name, type, definition] of await run(`SELECT object_id, schema_id, name, type, definition FROM __lp.objects`)) {
    byId.set(Number(id), {
      schema: schemaName.get(Number(schemaId)) ?? 'dbo',
      name: String(name),
      type: String(type) as ObjectType,
      definition: definition === null ? undefined : String(definition),
      columns: [],
    });
  }
  for (const [id, name, type, nullable] of await run(`SELECT object_id, name, type, is_nullable FROM __lp.columns ORDER BY object_id, column_id`)) {
    byId.get(Number(id))?.columns.push({ name: String(name), type: parseTypeText(String(type)), nullable: Boolean(nullable) });
  }
  const objects = new Map<string, ObjectInfo>();
  for (const [id, o] of byId) objects.set(`${o.schema}.${o.name}`.toLowerCase(), { id, ...o });
  return { schemas, objects };
}

const S = (name: string): ColumnInfo => ({ name, type: { name: 'nvarchar', length: 128 }, nullable: true });
const V = (name: string, length: number | 'max'): ColumnInfo => ({ name, type: { name: 'varchar', length }, nullable: true });
const NV = (name: string, length: number | 'max'): ColumnInfo => ({ name, type: { name: 'nvarchar', length }, nullable: true });
const I = (name: string): ColumnInfo => ({ name, type: { name: 'int' }, nullable: true });
const T = (name: string, type: string): ColumnInfo => ({ name, type: parseTypeText(type), nullable: true });

/** A system view: its SQL Server name, the DuckDB view that implements it, its declared columns. */
export interface SystemView {
  readonly schema: 'INFORMATION_SCHEMA' | 'sys';
  readonly name: string;
  readonly duckName: string;
  readonly columns: readonly ColumnInfo[];
  readonly sql: (database: string) => string;
}

const OBJ = `SELECT o.*, s.name AS schema_name FROM __lp.objects o JOIN __lp.schemas s USING (schema_id)`;
const ALL_SCHEMAS = (db: string) =>
  `SELECT schema_id, name FROM __lp.schemas UNION ALL SELECT * FROM (VALUES (3, 'INFORMATION_SCHEMA'), (4, 'sys')) v(schema_id, name)`.replace('$db', db);
const typeDesc = `CASE o.type WHEN 'U' THEN 'USER_TABLE' WHEN 'V' THEN 'VIEW' WHEN 'P' THEN 'SQL_STORED_PROCEDURE' END`;
const str = (s: string) => `'${s.replace(/'/g, "''")}'`;

export const SYSTEM_VIEWS: readonly SystemView[] = [
  {
    schema: 'INFORMATION_SCHEMA',
    name: 'SCHEMATA',
    duckName: 'is_schemata',
    columns: [
      S('CATALOG_NAME'),
      S('SCHEMA_NAME'),
      S('SCHEMA_OWNER'),
      S('DEFAULT_CHARACTER_SET_CATALOG'),
      S('DEFAULT_CHARACTER_SET_SCHEMA'),
      S('DEFAULT_CHARACTER_SET_NAME'),
    ],
    sql: (db) =>
      `SELECT ${str(db)} AS CATALOG_NAME, name AS SCHEMA_NAME, 'dbo' AS SCHEMA_OWNER, NULL::VARCHAR AS DEFAULT_CHARACTER_SET_CATALOG, NULL::VARCHAR AS DEFAULT_CHARACTER_SET_SCHEMA, 'iso_1' AS DEFAULT_CHARACTER_SET_NAME FROM (${ALL_SCHEMAS(db)}) ORDER BY schema_id`,
  },
  {
    schema: 'INFORMATION_SCHEMA',
    name: 'TABLES',
    duckName: 'is_tables',
    columns: [S('TABLE_CATALOG'), S('TABLE_SCHEMA'), S('TABLE_NAME'), V('TABLE_TYPE', 10)],
    sql: (db) =>
      `SELECT ${str(db)} AS TABLE_CATALOG, schema_name AS TABLE_SCHEMA, name AS TABLE_NAME, CASE type WHEN 'U' THEN 'BASE TABLE' ELSE 'VIEW' END AS TABLE_TYPE FROM (${OBJ}) o WHERE type IN ('U', 'V') ORDER BY object_id`,
  },
  {
    schema: 'INFORMATION_SCHEMA',
    name: 'COLUMNS',
    duckName: 'is_columns',
    columns: [
      S('TABLE_CATALOG'),
      S('TABLE_SCHEMA'),
      S('TABLE_NAME'),
      S('COLUMN_NAME'),
      I('ORDINAL_POSITION'),
      NV('COLUMN_DEFAULT', 4000),
      V('IS_NULLABLE', 3),
      S('DATA_TYPE'),
      I('CHARACTER_MAXIMUM_LENGTH'),
      I('CHARACTER_OCTET_LENGTH'),
      T('NUMERIC_PRECISION', 'tinyint'),
      T('NUMERIC_PRECISION_RADIX', 'smallint'),
      I('NUMERIC_SCALE'),
      T('DATETIME_PRECISION', 'smallint'),
      S('CHARACTER_SET_CATALOG'),
      S('CHARACTER_SET_SCHEMA'),
      S('CHARACTER_SET_NAME'),
      S('COLLATION_CATALOG'),
      S('COLLATION_SCHEMA'),
      S('COLLATION_NAME'),
      S('DOMAIN_CATALOG'),
      S('DOMAIN_SCHEMA'),
      S('DOMAIN_NAME'),
    ],
    sql: (
      db,
    ) => `SELECT ${str(db)} AS TABLE_CATALOG, o.schema_name AS TABLE_SCHEMA, o.name AS TABLE_NAME, c.name AS COLUMN_NAME, c.column_id AS ORDINAL_POSITION,
      NULL::VARCHAR AS COLUMN_DEFAULT, CASE WHEN c.is_nullable THEN 'YES' ELSE 'NO' END AS IS_NULLABLE, c.type_name AS DATA_TYPE,
      c.char_length AS CHARACTER_MAXIMUM_LENGTH,
      CASE WHEN c.char_length IS NULL THEN NULL WHEN c.char_length = -1 THEN -1 WHEN c.type_name IN ('nchar', 'nvarchar') THEN c.char_length * 2 ELSE c.char_length END AS CHARACTER_OCTET_LENGTH,
      CASE WHEN c.type_name IN ('tinyint','smallint','int','bigint','real','float','decimal','numeric','money','smallmoney') THEN c.precision END::UTINYINT AS NUMERIC_PRECISION,
      CASE WHEN c.type_name IN ('real','float') THEN 2 WHEN c.type_name IN ('tinyint','smallint','int','bigint','decimal','numeric','money','smallmoney') THEN 10 END::SMALLINT AS NUMERIC_PRECISION_RADIX,
      CASE WHEN c.type_name IN ('tinyint','smallint','int','bigint','decimal','numeric','money','smallmoney') THEN c.scale END AS NUMERIC_SCALE,
      CASE WHEN c.type_name IN ('datetime2','time','datetimeoffset') THEN c.scale WHEN c.type_name IN ('datetime') THEN 3 WHEN c.type_name IN ('date', 'smalldatetime') THEN 0 END::SMALLINT AS DATETIME_PRECISION,
      NULL::VARCHAR AS CHARACTER_SET_CATALOG, NULL::VARCHAR AS CHARACTER_SET_SCHEMA,
      CASE WHEN c.type_name IN ('char','varchar','text') THEN 'iso_1' WHEN c.type_name IN ('nchar','nvarchar','ntext') THEN 'UNICODE' END AS CHARACTER_SET_NAME,
      NULL::VARCHAR AS COLLATION_CATALOG, NULL::VARCHAR AS COLLATION_SCHEMA,
      CASE WHEN c.char_length IS NOT NULL AND c.type_name NOT IN ('binary','varbinary','image') THEN 'SQL_Latin1_General_CP1_CI_AS' END AS COLLATION_NAME,
      NULL::VARCHAR AS DOMAIN_CATALOG, NULL::VARCHAR AS DOMAIN_SCHEMA, NULL::VARCHAR AS DOMAIN_NAME
      FROM __lp.columns c JOIN (${OBJ}) o USING (object_id) ORDER BY o.object_id, c.column_id`,
  },
  {
    schema: 'INFORMATION_SCHEMA',
    name: 'VIEWS',
    duckName: 'is_views',
    columns: [S('TABLE_CATALOG'), S('TABLE_SCHEMA'), S('TABLE_NAME'), NV('VIEW_DEFINITION', 4000), V('CHECK_OPTION', 7), V('IS_UPDATABLE', 2)],
    sql: (db) =>
      `SELECT ${str(db)} AS TABLE_CATALOG, schema_name AS TABLE_SCHEMA, name AS TABLE_NAME, left(definition, 4000) AS VIEW_DEFINITION, 'NONE' AS CHECK_OPTION, 'NO' AS IS_UPDATABLE FROM (${OBJ}) o WHERE type = 'V' ORDER BY object_id`,
  },
  {
    schema: 'INFORMATION_SCHEMA',
    name: 'ROUTINES',
    duckName: 'is_routines',
    columns: [
      S('SPECIFIC_CATALOG'),
      S('SPECIFIC_SCHEMA'),
      S('SPECIFIC_NAME'),
      S('ROUTINE_CATALOG'),
      S('ROUTINE_SCHEMA'),
      S('ROUTINE_NAME'),
      NV('ROUTINE_TYPE', 20),
      S('DATA_TYPE'),
      V('ROUTINE_BODY', 30),
      NV('ROUTINE_DEFINITION', 4000),
      V('IS_DETERMINISTIC', 10),
      V('SQL_DATA_ACCESS', 30),
      T('CREATED', 'datetime'),
      T('LAST_ALTERED', 'datetime'),
    ],
    sql: (
      db,
    ) => `SELECT ${str(db)} AS SPECIFIC_CATALOG, schema_name AS SPECIFIC_SCHEMA, name AS SPECIFIC_NAME, ${str(db)} AS ROUTINE_CATALOG, schema_name AS ROUTINE_SCHEMA, name AS ROUTINE_NAME,
      'PROCEDURE' AS ROUTINE_TYPE, NULL::VARCHAR AS DATA_TYPE, 'SQL' AS ROUTINE_BODY, left(definition, 4000) AS ROUTINE_DEFINITION, 'NO' AS IS_DETERMINISTIC, 'MODIFIES' AS SQL_DATA_ACCESS,
      create_date AS CREATED, modify_date AS LAST_ALTERED FROM (${OBJ}) o WHERE type = 'P' ORDER BY object_id`,
  },
  {
    schema: 'sys',
    name: 'schemas',
    duckName: 'sys_schemas',
    columns: [S('name'), I('schema_id'), I('principal_id')],
    sql: (db) => `SELECT name, schema_id, 1 AS principal_id FROM (${ALL_SCHEMAS(db)}) ORDER BY schema_id`,
  },
  ...(['objects', 'tables', 'views', 'procedures'] as const).map((which): SystemView => ({
    schema: 'sys',
    name: which,
    duckName: `sys_${which}`,
    columns: [
      S('name'),
      I('object_id'),
      I('principal_id'),
      I('schema_id'),
      I('parent_object_id'),
      T('type', 'char(2)'),
      NV('type_desc', 60),
      T('create_date', 'datetime'),
      T('modify_date', 'datetime'),
      T('is_ms_shipped', 'bit'),
    ],
    sql: () =>
      `SELECT name, object_id, NULL::INTEGER AS principal_id, schema_id, 0 AS parent_object_id, rpad(type, 2, ' ') AS type, ${typeDesc} AS type_desc, create_date, modify_date, false AS is_ms_shipped FROM __lp.objects o` +
      (which === 'tables' ? ` WHERE type = 'U'` : which === 'views' ? ` WHERE type = 'V'` : which === 'procedures' ? ` WHERE type = 'P'` : '') +
      ` ORDER BY object_id`,
  })),
  {
    schema: 'sys',
    name: 'columns',
    duckName: 'sys_columns',
    columns: [
      I('object_id'),
      S('name'),
      I('column_id'),
      T('system_type_id', 'tinyint'),
      I('user_type_id'),
      T('max_length', 'smallint'),
      T('precision', 'tinyint'),
      T('scale', 'tinyint'),
      S('collation_name'),
      T('is_nullable', 'bit'),
      T('is_identity', 'bit'),
      T('is_computed', 'bit'),
    ],
    sql: () =>
      `SELECT c.object_id, c.name, c.column_id, t.system_type_id::UTINYINT AS system_type_id, t.user_type_id, c.max_length::SMALLINT AS max_length, c.precision::UTINYINT AS precision, c.scale::UTINYINT AS scale,
       CASE WHEN c.char_length IS NOT NULL AND c.type_name NOT IN ('binary','varbinary','image') THEN 'SQL_Latin1_General_CP1_CI_AS' END AS collation_name,
       c.is_nullable, c.is_identity, false AS is_computed FROM __lp.columns c JOIN __lpsys.types_base t ON t.name = c.type_name ORDER BY c.object_id, c.column_id`,
  },
  {
    schema: 'sys',
    name: 'types',
    duckName: 'sys_types',
    columns: [
      S('name'),
      T('system_type_id', 'tinyint'),
      I('user_type_id'),
      I('schema_id'),
      T('max_length', 'smallint'),
      T('precision', 'tinyint'),
      T('scale', 'tinyint'),
      S('collation_name'),
      T('is_nullable', 'bit'),
      T('is_user_defined', 'bit'),
    ],
    sql: () =>
      `SELECT name, system_type_id::UTINYINT AS system_type_id, user_type_id, 4 AS schema_id, max_length::SMALLINT AS max_length, precision::UTINYINT AS precision, scale::UTINYINT AS scale, NULL::VARCHAR AS collation_name, true AS is_nullable, false AS is_user_defined FROM __lpsys.types_base ORDER BY user_type_id`,
  },
  {
    schema: 'sys',
    name: 'sql_modules',
    duckName: 'sys_sql_modules',
    columns: [I('object_id'), NV('definition', 'max')],
    sql: () => `SELECT object_id, definition FROM __lp.objects WHERE type IN ('V', 'P') ORDER BY object_id`,
  },
  {
    schema: 'sys',
    name: 'databases',
    duckName: 'sys_databases',
    columns: [S('name'), I('database_id'), T('create_date', 'datetime'), T('compatibility_level', 'tinyint'), S('collation_name')],
    sql: (db) =>
      `SELECT * FROM (VALUES (${str(db)}, 5, TIMESTAMP '2024-01-01 00:00:00', 130::UTINYINT, 'SQL_Latin1_General_CP1_CI_AS')) v(name, database_id, create_date, compatibility_level, collation_name)`,
  },
];

/** The DDL that (re)creates the system views for a database name. */
export function systemViewDdl(database: string): string[] {
  const types = Object.entries(SYSTEM_TYPE_IDS)
    .map(([name, id]) => {
      const f = columnFacts({
        name,
        length: ['varchar', 'char', 'binary', 'varbinary'].includes(name) ? 8000 : ['nvarchar', 'nchar'].includes(name) ? 4000 : undefined,
        precision: name === 'decimal' || name === 'numeric' ? 38 : undefined,
        scale: name === 'decimal' || name === 'numeric' ? 38 : undefined,
      });
      const maxLength = ['varchar', 'char', 'binary', 'varbinary', 'nvarchar', 'nchar'].includes(name) ? 8000 : f.maxLength;
      return `(${str(name)}, ${id}, ${name === 'sysname' ? 256 : id}, ${maxLength}, ${f.precision}, ${f.scale})`;
    })
    .join(', ');
  return [
    `CREATE SCHEMA IF NOT EXISTS __lpsys`,
    `CREATE OR REPLACE VIEW __lpsys.types_base AS SELECT * FROM (VALUES ${types}) v(name, system_type_id, user_type_id, max_length, precision, scale)`,
    ...SYSTEM_VIEWS.map((v) => `CREATE OR REPLACE VIEW __lpsys.${v.duckName} AS ${v.sql(database)}`),
  ];
}

export function findSystemView(schema: string, name: string): SystemView | undefined {
  return SYSTEM_VIEWS.find((v) => v.schema.toLowerCase() === schema.toLowerCase() && v.name.toLowerCase() === name.toLowerCase());
}
