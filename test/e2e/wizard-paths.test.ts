// The wizard's other paths in a real VS Code (code-server + Chromium), each checked through tedious:
// - a connection with a wrong password: the explorer shows the login failure under the connection,
//   naming the user and error 18456, and the rest of the extension carries on;
// - a stored procedure with a new model table: the table holds the model row after the deploy, the
//   script creates the procedure, and EXEC returns the predictions onnxruntime-node computes directly;
// - a deploy cancelled from its progress notification while the model row is being written: no model
//   row, no new table, no view.
// One local pool and one code-server for the file; passwords reach the extension through environment
// variables named in the connections (passwordEnv).
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSampleRegistry, type SampleRegistry } from '../../src/samples/registry.js';
import { objectExists, type CatalogRunner } from '../../src/sql/catalog.js';
import { generateScoringScript } from '../../src/sql/script.js';
import { parseSqlType } from '../../src/sql/types.js';
import { startVSCode, type VSCodeSession } from './harness.js';
import { LAB_MODEL, labelsByKey, labPlan, registryOnnxBytes, scoreDirectly } from './support/lab.js';
import { poolConnectionSetting, startTestPool, type TestPool } from './support/pool.js';
import { saveScreenshot } from './support/screenshots.js';
import { chooseVersion, fillStorePage, next, openWizard, waitForScript } from './support/wizard.js';
import { childLabels, clickEnabled, closeAllEditors, clickNotificationButton, expandPath, toast, treeRow } from './support/workbench.js';

const CONNECTION = 'Lab pool';
const WRONG = 'Wrong password pool';
const TABLE_PATH = [CONNECTION, 'SQLPool01', 'wwi_ml', 'CustomerTest'];
const WRONG_PASSWORD = 'not-the-pool-password';

