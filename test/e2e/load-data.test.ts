// Load data… clicked through in a real VS Code (code-server + Chromium): a CSV of the lab's 10 000
// customers → right-click the schema wwi_ml → Load data… → the file → the new table's name → its
// columns and inferred types → Load, with progress → the table in the explorer → Predict with a
// model on it, deployed as a view whose predictions (read through tedious) equal onnxruntime-node
// scoring the same customers directly.
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleRegistry, type SampleRegistry } from '../../src/samples/registry.js';
import { listColumns, type CatalogRunner } from '../../src/sql/catalog.js';
import { writeCustomersCsv } from '../support/customers-csv.js';
import { startVSCode, type VSCodeSession } from './harness.js';
import { LAB_MODEL, labelsByKey, registryOnnxBytes, scoreDirectly } from './support/lab.js';
import { poolConnectionSetting, startTestPool, type TestPool } from './support/pool.js';
import { saveScreenshot } from './support/screenshots.js';
import { chooseVersion, fillStorePage, next, openWizard } from './support/wizard.js';
import { childLabels, clickEnabled, contextMenuPath, expandPath, pickQuickItem, toast, treeRow } from './support/workbench.js';

const CONNECTION = 'Lab pool';
const PASSWORD_ENV = 'LAB_POOL_PASSWORD';
const ROWS = 10_000;
const SCHEMA_PATH = [CONNECTION, 'SQLPool01', 'wwi_ml'];

