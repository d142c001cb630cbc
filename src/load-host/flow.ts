/**
 * Load data…, step by step in VS Code's own pickers: pick a CSV or Parquet file → for a schema, name
 * the new table and review its columns (name and SQL type of each, inferred from the file, editable)
 * → for a table, confirm which file columns go to which of its columns → the rows go over bulk load
 * in one cancellable progress notification. A failure or cancel leaves a new table absent and an
 * existing table unchanged (src/load/bulk.ts), and says so.
 */
import { basename } from 'node:path';
import * as vscode from 'vscode';
import { DataFileError, inspectDataFile, type DataFile } from '../load/file.js';
import { LoadCancelledError, LoadError, loadData } from '../load/bulk.js';
import { columnType, planExistingTable, planNewTable, planProblems, type LoadColumn, type LoadPlan } from '../load/plan.js';
import { listColumns, objectExists } from '../sql/catalog.js';
import type { SqlConnection } from '../sql/client/connection.js';
import { identifierProblem, quoteObjectName } from '../sql/names.js';
import { displaySqlType } from '../sql/types.js';
import { ObjectNode, SchemaNode } from '../tree/explorer.js';
import type { LoadDataDeps } from './register.js';

interface LoadTarget {
  readonly connectionName: string;
  readonly database: string;
  readonly schema: string;
  /** Set when the user right-clicked a table. */
  readonly table?: string;
}

function targetOf(node: unknown): LoadTarget | undefined {
  if (node instanceof SchemaNode) return { connectionName: node.connectionName, database: node.database, schema: node.schema };
  if (node instanceof ObjectNode && node.objectKind === 'table')
    return { connectionName: node.connectionName, database: node.database, schema: node.schema, table: node.name };
  return undefined;
}

