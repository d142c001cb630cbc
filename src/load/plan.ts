/**
 * What Load data… will do, as data: which file columns go to which table columns with which SQL
 * types, into a new table (its CREATE TABLE written here, every name through src/sql/names.ts) or
 * an existing one (file columns matched to its columns by name). Pure: the UI edits a plan, checks
 * it with `planProblems`, and src/load/bulk.ts carries it out.
 */
import type { CatalogColumn } from '../sql/catalog.js';
import { identifierProblem, quoteName, quoteObjectName, type ObjectName } from '../sql/names.js';
import { displaySqlType, formatSqlType, parseSqlType, SqlTypeError, type SqlType } from '../sql/types.js';
import type { DataFile } from './file.js';

export interface LoadColumn {
  /** The file column read into this table column. */
  readonly source: string;
  /** The table column's name. */
  readonly name: string;
  /** The table column's SQL type (new table: as the user chose it; existing table: as declared). */
  readonly type: SqlType;
}

export interface LoadPlan {
  readonly file: DataFile;
  readonly table: ObjectName & { readonly schema: string };
  /** true: the table is created (and dropped again if the load fails); false: it exists. */
  readonly create: boolean;
  readonly columns: readonly LoadColumn[];
}

/** A new table with one column per file column, named as in the file, of the suggested type. */
export function planNewTable(file: DataFile, table: LoadPlan['table']): LoadPlan {
  return { file, table, create: true, columns: file.columns.map((c) => ({ source: c.name, name: c.name, type: c.suggested })) };
}

export interface MatchedPlan {
  readonly plan: LoadPlan;
  /** File columns no table column matches (not loaded). */
  readonly unmatchedFile: readonly string[];
  /** Table columns no file column matches (left NULL or their default). */
  readonly unmatchedTable: readonly string[];
}

/** An existing table: file columns matched to its columns by name (case-insensitive), in the table's order. */
export function planExistingTable(file: DataFile, table: LoadPlan['table'], tableColumns: readonly CatalogColumn[]): MatchedPlan {
  const byName = new Map(file.columns.map((c) => [c.name.toLowerCase(), c]));
  const columns: LoadColumn[] = [];
  const unmatchedTable: string[] = [];
  for (const t of tableColumns) {
    const f = byName.get(t.name.toLowerCase());
    if (f && t.type) {
      columns.push({ source: f.name, name: t.name, type: t.type });
      byName.delete(t.name.toLowerCase());
    } else unmatchedTable.push(t.name);
  }
  return { plan: { file, table, create: false, columns }, unmatchedFile: [...byName.values()].map((c) => c.name), unmatchedTable };
}

/** Parses a type the user typed for a column; throws SqlTypeError with what to write instead. */
export function columnType(text: string): SqlType {
  const t = parseSqlType(text);
  if (['geography', 'geometry', 'hierarchyid', 'sql_variant', 'xml', 'rowversion', 'timestamp', 'text', 'ntext', 'image'].includes(t.name)) {
    throw new SqlTypeError(`Load data cannot fill a ${displaySqlType(t)} column: choose nvarchar, varbinary or another plain type.`);
  }
  return t;
}

/** What is wrong with a plan, one message per problem (empty: it can run). */
export function planProblems(plan: LoadPlan): string[] {
  const problems: string[] = [];
  const tableProblem = identifierProblem(plan.table.name) ?? identifierProblem(plan.table.schema);
  if (tableProblem) problems.push(`Table name: ${tableProblem}`);
  if (!plan.columns.length)
    problems.push(plan.create ? 'Keep at least one column.' : 'No file column matches a column of the table: rename the file columns or choose another table.');
  const seen = new Set<string>();
  const sources = new Set(plan.file.columns.map((c) => c.name));
  for (const c of plan.columns) {
    const p = identifierProblem(c.name);
    if (p) problems.push(`Column '${c.name}': ${p}`);
    const key = c.name.toLowerCase();
    if (seen.has(key)) problems.push(`Column '${c.name}' appears twice: give each column its own name.`);
    seen.add(key);
    if (!sources.has(c.source)) problems.push(`Column '${c.name}' reads '${c.source}', which is not a column of ${plan.file.path}.`);
  }
  return problems;
}

/** `CREATE TABLE [schema].[name] ([col] [type] NULL, …)` for a new table's plan. */
export function createTableSql(plan: LoadPlan): string {
  const cols = plan.columns.map((c) => `${quoteName(c.name)} ${formatSqlType(c.type)} NULL`);
  return `CREATE TABLE ${quoteObjectName(plan.table)} (\n  ${cols.join(',\n  ')}\n)`;
}

/** `DROP TABLE [schema].[name]`, to remove a new table whose load failed. */
export function dropTableSql(plan: LoadPlan): string {
  return `DROP TABLE ${quoteObjectName(plan.table)}`;
}
