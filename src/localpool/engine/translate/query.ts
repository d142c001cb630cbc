/**
 * Queries and expressions, translated to DuckDB SQL: SELECT, set operations, CTEs, FROM sources
 * (tables, views, derived tables, PREDICT), and scalar expressions; function calls go through the
 * table in functions/.
 */
import { SqlError, type SqlValue } from '../api.js';
import type { Expr, OrderItem, PredictNode, Query, QueryBody, SelectCore, TableRef, TypeSpec } from '../ast.js';
import type { ObjectInfo } from '../catalog.js';
import { parseBatch, unsupported } from '../parser.js';
import { checkType, duckType, withDefaultLength } from '../types.js';
import {
  duckTableName,
  isIntType,
  isStringType,
  q,
  resolveObject,
  Scope,
  sqlString,
  STRING_TYPES,
  type CteInfo,
  type OutCol,
  type Passthrough,
  type PredictJob,
  type Source,
  type TExpr,
  type Translated,
  type TranslateContext,
} from './context.js';
import { DATEPART, dateFunction } from './functions/datetime.js';
import { translateCall } from './functions/index.js';
import { globalVariable } from './functions/system.js';

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
      throw new SqlError(
        205,
        'All queries combined using a UNION, INTERSECT or EXCEPT operator must have an equal number of expressions in their target lists.',
        0,
      );
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
        const onlyData =
          qual && s.dataAlias && qual[qual.length - 1]!.toLowerCase() === s.dataAlias.toLowerCase() && !s.names.includes(s.dataAlias.toLowerCase());
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
    !core.where &&
    !core.groupBy.length &&
    !core.having &&
    !core.distinct &&
    !core.top &&
    only!.expr.k === 'call' &&
    (only!.expr.name === 'COUNT' || only!.expr.name === 'COUNT_BIG') &&
    !only!.expr.over &&
    !only!.expr.distinct &&
    only!.expr.args.length === 1 &&
    only!.expr.args[0]!.k === 'star' &&
    !only!.assignTo
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

export function tableRef(ctx: TranslateContext, ref: TableRef, scope: Scope): string {
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

export function addSource(scope: Scope, s: Source): void {
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
  const dataAlias =
    node.dataAlias ?? (node.data.k === 'table' ? node.data.name.parts[node.data.name.parts.length - 1]! : node.data.k === 'derived' ? node.data.alias : 'data');
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
        const onlyData =
          src.dataAlias && qual[qual.length - 1]!.toLowerCase() === src.dataAlias.toLowerCase() && !src.names.includes(src.dataAlias.toLowerCase());
        const pool = onlyData ? src.cols.slice(0, src.dataCount) : src.cols;
        const col = pool.find((c) => c.name.toLowerCase() === colName);
        if (col) return { src, col };
        return { src, col: { name: '', nullable: true } };
      }
    }
  }
  return undefined;
}

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
        return {
          sql: `(${l.sql} || ${r.sql})`,
          type: { name: l.type?.name === 'nvarchar' || r.type?.name === 'nvarchar' ? 'nvarchar' : 'varchar', length: 'max' },
        };
      }
      // A zero divisor is SQL Server's error 8134, where DuckDB would return NULL or infinity.
      const divisor = e.op === '/' || e.op === '%' ? `(CASE WHEN ${r.sql} = 0 THEN error('Division by zero') ELSE ${r.sql} END)` : r.sql;
      if (e.op === '/' && isIntType(l.type) && isIntType(r.type)) return { sql: `(${l.sql} // ${divisor})`, type: widerInt(l.type, r.type) };
      if (e.op === '^') return { sql: `xor(${l.sql}, ${r.sql})`, type: l.type };
      const numeric = ['+', '-', '*', '%', '/'].includes(e.op);
      const type =
        numeric && isIntType(l.type) && isIntType(r.type)
          ? widerInt(l.type, r.type)
          : numeric && (l.type?.name === 'float' || r.type?.name === 'float')
            ? { name: 'float' }
            : undefined;
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
      if (t.cols.length !== 1)
        throw new SqlError(116, 'Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.', 0);
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
      return dateFunction(
        e.name,
        DATEPART[e.part]!,
        e.args.map((x) => expr(ctx, x, scope)),
      );
    case 'call':
      return call(ctx, e, scope);
  }
}

function widerInt(a?: TypeSpec, b?: TypeSpec): TypeSpec {
  const order = ['tinyint', 'smallint', 'int', 'bigint'];
  return { name: order[Math.max(order.indexOf(a!.name), order.indexOf(b!.name))]! };
}

function subquery(ctx: TranslateContext, query: Query, scope: Scope, what: string): string {
  const t = translateQuery(ctx, query, scope);
  if (t.cols.length !== 1)
    throw new SqlError(116, `Only one expression can be specified in the select list when the subquery is not introduced with EXISTS.`, 0);
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

/** A function call: its OVER clause first (as SQL Server binds it), then the function's own translation. */
function call(ctx: TranslateContext, e: Extract<Expr, { k: 'call' }>, scope: Scope): TExpr {
  const over = e.over
    ? ` OVER (${e.over.partitionBy.length ? `PARTITION BY ${e.over.partitionBy.map((p) => expr(ctx, p, scope).sql).join(', ')}` : ''}${
        e.over.orderBy.length ? ` ORDER BY ${e.over.orderBy.map((o) => `${expr(ctx, o.expr, scope).sql}${o.desc ? ' DESC' : ''}`).join(', ')}` : ''
      }${e.over.frame ? ` ${e.over.frame}` : ''})`
    : '';
  const dist = e.distinct ? 'DISTINCT ' : '';
  return translateCall({ ctx, e, over, dist, args: () => e.args.map((x) => expr(ctx, x, scope)), expr: (x) => expr(ctx, x, scope) });
}

/** Translates a scalar expression outside any FROM (SET, IF, PRINT, DECLARE). */
export function translateScalar(ctx: TranslateContext, e: Expr): TExpr {
  return expr(ctx, e, new Scope());
}
