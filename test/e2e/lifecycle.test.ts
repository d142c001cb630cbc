// Living with a deployed model, clicked through in a real VS Code (code-server + Chromium): deploy
// aml-synapse-classifier version 1 with the wizard; the explorer's Models node shows it and its view;
// Upgrade… moves the view to version 2, Roll Back returns it to version 1, Compare Versions shows how
// often both agree, and Delete Model refuses the version in use and deletes the other. After each
// change, the view's rows are checked through tedious against onnxruntime-node scoring directly.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CUSTOMER_FEATURES, FLOAT_FEATURES, type CustomerFeature } from '../../src/samples/customers.js';
import { writeSampleRegistry, type SampleRegistry } from '../../src/samples/registry.js';
import { startVSCode, type VSCodeSession } from './harness.js';
import { LAB_MODEL, labelsByKey, registryOnnxBytes, scoreDirectly } from './support/lab.js';
import { poolConnectionSetting, startTestPool, type TestPool } from './support/pool.js';
import { saveScreenshot } from './support/screenshots.js';
import { childLabels, clickEnabled, closeAllEditors, contextMenuPath, expandPath, pickQuickItem, treeRow, valueOf, waitForPage } from './support/workbench.js';
import { chooseVersion, fillStorePage, next, openWizard, waitForScript } from './support/wizard.js';

const CONNECTION = 'Lab pool';
const PASSWORD_ENV = 'LIFECYCLE_POOL_PASSWORD';
const TABLE_PATH = [CONNECTION, 'SQLPool01', 'wwi_ml', 'CustomerTest'];
const MODELS = [CONNECTION, 'SQLPool01', 'Models'];
const V1 = `${LAB_MODEL}:1`;
const V2 = `${LAB_MODEL}:2`;
const VIEW = 'wwi_ml.CustomerPrediction';

