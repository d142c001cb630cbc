/**
 * Translates parsed T-SQL queries and expressions to DuckDB SQL, resolving names against the
 * catalog (so errors 207/208 carry the T-SQL line) and computing each result column's declared
 * T-SQL type. PREDICT nodes become jobs (see predict/): the SQL refers to them by a temp table
 * name, and a query that is a plain projection of one PREDICT (through CTEs, views and derived
 * tables) is marked `passthrough`, so the executor can stream it without materializing.
 */
import { SqlError, type SqlValue } from './api.js';
import type { Expr, MergeClause, NameRef, OrderItem, PredictNode, Query, QueryBody, SelectCore, TableRef, TypeSpec } from './ast.js';
import { findSystemView, type CatalogSnapshot, type ColumnInfo, type ObjectInfo } from './catalog.js';
import { parseBatch, unsupported } from './parser.js';
import { checkType, duckType, withDefaultLength } from './types.js';

export interface OutCol {
  readonly name: string;
  readonly type?: TypeSpec;
  readonly nullable: boolean;
}

export interface Variable {
  readonly name: string;
  readonly type: TypeSpec;
  value: SqlValue;
}

/** A PREDICT to evaluate: the SQL that reads its DATA and its MODEL, and its result columns. */
export interface PredictJob {
  readonly id: number;
  readonly tempTable: string;
  readonly node: PredictNode;
  /** Standalone DuckDB SQL returning every DATA column. */
  readonly dataSql: string;
  readonly dataCols: readonly OutCol[];
  /** Standalone DuckDB SQL returning the model bytes (one row, one column), or the value of a variable. */
  readonly model: { readonly sql: string } | { readonly value: SqlValue };
  readonly cols: readonly OutCol[];
  /** The values of `$n` parameters the SQL refers to. */
  readonly params: readonly SqlValue[];
}

export interface Passthrough {
  readonly jobId: number;
  /** For each result column, its index among the job's columns. */
  readonly colMap: readonly number[];
  /** TOP n applied on the way. */
  readonly limit?: number;
}

export interface Translated {
  readonly sql: string;
  readonly cols: readonly OutCol[];
  readonly passthrough?: Passthrough;
  /** `SELECT COUNT(*) FROM <passthrough of a job>`. */
  readonly countOf?: { readonly jobId: number; readonly name: string; readonly big: boolean };
  /** `SELECT @v = ...` items: the variable for each result column. */
  readonly assign?: readonly string[];
}

export interface SessionFacts {
  readonly database: string;
  readonly user: string;
  readonly spid: number;
  readonly rowcount: number;
  readonly trancount: number;
  readonly version: string;
  readonly productVersion: string;
  readonly appName?: string;
  readonly hostName?: string;
  readonly now: Date;
  /** 0 without a transaction, 1 in one that can commit, -1 in one an error has made uncommittable. */
  readonly xactState?: number;
  /** The error a CATCH block is handling (ERROR_NUMBER() and the like); undefined elsewhere. */
  readonly error?: CaughtError;
}

/** What ERROR_NUMBER(), ERROR_MESSAGE(), ... report inside a CATCH block. */
export interface CaughtError {
  readonly number: number;
  readonly severity: number;
  readonly state: number;
  readonly line: number;
  readonly message: string;
  readonly procedure?: string;
}

export class TranslateContext {
  readonly jobs: PredictJob[] = [];
  readonly params: SqlValue[] = [];
  constructor(
    readonly catalog: CatalogSnapshot,
    readonly vars: Map<string, Variable>,
    readonly facts: SessionFacts,
    /** 'describe' replaces PREDICT by its columns with NULL outputs (for CREATE VIEW checks). */
    readonly mode: 'execute' | 'describe',
    readonly nextJobId: () => number,
  ) {}
}

interface Source {
  /** Lower-cased names a column qualifier may use. */
  readonly names: readonly string[];
  readonly sqlAlias: string;
  readonly cols: readonly OutCol[];
  /** PREDICT's DATA alias: answers for the first `dataCount` columns. */
  readonly dataAlias?: string;
  readonly dataCount?: number;
  readonly passthrough?: Passthrough;
}

interface CteInfo {
  readonly name: string;
  readonly sql: string;
  readonly cols: readonly OutCol[];
  readonly passthrough?: Passthrough;
}

class Scope {
  sources: Source[] = [];
  readonly ctes = new Map<string, CteInfo>();
  constructor(readonly parent?: Scope) {}
  findCte(name: string): CteInfo | undefined {
    return this.ctes.get(name.toLowerCase()) ?? this.parent?.findCte(name);
  }
  /** Every CTE visible here, outermost first, for standalone SQL. */
  visibleCtes(): CteInfo[] {
    const outer = this.parent ? this.parent.visibleCtes() : [];
    return [...outer.filter((c) => !this.ctes.has(c.name.toLowerCase())), ...this.ctes.values()];
  }
}

export const q = (name: string): string => `"${name.replace(/"/g, '""')}"`;
const sqlString = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export function rootScope(): Scope {
  return new Scope();
}

// ---------------------------------------------------------------------------------------------
// Object names

export type Resolved =
  | { readonly kind: 'object'; readonly object: ObjectInfo }
  | { readonly kind: 'system'; readonly duck: string; readonly cols: readonly OutCol[]; readonly name: string };

export function resolveObject(ctx: TranslateContext, ref: NameRef): Resolved | undefined {
  const parts = ref.parts;
  if (parts.length === 4) throw unsupported('linked servers (four-part names)', ref.line);
  if (parts.length === 3 && parts[0] && parts[0].toLowerCase() !== ctx.facts.database.toLowerCase()) {
    throw new SqlError(208, `Invalid object name '${ref.text}'.`, ref.line);
  }
  const name = parts[parts.length - 1]!;
  if (name.startsWith('#')) {
    // A session's #temp table (the session adds them to its catalog under their own name).
    const temp = ctx.catalog.objects.get(name.toLowerCase());
    return temp ? { kind: 'object', object: temp } : undefined;
  }
  const schema = parts.length >= 2 && parts[parts.length - 2] ? parts[parts.length - 2]! : 'dbo';
  const sys = findSystemView(schema, name);
  if (sys) return { kind: 'system', duck: `__lpsys.${sys.duckName}`, cols: sys.columns, name: sys.name };
  const obj = ctx.catalog.objects.get(`${schema}.${name}`.toLowerCase());
  return obj ? { kind: 'object', object: obj } : undefined;
}

export function duckTableName(o: { schema: string; name: string; duckName?: string }): string {
  return o.duckName ?? `${q(o.schema)}.${q(o.name)}`;
}

// ---------------------------------------------------------------------------------------------
// Queries

export function translateQuery(ctx: TranslateContext, query: Query, parent?: Scope): Translated {
  const scope = new Scope(parent);
  for (const cte of query.with) {
    if (scope.ctes.has(cte.name.toLowerCase())) throw new SqlError(239, `Duplicate common table expression name '${cte.name}' was specified.`, 0);
    const t = translateQuery(ctx, cte.query, scope);
    let cols = t.cols;
    if (cte.columns) {
      if (cte.columns.length !== cols.length) {
        throw new SqlError(8158, `'${cte.name}' has more columns than were specified in the column list.`, 0);
      }
      cols = cols.map((c, i) => ({ ...c, name: cte.columns![i]! }));
    }
    const sql = cte.columns ? `SELECT * FROM (${t.sql}) AS __t(${cte.columns.map(q).join(', ')})` : t.sql;
    checkDistinctNames(cols, cte.name);
    scope.ctes.set(cte.name.toLowerCase(), { name: cte.name, sql, cols, passthrough: t.passthrough });
  }
  const body = translateBody(ctx, query.body, scope, query.orderBy.length > 0 || query.offset !== undefined);
  let sql = body.sql;
  const withSql = scope.ctes.size ? `WITH ${[...scope.ctes.values()].map((c) => `${q(c.name)} AS (${c.sql})`).join(', ')} ` : '';
  if (query.orderBy.length) {
    const orderScope = body.scope ?? scope;
    sql += ` ORDER BY ${query.orderBy.map((o) => orderItem(ctx, o, orderScope, body.cols)).join(', ')}`;
  }
  if (body.limit !== undefined) sql += ` LIMIT ${body.limit}`;
  if (query.offset !== undefined) {
    if (query.fetch !== undefined) sql += ` LIMIT ${expr(ctx, query.fetch, scope).sql}`;
    sql += ` OFFSET ${expr(ctx, query.offset, scope).sql}`;
  }
  const passthrough = query.orderBy.length || query.offset !== undefined ? undefined : body.passthrough;
  return { sql: withSql + sql, cols: body.cols, passthrough, countOf: query.orderBy.length ? undefined : body.countOf, assign: body.assign };
}

