// The Predict with a model wizard inside a real VS Code: the command opens the webview on a table,
// the webview reports its first rendered page (the time from the command is printed), and the
// wizard is driven through its message handler, as the webview drives it, to a deploy on the local
// pool that opens the script in a new SQL editor.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension.js';
import type { ExplorerNode } from '../../../src/tree/explorer.js';
import type { ScriptRun } from '../../../src/results/html.js';
import type { WizardPanel } from '../../../src/wizard-host/host.js';
import type { WizardView } from '../../../src/wizard/protocol.js';
import { writeSampleRegistry } from '../../../src/samples/registry.js';
import { api, localPoolBuilt } from './extension-under-test.js';

const PREDICT = 'predictWizard.predictWithModel';

async function child(a: ExtensionApi, parent: ExplorerNode | undefined, label: string): Promise<ExplorerNode> {
  const children = await a.explorer.getChildren(parent);
  const found = children.find((c) => a.explorer.getTreeItem(c).label === label);
  assert.ok(found, `no '${label}'; found: ${children.map((c) => String(a.explorer.getTreeItem(c).label)).join(', ')}`);
  return found;
}

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function send(w: WizardPanel, message: unknown): Promise<WizardView> {
  await w.receive(message);
  await w.controller.idle();
  return w.view;
}
const edit = (params: object) => ({ kind: 'command', method: 'edit', params });

describe('Predict with a model wizard', () => {
  it('reports a connection that does not exist instead of opening', async () => {
    await api();
    const r = await vscode.commands.executeCommand<WizardPanel | undefined>(PREDICT, {
      connectionName: 'No such connection',
      table: { schema: 'wwi_ml', name: 'CustomerTest' },
    });
    assert.equal(r, undefined);
  });

  describe('on the local pool with the sample registry', function () {
    this.timeout(240_000);
    let a: ExtensionApi;
    let registryDir: string;

    before(async function () {
      if (!localPoolBuilt) {
        console.log('SKIPPED: the local pool (src/cli/localpool-main.ts or dist/localpool.js) does not exist yet.');
        this.skip();
      }
      a = await api();
      registryDir = mkdtempSync(join(tmpdir(), 'wizard-registry-'));
      await writeSampleRegistry(registryDir);
      await vscode.workspace
        .getConfiguration('predictWizard')
        .update('modelRegistries', [{ name: 'Sample registry', kind: 'local', path: registryDir }], vscode.ConfigurationTarget.Global);
      const started = await vscode.commands.executeCommand<{ host: string; port: number } | undefined>('predictWizard.startLocalPool');
      assert.ok(started, 'Start Local Pool failed: see the "Predict with a Model" log');
    });

    after(async () => {
      if (!localPoolBuilt) return;
      await vscode.commands.executeCommand('predictWizard.stopLocalPool');
      await vscode.workspace.getConfiguration('predictWizard').update('modelRegistries', undefined, vscode.ConfigurationTarget.Global);
      rmSync(registryDir, { recursive: true, force: true });
    });

    it('opens from the table node, renders page 1, and deploys model + opens the script', async () => {
      const conn = await child(a, undefined, 'Local pool');
      const table = await child(a, await child(a, await child(a, conn, 'SQLPool01'), 'wwi_ml'), 'CustomerTest');
      const w = await vscode.commands.executeCommand<WizardPanel | undefined>(PREDICT, table);
      assert.ok(w, 'the wizard did not open: see the "Predict with a Model" log');
      const ms = await w.rendered();
      console.log(`wizard: context-menu command → first page rendered in ${ms.toFixed(0)} ms`);

      await w.controller.idle();
      let v = w.view;
      assert.equal(v.page, 'model');
      assert.equal(v.tableName, 'wwi_ml.CustomerTest');
      assert.ok(
        v.versions.some((r) => r.key === 'aml-synapse-classifier:2'),
        v.versionsError ?? v.versions.map((r) => r.key).join(', '),
      );

      v = await send(w, edit({ field: 'selectedVersion', value: 'aml-synapse-classifier:2' }));
      assert.equal(v.canNext, true, v.blockedReason);
      v = await send(w, { kind: 'command', method: 'next' });
      assert.equal(v.page, 'map');
      assert.deepEqual(v.mappingErrors, []);
      assert.equal(v.inputs.length, 8);

      await w.receive({ kind: 'request', id: 1, method: 'preview' });
      await w.controller.idle();
      assert.equal(w.view.preview.status, 'loaded', w.view.preview.error);
      assert.equal(w.view.preview.rows.length, 20);

      v = await send(w, { kind: 'command', method: 'next' });
      assert.equal(v.page, 'store');
      v = await send(w, edit({ field: 'modelTableMode', value: 'new' }));
      v = await send(w, edit({ field: 'newTableName', value: 'wwi_ml.WizardModels' }));
      assert.equal(v.canDeploy, true, v.blockedReason);

      const disposed = new Promise<void>((r) => w.panel.onDidDispose(() => r()));
      await w.receive({ kind: 'command', method: 'deploy' });
      await disposed;
      await until('the script editor', () => /CREATE VIEW \[wwi_ml\]\.\[CustomerPrediction\]/.test(vscode.window.activeTextEditor?.document.getText() ?? ''));
      const editor = vscode.window.activeTextEditor!;
      assert.equal(editor.document.languageId, 'sql');
      assert.equal(editor.document.isUntitled, true);

      // The model row is in the new table.
      const check = await vscode.workspace.openTextDocument({
        language: 'sql',
        content: "SELECT [ID], DATALENGTH([model]) FROM wwi_ml.WizardModels WHERE [ID] = N'aml-synapse-classifier:2'\n",
      });
      const run = await vscode.commands.executeCommand<ScriptRun | undefined>('predictWizard.runScript', { uri: check.uri, connectionName: 'Local pool' });
      assert.ok(run);
      assert.equal(run.resultSets[0]?.rows.length, 1);
    });
  });
});