describe('Living with models: Models node, Upgrade, Roll back, Compare, Delete', () => {
  const dir = mkdtempSync(join(tmpdir(), 'predict-e2e-lifecycle-'));
  let pool: TestPool;
  let registry: SampleRegistry;
  let vsc: VSCodeSession;
  let failed = false;
  const direct = new Map<string, Map<number, bigint>>();

  before(async () => {
    registry = await writeSampleRegistry(join(dir, 'registry'));
    pool = await startTestPool({ dataDir: join(dir, 'pool'), password: `Life1!${randomBytes(12).toString('base64url')}` });
    vsc = await startVSCode({
      settings: {
        'predictWizard.connections': [poolConnectionSetting(pool, CONNECTION, PASSWORD_ENV)],
        'predictWizard.modelRegistries': [{ name: 'Sample models', kind: 'local', path: registry.root }],
      },
      env: { [PASSWORD_ENV]: pool.password },
      // On a busy machine the workbench's first load can take longer than Playwright's 30 s default.
      beforeOpen: async (page) => page.setDefaultNavigationTimeout(120_000),
    });
    const conn = await pool.connect();
    try {
      direct.set(V1, await scoreDirectly(conn, registryOnnxBytes(registry, LAB_MODEL, 1)));
      direct.set(V2, await scoreDirectly(conn, registryOnnxBytes(registry, LAB_MODEL, 2)));
    } finally {
      await conn.close();
    }
  });

  after(async () => {
    await vsc?.close(failed ? 'lifecycle-failure' : undefined);
    await pool?.close();
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

  /** The view's predictions, CustomerKey → label_out, read through tedious. */
  async function viewLabels(): Promise<Map<number, bigint>> {
    return labelsByKey(await pool.rows('SELECT [CustomerKey], [label_out] FROM [wwi_ml].[CustomerPrediction]'));
  }

  /** The model ID the view's definition selects. */
  async function viewModelId(): Promise<string> {
    const rows = await pool.rows("SELECT [definition] FROM sys.sql_modules WHERE [object_id] = OBJECT_ID(N'wwi_ml.CustomerPrediction')");
    return /\[ID\] = N'([^']+)'/.exec(String(rows[0]?.[0] ?? ''))?.[1] ?? '(none)';
  }

  /** Waits until the Models node lists `models` (it is refreshed after each change). */
  async function waitForModels(models: string[]): Promise<void> {
    const wb = vsc.workbench;
    const deadline = Date.now() + 30_000;
    let shown: string[] = [];
    while (Date.now() < deadline) {
      shown = await childLabels(wb, MODELS, 5_000);
      if (JSON.stringify(shown) === JSON.stringify(models)) return;
      await wb.page.waitForTimeout(200);
    }
    assert.deepEqual(shown, models);
  }

  step('deploy version 1 with the wizard and run its script: the view scores with version 1', async () => {
    const wb = vsc.workbench;
    const view = await openWizard(wb, TABLE_PATH);
    await chooseVersion(view, V1);
    await next(view, 'Map columns');
    await next(view, 'Store objects in the database');
    await fillStorePage(view, { scriptType: 'view', scriptName: VIEW, modelTable: { existing: 'wwi_ml.AMLModel' } });
    await clickEnabled(view.getByTestId('deploy'));
    // The script opens named after the view, and Run Script knows the wizard's connection: it does not ask.
    await wb.page.locator('.tabs-container .tab.active[aria-label^="CustomerPrediction.sql"]').waitFor({ timeout: 60_000 });
    await wb.runCommand('Predict Wizard: Run Script on a SQL Pool');
    await wb.webview().locator('section.result-set').first().waitFor({ timeout: 60_000 });
    assert.equal(await viewModelId(), V1);
    assert.deepEqual(await viewLabels(), direct.get(V1));
  });

  step('the Models node lists version 1 with its size, and the view under it', async () => {
    const wb = vsc.workbench;
    await closeAllEditors(wb);
    await expandPath(wb, MODELS);
    await waitForModels([V1]);
    const row = await expandPath(wb, [...MODELS, V1]);
    assert.match(await row.innerText(), /KB/);
    assert.deepEqual(await childLabels(wb, [...MODELS, V1]), [VIEW]);
  });

  step('Upgrade… on the view → version 2: the view is rewritten and its rows equal version 2 scoring', async () => {
    const wb = vsc.workbench;
    await contextMenuPath(wb, await treeRow(wb, [...MODELS, V1, VIEW]), ['Upgrade…']);
    await pickQuickItem(wb, `${LAB_MODEL} version 2`, 30_000);
    await wb.waitForNotification(new RegExp(`view ${VIEW} now scores with ${V2}`), 120_000);
    assert.equal(await viewModelId(), V2);
    assert.deepEqual(await viewLabels(), direct.get(V2));
    await waitForModels([V1, V2]);
    await expandPath(wb, [...MODELS, V2]);
    assert.deepEqual(await childLabels(wb, [...MODELS, V2]), [VIEW]);
    await saveScreenshot(wb, 'models-node', { docs: true });
  });

  step('Roll Back… on the view: the previous version is offered first; the rows equal version 1 scoring again', async () => {
    const wb = vsc.workbench;
    await contextMenuPath(wb, await treeRow(wb, [...MODELS, V2, VIEW]), ['Roll Back…']);
    const first = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').first();
    await first.waitFor({ timeout: 15_000 });
    assert.match(await first.innerText(), new RegExp(`${V1}[\\s\\S]*previous version`));
    await pickQuickItem(wb, V1);
    await wb.waitForNotification(new RegExp(`view ${VIEW} now scores with ${V1}`), 120_000);
    assert.equal(await viewModelId(), V1);
    assert.deepEqual(await viewLabels(), direct.get(V1));
  });

  step('Compare Versions… on the view: the webview shows the agreement of versions 1 and 2 that direct scoring gives', async () => {
    const wb = vsc.workbench;
    await contextMenuPath(wb, await treeRow(wb, [...MODELS, V1, VIEW]), ['Compare Versions…']);
    await pickQuickItem(wb, V2);
    const page = wb.webview();
    const detail = page.getByTestId('agreement-detail');
    await detail.waitFor({ timeout: 120_000 });
    const a = direct.get(V1)!;
    const b = direct.get(V2)!;
    const same = [...a.keys()].filter((k) => a.get(k) === b.get(k)).length;
    assert.equal(a.size, 1000);
    assert.equal(
      (await detail.innerText()).replace(/\u2009/g, ' '),
      `${same.toLocaleString('en-US').replace(/,/g, ' ')} of 1 000 rows get the same label from both versions`,
    );
    assert.equal(await page.getByTestId('agreement').innerText(), `${(Math.floor((same / a.size) * 1000) / 10).toFixed(1)} %`);
    const confusion = page.getByTestId('confusion');
    await confusion.waitFor({ timeout: 15_000 });
    // The differing rows name their CustomerKey and both labels, and really differ.
    const rows = await page
      .getByTestId('differing')
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent?.trim() ?? '')));
    assert.equal(rows.length, Math.min(50, 1000 - same));
    for (const [key, la, lb] of rows) {
      assert.equal(BigInt(la!), a.get(Number(key)), `version 1's label of customer ${key}`);
      assert.equal(BigInt(lb!), b.get(Number(key)), `version 2's label of customer ${key}`);
    }
    await wb.runCommand('View: Toggle Primary Side Bar Visibility');
    await saveScreenshot(wb, 'model-comparison', { docs: true });
    await wb.runCommand('View: Toggle Primary Side Bar Visibility');
    await closeAllEditors(wb);
  });

  step('Delete Model refuses version 1 while the view uses it, and deletes version 2 after a confirmation', async () => {
    const wb = vsc.workbench;
    await contextMenuPath(wb, await treeRow(wb, [...MODELS, V1]), ['Delete Model']);
    await wb.waitForNotification(new RegExp(`'${V1}' in wwi_ml.AMLModel cannot be deleted: it is used by view ${VIEW}`));
    await contextMenuPath(wb, await treeRow(wb, [...MODELS, V2]), ['Delete Model']);
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    assert.match(await dialog.innerText(), new RegExp(`Delete model '${V2}' from wwi_ml.AMLModel\\?`));
    await dialog.locator('.monaco-button', { hasText: /^Delete$/ }).click();
    await wb.waitForNotification(new RegExp(`Deleted model '${V2}' from wwi_ml.AMLModel`));
    assert.deepEqual(
      (await pool.rows('SELECT [ID] FROM [wwi_ml].[AMLModel] ORDER BY [ID]')).map((r) => r[0]),
      [V1],
    );
    await waitForModels([V1]);
    assert.deepEqual(await viewLabels(), direct.get(V1), 'the view still scores with version 1');
  });

  step('Open Scoring Script on the view shows its definition, now on version 1', async () => {
    const wb = vsc.workbench;
    await contextMenuPath(wb, await treeRow(wb, [...MODELS, V1, VIEW]), ['Open Scoring Script']);
    await wb.page.locator('.tabs-container .tab.active[aria-label*="Untitled-"]').waitFor({ timeout: 30_000 });
    const text = await wb.activeEditorText();
    assert.match(text, /VIEW \[wwi_ml\]\.\[CustomerPrediction\]/);
    assert.match(text, new RegExp(`\\[ID\\] = N'${V1}'`));
    await closeAllEditors(wb);
  });

  step("Edit Prediction opens the wizard on page 2 with the view's mapping, then page 3 names it, replaced, on version 1", async () => {
    const wb = vsc.workbench;
    await contextMenuPath(wb, await treeRow(wb, [...MODELS, V1, VIEW]), ['Edit Prediction']);
    const view = wb.webview();
    await waitForPage(view, 'Map columns', 60_000);
    const rows = view.getByTestId('input-row');
    await rows.first().waitFor({ timeout: 15_000 });
    const mapping: [string, string, string][] = [];
    for (let i = 0; i < (await rows.count()); i++) {
      const r = rows.nth(i);
      mapping.push([await valueOf(r.getByTestId('input-source')), await valueOf(r.getByTestId('input-model')), await valueOf(r.getByTestId('input-type'))]);
    }
    assert.deepEqual(
      mapping,
      CUSTOMER_FEATURES.map((f) => [f, f, FLOAT_FEATURES.includes(f as CustomerFeature) ? 'real' : 'bigint']),
    );
    await next(view, 'Store objects in the database');
    assert.equal(await valueOf(view.getByTestId('script-name')), VIEW);
    const script = await waitForScript(view, (t) => t.includes(`N'${V1}'`), `a script on ${V1}`, 30_000);
    assert.match(script, /\[CustomerKey\],/, 'the pass-through key is kept');
    assert.equal(await view.getByTestId('replace-existing').evaluate((e) => (e as unknown as { checked: boolean }).checked), true);
  });
});
