/**
 * The simple lifecycle commands: open an object's definition, save a model's bytes. Loaded when one of them first runs.
 */
import * as vscode from 'vscode';
import { readModelBytes } from '../lifecycle/deployed.js';
import type { ModelNode, ScoringObjectNode } from '../tree/models.js';
import { type LifecycleHostDeps, type LifecycleOutcome } from './commands.js';
import { formatBytes } from '../tree/model-items.js';

/** Opens the object's definition in an untitled SQL editor. */
export async function openScript(node: ScoringObjectNode): Promise<undefined> {
  const o = node.object;
  const doc = await vscode.workspace.openTextDocument({ language: 'sql', content: o.definition.endsWith('\n') ? o.definition : `${o.definition}\n` });
  await vscode.window.showTextDocument(doc, { preview: false });
  return undefined;
}

/** Writes the stored bytes of a model row to a file the user picks. */
export async function saveOnnx(deps: LifecycleHostDeps, node: ModelNode, target?: vscode.Uri): Promise<LifecycleOutcome | undefined> {
  const m = node.model;
  const fileName = `${(m.name ?? m.id).replace(/[\\/:*?"<>|]+/g, '_')}${m.version !== undefined ? `-${m.version}` : ''}.onnx`;
  const base = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri =
    target ??
    (await vscode.window.showSaveDialog({
      title: `Save ${m.id} as .onnx`,
      defaultUri: base ? vscode.Uri.joinPath(base, fileName) : undefined,
      filters: { 'ONNX model': ['onnx'] },
      saveLabel: 'Save model',
    }));
  if (!uri) return undefined;
  const db = await deps.sessions.connection(node.connectionName, node.database);
  const bytes = await readModelBytes(db, m.modelTable, m.id);
  await vscode.workspace.fs.writeFile(uri, bytes);
  return { ok: true, message: `Saved ${m.id} (${formatBytes(bytes.byteLength)}) to ${uri.fsPath}.` };
}
