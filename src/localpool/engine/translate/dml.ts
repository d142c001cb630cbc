/** INSERT, UPDATE, DELETE and MERGE, onto DuckDB's statements of the same names. */
import { SqlError } from '../api.js';
import type { Expr, MergeClause, NameRef, Query, TableRef } from '../ast.js';
import type { ColumnInfo, ObjectInfo } from '../catalog.js';
import { unsupported } from '../parse/base.js';
import { duckType } from '../types.js';
import { duckTableName, q, resolveObject, Scope, type TranslateContext } from './context.js';
import { addSource, expr, tableRef, translateQuery } from './query.js';

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
    ? new SqlError(
        110,
        'There are fewer columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.',
        0,
      )
    : new SqlError(
        109,
        'There are more columns in the INSERT statement than values specified in the VALUES clause. The number of values in the VALUES clause must match the number of columns specified in the INSERT statement.',
        0,
      );
}

export function translateInsert(
  ctx: TranslateContext,
  st: { table: NameRef; columns?: readonly string[]; values?: readonly (readonly Expr[])[]; query?: Query },
): { sql: string; table: ObjectInfo } {
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
  if (tq.cols.length < cols.length)
    throw new SqlError(
      120,
      'The select list for the INSERT statement contains fewer items than the insert list. The number of SELECT values must match the number of INSERT columns.',
      0,
    );
  if (tq.cols.length > cols.length)
    throw new SqlError(
      121,
      'The select list for the INSERT statement contains more items than the insert list. The number of SELECT values must match the number of INSERT columns.',
      0,
    );
  return {
    sql: `INSERT INTO ${target} SELECT ${cols.map((c, i) => `CAST(__s.${q(tq.cols[i]!.name || `__expr${i}`)} AS ${duckType(c.type)})`).join(', ')} FROM (${tq.sql}) AS __s`,
    table: t,
  };
}

export function translateUpdate(
  ctx: TranslateContext,
  st: { table: NameRef; sets: readonly { column: string; expr: Expr }[]; from: readonly TableRef[]; where?: Expr },
): { sql: string; table: ObjectInfo } {
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
      then = `UPDATE SET ${a.sets
        .map((s) => {
          const col = column(s.column);
          return `${q(col.name)} = CAST(${expr(ctx, s.expr, scope).sql} AS ${duckType(col.type)})`;
        })
        .join(', ')}`;
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