function checkDistinctNames(cols: readonly OutCol[], owner: string): void {
  const seen = new Set<string>();
  for (const c of cols) {
    if (!c.name) throw new SqlError(8155, `No column name was specified for column ${cols.indexOf(c) + 1} of '${owner}'.`, 0);
    const k = c.name.toLowerCase();
    if (seen.has(k)) throw new SqlError(8156, `The column '${c.name}' was specified multiple times for '${owner}'.`, 0);
    seen.add(k);
  }
}

interface BodyResult extends Translated {
  readonly limit?: string;
  readonly scope?: Scope;
}

function translateBody(ctx: TranslateContext, body: QueryBody, scope: Scope, ordered: boolean): BodyResult {
  if (body.k === 'paren') {
    const t = translateQuery(ctx, body.query, scope);
    return { sql: `SELECT * FROM (${t.sql}) AS __p`, cols: t.cols, passthrough: t.passthrough };
  }
  if (body.k === 'setop') {
    const l = translateBody(ctx, body.left, scope, false);
    const r = translateBody(ctx, body.right, scope, false);
    if (l.cols.length !== r.cols.length) {
      throw new SqlError(205, 'All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists.', 0);
    }
    const side = (b: BodyResult) => (b.limit !== undefined ? `(${b.sql} LIMIT ${b.limit})` : `(${b.sql})`);
    const op = body.op === 'EXCEPT' ? 'EXCEPT' : body.op === 'INTERSECT' ? 'INTERSECT' : body.op;
    return { sql: `${side(l)} ${op} ${side(r)}`, cols: l.cols.map((c, i) => ({ ...c, nullable: c.nullable || r.cols[i]!.nullable })) };
  }
  return translateCore(ctx, body, scope, ordered);
}

function translateCore(ctx: TranslateContext, core: SelectCore, parent: Scope, _ordered: boolean): BodyResult {
  const scope = new Scope(parent);
  const fromSql: string[] = [];
  for (const ref of core.from) fromSql.push(tableRef(ctx, ref, scope));
  const items: string[] = [];
  const cols: OutCol[] = [];
  const assign: string[] = [];
  const colMap: number[] = [];
  const single = core.from.length === 1 && core.from[0]!.k !== 'join' ? scope.sources[0] : undefined;
  let pass = !!single?.passthrough && !core.distinct && !core.where && !core.groupBy.length && !core.having;
  let n = 0;
  for (const item of core.items) {
    if (item.expr.k === 'star') {
      const qual = item.expr.qualifier;
      const srcs = qual ? scope.sources.filter((s) => matchesQualifier(s, qual)) : scope.sources;
      if (qual && !srcs.length) throw new SqlError(4104, `The multi-part identifier "${qual.join('.')}" could not be bound.`, 0);
      if (!scope.sources.length) throw new SqlError(263, 'Must specify table to select from.', 0);
      for (const s of srcs) {
        const onlyData = qual && s.dataAlias && qual[qual.length - 1]!.toLowerCase() === s.dataAlias.toLowerCase() && !s.names.includes(s.dataAlias.toLowerCase());
        const take = onlyData ? s.cols.slice(0, s.dataCount) : s.cols;
        take.forEach((c, i) => {
          items.push(`${q(s.sqlAlias)}.${q(c.name)} AS ${q(c.name)}`);
          cols.push(c);
          if (s === single && single.passthrough) colMap.push(single.passthrough.colMap[i]!);
          n++;
        });
      }
      continue;
    }
    const e = expr(ctx, item.expr, scope);
    const name = item.alias ?? (item.expr.k === 'col' ? item.expr.parts[item.expr.parts.length - 1]! : '');
    items.push(`${e.sql} AS ${q(name || `__expr${n}`)}`);
    cols.push({ name, type: e.type, nullable: true });
    if (item.assignTo) assign.push(item.assignTo);
    if (pass && item.expr.k === 'col' && !item.assignTo) {
      const colName = item.expr.parts[item.expr.parts.length - 1]!.toLowerCase();
      const i = single!.cols.findIndex((c) => c.name.toLowerCase() === colName);
      if (i >= 0) colMap.push(single!.passthrough!.colMap[i]!);
      else pass = false;
    } else pass = false;
    n++;
  }
  if (assign.length && assign.length !== core.items.length) {
    throw new SqlError(141, 'A SELECT statement that assigns a value to a variable must not be combined with data-retrieval operations.', 0);
  }
  let sql = `SELECT ${core.distinct ? 'DISTINCT ' : ''}${items.join(', ')}`;
  if (fromSql.length) sql += ` FROM ${fromSql.join(', ')}`;
  if (core.where) sql += ` WHERE ${expr(ctx, core.where, scope).sql}`;
  if (core.groupBy.length) sql += ` GROUP BY ${core.groupBy.map((g) => expr(ctx, g, scope).sql).join(', ')}`;
  if (core.having) sql += ` HAVING ${expr(ctx, core.having, scope).sql}`;
  let limit: string | undefined;
  let limitNumber: number | undefined;
  if (core.top) {
    if (core.top.percent) throw unsupported('TOP ... PERCENT', 0);
    limit = expr(ctx, core.top.count, scope).sql;
    limitNumber = core.top.count.k === 'lit' && core.top.count.type === 'number' ? Number(core.top.count.value) : undefined;
    if (limitNumber === undefined) pass = false;
  }
  let passthrough: Passthrough | undefined;
  if (pass && single?.passthrough) {
    const innerLimit = single.passthrough.limit;
    const lim = limitNumber === undefined ? innerLimit : innerLimit === undefined ? limitNumber : Math.min(limitNumber, innerLimit);
    passthrough = { jobId: single.passthrough.jobId, colMap, limit: lim };
  }
  let countOf: Translated['countOf'];
  const only = core.items[0];
  if (
    core.items.length === 1 &&
    single?.passthrough &&
    single.passthrough.limit === undefined &&
    !core.where && !core.groupBy.length && !core.having && !core.distinct && !core.top &&
    only!.expr.k === 'call' && (only!.expr.name === 'COUNT' || only!.expr.name === 'COUNT_BIG') &&
    !only!.expr.over && !only!.expr.distinct && only!.expr.args.length === 1 && only!.expr.args[0]!.k === 'star' && !only!.assignTo
  ) {
    countOf = { jobId: single.passthrough.jobId, name: only!.alias ?? '', big: only!.expr.name === 'COUNT_BIG' };
  }
  return { sql, cols, limit, scope, passthrough, countOf, assign: assign.length ? assign : undefined };
}

