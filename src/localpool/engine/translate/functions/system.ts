/** System and metadata functions: the session, the catalog, errors in a CATCH block, server properties; and @@ globals. */
import { SqlError } from '../../api.js';
import type { Expr, TypeSpec } from '../../ast.js';
import type { ObjectInfo } from '../../catalog.js';
import { unsupported } from '../../parse/base.js';
import { sqlString, type TExpr, type TranslateContext } from '../context.js';
import { objectIdOf } from '../names.js';
import type { FunctionCall, FunctionTable } from './call.js';

/** A global variable (`@@VERSION`, `@@ROWCOUNT`, ...): `up` is its upper-case name. */
export function globalVariable(ctx: TranslateContext, up: string, line: number): TExpr {
  const f = ctx.facts;
  switch (up) {
    case '@@VERSION':
      return { sql: sqlString(f.version), type: { name: 'nvarchar', length: 300 } };
    case '@@SPID':
      return { sql: `CAST(${f.spid} AS SMALLINT)`, type: { name: 'smallint' } };
    case '@@ROWCOUNT':
      return { sql: `CAST(${f.rowcount} AS INTEGER)`, type: { name: 'int' } };
    case '@@TRANCOUNT':
      return { sql: `CAST(${f.trancount} AS INTEGER)`, type: { name: 'int' } };
    case '@@SERVERNAME':
      return { sql: sqlString('localpool'), type: { name: 'nvarchar', length: 128 } };
    case '@@ERROR':
      return { sql: '0::INTEGER', type: { name: 'int' } };
    case '@@IDENTITY':
      return { sql: 'CAST(NULL AS DECIMAL(38,0))', type: { name: 'numeric', precision: 38, scale: 0 } };
    case '@@LANGID':
      return { sql: '0::SMALLINT', type: { name: 'smallint' } };
    case '@@LANGUAGE':
      return { sql: `'us_english'`, type: { name: 'nvarchar', length: 128 } };
    case '@@MAX_PRECISION':
      return { sql: '38::UTINYINT', type: { name: 'tinyint' } };
    case '@@TEXTSIZE':
      return { sql: '2147483647::INTEGER', type: { name: 'int' } };
    case '@@OPTIONS':
      return { sql: '5496::INTEGER', type: { name: 'int' } };
    default:
      throw unsupported(`the global variable ${up}`, line);
  }
}

/** A function argument that must be known before the query runs: a string literal or a variable. */
function constString(ctx: TranslateContext, e: Expr | undefined): string | undefined {
  if (!e) return undefined;
  if (e.k === 'lit' && e.type === 'string') return e.value;
  if (e.k === 'var' && !e.name.startsWith('@@')) {
    const v = ctx.vars.get(e.name.toLowerCase());
    if (!v) throw new SqlError(137, `Must declare the scalar variable "${e.name}".`, e.line);
    return v.value === null ? undefined : String(v.value);
  }
  if (e.k === 'lit' && e.type === 'null') return undefined;
  throw unsupported('this function with an argument that is not a literal or a variable', 0);
}

const NVARCHAR128: TypeSpec = { name: 'nvarchar', length: 128 };

/** The session's user (USER_NAME: the database user, dbo). */
function user(c: FunctionCall): TExpr {
  return { sql: sqlString(c.e.name === 'USER_NAME' ? 'dbo' : c.ctx.facts.user), type: NVARCHAR128 };
}

/** ERROR_NUMBER(), ERROR_SEVERITY(), ERROR_STATE(), ERROR_LINE(): the CATCH block's error, NULL elsewhere. */
function errorNumber(c: FunctionCall): TExpr {
  const f = c.ctx.facts;
  const v = f.error && { ERROR_NUMBER: f.error.number, ERROR_SEVERITY: f.error.severity, ERROR_STATE: f.error.state, ERROR_LINE: f.error.line }[c.e.name];
  return { sql: v === undefined ? 'CAST(NULL AS INTEGER)' : `CAST(${Math.trunc(v)} AS INTEGER)`, type: { name: 'int' } };
}

/** OBJECT_NAME, OBJECT_SCHEMA_NAME, OBJECT_DEFINITION of an object id, from the catalog. */
function objectProperty(c: FunctionCall): TExpr {
  const { ctx, e } = c;
  const a = c.expr(e.args[0]!);
  const objs = [...ctx.catalog.objects.values()];
  const val = (o: ObjectInfo) => (e.name === 'OBJECT_NAME' ? o.name : e.name === 'OBJECT_SCHEMA_NAME' ? o.schema : (o.definition ?? null));
  const cases = objs.map((o) => `WHEN ${o.id} THEN ${val(o) === null ? 'NULL' : sqlString(val(o)!)}`).join(' ');
  return {
    sql: cases ? `(CASE CAST(${a.sql} AS INTEGER) ${cases} END)` : 'CAST(NULL AS VARCHAR)',
    type: e.name === 'OBJECT_DEFINITION' ? { name: 'nvarchar', length: 'max' } : NVARCHAR128,
  };
}

