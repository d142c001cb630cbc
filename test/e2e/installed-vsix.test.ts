// The path every user takes: the linux-x64 VSIX that `npm run package` builds, installed with
// `code-server --install-extension` into a fresh extensions folder, in a workbench opened WITHOUT
// extensionDevelopmentPath. From the empty SQL Pools view's Start Local Pool button, the lab's Task 2
// through the wizard (preview, deploy, run script): the local pool, DuckDB, onnxruntime-node and
// every lazily loaded bundle come from the installed package. The predictions shown must equal
// onnxruntime-node scoring the same rows in this process.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleRegistry, type SampleRegistry } from '../../src/samples/registry.js';
import { testVsix } from '../support/vsix.js';
import { installExtension, startVSCode, type VSCodeSession } from './harness.js';
import { LAB_MODEL, labelsByKey, registryOnnxBytes, scoreDirectly } from './support/lab.js';
import { startTestPool } from './support/pool.js';
import { clickEnabled, waitForPage } from './support/workbench.js';
import { chooseVersion, openWizard } from './support/wizard.js';

const TABLE_PATH = ['Local pool', 'SQLPool01', 'wwi_ml', 'CustomerTest'];

describe('the installed linux-x64 VSIX: the lab from the empty SQL Pools view', () => {
  const dir = mkdtempSync(join(tmpdir(), 'predict-e2e-vsix-'));
  const extensionsDir = join(dir, 'extensions');
  let installed: string;
  let registry: SampleRegistry;
  let vsc: VSCodeSession;
  let failed = false;

  before(async () => {
    installed = installExtension(testVsix(), extensionsDir);
    registry = await writeSampleRegistry(join(dir, 'registry'));
    vsc = await startVSCode({
      extensionDevelopmentPath: null,
      extensionsDir,
      settings: {
        'predictWizard.modelRegistries': [{ name: 'Sample models', kind: 'local', path: registry.root }],
        'predictWizard.localPool.dataDir': join(dir, 'pool'),
      },
    });
  });

  after(async () => {
    await vsc?.close(failed ? 'installed-vsix-failure' : undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const step = (name: string, fn: () => Promise<void>): void => {
    it(name, async () => {
      if (failed) throw new Error('an earlier step failed');
      try {
        await fn();
      } catch (e) {
        failed = true;
        throw e;
      }
    });
  };

  step('is installed from the package, with its own native modules', async () => {
    assert.ok(existsSync(join(installed, 'dist', 'extension.js')));
    assert.ok(existsSync(join(installed, 'node_modules', '@duckdb', 'node-bindings-linux-x64', 'duckdb.node')));
    assert.ok(!existsSync(join(installed, 'src')), 'no sources in the installed extension');
  });

  step('the empty SQL Pools view offers Add Connection and Start Local Pool; Start Local Pool starts the pool', async () => {
    const wb = vsc.workbench;
    await wb.openViewContainer('SQL Pools');
    const welcome = wb.page.locator('.part.sidebar .welcome-view-content');
    await welcome.waitFor({ state: 'visible', timeout: 30_000 });
    const buttons = (await welcome.locator('.monaco-button').allInnerTexts()).map((t) => t.trim());
    assert.deepEqual(buttons, ['Add Connection', 'Start Local Pool']);
    await welcome.locator('.monaco-button', { hasText: 'Start Local Pool' }).click();
    await wb.waitForNotification(/The local pool listens on 127\.0\.0\.1:\d+; connection 'Local pool' is ready/, 120_000);
  });

  step('the wizard on wwi_ml.CustomerTest: version 2, the suggested mapping, a preview of 20 rows', async () => {
    const wb = vsc.workbench;
    const view = await openWizard(wb, TABLE_PATH);
    await chooseVersion(view, `${LAB_MODEL}:2`);
    await clickEnabled(view.getByTestId('next'));
    await waitForPage(view, 'Map columns');
    await view.getByTestId('preview').click();
    const table = view.getByTestId('preview-table');
    await table.waitFor({ timeout: 90_000 });
    const head = await table.locator('thead th').allInnerTexts();
    const labelAt = head.indexOf('label_out');
    assert.ok(labelAt >= 0, `preview columns: ${head.join(', ')}`);
    const labels = await table.locator('tbody tr').evaluateAll((trs, j) => trs.map((tr) => tr.children[j]?.textContent?.trim() ?? ''), labelAt);
    assert.equal(labels.length, 20);
    for (const l of labels) assert.match(l, /^[1-5]$/, `a predicted rating of 1 to 5, not '${l}'`);
  });

  step('deploys the view wwi_ml.CustomerPrediction with the model in wwi_ml.AMLModel and opens the script', async () => {
    const wb = vsc.workbench;
    const view = wb.webview();
    await clickEnabled(view.getByTestId('next'));
    await waitForPage(view, 'Store objects in the database');
    await view.getByTestId('script').waitFor({ timeout: 15_000 });
    await clickEnabled(view.getByTestId('deploy'));
    await wb.page.locator('.tabs-container .tab.active[aria-label$=".sql"], .tabs-container .tab.active[aria-label*="Untitled-"]').waitFor({ timeout: 90_000 });
    const text = await wb.activeEditorText();
    assert.match(text, /^CREATE VIEW \[wwi_ml\]\.\[CustomerPrediction\]$/m);
    assert.match(text, /FROM \[wwi_ml\]\.\[AMLModel\] WHERE \[ID\] = N'aml-synapse-classifier:2'/);
  });

  step('Run Script shows every CustomerTest row with the predictions onnxruntime-node gives', async () => {
    const wb = vsc.workbench;
    await wb.runCommand('Predict Wizard: Run Script on a SQL Pool');
    const results = wb.webview();
    const grid = results.locator('section.result-set').first();
    // Asked for the connection only when the script's connection is not known.
    const picker = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Local pool' }).first();
    const pick = picker.waitFor({ state: 'visible', timeout: 90_000 }).then(
      () => picker.click(),
      () => undefined,
    );
    await Promise.race([grid.waitFor({ timeout: 90_000 }), pick]);
    await grid.waitFor({ timeout: 90_000 });
    const head = await grid.locator('thead th .name').allInnerTexts();
    const labelAt = head.indexOf('label_out');
    assert.ok(labelAt >= 0, `result columns: ${head.join(', ')}`);
    // Cell 0 is the row number; the columns follow.
    const shown = await grid
      .locator('tbody tr')
      .evaluateAll((trs, n) => trs.map((tr) => [Number(tr.children[1]?.textContent), tr.children[n]?.textContent ?? '']), labelAt + 1);

    // The same seeded rows, scored directly by onnxruntime-node in this process.
    const pool = await startTestPool({ dataDir: join(dir, 'reference-pool'), password: `Ref1!${randomBytes(12).toString('base64url')}` });
    try {
      const conn = await pool.connect();
      try {
        const expected = await scoreDirectly(conn, registryOnnxBytes(registry, LAB_MODEL, 2));
        assert.equal(shown.length, expected.size, 'one grid row per CustomerTest row');
        assert.deepEqual(labelsByKey(shown as [number, string][]), expected);
      } finally {
        await conn.close();
      }
    } finally {
      await pool.close();
    }
  });
});
