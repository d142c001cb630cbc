/** Delete model: one DELETE of a row no view or procedure uses, after a confirmation naming it. */
import * as vscode from 'vscode';
import { listScoringObjects, usersOf } from '../lifecycle/deployed.js';
import { deleteModel, inUseMessage } from '../lifecycle/delete.js';
import { ModelInUseError } from '../lifecycle/types.js';
import { displayObjectName } from '../sql/names.js';
import type { ModelNode } from '../tree/models.js';
import { refreshModels, type LifecycleHostDeps, type LifecycleOutcome } from './commands.js';

/** Deletes a model row after a confirmation naming it; refuses while a view or procedure uses it. */
export async function deleteModelCommand(deps: LifecycleHostDeps, node: ModelNode, confirmed = false): Promise<LifecycleOutcome | undefined> {
  const m = node.model;
  const where = displayObjectName(m.modelTable.table);
  const conn = await deps.sessions.connection(node.connectionName, node.database);
  // Ask the database, not the tree: an object may have moved to this row since the tree was read.
  const users = usersOf(await listScoringObjects(conn), m.modelTable.table, m.id);
  if (users.length) {
    refreshModels(deps.explorer, node);
    return { ok: false, message: inUseMessage(m.modelTable, m.id, users) };
  }
  if (!confirmed) {
    const answer = await vscode.window.showWarningMessage(
      `Delete model '${m.id}' from ${where}?`,
      { modal: true, detail: 'The row and its model bytes are deleted. No view or procedure uses it.' },
      'Delete',
    );
    if (answer !== 'Delete') return undefined;
  }
  const db = await deps.services.openDatabase(node.connectionName);
  try {
    await deleteModel(db.sql, m.modelTable, m.id);
  } catch (e) {
    if (e instanceof ModelInUseError) return { ok: false, message: e.message };
    throw e;
  } finally {
    refreshModels(deps.explorer, node);
    await db.release();
  }
  return { ok: true, message: `Deleted model '${m.id}' from ${where}.` };
}