describe('Predict with a model: procedure, cancel, wrong password', () => {
  const dir = mkdtempSync(join(tmpdir(), 'predict-e2e-paths-'));
  let pool: TestPool;
  let registry: SampleRegistry;
  let vsc: VSCodeSession;
  let failures = 0;

  before(async () => {
    registry = await writeSampleRegistry(join(dir, 'registry'));
    pool = await startTestPool({ dataDir: join(dir, 'pool'), password: `Lab1!${randomBytes(12).toString('base64url')}` });
    vsc = await startVSCode({
      settings: {
        'predictWizard.connections': [poolConnectionSetting(pool, CONNECTION, 'LAB_POOL_PASSWORD'), poolConnectionSetting(pool, WRONG, 'WRONG_POOL_PASSWORD')],
        'predictWizard.modelRegistries': [{ name: 'Sample models', kind: 'local', path: registry.root }],
      },
      env: { LAB_POOL_PASSWORD: pool.password, WRONG_POOL_PASSWORD: WRONG_PASSWORD },
    });
    console.log(`# workbench ready ${vsc.startupMs} ms after code-server started`);
  });

  after(async () => {
    await vsc?.close(failures ? 'wizard-paths-failure' : undefined);
    await pool?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Each test starts from a workbench without editors or notifications. */
  const test = (name: string, fn: () => Promise<void>): void => {
    it(name, async () => {
      try {
        await closeAllEditors(vsc.workbench);
        await vsc.workbench.runCommand('Notifications: Clear All Notifications');
        await fn();
      } catch (e) {
        failures++;
        await vsc.workbench.screenshot(`wizard-paths-failure-${failures}`).catch(() => undefined);
        throw e;
      }
    });
  };

  test('a wrong password shows the login failure on the connection node, and the other connection still works', async () => {
    const wb = vsc.workbench;
    await wb.openViewContainer('SQL Pools');
    await expandPath(wb, [WRONG]);
    const [message] = await childLabels(wb, [WRONG]);
    assert.equal(message, `Login failed for user 'sa' on ${pool.host}:${pool.port}: check the password (error 18456).`);
    // The side bar cuts the message short; its tooltip shows all of it.
    await (await treeRow(wb, [WRONG, message!])).hover();
    await wb.page
      .locator('.workbench-hover, .monaco-hover')
      .filter({ hasText: 'error 18456' })
      .first()
      .waitFor({ timeout: 10_000 })
      .catch(() => undefined);
    await saveScreenshot(wb, 'explorer-login-failed', { docs: true });
    await wb.page.mouse.move(700, 500);

    // Retry (clicking the error) asks again and fails the same way; nothing else breaks.
    await (await treeRow(wb, [WRONG, message!])).click();
    await wb.page.waitForTimeout(500);
    assert.deepEqual(await childLabels(wb, [WRONG]), [message]);
    await expandPath(wb, [CONNECTION, 'SQLPool01', 'wwi_ml']);
    assert.ok((await childLabels(wb, [CONNECTION, 'SQLPool01', 'wwi_ml'])).includes('CustomerTest'));
    const notes = await wb.notifications();
    assert.ok(!notes.some((n) => /terminated unexpectedly|crash/i.test(n)), notes.join('\n'));

    const log = await wb.outputChannelText('Predict with a Model');
    assert.match(log, /Login failed for user 'sa'/);
    assert.ok(!log.includes(WRONG_PASSWORD) && !log.includes(pool.password), 'a password appears in the log');
    await wb.runCommand('View: Hide Panel');
  });

  test('stored procedure + Create new wwi_ml.Models2: the table holds the row, the script creates the procedure, EXEC scores like onnxruntime', async () => {
    const wb = vsc.workbench;
    const view = await openWizard(wb, TABLE_PATH);
    await chooseVersion(view, `${LAB_MODEL}:1`);
    await next(view, 'Map columns');
    await next(view, 'Store objects in the database');
    await fillStorePage(view, { scriptType: 'procedure', scriptName: 'wwi_ml.PredictCustomerRating', modelTable: { create: 'wwi_ml.Models2' } });

    const conn = await pool.connect();
    let plan;
    try {
      plan = await labPlan(conn, {
        scriptType: 'procedure',
        objectName: { schema: 'wwi_ml', name: 'PredictCustomerRating' },
        modelTable: { schema: 'wwi_ml', name: 'Models2' },
        modelId: `${LAB_MODEL}:1`,
        // Version 1 (the linear model) has the same two outputs.
        outputs: [
          { name: 'label_out', type: parseSqlType('bigint') },
          { name: 'probability_out', type: parseSqlType('real') },
        ],
      });
    } finally {
      await conn.close();
    }
    const expectedScript = generateScoringScript(plan).text;
    const shown = await waitForScript(view, (t) => t === expectedScript, 'the procedure script').catch(async () => view.getByTestId('script').innerText());
    assert.equal(shown, expectedScript);
    assert.match(expectedScript, /^CREATE PROCEDURE \[wwi_ml\]\.\[PredictCustomerRating\]$/m);
    await saveScreenshot(wb, 'wizard-3-procedure-new-table');

    await clickEnabled(view.getByTestId('deploy'));
    await wb.page.locator('.tabs-container .tab.active[aria-label^="PredictCustomerRating.sql"]').waitFor({ timeout: 60_000 });
    assert.equal(await wb.activeEditorText(), expectedScript);

    const check = await pool.connect();
    try {
      const db = check as unknown as CatalogRunner;
      assert.equal(await objectExists(db, { schema: 'wwi_ml', name: 'Models2' }), 'table');
      const row = await check.query(`SELECT [model] FROM [wwi_ml].[Models2] WHERE [ID] = N'${LAB_MODEL}:1'`);
      const bytes = row.resultSets[0]?.rows[0]?.[0];
      assert.ok(Buffer.isBuffer(bytes) && bytes.equals(registryOnnxBytes(registry, LAB_MODEL, 1)), "Models2 holds version 1's exact bytes");
      assert.equal(await objectExists(db, { schema: 'wwi_ml', name: 'PredictCustomerRating' }), undefined, 'the deploy itself creates no procedure');
    } finally {
      await check.close();
    }

    // The script came from the wizard's connection: Run Script runs there without asking.
    await wb.runCommand('Predict Wizard: Run Script on a SQL Pool');
    const results = wb.webview();
    await results.locator('section.result-set').first().waitFor({ timeout: 60_000 });
    assert.equal(await wb.page.locator('.quick-input-widget').isVisible(), false, 'no connection was asked for');
    assert.match(await results.locator('p.summary').innerText(), /^Done: 2 batches, 1 result set, no errors/);

    const after = await pool.connect();
    try {
      assert.equal(await objectExists(after as unknown as CatalogRunner, { schema: 'wwi_ml', name: 'PredictCustomerRating' }), 'procedure');
      const exec = await after.query('EXEC [wwi_ml].[PredictCustomerRating]');
      const set = exec.resultSets[0]!;
      const names = set.columns.map((c) => c.name);
      const key = names.indexOf('CustomerKey');
      const label = names.indexOf('label_out');
      assert.ok(key >= 0 && label >= 0, `EXEC returns ${names.join(', ')}`);
      const expected = await scoreDirectly(after, registryOnnxBytes(registry, LAB_MODEL, 1));
      assert.deepEqual(labelsByKey(set.rows.map((r) => [r[key]!, r[label]!])), expected);
    } finally {
      await after.close();
    }
  });

  test("Cancel on the deploy's progress notification while the model row is written leaves no row, no table, no view", async () => {
    const wb = vsc.workbench;
    const view = await openWizard(wb, TABLE_PATH);
    await chooseVersion(view, `${LAB_MODEL}:2`);
    await next(view, 'Map columns');
    await next(view, 'Store objects in the database');
    await fillStorePage(view, { scriptType: 'view', scriptName: 'wwi_ml.CancelledPrediction', modelTable: { create: 'wwi_ml.CancelledModels' } });
    await view.getByTestId('script').waitFor({ timeout: 15_000 });

    // The pool holds the model row's INSERT until the client cancels it: the deploy waits at "Storing the model row".
    pool.holdInserts('[wwi_ml].[CancelledModels]');
    try {
      await clickEnabled(view.getByTestId('deploy'));
      const progress = /Deploying aml-synapse-classifier:2/;
      await toast(wb, progress).filter({ hasText: 'Storing the model row' }).waitFor({ timeout: 60_000 });
      for (let i = 0; i < 100 && pool.held.started === 0; i++) await wb.page.waitForTimeout(100);
      assert.equal(pool.held.started, 1, 'the INSERT of the model row reached the pool');
      const during = await pool.connect();
      try {
        assert.equal(
          await objectExists(during as unknown as CatalogRunner, { schema: 'wwi_ml', name: 'CancelledModels' }),
          'table',
          'the new table exists while the row is written',
        );
      } finally {
        await during.close();
      }
      await saveScreenshot(wb, 'deploy-progress', { docs: true });
      await clickNotificationButton(wb, progress, 'Cancel');

      const status = view.getByTestId('deploy-status');
      await status.filter({ hasText: 'Deploy cancelled' }).waitFor({ timeout: 30_000 });
      assert.equal((await status.innerText()).trim(), 'Deploy cancelled. The database was left as it was.');
      assert.equal(pool.held.cancelled, 1, 'the pool saw the INSERT cancelled');
    } finally {
      pool.release();
    }
    await waitFor(async () => (await toast(wb, /Deploying aml-synapse-classifier:2/).count()) === 0, 'the progress notification to close');
    assert.equal(await wb.page.locator('.tabs-container .tab[aria-label^="CancelledPrediction.sql"]').count(), 0, 'no script editor opens');
    assert.equal(await view.getByTestId('page-title').innerText(), 'Store objects in the database', 'the wizard stays open on page 3');

    const conn = await pool.connect();
    try {
      const db = conn as unknown as CatalogRunner;
      assert.equal(await objectExists(db, { schema: 'wwi_ml', name: 'CancelledModels' }), undefined, 'the new model table was dropped');
      assert.equal(await objectExists(db, { schema: 'wwi_ml', name: 'CancelledPrediction' }), undefined, 'no view');
      const rows = await conn.query(`SELECT COUNT(*) FROM [wwi_ml].[AMLModel] WHERE [ID] = N'${LAB_MODEL}:2'`);
      assert.equal(Number(rows.resultSets[0]?.rows[0]?.[0]), 0, 'no model row');
    } finally {
      await conn.close();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
