// The lab's Task 2 clicked through like a user, in a real VS Code (code-server + Chromium): SQL Pools
// explorer → wwi_ml.CustomerTest → Machine Learning → Predict with a model → aml-synapse-classifier
// version 2 → the suggested mapping and a preview → view wwi_ml.CustomerPrediction with the existing
// model table wwi_ml.AMLModel → Deploy model + open script → Run Script → the results view. Then,
// through tedious, what the database holds: the model row with the registry's exact bytes, the view,
// and predictions equal to onnxruntime-node scoring the same rows directly.
//
// One local pool (own data directory, seeded CustomerTest) and one code-server for the whole file;
// the connection's password reaches the extension through an environment variable (passwordEnv).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CUSTOMER_FEATURES, FLOAT_FEATURES, type CustomerFeature } from '../../src/samples/customers.js';
import { writeSampleRegistry, type SampleRegistry } from '../../src/samples/registry.js';
import { objectExists, type CatalogRunner } from '../../src/sql/catalog.js';
import { generateScoringScript, type ScoringPlan } from '../../src/sql/script.js';
import { parseSqlType } from '../../src/sql/types.js';
import type { FrameLocator } from 'playwright-core';
import { startVSCode, type VSCodeSession } from './harness.js';
import { LAB_MODEL, labelsByKey, labPlan, registryOnnxBytes, scoreDirectly } from './support/lab.js';
import { poolConnectionSetting, startTestPool, type TestPool } from './support/pool.js';
import { saveScreenshot } from './support/screenshots.js';
import { childLabels, clickEnabled, contextMenuPath, expandPath, treeRow, typeInto, valueOf, waitForPage } from './support/workbench.js';

const CONNECTION = 'Lab pool';
const PASSWORD_ENV = 'LAB_POOL_PASSWORD';
/** The outputs the wizard lists for aml-synapse-classifier v2, with their SQL types. */
const LAB_OUTPUTS: [string, string][] = [
  ['label_out', 'bigint'],
  ['probability_out', 'real'],
];
const TABLE_PATH = [CONNECTION, 'SQLPool01', 'wwi_ml', 'CustomerTest'];

/** The row (0-based, among the input rows) of the wizard's focused control. */
async function focusedRowIndex(view: FrameLocator): Promise<number> {
  return view.locator('predict-wizard').evaluate((w) => {
    const row = w.shadowRoot?.activeElement?.closest('tr[data-testid="input-row"]');
    return row ? [...(row.parentElement?.querySelectorAll('tr[data-testid="input-row"]') ?? [])].indexOf(row) : -1;
  });
}

/** The data-testid of the wizard's focused control (through the shadow roots), once focus has settled. */
async function focusedTestId(view: FrameLocator): Promise<string> {
  const root = view.locator('predict-wizard');
  let id = '';
  for (let i = 0; i < 50; i++) {
    id = await root.evaluate((w) => {
      let el = w.shadowRoot?.activeElement ?? null;
      while (el && !el.getAttribute('data-testid')) el = el.parentElement;
      return el?.getAttribute('data-testid') ?? '';
    });
    if (id) return id;
    await new Promise((r) => setTimeout(r, 100));
  }
  return id;
}