function serverProperty(c: FunctionCall): TExpr {
  const f = c.ctx.facts;
  const prop = (constString(c.ctx, c.e.args[0]) ?? '').toLowerCase();
  const [major] = f.productVersion.split('.');
  const values: Record<string, string | number> = {
    engineedition: 6,
    productversion: f.productVersion,
    productmajorversion: major ?? '12',
    edition: 'SQL Data Warehouse',
    productlevel: 'RTM',
    servername: 'localpool',
    machinename: 'localpool',
    collation: 'SQL_Latin1_General_CP1_CI_AS',
    isintegratedsecurityonly: 0,
    ishadrenabled: 0,
    isclustered: 0,
    isfulltextinstalled: 0,
    productupdatelevel: '',
  };
  const v = values[prop];
  if (v === undefined) return { sql: 'CAST(NULL AS VARCHAR)', type: { name: 'nvarchar', length: 128 } };
  return typeof v === 'number' ? { sql: `${v}::INTEGER`, type: { name: 'int' } } : { sql: sqlString(v), type: { name: 'nvarchar', length: 128 } };
}

export const SYSTEM_FUNCTIONS: FunctionTable = {
  NEWID: () => ({ sql: 'uuid()', type: { name: 'uniqueidentifier' } }),
  DB_NAME: (c) => ({ sql: sqlString(c.ctx.facts.database), type: NVARCHAR128 }),
  XACT_STATE: (c) => {
    const f = c.ctx.facts;
    return { sql: `CAST(${f.xactState ?? (f.trancount > 0 ? 1 : 0)} AS SMALLINT)`, type: { name: 'smallint' } };
  },
  ERROR_NUMBER: errorNumber,
  ERROR_SEVERITY: errorNumber,
  ERROR_STATE: errorNumber,
  ERROR_LINE: errorNumber,
  ERROR_MESSAGE: (c) => {
    const f = c.ctx.facts;
    return { sql: f.error ? sqlString(f.error.message) : 'CAST(NULL AS VARCHAR)', type: { name: 'nvarchar', length: 4000 } };
  },
  ERROR_PROCEDURE: (c) => {
    const f = c.ctx.facts;
    return { sql: f.error?.procedure ? sqlString(f.error.procedure) : 'CAST(NULL AS VARCHAR)', type: NVARCHAR128 };
  },
  DB_ID: () => ({ sql: '5::SMALLINT', type: { name: 'smallint' } }),
  SUSER_SNAME: user,
  SUSER_NAME: user,
  USER_NAME: user,
  ORIGINAL_LOGIN: user,
  CURRENT_USER: user,
  HOST_NAME: (c) => ({ sql: sqlString(c.ctx.facts.hostName ?? ''), type: NVARCHAR128 }),
  APP_NAME: (c) => ({ sql: sqlString(c.ctx.facts.appName ?? ''), type: NVARCHAR128 }),
  SCHEMA_NAME: (c) => {
    if (!c.e.args.length) return { sql: `'dbo'`, type: NVARCHAR128 };
    const a = c.expr(c.e.args[0]!);
    const cases = [...c.ctx.catalog.schemas.values()].map((s) => `WHEN ${s.id} THEN ${sqlString(s.name)}`).join(' ');
    return { sql: `(CASE CAST(${a.sql} AS INTEGER) ${cases} END)`, type: NVARCHAR128 };
  },
  SCHEMA_ID: (c) => {
    const name = constString(c.ctx, c.e.args[0]) ?? 'dbo';
    const s = c.ctx.catalog.schemas.get(name.toLowerCase());
    return { sql: s ? `${s.id}::INTEGER` : 'CAST(NULL AS INTEGER)', type: { name: 'int' } };
  },
  OBJECT_ID: (c) => {
    const text = constString(c.ctx, c.e.args[0]);
    const typeFilter = constString(c.ctx, c.e.args[1])?.trim().toUpperCase();
    const id = text === undefined ? undefined : objectIdOf(c.ctx, text, typeFilter);
    return { sql: id === undefined ? 'CAST(NULL AS INTEGER)' : `${id}::INTEGER`, type: { name: 'int' } };
  },
  OBJECT_NAME: objectProperty,
  OBJECT_SCHEMA_NAME: objectProperty,
  OBJECT_DEFINITION: objectProperty,
  SERVERPROPERTY: serverProperty,
  DATABASEPROPERTYEX: () => ({ sql: 'CAST(NULL AS VARCHAR)', type: { name: 'nvarchar', length: 128 } }),
};
