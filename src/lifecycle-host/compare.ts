/**
 * Compare versions: score the first rows of an object's source with its version and another one
 * (in the ONNX worker; nothing is deployed) and show the report in the comparison webview.
 */
import * as vscode from 'vscode';
import { compareVersions } from '../lifecycle/compare.js';
import { displayObjectName } from '../sql/names.js';
import type { ScoringObjectNode } from '../tree/models.js';
import type { LifecycleHostDeps, LifecycleOutcome } from './commands.js';
import { showComparison } from './compare/panel.js';
import { mappingOf } from './edit.js';
import { pickStoredVersion } from './repoint.js';

export async function compareCommand(deps: LifecycleHostDeps, node: ScoringObjectNode): Promise<LifecycleOutcome | undefined> {
  const mapping = mappingOf(node.object, node.parent.model);
  const what = displayObjectName(node.object.name);
  const otherId = await pickStoredVersion(node, `Compare ${mapping.modelId} with another version on ${what}`);
  if (!otherId) return undefined;
  const report = await vscode.window.withProgress(
    {
      location: vscode.ProgressLocation.Notification,
      title: `Scoring ${displayObjectName(mapping.source)} with ${mapping.modelId} and ${otherId}`,
      cancellable: true,
    },
    async (_progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      const db = await deps.services.openDatabase(node.connectionName);
      try {
        return await compareVersions({ db: db.sql, object: mapping, modelTable: node.parent.model.modelTable, otherId, signal: abort.signal });
      } catch (e) {
        if (abort.signal.aborted) return undefined;
        throw e;
      } finally {
        sub.dispose();
        await db.release();
      }
    },
  );
  if (!report) return undefined;
  showComparison(deps.context.extensionUri, report, { object: what, source: displayObjectName(mapping.source) }, deps.log);
  deps.log.info(
    `Compared ${report.modelA} with ${report.modelB} on ${report.rows} rows of ${displayObjectName(mapping.source)}: ${(report.agreement * 100).toFixed(1)} % agree.`,
  );
  return undefined;
}
