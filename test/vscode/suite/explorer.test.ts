// The SQL Pools explorer inside a real VS Code: errors on the node that failed with a Retry; with
// the local pool: connection → database → schemas → tables (contextValue `table`) → typed columns,
// and Run Script with result sets, errors on the script's lines and diagnostics.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ExtensionApi } from '../../../src/extension.js';
import type { ExplorerNode } from '../../../src/tree/explorer.js';
import type { ScriptRun } from '../../../src/results/html.js';
import { CUSTOMER_TEST_COLUMNS } from '../../../src/samples/customers.js';
import { api, closedPort, localPoolBuilt } from './extension-under-test.js';

async function child(api: ExtensionApi, parent: ExplorerNode | undefined, label: string): Promise<ExplorerNode> {
  const children = await api.explorer.getChildren(parent);
  const labels = children.map((c) => String(api.explorer.getTreeItem(c).label));
  const found = children.find((c) => api.explorer.getTreeItem(c).label === label);
  assert.ok(found, `no '${label}' under ${parent ? String(api.explorer.getTreeItem(parent).label) : 'the root'}; found: ${labels.join(', ')}`);
  return found;
}

describe('SQL Pools explorer', () => {
  it('shows a failure on the node that failed, with an error icon and a Retry', async () => {
    const a = await api();
    const port = await closedPort();
    const name = 'Explorer unreachable';
    await a.store.save(
      { name, server: '127.0.0.1', port, database: 'SQLPool01', authenticationType: 'SqlLogin', user: 'sa', encrypt: 'optional' },
      'pw-explorer-1',
    );
    try {
      const conn = await child(a, undefined, name);
      const connItem = a.explorer.getTreeItem(conn);
      assert.equal(connItem.contextValue, 'connection');
      // Expanding the connection signs in, so the failure shows on the connection itself.
      const [err, ...rest] = await a.explorer.getChildren(conn);
      assert.equal(rest.length, 0);
      const item = a.explorer.getTreeItem(err!);
      assert.equal(item.label, `Cannot reach server 127.0.0.1:${port}: connection refused. Check the port and that the server is running.`);
      assert.equal(item.contextValue, 'error');
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'error');
      assert.equal(item.command?.command, 'predictWizard.explorer.retry');
      // Retry runs without throwing and the node still reports the failure.
      await vscode.commands.executeCommand('predictWizard.explorer.retry', err);
      const again = await a.explorer.getChildren(conn);
      assert.equal(a.explorer.getTreeItem(again[0]!).contextValue, 'error');
    } finally {
      await a.store.remove(name);
    }
  });

  describe('on the local pool', function () {
    this.timeout(180_000);
    let a: ExtensionApi;

    before(async function () {
      if (!localPoolBuilt) {
        console.log('SKIPPED: the local pool (src/cli/localpool-main.ts or dist/localpool.js) does not exist yet.');
        this.skip();
      }
      a = await api();
      const started = await vscode.commands.executeCommand<{ host: string; port: number } | undefined>('predictWizard.startLocalPool');
      assert.ok(started, 'Start Local Pool failed: see the "Predict with a Model" log');
    });

    after(async () => {
      if (localPoolBuilt) await vscode.commands.executeCommand('predictWizard.stopLocalPool');
    });

    it('browses connection → database → schema → tables → columns with their types', async () => {
      const conn = await child(a, undefined, 'Local pool');
      assert.equal(a.explorer.getTreeItem(conn).contextValue, 'connection.localPool');
      const db = await child(a, conn, 'SQLPool01');
      const schema = await child(a, db, 'wwi_ml');
      const table = await child(a, schema, 'CustomerTest');
      assert.equal(a.explorer.getTreeItem(table).contextValue, 'table', 'the wizard menu attaches to contextValue table');
      const columns = await a.explorer.getChildren(table);
      // Name and declared type of each column, in table order, as the seeded sample defines them.
      const shown = columns.map((c) => `${String(a.explorer.getTreeItem(c).label)} ${String(a.explorer.getTreeItem(c).description).split(' ')[0]}`);
      assert.deepEqual(
        shown,
        CUSTOMER_TEST_COLUMNS.map((c) => `${c.name} ${c.sqlType}`),
      );
      const cost = a.explorer.getTreeItem(columns[1]!);
      assert.equal((cost.iconPath as vscode.ThemeIcon).id, 'symbol-field');
    });

    it('runs a script: result sets with types, an error on the script line, a diagnostic in the editor', async () => {
      const doc = await vscode.workspace.openTextDocument({
        language: 'sql',
        content: 'SELECT TOP 3 * FROM wwi_ml.CustomerTest\nGO\n\nSELECT 1 AS one\nSELECT * FROM wwi_ml.NoSuchTable\n',
      });
      await vscode.window.showTextDocument(doc);
      const run = await vscode.commands.executeCommand<ScriptRun | undefined>('predictWizard.runScript', { uri: doc.uri, connectionName: 'Local pool' });
      assert.ok(run, 'the run did not complete');
      assert.equal(run.batches, 2);
      assert.equal(run.resultSets[0]!.rows.length, 3);
      assert.ok(run.resultSets[0]!.columns.some((c) => c.name === 'Cost'));
      const err = run.messages.find((m) => m.kind === 'error');
      assert.ok(err, 'no error reported for the missing table');
      assert.equal(err.scriptLine, 5);
      const diags = vscode.languages.getDiagnostics(doc.uri);
      assert.equal(diags.length, 1);
      assert.equal(diags[0]!.range.start.line, 4);
    });
  });
});