function orderItem(ctx: TranslateContext, o: OrderItem, scope: Scope, cols: readonly OutCol[]): string {
  let sql: string;
  if (o.expr.k === 'lit' && o.expr.type === 'number') {
    const pos = Number(o.expr.value);
    if (!Number.isInteger(pos) || pos < 1 || pos > cols.length) {
      throw new SqlError(108, `The ORDER BY position number ${o.expr.value} is out of range of the number of items in the select list.`, 0);
    }
    sql = String(pos);
  } else if (o.expr.k === 'col' && o.expr.parts.length === 1 && isSelectAlias(o.expr.parts[0]!, scope, cols)) {
    sql = q(o.expr.parts[0]!);
  } else sql = expr(ctx, o.expr, scope).sql;
  return `${sql}${o.desc ? ' DESC' : ''}`;
}

function isSelectAlias(name: string, scope: Scope, cols: readonly OutCol[]): boolean {
  const lower = name.toLowerCase();
  return !findColumn(scope, [name], true) && cols.some((c) => c.name.toLowerCase() === lower);
}

function matchesQualifier(s: Source, qual: readonly string[]): boolean {
  const last = qual[qual.length - 1]!.toLowerCase();
  if (s.names.includes(last)) {
    return true;
  }
  return !!s.dataAlias && s.dataAlias.toLowerCase() === last;
}

function tableRef(ctx: TranslateContext, ref: TableRef, scope: Scope): string {
  switch (ref.k) {
    case 'join': {
      const left = tableRef(ctx, ref.left, scope);
      const right = tableRef(ctx, ref.right, scope);
      if (ref.type === 'CROSS') return `${left} CROSS JOIN ${right}`;
      return `${left} ${ref.type === 'INNER' ? 'INNER' : `${ref.type} OUTER`} JOIN ${right} ON ${expr(ctx, ref.on!, scope).sql}`;
    }
    case 'derived': {
      const t = translateQuery(ctx, ref.query, scope.parent);
      let cols = t.cols;
      if (ref.columns) {
        if (ref.columns.length !== cols.length) throw new SqlError(8158, `'${ref.alias}' has more columns than were specified in the column list.`, 0);
        cols = cols.map((c, i) => ({ ...c, name: ref.columns![i]! }));
      }
      checkDistinctNames(cols, ref.alias);
      addSource(scope, { names: [ref.alias.toLowerCase()], sqlAlias: ref.alias, cols, passthrough: t.passthrough });
      return `(${t.sql}) AS ${q(ref.alias)}${ref.columns ? `(${ref.columns.map(q).join(', ')})` : ''}`;
    }
    case 'predict': {
      const alias = ref.alias ?? 'PREDICT';
      return predictRef(ctx, ref.predict, alias, scope);
    }
    case 'table': {
      const name = ref.name;
      const alias = ref.alias ?? name.parts[name.parts.length - 1]!;
      if (name.parts.length === 1) {
        const cte = scope.findCte(name.parts[0]!);
        if (cte) {
          addSource(scope, { names: [alias.toLowerCase()], sqlAlias: alias, cols: cte.cols, passthrough: cte.passthrough });
          return `${q(cte.name)} AS ${q(alias)}`;
        }
      }
      const r = resolveObject(ctx, name);
      if (!r || (r.kind === 'object' && r.object.type === 'P')) throw new SqlError(208, `Invalid object name '${name.text}'.`, name.line);
      const names = [alias.toLowerCase()];
      if (r.kind === 'system') {
        addSource(scope, { names, sqlAlias: alias, cols: r.cols });
        return `${r.duck} AS ${q(alias)}`;
      }
      const o = r.object;
      if (o.type === 'U') {
        addSource(scope, { names, sqlAlias: alias, cols: o.columns });
        return `${duckTableName(o)} AS ${q(alias)}`;
      }
      // A view: its T-SQL text is translated in place (views may contain PREDICT).
      const t = viewQuery(ctx, o);
      addSource(scope, { names, sqlAlias: alias, cols: t.cols, passthrough: t.passthrough });
      return `(${t.sql}) AS ${q(alias)}`;
    }
  }
}

const viewDepth = { n: 0 };

/** Translates a view's stored T-SQL query. */
export function viewQuery(ctx: TranslateContext, o: ObjectInfo): Translated {
  if (viewDepth.n > 32) throw new SqlError(217, 'Maximum stored procedure, function, trigger, or view nesting level exceeded (limit 32).', 0);
  const stmts = parseBatch(o.definition ?? '');
  const st = stmts[0];
  if (!st || st.k !== 'createView') throw new SqlError(208, `Invalid object name '${o.schema}.${o.name}'.`, 0);
  viewDepth.n++;
  try {
    const t = translateQuery(ctx, st.query);
    if (st.columns) {
      const cols = t.cols.map((c, i) => ({ ...c, name: st.columns![i] ?? c.name }));
      return { ...t, sql: `SELECT * FROM (${t.sql}) AS __v(${st.columns.map(q).join(', ')})`, cols };
    }
    return t;
  } catch (e) {
    if (e instanceof SqlError && e.number !== 40517) {
      throw new SqlError(e.number, `${e.message} (in view '${o.schema}.${o.name}')`, e.line, e.severity, e.state);
    }
    throw e;
  } finally {
    viewDepth.n--;
  }
}

function addSource(scope: Scope, s: Source): void {
  for (const n of s.names) {
    if (scope.sources.some((x) => x.names.includes(n))) {
      throw new SqlError(1011, `The correlation name '${s.sqlAlias}' is specified multiple times in a FROM clause.`, 0);
    }
  }
  scope.sources.push(s);
}

function predictRef(ctx: TranslateContext, node: PredictNode, alias: string, scope: Scope): string {
  if (node.runtime !== undefined && node.runtime !== 'ONNX') {
    throw new SqlError(102, `Incorrect syntax near '${node.runtime}'. PREDICT supports RUNTIME = ONNX.`, node.line, 15);
  }
  // DATA: a table, view, CTE or derived table, resolved in this scope.
  const dataScope = new Scope(scope.parent);
  for (const [k, v] of scope.ctes) dataScope.ctes.set(k, v);
  const dataAlias = node.dataAlias ?? (node.data.k === 'table' ? node.data.name.parts[node.data.name.parts.length - 1]! : node.data.k === 'derived' ? node.data.alias : 'data');
  const dataRef: TableRef = node.data.k === 'table' ? { ...node.data, alias: dataAlias } : node.data;
  const fromSql = tableRef(ctx, dataRef, dataScope);
  const dataSrc = dataScope.sources[0]!;
  const dataCols = dataSrc.cols;
  for (const o of node.outputs) checkType(o.type, node.line, o.name);
  const outCols: OutCol[] = node.outputs.map((o) => ({ name: o.name, type: o.type, nullable: !o.notNull }));
  const cols = [...dataCols, ...outCols];
  const names = [alias.toLowerCase()];
  const ctes = visibleCtes(scope);
  const withSql = ctes.length ? `WITH ${ctes.map((c) => `${q(c.name)} AS (${c.sql})`).join(', ')} ` : '';
  if (ctx.mode === 'describe') {
    const outs = node.outputs.map((o) => `CAST(NULL AS ${duckType(o.type)}) AS ${q(o.name)}`);
    addSource(scope, { names, sqlAlias: alias, cols, dataAlias, dataCount: dataCols.length });
    // Touch the model expression so that its names are checked.
    expr(ctx, node.model, scope);
    return `(SELECT ${[...dataCols.map((c) => `${q(dataAlias)}.${q(c.name)}`), ...outs].join(', ')} FROM ${fromSql}) AS ${q(alias)}`;
  }
  let model: PredictJob['model'];
  if (node.model.k === 'var') {
    const v = ctx.vars.get(node.model.name.toLowerCase());
    if (!v) throw new SqlError(137, `Must declare the scalar variable "${node.model.name}".`, node.model.line);
    model = { value: v.value };
  } else if (node.model.k === 'lit') {
    model = { value: node.model.type === 'binary' ? hexBytes(node.model.value) : node.model.type === 'null' ? null : node.model.value };
  } else {
    model = { sql: `${withSql}SELECT ${expr(ctx, node.model, scope).sql}` };
  }
  const id = ctx.nextJobId();
  const job: PredictJob = {
    id,
    tempTable: `__lp_predict_${id}`,
    node,
    dataSql: `${withSql}SELECT ${dataCols.map((c) => `${q(dataAlias)}.${q(c.name)}`).join(', ')} FROM ${fromSql}`,
    dataCols,
    model,
    cols,
    params: ctx.params,
  };
  ctx.jobs.push(job);
  addSource(scope, {
    names,
    sqlAlias: alias,
    cols,
    dataAlias,
    dataCount: dataCols.length,
    passthrough: { jobId: id, colMap: cols.map((_, i) => i) },
  });
  return `temp.main.${q(job.tempTable)} AS ${q(alias)}`;
}