export async function runLoadData(node: unknown, deps: LoadDataDeps): Promise<void> {
  const target = targetOf(node);
  if (!target) {
    void vscode.window.showInformationMessage('Load data: right-click a schema (to load into a new table) or a table in the SQL Pools view.');
    return;
  }
  const where = target.table ? quoteObjectName({ schema: target.schema, name: target.table }) : `schema ${target.schema}`;
  const picked = await vscode.window.showOpenDialog({
    title: `Load data into ${where}`,
    openLabel: 'Load this file',
    canSelectMany: false,
    filters: { 'CSV or Parquet': ['csv', 'tsv', 'txt', 'gz', 'parquet'] },
  });
  if (!picked?.length) return;
  const path = picked[0]!.fsPath;
  try {
    const file = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Reading ${basename(path)}…` }, () =>
      inspectDataFile(path),
    );
    const profile = deps.store.get(target.connectionName);
    if (!profile) throw new Error(`There is no connection named '${target.connectionName}'.`);
    const conn = await deps.sessions.dedicated(profile, target.database);
    try {
      const plan = target.table ? await existingTablePlan(conn, file, target.schema, target.table) : await newTablePlan(conn, file, target.schema);
      if (plan) await load(conn, plan, deps);
    } finally {
      await conn.close();
    }
  } catch (e) {
    deps.log.error(`Load data into ${where} failed`, e instanceof Error ? e : String(e));
    const message = e instanceof DataFileError || e instanceof LoadError ? e.message : `Load data into ${where} failed: ${(e as Error).message}`;
    void vscode.window.showErrorMessage(message);
  }
}

/** A table name from the file's name: letters, digits and underscores. */
function tableNameFor(path: string): string {
  const base = basename(path)
    .replace(/\.(gz|gzip)$/i, '')
    .replace(/\.[^.]+$/, '');
  const name = base.replace(/[^\p{L}\p{N}_]+/gu, '_').replace(/^_+|_+$/g, '');
  return name || 'LoadedData';
}

async function newTablePlan(conn: SqlConnection, file: DataFile, schema: string): Promise<LoadPlan | undefined> {
  for (let suggested = tableNameFor(file.path); ;) {
    const name = await vscode.window.showInputBox({
      title: `Load ${basename(file.path)}: new table in schema ${schema}`,
      prompt: `${file.rowCount.toLocaleString('en')} rows, ${file.columns.length} columns. Name the new table.`,
      value: suggested,
      validateInput: (v) => identifierProblem(v.trim()),
    });
    if (name === undefined) return undefined;
    const table = { schema, name: name.trim() };
    if (await objectExists(conn, table)) {
      const choice = await vscode.window.showQuickPick(
        [
          { label: 'Load into the existing table', existing: true },
          { label: 'Choose another name', existing: false },
        ],
        {
          title: `${quoteObjectName(table)} already exists`,
        },
      );
      if (!choice) return undefined;
      if (choice.existing) return existingTablePlan(conn, file, schema, table.name);
      suggested = table.name;
      continue;
    }
    return editColumns(planNewTable(file, table));
  }
}

interface ColumnItem extends vscode.QuickPickItem {
  readonly action: 'load' | 'reset' | 'column';
  readonly index?: number;
}

/** The column list of a new table: pick a column to rename it, change its type or leave it out; then Load. */
async function editColumns(start: LoadPlan): Promise<LoadPlan | undefined> {
  let plan = start;
  for (;;) {
    const problems = planProblems(plan);
    const target = quoteObjectName(plan.table);
    const items: ColumnItem[] = [
      {
        label: `Load ${plan.file.rowCount.toLocaleString('en')} rows into ${target}`,
        description: problems.length ? problems[0] : `${plan.columns.length} columns`,
        action: 'load',
      },
      { label: '', kind: vscode.QuickPickItemKind.Separator, action: 'column' },
      ...plan.columns.map((c, index): ColumnItem => ({
        label: c.name,
        description: displaySqlType(c.type),
        detail: `from file column "${c.source}" (${plan.file.columns.find((f) => f.name === c.source)?.duckType ?? '?'})`,
        action: 'column',
        index,
      })),
      { label: '', kind: vscode.QuickPickItemKind.Separator, action: 'column' },
      { label: "$(discard) Start again from the file's columns", action: 'reset' },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: `New table ${target}: columns and SQL types (pick a column to change it)`,
      placeHolder: 'Pick Load to create the table and load the rows',
      matchOnDescription: true,
      ignoreFocusOut: true,
    });
    if (!pick) return undefined;
    if (pick.action === 'load') {
      if (!problems.length) return plan;
      void vscode.window.showWarningMessage(`Load data cannot start yet: ${problems.join(' ')}`);
      continue;
    }
    if (pick.action === 'reset') {
      plan = planNewTable(plan.file, plan.table);
      continue;
    }
    const edited = await editColumn(plan.columns[pick.index!]!);
    if (edited === undefined) continue;
    const columns = [...plan.columns];
    if (edited === 'remove') columns.splice(pick.index!, 1);
    else columns[pick.index!] = edited;
    plan = { ...plan, columns };
  }
}

async function editColumn(column: LoadColumn): Promise<LoadColumn | 'remove' | undefined> {
  const what = await vscode.window.showQuickPick(
    [
      { label: '$(edit) Rename', id: 'rename' },
      { label: '$(symbol-type-parameter) Change the SQL type', description: displaySqlType(column.type), id: 'type' },
      { label: '$(trash) Leave this column out', id: 'remove' },
    ],
    { title: `Column ${column.name}` },
  );
  if (!what) return undefined;
  if (what.id === 'remove') return 'remove';
  if (what.id === 'rename') {
    const name = await vscode.window.showInputBox({
      title: `Rename column ${column.name}`,
      value: column.name,
      validateInput: (v) => identifierProblem(v.trim()),
    });
    return name === undefined ? undefined : { ...column, name: name.trim() };
  }
  const typeProblem = (v: string): string | undefined => {
    try {
      columnType(v);
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  const text = await vscode.window.showInputBox({
    title: `SQL type of column ${column.name}`,
    prompt: 'e.g. int, bigint, real, float, decimal(18,4), nvarchar(50), date, datetime2',
    value: displaySqlType(column.type),
    validateInput: typeProblem,
  });
  return text === undefined ? undefined : { ...column, type: columnType(text) };
}

interface MatchItem extends vscode.QuickPickItem {
  readonly column: LoadColumn;
}

async function existingTablePlan(conn: SqlConnection, file: DataFile, schema: string, name: string): Promise<LoadPlan | undefined> {
  const table = { schema, name };
  const matched = planExistingTable(file, table, await listColumns(conn, table));
  const target = quoteObjectName(table);
  if (!matched.plan.columns.length) {
    throw new LoadError(`No column of ${basename(file.path)} (${file.columns.map((c) => c.name).join(', ')}) has the name of a column of ${target}.`, 'check');
  }
  const notes = [
    matched.unmatchedFile.length ? `not loaded: ${matched.unmatchedFile.join(', ')}` : '',
    matched.unmatchedTable.length ? `left NULL: ${matched.unmatchedTable.join(', ')}` : '',
  ].filter(Boolean);
  const items: MatchItem[] = matched.plan.columns.map((c) => ({
    label: c.name,
    description: displaySqlType(c.type),
    detail: `← file column "${c.source}"`,
    picked: true,
    column: c,
  }));
  const picks = await vscode.window.showQuickPick(items, {
    title: `Load ${file.rowCount.toLocaleString('en')} rows into ${target}: ${items.length} column${items.length === 1 ? '' : 's'} matched by name`,
    placeHolder: notes.length ? notes.join('; ') : 'Every file column matches a column of the table',
    canPickMany: true,
    ignoreFocusOut: true,
  });
  if (!picks?.length) return undefined;
  return { ...matched.plan, columns: picks.map((p) => p.column) };
}

async function load(conn: SqlConnection, plan: LoadPlan, deps: LoadDataDeps): Promise<void> {
  const target = quoteObjectName(plan.table);
  const total = plan.file.rowCount;
  try {
    const rows = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Loading ${basename(plan.file.path)} into ${target}`, cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let reported = 0;
        try {
          return await loadData(conn, plan, {
            signal: abort.signal,
            onProgress: (p) => {
              const pct = total ? (100 * p.rows) / total : 0;
              const message =
                p.step === 'create'
                  ? 'creating the table'
                  : p.step === 'commit'
                    ? 'committing'
                    : p.step === 'rollback'
                      ? 'rolling back'
                      : `${p.rows.toLocaleString('en')} of ${total.toLocaleString('en')} rows`;
              progress.report({ message, increment: Math.max(0, pct - reported) });
              reported = Math.max(reported, pct);
            },
          });
        } finally {
          sub.dispose();
        }
      },
    );
    deps.log.info(`Loaded ${rows} rows from ${plan.file.path} into ${target}`);
    deps.explorer.refresh();
    void vscode.window.showInformationMessage(`Loaded ${rows.toLocaleString('en')} rows into ${target}.`);
  } catch (e) {
    if (e instanceof LoadCancelledError) {
      deps.log.info(e.message);
      void vscode.window.showInformationMessage(e.message);
      return;
    }
    throw e;
  }
}