describe('Load data: a CSV of customers into a new table, then Predict with a model on it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'predict-e2e-load-'));
  const csv = join(dir, 'new_customers.csv');
  let pool: TestPool;
  let registry: SampleRegistry;
  let vsc: VSCodeSession;
  let failed = false;

  before(async () => {
    registry = await writeSampleRegistry(join(dir, 'registry'));
    await writeCustomersCsv(csv, ROWS);
    // CustomerTest holds the same generated customers: direct scoring reads them from there.
    pool = await startTestPool({ dataDir: join(dir, 'pool'), password: `Lab1!${randomBytes(12).toString('base64url')}`, seedCustomers: ROWS });
    vsc = await startVSCode({
      settings: {
        'predictWizard.connections': [poolConnectionSetting(pool, CONNECTION, PASSWORD_ENV)],
        'predictWizard.modelRegistries': [{ name: 'Sample models', kind: 'local', path: registry.root }],
      },
      env: { [PASSWORD_ENV]: pool.password },
    });
  });

  after(async () => {
    if (failed && vsc) {
      console.log(`# notifications: ${(await vsc.workbench.notifications().catch(() => [])).join(' | ')}`);
      console.log((await vsc.workbench.outputChannelText('Predict with a Model', 10_000).catch((e: Error) => e.message)).split('\n').slice(-15).join('\n'));
    }
    await vsc?.close(failed ? 'load-data-failure' : undefined);
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

  step('wwi_ml → Load data… → the CSV → table NewCustomers → its columns → Load: 10,000 rows arrive', async () => {
    const wb = vsc.workbench;
    await wb.openViewContainer('SQL Pools');
    await expandPath(wb, SCHEMA_PATH);
    await contextMenuPath(wb, await treeRow(wb, SCHEMA_PATH), ['Load data…']);
    // code-server's file dialog is a quick input that takes a path.
    const input = wb.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    // The dialog writes its starting folder into the box once it has read it: type the path after that,
    // or the folder overwrites it.
    for (let i = 0; i < 100 && !(await input.inputValue()); i++) await wb.page.waitForTimeout(100);
    for (let i = 0; i < 5 && (await input.inputValue()) !== csv; i++) {
      await input.fill(csv);
      await wb.page.waitForTimeout(300);
    }
    assert.equal(await input.inputValue(), csv, 'the CSV path typed into the file dialog');
    await input.press('Enter');
    await input.waitFor({ state: 'visible', timeout: 30_000 });
    for (let i = 0; i < 50 && (await input.inputValue()) !== 'new_customers'; i++) await wb.page.waitForTimeout(100);
    assert.equal(await input.inputValue(), 'new_customers', 'the table name suggested from the file name');
    await input.fill('NewCustomers');
    await input.press('Enter');
    const title = wb.page.locator('.quick-input-widget .quick-input-title');
    await title.filter({ hasText: 'New table [wwi_ml].[NewCustomers]' }).waitFor({ timeout: 15_000 });
    const rows = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    const listed = await rows.evaluateAll((rs) => rs.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()));
    assert.ok(
      listed.some((l) => /CustomerKey.*bigint/.test(l)),
      `columns listed: ${listed.join(' | ')}`,
    );
    assert.ok(
      listed.some((l) => /Cost.*float/.test(l)),
      `columns listed: ${listed.join(' | ')}`,
    );
    await saveScreenshot(wb, 'load-data-columns');
    await pickQuickItem(wb, `Load ${ROWS.toLocaleString('en')} rows into [wwi_ml].[NewCustomers]`);
    await toast(wb, `Loaded ${ROWS.toLocaleString('en')} rows into [wwi_ml].[NewCustomers].`).waitFor({ timeout: 120_000 });
    const conn = await pool.connect();
    try {
      const r = await conn.query('SELECT COUNT(*), COUNT(DISTINCT [CustomerKey]) FROM [wwi_ml].[NewCustomers]');
      assert.deepEqual(r.resultSets[0]!.rows[0], [ROWS, ROWS]);
      const cols = await listColumns(conn as unknown as CatalogRunner, { schema: 'wwi_ml', name: 'NewCustomers' });
      assert.deepEqual(
        cols.map((c) => c.name),
        ['CustomerKey', 'Cost', 'Size', 'Price', 'PrimaryBrandId', 'GenderId', 'MaritalStatus', 'LowerIncomeBound', 'UpperIncomeBound'],
      );
    } finally {
      await conn.close();
    }
    // The explorer refreshes as the load ends; its new children arrive a moment later.
    const shown = await childLabels(wb, SCHEMA_PATH, 30_000, (l) => l.includes('NewCustomers'));
    assert.ok(shown.includes('NewCustomers'), `the explorer shows the new table (it shows ${shown.join(', ')})`);
  });

  step('Predict with a model on the new table: the view scores every loaded customer as onnxruntime does', async () => {
    const wb = vsc.workbench;
    const view = await openWizard(wb, [...SCHEMA_PATH, 'NewCustomers']);
    await chooseVersion(view, `${LAB_MODEL}:2`);
    await next(view, 'Map columns');
    await next(view, 'Store objects in the database');
    await fillStorePage(view, { scriptType: 'view', scriptName: 'wwi_ml.NewCustomerPrediction', modelTable: { create: 'wwi_ml.LoadModels' } });
    await clickEnabled(view.getByTestId('deploy'));
    // The script opens named after the view, and Run Script knows the wizard's connection: it does not ask.
    await wb.page.locator('.tabs-container .tab.active[aria-label^="NewCustomerPrediction.sql"]').waitFor({ timeout: 60_000 });
    await wb.runCommand('Predict Wizard: Run Script on a SQL Pool');
    await wb.webview().locator('section.result-set').first().waitFor({ timeout: 120_000 });
    const conn = await pool.connect();
    try {
      const expected = await scoreDirectly(conn, registryOnnxBytes(registry, LAB_MODEL, 2));
      assert.equal(expected.size, ROWS);
      const v = await conn.query('SELECT [CustomerKey], [label_out] FROM [wwi_ml].[NewCustomerPrediction]');
      assert.deepEqual(labelsByKey((v.resultSets[0]?.rows ?? []).map(([k, l]) => [Number(k), l!])), expected);
    } finally {
      await conn.close();
    }
  });
});
