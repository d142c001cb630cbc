/**
 * The *Load data…* command (SQL Pools view: a schema's or a table's context menu). Registering it
 * loads nothing heavy: the flow (and DuckDB, on first use) is imported when the command runs.
 */
import * as vscode from 'vscode';
import type { ConnectionStore, SessionManager } from '../connections/store.js';
import type { SqlPoolExplorer } from '../tree/explorer.js';

export const LOAD_DATA_COMMAND = 'predictWizard.loadData';

export interface LoadDataDeps {
  readonly store: ConnectionStore;
  readonly sessions: SessionManager;
  readonly explorer: SqlPoolExplorer;
  readonly log: vscode.LogOutputChannel;
}

export function registerLoadData(context: vscode.ExtensionContext, deps: LoadDataDeps): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(LOAD_DATA_COMMAND, async (node?: unknown) => {
      const { runLoadData } = await import('./flow.js');
      await runLoadData(node, deps);
    }),
  );
}
