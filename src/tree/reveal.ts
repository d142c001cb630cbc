/** Selects a table or view in the SQL Pools view, expanding its connection, database and schema. */
import * as vscode from 'vscode';
import type { ConnectionStore } from '../connections/store.js';
import { ObjectNode, type ExplorerNode } from './explorer.js';

export interface RevealObjectArgs {
  readonly connectionName: string;
  readonly object: { readonly schema?: string; readonly name: string };
}

export async function revealObject(treeView: vscode.TreeView<ExplorerNode>, store: ConnectionStore, args: RevealObjectArgs): Promise<void> {
  const profile = store.get(args.connectionName);
  if (!profile) {
    void vscode.window.showErrorMessage(`There is no connection named '${args.connectionName}'.`);
    return;
  }
  const node = new ObjectNode(profile.name, profile.database, args.object.schema ?? 'dbo', args.object.name, 'table');
  try {
    await treeView.reveal(node, { select: true, focus: true, expand: false });
  } catch {
    void vscode.window.showWarningMessage(`${node.schema}.${node.name} is not listed in the SQL Pools view yet. Refresh the view and try again.`);
  }
}