describe('Predict with a model: the lab, clicked through', () => {
  const dir = mkdtempSync(join(tmpdir(), 'predict-e2e-lab-'));
  let pool: TestPool;
  let registry: SampleRegistry;
  let vsc: VSCodeSession;
  let failed = false;
  let plan: ScoringPlan;
  let expected: Map<number, bigint>;

  before(async () => {
    registry = await writeSampleRegistry(join(dir, 'registry'));
    pool = await startTestPool({ dataDir: join(dir, 'pool'), password: `Lab1!${randomBytes(12).toString('base64url')}` });
    vsc = await startVSCode({
      settings: {
        'predictWizard.connections': [poolConnectionSetting(pool, CONNECTION, PASSWORD_ENV)],
        'predictWizard.modelRegistries': [{ name: 'Sample models', kind: 'local', path: registry.root }],
      },
      env: { [PASSWORD_ENV]: pool.password },
    });
    console.log(`# workbench ready ${vsc.startupMs} ms after code-server started`);
  });

  after(async () => {
    await vsc?.close(failed ? 'wizard-failure' : undefined);
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

  step('the SQL Pools explorer expands to wwi_ml.CustomerTest', async () => {
    const wb = vsc.workbench;
    await wb.openViewContainer('SQL Pools');
    await expandPath(wb, TABLE_PATH.slice(0, 3));
    const objects = await childLabels(wb, TABLE_PATH.slice(0, 3));
    assert.ok(objects.includes('CustomerTest') && objects.includes('AMLModel'), `wwi_ml shows ${objects.join(', ')}`);
    await expandPath(wb, TABLE_PATH);
    assert.deepEqual((await childLabels(wb, TABLE_PATH)).slice(0, 3), ['CustomerKey', 'Cost', 'Size']);
    await saveScreenshot(wb, 'explorer-customertest');
  });

  step('right-click → Machine Learning → Predict with a model; page 1 groups both versions under the model; version 2 is chosen', async () => {
    const wb = vsc.workbench;
    await contextMenuPath(wb, await treeRow(wb, TABLE_PATH), ['Machine Learning', 'Predict with a model']);
    const view = wb.webview();
    await waitForPage(view, 'Choose a pre-trained model');
    assert.equal((await view.getByTestId('wizard-title').innerText()).includes('CustomerTest'), true);
    // Focus starts on the page's first control, the registry.
    assert.equal(await focusedTestId(view), 'registry');
    // Versions grouped by model: version 2 on the model's line, version 1 folded under it until opened.
    const versions = view.locator(`[data-testid="version-row"][data-key^="${LAB_MODEL}:"]`);
    await versions.first().waitFor({ state: 'visible', timeout: 30_000 });
    const keys = () => versions.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')));
    assert.deepEqual(await keys(), [`${LAB_MODEL}:2`]);
    await versions.first().locator('[data-testid="version-fold"]').click();
    await view.locator(`[data-testid="version-row"][data-key="${LAB_MODEL}:1"]`).waitFor({ timeout: 15_000 });
    assert.deepEqual(await keys(), [`${LAB_MODEL}:2`, `${LAB_MODEL}:1`]);
    assert.equal(await view.locator('[data-testid="versions"] thead th').last().innerText(), "Can't be used because");
    const v2 = view.locator(`[data-testid="version-row"][data-key="${LAB_MODEL}:2"]`);
    await v2.click();
    await view.locator(`[data-testid="version-row"][data-key="${LAB_MODEL}:2"][aria-selected="true"]`).waitFor({ timeout: 15_000 });
    const cells = await v2.locator('td').allInnerTexts();
    assert.deepEqual([cells[0], cells[1], cells[3], cells[4]], [LAB_MODEL, '2', 'ana@contoso.com', 'onnx']);
    await view.locator('[data-testid="next"]:not([disabled])').waitFor({ timeout: 30_000 });
    await saveScreenshot(wb, 'wizard-1-choose-model', { docs: true });
  });

  step('page 2 maps the 8 inputs to the same-named columns, lists label_out, and previews 20 rows', async () => {
    const wb = vsc.workbench;
    const view = wb.webview();
    await clickEnabled(view.getByTestId('next'));
    await waitForPage(view, 'Map columns');
    const rows = view.getByTestId('input-row');
    await rows.first().waitFor({ timeout: 15_000 });
    assert.equal(await rows.count(), 8);
    const mapping: [string, string, string][] = [];
    for (let i = 0; i < 8; i++) {
      const r = rows.nth(i);
      mapping.push([await valueOf(r.getByTestId('input-source')), await valueOf(r.getByTestId('input-model')), await valueOf(r.getByTestId('input-type'))]);
    }
    assert.deepEqual(
      mapping,
      CUSTOMER_FEATURES.map((f) => [f, f, FLOAT_FEATURES.includes(f as CustomerFeature) ? 'real' : 'bigint']),
    );
    // The model's two graph outputs: the predicted rating (int64) and its probability (float).
    const outputs = view.getByTestId('output-row');
    const outputRows: [string, string][] = [];
    for (let i = 0; i < (await outputs.count()); i++) {
      outputRows.push([await valueOf(outputs.nth(i).getByTestId('output-model')), await valueOf(outputs.nth(i).getByTestId('output-type'))]);
    }
    assert.deepEqual(outputRows, LAB_OUTPUTS);
    assert.equal(await view.getByTestId('mapping-errors').count(), 0);
    assert.equal(await focusedTestId(view), 'input-source', 'focus starts on the first source column');
    // The input grid is one Tab stop; arrow keys move inside it.
    const firstSource = view.getByTestId('input-source').first();
    await firstSource.press('Tab');
    assert.equal(await focusedTestId(view), 'add-input', 'Tab leaves the grid at once');
    await firstSource.press('ArrowRight');
    assert.deepEqual([await focusedTestId(view), await focusedRowIndex(view)], ['input-model', 0]);
    await view.getByTestId('input-model').first().press('ArrowDown');
    assert.deepEqual([await focusedTestId(view), await focusedRowIndex(view)], ['input-model', 1]);
    // The float columns cast to real: said once above the grid, one short line on each row.
    const summary = view.getByTestId('cast-summary');
    assert.equal(await summary.count(), 1);
    const summaryText = new RegExp(`^⚠ ${FLOAT_FEATURES.length} columns are cast from float to \\[real\\], which can lose data: `);
    assert.match(await summary.locator('summary').innerText(), summaryText);
    const lines = await view.getByTestId('input-warning').allInnerTexts();
    assert.deepEqual(
      lines,
      FLOAT_FEATURES.map(() => '⚠ float → [real] can lose data (see above)'),
    );
    await view.getByTestId('page-title').scrollIntoViewIfNeeded();
    await saveScreenshot(wb, 'wizard-2-map-columns', { docs: true });

    await view.getByTestId('preview').click();
    const table = view.getByTestId('preview-table');
    await table.waitFor({ timeout: 60_000 });
    const head = await table.locator('thead th').allInnerTexts();
    assert.ok(head.includes('label_out'), `preview columns: ${head.join(', ')}`);
    const body = table.locator('tbody tr');
    assert.equal(await body.count(), 20);
    const labelAt = head.indexOf('label_out');
    const labels = await body.evaluateAll((trs, j) => trs.map((tr) => tr.children[j]?.textContent?.trim() ?? ''), labelAt);
    for (const l of labels) assert.match(l, /^[1-5]$/, `a predicted rating of 1 to 5, not '${l}'`);
    // The picture: the side bar hidden for room, the preview scrolled into view.
    await wb.runCommand('View: Toggle Primary Side Bar Visibility');
    await view.locator('h2#outputs-heading').evaluate((h) => h.scrollIntoView({ block: 'start' }));
    await saveScreenshot(wb, 'wizard-2-preview', { docs: true });
    await wb.runCommand('View: Toggle Primary Side Bar Visibility');
  });

  step('page 3: view wwi_ml.CustomerPrediction, existing table wwi_ml.AMLModel, and the generated script', async () => {
    const wb = vsc.workbench;
    const view = wb.webview();
    await clickEnabled(view.getByTestId('next'));
    await waitForPage(view, 'Store objects in the database');
    assert.equal(await view.locator('vscode-radio[value="view"]').evaluate((e) => (e as unknown as { checked: boolean }).checked), true);
    assert.equal(await valueOf(view.getByTestId('script-name')), 'wwi_ml.CustomerPrediction');
    assert.equal(await view.locator('vscode-radio[value="existing"]').evaluate((e) => (e as unknown as { checked: boolean }).checked), true);
    await view.locator('[data-testid="existing-table"]').waitFor({ timeout: 15_000 });
    const tableValue = async () => valueOf(view.getByTestId('existing-table'));
    for (let i = 0; i < 50 && (await tableValue()) === ''; i++) await wb.page.waitForTimeout(100);
    assert.equal(await tableValue(), 'wwi_ml.AMLModel');

    // A name that is taken: the last valid script stays, marked out of date; the error shows once; the
    // Replace checkbox names itself once. Then the suggested name again.
    await view.getByTestId('script').waitFor({ timeout: 15_000 });
    await typeInto(view.getByTestId('script-name'), 'wwi_ml.CustomerTest');
    const taken = 'An object named wwi_ml.CustomerTest already exists. Choose another name, or replace it.';
    await view.getByTestId('script-stale').waitFor({ timeout: 15_000 });
    assert.match(await view.getByTestId('script-stale').innerText(), /^CREATE VIEW \[wwi_ml\]\./m);
    assert.equal(await view.getByText(taken, { exact: true }).count(), 1, 'the error shows once');
    const replace = view.getByTestId('replace-existing');
    assert.equal(await replace.evaluate((e) => e.shadowRoot?.textContent?.split('Replace the existing object').length), 2, 'the label shows once');
    await saveScreenshot(wb, 'wizard-3-name-taken');
    await typeInto(view.getByTestId('script-name'), 'wwi_ml.CustomerPrediction');
    await view.getByTestId('script').waitFor({ timeout: 15_000 });

    const conn = await pool.connect();
    try {
      plan = await labPlan(conn, {
        scriptType: 'view',
        objectName: { schema: 'wwi_ml', name: 'CustomerPrediction' },
        modelTable: { schema: 'wwi_ml', name: 'AMLModel' },
        modelId: `${LAB_MODEL}:2`,
        outputs: LAB_OUTPUTS.map(([name, type]) => ({ name, type: parseSqlType(type) })),
      });
    } finally {
      await conn.close();
    }
    const script = view.getByTestId('script');
    await script.waitFor({ timeout: 15_000 });
    assert.equal(await script.innerText(), generateScoringScript(plan).text);
    await saveScreenshot(wb, 'wizard-3-store-objects', { docs: true });
  });

  step('Deploy model + open script opens the script in a tab named after the view and says what it stored', async () => {
    const wb = vsc.workbench;
    await clickEnabled(wb.webview().getByTestId('deploy'));
    await wb.page.locator('.tabs-container .tab.active[aria-label^="CustomerPrediction.sql"]').waitFor({ timeout: 60_000 });
    assert.equal(
      await wb.waitForNotification(/is stored in/),
      'Model aml-synapse-classifier:2 is stored in wwi_ml.AMLModel. Run the script to create the view wwi_ml.CustomerPrediction.',
    );
    const text = await wb.activeEditorText();
    assert.equal(text, generateScoringScript(plan).text);
    assert.match(text, /WHERE \[ID\] = N'aml-synapse-classifier:2'/);
    assert.match(text, /^CREATE VIEW \[wwi_ml\]\.\[CustomerPrediction\]$/m);
    assert.match(text, /WITH \(\[label_out\] \[bigint\], \[probability_out\] \[real\]\)/);
    assert.equal(await wb.page.locator('.tabs-container .tab[aria-label^="Predict: "]').count(), 0, 'the wizard closes after the deploy');
    await saveScreenshot(wb, 'deployed-script-editor', { docs: true });
  });

  step("the notification's Run Script runs it on the wizard's connection without asking; the results view shows the predictions", async () => {
    const wb = vsc.workbench;
    // The toast may have moved into the notification center by now.
    const stored = { hasText: /is stored in/ };
    let toast = wb.page.locator('.notifications-toasts .notification-list-item', stored).first();
    if (!(await toast.isVisible())) {
      await wb.runCommand('Notifications: Show Notifications');
      toast = wb.page.locator('.notifications-center .notification-list-item', stored).first();
    }
    await toast.hover();
    await toast.locator('.monaco-button', { hasText: /^Run Script$/ }).click();
    const results = wb.webview();
    const grid = results.locator('section.result-set').first();
    await grid.waitFor({ timeout: 60_000 });
    assert.equal(await wb.page.locator('.quick-input-widget').isVisible(), false, 'no connection was asked for');
    assert.match(await results.locator('p.summary').innerText(), /^Done: 2 batches, 1 result set, no errors in .* on 'Lab pool'\./);
    const head = await grid.locator('thead th .name').allInnerTexts();
    assert.deepEqual(head, ['CustomerKey', ...CUSTOMER_FEATURES, 'label_out', 'probability_out']);
    // Cell 0 is the row number; the columns follow.
    const shown = await grid
      .locator('tbody tr')
      .evaluateAll((trs, n) => trs.map((tr) => [Number(tr.children[1]?.textContent), tr.children[n]?.textContent ?? '']), head.indexOf('label_out') + 1);
    const conn = await pool.connect();
    try {
      expected = await scoreDirectly(conn, registryOnnxBytes(registry, LAB_MODEL, 2));
    } finally {
      await conn.close();
    }
    assert.equal(shown.length, expected.size, 'one grid row per CustomerTest row');
    assert.deepEqual(labelsByKey(shown as [number, string][]), expected);
    // The grid opens on the prediction columns, with the key column pinned beside them.
    const shownColumns = await grid.locator('.grid').evaluate((g) => {
      const box = g.getBoundingClientRect();
      return [...g.querySelectorAll('thead th')]
        .filter((th) => {
          const r = th.getBoundingClientRect();
          return r.left >= box.left - 1 && r.right <= box.right + 1;
        })
        .map((th) => th.querySelector('.name')?.textContent ?? '');
    });
    for (const c of ['CustomerKey', 'label_out', 'probability_out']) assert.ok(shownColumns.includes(c), `${c} is in view (shown: ${shownColumns.join(', ')})`);
    // The picture: the results maximized.
    await wb.page.locator('.tabs-container .tab[aria-label^="Results: "]').click();
    await wb.runCommand('View: Toggle Maximize Editor Group');
    await saveScreenshot(wb, 'results-view', { docs: true });
  });

  step("the database holds the model row with the registry's exact bytes, the view, and its predictions equal direct scoring", async () => {
    const conn = await pool.connect();
    try {
      const r = await conn.query(`SELECT [model], [name], [version] FROM [wwi_ml].[AMLModel] WHERE [ID] = N'${LAB_MODEL}:2'`);
      const rows = r.resultSets[0]?.rows ?? [];
      assert.equal(rows.length, 1, 'one model row aml-synapse-classifier:2');
      const [bytes, name, version] = rows[0]!;
      assert.ok(Buffer.isBuffer(bytes));
      assert.ok(bytes.equals(registryOnnxBytes(registry, LAB_MODEL, 2)), "the stored model bytes are the registry's ONNX file");
      assert.deepEqual([name, Number(version)], [LAB_MODEL, 2]);
      assert.equal(await objectExists(conn as unknown as CatalogRunner, { schema: 'wwi_ml', name: 'CustomerPrediction' }), 'view');
      const v = await conn.query('SELECT [CustomerKey], [label_out] FROM [wwi_ml].[CustomerPrediction]');
      assert.deepEqual(labelsByKey(v.resultSets[0]?.rows ?? []), expected);
    } finally {
      await conn.close();
    }
  });
});