function visibleCtes(scope: Scope): CteInfo[] {
  return scope.visibleCtes();
}

export function hexBytes(hex: string): Uint8Array {
  const h = hex.length % 2 ? '0' + hex : hex;
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Expressions

export interface TExpr {
  readonly sql: string;
  readonly type?: TypeSpec;
}

function findColumn(scope: Scope | undefined, parts: readonly string[], localOnly = false): { src: Source; col: OutCol } | undefined {
  const colName = parts[parts.length - 1]!.toLowerCase();
  for (let s: Scope | undefined = scope; s; s = localOnly ? undefined : s.parent) {
    if (parts.length === 1) {
      const hits: { src: Source; col: OutCol }[] = [];
      for (const src of s.sources) {
        const col = src.cols.find((c) => c.name.toLowerCase() === colName);
        if (col) hits.push({ src, col });
      }
      if (hits.length > 1) throw new SqlError(209, `Ambiguous column name '${parts[0]}'.`, 0);
      if (hits.length) return hits[0];
    } else {
      const qual = parts.slice(0, -1);
      for (const src of s.sources) {
        if (!matchesQualifier(src, qual)) continue;
        const onlyData = src.dataAlias && qual[qual.length - 1]!.toLowerCase() === src.dataAlias.toLowerCase() && !src.names.includes(src.dataAlias.toLowerCase());
        const pool = onlyData ? src.cols.slice(0, src.dataCount) : src.cols;
        const col = pool.find((c) => c.name.toLowerCase() === colName);
        if (col) return { src, col };
        return { src, col: { name: '', nullable: true } };
      }
    }
  }
  return undefined;
}

const DATEPART: Record<string, string> = {
  year: 'year', yy: 'year', yyyy: 'year', quarter: 'quarter', qq: 'quarter', q: 'quarter', month: 'month', mm: 'month', m: 'month',
  dayofyear: 'dayofyear', dy: 'dayofyear', y: 'dayofyear', day: 'day', dd: 'day', d: 'day', week: 'week', wk: 'week', ww: 'week',
  weekday: 'dayofweek', dw: 'dayofweek', w: 'dayofweek', hour: 'hour', hh: 'hour', minute: 'minute', mi: 'minute', n: 'minute',
  second: 'second', ss: 'second', s: 'second', millisecond: 'millisecond', ms: 'millisecond', microsecond: 'microsecond', mcs: 'microsecond',
  nanosecond: 'nanosecond', ns: 'nanosecond',
};

/** Functions translated by renaming (T-SQL name → DuckDB name). */
const RENAMED: Record<string, string> = {
  ISNULL: 'coalesce', COALESCE: 'coalesce', NULLIF: 'nullif', UPPER: 'upper', LOWER: 'lower', LTRIM: 'ltrim', RTRIM: 'rtrim', TRIM: 'trim',
  REPLACE: 'replace', REVERSE: 'reverse', SUBSTRING: 'substring', LEFT: 'left', RIGHT: 'right', CONCAT: 'concat', REPLICATE: 'repeat',
  ABS: 'abs', CEILING: 'ceil', FLOOR: 'floor', SQRT: 'sqrt', EXP: 'exp', LOG10: 'log10', SIGN: 'sign', POWER: 'pow', SIN: 'sin', COS: 'cos',
  TAN: 'tan', ASIN: 'asin', ACOS: 'acos', ATAN: 'atan', ATN2: 'atan2', DEGREES: 'degrees', RADIANS: 'radians', PI: 'pi', RAND: 'random',
  SUM: 'sum', AVG: 'avg', MIN: 'min', MAX: 'max', STDEV: 'stddev_samp', STDEVP: 'stddev_pop', VAR: 'var_samp', VARP: 'var_pop',
  ROW_NUMBER: 'row_number', RANK: 'rank', DENSE_RANK: 'dense_rank', NTILE: 'ntile', LAG: 'lag', LEAD: 'lead', FIRST_VALUE: 'first_value',
  LAST_VALUE: 'last_value', YEAR: 'year', MONTH: 'month', DAY: 'day', ASCII: 'ascii', UNICODE: 'unicode', CHAR: 'chr', NCHAR: 'chr',
  SPACE: 'space', STRING_AGG: 'string_agg', CONCAT_WS: 'concat_ws', EOMONTH: 'last_day', STR: 'CAST',
};

const STRING_TYPES = new Set(['char', 'varchar', 'nchar', 'nvarchar', 'text', 'ntext', 'sysname']);
const isStringType = (t?: TypeSpec) => !!t && STRING_TYPES.has(t.name);

export function expr(ctx: TranslateContext, e: Expr, scope: Scope): TExpr {
  switch (e.k) {
    case 'lit':
      if (e.type === 'null') return { sql: 'NULL' };
      if (e.type === 'string') return { sql: sqlString(e.value), type: { name: e.national ? 'nvarchar' : 'varchar', length: Math.max(1, e.value.length) } };
      if (e.type === 'binary') return { sql: `unhex(${sqlString(e.value)})`, type: { name: 'varbinary', length: Math.max(1, e.value.length / 2) } };
      if (/^-?\d+$/.test(e.value)) {
        const n = BigInt(e.value);
        if (n >= -2147483648n && n <= 2147483647n) return { sql: `${e.value}::INTEGER`.replace(/^-(.*)$/, '(-$1)'), type: { name: 'int' } };
        return { sql: `(${e.value})`, type: { name: 'decimal', precision: Math.min(38, e.value.replace('-', '').length), scale: 0 } };
      }
      if (/e/i.test(e.value)) return { sql: `(${e.value})::DOUBLE`, type: { name: 'float' } };
      return { sql: `(${e.value})` };
    case 'col': {
      const hit = findColumn(scope, e.parts);
      if (!hit || !hit.col.name) {
        if (e.parts.length > 1 && !hit) throw new SqlError(4104, `The multi-part identifier "${e.parts.join('.')}" could not be bound.`, e.line);
        throw new SqlError(207, `Invalid column name '${e.parts[e.parts.length - 1]}'.`, e.line);
      }
      return { sql: `${q(hit.src.sqlAlias)}.${q(hit.col.name)}`, type: hit.col.type };
    }
    case 'star':
      return { sql: '*' };
    case 'var':
      return variable(ctx, e.name, e.line);
    case 'unary': {
      const a = expr(ctx, e.arg, scope);
      if (e.op === 'NOT') return { sql: `(NOT ${a.sql})` };
      if (e.op === '~') return { sql: `(~${a.sql})`, type: a.type };
      return { sql: `(-${a.sql})`, type: a.type };
    }
    case 'bin': {
      const l = expr(ctx, e.left, scope);
      const r = expr(ctx, e.right, scope);
      if (e.op === '+' && (isStringType(l.type) || isStringType(r.type))) {
        return { sql: `(${l.sql} || ${r.sql})`, type: { name: l.type?.name === 'nvarchar' || r.type?.name === 'nvarchar' ? 'nvarchar' : 'varchar', length: 'max' } };
      }
      // A zero divisor is SQL Server's error 8134, where DuckDB would return NULL or infinity.
      const divisor = e.op === '/' || e.op === '%' ? `(CASE WHEN ${r.sql} = 0 THEN error('Division by zero') ELSE ${r.sql} END)` : r.sql;
      if (e.op === '/' && isIntType(l.type) && isIntType(r.type)) return { sql: `(${l.sql} // ${divisor})`, type: widerInt(l.type, r.type) };
      if (e.op === '^') return { sql: `xor(${l.sql}, ${r.sql})`, type: l.type };
      const numeric = ['+', '-', '*', '%', '/'].includes(e.op);
      const type = numeric && isIntType(l.type) && isIntType(r.type) ? widerInt(l.type, r.type) : numeric && (l.type?.name === 'float' || r.type?.name === 'float') ? { name: 'float' } : undefined;
      return { sql: `(${l.sql} ${e.op} ${divisor})`, type };
    }
    case 'isnull':
      return { sql: `(${expr(ctx, e.arg, scope).sql} IS ${e.not ? 'NOT ' : ''}NULL)` };
    case 'in': {
      const a = expr(ctx, e.arg, scope).sql;
      const rhs = e.query ? subquery(ctx, e.query, scope, 'IN') : e.list!.map((x) => expr(ctx, x, scope).sql).join(', ');
      return { sql: `(${a} ${e.not ? 'NOT ' : ''}IN (${rhs}))` };
    }
    case 'between':
      return { sql: `(${expr(ctx, e.arg, scope).sql} ${e.not ? 'NOT ' : ''}BETWEEN ${expr(ctx, e.low, scope).sql} AND ${expr(ctx, e.high, scope).sql})` };
    case 'like':
      return { sql: `(${expr(ctx, e.arg, scope).sql} ${e.not ? 'NOT ' : ''}ILIKE ${expr(ctx, e.pattern, scope).sql})` };
    case 'exists':
      return { sql: `(EXISTS (${translateQuery(ctx, e.query, scope).sql}))` };
    case 'subquery': {
      const t = translateQuery(ctx, e.query, scope);
      if (t.cols.length !== 1) throw new SqlError(116, 'Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.', 0);
      return { sql: `(${t.sql})`, type: t.cols[0]!.type };
    }
    case 'case': {
      let sql = 'CASE';
      if (e.operand) sql += ` ${expr(ctx, e.operand, scope).sql}`;
      let type: TypeSpec | undefined;
      for (const w of e.whens) {
        const then = expr(ctx, w.then, scope);
        type ??= then.type;
        sql += ` WHEN ${expr(ctx, w.when, scope).sql} THEN ${then.sql}`;
      }
      if (e.else) sql += ` ELSE ${expr(ctx, e.else, scope).sql}`;
      return { sql: sql + ' END', type };
    }
    case 'cast': {
      checkType(e.type, 0);
      const t = withDefaultLength(e.type, true);
      const a = expr(ctx, e.arg, scope);
      const fn = e.fn === 'CAST' || e.fn === 'CONVERT' ? 'CAST' : 'TRY_CAST';
      let sql = `${fn}(${a.sql} AS ${duckType(t)})`;
      if (isIntType(t) && (a.type?.name === 'float' || a.type?.name === 'real' || a.type?.name === 'decimal' || a.type?.name === 'numeric')) {
        // T-SQL truncates toward zero when converting to an integer type; DuckDB rounds.
        sql = `${fn}(trunc(${a.sql}) AS ${duckType(t)})`;
      }
      if (typeof t.length === 'number' && STRING_TYPES.has(t.name)) sql = `left(${sql}, ${t.length})`;
      return { sql, type: t };
    }
    case 'datefn':
      return dateFunction(ctx, e.name, DATEPART[e.part]!, e.args, scope);
    case 'call':
      return call(ctx, e, scope);
  }
}

function isIntType(t?: TypeSpec): boolean {
  return !!t && ['tinyint', 'smallint', 'int', 'bigint'].includes(t.name);
}
function widerInt(a?: TypeSpec, b?: TypeSpec): TypeSpec {
  const order = ['tinyint', 'smallint', 'int', 'bigint'];
  return { name: order[Math.max(order.indexOf(a!.name), order.indexOf(b!.name))]! };
}

function subquery(ctx: TranslateContext, query: Query, scope: Scope, what: string): string {
  const t = translateQuery(ctx, query, scope);
  if (t.cols.length !== 1) throw new SqlError(116, `Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.`, 0);
  void what;
  return t.sql;
}

/** A variable's current value as a DuckDB literal (binary values go as `$n` parameters). */
export function variable(ctx: TranslateContext, name: string, line: number): TExpr {
  const up = name.toUpperCase();
  if (up.startsWith('@@')) return globalVariable(ctx, up, line);
  const v = ctx.vars.get(name.toLowerCase());
  if (!v) throw new SqlError(137, `Must declare the scalar variable "${name}".`, line);
  return { sql: literalOf(ctx, v.value, v.type), type: v.type };
}

export function literalOf(ctx: TranslateContext, value: SqlValue, type: TypeSpec): string {
  const dt = duckType(type);
  if (value === null) return `CAST(NULL AS ${dt})`;
  if (value instanceof Uint8Array) {
    ctx.params.push(value);
    return `CAST($${ctx.params.length} AS BLOB)`;
  }
  if (value instanceof Date) return `CAST(${sqlString(value.toISOString().replace('T', ' ').replace('Z', ''))} AS ${dt})`;
  if (typeof value === 'boolean') return `CAST(${value ? 'true' : 'false'} AS ${dt})`;
  if (typeof value === 'number') return Number.isFinite(value) ? `CAST(${value} AS ${dt})` : `CAST('${value}' AS ${dt})`;
  if (typeof value === 'bigint') return `CAST(${value} AS ${dt})`;
  return `CAST(${sqlString(value)} AS ${dt})`;
}

function globalVariable(ctx: TranslateContext, up: string, line: number): TExpr {
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

function dateFunction(ctx: TranslateContext, name: string, part: string, args: readonly Expr[], scope: Scope): TExpr {
  const a = args.map((x) => expr(ctx, x, scope));
  switch (name) {
    case 'DATEADD': {
      if (a.length !== 2) throw new SqlError(174, 'The dateadd function requires 3 argument(s).', 0);
      const unit = part === 'quarter' ? 'month' : part === 'week' ? 'day' : part === 'dayofyear' || part === 'dayofweek' ? 'day' : part;
      const mult = part === 'quarter' ? 3 : part === 'week' ? 7 : 1;
      const n = `CAST(${a[0]!.sql} AS BIGINT)${mult !== 1 ? ` * ${mult}` : ''}`;
      const interval = unit === 'nanosecond' ? `to_microseconds(${n} // 1000)` : `to_${unit}s(${n})`;
      return { sql: `(${a[1]!.sql} + ${interval})`, type: a[1]!.type ?? { name: 'datetime2', scale: 7 } };
    }
    case 'DATEDIFF':
    case 'DATEDIFF_BIG':
      if (a.length !== 2) throw new SqlError(174, `The ${name.toLowerCase()} function requires 3 argument(s).`, 0);
      return { sql: `CAST(date_diff('${part}', CAST(${a[0]!.sql} AS TIMESTAMP), CAST(${a[1]!.sql} AS TIMESTAMP)) AS ${name === 'DATEDIFF' ? 'INTEGER' : 'BIGINT'})`, type: { name: name === 'DATEDIFF' ? 'int' : 'bigint' } };
    case 'DATEPART':
      return { sql: `CAST(date_part('${part}', ${a[0]!.sql})${part === 'dayofweek' ? ' + 1' : ''} AS INTEGER)`, type: { name: 'int' } };
    case 'DATENAME':
      return {
        sql: part === 'month' ? `monthname(${a[0]!.sql})` : part === 'dayofweek' ? `dayname(${a[0]!.sql})` : `CAST(date_part('${part}', ${a[0]!.sql}) AS VARCHAR)`,
        type: { name: 'nvarchar', length: 30 },
      };
    default:
      return { sql: `date_trunc('${part}', ${a[0]!.sql})`, type: a[0]!.type };
  }
}

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

function call(ctx: TranslateContext, e: Extract<Expr, { k: 'call' }>, scope: Scope): TExpr {
  const args = () => e.args.map((x) => expr(ctx, x, scope));
  const f = ctx.facts;
  const over = e.over
    ? ` OVER (${e.over.partitionBy.length ? `PARTITION BY ${e.over.partitionBy.map((p) => expr(ctx, p, scope).sql).join(', ')}` : ''}${
        e.over.orderBy.length ? ` ORDER BY ${e.over.orderBy.map((o) => `${expr(ctx, o.expr, scope).sql}${o.desc ? ' DESC' : ''}`).join(', ')}` : ''
      }${e.over.frame ? ` ${e.over.frame}` : ''})`
    : '';
  const dist = e.distinct ? 'DISTINCT ' : '';
  switch (e.name) {
    case 'COUNT':
    case 'COUNT_BIG': {
      const inner = e.args.length === 1 && e.args[0]!.k === 'star' ? '*' : dist + args().map((a) => a.sql).join(', ');
      return { sql: `CAST(count(${inner})${over} AS ${e.name === 'COUNT' ? 'INTEGER' : 'BIGINT'})`, type: { name: e.name === 'COUNT' ? 'int' : 'bigint' } };
    }
    case 'GETDATE':
    case 'SYSDATETIME':
    case 'GETUTCDATE':
    case 'SYSUTCDATETIME':
    case 'SYSDATETIMEOFFSET':
    case 'CURRENT_TIMESTAMP': {
      const d = f.now;
      return { sql: `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`, type: e.name === 'GETDATE' || e.name === 'GETUTCDATE' ? { name: 'datetime' } : { name: 'datetime2', scale: 7 } };
    }
    case 'NEWID':
      return { sql: 'uuid()', type: { name: 'uniqueidentifier' } };
    case 'DB_NAME':
      return { sql: sqlString(f.database), type: NVARCHAR128 };
    case 'CHOOSE': {
      // CHOOSE(index, v1, v2, ...): the index-th value, NULL when the index is out of range.
      if (e.args.length < 2) throw new SqlError(174, `The choose function requires at least 2 argument(s).`, e.line, 15);
      const [index, ...values] = args();
      const whens = values.map((v, i) => `WHEN ${i + 1} THEN ${v.sql}`).join(' ');
      return { sql: `(CASE CAST(${index!.sql} AS INTEGER) ${whens} END)`, type: values[0]!.type };
    }
    case 'XACT_STATE':
      return { sql: `CAST(${f.xactState ?? (f.trancount > 0 ? 1 : 0)} AS SMALLINT)`, type: { name: 'smallint' } };
    case 'ERROR_NUMBER':
    case 'ERROR_SEVERITY':
    case 'ERROR_STATE':
    case 'ERROR_LINE': {
      const v = f.error && { ERROR_NUMBER: f.error.number, ERROR_SEVERITY: f.error.severity, ERROR_STATE: f.error.state, ERROR_LINE: f.error.line }[e.name];
      return { sql: v === undefined ? 'CAST(NULL AS INTEGER)' : `CAST(${Math.trunc(v)} AS INTEGER)`, type: { name: 'int' } };
    }
    case 'ERROR_MESSAGE':
      return { sql: f.error ? sqlString(f.error.message) : 'CAST(NULL AS VARCHAR)', type: { name: 'nvarchar', length: 4000 } };
    case 'ERROR_PROCEDURE':
      return { sql: f.error?.procedure ? sqlString(f.error.procedure) : 'CAST(NULL AS VARCHAR)', type: NVARCHAR128 };
    case 'DB_ID':
      return { sql: '5::SMALLINT', type: { name: 'smallint' } };
    case 'SUSER_SNAME':
    case 'SUSER_NAME':
    case 'USER_NAME':
    case 'ORIGINAL_LOGIN':
    case 'CURRENT_USER':
      return { sql: sqlString(e.name === 'USER_NAME' ? 'dbo' : f.user), type: NVARCHAR128 };
    case 'HOST_NAME':
      return { sql: sqlString(f.hostName ?? ''), type: NVARCHAR128 };
    case 'APP_NAME':
      return { sql: sqlString(f.appName ?? ''), type: NVARCHAR128 };
    case 'SCHEMA_NAME': {
      if (!e.args.length) return { sql: `'dbo'`, type: NVARCHAR128 };
      const a = expr(ctx, e.args[0]!, scope);
      const cases = [...ctx.catalog.schemas.values()].map((s) => `WHEN ${s.id} THEN ${sqlString(s.name)}`).join(' ');
      return { sql: `(CASE CAST(${a.sql} AS INTEGER) ${cases} END)`, type: NVARCHAR128 };
    }
    case 'SCHEMA_ID': {
      const name = constString(ctx, e.args[0]) ?? 'dbo';
      const s = ctx.catalog.schemas.get(name.toLowerCase());
      return { sql: s ? `${s.id}::INTEGER` : 'CAST(NULL AS INTEGER)', type: { name: 'int' } };
    }
    case 'OBJECT_ID': {
      const text = constString(ctx, e.args[0]);
      const typeFilter = constString(ctx, e.args[1])?.trim().toUpperCase();
      const id = text === undefined ? undefined : objectIdOf(ctx, text, typeFilter);
      return { sql: id === undefined ? 'CAST(NULL AS INTEGER)' : `${id}::INTEGER`, type: { name: 'int' } };
    }
    case 'OBJECT_NAME':
    case 'OBJECT_SCHEMA_NAME':
    case 'OBJECT_DEFINITION': {
      const a = expr(ctx, e.args[0]!, scope);
      const objs = [...ctx.catalog.objects.values()];
      const val = (o: ObjectInfo) => (e.name === 'OBJECT_NAME' ? o.name : e.name === 'OBJECT_SCHEMA_NAME' ? o.schema : (o.definition ?? null));
      const cases = objs.map((o) => `WHEN ${o.id} THEN ${val(o) === null ? 'NULL' : sqlString(val(o)!)}`).join(' ');
      return { sql: cases ? `(CASE CAST(${a.sql} AS INTEGER) ${cases} END)` : 'CAST(NULL AS VARCHAR)', type: e.name === 'OBJECT_DEFINITION' ? { name: 'nvarchar', length: 'max' } : NVARCHAR128 };
    }
    case 'SERVERPROPERTY': {
      const prop = (constString(ctx, e.args[0]) ?? '').toLowerCase();
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
    case 'DATABASEPROPERTYEX':
      return { sql: 'CAST(NULL AS VARCHAR)', type: { name: 'nvarchar', length: 128 } };
    case 'IIF': {
      const a = args();
      if (a.length !== 3) throw new SqlError(174, 'The iif function requires 3 argument(s).', e.line);
      return { sql: `(CASE WHEN ${a[0]!.sql} THEN ${a[1]!.sql} ELSE ${a[2]!.sql} END)`, type: a[1]!.type };
    }
    case 'LEN': {
      const a = args();
      return { sql: `CAST(length(rtrim(CAST(${a[0]!.sql} AS VARCHAR))) AS INTEGER)`, type: { name: 'int' } };
    }
    case 'DATALENGTH': {
      const a = args();
      const t = a[0]!.type;
      const unicode = t?.name === 'nvarchar' || t?.name === 'nchar';
      const sql = t && (t.name === 'varbinary' || t.name === 'binary') ? `octet_length(${a[0]!.sql})` : `strlen(CAST(${a[0]!.sql} AS VARCHAR))${unicode ? ' * 2' : ''}`;
      return { sql: `CAST(${sql} AS INTEGER)`, type: { name: 'int' } };
    }
    case 'CHARINDEX': {
      const a = args();
      if (a.length === 3) return { sql: `CAST(CASE WHEN instr(substring(${a[1]!.sql}, ${a[2]!.sql}), ${a[0]!.sql}) = 0 THEN 0 ELSE instr(substring(${a[1]!.sql}, ${a[2]!.sql}), ${a[0]!.sql}) + ${a[2]!.sql} - 1 END AS INTEGER)`, type: { name: 'int' } };
      return { sql: `CAST(instr(${a[1]!.sql}, ${a[0]!.sql}) AS INTEGER)`, type: { name: 'int' } };
    }
    case 'ROUND': {
      const a = args();
      if (a.length === 3) return { sql: `trunc(${a[0]!.sql} * pow(10, ${a[1]!.sql})) / pow(10, ${a[1]!.sql})`, type: a[0]!.type };
      return { sql: `round(${a[0]!.sql}, ${a[1]?.sql ?? 0})`, type: a[0]!.type };
    }
    case 'LOG': {
      const a = args();
      return { sql: a.length === 2 ? `(ln(${a[0]!.sql}) / ln(${a[1]!.sql}))` : `ln(${a[0]!.sql})`, type: { name: 'float' } };
    }
    case 'SQUARE': {
      const a = args();
      return { sql: `(CAST(${a[0]!.sql} AS DOUBLE) * CAST(${a[0]!.sql} AS DOUBLE))`, type: { name: 'float' } };
    }
    case 'STR': {
      const a = args();
      return { sql: `lpad(CAST(round(${a[0]!.sql}, ${a[2]?.sql ?? 0}) AS VARCHAR), ${a[1]?.sql ?? 10}, ' ')`, type: { name: 'varchar', length: 10 } };
    }
    case 'FORMAT':
    case 'PARSE':
    case 'TRY_PARSE':
    case 'OPENJSON':
    case 'JSON_VALUE':
    case 'JSON_QUERY':
    case 'ISJSON':
    case 'COMPRESS':
    case 'DECOMPRESS':
    case 'HASHBYTES':
    case 'CHECKSUM':
    case 'BINARY_CHECKSUM':
    case 'SOUNDEX':
    case 'DIFFERENCE':
    case 'PATINDEX':
    case 'STUFF':
    case 'TRANSLATE':
    case 'QUOTENAME':
    case 'STRING_ESCAPE':
    case 'TYPE_NAME':
    case 'COL_NAME':
    case 'COLUMNPROPERTY':
    case 'OBJECTPROPERTY':
    case 'OBJECTPROPERTYEX':
    case 'HAS_PERMS_BY_NAME':
    case 'IS_MEMBER':
    case 'IS_SRVROLEMEMBER':
    case 'SCOPE_IDENTITY':
    case 'IDENT_CURRENT':
    case 'GROUPING':
    case 'PERCENTILE_CONT':
    case 'PERCENTILE_DISC':
    case 'APPROX_COUNT_DISTINCT':
      if (e.name === 'QUOTENAME') {
        const a = args();
        return { sql: `('[' || replace(${a[0]!.sql}, ']', ']]') || ']')`, type: { name: 'nvarchar', length: 258 } };
      }
      throw unsupported(`the function ${e.name}`, e.line);
  }
  const renamed = RENAMED[e.name];
  if (!renamed) throw new SqlError(195, `'${e.name}' is not a recognized built-in function name.`, e.line);
  const a = args();
  let type: TypeSpec | undefined;
  if (['coalesce', 'nullif', 'min', 'max', 'abs', 'ceil', 'floor', 'sign', 'upper', 'lower', 'ltrim', 'rtrim', 'trim', 'replace', 'reverse', 'left', 'right', 'substring', 'lag', 'lead', 'first_value', 'last_value'].includes(renamed)) {
    type = a[0]?.type;
    if (type && STRING_TYPES.has(type.name) && ['replace', 'substring', 'left', 'right', 'coalesce'].includes(renamed)) type = { ...type, length: 'max' };
  }
  if (['row_number', 'rank', 'dense_rank', 'ntile'].includes(renamed)) {
    return { sql: `CAST(${renamed}(${a.map((x) => x.sql).join(', ')})${over} AS BIGINT)`, type: { name: 'bigint' } };
  }
  if (['year', 'month', 'day'].includes(renamed)) return { sql: `CAST(${renamed}(${a[0]!.sql}) AS INTEGER)`, type: { name: 'int' } };
  if (renamed === 'sum' && isIntType(a[0]?.type)) {
    // As in SQL Server: SUM of bigint is bigint, of a smaller integer int; a sum that does not fit is
    // error 8115 (DuckDB sums in 128 bits, and the cast reports the overflow).
    const big = a[0]!.type!.name === 'bigint';
    return { sql: `CAST(sum(${dist}${a[0]!.sql})${over} AS ${big ? 'BIGINT' : 'INTEGER'})`, type: { name: big ? 'bigint' : 'int' } };
  }
  if (renamed === 'avg' && isIntType(a[0]?.type)) return { sql: `CAST(trunc(avg(${dist}${a[0]!.sql})${over}) AS INTEGER)`, type: { name: 'int' } };
  return { sql: `${renamed}(${dist}${a.map((x) => x.sql).join(', ')})${over}`, type };
}

/** OBJECT_ID's answer from the catalog (undefined when there is no such object of that type). */
export function objectIdOf(ctx: TranslateContext, text: string, typeFilter?: string): number | undefined {
  let parts: string[];
  try {
    parts = parseBatchName(text);
  } catch {
    return undefined;
  }
  if (parts.length === 3 && parts[0]!.toLowerCase() !== ctx.facts.database.toLowerCase() && parts[0]!.toLowerCase() !== 'tempdb') return undefined;
  if (parts.length > 3) return undefined;
  const name = parts[parts.length - 1]!;
  const schema = parts.length >= 2 && parts[parts.length - 2] ? parts[parts.length - 2]! : 'dbo';
  if (parts.length === 3 && parts[0]!.toLowerCase() === 'tempdb' && !name.startsWith('#')) return undefined;
  // OBJECT_ID('tempdb..#t') and OBJECT_ID('#t'): the session's #temp table.
  const o = ctx.catalog.objects.get(name.startsWith('#') ? name.toLowerCase() : `${schema}.${name}`.toLowerCase());
  if (!o) return undefined;
  if (typeFilter && typeFilter !== o.type) return undefined;
  return o.id;
}

/** The parts of a multi-part name written as text (`dbo.t`, `[a.b].[c]`), as sp_rename takes it. */
export function parseNameText(text: string): string[] {
  return parseBatchName(text);
}

function parseBatchName(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  let cur = '';
  while (i < text.length) {
    const c = text[i]!;
    if (c === '[') {
      const end = text.indexOf(']', i + 1);
      let j = i + 1;
      cur = '';
      for (;;) {
        const k = text.indexOf(']', j);
        if (k < 0) throw new Error('unclosed');
        if (text[k + 1] === ']') {
          cur += text.slice(j, k) + ']';
          j = k + 2;
          continue;
        }
        cur += text.slice(j, k);
        i = k + 1;
        break;
      }
      void end;
    } else if (c === '"') {
      const k = text.indexOf('"', i + 1);
      if (k < 0) throw new Error('unclosed');
      cur = text.slice(i + 1, k);
      i = k + 1;
    } else if (c === '.') {
      out.push(cur.trim());
      cur = '';
      i++;
    } else {
      cur += c;
      i++;
    }
  }
  out.push(cur.trim());
  return out;
}

/** For errors that need an object's display name. */
export function nameText(ref: NameRef): string {
  return ref.text;
}

export { sqlString };

// ---------------------------------------------------------------------------------------------
// INSERT, UPDATE, DELETE

function targetTable(ctx: TranslateContext, ref: NameRef): ObjectInfo {
  const r = resolveObject(ctx, ref);
  if (!r || (r.kind === 'object' && r.object.type === 'P')) throw new SqlError(208, `Invalid object name '${ref.text}'.`, ref.line);
  if (r.kind === 'system') throw new SqlError(259, 'Ad hoc updates to system catalogs are not allowed.', ref.line);
  if (r.object.type === 'V') throw unsupported(`changing data through a view ('${ref.text}')`, ref.line);
  return r.object;
}

/** SQL Server's 109/110 for a VALUES row longer or shorter than the INSERT's column list. */
function valuesCountError(values: number, columns: number): SqlError {
  return values > columns
    ? new SqlError(110, 'There are fewer columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.', 0)
    : new SqlError(109, 'There are more columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.', 0);
}

export function translateInsert(ctx: TranslateContext, st: { table: NameRef; columns?: readonly string[]; values?: readonly (readonly Expr[])[]; query?: Query }): { sql: string; table: ObjectInfo } {
  const t = targetTable(ctx, st.table);
  const cols = st.columns
    ? st.columns.map((c) => {
        const col = t.columns.find((x) => x.name.toLowerCase() === c.toLowerCase());
        if (!col) throw new SqlError(207, `Invalid column name '${c}'.`, st.table.line);
        return col;
      })
    : t.columns;
  const target = `${duckTableName(t)} (${cols.map((c) => q(c.name)).join(', ')})`;
  if (st.values) {
    const scope = new Scope();
    const rows = st.values.map((row) => {
      if (row.length === 0) return null;
      if (row.length !== cols.length) throw valuesCountError(row.length, cols.length);
      return `(${row.map((e, i) => `CAST(${expr(ctx, e, scope).sql} AS ${duckType(cols[i]!.type)})`).join(', ')})`;
    });
    if (rows.some((r) => r === null)) return { sql: `INSERT INTO ${duckTableName(t)} DEFAULT VALUES`, table: t };
    return { sql: `INSERT INTO ${target} VALUES ${rows.join(', ')}`, table: t };
  }
  const tq = translateQuery(ctx, st.query!);
  if (tq.cols.length < cols.length) throw new SqlError(120, 'The select list for the INSERT statement contains fewer items than the insert list. The number of SELECT values must match the number of INSERT columns.', 0);
  if (tq.cols.length > cols.length) throw new SqlError(121, 'The select list for the INSERT statement contains more items than the insert list. The number of SELECT values must match the number of INSERT columns.', 0);
  return { sql: `INSERT INTO ${target} SELECT ${cols.map((c, i) => `CAST(__s.${q(tq.cols[i]!.name || `__expr${i}`)} AS ${duckType(c.type)})`).join(', ')} FROM (${tq.sql}) AS __s`, table: t };
}

export function translateUpdate(ctx: TranslateContext, st: { table: NameRef; sets: readonly { column: string; expr: Expr }[]; from: readonly TableRef[]; where?: Expr }): { sql: string; table: ObjectInfo } {
  const t = targetTable(ctx, st.table);
  const scope = new Scope();
  const alias = t.name;
  addSource(scope, { names: [alias.toLowerCase()], sqlAlias: alias, cols: t.columns });
  const from = st.from.map((r) => tableRef(ctx, r, scope));
  const sets = st.sets.map((s) => {
    const col = t.columns.find((c) => c.name.toLowerCase() === s.column.toLowerCase());
    if (!col) throw new SqlError(207, `Invalid column name '${s.column}'.`, 0);
    return `${q(col.name)} = CAST(${expr(ctx, s.expr, scope).sql} AS ${duckType(col.type)})`;
  });
  let sql = `UPDATE ${duckTableName(t)} AS ${q(alias)} SET ${sets.join(', ')}`;
  if (from.length) sql += ` FROM ${from.join(', ')}`;
  if (st.where) sql += ` WHERE ${expr(ctx, st.where, scope).sql}`;
  return { sql, table: t };
}

export function translateDelete(ctx: TranslateContext, st: { table: NameRef; from: readonly TableRef[]; where?: Expr }): { sql: string; table: ObjectInfo } {
  const t = targetTable(ctx, st.table);
  const scope = new Scope();
  const alias = t.name;
  addSource(scope, { names: [alias.toLowerCase()], sqlAlias: alias, cols: t.columns });
  const from = st.from.map((r) => tableRef(ctx, r, scope));
  let sql = `DELETE FROM ${duckTableName(t)} AS ${q(alias)}`;
  if (from.length) sql += ` USING ${from.join(', ')}`;
  if (st.where) sql += ` WHERE ${expr(ctx, st.where, scope).sql}`;
  return { sql, table: t };
}

/**
 * MERGE, onto DuckDB's MERGE INTO (same clauses). The target is known by its alias, or by its name;
 * updated and inserted values are cast to the target columns' types, as UPDATE and INSERT do.
 */
export function translateMerge(
  ctx: TranslateContext,
  st: { target: NameRef; alias?: string; source: TableRef; on: Expr; clauses: readonly MergeClause[] },
): { sql: string; table: ObjectInfo; manyMatches?: string } {
  const t = targetTable(ctx, st.target);
  const scope = new Scope();
  const alias = st.alias ?? t.name;
  addSource(scope, { names: [alias.toLowerCase()], sqlAlias: alias, cols: t.columns });
  const source = tableRef(ctx, st.source, scope);
  const column = (name: string): ColumnInfo => {
    const col = t.columns.find((c) => c.name.toLowerCase() === name.toLowerCase());
    if (!col) throw new SqlError(207, `Invalid column name '${name}'.`, 0);
    return col;
  };
  const clauses = st.clauses.map((c) => {
    const when = c.when === 'matched' ? 'WHEN MATCHED' : c.when === 'notMatchedBySource' ? 'WHEN NOT MATCHED BY SOURCE' : 'WHEN NOT MATCHED BY TARGET';
    const cond = c.cond ? ` AND ${expr(ctx, c.cond, scope).sql}` : '';
    const a = c.action;
    let then: string;
    if (a.k === 'delete') then = 'DELETE';
    else if (a.k === 'update') {
      then = `UPDATE SET ${a.sets.map((s) => {
        const col = column(s.column);
        return `${q(col.name)} = CAST(${expr(ctx, s.expr, scope).sql} AS ${duckType(col.type)})`;
      }).join(', ')}`;
    } else {
      const cols = a.columns ? a.columns.map(column) : t.columns;
      if (a.values.length !== cols.length) throw valuesCountError(a.values.length, cols.length);
      then = `INSERT (${cols.map((x) => q(x.name)).join(', ')}) VALUES (${a.values.map((v, i) => `CAST(${expr(ctx, v, scope).sql} AS ${duckType(cols[i]!.type)})`).join(', ')})`;
    }
    return `${when}${cond} THEN ${then}`;
  });
  const on = expr(ctx, st.on, scope).sql;
  // SQL Server refuses to update or delete a target row that more than one source row matches
  // (error 8672); DuckDB would apply each match in turn. This query finds such a row.
  const manyMatches = st.clauses.some((c) => c.when === 'matched')
    ? `SELECT 1 FROM ${duckTableName(t)} AS ${q(alias)} JOIN ${source} ON ${on} GROUP BY ${q(alias)}.rowid HAVING count(*) > 1 LIMIT 1`
    : undefined;
  return { sql: `MERGE INTO ${duckTableName(t)} AS ${q(alias)} USING ${source} ON ${on} ${clauses.join(' ')}`, table: t, manyMatches };
}

/** Translates a scalar expression outside any FROM (SET, IF, PRINT, DECLARE). */
export function translateScalar(ctx: TranslateContext, e: Expr): TExpr {
  return expr(ctx, e, new Scope());
}
